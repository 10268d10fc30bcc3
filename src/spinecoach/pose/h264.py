"""H.264 video files that browsers play: the one encoder of annotated and rendered videos.

:class:`H264Writer` encodes RGB frames with libx264 (yuv420p, ``+faststart``) through PyAV.
Frames are timed by their ``t_s`` (millisecond time base), so a variable-frame-rate input keeps
its timing; a frame whose time does not advance is moved one millisecond on.  A constant-rate
file (a rendered clip, :mod:`spinecoach.synth.video`) is timed by frame number instead
(``constant_rate=True``: the time base is one frame), so its frame times are exact.  yuv420p
needs even sizes, so an odd width or height is cropped by a pixel, and a frame of another size
is resized to the writer's size.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from spinecoach.session.ports import ClosedOnExit, Image

_TIME_BASE = Fraction(1, 1000)


def _cv2() -> Any:
    """Import OpenCV lazily."""
    import cv2

    return cv2


class H264Writer(ClosedOnExit):
    """Write RGB frames to a browser-playable H.264 ``.mp4`` (libx264, yuv420p, faststart).

    Parameters
    ----------
    path
        Output file (overwritten).  The container follows the suffix; use ``.mp4``.
    fps
        Nominal frame rate (used for timing when a frame has no usable ``t_s``).
    width, height
        Frame size in pixels (odd values are rounded down to even).
    crf
        x264 constant rate factor (lower = better quality, bigger file; 23 is x264's default).
    preset
        x264 speed preset; ``"veryfast"`` keeps encoding well ahead of real time.
    constant_rate
        Time every frame by its number at ``fps`` (``t_s`` is ignored).
    container_format
        The container (default: from the suffix).

    Raises
    ------
    ValueError
        If ``fps`` or the size is not positive.
    """

    def __init__(
        self,
        path: str | Path,
        fps: float,
        width: int,
        height: int,
        *,
        crf: int = 23,
        preset: str = "veryfast",
        constant_rate: bool = False,
        container_format: str | None = None,
    ) -> None:
        if fps <= 0 or width < 2 or height < 2:
            raise ValueError(
                f"need fps > 0 and a size of at least 2x2, got {fps}, {width}x{height}"
            )
        import av

        self._av = av
        self.path = Path(path)
        self.fps = float(fps)
        self.width, self.height = width - width % 2, height - height % 2
        self._container: Any = av.open(str(self.path), mode="w", format=container_format,
                                       options={"movflags": "+faststart"})
        rate = Fraction(self.fps).limit_denominator(1001)
        stream = self._container.add_stream("libx264", rate=rate)
        stream.width, stream.height = self.width, self.height
        stream.pix_fmt = "yuv420p"
        self._time_base = 1 / rate if constant_rate else _TIME_BASE
        if not constant_rate:
            stream.time_base = _TIME_BASE
            stream.codec_context.time_base = _TIME_BASE
        self._constant_rate = constant_rate
        stream.options = {"crf": str(crf), "preset": preset}
        self._stream = stream
        self._last_pts = -1
        self.frames_written = 0

    def write_raw(self, image_rgb: Image, t_s: float | None = None) -> None:
        """Encode ``image_rgb`` as it is, at ``t_s`` (None: the next frame at ``fps``)."""
        if self._container is None:
            raise ValueError("the video writer is closed")
        frame = self._av.VideoFrame.from_ndarray(self._fit(image_rgb), format="rgb24")
        if self._constant_rate:
            pts = self.frames_written
        else:
            if t_s is None or not np.isfinite(t_s):
                t_s = self.frames_written / self.fps
            pts = max(round(t_s * 1000), self._last_pts + 1)
        frame.pts, frame.time_base = pts, self._time_base
        self._last_pts = pts
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames_written += 1

    def _fit(self, image: Image) -> Image:
        """Crop or resize ``image`` to the writer's size."""
        height, width = image.shape[:2]
        if (width, height) == (self.width, self.height):
            return image
        if (width - width % 2, height - height % 2) == (self.width, self.height):
            return np.ascontiguousarray(image[: self.height, : self.width])
        cv2 = _cv2()
        resized: Image = cv2.resize(image, (self.width, self.height), interpolation=cv2.INTER_AREA)
        return resized

    def close(self) -> None:
        """Flush the encoder and finish the file (idempotent)."""
        if self._container is None:
            return
        try:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
        finally:
            self._container.close()
            self._container = None

