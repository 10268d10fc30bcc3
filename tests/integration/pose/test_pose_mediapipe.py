"""The real MediaPipe model on real images and clips from the shared data (slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinecoach.domain.landmarks import Landmark
from spinecoach.domain.pose import PoseSequence
from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator, estimate_source, to_sequence
from spinecoach.pose.video import open_video

pytestmark = [pytest.mark.slow]

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "lbp_exercise_refs"
# Keypoint order of the kaiakol .npy files (see the data MANIFEST).
KAIAKOL_ORDER = [
    Landmark.NOSE, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_ELBOW,
    Landmark.RIGHT_ELBOW, Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST, Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE, Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL, Landmark.LEFT_FOOT_INDEX,
    Landmark.RIGHT_FOOT_INDEX,
]  # fmt: skip


def shared(relative: str) -> Path:
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path


def read_rgb(path: Path) -> np.ndarray:
    import cv2

    return np.ascontiguousarray(cv2.imread(str(path))[:, :, ::-1])


def analyse(path: Path, **kwargs: object) -> PoseSequence:
    with open_video(path) as source:
        return to_sequence(list(estimate_source(source, **kwargs)))  # type: ignore[arg-type]


@pytest.mark.shared_data
def test_still_image_person_found_with_mask() -> None:
    image = read_rgb(shared("images/votapps_plank.jpg"))
    height, width = image.shape[:2]
    with MediaPipeEstimator(segmentation=True, mask_scale=0.5) as estimator:
        pose = estimator.estimate(image, 0.0)
    assert pose.detected and (pose.width, pose.height) == (width, height)
    assert pose.landmarks.shape == (33, 4)
    hip = pose.landmarks[Landmark.LEFT_HIP]
    assert 0 < hip[0] < 1 and 0 < hip[1] < 1 and hip[3] > 0.5
    assert pose.mask is not None and pose.mask.dtype == np.float32
    assert pose.mask.shape == (round(height * 0.5), round(width * 0.5))
    row, col = int(hip[1] * pose.mask.shape[0]), int(hip[0] * pose.mask.shape[1])
    assert pose.mask[row, col] > 0.5  # the hip lies inside the person's silhouette
    assert pose.mask[2, 2] < 0.5  # the corner is background


def test_blank_image_finds_nobody() -> None:
    with MediaPipeEstimator(segmentation=True) as estimator:
        pose = estimator.estimate(np.zeros((240, 320, 3), np.uint8), 0.0)
    assert not pose.detected and np.isnan(pose.landmarks).all() and pose.mask is None


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["squat_correct_016", "squat_incorrect_002"])
def test_landmarks_match_the_reference_keypoints(name: str) -> None:
    """Our BlazePose output agrees with the keypoints shipped beside the clip (MediaPipe too)."""
    reference = np.load(shared(f"keypoints/kaiakol_{name}_landmarks.npy"))
    seq = analyse(shared(f"videos/squat/kaiakol_{name}.mp4"))
    assert len(seq) == reference.shape[0]
    ours = seq.landmarks[:, KAIAKOL_ORDER, :2]
    error_px = np.linalg.norm((ours - reference[..., :2]) * [seq.width, seq.height], axis=-1)
    assert np.isfinite(error_px).mean() > 0.95
    assert np.nanmedian(error_px) < 8.0
    assert np.nanpercentile(error_px, 90) < 20.0


@pytest.mark.shared_data
def test_detection_rate_on_a_real_plank_clip() -> None:
    seq = analyse(shared("videos/plank/kaiakol_plank_correct_002.mp4"))
    detected = np.isfinite(seq.landmarks[:, Landmark.LEFT_HIP, 0])
    assert len(seq) == 90
    assert detected.mean() >= 0.95
    assert np.all(np.diff(seq.t_s) > 0)


@pytest.mark.shared_data
def test_large_frames_are_shrunk_without_changing_the_result() -> None:
    image = read_rgb(shared("images/votapps_bridge.jpg"))
    import cv2

    big = cv2.resize(image, (image.shape[1] * 3, image.shape[0] * 3))  # ~2500 px wide
    with MediaPipeEstimator(segmentation=True) as shrinking:
        shrunk = shrinking.estimate(big, 0.0)
    with MediaPipeEstimator(segmentation=True, max_side_px=None) as full:
        direct = full.estimate(big, 0.0)
    assert (shrunk.width, shrunk.height) == (big.shape[1], big.shape[0])
    assert shrunk.mask is not None and direct.mask is not None
    assert (
        shrunk.mask.shape == direct.mask.shape == (round(big.shape[0] / 4), round(big.shape[1] / 4))
    )
    hips = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE]
    np.testing.assert_allclose(shrunk.landmarks[hips, :2], direct.landmarks[hips, :2], atol=0.01)
