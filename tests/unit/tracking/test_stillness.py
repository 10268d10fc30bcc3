"""The speed estimate that holds are timed on, at the frame rates a loaded machine gives."""

from __future__ import annotations

import math
import random

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


_JITTER = random.Random(7)


def _jitter() -> float:
    return _JITTER.gauss(0.0, 0.1)


def _rest(still: Stillness, fps: float, seconds: float, t0: float = 0.0,
          ramp_per_s: float = 0.0, samples: int = 31) -> float:
    """Feed a resting signal (the pose model's jitter, plus an optional ramp) and learn
    its noise on every sample; return the time after the last sample."""
    n = round(fps * seconds)
    for i in range(n):
        t = t0 + i / fps
        still.update(ramp_per_s * (t - t0) + _jitter(), t)
        still.learn_noise(samples)
    return t0 + n / fps


def test_the_noise_learnt_at_rest_is_not_held_up_by_getting_into_position() -> None:
    """Speeds at rest start with a shuffle into position (fast), then the person stays
    still: after a second and a half of stillness the noise is the still one, so the first
    hold is judged as strictly as the later ones (the first hold of a squat ran 0.2-0.4 s
    long on a running estimate seeded by the shuffle)."""
    from spinecoach.domain.thresholds import engine_thresholds

    samples = engine_thresholds().holds.noise_samples
    quiet = Stillness(window_s=0.4)
    _rest(quiet, 15, 3.0, samples=samples)
    shuffled = Stillness(window_s=0.4)
    t = _rest(shuffled, 15, 0.5, ramp_per_s=30.0, samples=samples)
    _rest(shuffled, 15, 2.5, t0=t, samples=samples)
    assert shuffled.noise_per_s < 1.5 * quiet.noise_per_s  # not the shuffle's 30 units/s


def test_the_noise_limit_grows_when_the_frame_rate_drops_after_the_rest() -> None:
    """Learnt at 15 fps, judged at 6 fps: the window holds three samples over a third of a
    second instead of seven over 0.4 s, and the same jitter reads faster, so the limit
    grows with the slope's standard error (a live hold on a loaded machine broke on its
    own jitter); back at 15 fps it is the resting one again, and it never drops below it."""
    still = Stillness(window_s=0.4)
    t = _rest(still, 15, 2.0)
    resting = still.noise_limit(3.0)
    assert resting == pytest.approx(3.0 * still.noise_per_s)
    for i in range(4):  # a hold at 6 fps: same jitter, fewer samples
        still.update(_jitter(), t + i / 6)
    slow = still.noise_limit(3.0)
    assert slow > 1.4 * resting
    t += 1.0
    for i in range(8):
        still.update(_jitter(), t + i / 15)
    assert still.noise_limit(3.0) == pytest.approx(resting, rel=0.2)
    for i in range(30):  # a higher rate than at rest: the limit stays the resting one
        still.update(0.0, t + 1.0 + i / 60)
    assert still.noise_limit(3.0) == pytest.approx(resting)


def test_a_large_jitter_at_rest_does_not_make_slow_movement_still() -> None:
    """Rest learnt from a signal jittering hard (a straight knee's angle, or walking into
    place read as rest) would let a signal still moving at 20 units/s read "still"; the cap
    keeps the limit at twice the exercise's still rate, so only a slower signal is still."""
    from spinecoach.domain.thresholds import engine_thresholds

    holds = engine_thresholds().holds
    still = Stillness(window_s=0.4)
    t = 0.0
    rng = random.Random(3)
    for i in range(45):  # rest at 15 fps with a jitter of 6 units (slopes of ~10 units/s)
        t = i / 15
        still.update(rng.gauss(0.0, 6.0), t)
        still.learn_noise(holds.noise_samples)
    assert holds.noise_factor * still.noise_per_s > 20.0  # the uncapped limit lets 20/s pass
    for i in range(1, 8):  # then a clean movement at 20 units/s
        still.update(50.0 + 20.0 * i / 15, t + i / 15)
    assert still.speed == pytest.approx(20.0)
    assert still.is_still(8.0, holds.noise_factor)  # without the cap: "still"
    assert not still.is_still(8.0, holds.noise_factor, holds.noise_cap_factor)
    for i in range(8, 16):  # and a slow drift under the cap still reads still
        still.update(50.0 + 20.0 * 7 / 15 + 12.0 * (i - 7) / 15, t + i / 15)
    assert still.is_still(8.0, holds.noise_factor, holds.noise_cap_factor)
