"""Build the JSON report of an analysis (the format documented in the README).

Keys: ``exercise``, ``source`` {fps, frames, duration_s}, ``tracking`` {detected_frames,
untracked, side, setup_problems}, ``reps``, ``reps_by_side`` (hip hinge), ``repetitions``,
``holds``, ``hold_good_form_s``, ``faults``, ``stopped``, ``limitations`` and, on request,
``frames``.  Times are seconds from the start of the recording, rounded to milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spinecoach.domain.exercises.spec import ExerciseSpec
from spinecoach.tracking.base import TrackerResult
from spinecoach.tracking.state import FrameState, RepEvent


@dataclass(frozen=True)
class SourceInfo:
    """What the input was."""

    name: str
    fps: float
    frames: int
    duration_s: float
    kind: str = "video"  # "video" or "landmarks"


def _r(x: float) -> float:
    return round(float(x), 3)


def _rep_record(rep: RepEvent) -> dict[str, Any]:
    return {
        "index": rep.index, "start_s": _r(rep.start_s), "peak_s": _r(rep.peak_s),
        "end_s": _r(rep.end_s), "side": rep.side, "hold_s": _r(rep.hold_s),
        "good_form": rep.good_form, "faults": list(rep.faults), "metrics": rep.metrics,
    }


def frame_record(state: FrameState) -> dict[str, Any]:
    """Return the per-frame record for ``--frames``."""
    return {
        "t_s": _r(state.t_s), "phase": state.phase.value, "tracking": state.tracking.value,
        "angles": state.angles, "faults": list(state.frame_faults),
    }


def _limitations(
    spec: ExerciseSpec, notes_from_tracker: list[str], result: TrackerResult
) -> list[str]:
    notes = notes_from_tracker + list(spec.limitations)
    if result.form_not_judged_s > 0.5:
        notes.insert(0, f"For {result.form_not_judged_s:.1f} s the camera saw you at an angle "
                        "(not side-on): reps and holds were counted but form was not judged.")
    return notes


def build_report(
    spec: ExerciseSpec,
    source: SourceInfo,
    result: TrackerResult,
    frames: list[dict[str, Any]] | None,
    *,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Assemble the report dictionary from a tracker's result."""
    holds = [h for h in result.holds if h.duration_s > 0]
    left, right = result.side_votes
    report: dict[str, Any] = {
        "exercise": spec.id,
        "source": {"name": source.name, "kind": source.kind, "fps": _r(source.fps),
                   "frames": source.frames, "duration_s": _r(source.duration_s)},
        "tracking": {
            "detected_frames": result.detected_frames,
            "untracked": [[_r(a), _r(b)] for a, b in result.untracked],
            "side": "left" if left >= right else "right",
            "form_not_judged_s": _r(result.form_not_judged_s),
            "setup_problems": sorted(result.setup_problems, key=result.setup_problems.__getitem__,
                                     reverse=True),
        },
        "reps": len(result.reps),
        "repetitions": [_rep_record(r) for r in result.reps],
        "holds": [{"start_s": _r(h.start_s), "end_s": _r(h.end_s),
                   "duration_s": _r(h.duration_s)} for h in holds],
        "hold_good_form_s": _r(sum(h.duration_s for h in holds)),
        "faults": [{"code": f.code, "start_s": _r(f.start_s),
                    "end_s": _r(f.end_s if f.end_s is not None else f.start_s),
                    "message": f.message} for f in sorted(result.faults, key=lambda f: f.start_s)],
        "stopped": ({"code": result.stop.code, "at_s": _r(result.stop.at_s),
                     "message": result.stop.message} if result.stop else None),
        "limitations": _limitations(spec, notes or [], result),
    }
    if spec.reps_per_side:
        by_side = {"left": 0, "right": 0}
        for rep in result.reps:
            if rep.side in by_side:
                by_side[rep.side] += 1
        report["reps_by_side"] = by_side
    if spec.criteria.kind == "plank":
        report["attempts"] = [
            {"start_s": _r(a.start_s), "end_s": _r(a.end_s), "good_form_s": _r(a.good_form_s),
             "faults": list(a.faults)} for a in result.attempts
        ]
    if frames is not None:
        report["frames"] = frames
    return report
