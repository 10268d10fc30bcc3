"""The parallel pose path with the real BlazePose (slow): resets, worker counts, reports.

* ``reset_tracking`` leaves the graph as a new one would be: same landmarks, bit for bit.
* The landmark stream (and the masks) of a file is the same with 1 and 2 workers.
* On the golden rendered clips the reports of 2 workers equal those of 1 (``--workers 1``,
  pose in the analysing process), all but the ``run`` note.

What the chunks change against tracking straight through a file is measured, not asserted:
``bench/speed.py`` writes it to BENCHMARKS.md.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import numpy as np
import pytest

from spinecoach.compose import analyze_file, estimate_file_poses
from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator
from spinecoach.synth import render_clip, render_frames

pytestmark = pytest.mark.slow

GOLDEN = [  # the clips of tests/integration/analysis/test_analysis_blazepose.py
    ("bridge", "hold_too_short", "left", 2),
    ("ball-squat", "out_of_frame", "right", None),
    ("plank", "hip_sag", "right", None),
    ("hip-hinge", "lumbar_arch", "right", None),
]


def _landmarks(estimator: MediaPipeEstimator, frames: list[np.ndarray]) -> list[np.ndarray]:
    return [estimator.estimate(f, i / 30).landmarks for i, f in enumerate(frames)]


def test_reset_tracking_gives_a_new_graphs_landmarks() -> None:
    frames = list(islice(render_frames("bridge", fps=15, repetitions=1), 40))
    blank = np.zeros_like(frames[0])
    with MediaPipeEstimator() as fresh:
        expected = _landmarks(fresh, frames[30:40])
    with MediaPipeEstimator() as used:
        _landmarks(used, frames[:30])
        used.reset_tracking()
        assert all(np.array_equal(a, b, equal_nan=True)
                   for a, b in zip(expected, _landmarks(used, frames[30:40]), strict=True))
        used.estimate(blank, 2.0)  # nobody: the reset has nothing to forget
        used.reset_tracking()
        assert all(np.array_equal(a, b, equal_nan=True)
                   for a, b in zip(expected, _landmarks(used, frames[30:40]), strict=True))


@pytest.fixture(scope="module")
def golden_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("golden")
    clips = {}
    for exercise, scenario, facing, reps in GOLDEN:
        path = folder / f"{exercise}_{scenario}_{facing}.mp4"
        render_clip(exercise, scenario, path, facing=facing, repetitions=reps)
        clips[exercise] = path
    return clips


def test_one_and_two_workers_give_the_same_landmarks_and_masks(golden_clips) -> None:
    streams = []
    for workers in (1, 2):
        with estimate_file_poses(golden_clips["hip-hinge"], "hip-hinge", workers=workers) as s:
            streams.append(list(s))
    one, two = streams
    assert len(one) == len(two) > 100
    for a, b in zip(one, two, strict=True):
        assert a.t_s == b.t_s and np.array_equal(a.landmarks, b.landmarks, equal_nan=True)
        assert a.mask is not None and b.mask is not None and np.array_equal(a.mask, b.mask)


@pytest.mark.parametrize("exercise", [case[0] for case in GOLDEN])
def test_two_workers_report_what_one_process_reports(golden_clips, exercise) -> None:
    path = golden_clips[exercise]
    parallel = analyze_file(path, exercise, workers=2).report
    alone = analyze_file(path, exercise, workers=1).report
    assert parallel.pop("run")["pose_workers"] == 2 and alone.pop("run")["pose_workers"] == 1
    assert parallel == alone
