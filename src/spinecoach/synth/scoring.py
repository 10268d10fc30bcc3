"""Compare an analysis report with the generator's exact ground truth (tests and benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FAULT_SLACK_S = 0.5  # a reported fault matches a true one if they overlap within this slack


@dataclass
class Score:
    """How one report compares with its truth."""

    reps_ok: bool
    hold_error_s: float  # the worst per-hold error (0 when the exercise has no hold target)
    missed_faults: list[str] = field(default_factory=list)
    false_faults: list[str] = field(default_factory=list)
    stop_ok: bool = True
    by_side_ok: bool = True

    @property
    def passed(self) -> bool:
        """All targets met: reps exact, holds within 0.3 s, faults found and none invented."""
        return (self.reps_ok and self.hold_error_s <= 0.3 and not self.missed_faults
                and not self.false_faults and self.stop_ok and self.by_side_ok)


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["code"] == b["code"] and a["start_s"] <= b["end_s"] + FAULT_SLACK_S
                and b["start_s"] <= a["end_s"] + FAULT_SLACK_S)


def total_hold_s(holds: list[dict[str, Any]]) -> float:
    """Sum of hold interval lengths."""
    return float(sum(h["end_s"] - h["start_s"] for h in holds))


def hold_errors(measured: list[dict[str, Any]], true: list[dict[str, Any]]) -> list[float]:
    """Per true hold, |measured - true| duration of the overlapping measured holds."""
    errors = []
    for t in true:
        got = sum(m["end_s"] - m["start_s"] for m in measured
                  if m["start_s"] < t["end_s"] and t["start_s"] < m["end_s"])
        errors.append(abs(got - (t["end_s"] - t["start_s"])))
    unmatched = [m for m in measured
                 if not any(m["start_s"] < t["end_s"] and t["start_s"] < m["end_s"] for t in true)]
    errors.extend(m["end_s"] - m["start_s"] for m in unmatched)
    return errors


def score_generated(report: dict[str, Any], truth: dict[str, Any]) -> Score:
    """Score a report against the synthetic generator's exact truth."""
    missed = [f"{t['code']}@{t['start_s']:.1f}" for t in truth["faults"]
              if not any(_overlaps(t, r) for r in report["faults"])]
    false = [f"{r['code']}@{r['start_s']:.1f}" for r in report["faults"]
             if not any(_overlaps(r, t) for t in truth["faults"])]
    stop_ok = (truth.get("stop") is None) == (report["stopped"] is None)
    if truth.get("stop") and report["stopped"]:
        stop_ok = abs(truth["stop"]["at_s"] - report["stopped"]["at_s"]) <= 1.0
    by_side_ok = True
    if truth.get("reps_by_side") and "reps_by_side" in report:
        by_side_ok = truth["reps_by_side"] == report["reps_by_side"]
    return Score(
        reps_ok=report["reps"] == truth["reps"],
        hold_error_s=(max(hold_errors(report["holds"], truth["holds"]), default=0.0)
                      if report["exercise"] != "hip-hinge" else 0.0),
        missed_faults=missed, false_faults=false, stop_ok=stop_ok, by_side_ok=by_side_ok,
    )
