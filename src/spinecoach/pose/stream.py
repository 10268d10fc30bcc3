"""A video file as an ordered stream of poses, with pose estimation on one or every core.

:func:`stream_video_poses` decodes a file once (PyAV, in a thread of this process) and yields
one :class:`~spinecoach.domain.pose.PoseFrame` per analysed frame, in order, with the frame's
real timestamp (and the segmentation mask when asked).  Pose estimation runs either here
(``workers=1``) or on a :class:`~spinecoach.pose.pool.PosePool` of worker processes.

Chunks and BlazePose's tracking
-------------------------------
In video mode BlazePose crops each frame around the region of interest found in the previous
frame, so frame *n* depends on frame *n - 1* and a video cannot simply be split between
processes.  Here the analysed frames are cut into chunks (:class:`Chunking`: at most 128
frames, 8.5 s at the default 15 fps, in an even number of equal chunks so two workers share
a file evenly).  At the start of every chunk but the first the estimator
forgets its track (:meth:`~spinecoach.pose.mediapipe_estimator.MediaPipeEstimator.
reset_tracking`), re-detects the person on the frame *before* the chunk (an overlap of one
frame whose pose is dropped: a pose found from a fresh detection is the one that differs most
from tracked ones) and tracks from there.  Each chunk is then independent of the others, so
chunks can go to different workers, and because the one-process path does exactly the same,
the landmarks are bit-for-bit the same whatever the number of workers (a test checks it).

Why long chunks: a chunk start costs about three inferences (the reset's blank frame, the
detector, the overlap frame), and from a re-detect on, the poses differ from those of
tracking straight through the file by about a pixel (median; the error against the truth of
rendered clips is the same either way, see BENCHMARKS.md) -- enough to move a tracker that
sits on a threshold.  With 128 frames a clip up to 8.5 s is one chunk, analysed exactly as
before, and longer ones see a re-detect at most every 8.5 s.  The price is memory and granularity:
a chunk's frames wait decoded (up to ~350 MB for 720p and larger) while another worker
starts the next, and a clip shorter than two chunks cannot use two workers.
:data:`STRAIGHT` tracks straight through (one process only).
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from spinecoach.domain.pose import PoseFrame
from spinecoach.errors import PoseWorkerError
from spinecoach.pose.mediapipe_estimator import DEFAULT_MAX_SIDE_PX, shrink_image, shrunk_size
from spinecoach.pose.pool import ChunkEstimator, PoolJob, PosePool
from spinecoach.pose.prefetch import Prefetched
from spinecoach.pose.shared_frames import slots_that_fit
from spinecoach.pose.video import VideoFileSource, open_video
from spinecoach.session.ports import ClosedOnExit, Image

__all__ = [
    "DEFAULT_CHUNKING",
    "STRAIGHT",
    "Chunking",
    "PoseStream",
    "StreamTimings",
    "stream_video_poses",
]

InProcessFactory = Callable[[bool], ChunkEstimator]
_T = TypeVar("_T")
_SHM_DIR_TEXT = "/dev/shm"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chunking:
    """How a video's analysed frames are cut into independent chunks (module docstring).

    Attributes
    ----------
    frames
        Analysed frames per chunk; 0 makes the whole file one chunk (tracking straight
        through, which only one process can do).
    overlap
        Frames before each chunk (but the first) estimated after the re-detect and dropped.
    balanced
        Cut a file longer than ``frames`` into an even number of chunks of equal size (at
        most ``frames`` each; :meth:`sized_for`), so that two workers get the same share.
        Fixed chunks left the last one short: 443 frames as 128 + 128 + 128 + 59 gave one
        worker 256 frames and the other 187, and the file took as long as the 256.

    Raises
    ------
    ValueError
        If a value is negative, or ``overlap`` is not smaller than ``frames``.
    """

    frames: int = 128
    overlap: int = 1
    balanced: bool = False

    def __post_init__(self) -> None:
        """Check the values."""
        if self.frames < 0 or self.overlap < 0:
            raise ValueError(f"chunk frames and overlap must be 0 or more, got {self}")
        if self.frames and self.overlap >= self.frames:
            raise ValueError(f"the overlap must be shorter than a chunk, got {self}")

    @property
    def straight(self) -> bool:
        """True when the file is one chunk."""
        return self.frames == 0

    def starts(self, index: int) -> bool:
        """True if analysed frame ``index`` starts a chunk."""
        return self.frames > 0 and index % self.frames == 0

    def sized_for(self, expected: int | None) -> Chunking:
        """The fixed chunking for a file of about ``expected`` analysed frames.

        Without ``balanced``, or for a file of at most ``frames`` frames (one chunk) or of
        unknown length, the chunks are ``frames`` long.  Otherwise the file is cut into the
        smallest even number of equal chunks of at most ``frames``.  The size depends on the
        file alone, never on the number of workers, so the landmarks stay the same whatever
        the number of workers.
        """
        fixed = Chunking(frames=self.frames, overlap=self.overlap)
        if not self.balanced or self.straight or expected is None or expected <= self.frames:
            return fixed
        count = 2 * math.ceil(expected / (2 * self.frames))
        return Chunking(frames=max(self.overlap + 1, math.ceil(expected / count)),
                        overlap=self.overlap)


DEFAULT_CHUNKING = Chunking(balanced=True)
STRAIGHT = Chunking(frames=0, overlap=0)


def _mediapipe_in_process(segmentation: bool) -> ChunkEstimator:
    from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator

    return MediaPipeEstimator(segmentation=segmentation)


@dataclass
class StreamTimings:
    """Where a stream's time went, in seconds (for benchmarks and the report)."""

    decode_s: float = 0.0
    pose_s: float = 0.0
    frames: int = 0


