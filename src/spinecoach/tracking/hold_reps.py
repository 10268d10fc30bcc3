"""Trackers for exercises done as "move to a target, hold, come back": bridge and ball squat.

Both follow one signal with hysteresis: START -> MOVING (left the start band) -> TARGET
(inside the target band: the hold timer runs while form is good) -> RETURNING -> START, which
completes the rep.  A rep that never reaches the target is still a rep, with a fault
(``incomplete_extension`` / ``too_shallow``); ``hold_too_short`` is given only to reps with no
other fault, so one mistake is reported once.
"""

from __future__ import annotations

import math

from spinecoach.domain.exercises.spec import BridgeCriteria, ExerciseSpec, SquatCriteria
from spinecoach.tracking.base import (
    HOLD_TOLERANCE_S,
    ExerciseTracker,
    Judgement,
    RepInProgress,
)
from spinecoach.tracking.features import Features
from spinecoach.tracking.registry import register_tracker
from spinecoach.tracking.state import Phase, RepEvent
from spinecoach.tracking.timing import StillnessGate


class _HoldRepTracker(ExerciseTracker):
    """Shared machinery; subclasses define the signal, the bands and the faults."""

    signal_name = ""
    shortfall_fault = ""  # the rep-level fault for a rep that never reaches the target
    depth_fault = ""  # the continuous fault that spoils the hold (over-extension, too deep)
    higher_is_target = True  # bridge: the signal rises to the target; squat: it falls

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None) -> None:
        """See :class:`ExerciseTracker`."""
        super().__init__(spec, target_hold_s=target_hold_s)
        self.rep: RepInProgress | None = None
        self.seen_start = False
        self.stillness = StillnessGate(float(getattr(spec.criteria, "still_deg_per_s", 20.0)))

    # Subclass hooks -------------------------------------------------------------------
    def at_start(self, value: float) -> bool:
        """True when ``value`` is in the start band."""
        raise NotImplementedError

    def left_start(self, value: float) -> bool:
        """True when ``value`` shows a rep has begun."""
        raise NotImplementedError

    def enters_target(self, value: float) -> bool:
        """True when ``value`` enters the target band."""
        raise NotImplementedError

    def leaves_target(self, value: float) -> bool:
        """True when ``value`` leaves the target band (with hysteresis)."""
        raise NotImplementedError

    def depth_faulty(self, value: float) -> bool:
        """True when ``value`` is past the target (over-extension, too deep)."""
        raise NotImplementedError

    # The state machine ------------------------------------------------------------------
    def abandon_rep(self) -> None:
        """Forget the rep under way."""
        self.rep = None

    def finish_open(self, t_s: float) -> Judgement | None:
        """A recording that ends while coming back up from the target counts that rep.

        The user went down, reached the target and is on the way back when the file ends (a
        clip cut as they stand up); a rep still going down or held at the bottom does not
        count.
        """
        if self.rep is None or self.phase is not Phase.RETURNING:
            return None
        judgement = Judgement(Phase.START)
        self._complete(judgement, t_s)
        return judgement

    def _better(self, a: float, b: float) -> bool:
        return a > b if self.higher_is_target else a < b

    def judge(self, feats: Features, t_s: float) -> Judgement:
        """Advance the state machine by one tracked frame."""
        value = feats.angles.get(self.signal_name, math.nan)
        if math.isnan(value):
            return Judgement(self.phase if self.phase != Phase.UNTRACKED else Phase.SETUP)
        judged = self.form_judged
        faults = {self.depth_fault} if judged and self.depth_faulty(value) else set()
        phase = self._next_phase(value, t_s)
        judgement = Judgement(phase, faults=faults)
        still = self.stillness.update(value, t_s)
        rep = self.rep
        if rep is not None:
            rep.faults |= faults
            rep.form_judged &= judged
            rep.reached_target |= phase is Phase.TARGET
            if self._better(value, rep.peak_value):
                rep.peak_value, rep.peak_s = value, t_s
            judgement.hold_good = phase is Phase.TARGET and not faults and still
            if phase is Phase.START:
                self._complete(judgement, t_s)
        self.observe_start(value, phase)
        return judgement

    def observe_start(self, value: float, phase: Phase) -> None:
        """Hook: learn the user's own start value (bridge)."""


    def _next_phase(self, value: float, t_s: float) -> Phase:
        phase = self.phase
        if phase in (Phase.SETUP, Phase.UNTRACKED):
            if self.at_start(value):
                return Phase.START
            if not self.seen_start and self.enters_target(value):
                # The recording began mid-rep, at the target (e.g. a wall sit already held).
                # Never after a loss: a rep half seen is not counted.
                self.rep = RepInProgress(start_s=t_s, peak_s=t_s, peak_value=value)
                self.reset_rep_hold()
                return Phase.TARGET
            return Phase.SETUP
        if phase is Phase.START:
            self.seen_start = True
            if self.left_start(value):
                self.rep = RepInProgress(start_s=t_s, peak_s=t_s, peak_value=value)
                self.reset_rep_hold()
                return Phase.TARGET if self.enters_target(value) else Phase.MOVING
            return Phase.START
        if phase is Phase.MOVING:
            if self.enters_target(value):
                return Phase.TARGET
            return Phase.START if self.at_start(value) else Phase.MOVING
        if phase is Phase.TARGET:
            return Phase.RETURNING if self.leaves_target(value) else Phase.TARGET
        # RETURNING
        if self.at_start(value):
            return Phase.START
        return Phase.TARGET if self.enters_target(value) else Phase.RETURNING

    def _complete(self, judgement: Judgement, t_s: float) -> None:
        rep = self.rep
        assert rep is not None
        self.rep = None
        hold_s = self.current_hold_s()
        rep_faults: list[str] = []
        if not rep.form_judged:
            pass  # seen obliquely: depth and hold are not judged (the report says so)
        elif not rep.reached_target and self.depth_fault not in rep.faults:
            rep_faults.append(self.shortfall_fault)
        target = self.effective_target_hold_s or 0.0
        if (rep.form_judged and rep.reached_target and not rep_faults and not rep.faults
                and hold_s < target - HOLD_TOLERANCE_S):
            rep_faults.append("hold_too_short")
        all_faults = tuple(sorted(rep.faults | set(rep_faults)))
        judgement.rep = RepEvent(
            index=self.rep_count + 1, start_s=rep.start_s, peak_s=rep.peak_s, end_s=t_s,
            side=None, hold_s=round(hold_s, 3),
            good_form=rep.form_judged and not all_faults, faults=all_faults,
            metrics={f"{self.signal_name}_at_peak": round(rep.peak_value, 1),
                     "form_judged": float(rep.form_judged)},
        )
        judgement.rep_faults = tuple(rep_faults)


