"""The fakes beside the real pose adapters: recorded landmarks played back.

:class:`ReplayEstimator` stands in for :class:`~spinecoach.pose.mediapipe_estimator.
MediaPipeEstimator` and :class:`ReplaySource` for a video file or webcam, so the whole
pipeline (source -> estimator -> signals -> tracker -> annotate) runs in milliseconds without
video or MediaPipe.  Pair them::

    source = ReplaySource(seq)
    estimator = ReplayEstimator(seq)
    poses = [estimator.estimate(f.image, f.t_s) for f in source]   # == seq.frames()

Matching rule: :meth:`ReplayEstimator.estimate` ignores the image and returns the recorded
pose whose time is **nearest to** ``t_s`` (ties go to the earlier frame).  Matching by time
rather than by call index keeps the fake correct when a caller skips frames (a live loop that
drops frames under load) and lets a recording be replayed against a video of another frame
rate.  With ``max_offset_s`` set, a request further than that from every recorded frame returns
an all-NaN pose (nobody found), like the real model outside the recording.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.landmarks import N_LANDMARKS
from spinecoach.domain.pose import PoseFrame, PoseSequence, empty_pose
from spinecoach.session.ports import ClosedOnExit, Image

__all__ = ["ProbeEstimator", "ReplayEstimator", "ReplayFrame", "ReplaySource"]


class ReplayEstimator(ClosedOnExit):
    """A :class:`~spinecoach.session.ports.PoseEstimator` that plays recorded landmarks.

    Parameters
    ----------
    seq
        The recording to play.
    masks
        Optional segmentation masks, one per frame of ``seq`` (returned with the pose).
    max_offset_s
        If given, requests further than this from every recorded time return an all-NaN pose.

    Attributes
    ----------
    calls
        Number of :meth:`estimate` calls so far (handy in tests).
    resets
        Number of :meth:`reset_tracking` calls so far.
    """

    def __init__(
        self,
        seq: PoseSequence,
        masks: list[NDArray[np.float32]] | None = None,
        *,
        max_offset_s: float | None = None,
    ) -> None:
        if len(seq) == 0:
            raise ValueError("cannot replay an empty PoseSequence")
        if masks is not None and len(masks) != len(seq):
            raise ValueError(f"got {len(masks)} masks for {len(seq)} frames")
        self._seq = seq
        self._masks = masks
        self._max_offset_s = max_offset_s
        self._closed = False
        self.calls = 0
        self.resets = 0

    def index_at(self, t_s: float) -> int:
        """Index of the recorded frame nearest to ``t_s`` (ties go to the earlier frame)."""
        times = self._seq.t_s
        right = int(np.searchsorted(times, t_s, side="left"))
        if right == 0:
            return 0
        if right >= len(times):
            return len(times) - 1
        return right if times[right] - t_s < t_s - times[right - 1] else right - 1

    def estimate(
        self, image: Image, t_s: float, *, full_size: tuple[int, int] | None = None
    ) -> PoseFrame:
        """Return the recorded pose nearest to ``t_s``, stamped with ``t_s``.

        Parameters
        ----------
        image
            Ignored (any array; see :class:`ReplaySource`).
        t_s
            Capture time of the frame.
        full_size
            Ignored (the recording's size is used).

        Returns
        -------
        PoseFrame
            A copy of the recorded landmarks with the recording's width and height.
        """
        if self._closed:
            raise RuntimeError("ReplayEstimator is closed")
        self.calls += 1
        index = self.index_at(t_s)
        seq = self._seq
        if self._max_offset_s is not None and abs(seq.t_s[index] - t_s) > self._max_offset_s:
            return PoseFrame(float(t_s), empty_pose(), seq.width, seq.height)
        mask = self._masks[index] if self._masks is not None else None
        return PoseFrame(float(t_s), seq.landmarks[index].copy(), seq.width, seq.height, mask)

    def reset_tracking(self) -> None:
        """Count the reset (a replay has no tracking state)."""
        self.resets += 1

    def close(self) -> None:
        """Mark the fake as closed (further calls raise, like a released model)."""
        self._closed = True


class ProbeEstimator:
    """A fake estimator whose output describes its input and its tracking state.

    For each image, landmark ``k`` (of 33) holds: x = mean of the red channel over the k-th
    of 33 equal runs of pixels in reading order (every 2nd pixel of every 2nd row) / 255,
    y = the same for green, z = the number of
    frames estimated since the last reset (0 on the first one), visibility = 1.  With
    segmentation on, the mask is the image's red channel at quarter size, in 0..1.

    Parameters
    ----------
    segmentation
        Return masks (the signature of a pool's estimator factory).
    fail_at
        Raise ``ValueError`` on this call of :meth:`estimate` (1 = the first), to test how
        errors travel.
    delay_s
        Sleep this long in each :meth:`estimate` and :meth:`reset_tracking`, standing in for
        the model's time (to measure how well a pipeline keeps its workers busy).
    """

    def __init__(
        self, segmentation: bool = False, *, fail_at: int | None = None, delay_s: float = 0.0
    ) -> None:
        self.segmentation = segmentation
        self.fail_at = fail_at
        self.delay_s = delay_s
        self.calls = 0
        self.resets = 0
        self._since_reset = 0

    def estimate(
        self, image: Image, t_s: float, *, full_size: tuple[int, int] | None = None
    ) -> PoseFrame:
        """Describe ``image`` (see the class docstring), stamped with ``t_s``."""
        self.calls += 1
        if self.calls == self.fail_at:
            raise ValueError(f"ProbeEstimator fails on call {self.calls}, as asked")
        if self.delay_s:
            time.sleep(self.delay_s)
        pixels = image[::2, ::2, :2].reshape(-1, 2).astype(np.float64)
        landmarks = np.empty((N_LANDMARKS, 4))
        for k, run in enumerate(np.array_split(pixels, N_LANDMARKS)):
            landmarks[k, :2] = run.mean(axis=0) / 255.0
        landmarks[:, 2] = self._since_reset
        landmarks[:, 3] = 1.0
        self._since_reset += 1
        width, height = full_size or (int(image.shape[1]), int(image.shape[0]))
        mask = None
        if self.segmentation:
            mask = np.ascontiguousarray(image[::4, ::4, 0], dtype=np.float32) / 255.0
        return PoseFrame(float(t_s), landmarks, width, height, mask)

    def reset_tracking(self) -> None:
        """Start counting frames from 0 again."""
        self.resets += 1
        if self.delay_s:
            time.sleep(self.delay_s)
        self._since_reset = 0

    def close(self) -> None:
        """Nothing to release."""


@dataclass(frozen=True)
class ReplayFrame:
    """A frame of :class:`ReplaySource`: a blank image at ``t_s``."""

    t_s: float
    image: Image


class ReplaySource(ClosedOnExit):
    """A :class:`~spinecoach.session.ports.FrameSource` of blank images at a recording's times.

    Parameters
    ----------
    seq
        The recording whose timestamps the frames carry.
    image_size
        ``(width, height)`` of the blank images.  Small by default (fast); pass
        ``(seq.width, seq.height)`` to get full-size frames, e.g. to write an annotated video.
        ``width`` / ``height`` report this size.
    """

    def __init__(self, seq: PoseSequence, *, image_size: tuple[int, int] = (32, 18)) -> None:
        width, height = image_size
        if width <= 0 or height <= 0:
            raise ValueError(f"image_size must be positive, got {image_size}")
        self._seq = seq
        self._image: Image = np.zeros((height, width, 3), dtype=np.uint8)
        self._image.flags.writeable = False
        self._closed = False

    @property
    def fps(self) -> float:
        """Average frame rate of the recording (30 for recordings of fewer than 2 frames)."""
        times = self._seq.t_s
        if len(times) < 2 or times[-1] <= times[0]:
            return 30.0
        return float((len(times) - 1) / (times[-1] - times[0]))

    @property
    def frame_count(self) -> int:
        """Number of frames in the recording."""
        return len(self._seq)

    @property
    def width(self) -> int:
        """Width of the blank images."""
        return int(self._image.shape[1])

    @property
    def height(self) -> int:
        """Height of the blank images."""
        return int(self._image.shape[0])

    def __iter__(self) -> Iterator[ReplayFrame]:
        """Yield one blank (read-only) frame per recorded time."""
        if self._closed:
            raise RuntimeError("ReplaySource is closed")
        for t_s in self._seq.t_s:
            yield ReplayFrame(float(t_s), self._image)

    def close(self) -> None:
        """Mark the source as closed."""
        self._closed = True

