"""Tests for the webcam source with a fake capture (no camera needed)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from spinecoach.errors import CameraError
from spinecoach.pose.webcam import WebcamSource


class FakeCapture:
    """A cv2.VideoCapture look-alike delivering ``n_good`` frames, then failing."""

    def __init__(self, n_good: int, opened: bool = True) -> None:
        self.n_good, self.opened, self.reads, self.released = n_good, opened, 0, False

    def isOpened(self) -> bool:  # noqa: N802 - OpenCV's name
        return self.opened

    def get(self, prop: int) -> float:
        return {3: 320.0, 4: 240.0, 5: 0.0}.get(prop, 0.0)

    def read(self) -> tuple[bool, np.ndarray | None]:
        self.reads += 1
        if self.reads > self.n_good:
            return False, None
        bgr = np.zeros((240, 320, 3), np.uint8)
        bgr[..., 0] = 255  # blue in BGR
        return True, bgr

    def release(self) -> None:
        self.released = True


def _clock() -> Iterator[float]:
    t = 100.0
    while True:
        yield t
        t += 0.04


def test_frames_are_rgb_and_timed_from_zero() -> None:
    ticks = _clock()
    capture = FakeCapture(3)
    source = WebcamSource(capture=capture, clock=lambda: next(ticks), max_failed_reads=2)
    assert (source.width, source.height, source.fps, source.frame_count) == (320, 240, 30.0, None)
    frames = [source.read() for _ in range(3)]
    assert [round(f.t_s, 3) for f in frames] == [0.0, 0.04, 0.08]
    assert tuple(frames[0].image[0, 0]) == (0, 0, 255)
    with pytest.raises(CameraError, match="stopped delivering"):
        source.read()
    source.close()
    assert capture.released


def test_camera_that_disappears_mid_stream_raises_after_good_frames() -> None:
    source = WebcamSource(capture=FakeCapture(5), max_failed_reads=3)
    got = []
    with pytest.raises(CameraError):
        for frame in source:
            got.append(frame)
    assert len(got) == 5


def test_camera_that_cannot_open() -> None:
    capture = FakeCapture(0, opened=False)
    with pytest.raises(CameraError, match="cannot be opened"):
        WebcamSource(capture=capture)
    assert capture.released


def test_closed_camera_raises_and_iteration_ends() -> None:
    source = WebcamSource(capture=FakeCapture(5))
    source.close()
    with pytest.raises(CameraError, match="closed"):
        source.read()
    assert list(source) == []


def test_missing_device_index_raises_camera_error() -> None:
    with pytest.raises(CameraError, match="camera 97"):
        WebcamSource(97)
