"""The real MediaPipe model on ``spinecoach.synth`` clips, against exact ground truth (slow)."""

from __future__ import annotations

from itertools import islice

import numpy as np
import pytest

from spinecoach.domain.landmarks import MIRROR_INDEX, Landmark
from spinecoach.domain.pose import PoseSequence
from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator

pytestmark = [pytest.mark.slow]

synth = pytest.importorskip("spinecoach.synth", reason="spinecoach.synth is not available")

BODY = [
    Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW,
    Landmark.LEFT_HIP, Landmark.RIGHT_HIP, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE,
]  # fmt: skip
FPS = 4.0
MAX_FRAMES = 24  # 6 s: a whole rep or a good part of a hold, in a few seconds of test


@pytest.mark.parametrize("exercise", ["hip-hinge", "bridge", "plank", "ball-squat"])
def test_detection_and_landmark_accuracy_against_truth(exercise: str) -> None:
    _, truth, _ = synth.simulate(exercise, fps=FPS, repetitions=1)
    frames = list(islice(synth.render_frames(exercise, fps=FPS, repetitions=1), MAX_FRAMES))
    truth = PoseSequence(
        truth.t_s[: len(frames)], truth.landmarks[: len(frames)], truth.width, truth.height
    )
    with MediaPipeEstimator() as estimator:
        poses = [estimator.estimate(f, float(t)) for f, t in zip(frames, truth.t_s, strict=True)]
    found = np.stack([p.landmarks for p in poses])
    assert np.isfinite(found[:, Landmark.LEFT_HIP, 0]).mean() >= 0.95
    scale = np.array([truth.width, truth.height])
    true_xy = truth.landmarks[:, BODY, :2] * scale
    # BlazePose may swap left and right side-on; judge each frame in its better labelling.
    error_px = np.linalg.norm(found[:, BODY, :2] * scale - true_xy, axis=-1)
    swapped = found[:, list(MIRROR_INDEX)]
    swapped_px = np.linalg.norm(swapped[:, BODY, :2] * scale - true_xy, axis=-1)
    best = np.where(
        np.nanmean(swapped_px, axis=1, keepdims=True) < np.nanmean(error_px, axis=1, keepdims=True),
        swapped_px,
        error_px,
    )
    diagonal = float(np.hypot(truth.width, truth.height))
    assert np.nanmedian(best) < 0.03 * diagonal  # 24 px at 640x480
    assert np.nanpercentile(best, 90) < 0.06 * diagonal


def test_segmentation_mask_overlaps_the_true_silhouette() -> None:
    _, truth, masks = synth.simulate("bridge", fps=FPS, repetitions=1, with_masks=True)
    frames = list(islice(synth.render_frames("bridge", fps=FPS, repetitions=1), MAX_FRAMES // 2))
    assert masks is not None
    ious = []
    with MediaPipeEstimator(segmentation=True, mask_scale=0.25) as estimator:
        for frame, t_s, true_mask in zip(frames, truth.t_s, masks, strict=False):
            pose = estimator.estimate(frame, float(t_s))
            assert pose.mask is not None
            h, w = (
                min(pose.mask.shape[0], true_mask.shape[0]),
                min(pose.mask.shape[1], true_mask.shape[1]),
            )
            ours, real = pose.mask[:h, :w] > 0.5, true_mask[:h, :w] > 0.5
            ious.append((ours & real).sum() / max(1, (ours | real).sum()))
    assert np.median(ious) > 0.85  # measured 0.96-0.98
