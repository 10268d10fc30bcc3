"""The report of an analysed recording: one typed model, built here, read everywhere.

:class:`AnalysisReport` is what ``spinecoach analyze --json`` prints (the format documented in
the README), what an upload job returns to the web page and what
:mod:`spinecoach.session.video_sessions` stores.  Keys: ``exercise``, ``source``, ``tracking``,
``reps``, ``reps_by_side`` (hip hinge), ``repetitions``, ``holds``, ``hold_good_form_s``,
``attempts`` (plank), ``faults``, ``stopped``, ``limitations``, on request ``frames``, and
``run`` (how the analysis ran, added by the composition root).
Times are seconds from the start of the recording, rounded to milliseconds.  Codes and angle
names are the enums of :mod:`spinecoach.domain.codes`, so a report naming an unknown fault
fails validation instead of reaching the database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    StrictBool,
    ValidationError,
    field_validator,
    model_serializer,
)

from spinecoach.domain.codes import AngleName, FaultCode, StopCode
from spinecoach.domain.exercises.spec import ExerciseSpec
from spinecoach.errors import InputError
from spinecoach.tracking.base import TrackerResult
from spinecoach.tracking.state import FrameState, RepEvent

Side = Literal["left", "right"]
_LEFT_OUT_WHEN_EMPTY = ("reps_by_side", "attempts", "frames", "run")


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


@dataclass(frozen=True)
class SourceInfo:
    """What the input was."""

    name: str
    fps: float
    frames: int
    duration_s: float
    kind: Literal["video", "landmarks"] = "video"


class Source(_Part):
    """The recording: its name and kind, and how much of it was analysed."""

    name: str
    kind: Literal["video", "landmarks"]
    fps: float
    frames: int
    duration_s: float
    analysed_fps: float | None = None
    analysed_frames: int | None = None


class TrackingSummary(_Part):
    """How well the person could be followed."""

    detected_frames: int
    untracked: list[tuple[float, float]]
    side: Side
    form_not_judged_s: float
    setup_problems: list[str]


class Repetition(_Part):
    """One completed repetition."""

    index: int
    start_s: float
    peak_s: float
    end_s: float
    side: Side | None
    hold_s: float
    good_form: StrictBool
    faults: list[FaultCode]
    metrics: dict[str, float]

    @field_validator("metrics", mode="before")
    @classmethod
    def _drop_unmeasured(cls, value: object) -> object:
        """A metric the tracker could not measure (null / NaN) is left out, not refused."""
        if not isinstance(value, Mapping):
            return value
        return {key: v for key, v in value.items()
                if v is not None and not (isinstance(v, float) and not math.isfinite(v))}


class Hold(_Part):
    """One interval held in good form."""

    start_s: float
    end_s: float
    duration_s: float


class Attempt(_Part):
    """One plank attempt, from getting up to coming down."""

    start_s: float
    end_s: float
    good_form_s: float
    faults: list[FaultCode]


class Fault(_Part):
    """One debounced fault interval."""

    code: FaultCode
    start_s: float
    end_s: float
    message: str


class Stop(_Part):
    """The stop rule that fired (the analysis goes on after it)."""

    code: StopCode
    at_s: float
    message: str


class FrameRecord(_Part):
    """One frame, with ``--frames``: phase, tracking, measures and that frame's faults."""

    t_s: float
    phase: str
    tracking: str
    angles: dict[AngleName, float]
    faults: list[FaultCode]


class RunInfo(_Part):
    """How the analysis ran: where the pose model ran, how the video was chunked, how long.

    ``pose_workers`` is 1 for this process, more for worker processes, 0 for a landmark table
    (which has no chunks: ``redetect_every_frames`` and ``overlap_frames`` are left out).
    """

    pose_workers: int
    pose_in: str
    redetect_every_frames: int | None = None
    overlap_frames: int | None = None
    wall_s: float

    @model_serializer(mode="wrap")
    def _leave_out_chunks_of_a_table(
        self, handler: SerializerFunctionWrapHandler
    ) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {key: value for key, value in data.items() if value is not None}


