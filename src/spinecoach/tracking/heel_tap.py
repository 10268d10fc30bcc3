"""The supine hip hinge (heel tap) tracker: reps per leg, the lumbar-arch stop rule.

Legs alternate: one moves while the other rests in tabletop, so the rep signal is the *lower*
of the two ankles (a "max of both legs" rule would never see the moving one).  Heights are
measured above the shoulder-hip line in thigh lengths, so the camera distance does not matter.
Which leg moved is voted frame by frame from the pose model's labels, with an alternation
check when the vote is unclear (side-on, the far leg is partly hidden).

Lumbar arch (the article's stop rule) is judged from the body mask when there is one
(``tracking.silhouette``): the gap under the lower back is compared with the user's own
resting value learnt in tabletop.  Without a mask it is not judged, and the report says so.
"""

from __future__ import annotations

import math
import statistics

from spinecoach.domain.exercises.spec import ExerciseSpec, HeelTapCriteria
from spinecoach.domain.landmarks import Side
from spinecoach.tracking.base import ExerciseTracker, Judgement, RepInProgress, vote_side
from spinecoach.tracking.features import Features
from spinecoach.tracking.registry import register_tracker
from spinecoach.tracking.silhouette import lumbar_gap
from spinecoach.tracking.state import Phase, RepEvent

BASELINE_FRAMES = 15  # tabletop frames used to learn the resting lower-back gap


@register_tracker("heel_tap")
class HeelTapTracker(ExerciseTracker):
    """Supine hip hinges."""

    continuous_faults = ("lumbar_arch", "knee_angle")
    key_angles = ("knee_deg", "hip_deg", "lumbar_gap_rise")

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None) -> None:
        """See :class:`ExerciseTracker`."""
        super().__init__(spec, target_hold_s=target_hold_s)
        assert isinstance(spec.criteria, HeelTapCriteria)
        self.c = spec.criteria
        self.rep: RepInProgress | None = None
        self.last_top_s: float | None = None
        self.last_side: str | None = None
        self.gap_baseline: list[float] = []
        self.camera_heights: list[float] = []
        self.mask_seen = False

    def abandon_rep(self) -> None:
        """Forget the tap under way."""
        self.rep = None

    def judge(self, feats: Features, t_s: float) -> Judgement:
        """Advance by one tracked frame."""
        lifts = feats.ankle_lift
        finite = [(v, s) for s, v in zip((Side.LEFT, Side.RIGHT), lifts, strict=True)
                  if math.isfinite(v)]
        if not finite:
            return Judgement(self.phase if self.phase is not Phase.UNTRACKED else Phase.SETUP)
        low, low_side = min(finite)
        phase = self._next_phase(low, t_s)
        faults = self._faults(feats, phase, low_side)
        judgement = Judgement(phase, faults=faults)
        rep = self.rep
        if rep is not None:
            rep.votes[low_side] += 1 if low < self.c.lowering_below_lift else 0
            rep.faults |= faults
            if low < rep.peak_value:
                rep.peak_value, rep.peak_s = low, t_s
            if phase is Phase.START:
                self._complete(judgement, t_s)
        if phase is Phase.START and low >= self.c.tabletop_min_lift:
            self.last_top_s = t_s
            self._learn_gap(feats)
        return judgement

    def _next_phase(self, low: float, t_s: float) -> Phase:
        c, phase = self.c, self.phase
        if phase in (Phase.SETUP, Phase.UNTRACKED):
            return Phase.START if low >= c.tabletop_min_lift else Phase.SETUP
        if phase is Phase.START:
            if low < c.lowering_below_lift:
                start_s = self.last_top_s if self.last_top_s is not None else t_s
                self.rep = RepInProgress(start_s=start_s, peak_s=t_s, peak_value=low)
                return Phase.TARGET if low < c.tap_below_lift else Phase.MOVING
            return Phase.START
        if phase is Phase.MOVING:
            if low < c.tap_below_lift:
                assert self.rep is not None
                self.rep.reached_target = True
                return Phase.TARGET
            if low >= c.return_above_lift:
                self.rep = None  # lowered a little and came back: not a tap
                return Phase.START
            return Phase.MOVING
        if phase is Phase.TARGET:
            if self.rep is not None:
                self.rep.reached_target = True
            return Phase.RETURNING if low >= c.tap_below_lift else Phase.TARGET
        if low >= c.return_above_lift:
            return Phase.START
        return Phase.TARGET if low < c.tap_below_lift else Phase.RETURNING

    def _faults(self, feats: Features, phase: Phase, low_side: Side) -> set[str]:
        faults: set[str] = set()
        if self.form_judged and phase in (Phase.MOVING, Phase.TARGET, Phase.RETURNING):
            if feats.knee_by_side[low_side] > self.c.max_knee_deg:
                faults.add("knee_angle")
            rise = self._gap_rise(feats)
            feats.angles["lumbar_gap_rise"] = rise
            feats.angles["camera_height"] = feats.camera_height_ratio
            if rise > self.c.arch_gap_rise:
                faults.add("lumbar_arch")
        return faults

    def _gap(self, feats: Features) -> float:
        if self.mask is None or feats.torso_px <= 0:
            return math.nan
        self.mask_seen = True
        return lumbar_gap(
            self.mask, feats.near_px["shoulder"], feats.near_px["hip"], feats.image_width
        )

    def _learn_gap(self, feats: Features) -> None:
        if len(self.gap_baseline) < BASELINE_FRAMES:
            gap = self._gap(feats)
            if math.isfinite(gap):
                self.gap_baseline.append(gap)
                if math.isfinite(feats.camera_height_ratio):
                    self.camera_heights.append(feats.camera_height_ratio)

    def camera_too_high(self) -> bool:
        """True when the camera looks down on the user: the floor contour is not visible."""
        if len(self.camera_heights) < 3:
            return False
        return statistics.median(self.camera_heights) > self.c.max_camera_height

    def _gap_rise(self, feats: Features) -> float:
        if len(self.gap_baseline) < 3 or self.camera_too_high():
            return math.nan
        gap = self._gap(feats)
        return gap - statistics.median(self.gap_baseline)

    def notes(self) -> list[str]:
        """Say when the lumbar-arch rule could not be judged, and why."""
        if not self.mask_seen:
            return ["Lumbar arching was NOT judged: this input has no body mask. "
                    "Use the hand-under-back self-check."]
        if self.camera_too_high():
            return ["Lumbar arching was NOT judged: the camera looks down on you, so the gap "
                    "under your lower back cannot be seen. Put the camera on the floor."]
        return []

    def _complete(self, judgement: Judgement, t_s: float) -> None:
        rep = self.rep
        assert rep is not None
        self.rep = None
        if not rep.reached_target:
            return
        duration_s = t_s - rep.start_s
        rep_faults = ("too_fast",) if duration_s < self.c.min_rep_s else ()
        side = vote_side(rep, self.last_side)
        self.last_side = side
        faults = tuple(sorted(rep.faults | set(rep_faults)))
        judgement.rep = RepEvent(
            index=self.rep_count + 1, start_s=rep.start_s, peak_s=rep.peak_s, end_s=t_s,
            side=side, hold_s=0.0, good_form=not faults, faults=faults,
            metrics={"duration_s": round(duration_s, 3), "low_lift": round(rep.peak_value, 3)},
        )
        judgement.rep_faults = rep_faults
