"""Keyframed parameter scripts and the events they record (reps, holds, faults, stops).

A :class:`Script` is written like a choreography: ``hold(1.5)``, ``move(1.0, phi=24.0)``.
Each ``move`` eases every parameter from its value at the previous keyframe to the new one
(a cosine ease-in-out; ``move_linear`` moves at constant speed), and the script remembers the ground
truth events as they are written, so the truth is exact by construction.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rep:
    """One repetition: from leaving the start pose to being back in it."""

    start_s: float
    peak_s: float
    end_s: float
    side: str | None
    hold_s: float
    params: dict[str, Any] | None = None  # how it was performed (randomised clips)


@dataclass(frozen=True)
class Fault:
    """A form fault with its interval."""

    code: str
    start_s: float
    end_s: float


@dataclass
class Script:
    """A keyframed parameter track plus the ground-truth events written alongside it."""

    start: dict[str, float]
    times_s: list[float] = field(default_factory=list)
    values: list[dict[str, float]] = field(default_factory=list)
    eases: list[str] = field(default_factory=list)
    reps: list[Rep] = field(default_factory=list)
    holds: list[tuple[float, float]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    stop: tuple[str, float] | None = None

    def __post_init__(self) -> None:
        """Put the start pose at t = 0."""
        self.times_s.append(0.0)
        self.values.append(dict(self.start))
        self.eases.append("smooth")

    @property
    def t_s(self) -> float:
        """Time of the last keyframe."""
        return self.times_s[-1]

    @property
    def current(self) -> dict[str, float]:
        """Parameters at the last keyframe."""
        return self.values[-1]

    def _key(self, duration_s: float, changes: dict[str, float], ease: str) -> float:
        self.times_s.append(self.t_s + duration_s)
        self.values.append({**self.current, **changes})
        self.eases.append(ease)
        return self.t_s

    def move(self, duration_s: float, **changes: float) -> float:
        """Ease to new parameter values over ``duration_s``; return the new time."""
        return self._key(duration_s, changes, "smooth")

    def move_linear(self, duration_s: float, **changes: float) -> float:
        """Move to new parameter values at constant speed; return the new time."""
        return self._key(duration_s, changes, "linear")

    def hold(self, duration_s: float) -> float:
        """Stay still for ``duration_s``; return the new time."""
        return self.move(duration_s)

    @property
    def duration_s(self) -> float:
        """Length of the script."""
        return self.t_s

    def at(self, t_s: float) -> dict[str, float]:
        """Return the parameters at time ``t_s``."""
        i = bisect.bisect_right(self.times_s, t_s)
        if i >= len(self.times_s):
            return dict(self.values[-1])
        t0, t1 = self.times_s[i - 1], self.times_s[i]
        x = 0.0 if t1 <= t0 else (t_s - t0) / (t1 - t0)
        w = x if self.eases[i] == "linear" else 0.5 - 0.5 * math.cos(math.pi * x)
        a, b = self.values[i - 1], self.values[i]
        return {k: a[k] + w * (b[k] - a[k]) for k in b}
