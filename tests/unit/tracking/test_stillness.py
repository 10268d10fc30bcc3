"""The speed estimate that holds are timed on, at the frame rates a loaded machine gives."""

from __future__ import annotations

import math

import pytest

from spinecoach.tracking.excursion import MAX_SPAN_WINDOWS, Stillness


def _feed(still: Stillness, fps: float, seconds: float, slope: float = 0.0) -> float:
    speed = math.inf
    for i in range(round(fps * seconds) + 1):
        t = i / fps
        speed = still.update(slope * t, t)
    return speed


@pytest.mark.parametrize("fps", [30.0, 10.0, 6.0, 4.0])
def test_a_still_signal_reads_still_at_any_frame_rate(fps: float) -> None:
    still = Stillness(window_s=0.4)
    assert _feed(still, fps, 1.0) == pytest.approx(0.0)


@pytest.mark.parametrize("fps", [30.0, 4.0])
def test_a_moving_signal_reads_its_slope(fps: float) -> None:
    still = Stillness(window_s=0.4)
    assert _feed(still, fps, 2.0, slope=5.0) == pytest.approx(5.0)


def test_at_a_high_rate_only_the_window_is_used() -> None:
    still = Stillness(window_s=0.4)
    for i in range(31):  # a ramp for a second, then still for half a second
        still.update(min(i, 15) * 0.1, i / 30)
    assert still.speed == pytest.approx(0.0)


def test_old_samples_are_never_used() -> None:
    still = Stillness(window_s=0.4)
    still.update(0.0, 0.0)
    still.update(1.0, 0.1)
    assert math.isinf(still.update(2.0, 0.1 + MAX_SPAN_WINDOWS * 0.4 + 0.01))
    assert math.isinf(Stillness(0.4).update(math.nan, 0.0))
