"""Ground-truth consistency of the synthetic scenarios (kinematics only, no rendering)."""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest

from spinecoach.domain.landmarks import MIRROR_INDEX, Landmark
from spinecoach.errors import InputError, UnknownExerciseError
from spinecoach.synth import SCENARIOS, GroundTruth, simulate

FPS = 10.0
FAULT_FREE = {"good", "out_of_frame"}


@cache
def sim(exercise: str, scenario: str, facing: str = "left") -> tuple[GroundTruth, np.ndarray]:
    truth, poses, _ = simulate(exercise, scenario, fps=FPS, facing=facing)
    return truth, poses.landmarks


def series(truth: GroundTruth, key: str) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in truth.per_frame[key]], dtype=float)


def at(truth: GroundTruth, key: str, t_s: float) -> float:
    t = series(truth, "t_s")
    return float(series(truth, key)[int(np.argmin(np.abs(t - t_s)))])


ALL = [(ex, sc) for ex, scs in SCENARIOS.items() for sc in scs]


def test_scenario_registry() -> None:
    assert set(SCENARIOS) == {"hip-hinge", "bridge", "plank", "ball-squat"}
    assert all("good" in scs for scs in SCENARIOS.values())


@pytest.mark.parametrize(("exercise", "scenario"), ALL)
def test_faults_present_exactly_for_fault_scenarios(exercise: str, scenario: str) -> None:
    truth, _ = sim(exercise, scenario)
    codes = {f["code"] for f in truth.faults}
    if scenario in FAULT_FREE:
        assert codes == set()
    else:
        assert codes == {scenario}
        for f in truth.faults:
            assert 0.0 <= f["start_s"] < f["end_s"] <= truth.duration_s
    assert (truth.stop is not None) == (scenario == "lumbar_arch")
    json.loads(truth.to_json())


@pytest.mark.parametrize(
    ("exercise", "reps"), [("hip-hinge", 6), ("bridge", 4), ("ball-squat", 3), ("plank", 0)]
)
def test_rep_counts(exercise: str, reps: int) -> None:
    truth, _ = sim(exercise, "good")
    assert truth.reps == len(truth.repetitions) == reps
    for r in truth.repetitions:
        assert r["start_s"] < r["peak_s"] < r["end_s"]
    if exercise == "hip-hinge":
        assert truth.reps_by_side == {"left": 3, "right": 3}
        assert [r["side"] for r in truth.repetitions[:2]] == ["left", "right"]


def test_repetitions_parameter() -> None:
    truth, _, _ = simulate("bridge", fps=FPS, repetitions=2)
    assert truth.reps == 2


def test_bridge_holds_and_extension() -> None:
    good, _ = sim("bridge", "good")
    assert all(abs(h["end_s"] - h["start_s"] - 3.5) < 1e-6 for h in good.holds)
    for h in good.holds:
        assert abs(at(good, "hip_ext_deg", (h["start_s"] + h["end_s"]) / 2)) < 3.0
    short, _ = sim("bridge", "hold_too_short")
    assert sorted(r["hold_s"] for r in short.repetitions) == [1.0, 1.0, 3.5, 3.5]
    for scenario, target in (("incomplete_extension", -30.0), ("over_extension", 20.0)):
        truth, _ = sim("bridge", scenario)
        peaks = [at(truth, "hip_ext_deg", r["peak_s"]) for r in truth.repetitions]
        assert sum(abs(p - target) < 3.0 for p in peaks) == 2
        assert sum(abs(p) < 3.0 for p in peaks) == 2


@pytest.mark.parametrize(("scenario", "bottom"), [("too_shallow", 50.0), ("too_deep", -12.0)])
def test_squat_depths(scenario: str, bottom: float) -> None:
    good, _ = sim("ball-squat", "good")
    for r in good.repetitions:
        assert abs(at(good, "thigh_deg", r["peak_s"]) - 18.0) < 3.0
        assert r["hold_s"] == pytest.approx(3.5)
    truth, _ = sim("ball-squat", scenario)
    peaks = [at(truth, "thigh_deg", r["peak_s"]) for r in truth.repetitions]
    assert sum(abs(p - bottom) < 3.0 for p in peaks) == len(truth.faults) == 2


