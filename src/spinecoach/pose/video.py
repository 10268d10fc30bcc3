"""Video files as a :class:`~spinecoach.session.ports.FrameSource`, decoded with PyAV.

Why PyAV and not ``cv2.VideoCapture``: PyAV gives each frame its real presentation time
(``pts * time_base``), so variable-frame-rate phone recordings are timed right, it decodes
with FFmpeg's frame threads, and its errors are typed, so every failure can become a one-line
:class:`~spinecoach.errors.UnreadableVideoError` instead of a traceback.

Timestamps start at 0 on the first decoded frame.  A frame whose presentation time is not
later than the previous one (a duplicate in a broken file) is dropped with a log line, so
``t_s`` always increases, as :class:`~spinecoach.session.ports.PoseEstimator` requires.
The display-matrix rotation of phone recordings is applied to the pixels, and ``width`` /
``height`` are those of the upright picture.

A file that is corrupt half-way yields every frame decoded before the damage, logs a warning
and stops; :attr:`VideoFileSource.truncated` then reports it.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from spinecoach.errors import UnreadableVideoError
from spinecoach.session.ports import ClosedOnExit, Image

__all__ = ["VideoFrame", "VideoInfo", "VideoFileSource", "open_video", "probe_video",
           "read_header"]

_log = logging.getLogger(__name__)

# With ``spare_cpu`` (pose in worker processes on the same cores): FFmpeg's decoder threads
# cost more CPU than one thread (H.264 here: 720p30 1.3 against 0.9 ms a frame, 1080p60 2.55
# against 2.2) and swscale's threads about twice the CPU of one for the RGB conversion, CPU
# the workers need.  On two cores threads only pay once decoding on one thread takes longer
# than the pose work of the same stretch of video (~0.3 s a second at the default 15 fps):
# one thread decodes about a pixel a nanosecond, so above 4K at 30 fps.  Without
# ``spare_cpu`` (pose in this process) the threads stay: there decoding overlaps the pose on
# the other core, and one decoding thread made the one-process analysis of a 720p clip about
# 10 % slower.
_THREADED_DECODE_MIN_PIXELS_PER_S = 3840 * 2160 * 30


@dataclass(frozen=True)
class VideoFrame:
    """One decoded frame: RGB uint8 ``image`` (H, W, 3) shown at ``t_s`` seconds."""

    t_s: float
    image: Image


@dataclass(frozen=True)
class VideoInfo:
    """Metadata of a video file, read without decoding it.

    Attributes
    ----------
    path
        The file.
    width, height
        Pixel size of the upright picture (after the rotation metadata is applied).
    fps
        Average frame rate (frames per second); an estimate for variable-frame-rate files.
    frame_count
        Number of frames as recorded in the container, or None when it does not say.
    duration_s
        Duration in seconds, or None when unknown.
    codec
        Codec name, e.g. ``"h264"``.
    rotation_deg
        Counter-clockwise rotation applied to the decoded pixels (0, 90, 180 or 270).
    """

    path: Path
    width: int
    height: int
    fps: float
    frame_count: int | None
    duration_s: float | None
    codec: str
    rotation_deg: int


def _av() -> Any:
    """Import PyAV lazily (it loads the FFmpeg libraries)."""
    import av

    return av


def _check_path(path: Path) -> None:
    """Raise :class:`UnreadableVideoError` for a missing, non-regular or empty file."""
    if not path.exists():
        raise UnreadableVideoError(f"{path}: no such file")
    if not path.is_file():
        raise UnreadableVideoError(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise UnreadableVideoError(f"{path}: the file is empty")


def _open_container(path: Path) -> tuple[Any, Any]:
    """Open ``path`` and return ``(container, video_stream)`` or raise a one-line error."""
    av = _av()
    _check_path(path)
    try:
        container = av.open(str(path), mode="r")
    except av.FFmpegError as exc:
        raise UnreadableVideoError(f"{path}: not a readable video ({_reason(exc)})") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UnreadableVideoError(f"{path}: cannot be opened ({exc})") from exc
    if not container.streams.video:
        container.close()
        raise UnreadableVideoError(f"{path}: the file has no video stream")
    stream = container.streams.video[0]
    if stream.codec_context is None or stream.codec_context.name is None:
        container.close()
        raise UnreadableVideoError(f"{path}: unsupported video codec")
    return container, stream


def _reason(exc: BaseException) -> str:
    """Return FFmpeg's short error text without the file name and error number."""
    strerror = getattr(exc, "strerror", None)
    return str(strerror) if strerror else type(exc).__name__


