"""Real BlazePose (MediaPipe, offline) finds the synthetic person where the truth says it is.

For each exercise and facing, frames spread over the whole ``good`` clip (and over each
fault scenario's faulty interval) are rendered at 640x480 and run through
``mediapipe.solutions.pose.Pose(model_complexity=1)`` in video mode.
"""

from __future__ import annotations

import numpy as np
import pytest

from spinecoach.domain.landmarks import Side, sided
from spinecoach.synth import SCENARIOS, render_frames, simulate
from spinecoach.synth.randomise import random_frames, simulate_random

mp = pytest.importorskip("mediapipe")

WIDTH, HEIGHT = 640, 480
N_FRAMES = 24
MAX_ERR_FRAC = 0.05


def run_blazepose(
    exercise: str, scenario: str, facing: str, indices: list[int]
) -> list[np.ndarray | None]:
    found: list[np.ndarray | None] = []
    with mp.solutions.pose.Pose(model_complexity=1) as pose:
        for frame in render_frames(
            exercise, scenario, width=WIDTH, height=HEIGHT, facing=facing, frames=indices
        ):
            result = pose.process(frame)
            if result.pose_landmarks is None:
                found.append(None)
            else:
                found.append(np.array([[p.x, p.y] for p in result.pose_landmarks.landmark]))
    return found


def check(exercise: str, scenario: str, facing: str, window: tuple[float, float] | None) -> None:
    truth, poses, _ = simulate(exercise, scenario, width=WIDTH, height=HEIGHT, facing=facing)
    t0, t1 = window if window is not None else (0.0, truth.duration_s)
    lo, hi = int(t0 * truth.fps), min(int(t1 * truth.fps), truth.frames - 1)
    indices = sorted(set(np.linspace(lo, hi, N_FRAMES).astype(int).tolist()))
    found = run_blazepose(exercise, scenario, facing, indices)
    detected = [f for f in found if f is not None]
    assert len(detected) >= 0.95 * len(indices), f"detected {len(detected)}/{len(indices)}"
    near = Side.LEFT if truth.near_side == "left" else Side.RIGHT
    for joint in ("hip", "knee"):
        lm = sided(joint, near)
        errs = [
            np.hypot(*((f[lm] - poses.landmarks[i, lm, :2]) * [WIDTH, HEIGHT])) / WIDTH
            for i, f in zip(indices, found, strict=True)
            if f is not None
        ]
        assert float(np.median(errs)) < MAX_ERR_FRAC, f"{joint}: median error {np.median(errs)}"
        assert float(np.percentile(errs, 90)) < 2 * MAX_ERR_FRAC, f"{joint}: 90th pct error"


@pytest.mark.slow
@pytest.mark.parametrize("facing", ["left", "right"])
@pytest.mark.parametrize("exercise", list(SCENARIOS))
def test_blazepose_finds_good_clip(exercise: str, facing: str) -> None:
    check(exercise, "good", facing, None)


FAULT_CASES = [
    ("hip-hinge", "lumbar_arch"),
    ("plank", "hip_sag"),
    ("plank", "hip_pike"),
    ("plank", "knees_down"),
    ("ball-squat", "too_deep"),
    ("bridge", "over_extension"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("exercise", "scenario"), FAULT_CASES)
def test_blazepose_finds_faulty_poses(exercise: str, scenario: str) -> None:
    truth, _, _ = simulate(exercise, scenario, fps=5.0)
    fault = truth.faults[0]
    check(exercise, scenario, "left", (fault["start_s"], fault["end_s"]))


# Randomised seeds without disturbances: a portrait ball squat, heel taps, an oblique plank.
RANDOM_SEEDS = [3, 14, 17]


@pytest.mark.slow
@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_blazepose_finds_random_person(seed: int) -> None:
    truth, poses, _ = simulate_random(seed)
    indices = sorted(set(np.linspace(0, truth.frames - 1, 16).astype(int).tolist()))
    long_side = max(truth.width, truth.height)
    near = Side.LEFT if truth.near_side == "left" else Side.RIGHT
    found: list[np.ndarray | None] = []
    with mp.solutions.pose.Pose(model_complexity=1) as pose:
        for frame in random_frames(seed, frames=indices):
            result = pose.process(frame)
            found.append(
                None
                if result.pose_landmarks is None
                else np.array([[p.x, p.y] for p in result.pose_landmarks.landmark])
            )
    detected = [f for f in found if f is not None]
    assert len(detected) >= 0.8 * len(indices), f"detected {len(detected)}/{len(indices)}"
    for joint in ("hip", "knee", "shoulder"):
        lm = sided(joint, near)
        errs = [
            np.hypot(*((f[lm] - poses.landmarks[i, lm, :2]) * [truth.width, truth.height]))
            / long_side
            for i, f in zip(indices, found, strict=True)
            if f is not None
        ]
        assert float(np.median(errs)) < MAX_ERR_FRAC, f"{joint}: median error {np.median(errs)}"
