"""The supine hip hinge (heel tap) tracker: reps per leg, the lumbar-arch stop rule.

Legs alternate: one moves while the other rests in tabletop, so the rep signal is the *lower*
of the two ankles (a "max of both legs" rule would never see the moving one).  Heights are
measured above the shoulder-hip line in thigh lengths, so the camera distance does not matter,
and a rep is an excursion below the person's *own* tabletop height
(:class:`~spinecoach.tracking.excursion.Excursion`), so a short or long leg, a tabletop with
the shins a little high or low, or straight legs (a dead bug) are counted alike.  The rep's
duration runs from movement onset to offset, which is what the clinical "slowly" means.
Which leg moved is voted frame by frame from the pose model's labels, with an alternation
check when the vote is unclear (side-on, the far leg is partly hidden).

Lumbar arch (the article's stop rule) is judged from the body mask when there is one
(``tracking.silhouette``): the gap under the lower back is compared with the user's own
resting value learnt in tabletop.  Without a mask it is not judged, and the report says so.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field

from spinecoach.domain.codes import FaultCode
from spinecoach.domain.exercises.spec import ExerciseSpec, HeelTapCriteria
from spinecoach.domain.landmarks import Side
from spinecoach.tracking.base import ExerciseTracker, Judgement, vote_side
from spinecoach.tracking.excursion import Excursion, ExcursionRep
from spinecoach.tracking.features import Features, Measure
from spinecoach.tracking.registry import register_tracker
from spinecoach.tracking.silhouette import lumbar_gap
from spinecoach.tracking.state import Phase, RepEvent


@dataclass
class _Tap:
    """The tap under way."""

    faults: set[str] = field(default_factory=set)
    votes: list[int] = field(default_factory=lambda: [0, 0])
    reached_plateau: bool = False


@register_tracker("heel_tap")
class HeelTapTracker(ExerciseTracker):
    """Supine hip hinges."""

    continuous_faults = (FaultCode.LUMBAR_ARCH, FaultCode.KNEE_ANGLE)
    faults_within_reps = True
    key_angles = ("knee_deg", "hip_deg", "lumbar_gap_rise")

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None) -> None:
        """See :class:`ExerciseTracker`."""
        super().__init__(spec, target_hold_s=target_hold_s)
        assert isinstance(spec.criteria, HeelTapCriteria)
        self.c = spec.criteria
        self.excursion = Excursion.for_signal(self.c.reps, -1.0, self.th.reps)
        self.tap: _Tap | None = None
        self.last_side: str | None = None
        n = self.th.silhouette.baseline_frames
        self.gap_baseline: deque[float] = deque(maxlen=n)  # resting gaps, most recent
        self.camera_heights: deque[float] = deque(maxlen=n)
        self.mask_seen = False

    def abandon_rep(self) -> None:
        """Forget the tap under way."""
        self.tap = None
        self.excursion.reset()

    def on_cut(self) -> None:
        """A camera cut: the tap under way is dropped and the tabletop learnt again."""
        self.abandon_rep()
        self.gap_baseline.clear()
        self.camera_heights.clear()

    @staticmethod
    def _low(feats: Features) -> tuple[float, Side] | None:
        finite = [(v, s) for s, v in zip((Side.LEFT, Side.RIGHT), feats.ankle_lift, strict=True)
                  if math.isfinite(v)]
        return min(finite) if finite else None

    def frame_faults(self, feats: Features) -> set[str]:
        """The lower leg's knee opened past the limit; the lower back's gap rose (with a mask)."""
        faults: set[str] = set()
        low = self._low(feats)
        if low is not None and feats.knee_by_side[low[1]] > self.c.max_knee_deg:
            faults.add(FaultCode.KNEE_ANGLE)
        rise = self._gap_rise(feats)
        feats.angles[Measure.LUMBAR_GAP_RISE] = rise
        feats.angles[Measure.CAMERA_HEIGHT] = feats.camera_height_ratio
        if rise > self.c.arch_gap_rise:
            faults.add(FaultCode.LUMBAR_ARCH)
        return faults

    def judge(self, feats: Features, frame_faults: set[str], t_s: float) -> Judgement:
        """Advance by one tracked frame."""
        low = self._low(feats)
        if low is None:
            return Judgement(self.phase if self.phase is not Phase.UNTRACKED else Phase.SETUP)
        lift, low_side = low
        ex = self.excursion
        event = ex.update(-lift, t_s)
        if ex.state == "prelude":
            return Judgement(Phase.SETUP)
        if ex.state == "rest" and event is None:
            self.tap = None
            if ex.armed and -lift - ex.rest < 0.25 * self.c.reps.enter:
                self._learn_gap(feats)  # settled in tabletop (not still getting into it)
            return Judgement(Phase.START)
        if self.tap is None:
            self.tap = _Tap()
        tap = self.tap
        faults = frame_faults & {FaultCode.KNEE_ANGLE, FaultCode.LUMBAR_ARCH}
        tap.faults |= faults
        tap.votes[low_side] += 1
        r = self.c.reps
        band = max(r.plateau_min, r.plateau_fraction * ex.amplitude)
        on_plateau = ex.state == "out" and -lift >= ex.peak - band
        tap.reached_plateau |= on_plateau
        if event is not None:
            judgement = Judgement(Phase.START, faults=faults)
            self._complete(judgement, event)
            return judgement
        if on_plateau:
            return Judgement(Phase.TARGET, faults=faults)
        phase = Phase.RETURNING if ex.state == "settling" or tap.reached_plateau \
            else Phase.MOVING
        return Judgement(phase, faults=faults)

    def finish_open(self, t_s: float) -> Judgement | None:
        """A tap already on its way back when the recording ends counts."""
        event = self.excursion.finish(t_s)
        if event is None or self.tap is None:
            return None
        judgement = Judgement(Phase.START)
        self._complete(judgement, event)
        return judgement

    # -- the lumbar-arch proxy ----------------------------------------------------------
    def _gap(self, feats: Features) -> float:
        if self.mask is None or feats.torso_px <= 0:
            return math.nan
        self.mask_seen = True
        return lumbar_gap(self.mask, feats.near_px["shoulder"], feats.near_px["hip"],
                          feats.image_width, self.th.silhouette)

    def _learn_gap(self, feats: Features) -> None:
        """Keep the most recent resting gaps: the baseline follows the person between taps."""
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
        return self._gap(feats) - statistics.median(self.gap_baseline)

    def notes(self) -> list[str]:
        """Say when the lumbar-arch rule could not be judged, and why."""
        if not self.mask_seen:
            return ["Lumbar arching was NOT judged: this input has no body mask. "
                    "Use the hand-under-back self-check."]
        if self.camera_too_high():
            return ["Lumbar arching was NOT judged: the camera looks down on you, so the gap "
                    "under your lower back cannot be seen. Put the camera on the floor."]
        return []

    def _complete(self, judgement: Judgement, event: ExcursionRep) -> None:
        tap = self.tap
        assert tap is not None
        self.tap = None
        duration_s = event.offset_s - event.onset_s
        limit = self.c.min_rep_s - self.th.reps.duration_tolerance_s
        rep_faults = (FaultCode.TOO_FAST,) if duration_s < limit else ()
        side = vote_side(tap.votes, self.last_side, self.th.reps.side_vote_share)
        self.last_side = side
        faults = tuple(sorted(tap.faults | set(rep_faults)))
        judgement.rep = RepEvent(
            index=self.rep_count + 1, start_s=event.onset_s, peak_s=event.peak_s,
            end_s=event.offset_s, side=side, hold_s=0.0, good_form=not faults, faults=faults,
            metrics={"duration_s": round(duration_s, 3), "low_lift": round(-event.peak, 3)},
        )
        judgement.rep_faults = rep_faults