@pytest.mark.parametrize(
    ("scenario", "key", "value"),
    [
        ("hip_sag", "line_dev_deg", 18.0),
        ("hip_pike", "line_dev_deg", -22.0),
        ("knees_down", "knee_deg", 120.0),
    ],
)
def test_plank_faults(scenario: str, key: str, value: float) -> None:
    truth, _ = sim("plank", scenario)
    (fault,) = truth.faults
    assert abs(at(truth, key, (fault["start_s"] + fault["end_s"]) / 2) - value) < 3.0
    for h in truth.holds:
        t = series(truth, "t_s")
        inside = (t >= h["start_s"]) & (t <= h["end_s"])
        assert np.all(np.abs(series(truth, "line_dev_deg")[inside]) <= 2.0)


def test_plank_good_hold() -> None:
    truth, _ = sim("plank", "good")
    (hold,) = truth.holds
    assert hold["end_s"] - hold["start_s"] == pytest.approx(12.0)


def test_hip_hinge_angles() -> None:
    truth, _ = sim("hip-hinge", "knee_angle")
    assert truth.near_side == "right"
    assert at(truth, "knee_deg", 0.5) == pytest.approx(90.0, abs=3.0)
    assert at(truth, "hip_deg", 0.5) == pytest.approx(90.0, abs=3.0)
    wide = [r for r in truth.repetitions if r["side"] == "right"][0]
    assert at(truth, "knee_deg", wide["peak_s"]) == pytest.approx(145.0, abs=3.0)
    good, _ = sim("hip-hinge", "good")
    right = [r for r in good.repetitions if r["side"] == "right"]
    assert all(at(good, "hip_deg", r["peak_s"]) > 125.0 for r in right)
    fast, _ = sim("hip-hinge", "too_fast")
    spans = sorted(round(f["end_s"] - f["start_s"], 3) for f in fast.faults)
    assert spans == [0.7, 0.7]


def test_lumbar_arch_stop() -> None:
    truth, _ = sim("hip-hinge", "lumbar_arch")
    assert truth.stop is not None and truth.stop["code"] == "lumbar_arch"
    (fault,) = truth.faults
    assert fault["start_s"] == truth.stop["at_s"]
    assert at(truth, "lumbar_gap_torso", truth.stop["at_s"] + 0.6) == pytest.approx(0.08, abs=0.005)
    assert np.nanmax(series(truth, "lumbar_gap_torso")[: int(truth.stop["at_s"] * FPS) - 3]) == 0.0


@pytest.mark.parametrize(("exercise", "scenario"), ALL)
def test_landmarks_in_frame(exercise: str, scenario: str) -> None:
    truth, lm = sim(exercise, scenario)
    assert lm.shape == (truth.frames, 33, 4)
    if scenario != "out_of_frame":
        assert truth.out_of_frame == []
        assert np.all((lm[..., :2] >= 0) & (lm[..., :2] <= 1))
        assert np.all(lm[..., 3] == 1.0)


def test_out_of_frame_interval() -> None:
    truth, lm = sim("ball-squat", "out_of_frame")
    assert len(truth.out_of_frame) == 1
    start, end = truth.out_of_frame[0]
    t = series(truth, "t_s")
    gone = np.isnan(lm[..., 0]).all(axis=1)
    assert gone.sum() / FPS >= 2.5
    partial = np.isnan(lm[..., 0]).any(axis=1)
    assert np.all((t[partial] >= start) & (t[partial] < end))
    assert np.all(lm[partial][np.isnan(lm[partial][..., 0])][:, 3] == 0.0)
    assert truth.reps == 3


