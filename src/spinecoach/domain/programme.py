"""The dose of an exercise, and the default programme loaded from ``data/programme.toml``.

A :class:`Dose` is ``sets`` x ``reps`` (per side for hip hinges) with an optional hold at the
target position (``hold_s``) and ``rest_s`` between sets.  The plank has no reps: each "set"
is one hold of ``hold_s`` seconds.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from spinecoach.errors import ConfigError, UnknownExerciseError


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


class Rung(BaseModel):
    """One dose on an exercise's ladder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sets: int = Field(ge=1, le=10)
    reps: int | None = Field(default=None, ge=1, le=50)
    hold_s: float | None = Field(default=None, gt=0, le=300)
    rest_s: float = Field(ge=0, le=600)

    def dose(self) -> Dose:
        """Return the rung as a :class:`Dose`."""
        return Dose(sets=self.sets, reps=self.reps, hold_s=self.hold_s, rest_s=self.rest_s)


class ExerciseProgramme(BaseModel):
    """The ladder of doses of one exercise, easiest first, and where a new user starts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    why: str
    start: int = Field(ge=0)
    reps_per_side: bool = False
    ladder: tuple[Rung, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_ladder(self) -> ExerciseProgramme:
        if self.start >= len(self.ladder):
            raise ValueError(f"{self.id}: start {self.start} is past the end of the ladder")
        if len({rung.reps is None for rung in self.ladder}) > 1:
            raise ValueError(f"{self.id}: either every rung has reps or none has")
        if any(rung.reps is None and rung.hold_s is None for rung in self.ladder):
            raise ValueError(f"{self.id}: a rung without reps needs hold_s")
        loads = [rung.dose().load for rung in self.ladder]
        if any(b <= a for a, b in zip(loads, loads[1:], strict=False)):
            raise ValueError(f"{self.id}: every rung must be bigger than the one before")
        return self

    def default_dose(self) -> Dose:
        """The starting dose."""
        return self.ladder[self.start].dose()

    def step_up(self, dose: Dose) -> Dose | None:
        """The next bigger dose on the ladder, or None at the top."""
        return next((r.dose() for r in self.ladder if r.dose().load > dose.load), None)

    def step_down(self, dose: Dose) -> Dose | None:
        """The next smaller dose on the ladder, or None at the bottom."""
        smaller = [r.dose() for r in self.ladder if r.dose().load < dose.load]
        return smaller[-1] if smaller else None


class ProgressionPolicy(BaseModel):
    """When a dose may go up (see ``session.progression``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sessions_needed: int = Field(ge=1, le=10)
    good_form_share_min: float = Field(gt=0, le=1)
    pain_rise_max: int = Field(ge=0, le=10)
    pain_after_max: int = Field(ge=0, le=10)
    hold_tolerance_s: float = Field(ge=0, le=5)


class Programme(BaseModel):
    """The default programme: every exercise's ladder and the progression policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    progression: ProgressionPolicy
    exercises: tuple[ExerciseProgramme, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_ids(self) -> Programme:
        ids = [e.id for e in self.exercises]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate exercise ids in {ids}")
        return self

    def exercise(self, exercise_id: str) -> ExerciseProgramme:
        """Return one exercise's programme; raise :class:`UnknownExerciseError` if unknown."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        known = ", ".join(e.id for e in self.exercises)
        raise UnknownExerciseError(f"unknown exercise {exercise_id!r} (known: {known})")


def parse_programme(data: dict[str, Any], source: str) -> Programme:
    """Validate programme data; raise :class:`ConfigError` naming ``source`` if bad."""
    try:
        return Programme.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid programme {source}: {exc}") from exc


def load_programme(path: Path | None = None) -> Programme:
    """Load the programme from ``path`` or the one shipped with spinecoach."""
    if path is None:
        return _shipped_programme()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read programme {path}: {exc}") from exc
    return parse_programme(data, str(path))


@cache
def _shipped_programme() -> Programme:
    text = resources.files("spinecoach.domain").joinpath("data/programme.toml").read_text("utf-8")
    return parse_programme(tomllib.loads(text), "programme.toml")
