"""Trackers registered by the ``kind`` of an exercise's criteria (no if/elif chains)."""

from __future__ import annotations

from collections.abc import Callable

from spinecoach.tracking.base import ExerciseTracker

_TRACKERS: dict[str, type[ExerciseTracker]] = {}


def register_tracker(kind: str) -> Callable[[type[ExerciseTracker]], type[ExerciseTracker]]:
    """Class decorator: make ``cls`` the tracker for criteria of ``kind``."""

    def register(cls: type[ExerciseTracker]) -> type[ExerciseTracker]:
        _TRACKERS[kind] = cls
        return cls

    return register


def tracker_class(kind: str) -> type[ExerciseTracker]:
    """Return the tracker class for ``kind`` (KeyError if none is registered)."""
    return _TRACKERS[kind]