def _info_from(path: Path, stream: Any) -> VideoInfo:
    """Build :class:`VideoInfo` from an open stream (size before rotation)."""
    ctx = stream.codec_context
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    fps = float(rate) if rate else 0.0
    frame_count = int(stream.frames) if stream.frames else None
    duration_s: float | None = None
    if stream.duration is not None and stream.time_base is not None:
        duration_s = float(stream.duration * stream.time_base)
    elif stream.container.duration is not None:
        duration_s = stream.container.duration / 1_000_000
    if fps <= 0.0 and frame_count and duration_s:
        fps = frame_count / duration_s
    return VideoInfo(
        path, int(ctx.width), int(ctx.height), fps, frame_count, duration_s, str(ctx.name), 0
    )


def _frame_rotation_deg(frame: Any) -> int:
    """Counter-clockwise rotation (0/90/180/270) that makes ``frame`` upright."""
    try:
        rotation = int(frame.rotation)
    except (AttributeError, TypeError, ValueError):
        return 0
    return round(rotation / 90) % 4 * 90


class VideoFileSource(ClosedOnExit):
    """A video file as a frame source (see the module docstring).

    Use :func:`open_video` to create one.  Iterating decodes the file from the start; it can
    be iterated more than once.  It is also a context manager.
    """

    def __init__(
        self, path: str | Path, *, threaded: bool = True, max_fps: float | None = None,
        spare_cpu: bool = False,
    ) -> None:
        if max_fps is not None and not max_fps > 0:
            raise ValueError(f"max_fps must be positive, got {max_fps}")
        self._path = Path(path)
        self._threaded = threaded
        self._spare_cpu = spare_cpu
        self._one_thread = False  # decode and convert on one thread (set by _open)
        self._max_fps = max_fps
        self._container: Any = None
        self._truncated = False
        self._first: VideoFrame | None = None
        self._rotation_deg = 0
        container, stream = self._open()
        self._container = container
        self._info = _info_from(self._path, stream)
        frames = self._decode(container, stream)
        self._first = next(frames, None)
        if self._first is None:
            self.close()
            raise UnreadableVideoError(f"{self._path}: the video holds no decodable frames")
        self._pending: Iterator[VideoFrame] | None = frames
        height, width = self._first.image.shape[:2]
        self._info = replace(
            self._info, width=width, height=height, rotation_deg=self._rotation_deg
        )

    # -- FrameSource -------------------------------------------------------------------
    @property
    def info(self) -> VideoInfo:
        """All the metadata of the file."""
        return self._info

    @property
    def fps(self) -> float:
        """Average frame rate delivered (the file's, or at most ``max_fps`` when thinning)."""
        if self._thinning:
            assert self._max_fps is not None
            return min(self._info.fps, self._max_fps)
        return self._info.fps

    @property
    def frame_count(self) -> int | None:
        """Frame count recorded in the container; None if unknown or when thinning."""
        return None if self._thinning else self._info.frame_count

    @property
    def _thinning(self) -> bool:
        """True when ``max_fps`` drops frames from this file."""
        return self._max_fps is not None and self._info.fps > self._max_fps * 1.01

    @property
    def width(self) -> int:
        """Upright frame width in pixels."""
        return self._info.width

    @property
    def height(self) -> int:
        """Upright frame height in pixels."""
        return self._info.height

    @property
    def truncated(self) -> bool:
        """True if the last iteration stopped early (damaged data or a truncated file)."""
        return self._truncated

    def __iter__(self) -> Iterator[VideoFrame]:
        """Yield the frames in presentation order with ``t_s`` from 0."""
        if self._first is not None and self._pending is not None:
            first, pending = self._first, self._pending
            self._first, self._pending = None, None
            yield first
            yield from pending
            return
        self.close()
        container, stream = self._open()
        self._container = container
        yield from self._decode(container, stream)

    def close(self) -> None:
        """Release the file."""
        if self._container is not None:
            self._container.close()
            self._container = None
        self._first, self._pending = None, None


    # -- internals ---------------------------------------------------------------------
    def _open(self) -> tuple[Any, Any]:
        container, stream = _open_container(self._path)
        info = _info_from(self._path, stream)
        large = info.width * info.height * info.fps > _THREADED_DECODE_MIN_PIXELS_PER_S
        self._one_thread = self._spare_cpu and not large
        if self._one_thread:
            stream.codec_context.thread_count = 1
        elif self._threaded:
            stream.thread_type = "AUTO"
        return container, stream

    def _decode(self, container: Any, stream: Any) -> Iterator[VideoFrame]:
        """Decode ``stream`` and yield upright RGB frames; stop cleanly on damage."""
        av = _av()
        self._truncated = False
        time_base: Fraction | None = stream.time_base
        origin_pts: int | None = None
        last_t_s = -np.inf
        keep = _Thinner(self._max_fps, self._info.fps)
        index = 0
        # H.264 only: there NONREF means no frame at all refers to it; elsewhere (HEVC's
        # temporal layers) a "non-reference" picture may still be referred to.
        skip = (_SkipDropped(keep, time_base)
                if self._thinning and stream.codec_context.name == "h264" else None)
        frames = _decoded(container, stream, skip, lambda: origin_pts)
        while True:
            try:
                frame = next(frames)
            except StopIteration:
                # Frames the decoder skipped on purpose were in the file: count them.
                self._check_complete(index + (skip.skipped if skip else 0), last_t_s)
                return
            except (av.FFmpegError, ValueError) as exc:
                self._truncated = True
                _log.warning(
                    "%s: damaged data after %d frames (%s); keeping the frames decoded so far",
                    self._path,
                    index,
                    _reason(exc),
                )
                return
            if skip is not None:
                skip.came_out(frame.pts)
            if index == 0:
                self._rotation_deg = _frame_rotation_deg(frame)
            t_s, origin_pts = self._time_of(frame, time_base, origin_pts, index)
            if t_s <= last_t_s:
                _log.info("%s: dropped a frame with a repeated timestamp %.3f s", self._path, t_s)
                continue
            last_t_s = t_s
            index += 1
            if keep(t_s):
                yield VideoFrame(t_s, self._to_rgb(frame))

    def _check_complete(self, n_frames: int, last_t_s: float) -> None:
        """Warn (and set :attr:`truncated`) when the file ended before its stated length."""
        expected = self._info.frame_count
        duration_s = self._info.duration_s
        fps = self._info.fps or 30.0
        if expected is not None and n_frames < expected - 1:
            reason = f"{n_frames} of {expected} frames"
        elif duration_s is not None and last_t_s < duration_s - max(0.5, 3.0 / fps):
            reason = f"{last_t_s:.2f} s of {duration_s:.2f} s"
        else:
            return
        self._truncated = True
        _log.warning(
            "%s: the video ended early (%s decoded); the file may be truncated or damaged; "
            "keeping the frames decoded so far",
            self._path,
            reason,
        )

    def _time_of(
        self, frame: Any, time_base: Fraction | None, origin_pts: int | None, index: int
    ) -> tuple[float, int | None]:
        """Return the frame's ``t_s`` from the first frame, and the (maybe new) origin pts."""
        if frame.pts is None or time_base is None:
            fps = self._info.fps or 30.0
            return index / fps, origin_pts
        if origin_pts is None:
            origin_pts = int(frame.pts)
        return float((int(frame.pts) - origin_pts) * time_base), origin_pts

    def _to_rgb(self, frame: Any) -> Image:
        """Convert to an upright RGB uint8 array.

        With ``spare_cpu`` on one thread: the same pixels as swscale's automatic threads at
        half the CPU (0.53 against 0.99 ms a 720p frame here).
        """
        if self._one_thread:
            image: Image = frame.reformat(format="rgb24", threads=1).to_ndarray()
        else:
            image = frame.to_ndarray(format="rgb24")
        if self._rotation_deg:
            image = np.ascontiguousarray(np.rot90(image, k=self._rotation_deg // 90))
        return image


def _decoded(container: Any, stream: Any, skip: _SkipDropped | None,
             origin_pts: Callable[[], int | None]) -> Iterator[Any]:
    """Decode ``stream`` packet by packet; with ``skip``, tell the decoder before each packet
    whether it may discard the frame (see :class:`_SkipDropped`)."""
    if skip is None:
        yield from container.decode(stream)
        return
    ctx = stream.codec_context
    for packet in container.demux(stream):
        ctx.skip_frame = "NONREF" if skip.droppable(packet.pts, origin_pts()) else "DEFAULT"
        yield from packet.decode()


class _SkipDropped:
    """Which packets hold a frame the thinner will drop, so the decoder need not make it.

    Thinning a 30 fps file to 15 fps drops every other frame after decoding it, and decoding
    is most of what this process spends beside the pose workers.  FFmpeg can skip a frame
    no other frame is predicted from (``skip_frame = NONREF``: most B-frames; a file without
    B-frames skips nothing), so a packet is marked droppable only when the frame in it is
    one :class:`_Thinner` drops: it keeps a frame when a point of its grid falls after the
    previous frame (plus tolerance) and not after this one (plus tolerance).  Packets come in
    decoding order, so "the previous frame" is the latest earlier timestamp among the
    packets seen so far, which is the true previous frame or an earlier one: the test is
    never less cautious than the thinner.  The frames delivered are the same as without
    skipping (a test checks it); only their decoding is saved.  One exception: in a damaged
    file where the decoder loses a frame without an error, the frame after it may be
    judged against the lost one and skipped too (the thinner then takes the next frame).
    """

    _SEEN = 64  # packet timestamps kept (far more than any B-frame run)
    _EPS_S = 1e-6

    def __init__(self, thinner: _Thinner, time_base: Fraction | None) -> None:
        self._step_s = thinner.step_s
        self._tolerance_s = thinner.tolerance_s
        self._time_base = time_base
        self._seen: list[int] = []
        self._marked: set[int] = set()  # pts of packets marked droppable, not yet seen decoded

    @property
    def skipped(self) -> int:
        """Frames marked droppable that the decoder did skip (none came out with their pts)."""
        return len(self._marked)

    def came_out(self, pts: int | None) -> None:
        """A frame with ``pts`` was decoded (a reference frame marked droppable is still made)."""
        if pts is not None:
            self._marked.discard(int(pts))

    def droppable(self, pts: int | None, origin_pts: int | None) -> bool:
        """True if the frame of a packet with ``pts`` will surely be dropped."""
        if pts is None or origin_pts is None or self._time_base is None or self._step_s <= 0:
            return False
        pts = int(pts)
        at = bisect.bisect_left(self._seen, pts)
        previous = self._seen[at - 1] if at > 0 else None
        bisect.insort(self._seen, pts)
        if len(self._seen) > self._SEEN:
            del self._seen[0]
        if previous is None or previous < origin_pts:
            return False
        t_s = float((pts - origin_pts) * self._time_base)
        t_prev_s = float((previous - origin_pts) * self._time_base)
        last_grid = math.floor((t_s + self._tolerance_s + self._EPS_S) / self._step_s)
        if last_grid * self._step_s > t_prev_s + self._tolerance_s - self._EPS_S:
            return False
        self._marked.add(pts)
        return True


class _Thinner:
    """Decide which frames to keep so that at most ``max_fps`` are delivered.

    Frames are kept on a regular grid of ``1 / max_fps`` seconds (with a quarter-frame
    tolerance), so a 25 fps file thinned to 15 fps delivers 15 fps on average, not 12.5.
    """

    def __init__(self, max_fps: float | None, file_fps: float) -> None:
        self.step_s = 0.0 if max_fps is None else 1.0 / max_fps
        self.tolerance_s = 0.25 / file_fps if file_fps > 0 else 0.0
        self._next_s = -np.inf

    def __call__(self, t_s: float) -> bool:
        """True if the frame at ``t_s`` is kept."""
        if self.step_s == 0.0:
            return True
        if t_s < self._next_s - self.tolerance_s:
            return False
        if self._next_s == -np.inf:
            self._next_s = t_s
        while self._next_s <= t_s + self.tolerance_s:
            self._next_s += self.step_s
        return True


def open_video(
    path: str | Path, *, threaded: bool = True, max_fps: float | None = None,
    spare_cpu: bool = False,
) -> VideoFileSource:
    """Open a video file for decoding.

    The first frame is decoded straight away, so a file that cannot be read fails here and
    not half-way through an analysis.

    Parameters
    ----------
    path
        The video file (any container and codec FFmpeg can read).
    threaded
        Decode with FFmpeg's frame and slice threads (faster; on by default).
    spare_cpu
        Other processes on the same cores need the CPU (pose workers): decode and convert
        on one thread, unless the video is above 4K at 30 fps, where one thread would not
        keep up.
    max_fps
        Deliver at most this many frames per second (every frame is still decoded, but the
        dropped ones are never converted or analysed).  Pose analysis costs ~15-20 ms a
        frame, so analysing a 60 fps phone clip at 30 fps halves the time; timestamps stay
        the frames' real ones.  ``frame_count`` is None while thinning.

    Returns
    -------
    VideoFileSource
        The open source; close it (or use it as a context manager) when done.

    Raises
    ------
    UnreadableVideoError
        If the file is missing, empty, not a video, unsupported, or holds no frames.
    """
    return VideoFileSource(path, threaded=threaded, max_fps=max_fps, spare_cpu=spare_cpu)


def read_header(path: str | Path) -> VideoInfo:
    """A video's metadata from its header alone (nothing decoded: about a millisecond).

    ``width`` and ``height`` are before any rotation, and ``rotation_deg`` is 0; use
    :func:`probe_video` for the upright size.  Meant for estimates such as the order of a
    batch.

    Raises
    ------
    UnreadableVideoError
        If the file cannot be opened as a video.
    """
    container, stream = _open_container(Path(path))
    try:
        return _info_from(Path(path), stream)
    finally:
        container.close()


def probe_video(path: str | Path) -> VideoInfo:
    """Read a video's metadata.

    Only the first frame is decoded (to learn the upright size from the rotation metadata
    and to prove the file decodes).

    Parameters
    ----------
    path
        The video file.

    Returns
    -------
    VideoInfo
        Size, average fps, frame count (None if the container does not record it), etc.

    Raises
    ------
    UnreadableVideoError
        If the file is missing, empty, not a video, unsupported, or holds no frames.
    """
    with VideoFileSource(path, threaded=False) as source:
        return source.info
