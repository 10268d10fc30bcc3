"""Load and validate the exercise files (``<id>.toml``) shipped beside this module.

The library is whatever files are there: the id of an exercise is its file name, and its
``order`` field places it in the programme.  A new exercise of an existing kind (one whose
``[criteria] kind`` a tracker already handles) is one new file and no code.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from importlib.resources.abc import Traversable

from pydantic import ValidationError

from spinecoach.domain.exercises.spec import ExerciseSpec
from spinecoach.errors import ConfigError, UnknownExerciseError

EXERCISE_DIR: Traversable = resources.files("spinecoach.domain.exercises")
"""Where the exercise files are read from (a test may point it at a copy)."""


def _load_one(source: Traversable) -> ExerciseSpec:
    exercise_id = source.name.removesuffix(".toml")
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        spec = ExerciseSpec.model_validate(data)
    except (tomllib.TOMLDecodeError, ValidationError, OSError) as exc:
        raise ConfigError(f"exercise file {source.name} is invalid: {exc}") from exc
    if spec.id != exercise_id:
        raise ConfigError(f"{source.name} declares id {spec.id!r}")
    return spec


def _read_library(directory: Traversable) -> dict[str, ExerciseSpec]:
    files = sorted((f for f in directory.iterdir() if f.name.endswith(".toml")),
                   key=lambda f: f.name)
    specs = sorted((_load_one(f) for f in files), key=lambda spec: spec.order)
    if not specs:
        raise ConfigError(f"no exercise files in {directory}")
    orders = [spec.order for spec in specs]
    if len(set(orders)) != len(orders):
        clash = sorted(s.id for s in specs if orders.count(s.order) > 1)
        raise ConfigError(f"exercise files {', '.join(clash)} share the same order")
    return {spec.id: spec for spec in specs}


_LOADED: dict[str, dict[str, ExerciseSpec]] = {}


def load_library(directory: Traversable | None = None) -> dict[str, ExerciseSpec]:
    """Return every exercise, by id, in programme order (validated once, then cached)."""
    where = directory or EXERCISE_DIR
    key = str(where)
    if key not in _LOADED:
        _LOADED[key] = _read_library(where)
    return _LOADED[key]


def exercise_ids() -> tuple[str, ...]:
    """The ids of the exercises, in programme order."""
    return tuple(load_library())


def get_exercise(exercise_id: str) -> ExerciseSpec:
    """Return one exercise; raise :class:`UnknownExerciseError` naming the valid ids."""
    library = load_library()
    if exercise_id not in library:
        valid = ", ".join(library)
        raise UnknownExerciseError(f"unknown exercise {exercise_id!r}; choose one of: {valid}")
    return library[exercise_id]
