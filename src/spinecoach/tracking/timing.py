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

    ``update(good, t_s)`` is called every frame the person is tracked.  Good-form time is
    accumulated frame to frame; a break shorter than ``grace_s`` is forgiven and its time is
    counted (one noisy frame inside a steady hold is measurement noise, not a break), a
    longer break closes the interval at its last good frame.
    """

    grace_s: float
    start_s: float | None = None
    last_good_s: float | None = None
    good_s: float = 0.0

    def update(self, good: bool, t_s: float) -> HoldEvent | None:
        """Feed one frame; return the closed interval when a real break ends a hold."""
        if good:
            closed = None
            if self.last_good_s is not None and t_s - self.last_good_s > self.grace_s:
                closed = self.close()  # frames missing for longer than grace: a real break
            if self.start_s is None:
                self.start_s = t_s
                self.good_s = 0.0
            elif self.last_good_s is not None:
                self.good_s += t_s - self.last_good_s  # a break shorter than grace_s counts
            self.last_good_s = t_s
            return closed
        if self.last_good_s is not None and t_s - self.last_good_s > self.grace_s:
            return self.close()
        return None

    def close(self) -> HoldEvent | None:
        """Close the current hold; return it (None if there was none)."""
        event = None
        if self.start_s is not None and self.last_good_s is not None:
            if self.last_good_s > self.start_s:
                event = HoldEvent(self.start_s, self.last_good_s)
        self.start_s = self.last_good_s = None
        return event

    @property
    def holding(self) -> bool:
        """True while a hold interval is open."""
        return self.start_s is not None

    def current_s(self) -> float:
        """Good-form seconds in the open hold (0 when none)."""
        return self.good_s if self.start_s is not None else 0.0


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
