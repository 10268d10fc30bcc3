"""Scoring of analysis reports against exact (rendered) truth, and the per-split summary.

Metrics follow ../shared/EVALUATION.md and the engine issue's targets:

- reps exact: the clip's repetition count equals the truth;
- hold error: per true hold (bridge top, squat bottom, plank interval), the measured good-form
  seconds overlapping it against its true length (``within 0.3 s`` is the target);
- fault recall: the share of true fault intervals found (same code, overlapping within 0.5 s);
- invented faults: the share of clean clips (no true fault) in which any fault is reported;
- stop timing: for clips whose truth has a stop, |measured - true| (a missed stop counts as
  missed); a stop reported on a clip without one is a false stop.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

FAULT_SLACK_S = 0.5
HOLD_TARGET_S = 0.3
STOP_TARGET_S = 0.5


def _overlap(a: dict[str, Any], b: dict[str, Any], slack: float = FAULT_SLACK_S) -> bool:
    end_a = a["end_s"] if a.get("end_s") is not None else a["start_s"]
    end_b = b["end_s"] if b.get("end_s") is not None else b["start_s"]
    return bool(a["start_s"] <= end_b + slack and b["start_s"] <= end_a + slack)


@dataclass
class ClipScore:
    """One report against one truth."""

    name: str
    exercise: str
    reps_true: int
    reps: int
    hold_errors: list[float] = field(default_factory=list)
    faults_true: int = 0
    faults_found: int = 0
    invented: list[str] = field(default_factory=list)  # reported faults matching no truth
    clean: bool = True
    stop_true: float | None = None
    stop: float | None = None

    @property
    def reps_ok(self) -> bool:
        """Exact count."""
        return self.reps == self.reps_true

    @property
    def passed(self) -> bool:
        """Every target met on this clip."""
        stop_ok = (self.stop_true is None) == (self.stop is None) and (
            self.stop_true is None or abs(self.stop - self.stop_true) <= STOP_TARGET_S  # type: ignore[operator]
        )
        return (self.reps_ok and all(e <= HOLD_TARGET_S for e in self.hold_errors)
                and self.faults_found == self.faults_true and not self.invented and stop_ok)

    def problems(self) -> str:
        """A short description of what went wrong."""
        out = []
        if not self.reps_ok:
            out.append(f"reps {self.reps}/{self.reps_true}")
        bad = [e for e in self.hold_errors if e > HOLD_TARGET_S]
        if bad:
            out.append(f"hold err {max(bad):.2f}")
        if self.faults_found < self.faults_true:
            out.append(f"missed {self.faults_true - self.faults_found} fault(s)")
        if self.invented:
            out.append("false " + ",".join(sorted(set(self.invented))))
        if self.stop_true is not None and self.stop is None:
            out.append("stop missed")
        elif self.stop_true is None and self.stop is not None:
            out.append("false stop")
        elif self.stop_true is not None and self.stop is not None:
            if abs(self.stop - self.stop_true) > STOP_TARGET_S:
                out.append(f"stop off {self.stop - self.stop_true:+.2f}")
        return "; ".join(out) or "-"


def score_clip(name: str, report: dict[str, Any], truth: dict[str, Any]) -> ClipScore:
    """Score one report against the renderer's truth."""
    exercise = truth["exercise"]
    true_faults = truth.get("faults", [])
    score = ClipScore(name, exercise, int(truth["reps"]), int(report["reps"]))
    if exercise != "hip-hinge":
        for t in truth.get("holds", []):
            got = sum(h["end_s"] - h["start_s"] for h in report["holds"]
                      if h["start_s"] < t["end_s"] and t["start_s"] < h["end_s"])
            score.hold_errors.append(abs(got - (t["end_s"] - t["start_s"])))
    score.faults_true = len(true_faults)
    score.faults_found = sum(
        any(r["code"] == t["code"] and _overlap(t, r) for r in report["faults"])
        for t in true_faults)
    score.invented = [r["code"] for r in report["faults"]
                      if not any(r["code"] == t["code"] and _overlap(t, r) for t in true_faults)]
    score.clean = not true_faults
    stop_t = truth.get("stop")
    score.stop_true = None if not stop_t else float(stop_t["at_s"])
    score.stop = None if not report.get("stopped") else float(report["stopped"]["at_s"])
    return score


def _pct(n: int, d: int) -> str:
    return "-" if d == 0 else f"{100.0 * n / d:.1f} %"


def summarise(scores: list[ClipScore]) -> dict[str, str]:
    """The split's metrics, as printable strings."""
    holds = [e for s in scores for e in s.hold_errors]
    clean = [s for s in scores if s.clean]
    stops = [s for s in scores if s.stop_true is not None]
    stop_errs = [abs(s.stop - s.stop_true) for s in stops  # type: ignore[operator]
                 if s.stop is not None]
    false_stops = sum(1 for s in scores if s.stop_true is None and s.stop is not None)
    return {
        "clips": str(len(scores)),
        "all targets met": _pct(sum(s.passed for s in scores), len(scores)),
        "reps exact": _pct(sum(s.reps_ok for s in scores), len(scores)),
        "holds within 0.3 s": _pct(sum(e <= HOLD_TARGET_S for e in holds), len(holds)),
        "hold error median / worst s": "-" if not holds else
        f"{statistics.median(holds):.2f} / {max(holds):.2f}",
        "fault recall": _pct(sum(s.faults_found for s in scores),
                             sum(s.faults_true for s in scores)),
        "clean clips with an invented fault": _pct(sum(bool(s.invented) for s in clean),
                                                   len(clean)),
        "stops within 0.5 s": _pct(sum(e <= STOP_TARGET_S for e in stop_errs), len(stops)),
        "stop error median s": "-" if not stop_errs else f"{statistics.median(stop_errs):.2f}",
        "false stops": str(false_stops),
    }
