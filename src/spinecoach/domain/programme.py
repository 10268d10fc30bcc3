"""The programme: every exercise (from its own file) and the progression policy.

Each exercise file owns its dose ladder (see :class:`~spinecoach.domain.dose.DoseLadder`);
``data/progression.toml`` holds only the policy that decides when a dose moves.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spinecoach.domain.exercises import ExerciseSpec, load_library
from spinecoach.errors import ConfigError, UnknownExerciseError


class ProgressionPolicy(BaseModel):
    """When a dose may go up (see ``session.progression``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sessions_needed: int = Field(ge=1, le=10)
    good_form_share_min: float = Field(gt=0, le=1)
    pain_rise_max: int = Field(ge=0, le=10)
    pain_after_max: int = Field(ge=0, le=10)


class Programme(BaseModel):
    """The programme: every exercise in order, and the progression policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    progression: ProgressionPolicy
    exercises: tuple[ExerciseSpec, ...] = Field(min_length=1)

    def exercise(self, exercise_id: str) -> ExerciseSpec:
        """Return one exercise; raise :class:`UnknownExerciseError` if unknown."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        known = ", ".join(e.id for e in self.exercises)
        raise UnknownExerciseError(f"unknown exercise {exercise_id!r} (known: {known})")


def parse_policy(data: dict[str, object], source: str) -> ProgressionPolicy:
    """Validate the ``[progression]`` table; raise :class:`ConfigError` naming ``source``."""
    try:
        return ProgressionPolicy.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid progression policy in {source}: {exc}") from exc


@cache
def _shipped_policy() -> ProgressionPolicy:
    text = resources.files("spinecoach.domain").joinpath("data/progression.toml").read_text("utf-8")
    data = tomllib.loads(text)
    extra = sorted(set(data) - {"progression"})
    if extra:
        raise ConfigError(f"progression.toml: unknown key {extra[0]!r}")
    return parse_policy(data.get("progression", {}), "progression.toml")


def load_programme() -> Programme:
    """The shipped programme: the exercise library in order and the progression policy."""
    return Programme(progression=_shipped_policy(), exercises=tuple(load_library().values()))
