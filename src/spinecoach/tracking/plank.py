"""The plank tracker: a hold timed only while the shoulder-hip-ankle line holds.

An *attempt* starts when the user is up on forearms and toes (hips lifted off the floor line
from elbows to toes, body near horizontal) and ends when they lie down with straight legs,
stand up or turn away; knees dropping to the floor mid-attempt is the ``knees_down`` fault,
not the end of the attempt.  Form is not needed to start an attempt, so a plank that sags
from the start is still seen, and reported as sagging.  Inside an attempt the hold timer runs
only on good-form frames held still; sag, pike and knees down pause it and are faults.
Each attempt is reported (``attempts`` in the report) with its good-form seconds; a plank
has no repetitions, so ``reps`` stays 0.

The form of each frame is judged on its own (``frame_faults``, in every phase, so a short
table of plank landmarks from another tool is judged frame by frame): knees down when the
knee is both bent and down near the floor line (a bent-looking knee alone is often the pose
model's error on a straight leg), else sag or pike from the shoulder-hip-ankle line.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field, replace

from spinecoach.domain.codes import FaultCode
from spinecoach.domain.exercises.spec import ExerciseSpec, PlankCriteria
from spinecoach.tracking.base import ExerciseTracker, Judgement, TrackerResult
from spinecoach.tracking.excursion import Stillness
from spinecoach.tracking.features import Features, Measure
from spinecoach.tracking.registry import register_tracker
from spinecoach.tracking.state import Attempt, FaultEvent, HoldEvent, Phase

_RECENT_S = 3.0  # seconds of body line and hip height kept (see _movement_onset)
_LEVEL_S = 0.5  # a held level is the median of up to this much of the hold
_MIN_LEVEL_SAMPLES = 5
_MAD_TO_SD = 1.4826  # median absolute deviation to standard deviation (normal jitter)
_OWN_LEARN_S = 3.0  # the own line is the median of this much good holding, then follows
_FOLLOW_GAP_S = 0.5  # the own line follows at most this much time of a gap between good frames


@dataclass
class _Attempt:
    start_s: float
    faults: set[str] = field(default_factory=set)
    been_still: bool = False  # the body was still at least once (in position, good or not)


@register_tracker("plank")
class PlankTracker(ExerciseTracker):
    """Prone elbow plank."""

    continuous_faults = (FaultCode.HIP_SAG, FaultCode.HIP_PIKE, FaultCode.KNEES_DOWN)
    key_angles = ("line_dev_deg", "knee_deg")
    required = ("shoulder", "hip", "knee")  # with the feet out of frame the knee ends the line
    optional = {
        "ankle": "The ankles were not seen: the body line was judged from shoulder, hip and "
                 "knee, and knees down was not judged.",
        "foot_index": "The toes were not seen: the floor line under the body was taken from "
                      "the elbows to the ankles.",
        "elbow": "The elbows were not seen: the floor line under the body was taken from the "
                 "wrists, or not measured.",
    }

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None) -> None:
        """See :class:`ExerciseTracker`."""
        super().__init__(spec, target_hold_s=target_hold_s)
        assert isinstance(spec.criteria, PlankCriteria)
        self.c = spec.criteria
        self.attempt: _Attempt | None = None
        self.stillness = Stillness(self.c.still_window_s)
        self.settled = False
        self.hip_motion = Stillness(self.c.still_window_s)
        self.motion_since_s: float | None = None
        self.own_line_deg = math.nan  # the person's own body line when holding well
        self.own_line_t_s = math.nan  # when it was last learnt or followed
        self.first_good: list[float] = []  # good-hold lines while it is being learnt
        self.learnt_s = 0.0  # good holding seen while learning (gaps count up to _FOLLOW_GAP_S)
        self.recent: deque[tuple[float, float, float]] = deque()  # (t, line, hip height)

    def abandon_rep(self) -> None:
        """Forget the attempt under way (its closed holds stay recorded); the person's own
        line is kept (same person, same camera; a camera cut forgets it, see ``on_cut``)."""
        self.attempt = None

    def frame_faults(self, feats: Features) -> set[str]:
        """Sag, pike or knees down, from this frame alone, whenever the body is near level."""
        if feats.posture == "standing" or not feats.measure(Measure.TILT_DEG) < self.c.max_tilt_deg:
            return set()
        knee = feats.measure(Measure.KNEE_DEG)
        knee_floor = feats.measure(Measure.KNEE_FLOOR)
        if knee < self.c.min_knee_deg and not knee_floor >= self.c.knee_floor_max:
            return {FaultCode.KNEES_DOWN}  # the shoulder-hip-ankle line means nothing on the knees
        dev = feats.measure(Measure.LINE_DEV_DEG)
        bend = dev - self.own_line_deg  # NaN until the person's own line is known
        if dev > self.c.sag_deg or bend > self.c.relative_sag_deg:
            return {FaultCode.HIP_SAG}
        if dev < -self.c.pike_deg or bend < -self.c.relative_pike_deg:
            return {FaultCode.HIP_PIKE}
        return set()

    def judge(self, feats: Features, frame_faults: set[str], t_s: float) -> Judgement:
        """Advance by one tracked frame."""
        tilt = feats.measure(Measure.TILT_DEG)
        hip_h = feats.measure(Measure.HIP_FLOOR)
        lift = self.c.min_hip_lift - (self.c.exit_hysteresis if self.attempt is not None
                                      else 0.0)
        # Up on forearms and toes: the hips well above the floor line, or (a sagging plank,
        # hips low) the knees still off it.  Lying down, the thighs are on the floor; the
        # knees must rise ``legs_hysteresis`` above ``knee_floor_max`` to start an attempt and
        # fall as far below it to end one (prone on the elbows, the model's knees hover
        # around the limit: a rendered clip "sagged" before getting up; a deep sag took the
        # knees down to the limit and ended its attempt).
        legs = self.c.legs_hysteresis if self.attempt is None else -self.c.legs_hysteresis
        legs_up = feats.measure(Measure.KNEE_FLOOR) > self.c.knee_floor_max + legs
        up = (hip_h > lift or legs_up) and tilt < self.c.max_tilt_deg
        if self.attempt is not None and not up and (FaultCode.KNEES_DOWN in frame_faults
                                                    or math.isnan(hip_h)):
            # Knees down mid-attempt is a fault, not the end; an unknown hip height (the
            # floor line's joints hidden for a moment) is not "lying down" either.
            up = tilt < self.c.max_tilt_deg
        speed = self.stillness.update(feats.measure(Measure.LINE_DEV_DEG), t_s)
        hip_speed = self.hip_motion.update(feats.measure(Measure.HIP_FLOOR), t_s)
        self._remember(feats.measure(Measure.LINE_DEV_DEG), hip_h, t_s)
        faults = frame_faults if up else set()
        in_form = not faults  # judged before sag and pike are dropped on the way up
        if self.attempt is None:
            if not up:
                return Judgement(Phase.START)
            self.attempt = _Attempt(start_s=t_s)
            self.settled = False
            self.reset_rep_hold()
        elif not up:
            judgement = Judgement(Phase.START)
            self._complete(judgement, t_s)
            return judgement
        self.attempt.been_still |= speed < self.c.still_deg_per_s and \
            hip_speed < self.c.hip_still_per_s
        line_moving = math.isfinite(speed) and speed >= self.c.still_deg_per_s
        if self._passing(speed, hip_speed) or not self.attempt.been_still or line_moving:
            # Getting up or down, the line passes through a sag or a pike: a fault is a
            # position the body is in, so it is judged once the body has been still in
            # position and while the line is not moving (its slope not above
            # ``still_deg_per_s``; a rendered plank lowered slowly to the floor was reported
            # sagging on the way down).  An unknown slope (too few frames in the window, as
            # at a low frame rate or just after a gap) does not hold a fault back: treating
            # it as moving lost a tenth of the faults at the 'live' rate.  The hold timer
            # still stops on the frame's own judgement (``in_form``).
            faults = faults - {FaultCode.HIP_SAG, FaultCode.HIP_PIKE}
        self.attempt.faults |= faults
        good = self._settle(speed, hip_speed, in_form, t_s)
        if good:
            self._learn_own_line(feats.measure(Measure.LINE_DEV_DEG), t_s)
        return Judgement(Phase.TARGET, hold_good=good, faults=faults)

    def _learn_own_line(self, dev: float, t_s: float) -> None:
        """Learn the body line of good holds; follow it slowly.

        The pose model reads a straight body a few degrees off straight, differently for each
        body and camera; a sag or pike is also judged as a bend of ``relative_sag_deg`` or
        ``relative_pike_deg`` away from the person's own line, so a reading of -11 on a
        straight plank and +6 on a sagging one is a sag even though +6 is inside the
        absolute band.  The own line is the median of all the good holding seen so far (once
        there is half a second of it, until there are ``_OWN_LEARN_S``: a median of that much
        outvotes first frames still easing into line), then follows the line at
        ``own_line_follow_deg_per_s`` (the model's drift over a long hold), slower than a
        tiring body sags: it used to step 0.2 a frame, which followed a rendered sag (read +8
        on an own line of -3) up into the good band while the sag was still too small to be
        called.
        """
        if not -self.c.pike_deg < dev < self.c.sag_deg:
            return
        dt = min(max(t_s - self.own_line_t_s, 0.0), _FOLLOW_GAP_S) \
            if math.isfinite(self.own_line_t_s) else 0.0
        if self.learnt_s < _OWN_LEARN_S:
            self.first_good.append(dev)
            self.learnt_s += dt
            self.own_line_t_s = t_s
            if len(self.first_good) >= _MIN_LEVEL_SAMPLES and self.learnt_s >= _LEVEL_S:
                self.own_line_deg = statistics.median(self.first_good)
                if self.learnt_s >= _OWN_LEARN_S:
                    self.first_good.clear()  # learnt: from now on it follows
            return
        step = self.c.own_line_follow_deg_per_s * dt
        self.own_line_t_s = t_s
        if abs(dev - self.own_line_deg) <= step:
            self.own_line_deg = dev
        else:
            self.own_line_deg += step if dev > self.own_line_deg else -step

    def _passing(self, speed: float, hip_speed: float) -> bool:
        """The body line or the hips moving fast (see :meth:`_settle`)."""
        return (math.isfinite(speed) and speed > self.c.moving_deg_per_s) or \
            (math.isfinite(hip_speed) and hip_speed > self.c.hip_moving_per_s)

    def _settle(self, speed: float, hip_speed: float, in_form: bool, t_s: float) -> bool:
        """Settling into position starts a hold; only real movement or a line out of form
        ends it.

        ``in_form`` is this frame's own judgement (sag, pike, knees down), also while getting
        up, when a sag or pike is not yet reported as a fault: a line beyond the sag limit on
        the way up is not holding, however slowly it moves (a rendered plank began its hold
        1.4 s early on a stalled stretch of the rise; this rule gives 1.2 s of it back).

        Speeds are slopes over a short window (the pose model's frame-to-frame jitter
        averages out): the body line slower than ``still_deg_per_s`` settles; faster than
        ``moving_deg_per_s``, or the hips rising or dropping faster than
        ``hip_moving_per_s``, unsettles, so the model's slow drift on a still body does not.
        """
        moving = speed >= self.c.still_deg_per_s or hip_speed >= self.c.hip_still_per_s
        if not moving:
            self.motion_since_s = None
        elif self.motion_since_s is None and math.isfinite(speed):
            self.motion_since_s = t_s
        hips_moving = math.isfinite(hip_speed) and hip_speed > self.c.hip_moving_per_s
        if not in_form or speed > self.c.moving_deg_per_s or hips_moving:
            self.settled = False
        elif speed < self.c.still_deg_per_s:
            self.settled = True
        return self.settled

    def _remember(self, dev: float, hip: float, t_s: float) -> None:
        """Keep the last few seconds of body line and hip height (where a movement began)."""
        if math.isfinite(dev) and math.isfinite(hip):
            self.recent.append((t_s, dev, hip))
        while self.recent and self.recent[0][0] < t_s - _RECENT_S:
            self.recent.popleft()

    def on_cut(self) -> None:
        """A camera cut: speeds and the person's own line restart from the new framing."""
        self.own_line_deg = self.own_line_t_s = math.nan
        self.first_good.clear()
        self.learnt_s = 0.0
        self.stillness.reset()
        self.hip_motion.reset()
        self.recent.clear()

    def _movement_onset(self, motion_s: float, hold_start_s: float) -> float | None:
        """Where the movement seen at ``motion_s`` began, at most one speed window earlier
        (further back, a change slow enough not to end the hold is drift, not the
        movement): the earliest moment from which the body line or the hips stayed outside
        their held level (the median of the hold's last ``_LEVEL_S`` before that window) by
        more than the band or ``noise_factor`` times their jitter there.  None when the hold
        has too few samples there to say."""
        level_end = motion_s - self.c.still_window_s
        held = [s for s in self.recent if hold_start_s <= s[0] <= level_end
                and s[0] >= level_end - _LEVEL_S]
        if len(held) < _MIN_LEVEL_SAMPLES:
            return None
        factor = self.th.holds.noise_factor
        bands, levels = [], []
        for i, floor in ((1, self.c.end_band_deg), (2, self.c.end_band_hip)):
            values = [s[i] for s in held]
            level = statistics.median(values)
            spread = _MAD_TO_SD * statistics.median(abs(v - level) for v in values)
            levels.append(level)
            bands.append(max(floor, factor * spread))
        onset = motion_s
        for t, dev, hip in reversed(self.recent):
            if t > motion_s:
                continue
            if t < level_end or (abs(dev - levels[0]) <= bands[0]
                                 and abs(hip - levels[1]) <= bands[1]):
                break
            onset = t
        return onset

    def adjust_hold(self, hold: HoldEvent) -> HoldEvent:
        """End the hold where the movement that ended it began.

        A hold ends live once movement is clear (a fault, the line bending fast, the hips
        moving, lying down); the interval recorded ends where that movement began, so the
        way down is not counted as holding.  Slow drift that did not end the hold is not cut.
        Speeds are judged on a window ending now, so both ends are half a window earlier; and
        the speed limits are crossed only once the way down is under way, so the end is
        traced back to where the line or the hips left their held level
        (:meth:`_movement_onset`).
        """
        lag = 0.5 * self.c.still_window_s
        end = hold.end_s - lag
        start = self.motion_since_s
        if start is not None and hold.start_s < start < hold.end_s:
            end = start - lag
            onset = self._movement_onset(start, hold.start_s)
            if onset is not None:
                end = max(hold.start_s - lag, min(end, onset))
        return HoldEvent(hold.start_s - lag, end)

    def _complete(self, judgement: Judgement, t_s: float) -> None:
        """End the attempt: record it (a plank has holds and attempts, not reps)."""
        attempt = self.attempt
        assert attempt is not None
        self.attempt = None
        self.result.attempts.append(
            Attempt(attempt.start_s, t_s, round(self.current_hold_s(), 3),
                    tuple(sorted(attempt.faults)))
        )

    def finish_open(self, t_s: float) -> Judgement | None:
        """Close an attempt still open at the end of the input."""
        if self.attempt is not None:
            self._complete(Judgement(Phase.START), t_s)
        return None

    def finish(self) -> TrackerResult:
        """Close everything; knees on the floor on the way up into a plank or down out of it
        is how many people get up and down, not a fault (issue 9: the kneel-in and kneel-out
        of a recorded plank were listed as faults).  Judged by the good holds of the whole
        recording or set (not by attempts: a knee going back up can end one for a frame)."""
        result = super().finish()
        transitions = self._getting_up_or_down(
            [f for f in result.faults if f.code == FaultCode.KNEES_DOWN])
        result.faults = [f for f in result.faults if id(f) not in transitions]
        kept = [f for f in result.faults if f.code == FaultCode.KNEES_DOWN]
        slack = self.spec.timing.fault_min_s + self.spec.timing.fault_release_s
        result.attempts = [
            a if FaultCode.KNEES_DOWN not in a.faults or any(
                a.start_s - slack <= f.start_s <= a.end_s + slack for f in kept)
            else replace(a, faults=tuple(c for c in a.faults if c != FaultCode.KNEES_DOWN))
            for a in result.attempts
        ]
        return result

    def _getting_up_or_down(self, knees: list[FaultEvent]) -> set[int]:
        """The ids of the ``knees_down`` intervals that are the way up or down: taken in
        spells (intervals less than ``kneel_spell_gap_s`` apart are one time on the knees),
        a spell before every good hold of the recording or set, or after every one.  A spell
        between two holds is a fault, and so is one in a plank with no good hold at all."""
        gap = self.c.kneel_spell_gap_s
        spells: list[list[FaultEvent]] = []
        for f in sorted(knees, key=lambda f: f.start_s):
            if spells and f.start_s - _end(spells[-1][-1]) < gap:
                spells[-1].append(f)
            else:
                spells.append([f])
        out: set[int] = set()
        for spell in spells:
            start, end = spell[0].start_s, max(_end(f) for f in spell)
            before = any(h.start_s < start for h in self.result.holds)
            after = any(h.end_s > end for h in self.result.holds)
            if before != after:
                out.update(id(f) for f in spell)
        return out


def _end(fault: FaultEvent) -> float:
    return fault.end_s if fault.end_s is not None else fault.start_s
