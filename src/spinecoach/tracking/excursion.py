"""Repetitions as excursions of one signal away from the person's own rest level.

A squat, a bridge and a heel tap are all "leave the start position, reach a target, come
back".  :class:`Excursion` follows one signal, oriented so that moving toward the target
makes it *rise* (the caller flips the sign where needed), and:

- learns the **rest level** from the person's own start position (it follows the signal down
  at once and creeps up slowly while at rest), starting from the exercise's typical rest value
  when the recording begins mid-movement;
- starts a rep once the signal rises a clear ``enter`` above rest, tracks the peak, and ends
  it when the signal has come back by ``return_fraction`` of *this rep's own range*, so a
  person who moves through a smaller or larger range than the exercise file imagined is
  counted the same way (hysteresis relative to the range actually moved);
- drops an excursion smaller than ``min_amplitude`` (a shuffle, not a rep);
- confirms a return only after ``return_confirm_s``: a signal that dips back toward rest and
  straight out again within that time (side-on, the pose model losing which limb is which
  for a few frames) continues the same rep instead of ending it and starting another;
- decides, over the first ``prelude_s`` of a recording that starts away from rest, whether
  it began part-way through a rep: moving further away (the peak is still to come, e.g. a
  clip cut on the way down) counts; moving back toward rest (the peak was before the
  recording) does not; held still counts only where the exercise says a held start is a rep
  (a wall squat already held, not legs lying flat before the first heel tap), and there a
  rep under way at the start must also move out by a clear ``enter`` beyond where the
  recording found it (a leg rising into tabletop while the other still lies flat nudges the
  signal on, which is not a tap on its way down);
- drops an excursion whose way out (10 % to 60 % of its range) took less than
  ``min_rise_s``: no one moves that fast; it is the pose model switching its estimate (a
  hidden leg found at once somewhere else);
- times the rep from movement **onset** to **offset**: where the signal left and regained its
  rest level, within ``onset_fraction`` of the rep's range (back-dated from a short history),
  so durations compare with a clinical minimum instead of a threshold-to-threshold interval.

:class:`Stillness` measures how fast a signal moves as the least-squares slope over a short
window, which averages the pose model's frame-to-frame jitter away, and learns that jitter
while the person rests so "still" means still *for this camera*.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field

from spinecoach.domain.exercises.spec import RepSignal
from spinecoach.domain.thresholds import RepThresholds


@dataclass(frozen=True)
class ExcursionRep:
    """One completed excursion (a repetition)."""

    onset_s: float
    peak_s: float
    peak: float
    return_s: float  # when it came back past ``return_fraction`` of its range
    offset_s: float  # when it regained the rest level (or turned back up)
    rest: float

    began_before: bool = False  # began before the prelude ended: may have been under way when
    #                             the recording began (seen in part)

    @property
    def amplitude(self) -> float:
        """Peak above rest."""
        return self.peak - self.rest


@dataclass
class Excursion:
    """A rep detector with hysteresis relative to the person's own rest level and range."""

    enter: float  # rise above rest that starts an excursion (signal units)
    min_amplitude: float  # smaller excursions are not reps
    return_fraction: float  # back below rest + this * range = coming back
    onset_fraction: float  # onset / offset are the crossings at rest + this * range
    rest: float  # current rest level (starts at the exercise's typical value)
    rest_creep_per_s: float  # how fast the rest follows a signal a little above it
    rearm_after_s: float  # after a loss, away from rest this long = a new rest level
    settle_timeout_s: float  # coming back but never reaching rest: ends after this
    return_confirm_s: float = 0.0  # going back out sooner than this after coming back =
    #                                the same rep (see ``_settle``)
    prelude_s: float = 0.4  # how long the start of a recording is watched (see above)
    min_rise_s: float = 0.0  # a rise quicker than this is the pose model jumping, not a person
    count_held_start: bool = True  # a recording that starts held away from rest is a rep
    history_s: float = 30.0
    state: str = "prelude"  # "prelude", "rest", "out" or "settling"
    armed: bool = True  # False after a loss until the signal is seen back at rest
    peak: float = -math.inf
    peak_s: float = 0.0
    start_s: float = 0.0
    return_s: float = 0.0
    _low: float = math.inf
    _unarmed_since: float = math.nan
    _low_s: float = 0.0
    _prev_t: float | None = None
    _last_offset_s: float = -math.inf  # where the previous rep ended (onsets come after it)
    _first: tuple[float, float] | None = None  # the first sample (prelude)
    _prelude_start: float = math.nan  # the signal at the recording's start (its first samples)
    _history: deque[tuple[float, float]] = field(default_factory=deque)

    @classmethod
    def for_signal(cls, params: RepSignal, sign: float, reps: RepThresholds) -> Excursion:
        """The detector for an exercise file's rep signal (``sign`` orients it to rise)."""
        return cls(enter=params.enter, min_amplitude=params.min_amplitude,
                   return_fraction=params.return_fraction, onset_fraction=reps.onset_fraction,
                   rest=sign * params.rest_prior, rest_creep_per_s=reps.rest_creep_per_s,
                   rearm_after_s=reps.rearm_after_s, settle_timeout_s=reps.settle_timeout_s,
                   return_confirm_s=reps.return_confirm_s,
                   prelude_s=reps.prelude_s, count_held_start=params.held_start_is_rep,
                   min_rise_s=reps.min_rise_s)

    @property
    def amplitude(self) -> float:
        """The range of the excursion under way (0 at rest)."""
        return max(0.0, self.peak - self.rest) if self.state in ("out", "settling") else 0.0

    def reset(self) -> None:
        """Forget the excursion under way (after a long tracking loss).

        Before the first sample (nobody seen yet) there is nothing to forget: the start of
        what is seen is still a recording's start.
        """
        if self._first is None:
            return
        self.state, self.peak = "rest", -math.inf
        self.armed = False  # a rep half seen is not counted: wait to see the rest again
        self._history.clear()
        self._prev_t = None

    def _prelude(self, value: float, t_s: float) -> None:
        """The start of the recording: at rest, or part-way through a rep (see above)?

        Judged on the median of the first and of the last three samples of the prelude, so
        the pose model's first, unsettled estimate does not decide it.
        """
        if self._first is None:
            self._first = (t_s, value)
        t0 = self._first[0]
        if t_s - t0 < self.prelude_s:
            return
        seen = [v for t, v in self._history if t >= t0]
        v0, v1 = statistics.median(seen[:3]), statistics.median(seen[-3:])
        self._prelude_start = v0
        if v1 - self.rest < self.min_amplitude:
            # At rest now (the first estimates may still have moved): this person's rest
            # level replaces the typical one where it is higher (lower ones are learnt as
            # they come), so a body unlike the typical one is measured from its own rest.
            self.state = "rest"
            self.rest = max(self.rest, min(v0, v1))
            return
        move = v1 - v0
        mid_rep = move > 0.25 * self.enter or (move >= -0.25 * self.enter
                                              and self.count_held_start)
        if mid_rep:
            self.state, self.start_s = "out", t0
            self.peak, self.peak_s = max((v, t) for t, v in self._history)
        else:
            self.state, self.armed = "rest", False  # its peak was before the recording

    def update(self, value: float, t_s: float) -> ExcursionRep | None:
        """Feed one sample; return a rep when one completes."""
        dt = 0.0 if self._prev_t is None else max(0.0, t_s - self._prev_t)
        self._prev_t = t_s
        self._history.append((t_s, value))
        while self._history and self._history[0][0] < t_s - self.history_s:
            self._history.popleft()
        if self.state == "prelude":
            self._prelude(value, t_s)
            if self.state != "rest" or not self.armed:
                return None
        if self.state == "rest":
            if not self.armed:
                self._rearm(value, t_s)
                return None
            self._learn_rest(value, dt)
            if value - self.rest >= self.enter:
                self.state, self.start_s = "out", t_s
                self.peak, self.peak_s = value, t_s
            return None
        if self.state == "out":
            if value > self.peak:
                self.peak, self.peak_s = value, t_s
            if value <= self.rest + self.return_fraction * (self.peak - self.rest):
                if self.peak - self.rest < self.min_amplitude:
                    self.reset()
                    return None
                self.state, self.return_s = "settling", t_s
                self._low, self._low_s = value, t_s
            return None
        return self._settle(value, t_s)

    def _rearm(self, value: float, t_s: float) -> None:
        """After a loss: arm once back at rest, or after 2 s take the level then as rest."""
        if math.isnan(self._unarmed_since):
            self._unarmed_since = t_s
        if value - self.rest < 0.5 * self.enter:
            self.armed = True
        elif t_s - self._unarmed_since >= self.rearm_after_s:
            self.rest, self.armed = value, True  # their rest level moved (a new framing)
        if self.armed:
            self._unarmed_since = math.nan

    def _learn_rest(self, value: float, dt: float) -> None:
        if value < self.rest:
            self.rest = value
        elif value - self.rest < 0.5 * self.enter:
            self.rest += min(1.0, self.rest_creep_per_s * dt) * (value - self.rest)

    def _settle(self, value: float, t_s: float) -> ExcursionRep | None:
        amp = self.peak - self.rest
        if value < self._low:
            self._low, self._low_s = value, t_s
        level = self.rest + self.onset_fraction * amp
        if value <= level:
            return self._complete(t_s)
        if t_s - self.return_s < self.return_confirm_s:
            # Not yet a confirmed return: side-on, the pose model can lose which limb is which
            # for a few frames and place both half-way, so the signal dips toward rest and
            # straight back.  Going back out now continues the same rep; nothing ends yet.
            if value > self.rest + self.return_fraction * amp:
                self.state = "out"
            return None
        turned_up = value > self._low + self.onset_fraction * amp
        if turned_up:  # turned back up (the next rep): this one ended at its low
            return self._complete(self._low_s)
        if t_s - self.return_s > self.settle_timeout_s:
            # Came back and stayed a little above the rest level: that level is where this
            # person rests (a tabletop lower than the typical one), so it becomes the rest.
            rep = self._complete(self._low_s)
            self.rest = self._low
            return rep
        return None

    def _complete(self, offset_s: float) -> ExcursionRep | None:
        level = self.rest + self.onset_fraction * (self.peak - self.rest)
        onset = self.start_s
        for t, v in reversed(self._history):
            if t > self.start_s:
                continue
            if t < self._last_offset_s:
                break  # back-to-back reps (alternating legs): this one began after that one
            onset = t
            if v <= level:
                break
        began_before = self._first is not None and onset <= self._first[0] + self.prelude_s
        rep = ExcursionRep(onset, self.peak_s, self.peak, self.return_s, offset_s, self.rest,
                           began_before)
        glitch = self._rise_s(onset) < self.min_rise_s
        if began_before and not self.count_held_start \
                and self.peak - self._prelude_start < self.enter:
            # Under way when the recording began and never moved further out than it was
            # then by a clear ``enter``: a held start (legs on the floor before the first
            # tabletop), not a rep, where the exercise says a held start is none.
            glitch = True
        self.state, self.peak = "rest", -math.inf
        if not glitch:
            self._last_offset_s = offset_s
        return None if glitch else rep

    def _rise_s(self, onset_s: float) -> float:
        """Time from 10 % to 60 % of the range on the way out (inf when not seen)."""
        amp = self.peak - self.rest
        low_t = None
        for t, v in self._history:
            if t < onset_s or t > self.peak_s:
                continue
            if v <= self.rest + 0.1 * amp:
                low_t = t
            elif v >= self.rest + 0.6 * amp and low_t is not None:
                return t - low_t
        return math.inf

    def finish(self, t_s: float) -> ExcursionRep | None:
        """At the end of the input: a rep already on its way back counts."""
        if self.state == "settling":
            return self._complete(t_s)
        return None


