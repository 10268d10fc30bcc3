"""Pain and leg-symptom trends, judged against the meaningful-change thresholds.

Meaningful change in 0-10 pain is **2 points or 30 %** of the baseline (Ostelo et al. 2008
consensus; ``shared/reference/clinical-notes.md``).  The baseline is the mean of the first
check-ins of the period and the current value the mean of the last ones (up to
:data:`WINDOW` each, and never more than half of them), so with many check-ins one bad
morning does not read as a trend, and with few the numbers are the ones the user gave
(a baseline of 4 and a 3 after the first session read "4 -> 3").  The quick checks asked
*during* a session (pain while exercising, for the stop rules) are not part of the trend.

Centralisation (the furthest symptom retreating toward the spine) and peripheralisation
(spreading down the leg) are judged between consecutive check-ins with the domain's own rule,
:func:`spinecoach.domain.checkin.compare_symptoms`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from spinecoach.domain.checkin import (
    CheckInWhen,
    SymptomLocation,
    SymptomReport,
    compare_symptoms,
)
from spinecoach.session.records import CheckIn

MEANINGFUL_CHANGE_POINTS = 2.0
MEANINGFUL_CHANGE_FRACTION = 0.30
WINDOW = 3


class Direction(StrEnum):
    """How a pain score moved over the period."""

    IMPROVED = "improved"
    WORSE = "worse"
    NO_MEANINGFUL_CHANGE = "no meaningful change"


@dataclass(frozen=True)
class PainChange:
    """Baseline and current pain and whether the change is meaningful."""

    measure: str  # "back" or "leg"
    baseline: float
    current: float
    n_baseline: int
    n_current: int

    @property
    def change_points(self) -> float:
        """Current minus baseline (negative = less pain)."""
        return self.current - self.baseline

    @property
    def change_fraction(self) -> float | None:
        """Change relative to the baseline, or None when the baseline is 0."""
        return None if self.baseline == 0 else self.change_points / self.baseline

    @property
    def meaningful(self) -> bool:
        """At least 2 points or at least 30 % of the baseline."""
        return is_meaningful_change(self.baseline, self.current)

    @property
    def direction(self) -> Direction:
        """Improved / worse when meaningful, else no meaningful change."""
        if not self.meaningful:
            return Direction.NO_MEANINGFUL_CHANGE
        return Direction.IMPROVED if self.change_points < 0 else Direction.WORSE


def is_meaningful_change(baseline: float, current: float) -> bool:
    """Whether a 0-10 pain score moved by >= 2 points or >= 30 % of ``baseline``."""
    delta = abs(current - baseline)
    if delta == 0:
        return False
    if delta >= MEANINGFUL_CHANGE_POINTS - 1e-9:
        return True
    return baseline > 0 and delta / baseline >= MEANINGFUL_CHANGE_FRACTION - 1e-9


def trend_checkins(checkins: Sequence[CheckIn]) -> list[CheckIn]:
    """The check-ins a pain trend reads: before and after sessions (not during), oldest first."""
    ordered = sorted(checkins, key=lambda c: c.taken_at)
    return [c for c in ordered if c.when is not CheckInWhen.DURING]


def pain_change(checkins: Sequence[CheckIn], measure: str) -> PainChange | None:
    """Baseline versus current ``measure`` ("back" or "leg") pain, or None with < 2 check-ins."""
    if measure not in ("back", "leg"):
        raise ValueError(f"measure must be 'back' or 'leg', not {measure!r}")
    series = trend_checkins(checkins)
    if len(series) < 2:
        return None
    n = max(1, min(WINDOW, len(series) // 2))
    values = [c.back_pain if measure == "back" else c.leg_pain for c in series]
    return PainChange(
        measure=measure,
        baseline=sum(values[:n]) / n,
        current=sum(values[-n:]) / n,
        n_baseline=n,
        n_current=n,
    )


class ShiftKind(StrEnum):
    """A movement of the furthest leg symptom."""

    CENTRALISATION = "centralisation"
    PERIPHERALISATION = "peripheralisation"


@dataclass(frozen=True)
class SymptomShift:
    """The furthest symptom moved between two consecutive check-ins."""

    at: datetime
    kind: ShiftKind
    from_location: SymptomLocation
    to_location: SymptomLocation


def _report(checkin: CheckIn) -> SymptomReport:
    return SymptomReport(
        back_pain=checkin.back_pain,
        leg_pain=checkin.leg_pain,
        furthest_symptom=checkin.furthest_symptom,
        numbness=checkin.numbness,
        tingling=checkin.tingling,
        weakness=checkin.weakness,
    )


def symptom_shifts(checkins: Sequence[CheckIn]) -> list[SymptomShift]:
    """Every centralisation or peripheralisation between consecutive check-ins."""
    ordered = sorted(checkins, key=lambda c: c.taken_at)
    shifts = []
    for previous, current in zip(ordered, ordered[1:], strict=False):
        change = compare_symptoms(_report(previous), _report(current))
        kind = (
            ShiftKind.PERIPHERALISATION
            if change.peripheralised
            else ShiftKind.CENTRALISATION
            if change.centralised
            else None
        )
        if kind is not None:
            shifts.append(
                SymptomShift(
                    at=current.taken_at,
                    kind=kind,
                    from_location=previous.furthest_symptom,
                    to_location=current.furthest_symptom,
                )
            )
    return shifts


@dataclass(frozen=True)
class SessionPainResponse:
    """Worst pain before and after one session."""

    session_id: int
    at: datetime
    before: int
    after: int

    @property
    def flare(self) -> bool:
        """Worst pain rose by a meaningful amount (>= 2 points) over the session."""
        return self.after - self.before >= MEANINGFUL_CHANGE_POINTS


def session_pain_responses(checkins: Sequence[CheckIn]) -> list[SessionPainResponse]:
    """Pair each session's before and after check-ins (the last of each kind)."""
    before: dict[int, CheckIn] = {}
    after: dict[int, CheckIn] = {}
    for checkin in sorted(checkins, key=lambda c: c.taken_at):
        if checkin.session_id is None:
            continue
        if checkin.when is CheckInWhen.BEFORE:
            before[checkin.session_id] = checkin
        elif checkin.when is CheckInWhen.AFTER:
            after[checkin.session_id] = checkin
    paired = [
        SessionPainResponse(
            session_id=sid,
            at=before[sid].taken_at,
            before=before[sid].worst_pain,
            after=after[sid].worst_pain,
        )
        for sid in before
        if sid in after
    ]
    return sorted(paired, key=lambda r: r.at)
