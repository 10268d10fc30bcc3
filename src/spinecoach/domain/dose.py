"""The dose of an exercise, and the ladder of doses that progression climbs.

A :class:`Dose` is ``sets`` x ``reps`` (per side for hip hinges) with an optional hold at the
target position (``hold_s``) and ``rest_s`` between sets.  The plank has no reps: each "set"
is one hold of ``hold_s`` seconds.  The limits of a sensible dose are written once, in
:meth:`Dose.problems`: the exercise files are checked against them at start-up and a dose set
by hand (an override) is checked against them before it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_SETS = 10
MAX_REPS = 50
MAX_HOLD_S = 300.0
MAX_REST_S = 600.0


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

    __pydantic_config__ = ConfigDict(extra="forbid")  # unknown keys in a ladder rung fail

    sets: int
    rest_s: float
    reps: int | None = None
    hold_s: float | None = None

    def problems(self, *, needs_reps: bool | None = None) -> list[str]:
        """What is wrong with this dose, one phrase each (empty when it is fine).

        ``needs_reps`` (when known) says whether the exercise counts repetitions (True) or is
        a hold (False).
        """
        found = []
        if not 1 <= self.sets <= MAX_SETS:
            found.append(f"sets: expected 1 to {MAX_SETS}, got {self.sets}")
        if self.reps is not None and not 1 <= self.reps <= MAX_REPS:
            found.append(f"reps: expected 1 to {MAX_REPS}, got {self.reps}")
        if needs_reps and self.reps is None:
            found.append(f"reps: expected 1 to {MAX_REPS}, got None")
        if needs_reps is False and self.reps is not None:
            found.append("reps: this exercise is a hold; give hold_s instead")
        if self.hold_s is not None and not 0 < self.hold_s <= MAX_HOLD_S:
            found.append(
                f"hold_s: expected more than 0 and at most {MAX_HOLD_S:g}, got {self.hold_s}"
            )
        if (needs_reps is False or self.reps is None) and self.hold_s is None:
            found.append("hold_s: a dose without reps needs hold_s (a hold time)")
        if not 0 <= self.rest_s <= MAX_REST_S:
            found.append(f"rest_s: expected 0 to {MAX_REST_S:g}, got {self.rest_s}")
        return found

    def describe(self, *, per_side: bool = False) -> str:
        """Return the dose in plain words, e.g. ``"2 sets of 8, hold 3 s"``."""
        if self.reps is None:
            hold = f"{self.hold_s:g} s" if self.hold_s is not None else "as long as comfortable"
            return f"{self.sets} holds of {hold}"
        text = f"{self.sets} sets of {self.reps}" + (" per side" if per_side else "")
        if self.hold_s:
            text += f", hold {self.hold_s:g} s"
        return text

    @property
    def load(self) -> float:
        """A rough size of the dose for ordering: sets x reps x hold seconds (missing = 1)."""
        return self.sets * (self.reps or 1) * (self.hold_s or 1.0)


class DoseLadder(BaseModel):
    """The doses of one exercise, easiest first, and where a new user starts.

    The ``[dose]`` section of an exercise file.  Progression moves one rung up, regression
    one rung down (see :mod:`spinecoach.session.progression`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int = Field(ge=0, description="index of the starting dose in the ladder")
    reps_per_side: bool = Field(False, description="reps are counted per leg (hip hinges)")
    ladder: tuple[Dose, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_ladder(self) -> DoseLadder:
        if self.start >= len(self.ladder):
            raise ValueError(f"start {self.start} is past the end of the ladder")
        if len({rung.reps is None for rung in self.ladder}) > 1:
            raise ValueError("either every rung has reps or none has")
        for index, rung in enumerate(self.ladder):
            if problems := rung.problems():
                raise ValueError(f"rung {index}: " + "; ".join(problems))
        loads = [rung.load for rung in self.ladder]
        if any(b <= a for a, b in zip(loads, loads[1:], strict=False)):
            raise ValueError("every rung must be bigger than the one before")
        return self

    @property
    def counts_reps(self) -> bool:
        """True when the exercise counts repetitions (every exercise but the plank)."""
        return self.ladder[0].reps is not None

    @property
    def default(self) -> Dose:
        """The starting dose."""
        return self.ladder[self.start]

    def step_up(self, dose: Dose) -> Dose | None:
        """The next bigger dose on the ladder, or None at the top."""
        return next((rung for rung in self.ladder if rung.load > dose.load), None)

    def step_down(self, dose: Dose) -> Dose | None:
        """The next smaller dose on the ladder, or None at the bottom."""
        smaller = [rung for rung in self.ladder if rung.load < dose.load]
        return smaller[-1] if smaller else None