MIN_SAMPLES = 3  # a slope from fewer samples is unknown (inf)
MAX_SPAN_WINDOWS = 4.0  # samples older than this many windows are never used


@dataclass
class Stillness:
    """How fast a signal moves: the least-squares slope over the last ``window_s``.

    A slope needs three samples: at a low frame rate (a loaded machine analysing a webcam at
    4-6 frames a second) the window keeps the last three however long they span, up to
    ``MAX_SPAN_WINDOWS`` windows, so a still body reads as still instead of "speed unknown"
    (which cut live holds short by 0.7 s at 6 fps and by 3 s at 4 fps).
    """

    window_s: float
    _samples: deque[tuple[float, float]] = field(default_factory=deque)
    noise_per_s: float = math.nan  # typical speed of a still signal (learnt at rest)
    _rest_speeds: deque[float] = field(default_factory=deque)
    _rest_spreads: deque[float] = field(default_factory=deque)
    _rest_spread: float = math.nan  # the typical time spread of the window at rest

    def reset(self) -> None:
        """Forget the window (after a camera cut or a loss)."""
        self._samples.clear()

    def update(self, value: float, t_s: float) -> float:
        """Feed one sample; return the current speed (units per second; inf if unknown)."""
        if not math.isfinite(value):
            self._samples.clear()
            return math.inf
        self._samples.append((t_s, value))
        oldest = t_s - MAX_SPAN_WINDOWS * self.window_s
        while self._samples and (self._samples[0][0] < oldest or (
                len(self._samples) > MIN_SAMPLES and self._samples[0][0] < t_s - self.window_s)):
            self._samples.popleft()
        return self.speed

    def _spread(self) -> float:
        """The window's time spread: the sum of squared distances from its mean time."""
        n = len(self._samples)
        mt = sum(t for t, _ in self._samples) / n
        return sum((t - mt) ** 2 for t, _ in self._samples)

    @property
    def speed(self) -> float:
        """|slope| over the window; inf with fewer than three samples."""
        n = len(self._samples)
        if n < MIN_SAMPLES:
            return math.inf
        mt = sum(t for t, _ in self._samples) / n
        mv = sum(v for _, v in self._samples) / n
        stt = self._spread()
        if stt <= 0:
            return math.inf
        return abs(sum((t - mt) * (v - mv) for t, v in self._samples) / stt)

    def learn_noise(self, samples: int) -> None:
        """Fold the current speed, seen while resting, into the noise estimate: the median
        of the last ``samples`` such speeds, so a burst of movement at rest (getting into
        position) neither sets it nor holds it up for long.  The window's time spread at
        rest is kept the same way (see :meth:`is_still`)."""
        speed = self.speed
        if not math.isfinite(speed):
            return
        for buf, value in ((self._rest_speeds, speed), (self._rest_spreads, self._spread())):
            buf.append(value)
            while len(buf) > samples:
                buf.popleft()
        self.noise_per_s = statistics.median(self._rest_speeds)
        self._rest_spread = statistics.median(self._rest_spreads)

    def noise_limit(self, noise_factor: float) -> float:
        """``noise_factor`` times the noise speed learnt at rest, for the current window.

        A slope's noise grows as its window's time spread shrinks (its standard error is
        the jitter over the root of the spread): when the frame rate drops after the rest
        was measured (a loaded machine streaming a webcam: 15 frames a second at rest, 6 in
        the hold), the window holds fewer samples and the same jitter reads as a faster
        speed, so the limit grows with it.  It never shrinks below the resting one.
        """
        if not math.isfinite(self.noise_per_s):
            return math.nan
        spread = self._spread() if len(self._samples) >= MIN_SAMPLES else 0.0
        scale = 1.0
        if spread > 0 and math.isfinite(self._rest_spread) and spread < self._rest_spread:
            scale = math.sqrt(self._rest_spread / spread)
        return noise_factor * self.noise_per_s * scale

    def is_still(self, rate_per_s: float, noise_factor: float,
                 cap_factor: float = math.inf) -> bool:
        """Slower than ``rate_per_s`` or the noise limit (:meth:`noise_limit`), the latter
        never above ``cap_factor`` times ``rate_per_s``."""
        limit = rate_per_s
        noise = self.noise_limit(noise_factor)
        if math.isfinite(noise):
            limit = max(limit, min(noise, cap_factor * rate_per_s))
        return self.speed < limit