class PoseStream(ClosedOnExit):
    """The ordered poses of one video file; create with :func:`stream_video_poses`.

    Iterate it once.  Close it (or use it as a context manager) to release the file, the
    shared memory and, if the stream started its own pool, the worker processes.

    Attributes
    ----------
    source
        The open video (``info``, ``fps`` delivered, ``width``, ``height``).
    workers
        Processes estimating poses: 1 means this process.
    chunking
        How the frames are cut into chunks.
    timings
        Decoding and pose seconds so far (pose seconds are summed over the workers).
    last_image
        With ``keep_images``, the RGB picture of the pose yielded last; else None.
    """

    def __init__(
        self,
        source: VideoFileSource,
        *,
        segmentation: bool,
        chunking: Chunking,
        pool: PosePool | None,
        own_pool: bool,
        keep_images: bool,
        estimator_factory: InProcessFactory,
    ) -> None:
        self.source = source
        self.segmentation = segmentation
        self.chunking = chunking.sized_for(self.expected_frames)
        self.workers = pool.workers if pool is not None else 1
        self.timings = StreamTimings()
        self.last_image: Image | None = None
        self._pool = pool
        self._own_pool = own_pool
        self._keep_images = keep_images
        self._factory = estimator_factory
        self._images: dict[int, Image] = {}
        self._job: PoolJob | None = None

    @property
    def expected_frames(self) -> int | None:
        """About how many frames will be analysed (for progress), or None if unknown."""
        info = self.source.info
        if info.frame_count is None:
            return None
        if info.fps <= 0:
            return info.frame_count
        return max(1, round(info.frame_count * min(1.0, self.source.fps / info.fps)))

    @property
    def frames_estimated(self) -> int:
        """Frames whose pose is known so far, yielded or not: with a pool, a later chunk's
        frames are estimated while an earlier one is still being yielded, so progress
        counted from the yielded frames alone would stand still, then jump a chunk."""
        job = self._job
        return max(self.timings.frames, job.estimated if job is not None else 0)

    def __iter__(self) -> Iterator[PoseFrame]:
        """Yield the poses in order (see the module docstring)."""
        poses = self._in_process() if self._pool is None else self._pooled(self._pool)
        for pose in poses:
            self.timings.frames += 1
            yield pose

    def close(self) -> None:
        """Release the file and, if owned, the pool (idempotent)."""
        self.source.close()
        if self._own_pool and self._pool is not None:
            self._pool.close()

    # -- one process -------------------------------------------------------------------
    def _in_process(self) -> Iterator[PoseFrame]:
        estimator = self._factory(self.segmentation)
        frames = Prefetched(self.source)
        recent: deque[tuple[Image, float]] = deque(maxlen=self.chunking.overlap or 1)
        try:
            for index, frame in enumerate(frames):
                start = time.perf_counter()
                if self.chunking.starts(index):
                    estimator.reset_tracking()
                    for image, t_s in _last(recent, self.chunking.overlap):
                        estimator.estimate(image, t_s)  # overlap: re-detect, then drop
                pose = estimator.estimate(frame.image, frame.t_s)
                self.timings.pose_s += time.perf_counter() - start
                recent.append((frame.image, frame.t_s))
                self.last_image = frame.image if self._keep_images else None
                yield pose
        finally:
            self.timings.decode_s = frames.decode_s
            estimator.close()

    # -- a pool of worker processes ----------------------------------------------------
    def _pooled(self, pool: PosePool) -> Iterator[PoseFrame]:
        width, height = shrunk_size(self.source.width, self.source.height, DEFAULT_MAX_SIDE_PX)
        job = pool.open_job(segmentation=self.segmentation, frame_bytes=width * height * 3,
                            slots=self._slot_count(pool, width * height * 3))
        self._job = job
        feeder = threading.Thread(target=self._feed, args=(job,), name="decode", daemon=True)
        feeder.start()
        try:
            for index in itertools.count():
                pose = job.take(index)
                if pose is None:
                    return
                self.last_image = self._images.pop(index, None)
                yield pose
        finally:
            job.stop()
            feeder.join()
            self.timings.pose_s = job.pool_s
            job.close()

    def _slot_count(self, pool: PosePool, frame_bytes: int) -> int:
        """Slots for a chunk waiting decoded while the next starts, if shared memory allows.

        Fewer slots only cost parallelism (a worker waits for the decoder to reach its chunk).
        A file of one chunk has no next chunk to start: a few slots keep its worker fed, and
        each slot touched for the first time costs page faults (a 720p frame is 2.7 MB), so
        the decoder no longer runs a whole chunk ahead into fresh memory.
        """
        pipeline = 2 * pool.workers + 2
        expected = self.expected_frames
        one_chunk = expected is not None and expected <= self.chunking.frames
        wanted = pipeline if one_chunk else self.chunking.frames + pipeline
        fit = slots_that_fit(wanted, frame_bytes)
        if fit < pipeline:
            raise PoseWorkerError(
                f"not enough shared memory for the pose workers ({_SHM_DIR_TEXT} is nearly "
                "full or small); run with --workers 1"
            )
        if fit < wanted:
            _log.warning("shared memory allows %d of %d frame slots: parallel pose will "
                         "wait for the decoder", fit, wanted)
        return fit

    def _feed(self, job: PoolJob) -> None:
        """Decoding thread: send every frame to the pool, chunk by chunk."""
        frames = iter(self.source)
        recent: deque[_Sent] = deque(maxlen=self.chunking.overlap or 1)
        try:
            for index in itertools.count():
                start = time.perf_counter()
                frame = next(frames, None)
                if frame is None:
                    job.finish(index)
                    return
                image = shrink_image(frame.image, DEFAULT_MAX_SIDE_PX)
                self.timings.decode_s += time.perf_counter() - start
                full = None if image is frame.image else (self.source.width, self.source.height)
                if self._keep_images:
                    self._images[index] = frame.image
                sent = _Sent(index, image, frame.t_s, full)
                if not self._send_frame(job, sent, recent):
                    return
                recent.append(sent)
        except Exception as exc:  # noqa: BLE001 - handed to the consumer, re-raised there
            job.fail(exc)

    def _send_frame(self, job: PoolJob, sent: _Sent, recent: deque[_Sent]) -> bool:
        """Send one frame, preceded at a chunk start by the overlap frames; False to stop."""
        new_chunk = self.chunking.starts(sent.index)
        if new_chunk:
            for earlier in _last(recent, self.chunking.overlap):
                if not job.send(-1, earlier.image, earlier.t_s, full_size=earlier.full_size,
                                new_chunk=new_chunk):
                    return False
                new_chunk = False
        return job.send(sent.index, sent.image, sent.t_s, full_size=sent.full_size,
                        new_chunk=new_chunk)


