"""A hold's end is moved earlier only where the exercise file says its holds are seen late."""

from __future__ import annotations

import pytest

from spinecoach.domain.exercises import get_exercise
from spinecoach.tracking.engine import create_tracker
from spinecoach.tracking.state import HoldEvent


def test_ball_squat_holds_end_earlier_by_the_files_measured_lag() -> None:
    spec = get_exercise("ball-squat")
    reps = spec.criteria.reps  # type: ignore[union-attr]
    assert reps.hold_end_early_s > 0  # the measured correction is in the file
    tracker = create_tracker(spec)
    hold = tracker.adjust_hold(HoldEvent(10.0, 13.0))
    half_window = 0.5 * reps.still_window_s
    assert hold.start_s == pytest.approx(10.0 - half_window)
    assert hold.end_s == pytest.approx(13.0 - half_window - reps.hold_end_early_s)


def test_bridge_holds_keep_their_length() -> None:
    spec = get_exercise("bridge")
    tracker = create_tracker(spec)
    hold = tracker.adjust_hold(HoldEvent(10.0, 13.0))
    assert hold.duration_s == pytest.approx(3.0)


def test_a_hold_shorter_than_the_correction_is_not_turned_inside_out() -> None:
    tracker = create_tracker(get_exercise("ball-squat"))
    hold = tracker.adjust_hold(HoldEvent(10.0, 10.05))
    assert hold.end_s >= hold.start_s
