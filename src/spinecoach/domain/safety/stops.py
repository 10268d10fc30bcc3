"""Symptom stop rules and the pain traffic light (pure).

- Pain during exercise (common physiotherapy pain monitoring, see clinical-notes.md):
  0-3 fine; 4-5 acceptable only if it settles after the session and is not worse the next
  day; 6 or more: stop the exercise and ease the dose next time.
- Peripheralisation, new numbness or new weakness against the baseline check-in: stop that
  exercise for the day and record it (McKenzie literature; Donelson 1990; BCMJ 2004 46:348).
- Repeated symptom stops (on :data:`REPEATED_STOPS` or more different days within
  :data:`REPEATED_WINDOW`): advise seeing a clinician.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from spinecoach.domain.checkin import SymptomChange, SymptomReport
from spinecoach.domain.codes import StopCode

STOP_PAIN = 6
"""Pain (0-10) at or above which an exercise stops."""
AMBER_PAIN = 4
"""Pain (0-10) from which the traffic light turns amber."""
REPEATED_STOPS = 2
"""Symptom stops within :data:`REPEATED_WINDOW` that lead to advice to see a clinician."""
REPEATED_WINDOW = timedelta(days=14)

class PainLight(StrEnum):
    """The pain traffic light."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


_PAIN_ADVICE: dict[PainLight, str] = {
    PainLight.GREEN: "Pain 0 to 3 is fine. Carry on.",
    PainLight.AMBER: (
        "Pain 4 or 5 is acceptable if it settles after the session and is not worse "
        "tomorrow. If it does not settle, tell your clinician."
    ),
    PainLight.RED: (
        "Pain 6 or more: stop this exercise for today. We will ease the dose next time."
    ),
}


def pain_light(pain: int) -> PainLight:
    """Return the traffic light for a 0-10 pain score."""
    if pain >= STOP_PAIN:
        return PainLight.RED
    if pain >= AMBER_PAIN:
        return PainLight.AMBER
    return PainLight.GREEN


def pain_advice(pain: int) -> str:
    """Plain advice for a 0-10 pain score."""
    return _PAIN_ADVICE[pain_light(pain)]


@dataclass(frozen=True)
class StopRule:
    """A symptom stop rule that fired: a stable ``code`` and a kind ``message``."""

    code: StopCode
    message: str


CLINICIAN_ADVICE = (
    "Your symptoms have made you stop on more than one day in the last two weeks. Please book an "
    "appointment with your doctor or physiotherapist before carrying on with this programme."
)


def symptom_stops(current: SymptomReport, change: SymptomChange | None) -> list[StopRule]:
    """Return the stop rules that fire for ``current`` against its baseline ``change``.

    ``change`` is None when there is no earlier check-in to compare with: then only the pain
    rule can fire.
    """
    stops: list[StopRule] = []
    if current.worst_pain >= STOP_PAIN:
        stops.append(
            StopRule(
                StopCode.PAIN_6_OR_MORE,
                f"Your pain is {current.worst_pain} out of 10. Please stop this exercise for "
                "today and rest in a comfortable position.",
            )
        )
    if change is None:
        return stops
    where = current.furthest_symptom.label
    if change.peripheralised:
        stops.append(
            StopRule(
                StopCode.PERIPHERALISATION,
                f"Your leg symptoms have spread further down, to the {where}. Please stop this "
                "exercise for today.",
            )
        )
    if change.new_numbness:
        stops.append(
            StopRule(
                StopCode.NEW_NUMBNESS, "You have new numbness. Please stop this exercise for today."
            )
        )
    if change.new_weakness:
        stops.append(
            StopRule(
                StopCode.NEW_WEAKNESS, "You have new weakness. Please stop this exercise for today."
            )
        )
    return stops


def needs_clinician(stop_times: Iterable[datetime], now: datetime) -> bool:
    """Whether symptom stops on enough different days happened recently to advise a clinician.

    Several stops on one day (e.g. pain and peripheralisation in one check-in) count once.
    """
    days = {t.date() for t in stop_times if now - REPEATED_WINDOW <= t <= now}
    return len(days) >= REPEATED_STOPS


def centralisation_note(change: SymptomChange) -> str | None:
    """A short encouraging or cautious note about where the symptoms moved, if they moved."""
    if change.centralised:
        return "Your leg symptoms have moved closer to your back. That is a good sign."
    if change.peripheralised:
        return "Your leg symptoms have spread further down your leg."
    return None