class AnalysisReport(_Part):
    """The report of one analysed recording (the JSON of ``spinecoach analyze``)."""

    exercise: str
    source: Source
    tracking: TrackingSummary
    reps: int
    reps_by_side: dict[Side, int] | None = None
    repetitions: list[Repetition]
    holds: list[Hold]
    hold_good_form_s: float
    attempts: list[Attempt] | None = None
    faults: list[Fault]
    stopped: Stop | None
    limitations: list[str]
    frames: list[FrameRecord] | None = None
    run: RunInfo | None = None

    @model_serializer(mode="wrap")
    def _leave_out_what_does_not_apply(
        self, handler: SerializerFunctionWrapHandler
    ) -> dict[str, Any]:
        """``reps_by_side``, ``attempts``, ``frames`` and ``run`` appear only where they apply."""
        data: dict[str, Any] = handler(self)
        for key in _LEFT_OUT_WHEN_EMPTY:
            if data.get(key) is None:
                data.pop(key, None)
        return data

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (what ``--json`` writes)."""
        data: dict[str, Any] = self.model_dump(mode="json")
        return data

    def analysed(self, fps: float, frames: int) -> AnalysisReport:
        """The same report, saying at what rate and how many frames were analysed."""
        source = self.source.model_copy(update={"analysed_fps": round(fps, 3),
                                                "analysed_frames": frames})
        return self.model_copy(update={"source": source})

    def ran(self, run: RunInfo) -> AnalysisReport:
        """The same report, saying how the analysis ran."""
        return self.model_copy(update={"run": run})


def parse_report(data: object) -> AnalysisReport:
    """Validate a report read back as JSON; raise :class:`InputError` naming the bad field."""
    try:
        return AnalysisReport.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                        for part in error["loc"]).lstrip(".") or "the report"
        raise InputError(f"analysis report: {where}: {error['msg']}") from exc


def _r(x: float) -> float:
    return round(float(x), 3)


def _repetition(rep: RepEvent) -> dict[str, Any]:
    return {
        "index": rep.index, "start_s": _r(rep.start_s), "peak_s": _r(rep.peak_s),
        "end_s": _r(rep.end_s), "side": rep.side, "hold_s": _r(rep.hold_s),
        "good_form": rep.good_form, "faults": list(rep.faults), "metrics": rep.metrics,
    }


def frame_record(state: FrameState) -> FrameRecord:
    """Return the per-frame record for ``--frames``."""
    return FrameRecord.model_validate({
        "t_s": _r(state.t_s), "phase": state.phase.value, "tracking": state.tracking.value,
        "angles": state.angles, "faults": list(state.frame_faults),
    })


def _limitations(
    spec: ExerciseSpec, notes_from_tracker: list[str], result: TrackerResult
) -> list[str]:
    notes = notes_from_tracker + list(spec.limitations)
    if result.form_not_judged_s > 0.5:
        notes.insert(0, f"For {result.form_not_judged_s:.1f} s the camera saw you at an angle "
                        "(not side-on): reps and holds were counted but form was not judged.")
    return notes


def _tracking(result: TrackerResult) -> TrackingSummary:
    left, right = result.side_votes
    return TrackingSummary(
        detected_frames=result.detected_frames,
        untracked=[(_r(a), _r(b)) for a, b in result.untracked],
        side="left" if left >= right else "right",
        form_not_judged_s=_r(result.form_not_judged_s),
        setup_problems=sorted(result.setup_problems, key=result.setup_problems.__getitem__,
                              reverse=True),
    )


def build_report(
    spec: ExerciseSpec,
    source: SourceInfo,
    result: TrackerResult,
    frames: list[FrameRecord] | None,
    *,
    notes: list[str] | None = None,
) -> AnalysisReport:
    """Assemble the report from a tracker's result."""
    holds = [h for h in result.holds if h.duration_s > 0]
    by_side = {"left": 0, "right": 0}
    for rep in result.reps:
        if rep.side in by_side:
            by_side[rep.side] += 1
    return AnalysisReport.model_validate({
        "exercise": spec.id,
        "source": {"name": source.name, "kind": source.kind, "fps": _r(source.fps),
                   "frames": source.frames, "duration_s": _r(source.duration_s)},
        "tracking": _tracking(result),
        "reps": len(result.reps),
        "reps_by_side": by_side if spec.reps_per_side else None,
        "repetitions": [_repetition(r) for r in result.reps],
        "holds": [Hold(start_s=_r(h.start_s), end_s=_r(h.end_s), duration_s=_r(h.duration_s))
                  for h in holds],
        "hold_good_form_s": _r(sum(h.duration_s for h in holds)),
        "attempts": [{"start_s": _r(a.start_s), "end_s": _r(a.end_s),
                      "good_form_s": _r(a.good_form_s), "faults": list(a.faults)}
                     for a in result.attempts] if spec.criteria.kind == "plank" else None,
        "faults": [{"code": f.code, "start_s": _r(f.start_s),
                    "end_s": _r(f.end_s if f.end_s is not None else f.start_s),
                    "message": f.message} for f in sorted(result.faults, key=lambda f: f.start_s)],
        "stopped": ({"code": result.stop.code, "at_s": _r(result.stop.at_s),
                     "message": result.stop.message} if result.stop else None),
        "limitations": _limitations(spec, notes or [], result),
        "frames": frames,
    })
