"""The dose of an exercise, and the default programme loaded from ``data/programme.toml``.

A :class:`Dose` is ``sets`` x ``reps`` (per side for hip hinges) with an optional hold at the
target position (``hold_s``) and ``rest_s`` between sets.  The plank has no reps: each "set"
is one hold of ``hold_s`` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Dose:
    """How much of one exercise to do.

    Attributes
    ----------
    sets
        Number of sets (for the plank: number of holds).
    reps
        Repetitions per set (per side for ``hip-hinge``); None for the plank.
    hold_s
        Seconds to hold at the target position (bridge top, squat bottom, plank); None when
        the exercise has no hold (hip hinge).
    rest_s
        Rest between sets, in seconds.
    """

    sets: int
    reps: int | None
    hold_s: float | None
    rest_s: float

    def describe(self) -> str:
        """Return the dose in plain words, e.g. ``"2 sets of 8, hold 3 s"``."""
        if self.reps is None:
            hold = f"{self.hold_s:g} s" if self.hold_s is not None else "as long as comfortable"
            return f"{self.sets} holds of {hold}"
        text = f"{self.sets} sets of {self.reps}"
        if self.hold_s:
            text += f", hold {self.hold_s:g} s"
        return text