@pytest.mark.parametrize("exercise", list(SCENARIOS))
def test_facings_mirror(exercise: str) -> None:
    left, lm_l = sim(exercise, "good", "left")
    right, lm_r = sim(exercise, "good", "right")
    assert left.near_side != right.near_side
    # The two facings are mirror images: the person turned round, so anatomical sides swap
    # between near and far, and each landmark mirrors its opposite-side twin.
    # (MIRROR_INDEX misses the mouth corners, whose names end in _LEFT/_RIGHT.)
    mirror = list(MIRROR_INDEX)
    mirror[Landmark.MOUTH_LEFT], mirror[Landmark.MOUTH_RIGHT] = (
        Landmark.MOUTH_RIGHT,
        Landmark.MOUTH_LEFT,
    )
    twin = lm_r[:, mirror]
    # Heel taps start with the person's left leg whatever the facing, so the hip hinge is a
    # mirror image only before the first rep.
    n = int(FPS * 0.9) if exercise == "hip-hinge" else len(lm_l)
    np.testing.assert_allclose(lm_l[:n, :, 0], 1.0 - twin[:n, :, 0], atol=1e-9)
    np.testing.assert_allclose(lm_l[:n, :, 1:], twin[:n, :, 1:], atol=1e-9)
    for key in left.per_frame if exercise != "hip-hinge" else ():
        np.testing.assert_allclose(series(left, key), series(right, key), atol=1e-3)


@pytest.mark.parametrize("exercise", list(SCENARIOS))
def test_near_side_is_nearer(exercise: str) -> None:
    truth, lm = sim(exercise, "good")
    near = Landmark[f"{truth.near_side.upper()}_HIP"]
    far = Landmark.RIGHT_HIP if near is Landmark.LEFT_HIP else Landmark.LEFT_HIP
    assert np.all(lm[:, near, 2] < 0) and np.all(lm[:, far, 2] > 0)


def test_head_direction_follows_facing() -> None:
    _, lm = sim("plank", "good", "left")
    assert np.all(lm[:, Landmark.NOSE, 0] < lm[:, Landmark.LEFT_HIP, 0])
    _, lm = sim("ball-squat", "good", "right")
    assert np.all(lm[:, Landmark.LEFT_FOOT_INDEX, 0] > lm[:, Landmark.LEFT_HEEL, 0])


def test_masks() -> None:
    truth, _, masks = simulate(
        "hip-hinge", "lumbar_arch", fps=2.0, width=320, height=240, with_masks=True
    )
    assert masks is not None and len(masks) == truth.frames
    assert masks[0].shape == (60, 80) and masks[0].dtype == np.float32
    assert 0.0 <= float(masks[0].min()) and float(masks[0].max()) <= 1.0
    assert masks[0].sum() > 50


def test_bad_input() -> None:
    with pytest.raises(UnknownExerciseError):
        simulate("yoga")
    with pytest.raises(InputError, match="scenario"):
        simulate("plank", "sideways")
    with pytest.raises(InputError):
        simulate("plank", facing="up")


def _lowest_row(mask: np.ndarray, col: int) -> float:
    rows = np.nonzero(mask[:, col] > 0.5)[0]
    return float(rows.max())


def test_lumbar_arch_lifts_the_silhouette() -> None:
    truth, poses, masks = simulate("hip-hinge", "lumbar_arch", fps=5.0, with_masks=True)
    assert masks is not None
    stop_s = truth.stop["at_s"] if truth.stop else 0.0
    arched, flat = int((stop_s + 0.8) * 5), int((stop_s - 1.5) * 5)
    hip = poses.landmarks[flat, Landmark.RIGHT_HIP, 0]
    shoulder = poses.landmarks[flat, Landmark.RIGHT_SHOULDER, 0]
    col = int((hip + 0.35 * (shoulder - hip)) * masks[0].shape[1])
    assert _lowest_row(masks[flat], col) - _lowest_row(masks[arched], col) >= 1.5
