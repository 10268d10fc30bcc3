"""The plank tracker: a hold timed only while the shoulder-hip-ankle line holds.

An *attempt* starts when the user is up on forearms and toes with a straight line and ends
when they lie down (hips back near the floor), stand up or turn away.  Inside an attempt the
hold timer runs only on good-form frames; sag, pike and knees down pause it and are faults.
Each attempt is reported as one repetition whose ``hold_s`` is its good-form seconds.
"""

from __future__ import annotations

import math

from spinecoach.domain.exercises.spec import ExerciseSpec, PlankCriteria
from spinecoach.tracking.base import ExerciseTracker, Judgement, RepInProgress
from spinecoach.tracking.features import Features
from spinecoach.tracking.registry import register_tracker
from spinecoach.tracking.state import Phase, RepEvent

DOWN_HIP_LIFT = 0.08  # hip height above the floor line (torso lengths) that means lying down


@register_tracker("plank")
class PlankTracker(ExerciseTracker):
    """Prone elbow plank."""

    continuous_faults = ("hip_sag", "hip_pike", "knees_down")

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None) -> None:
        """See :class:`ExerciseTracker`."""
        super().__init__(spec, target_hold_s=target_hold_s)
        assert isinstance(spec.criteria, PlankCriteria)
        self.c = spec.criteria
        self.attempt: RepInProgress | None = None

    def abandon_rep(self) -> None:
        """Forget the attempt under way (its closed holds stay recorded)."""
        self.attempt = None

    def _frame_faults(self, feats: Features) -> set[str]:
        dev = feats.angles.get("line_dev_deg", math.nan)
        knee = feats.angles.get("knee_deg", math.nan)
        faults = set()
        if dev > self.c.sag_deg:
            faults.add("hip_sag")
        if dev < -self.c.pike_deg:
            faults.add("hip_pike")
        if knee < self.c.min_knee_deg:
            faults.add("knees_down")
        return faults

    def judge(self, feats: Features, t_s: float) -> Judgement:
        """Advance by one tracked frame."""
        tilt = feats.angles.get("tilt_deg", math.nan)
        hip_h = feats.hip_above_floor
        lying = not (hip_h > DOWN_HIP_LIFT) or not (tilt < self.c.max_tilt_deg)
        faults = self._frame_faults(feats)
        if self.attempt is None:
            if not lying and not faults and hip_h > self.c.min_hip_lift:
                self.attempt = RepInProgress(start_s=t_s, peak_s=t_s, peak_value=0.0)
                self.reset_rep_hold()
                return Judgement(Phase.TARGET, hold_good=True)
            return Judgement(Phase.START)
        if lying:
            judgement = Judgement(Phase.START)
            self._complete(judgement, t_s)
            return judgement
        self.attempt.faults |= faults
        return Judgement(Phase.TARGET, hold_good=not faults, faults=faults)

    def _complete(self, judgement: Judgement, t_s: float) -> None:
        attempt = self.attempt
        assert attempt is not None
        self.attempt = None
        hold_s = self.current_hold_s()
        faults = tuple(sorted(attempt.faults))
        judgement.rep = RepEvent(
            index=self.rep_count + 1, start_s=attempt.start_s, peak_s=attempt.start_s,
            end_s=t_s, side=None, hold_s=round(hold_s, 3), good_form=not faults, faults=faults,
            metrics={"good_form_s": round(hold_s, 3)},
        )

    def finish_open(self, t_s: float) -> Judgement | None:
        """Close an attempt still open at the end of the input: it counts."""
        if self.attempt is None:
            return None
        judgement = Judgement(Phase.START)
        self._complete(judgement, t_s)
        return judgement

