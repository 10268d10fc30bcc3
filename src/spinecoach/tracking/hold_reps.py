"""Trackers for exercises done as "move to a target, hold, come back": bridge and ball squat.

Reps are excursions of one signal from the person's own start position
(:class:`~spinecoach.tracking.excursion.Excursion`): the bridge's hip extension, the squat's
knee bend (straight-kneed standing whether the feet are under the hips or well ahead of them
against the ball, which an absolute thigh angle is not).  A second signal must agree (the
hips lift; the hips drop, in trunk lengths) so a glitch of one joint estimate is not a rep.
The phases are START (at rest) -> MOVING -> TARGET (on the plateau at the top / bottom) ->
RETURNING -> START.

The hold is timed on the plateau while the signal is still (slower than the exercise's rate
or than the noise measured at rest, whichever is larger) and the form is good.  Clinical
limits stay absolute: a bridge top below ``full_extension_deg`` is ``incomplete_extension``,
above ``over_extension_deg`` is ``over_extension``; a squat whose deepest thigh stays above
``shallow_above_deg`` is ``too_shallow``, one below ``too_deep_below_deg`` is ``too_deep``.
``hold_too_short`` is given only to reps with no other fault, so one mistake is reported
once, and only when the hold falls short by more than the engine-wide hold tolerance.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from spinecoach.domain.codes import FaultCode
from spinecoach.domain.exercises.spec import (
    BridgeCriteria,
    ExerciseSpec,
    RepSignal,
    SquatCriteria,
)
from spinecoach.tracking.base import ExerciseTracker, Judgement
from spinecoach.tracking.excursion import Excursion, ExcursionRep, Stillness
from spinecoach.tracking.features import Features, Measure
from spinecoach.tracking.registry import register_tracker
from spinecoach.tracking.state import HoldEvent, Phase, RepEvent


@dataclass
class _Channel:
    """One counting signal with its rep detector and speed window."""

    measure: Measure
    sign: float
    params: RepSignal
    excursion: Excursion
    stillness: Stillness


@dataclass
class _Rep:
    """Book-keeping for the repetition under way."""

    start_s: float
    faults: set[str] = field(default_factory=set)
    form_judged: bool = True  # False once any frame of it was not seen side-on
    extreme: float = math.nan  # the depth measure's most extreme value (judged frames only)
    depths: deque[float] = field(default_factory=deque)  # the last few depth values
    agree_low: float = math.nan  # the confirming signal's range over the rep (and at rest)
    agree_best: float = math.nan
    agree_start: float = math.nan  # the confirming signal at rest just before (if seen)
    feet_start: tuple[float, float] | None = None  # where the feet were when it began (px)
    feet_first: list[tuple[float, float]] = field(default_factory=list)  # its first positions
    feet_recent: deque[tuple[float, float]] = field(default_factory=deque)  # the latest ones
    feet_moved: bool = False  # they moved on (a step or a walk, not a squat)
    reached_plateau: bool = False


def _median_point(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    return (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))


class _HoldRepTracker(ExerciseTracker):
    """Shared machinery; subclasses define the signals, the bands and the faults."""

    signal = Measure.HIP_EXT_DEG  # the counting signal
    sign = 1.0  # +1: it rises toward the target; -1: it falls
    agree = Measure.HIP_LIFT  # the confirming signal
    agree_sign = 1.0
    depth = Measure.HIP_EXT_DEG  # the clinically judged measure at the target
    depth_sign = 1.0  # +1: the target is a maximum of ``depth``; -1: a minimum
    shortfall_fault: FaultCode  # rep-level fault: the target band never reached
    depth_fault: FaultCode  # continuous fault past the target (over-extension, too deep)
    c: BridgeCriteria | SquatCriteria
    faults_within_reps = True
    feet_planted = False  # True: a rep during which the feet move on is not one

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None) -> None:
        """See :class:`ExerciseTracker`."""
        super().__init__(spec, target_hold_s=target_hold_s)
        self.channels = {"main": self._channel(self.signal, self.sign, self.c.reps)}
        front = self.front_signal()
        if front is not None:
            self.channels["front"] = self._channel(*front)
        self.active = "main"
        self.rep: _Rep | None = None
        self.agree_rest = math.nan  # the confirming signal's value at rest

    def _channel(self, measure: Measure, sign: float, params: RepSignal) -> _Channel:
        return _Channel(measure, sign, params, Excursion.for_signal(params, sign, self.th.reps),
                        Stillness(params.still_window_s))

    @property
    def excursion(self) -> Excursion:
        """The active channel's rep detector."""
        return self.channels[self.active].excursion

    @property
    def stillness(self) -> Stillness:
        """The active channel's speed window."""
        return self.channels[self.active].stillness

    # Subclass hooks -------------------------------------------------------------------
    def front_signal(self) -> tuple[Measure, float, RepSignal] | None:
        """The signal that counts reps in a front view, if the exercise has one."""
        return None

    def agreement_min(self, rep: _Rep) -> float:
        """How far the confirming signal must move for a rep to count."""
        raise NotImplementedError

    def started_low(self, rep: _Rep) -> bool:
        """The confirming signal began from where a rep starts (by default anywhere)."""
        return True

    def shortfall(self, extreme: float) -> bool:
        """True when the rep's most extreme depth value never reached the target band."""
        raise NotImplementedError

    # The state machine ------------------------------------------------------------------
    def abandon_rep(self) -> None:
        """Forget the rep under way."""
        self.rep = None
        for ch in self.channels.values():
            ch.excursion.reset()
            ch.stillness.reset()

    def on_cut(self) -> None:
        """A camera cut: a new view reads the same body at other angles, so the rep under
        way is dropped and the rest level is learnt again (as after a tracking loss)."""
        self.abandon_rep()

    def _select_channel(self, feats: Features) -> _Channel:
        """The front-view channel in a front view (when there is one), else the main one."""
        wanted = "front" if feats.view == "front" and "front" in self.channels else "main"
        if wanted != self.active:
            self.abandon_rep()  # a rep seen half from each view is not counted
            self.active = wanted
        return self.channels[wanted]

    def adjust_hold(self, hold: HoldEvent) -> HoldEvent:
        """Stillness is judged on a window ending now: the interval is half a window earlier
        (and its end ``hold_end_early_s`` earlier still, where the exercise file says so)."""
        params = self.channels[self.active].params
        lag = 0.5 * params.still_window_s
        start = hold.start_s - lag
        return HoldEvent(start, max(start, hold.end_s - lag - params.hold_end_early_s))

    def finish_open(self, t_s: float) -> Judgement | None:
        """A recording that ends on the way back from the target counts that rep."""
        ev = self.excursion.finish(t_s)
        if ev is None or self.rep is None:
            return None
        judgement = Judgement(Phase.START)
        self._complete(judgement, ev)
        return judgement

    def judge(self, feats: Features, frame_faults: set[str], t_s: float) -> Judgement:
        """Advance the state machine by one tracked frame."""
        ch = self._select_channel(feats)
        value = feats.measure(ch.measure)
        if math.isnan(value):
            return Judgement(self.phase if self.phase is not Phase.UNTRACKED else Phase.SETUP)
        x = ch.sign * value
        ex, r = ch.excursion, ch.params
        self.stillness.update(x, t_s)
        event = ex.update(x, t_s)
        if ex.state == "prelude":
            return Judgement(Phase.SETUP)
        if ex.state == "rest" and event is None:
            self.stillness.learn_noise(self.th.holds.noise_samples)
            self.rep = None
            if x - ex.rest < 0.25 * r.enter:  # settled at rest, not already on the way
                self.agree_rest = self.agree_sign * feats.measure(self.agree)
            return Judgement(Phase.START)
        if self.rep is None:
            self.rep = _Rep(start_s=ex.start_s, agree_low=self.agree_rest,
                            agree_start=self.agree_rest)
            self.reset_rep_hold()
        rep = self.rep
        self._observe(rep, feats)
        faults = frame_faults & {self.depth_fault}
        rep.faults |= faults
        if event is not None:
            judgement = Judgement(Phase.START)
            self._complete(judgement, event)
            return judgement
        band = max(r.plateau_min, r.plateau_fraction * ex.amplitude)
        near_peak = ex.state == "out" and x >= ex.peak - band
        holds = self.th.holds
        still = self.stillness.is_still(r.still_per_s, holds.noise_factor, holds.noise_cap_factor)
        rep.reached_plateau |= near_peak and still
        if near_peak and rep.reached_plateau:
            target_ok = not self.form_judged or not self.shortfall(rep.extreme)
            return Judgement(Phase.TARGET, hold_good=still and target_ok and not faults,
                             faults=faults)
        phase = Phase.RETURNING if ex.state == "settling" or rep.reached_plateau \
            else Phase.MOVING
        return Judgement(phase, faults=faults)

    def _observe(self, rep: _Rep, feats: Features) -> None:
        rep.form_judged &= self.form_judged
        depth = self.depth_sign * feats.measure(self.depth)
        if self.form_judged and math.isfinite(depth):
            rep.depths.append(depth)  # the extreme of a running median (one misread frame
            if len(rep.depths) > self.th.measures.depth_median_samples:  # is not the depth)
                rep.depths.popleft()
            depth = statistics.median(rep.depths)
            rep.extreme = depth if math.isnan(rep.extreme) else max(rep.extreme, depth)
        if self.feet_planted:
            self._watch_feet(rep, feats)
        agree = self.agree_sign * feats.measure(self.agree)
        if math.isfinite(agree):
            rep.agree_low = agree if math.isnan(rep.agree_low) else min(rep.agree_low, agree)
            rep.agree_best = agree if math.isnan(rep.agree_best) else max(rep.agree_best, agree)

    def _watch_feet(self, rep: _Rep, feats: Features) -> None:
        """Step or walk?  Where the feet are now along the floor (the median of the last few
        positions, across the picture) against where they were when the rep began (the
        median of its first few): the pose model's foot estimate wobbles by half a thigh
        length in a deep squat or behind an object for a frame or two, and climbs the shin
        for longer when standing up, which is not a step."""
        x, y = feats.feet_px
        if not (math.isfinite(x) and math.isfinite(y) and feats.thigh_px > 0):
            return
        n = self.th.measures.feet_median_samples
        if len(rep.feet_first) < n:
            rep.feet_first.append((x, y))
            if len(rep.feet_first) == n:
                rep.feet_start = _median_point(rep.feet_first)
            return
        rep.feet_recent.append((x, y))
        if len(rep.feet_recent) > n:
            rep.feet_recent.popleft()
        if rep.feet_start is None or len(rep.feet_recent) < n:
            return
        now = _median_point(rep.feet_recent)
        if abs(now[0] - rep.feet_start[0]) > self.th.measures.feet_moved_thigh * feats.thigh_px:
            rep.feet_moved = True

    def _agrees(self, rep: _Rep) -> bool:
        """The confirming signal moved enough over the rep (its range: a rep already under
        way when the recording began has its low point on the way back)."""
        if math.isnan(rep.agree_low) or math.isnan(rep.agree_best):
            return True  # the confirming signal was not measurable: the main one decides
        return (rep.agree_best - rep.agree_low >= self.agreement_min(rep)
                and self.started_low(rep))

    def _complete(self, judgement: Judgement, event: ExcursionRep) -> None:
        rep = self.rep
        assert rep is not None
        self.rep = None
        if rep.feet_moved or not self._agrees(rep):
            return
        quick = event.offset_s - event.onset_s < self.channels[self.active].params.min_duration_s
        if quick and not event.began_before:
            return  # a step or a sway (walking out of frame, shuffling into place); a rep
            #         under way when the recording began was only seen in part
        hold_s = self.current_hold_s()
        # Tracking lost for a while during the rep (an object in front of the knees): how
        # long the hold lasted is unknown, so it is not called too short.
        hold_seen = not any(
            end - start >= self.spec.timing.hold_grace_s and end >= event.onset_s
            and start <= event.offset_s for start, end in self.result.untracked)
        rep_faults: list[str] = []
        extreme = self.depth_sign * rep.extreme if math.isfinite(rep.extreme) else math.nan
        if rep.form_judged:
            if self.shortfall(rep.extreme) and self.depth_fault not in rep.faults:
                rep_faults.append(self.shortfall_fault)
            if not rep_faults and not rep.faults and hold_seen and self.hold_short(hold_s):
                rep_faults.append(FaultCode.HOLD_TOO_SHORT)
        all_faults = tuple(sorted(rep.faults | set(rep_faults)))
        metrics = {"form_judged": float(rep.form_judged), "hold_judged": float(hold_seen),
                   "duration_s": round(event.offset_s - event.onset_s, 3)}
        if math.isfinite(extreme):
            metrics[f"{self.depth}_at_peak"] = round(extreme, 1)
        judgement.rep = RepEvent(
            index=self.rep_count + 1, start_s=event.onset_s, peak_s=event.peak_s,
            end_s=event.offset_s, side=None, hold_s=round(hold_s, 3),
            good_form=rep.form_judged and not all_faults, faults=all_faults, metrics=metrics,
        )
        judgement.rep_faults = tuple(rep_faults)


