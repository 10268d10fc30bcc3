"""Validated models of an exercise file (``<id>.toml`` beside this module).

An exercise file holds everything about one exercise: its id (the file name), its place in
the programme (``order``), what the article says (purpose, muscles, steps, stop rule), its
dose ladder (``[dose]``: where a new user starts and how progression climbs), how the camera
must be placed and the measurable criteria the tracker uses.  Every threshold lives in the
file, not in code; the models are frozen and reject unknown keys, so a misspelt threshold
fails at start-up instead of being silently ignored.

Angle conventions (2D, image pixels, the side nearer the camera; see ``tracking.features``):

- ``knee_deg``: interior angle hip-knee-ankle (180 = straight leg).
- ``hip_deg``: interior angle shoulder-hip-knee (180 = straight).
- ``line_dev_deg`` (plank): 180 - angle(shoulder, hip, ankle), + when the hip is below the
  shoulder-ankle line (sag), - above it (pike).
- ``hip_ext_deg`` (bridge): 180 - angle(shoulder, hip, knee), + when the hip is above the
  shoulder-knee line (over-extension), - below it (not fully extended).
- ``thigh_deg`` (squat): elevation of hip->knee above the horizontal (90 standing, 0 level).
- ``ankle_lift`` (hip hinge): height of an ankle above the shoulder-hip line, in thigh lengths.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from spinecoach.domain.codes import FaultCode, StopCode
from spinecoach.domain.dose import Dose, DoseLadder


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CameraSetup(_Frozen):
    """Where to put the camera for this exercise."""

    view: Literal["side"]
    height: str
    distance_m: tuple[float, float]
    placement: str


class FaultRule(_Frozen):
    """One form fault: its code (used in reports), what to show and what to say."""

    code: FaultCode
    message: str
    cue: str
    stops_set: bool = False


class Timing(_Frozen):
    """Debounce and grace times shared by all trackers."""

    fault_min_s: float = Field(default=0.3, ge=0, le=3)  # a fault must last this long
    fault_release_s: float = Field(default=0.3, ge=0, le=3)  # and be gone this long to end
    hold_grace_s: float = Field(default=0.35, ge=0, le=3)  # a break shorter than this is bridged
    lost_after_s: float = Field(default=0.5, ge=0, le=5)  # untracked this long ends a rep/hold
    cue_cooldown_s: float = Field(default=4.0, ge=0, le=60)
    min_visibility: float = Field(default=0.5, ge=0, le=1)


class HeelTapCriteria(_Frozen):
    """Supine hip hinge (heel taps) thresholds; heights in thigh lengths."""

    kind: Literal["heel_tap"]
    tabletop_min_lift: float  # both ankles at least this high = tabletop start position
    lowering_below_lift: float  # an ankle below this = a leg is lowering
    tap_below_lift: float  # an ankle below this = the heel reached the floor
    return_above_lift: float  # the lowered ankle back above this = rep complete
    max_knee_deg: float  # moving knee opening past this = knee_angle fault
    min_rep_s: float  # a tap-and-return quicker than this = too_fast
    arch_gap_rise: float  # lower-back gap rise (fraction of torso length) = lumbar_arch
    max_camera_height: float  # far/near joint height gap (torsos) above which the camera is
    #                           looking down and the floor contour cannot be judged


class BridgeCriteria(_Frozen):
    """Bridge thresholds on ``hip_ext_deg``."""

    kind: Literal["bridge"]
    rest_max_deg: float  # hips down: hip_ext below this
    lift_deg: float  # hip_ext this far above the learnt rest value = rising
    top_enter_deg: float  # hip_ext above this = at the top (full extension)
    top_exit_deg: float  # hysteresis: leaves the top below this
    over_extension_deg: float  # hip_ext above this = hips pushed past the line
    still_deg_per_s: float  # the hold is timed only while the hip angle moves slower
    target_hold_s: float


class PlankCriteria(_Frozen):
    """Plank thresholds."""

    kind: Literal["plank"]
    max_tilt_deg: float  # shoulder-ankle line steeper than this = not in a plank
    min_knee_deg: float  # knees straighter than this = legs straight
    sag_deg: float  # line_dev above this = hip_sag
    pike_deg: float  # line_dev below minus this = hip_pike
    min_hip_lift: float  # hip above the elbow-toes floor line (torso lengths) = up in a plank
    still_deg_per_s: float  # a hold starts once the body line moves slower than this
    moving_deg_per_s: float  # and ends when it moves faster than this (or on a fault)
    hip_moving_per_s: float  # or when the hips rise or drop faster (torso lengths per second)
    target_hold_s: float


class SquatCriteria(_Frozen):
    """Ball wall squat thresholds on ``thigh_deg``."""

    kind: Literal["ball_squat"]
    standing_above_deg: float  # thigh steeper than this = standing
    descending_below_deg: float  # below this = a rep has begun
    bottom_enter_deg: float  # below this = in the target depth band
    bottom_exit_deg: float  # hysteresis: leaves the band above this
    too_deep_below_deg: float  # below this = thighs at or past horizontal
    still_deg_per_s: float  # the hold is timed only while the thigh angle moves slower
    target_hold_s: float


Criteria = Annotated[
    HeelTapCriteria | BridgeCriteria | PlankCriteria | SquatCriteria,
    Field(discriminator="kind"),
]


class ExerciseSpec(_Frozen):
    """One exercise of the programme, loaded from ``<id>.toml``."""

    id: str = Field(pattern=r"^[a-z][a-z-]+$")
    order: int = Field(ge=1, description="place in the programme and in every list")
    name: str
    summary: str
    purpose: str
    why_it_helps: str
    muscles: tuple[str, ...]
    steps: tuple[str, ...]
    stop_rule: str
    self_check: str
    posture: Literal["supine", "prone", "standing"]
    camera: CameraSetup
    dose: DoseLadder
    timing: Timing = Timing()
    criteria: Criteria
    faults: tuple[FaultRule, ...]
    lumbar_proxy: str = ""  # how the lumbar-arch proxy works and what it cannot see
    limitations: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check_fault_codes(self) -> ExerciseSpec:
        codes = [f.code for f in self.faults]
        if len(codes) != len(set(codes)):
            raise ValueError(f"duplicate fault codes in {self.id}: {codes}")
        stops = {code.value for code in StopCode}
        for rule in self.faults:
            if rule.stops_set and rule.code not in stops:
                raise ValueError(f"{self.id}: fault {rule.code!r} stops the set but is not a "
                                 "StopCode (add it to spinecoach.domain.codes)")
        return self

    @property
    def default_dose(self) -> Dose:
        """The dose a new user starts at (the article's)."""
        return self.dose.default

    @property
    def reps_per_side(self) -> bool:
        """True when repetitions are counted per leg (hip hinges)."""
        return self.dose.reps_per_side

    def fault(self, code: str) -> FaultRule:
        """Return the fault rule with ``code``; KeyError if this exercise has none."""
        for rule in self.faults:
            if rule.code == code:
                return rule
        raise KeyError(f"{self.id} has no fault {code!r}")
