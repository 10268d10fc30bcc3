import numpy as np

from spinecoach.domain.thresholds import engine_thresholds
from spinecoach.signals.filters import LandmarkSmoother, gate_by_visibility

SIGNALS = engine_thresholds().signals


def _pose(v=0.9):
    pose = np.full((33, 4), 0.5)
    pose[:, 3] = v
    return pose


def test_low_visibility_and_out_of_frame_become_nan():
    pose = _pose()
    pose[3, 3] = 0.1
    pose[5, 0] = 1.2  # invented outside the image
    gated = gate_by_visibility(pose, 0.5, SIGNALS.outside_margin)
    assert np.isnan(gated[3, :3]).all() and np.isnan(gated[5, :3]).all()
    assert np.isfinite(gated[0, :3]).all()
    assert gated is not pose  # input untouched
    assert np.isfinite(pose[3, 0])


def test_still_noise_is_reduced_and_a_step_is_followed_with_little_lag():
    rng = np.random.default_rng(0)
    smoother = LandmarkSmoother.from_thresholds(SIGNALS)
    out = []
    for i in range(60):
        xy = np.full((33, 2), 0.5) + rng.normal(0, 0.005, (33, 2))
        out.append(smoother.update(xy, i / 30))
    assert np.std(np.array(out)[30:, 0, 0]) < 0.005 * 0.6
    # A fast 0.3 jump is followed to within 10 % in 3 frames.
    for i in range(60, 63):
        y = smoother.update(np.full((33, 2), 0.8), i / 30)
    assert abs(y[0, 0] - 0.8) < 0.03


def test_gaps_are_held_up_to_the_limit_then_nan():
    smoother = LandmarkSmoother.from_thresholds(SIGNALS.model_copy(update={"max_gap_s": 0.2}))
    xy = np.full((33, 2), 0.4)
    smoother.update(xy, 0.0)
    missing = xy.copy()
    missing[7] = np.nan
    held = smoother.update(missing, 0.1)
    assert held[7, 0] == 0.4
    gone = smoother.update(missing, 0.35)
    assert np.isnan(gone[7, 0]) and gone[8, 0] == 0.4


def test_a_joint_already_seen_stays_in_while_its_visibility_sags() -> None:
    import numpy as np

    from spinecoach.signals.filters import gate_by_visibility

    pose = np.full((33, 4), 0.5)
    pose[:, 3] = 0.9
    pose[25, 3] = 0.25  # a knee whose visibility sagged
    seen = np.ones(33, dtype=bool)
    kept = gate_by_visibility(pose, 0.5, 0.02, seen, 0.2)
    assert np.isfinite(kept[25, 0])
    fresh = gate_by_visibility(pose, 0.5, 0.02, np.zeros(33, dtype=bool), 0.2)
    assert np.isnan(fresh[25, 0])  # not seen before: it must first be seen clearly
    pose[25, 3] = 0.1
    assert np.isnan(gate_by_visibility(pose, 0.5, 0.02, seen, 0.2)[25, 0])