@register_tracker("bridge")
class BridgeTracker(_HoldRepTracker):
    """Bridges: reps on the hip extension, confirmed by the hips lifting off the floor."""

    key_angles = ("hip_ext_deg", "knee_deg")
    required = ("shoulder", "hip", "knee")  # the ankle helps (hip lift) but is not needed
    optional = {"ankle": "The ankles were not seen: the hips lifting was not used to confirm "
                         "each bridge."}
    shortfall_fault = FaultCode.INCOMPLETE_EXTENSION
    depth_fault = FaultCode.OVER_EXTENSION
    continuous_faults = (FaultCode.OVER_EXTENSION,)
    c: BridgeCriteria

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None) -> None:
        """See :class:`ExerciseTracker`."""
        assert isinstance(spec.criteria, BridgeCriteria)
        self.c = spec.criteria
        super().__init__(spec, target_hold_s=target_hold_s)

    def frame_faults(self, feats: Features) -> set[str]:
        """Hips pushed above the shoulder-knee line while lying (not standing)."""
        if feats.posture == "standing":
            return set()
        return {FaultCode.OVER_EXTENSION} if feats.measure(Measure.HIP_EXT_DEG) > \
            self.c.over_extension_deg else set()

    def agreement_min(self, rep: _Rep) -> float:
        """The hips must lift."""
        return self.c.agree_min_lift

    def started_low(self, rep: _Rep) -> bool:
        """A bridge starts with the hips near the floor: shoulder, hip and foot close to one
        line whatever the body (a marching bridge held up all along has no rep).  Judged at
        the rest just before the rep, or (a rep under way when the recording began) at its
        lowest point."""
        start = rep.agree_start if math.isfinite(rep.agree_start) else rep.agree_low
        return start <= self.c.rest_max_lift

    def shortfall(self, extreme: float) -> bool:
        """The top never reached the straight line (within the tolerance)."""
        return math.isfinite(extreme) and extreme < self.c.full_extension_deg


