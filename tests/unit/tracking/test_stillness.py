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


def test_the_noise_learnt_at_rest_is_not_held_up_by_getting_into_position() -> None:
    """Speeds at rest start with a shuffle into position (fast), then the person stands
    still: after a second of stillness the noise is the still one, so the first hold is
    judged as strictly as the later ones (the first hold of a squat ran 0.2-0.4 s long)."""
    from spinecoach.domain.thresholds import engine_thresholds

    samples = engine_thresholds().holds.noise_samples
    still = Stillness(window_s=0.4)
    fps = 15
    for speed in [30.0, 12.0, 35.0, 50.0, 16.0, 20.0, 40.0, 25.0]:  # half a second moving
        still.learn_noise(speed, samples)
    for _ in range(fps):  # then a second standing still, with the pose model's jitter
        still.learn_noise(1.0, samples)
    assert still.noise_per_s == pytest.approx(1.0)
    for _ in range(3):  # a burst at rest (a sway) does not move it far
        still.learn_noise(40.0, samples)
    assert still.noise_per_s == pytest.approx(1.0)
