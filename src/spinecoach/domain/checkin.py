"""Symptom check-ins: validated values, where the furthest symptom is, and what a change means.

The furthest-symptom scale is ordinal (none < back < buttock < thigh < below knee < foot).
Moving down the scale toward the spine is *centralisation* (a good sign); moving further down
the leg is *peripheralisation* (stop that exercise). Sources: McKenzie method literature;
Donelson 1990; BC Medical Journal 2004 (46:348).
"""

from __future__ import annotations

from enum import StrEnum

PAIN_MIN = 0
PAIN_MAX = 10


class SymptomLocation(StrEnum):
    """Where the furthest symptom is, from the spine outward."""

    NONE = "none"
    BACK = "back"
    BUTTOCK = "buttock"
    THIGH = "thigh"
    BELOW_KNEE = "below_knee"
    FOOT = "foot"

    @property
    def rank(self) -> int:
        """Distance from the spine: 0 (none) to 5 (foot)."""
        return list(SymptomLocation).index(self)

    @property
    def label(self) -> str:
        """Plain words for the user."""
        return self.value.replace("_", " ")


class CheckInWhen(StrEnum):
    """When a check-in was taken."""

    BEFORE = "before"
    DURING = "during"
    AFTER = "after"
