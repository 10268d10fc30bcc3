"""A webcam as a :class:`~spinecoach.session.ports.FrameSource`, read with OpenCV.

Timestamps come from a monotonic clock, in seconds since the first frame was delivered (so,
like a video file, the first frame is at ``t_s = 0``).  A camera that cannot be opened, or
that stops delivering frames (unplugged, taken by another application), raises
:class:`~spinecoach.errors.CameraError` with a message a user can act on; frames already
delivered are the caller's and are not affected.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from spinecoach.errors import CameraError
from spinecoach.session.ports import ClosedOnExit, Image

__all__ = ["WebcamFrame", "WebcamSource"]

_log = logging.getLogger(__name__)

DEFAULT_FPS = 30.0


@dataclass(frozen=True)
class WebcamFrame:
    """One captured frame: RGB uint8 ``image`` at ``t_s`` seconds after the first frame."""

    t_s: float
    image: Image


@contextlib.contextmanager
def _quiet_opencv() -> Iterator[Any]:
    """Import cv2 and silence its backend warnings while a camera is being opened."""
    import cv2

    logging_api = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging_api is None:
        yield cv2
        return
    old_level = logging_api.getLogLevel()
    logging_api.setLogLevel(logging_api.LOG_LEVEL_SILENT)
    try:
        yield cv2
    finally:
        logging_api.setLogLevel(old_level)


class WebcamSource(ClosedOnExit):
    """Frames from a local camera.

    Parameters
    ----------
    index
        OpenCV camera index (0 = the default camera).
    width, height
        Requested capture size in pixels; the camera may choose another (see :attr:`width`).
    max_failed_reads
        Consecutive failed reads after which the camera is declared gone.
    clock
        Monotonic seconds; injectable for tests.
    capture
        An already-open ``cv2.VideoCapture``-like object to use instead of opening ``index``
        (for tests and for callers that configure the capture themselves).

    Raises
    ------
    CameraError
        If the camera cannot be opened.
    """

    def __init__(
        self,
        index: int = 0,
        width: int = 640,
        height: int = 480,
        *,
        max_failed_reads: int = 10,
        clock: Callable[[], float] = time.monotonic,
        capture: Any = None,
    ) -> None:
        self._index = index
        self._clock = clock
        self._max_failed_reads = max(1, max_failed_reads)
        self._capture = capture if capture is not None else self._open(index, width, height)
        self._origin_s: float | None = None
        if not self._capture.isOpened():
            self.close()
            raise CameraError(self._cannot_open_message())
        self._width, self._height, self._fps = self._read_properties(width, height)

    def _open(self, index: int, width: int, height: int) -> Any:
        """Open camera ``index`` with OpenCV and request the capture size."""
        with _quiet_opencv() as cv2:
            capture = cv2.VideoCapture(index)
            if capture.isOpened():
                capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
                capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        return capture

    def _cannot_open_message(self) -> str:
        return (
            f"camera {self._index} cannot be opened: check that a camera is connected, that no "
            "other application is using it, and that this program may access it"
        )

    def _read_properties(self, width: int, height: int) -> tuple[int, int, float]:
        """Return the (width, height, fps) the camera actually delivers."""
        import cv2

        actual_width = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH) or width)
        actual_height = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT) or height)
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        if not np.isfinite(fps) or fps <= 0.0 or fps > 240.0:
            fps = DEFAULT_FPS
        return actual_width, actual_height, fps

    @property
    def fps(self) -> float:
        """Frame rate reported by the camera (30 when it does not say)."""
        return self._fps

    @property
    def frame_count(self) -> None:
        """Always None: a live camera has no known length."""
        return None

    @property
    def width(self) -> int:
        """Delivered frame width in pixels."""
        return self._width

    @property
    def height(self) -> int:
        """Delivered frame height in pixels."""
        return self._height

    def read(self) -> WebcamFrame:
        """Capture one frame.

        Raises
        ------
        CameraError
            If the camera is closed or delivered no frame ``max_failed_reads`` times running.
        """
        if self._capture is None:
            raise CameraError(f"camera {self._index} is closed")
        for _ in range(self._max_failed_reads):
            ok, bgr = self._capture.read()
            now_s = self._clock()
            if ok and bgr is not None and bgr.ndim == 3 and bgr.size:
                if self._origin_s is None:
                    self._origin_s = now_s
                rgb: Image = np.ascontiguousarray(bgr[:, :, 2::-1])
                return WebcamFrame(now_s - self._origin_s, rgb)
        raise CameraError(
            f"camera {self._index} stopped delivering frames (disconnected, or taken by "
            "another application); reconnect it and start again"
        )

    def __iter__(self) -> Iterator[WebcamFrame]:
        """Yield frames until closed; raises :class:`CameraError` if the camera disappears."""
        while self._capture is not None:
            yield self.read()

    def close(self) -> None:
        """Release the camera (idempotent)."""
        if self._capture is not None:
            self._capture.release()
            self._capture = None