@register_tracker("bridge")
class BridgeTracker(_HoldRepTracker):
    """Bridges on ``hip_ext_deg``; the rest value is learnt from the user's own start."""

    signal_name = "hip_ext_deg"
    key_angles = ("hip_ext_deg", "knee_deg")
    shortfall_fault = "incomplete_extension"
    depth_fault = "over_extension"
    continuous_faults = ("over_extension",)

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None) -> None:
        """See :class:`ExerciseTracker`."""
        super().__init__(spec, target_hold_s=target_hold_s)
        assert isinstance(spec.criteria, BridgeCriteria)
        self.c = spec.criteria
        self.rest_deg: float | None = None

    def observe_start(self, value: float, phase: Phase) -> None:
        """Track the resting hip angle while at rest (not while the hips start to rise)."""
        if phase is not Phase.START or value >= self.c.rest_max_deg:
            return
        if self.rest_deg is None or value < self.rest_deg:
            self.rest_deg = value
        elif value < self.rest_deg + self.c.lift_deg / 3:
            self.rest_deg = 0.95 * self.rest_deg + 0.05 * value

    def _rest(self) -> float:
        return self.rest_deg if self.rest_deg is not None else self.c.rest_max_deg - 15.0

    def at_start(self, value: float) -> bool:
        """Hips down: below the rest band, or back near the learnt rest value."""
        return value < self.c.rest_max_deg and value < self._rest() + 0.5 * self.c.lift_deg

    def left_start(self, value: float) -> bool:
        """Hips lifted clearly above the learnt rest value."""
        return value > self._rest() + self.c.lift_deg

    def enters_target(self, value: float) -> bool:
        """At the top."""
        return value > self.c.top_enter_deg

    def leaves_target(self, value: float) -> bool:
        """Coming down from the top."""
        return value < self.c.top_exit_deg

    def depth_faulty(self, value: float) -> bool:
        """Hips pushed above the shoulder-knee line."""
        return value > self.c.over_extension_deg


@register_tracker("ball_squat")
class SquatTracker(_HoldRepTracker):
    """Ball wall squats on ``thigh_deg`` (falls from ~85 standing to ~15-30 at the bottom)."""

    signal_name = "thigh_deg"
    key_angles = ("thigh_deg", "knee_deg")
    shortfall_fault = "too_shallow"
    depth_fault = "too_deep"
    higher_is_target = False
    continuous_faults = ("too_deep",)

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None) -> None:
        """See :class:`ExerciseTracker`."""
        super().__init__(spec, target_hold_s=target_hold_s)
        assert isinstance(spec.criteria, SquatCriteria)
        self.c = spec.criteria

    def at_start(self, value: float) -> bool:
        """Standing."""
        return value > self.c.standing_above_deg

    def left_start(self, value: float) -> bool:
        """Going down."""
        return value < self.c.descending_below_deg

    def enters_target(self, value: float) -> bool:
        """Deep enough."""
        return value < self.c.bottom_enter_deg

    def leaves_target(self, value: float) -> bool:
        """Rising out of the depth band."""
        return value > self.c.bottom_exit_deg

    def depth_faulty(self, value: float) -> bool:
        """Thighs at or below horizontal."""
        return value < self.c.too_deep_below_deg
