"""Where a plank hold ends: where the way down began, not where its speed became clear."""

from __future__ import annotations

import random

import pytest

from spinecoach.domain.exercises import get_exercise
from spinecoach.tracking.plank import PlankTracker

FPS = 15.0


def _tracker() -> PlankTracker:
    return PlankTracker(get_exercise("plank"))


def _feed(tracker: PlankTracker, line: object, hip: object, until_s: float) -> None:
    rng = random.Random(3)
    for i in range(round(until_s * FPS) + 1):
        t = i / FPS
        tracker._remember(line(t) + rng.gauss(0, 0.1),  # type: ignore[operator]
                          hip(t) + rng.gauss(0, 0.001), t)  # type: ignore[operator]


def test_the_end_is_traced_back_to_where_the_hips_began_to_drop() -> None:
    """Held for 5 s, then the hips ease down from 5.0 s (slowly at first): the speed limit
    is crossed at about 5.35 s; the hold ends near 5.0 s, not at 5.35 - 0.2 s."""
    tracker = _tracker()

    def hip(t: float) -> float:
        return 0.45 - (0.4 * (t - 5.0) ** 2 if t > 5.0 else 0.0)

    _feed(tracker, lambda t: 0.0, hip, until_s=5.4)
    onset = tracker._movement_onset(5.35, hold_start_s=1.0)
    assert onset is not None
    assert onset == pytest.approx(5.0, abs=0.15)
    assert onset < 5.35 - 0.5 * tracker.c.still_window_s


def test_drift_before_the_speed_window_is_not_cut() -> None:
    """The body line drifting slowly for two seconds before the movement: the end goes back
    at most one speed window, so the drift stays counted as holding."""
    tracker = _tracker()
    _feed(tracker, lambda t: 0.8 * max(0.0, t - 3.0), lambda t: 0.45, until_s=5.4)
    onset = tracker._movement_onset(5.35, hold_start_s=1.0)
    assert onset is not None
    assert onset >= 5.35 - tracker.c.still_window_s - 1e-9


def test_too_short_a_hold_gives_no_onset() -> None:
    tracker = _tracker()
    _feed(tracker, lambda t: 0.0, lambda t: 0.45, until_s=1.0)
    assert tracker._movement_onset(0.9, hold_start_s=0.5) is None
