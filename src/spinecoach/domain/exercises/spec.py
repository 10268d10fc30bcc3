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
    # Untracked only because a joint the exercise needs is hidden (the person is still seen:
    # an object in front of the knees, a leg out of the picture) this long ends the rep under
    # way; shorter, the rep carries on when the joint is seen again.  None: as lost_after_s.
    occluded_after_s: float | None = Field(default=None, ge=0, le=10)
    # No frame at all for longer than this: the stream jumped and the rep and hold under way
    # end.  Shorter gaps are the frame rate: live on a loaded machine a few frames a second
    # are analysed, with pauses of up to 1.9 s measured (a browser test beside two renders).
    max_frame_gap_s: float = Field(default=2.0, ge=0, le=10)
    cue_cooldown_s: float = Field(default=4.0, ge=0, le=60)
    min_visibility: float = Field(default=0.5, ge=0, le=1)


class RepSignal(_Frozen):
    """How repetitions are found in one signal, relative to the person's own rest level.

    See ``tracking.excursion``: a rep starts ``enter`` above rest, must reach
    ``min_amplitude`` above it, and ends once back by ``return_fraction`` of its own range.
    Units are the signal's (degrees, or trunk / thigh lengths).
    """

    rest_prior: float  # the typical rest value, used until the person's own is seen
    enter: float = Field(gt=0)
    min_amplitude: float = Field(gt=0)
    return_fraction: float = Field(gt=0, lt=1)
    plateau_fraction: float = Field(ge=0, lt=1)  # within this share of the range of the peak
    plateau_min: float = Field(ge=0)  # (and at least this close) = at the target plateau
    still_per_s: float = Field(gt=0)  # a hold is timed while slower than this (or the noise)
    still_window_s: float = Field(gt=0, le=2)  # speed = slope over this window
    held_start_is_rep: bool = True  # a recording that starts held away from rest is a rep
    min_duration_s: float = Field(default=0.0, ge=0)  # quicker, onset to offset, is a step
    #                                                    or a sway, not a rep (0: any)
    hold_end_early_s: float = Field(default=0.0, ge=0, le=1)  # a hold is seen ending this
    #                                                    much late (measured; see the file)


class HeelTapCriteria(_Frozen):
    """Supine hip hinge (heel taps); ankle heights above the trunk line in thigh lengths."""

    kind: Literal["heel_tap"]
    reps: RepSignal  # on the lowering of the lower ankle (rest = its tabletop height)
    max_knee_deg: float  # moving knee opening past this = knee_angle fault
    min_rep_s: float  # a tap-and-return quicker than this (onset to offset) = too_fast
    arch_gap_rise: float  # lower-back gap rise (fraction of torso length) = lumbar_arch
    max_camera_height: float  # far/near joint height gap (torsos) above which the camera is
    #                           looking down and the floor contour cannot be judged


class BridgeCriteria(_Frozen):
    """Bridge thresholds; reps on ``hip_ext_deg``, confirmed by the hip lift."""

    kind: Literal["bridge"]
    reps: RepSignal
    agree_min_lift: float  # the hips must also rise this far (thigh lengths) when measurable
    rest_max_lift: float  # ... from no higher than this above the shoulder-foot line
    full_extension_deg: float  # a rep whose top stays below this = incomplete_extension
    over_extension_deg: float  # hip_ext above this = hips pushed past the line
    target_hold_s: float


class PlankCriteria(_Frozen):
    """Plank thresholds."""

    kind: Literal["plank"]
    max_tilt_deg: float  # shoulder-ankle line steeper than this = not in a plank
    min_knee_deg: float  # knees bent more than this ...
    knee_floor_max: float  # ... and this close to the floor line (trunk lengths) = knees down
    sag_deg: float  # line_dev above this = hip_sag
    pike_deg: float  # line_dev below minus this = hip_pike
    relative_sag_deg: float  # or sagging this far from the person's own line in good holds
    relative_pike_deg: float  # or piked this far from it
    own_line_follow_deg_per_s: float = Field(ge=0)  # the own line follows this slowly
    min_hip_lift: float  # hip above the elbow-toes floor line (torso lengths) = up in a plank
    exit_hysteresis: float  # the hips must drop this much further (torso lengths) to end it
    legs_hysteresis: float = Field(ge=0)  # knees this far above knee_floor_max start an
    #                                        attempt, this far below it end one
    still_deg_per_s: float  # a hold starts once the body line moves slower than this
    moving_deg_per_s: float  # and ends when it moves faster than this (or on a fault)
    hip_moving_per_s: float  # or when the hips rise or drop faster (torso lengths per second)
    hip_still_per_s: float  # hips slower than this are still (where a movement began)
    still_window_s: float = Field(gt=0, le=2)  # speeds are slopes over this window
    end_band_deg: float = Field(ge=0)  # a hold's end is traced back to where the line left
    end_band_hip: float = Field(ge=0)  # its level by more than this (or the noise), or the
    #                                    hips theirs by more than this (torso lengths)
    target_hold_s: float
    # knees_down intervals less than this apart are one spell on the knees; a spell before
    # every good hold of a recording or set is the way up, after every one the way down
    # (not faults); one between two holds is a fault.
    kneel_spell_gap_s: float = Field(default=2.0, ge=0, le=10)


class SquatCriteria(_Frozen):
    """Ball wall squat thresholds; reps on the knee bend, confirmed by the hip's drop."""

    kind: Literal["ball_squat"]
    reps: RepSignal  # on ``knee_deg`` (sign flipped: bending = a rise)
    front_reps: RepSignal  # in a front view, on ``hip_over_ankle`` (sign flipped)
    agree_min_drop: float  # the hips must also drop this far (trunk lengths)
    shallow_above_deg: float  # a rep whose deepest thigh stays above this = too_shallow
    too_deep_below_deg: float  # thigh below this = at or past horizontal (too_deep)
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
