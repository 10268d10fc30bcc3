"""The exercise library: one declarative TOML file per exercise, validated at load time."""

from spinecoach.domain.exercises.library import EXERCISE_IDS, get_exercise, load_library
from spinecoach.domain.exercises.spec import ExerciseSpec, FaultRule

__all__ = ["EXERCISE_IDS", "ExerciseSpec", "FaultRule", "get_exercise", "load_library"]
