"""Load and validate the exercise files shipped beside this module."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from pydantic import ValidationError

from spinecoach.domain.exercises.spec import ExerciseSpec
from spinecoach.errors import ConfigError, UnknownExerciseError

EXERCISE_IDS: tuple[str, ...] = ("hip-hinge", "bridge", "plank", "ball-squat")


def _load_one(exercise_id: str) -> ExerciseSpec:
    source = resources.files("spinecoach.domain.exercises").joinpath(f"{exercise_id}.toml")
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        spec = ExerciseSpec.model_validate(data)
    except (tomllib.TOMLDecodeError, ValidationError, OSError) as exc:
        raise ConfigError(f"exercise file {exercise_id}.toml is invalid: {exc}") from exc
    if spec.id != exercise_id:
        raise ConfigError(f"{exercise_id}.toml declares id {spec.id!r}")
    return spec


@cache
def load_library() -> dict[str, ExerciseSpec]:
    """Return every exercise, by id, in programme order (validated once, then cached)."""
    return {exercise_id: _load_one(exercise_id) for exercise_id in EXERCISE_IDS}


def get_exercise(exercise_id: str) -> ExerciseSpec:
    """Return one exercise; raise :class:`UnknownExerciseError` naming the valid ids."""
    library = load_library()
    if exercise_id not in library:
        valid = ", ".join(EXERCISE_IDS)
        raise UnknownExerciseError(f"unknown exercise {exercise_id!r}; choose one of: {valid}")
    return library[exercise_id]