def _last(items: deque[_T], n: int) -> list[_T]:
    """The last ``n`` items (none for ``n == 0``)."""
    return list(items)[-n:] if n > 0 else []


@dataclass(frozen=True)
class _Sent:
    """A frame as sent to the pool (kept for the next chunk's overlap)."""

    index: int
    image: Image
    t_s: float
    full_size: tuple[int, int] | None


def stream_video_poses(
    path: str | Path,
    *,
    max_fps: float | None = None,
    segmentation: bool = False,
    workers: int = 1,
    pool: PosePool | None = None,
    chunking: Chunking = DEFAULT_CHUNKING,
    keep_images: bool = False,
    estimator_factory: InProcessFactory = _mediapipe_in_process,
) -> PoseStream:
    """Open a video and return its ordered pose stream (see the module docstring).

    Parameters
    ----------
    path
        The video file.
    max_fps
        Analyse at most this many frames per second (None: every frame), as ``open_video``.
    segmentation
        Also estimate the person's segmentation mask (``PoseFrame.mask``).
    workers
        Pose worker processes to start for this stream when no ``pool`` is given; 1 estimates
        in this process.
    pool
        A running pool to use (its size wins over ``workers``); it is not closed here.
    chunking
        How frames are cut into independent chunks; :data:`STRAIGHT` (no chunks) needs
        ``workers=1`` without a pool.
    keep_images
        Keep each frame's picture in :attr:`PoseStream.last_image` (for an annotated video).
    estimator_factory
        ``factory(segmentation)`` for the one-process path (default: BlazePose); a pool has
        its own.

    Returns
    -------
    PoseStream
        Iterate it for the poses; close it when done.

    Raises
    ------
    UnreadableVideoError
        If the file cannot be read (raised here, before any pose work).
    ValueError
        If ``workers`` < 1, or ``chunking`` is :data:`STRAIGHT` with several workers.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if chunking.straight and (pool is not None or workers > 1):
        raise ValueError("tracking straight through the file needs one process")
    own = pool is None and workers > 1
    # With pose in worker processes, decoding here competes with them for the cores.
    source = open_video(path, max_fps=max_fps, spare_cpu=own or pool is not None)
    try:
        if own:
            pool = PosePool(workers, warm=(segmentation,))
            pool.start()
    except BaseException:
        source.close()
        raise
    return PoseStream(source, segmentation=segmentation, chunking=chunking, pool=pool,
                      own_pool=own, keep_images=keep_images, estimator_factory=estimator_factory)
