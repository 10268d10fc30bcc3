"""The exercise library: one declarative TOML file per exercise, validated at load time."""

from spinecoach.domain.exercises.library import exercise_ids, get_exercise, load_library
from spinecoach.domain.exercises.spec import ExerciseSpec, FaultRule

__all__ = ["ExerciseSpec", "FaultRule", "exercise_ids", "get_exercise", "load_library"]
