"""Screening outcomes, ordered by urgency, with the plain advice shown for each.

Sources (see ``shared/reference/clinical-notes.md``): cauda equina signs -> emergency
(BASS 2018, GIRFT CES pathway, BMJ Best Practice); sudden foot drop or worsening weakness ->
same day (NHS Lothian spinal pathway); cancer / infection / fracture flags -> urgent review
before exercising (NICE NG59, NICE CKS sciatica).
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """The result of a red-flag screening; every value but ``OK`` blocks exercise."""

    OK = "ok"
    URGENT_REVIEW = "urgent_review"
    SAME_DAY = "same_day"
    EMERGENCY = "emergency"

    @property
    def urgency(self) -> int:
        """Rank for combining outcomes: higher is more urgent."""
        return _URGENCY[self]

    @property
    def blocks_exercise(self) -> bool:
        """Whether this outcome blocks every exercise until a new screening is ``ok``."""
        return self is not Outcome.OK

    @property
    def advice(self) -> str:
        """Plain-language advice for the user."""
        return _ADVICE[self]


_URGENCY: dict[Outcome, int] = {
    Outcome.OK: 0,
    Outcome.URGENT_REVIEW: 1,
    Outcome.SAME_DAY: 2,
    Outcome.EMERGENCY: 3,
}

NOT_A_CLINICIAN = "spinecoach does not replace a clinician."

_ADVICE: dict[Outcome, str] = {
    Outcome.EMERGENCY: (
        "Go to an emergency department now. These signs can mean pressure on the nerves at "
        "the bottom of the spine (cauda equina syndrome), which needs treatment within hours. "
        "Do not exercise."
    ),
    Outcome.SAME_DAY: (
        "Contact a doctor or your spinal service today. Sudden or worsening weakness needs to "
        "be checked the same day. Do not exercise until you have been seen."
    ),
    Outcome.URGENT_REVIEW: (
        "Please see a doctor or physiotherapist soon, before you start these exercises. "
        "Your answers include signs that a clinician should check first."
    ),
    Outcome.OK: (
        "No warning signs in your answers. You can exercise today. If anything changes, "
        "stop and get advice. " + NOT_A_CLINICIAN
    ),
}


def most_urgent(outcomes: list[Outcome]) -> Outcome:
    """Return the most urgent of ``outcomes`` (``OK`` when there are none)."""
    return max(outcomes, key=lambda outcome: outcome.urgency, default=Outcome.OK)
