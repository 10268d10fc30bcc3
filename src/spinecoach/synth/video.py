"""Video writers for synthetic clips, all through PyAV (no OpenCV needed).

- ``mp4``: H.264, yuv420p (plays in browsers), by the one H.264 writer,
  :class:`spinecoach.pose.h264.H264Writer`, timed by frame number;
- ``y4m``: raw YUV4MPEG2 4:2:0 (Chromium's ``--use-file-for-fake-video-capture``);
- ``mjpeg``: Motion-JPEG, in an AVI when the path ends in ``.avi``, else raw concatenated JPEGs.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

from spinecoach.errors import InputError

FORMATS = ("mp4", "y4m", "mjpeg")
DEFAULT_CRF = 20
U8 = NDArray[np.uint8]


def _rate(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)


def write_y4m(path: Path, frames: Iterable[U8], fps: float, width: int, height: int) -> int:
    """Write raw YUV4MPEG2 4:2:0; return the number of frames."""
    rate = _rate(fps)
    count = 0
    with path.open("wb") as fh:
        header = f"YUV4MPEG2 W{width} H{height} F{rate.numerator}:{rate.denominator}"
        fh.write(f"{header} Ip A1:1 C420jpeg\n".encode())
        for rgb in frames:
            yuv = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
            fh.write(b"FRAME\n")
            fh.write(np.ascontiguousarray(yuv.to_ndarray()).tobytes())
            count += 1
    return count


def write_encoded(
    path: Path,
    frames: Iterable[U8],
    fps: float,
    width: int,
    height: int,
    fmt: str,
    crf: int = DEFAULT_CRF,
) -> int:
    """Write H.264 mp4 (quality ``crf``) or Motion-JPEG through PyAV; return the frame count."""
    if fmt == "mp4":
        return _write_h264(path, frames, fps, width, height, crf)
    rate = _rate(fps)
    container = av.open(str(path), mode="w", format="avi" if path.suffix == ".avi" else "mjpeg")
    stream = container.add_stream("mjpeg", rate=rate)
    stream.pix_fmt = "yuvj420p"
    stream.width, stream.height = width, height
    count = 0
    try:
        for rgb in frames:
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = count
            frame.time_base = 1 / rate
            container.mux(stream.encode(frame))
            count += 1
        container.mux(stream.encode(None))
    finally:
        container.close()
    return count


def _write_h264(
    path: Path, frames: Iterable[U8], fps: float, width: int, height: int, crf: int
) -> int:
    from spinecoach.pose.h264 import H264Writer

    with H264Writer(path, fps, width, height, crf=int(crf), constant_rate=True,
                    container_format="mp4") as writer:
        for rgb in frames:
            writer.write_raw(rgb)
        return writer.frames_written


def write_video(
    path: Path,
    frames: Iterable[U8],
    fps: float,
    width: int,
    height: int,
    fmt: str,
    crf: int = DEFAULT_CRF,
) -> int:
    """Write ``frames`` (RGB uint8) to ``path`` in ``fmt``; return the number of frames.

    ``crf`` is the H.264 quality of ``mp4`` (lower = better; 18..34 is plausible).
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown video format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in ("mp4", "y4m") and (width % 2 or height % 2):
        raise InputError(f"{fmt} needs an even width and height, got {width}x{height}")
    if fmt == "y4m":
        return write_y4m(path, frames, fps, width, height)
    if not 0 <= crf <= 51:
        raise InputError(f"crf must be between 0 and 51, got {crf}")
    return write_encoded(path, frames, fps, width, height, fmt, crf)
