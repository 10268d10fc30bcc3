"""Time-based building blocks shared by the trackers: debounced faults, holds, cue limiting.

Everything is driven by frame timestamps (``t_s``), never by frame counts, so the same
thresholds hold at 10, 30 or 60 fps and for variable frame rates.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinecoach.tracking.state import FaultEvent, HoldEvent


@dataclass
class Debouncer:
    """Turns a per-frame condition into debounced intervals.

    A condition becomes *active* once it has held for ``min_s`` (the interval is back-dated
    to its first frame) and ends once it has been false for ``release_s`` (the interval ends
    at its last true frame).  A one-frame blip is never a fault.
    """

    code: str
    message: str
    min_s: float
    release_s: float
    first_true_s: float | None = None
    last_true_s: float | None = None
    active: bool = False

    def update(self, condition: bool, t_s: float) -> FaultEvent | None:
        """Feed one frame; return a closed :class:`FaultEvent` when an interval ends."""
        if condition:
            if self.first_true_s is None:
                self.first_true_s = t_s
            self.last_true_s = t_s
            if not self.active and t_s - self.first_true_s >= self.min_s:
                self.active = True
            return None
        if self.last_true_s is not None and t_s - self.last_true_s >= self.release_s:
            return self.close()
        if self.last_true_s is None:
            self.first_true_s = None
        return None

    def close(self) -> FaultEvent | None:
        """End any pending interval now (e.g. at end of input or tracking loss)."""
        event = None
        if self.active and self.first_true_s is not None and self.last_true_s is not None:
            event = FaultEvent(self.code, self.first_true_s, self.last_true_s, self.message)
        self.first_true_s = self.last_true_s = None
        self.active = False
        return event


@dataclass
class HoldTimer:
    """Times a hold only while the position is right, bridging breaks shorter than grace.

    ``update(good, t_s)`` is called for every frame the tracker sees (``good`` is False on a
    frame where the person is not tracked).  Good-form time is accumulated frame to frame.
    Two good frames in a row are one hold however far apart they are: the frame rate is not
    a break (a loaded machine analyses a webcam at 2-5 frames a second; the tracker ends a
    hold itself when the stream jumps).  A break is a run of frames that are not good: it is
    real only when it holds two or more such frames *and* its estimated length is longer
    than ``grace_s``; a shorter one is forgiven and its time counted (one noisy frame inside
    a steady hold is measurement noise, at 30 frames a second and at 3).

    Frames are samples: the hold ended somewhere between its last good frame and the next
    one, so the end is put half-way (at most ``grace_s / 2`` later).  At 15 frames a second
    that is a thirtieth of a second; at 3 it removes a bias of a sixth of a second per hold.
    The start stays on the first good frame: the trackers' stillness windows already put it
    earlier (half a window), and moving it half a frame more made holds read long at
    12-15 frames a second (tuning split: all targets 67.3 -> 63.6 %).
    """

    grace_s: float
    start_s: float | None = None
    last_good_s: float | None = None
    _bad: int = 0  # frames that were not good since the last good one
    _first_bad_s: float | None = None
    _last_bad_s: float | None = None

    def _break_s(self, t_s: float, good: bool) -> float:
        """The break's estimated length so far (``t_s``: a good frame ending it, or not)."""
        assert self.last_good_s is not None and self._first_bad_s is not None
        assert self._last_bad_s is not None
        length = 0.5 * (self._first_bad_s - self.last_good_s) + (t_s - self._first_bad_s)
        if good:
            length -= 0.5 * (t_s - self._last_bad_s)
        return length

    def update(self, good: bool, t_s: float) -> HoldEvent | None:
        """Feed one frame; return the closed interval when a real break ends a hold."""
        if good:
            closed = None
            if self._bad >= 2 and self._break_s(t_s, True) > self.grace_s:
                closed = self.close()
            if self.start_s is None:
                self.start_s = t_s
            self.last_good_s = t_s
            self._bad, self._first_bad_s = 0, None
            return closed
        if self.start_s is None:
            return None
        self._bad += 1
        if self._first_bad_s is None:
            self._first_bad_s = t_s
        self._last_bad_s = t_s
        if self._bad >= 2 and self._break_s(t_s, False) > self.grace_s:
            return self.close()
        return None

    def close(self) -> HoldEvent | None:
        """Close the current hold; return it (None if there was none)."""
        event = None
        if self.start_s is not None and self.last_good_s is not None:
            end = self.last_good_s
            if self._first_bad_s is not None:  # half-way to the first frame not good
                end += min(0.5 * (self._first_bad_s - end), 0.5 * self.grace_s)
            if end > self.start_s:
                event = HoldEvent(self.start_s, end)
        self.start_s = self.last_good_s = None
        self._bad, self._first_bad_s = 0, None
        return event

    @property
    def holding(self) -> bool:
        """True while a hold interval is open."""
        return self.start_s is not None

    def current_s(self) -> float:
        """Good-form seconds in the open hold (0 when none)."""
        if self.start_s is None or self.last_good_s is None:
            return 0.0
        return self.last_good_s - self.start_s  # forgiven breaks count


@dataclass
class CueLimiter:
    """Lets at most one cue through per ``cooldown_s``, and never the same one twice running
    within twice the cool-down; stop cues always pass."""

    cooldown_s: float
    last_s: float = float("-inf")
    last_text: str | None = None

    def offer(self, text: str | None, t_s: float, urgent: bool = False) -> str | None:
        """Return ``text`` if it may be spoken now, else None."""
        if text is None:
            return None
        if not urgent:
            if t_s - self.last_s < self.cooldown_s:
                return None
            if text == self.last_text and t_s - self.last_s < 2 * self.cooldown_s:
                return None
        self.last_s, self.last_text = t_s, text
        return text
