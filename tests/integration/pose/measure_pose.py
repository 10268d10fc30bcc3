"""Measure the pose layer's speed and MediaPipe's own smoothing on the shared clips.

Not a test (pytest does not collect it).  Run::

    .venv/bin/python tests/integration/pose/measure_pose.py

It prints: PyAV decode fps for 720p (threaded vs not), MediaPipe ms/frame at 640x480 and
1280x720 with and without segmentation, and for ``smooth_landmarks`` True vs False the
frame-to-frame jitter on a held plank and the lag on a moving squat / bridge.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from spinecoach.domain.landmarks import Landmark
from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator, _quiet_stderr
from spinecoach.pose.video import open_video, probe_video

VIDEOS = Path(__file__).resolve().parents[4] / "shared" / "data" / "lbp_exercise_refs" / "videos"
HELD = VIDEOS / "plank/kaiakol_plank_correct_005.mp4"
MOVING = [  # (clip, frames): the bridge's wide shot ends at 8.75 s (a camera cut follows)
    (VIDEOS / "bridge/atc_glute_bridge.mp4", 215),
    (VIDEOS / "squat/kaiakol_squat_correct_016.mp4", 29),
    (VIDEOS / "deadbug/votapps_deadbug.mp4", 463),
]
DECODE = [VIDEOS / "bridge/atc_glute_bridge.mp4", VIDEOS / "plank/kaiakol_plank_correct_005.mp4"]
BODY = [
    Landmark.LEFT_SHOULDER,
    Landmark.LEFT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_SHOULDER,
    Landmark.RIGHT_HIP,
    Landmark.RIGHT_KNEE,
    Landmark.RIGHT_ANKLE,
]


def decode_fps(path: Path, threaded: bool) -> float:
    start = time.perf_counter()
    with open_video(path, threaded=threaded) as source:
        n = sum(1 for _ in source)
    return n / (time.perf_counter() - start)


def frames_of(path: Path, limit: int = 10_000, size: tuple[int, int] | None = None) -> list[Any]:
    import cv2

    with open_video(path) as source:
        images = []
        for i, frame in enumerate(source):
            if i >= limit:
                break
            image = frame.image if size is None else cv2.resize(frame.image, size)
            images.append(image)
    return images


def ms_per_frame(images: list[Any], segmentation: bool) -> float:
    with MediaPipeEstimator(segmentation=segmentation) as estimator:
        estimator.estimate(images[0], 0.0)  # warm-up (graph start)
        start = time.perf_counter()
        for i, image in enumerate(images[1:]):
            estimator.estimate(image, (i + 1) / 30)
    return 1000 * (time.perf_counter() - start) / (len(images) - 1)


def track(images: list[Any], smooth: bool) -> np.ndarray:
    """Pixel xy of the body landmarks per frame with MediaPipe's smoothing on or off."""
    from mediapipe.python.solutions import pose as mp_pose

    height, width = images[0].shape[:2]
    out = np.full((len(images), len(BODY), 2), np.nan)
    with _quiet_stderr(True):
        model = mp_pose.Pose(model_complexity=1, static_image_mode=False, smooth_landmarks=smooth)
        for i, image in enumerate(images):
            result = model.process(image)
            if result.pose_landmarks is not None:
                lms = result.pose_landmarks.landmark
                out[i] = [(lms[j].x * width, lms[j].y * height) for j in BODY]
        model.close()
    return out


def jitter_px(xy: np.ndarray) -> float:
    """RMS second difference (px): frame-to-frame noise, insensitive to slow motion."""
    second = np.diff(xy, n=2, axis=0)
    return float(np.sqrt(np.nanmean(np.sum(second**2, axis=-1))))


def lag_frames(raw: np.ndarray, smooth: np.ndarray) -> float:
    """Delay (frames, 0.1 steps) of ``smooth`` behind ``raw``: the shift minimising the RMS gap.

    Only coordinates that move (std > 5 px) count; the median over them is returned.
    """
    t = np.arange(raw.shape[0], dtype=float)
    lags = []
    for k in range(raw.shape[1]):
        for axis in (0, 1):
            a, b = raw[:, k, axis], smooth[:, k, axis]
            ok = np.isfinite(a) & np.isfinite(b)
            if ok.sum() < 20 or np.nanstd(a) < 5:
                continue
            use = ok & (t > 8)
            errors = [
                np.sqrt(np.mean((np.interp(t - s, t[ok], a[ok])[use] - b[use]) ** 2))
                for s in np.arange(0, 6.01, 0.1)
            ]
            lags.append(0.1 * int(np.argmin(errors)))
    return float(np.median(lags)) if lags else float("nan")


def signals_smoothed(xy: np.ndarray, width: int, height: int, fps: float) -> np.ndarray:
    """Run ``spinecoach.signals``' One Euro smoother over raw pixel tracks."""
    from spinecoach.domain.thresholds import engine_thresholds
    from spinecoach.signals.filters import LandmarkSmoother

    smoother = LandmarkSmoother.from_thresholds(engine_thresholds().signals)
    out = np.empty_like(xy)
    for i in range(len(xy)):
        full = np.full((33, 2), np.nan)
        full[: len(BODY)] = xy[i] / [width, height]
        out[i] = smoother.update(full, i / fps)[: len(BODY)] * [width, height]
    return out


def compare_smoothing(path: Path, limit: int) -> None:
    """Print jitter and lag: raw, MediaPipe's smoothing, and the signals smoother on raw."""
    images = frames_of(path, limit=limit)
    height, width = images[0].shape[:2]
    with open_video(path) as source:
        fps = source.fps
    raw, mp_smooth = track(images, False), track(images, True)
    ours = signals_smoothed(raw, width, height, fps)
    print(
        f"{path.name} ({len(images)} frames at {fps:.0f} fps): jitter px raw {jitter_px(raw):.2f}"
        f", mediapipe {jitter_px(mp_smooth):.2f}, signals {jitter_px(ours):.2f}; lag frames "
        f"mediapipe {lag_frames(raw, mp_smooth):.1f}, signals {lag_frames(raw, ours):.1f}"
    )


def main() -> int:
    if not VIDEOS.exists():
        print(f"shared data not present: {VIDEOS}")
        return 1
    for path in DECODE:
        info = probe_video(path)
        print(
            f"decode {path.name} {info.width}x{info.height}: "
            f"threaded {decode_fps(path, True):.0f} fps, "
            f"single-thread {decode_fps(path, False):.0f} fps"
        )
    raw = frames_of(HELD, limit=90)
    for size in ((640, 480), (1280, 720)):
        import cv2

        images = [cv2.resize(im, size) for im in raw]
        for seg in (False, True):
            print(
                f"mediapipe {size[0]}x{size[1]} segmentation={seg}: "
                f"{ms_per_frame(images, seg):.1f} ms/frame"
            )
    for path, limit in [(HELD, 150), *MOVING]:
        compare_smoothing(path, limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
