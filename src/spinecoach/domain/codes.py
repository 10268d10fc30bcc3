"""The machine-readable codes spinecoach stores and reports: faults, stops and measures.

They are :class:`~enum.StrEnum` values, so each compares equal to the plain string that the
trackers emit and that the database, the JSON report and the web API carry
(``FaultCode.HIP_SAG == "hip_sag"``).  An exercise file may only name a fault listed here
(checked when the file is loaded), so a misspelt code fails at start-up, not in a report.

A new fault: add its code here and a ``[[faults]]`` entry to the exercise file that judges it.
"""

from __future__ import annotations

from enum import StrEnum


class FaultCode(StrEnum):
    """A form fault found by a tracker (the codes of the README's report)."""

    LUMBAR_ARCH = "lumbar_arch"  # hip hinge: the lower back arches (the article's stop rule)
    KNEE_ANGLE = "knee_angle"
    TOO_FAST = "too_fast"
    HOLD_TOO_SHORT = "hold_too_short"  # bridge and ball squat
    INCOMPLETE_EXTENSION = "incomplete_extension"
    OVER_EXTENSION = "over_extension"
    HIP_SAG = "hip_sag"
    HIP_PIKE = "hip_pike"
    KNEES_DOWN = "knees_down"
    TOO_SHALLOW = "too_shallow"
    TOO_DEEP = "too_deep"


class StopCode(StrEnum):
    """Why a set, an exercise or a day was stopped.

    ``LUMBAR_ARCH`` is a tracker's form stop (it ends that set, as the article says); the
    others are the symptom stop rules of :mod:`spinecoach.domain.safety.stops`.
    """

    LUMBAR_ARCH = "lumbar_arch"
    PAIN_6_OR_MORE = "pain_6_or_more"
    PERIPHERALISATION = "peripheralisation"
    NEW_NUMBNESS = "new_numbness"
    NEW_WEAKNESS = "new_weakness"

    @property
    def from_symptoms(self) -> bool:
        """True for a symptom stop (it stops the exercise, or the day, until tomorrow)."""
        return self in SYMPTOM_STOP_CODES


SYMPTOM_STOP_CODES: frozenset[StopCode] = frozenset(
    {StopCode.PAIN_6_OR_MORE, StopCode.PERIPHERALISATION, StopCode.NEW_NUMBNESS,
     StopCode.NEW_WEAKNESS}
)
"""Stop codes that come from symptoms (a tracker's form stop such as ``lumbar_arch`` is not)."""


class AngleName(StrEnum):
    """The per-frame measures a tracker reports (``FrameState.angles``, ``frames[].angles``).

    Angles are in degrees (``_deg``); the others are heights in the person's own trunk or thigh
    lengths.  ``spinecoach.tracking.features`` computes them (there it is called ``Measure``).
    """

    KNEE_DEG = "knee_deg"  # interior hip-knee-ankle (180 = straight)
    HIP_DEG = "hip_deg"  # interior shoulder-hip-knee
    LINE_DEV_DEG = "line_dev_deg"  # plank: bend of shoulder-hip-ankle (or knee), + = sag
    HIP_EXT_DEG = "hip_ext_deg"  # bridge: bend of shoulder-hip-knee, + = hips above the line
    THIGH_DEG = "thigh_deg"  # squat: elevation of hip->knee above horizontal
    TILT_DEG = "tilt_deg"  # |elevation| of the shoulder-ankle (or knee) line
    HIP_FLOOR = "hip_floor"  # plank: hip above the elbow-toes floor line, trunk lengths
    KNEE_FLOOR = "knee_floor"  # plank: knee above that line, trunk lengths
    HIP_LIFT = "hip_lift"  # bridge: hip above the shoulder-foot floor line, thigh lengths
    HIP_OVER_ANKLE = "hip_over_ankle"  # squat: hip height above the ankle, trunk lengths
    LUMBAR_GAP_RISE = "lumbar_gap_rise"  # hip hinge: lower-back gap rise, trunk lengths
    CAMERA_HEIGHT = "camera_height"  # lying: far/near joint height gap, trunk lengths
