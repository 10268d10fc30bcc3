"""Build the tracker for an exercise: ``create_tracker(spec)``.

The same tracker serves the live coach (one ``update`` per camera frame) and video analysis
(``session.analysis`` feeds it every frame of a file).
"""

from __future__ import annotations

from spinecoach.domain.exercises.spec import ExerciseSpec

# Importing the modules registers their trackers.
from spinecoach.tracking import heel_tap, hold_reps, plank  # noqa: F401
from spinecoach.tracking.base import ExerciseTracker
from spinecoach.tracking.registry import tracker_class


def create_tracker(spec: ExerciseSpec, *, target_hold_s: float | None = None) -> ExerciseTracker:
    """Return a fresh tracker for one set of ``spec``."""
    return tracker_class(spec.criteria.kind)(spec, target_hold_s=target_hold_s)