@register_tracker("ball_squat")
class SquatTracker(_HoldRepTracker):
    """Ball wall squats: reps on the knees bending, confirmed by the hips dropping."""

    key_angles = ("thigh_deg", "knee_deg")
    signal = Measure.KNEE_DEG
    sign = -1.0
    agree = Measure.HIP_OVER_ANKLE
    agree_sign = -1.0
    depth = Measure.THIGH_DEG
    depth_sign = -1.0
    required = ("shoulder", "hip", "knee", "ankle")
    counts_from_front = True  # from the front the hips' drop still counts (depth not judged)
    feet_planted = True  # the feet stay where they are through a squat
    shortfall_fault = FaultCode.TOO_SHALLOW
    depth_fault = FaultCode.TOO_DEEP
    continuous_faults = (FaultCode.TOO_DEEP,)
    c: SquatCriteria

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None) -> None:
        """See :class:`ExerciseTracker`."""
        assert isinstance(spec.criteria, SquatCriteria)
        self.c = spec.criteria
        super().__init__(spec, target_hold_s=target_hold_s)

    def front_signal(self) -> tuple[Measure, float, RepSignal] | None:
        """From the front the knee angle collapses; the hip's drop still shows each squat."""
        return Measure.HIP_OVER_ANKLE, -1.0, self.c.front_reps

    def frame_faults(self, feats: Features) -> set[str]:
        """Thighs at or past horizontal."""
        too_deep = feats.measure(Measure.THIGH_DEG) < self.c.too_deep_below_deg
        return {FaultCode.TOO_DEEP} if too_deep else set()

    def agreement_min(self, rep: _Rep) -> float:
        """The hips must drop (trunk lengths)."""
        return self.c.agree_min_drop

    def shortfall(self, extreme: float) -> bool:
        """The deepest thigh angle stayed above the target band (``extreme`` is -thigh)."""
        return math.isfinite(extreme) and -extreme > self.c.shallow_above_deg
