"""A video file as an ordered stream of poses, with pose estimation on one or every core.

:func:`stream_video_poses` decodes a file once (PyAV, in a thread of this process) and yields
one :class:`~spinecoach.domain.pose.PoseFrame` per analysed frame, in order, with the frame's
real timestamp (and the segmentation mask when asked).  Pose estimation runs either here
(``workers=1``) or on a :class:`~spinecoach.pose.pool.PosePool` of worker processes.

Chunks and BlazePose's tracking
-------------------------------
In video mode BlazePose crops each frame around the region of interest found in the previous
frame, so frame *n* depends on frame *n - 1* and a video cannot simply be split between
processes.  Here the analysed frames are cut into chunks of ``chunk_frames`` (32 by default,
about 2 s at 15 fps) and the estimator re-detects the person at the start of every chunk
(:meth:`~spinecoach.pose.mediapipe_estimator.MediaPipeEstimator.reset_tracking`); within a
chunk it tracks as usual.  Each chunk is then independent of the others, so chunks can go to
different workers, and -- because the one-process path resets at the same frames -- the
landmarks are bit-for-bit the same whatever the number of workers (a test checks it).  A
re-detect costs about two inferences per chunk.  Compared with tracking straight through the
file, the poses differ by a few pixels after each re-detect; ``bench/speed.py`` measures it
on rendered clips with exact truth, and the golden-clip reports do not change (see
BENCHMARKS.md).  ``chunk_frames=0`` tracks straight through (one process only).
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from spinecoach.domain.pose import PoseFrame
from spinecoach.pose.mediapipe_estimator import DEFAULT_MAX_SIDE_PX, shrink_image, shrunk_size
from spinecoach.pose.pool import ChunkEstimator, PoolJob, PosePool
from spinecoach.pose.video import VideoFileSource, open_video
from spinecoach.session.ports import Frame, FrameSource, Image

__all__ = [
    "DEFAULT_CHUNK_FRAMES",
    "PoseStream",
    "Prefetched",
    "StreamTimings",
    "stream_video_poses",
]

DEFAULT_CHUNK_FRAMES = 32
InProcessFactory = Callable[[bool], ChunkEstimator]


def _mediapipe_in_process(segmentation: bool) -> ChunkEstimator:
    from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator

    return MediaPipeEstimator(segmentation=segmentation)


@dataclass
class StreamTimings:
    """Where a stream's time went, in seconds (for benchmarks and the report)."""

    decode_s: float = 0.0
    pose_s: float = 0.0
    frames: int = 0


class PoseStream:
    """The ordered poses of one video file; create with :func:`stream_video_poses`.

    Iterate it once.  Close it (or use it as a context manager) to release the file, the
    shared memory and, if the stream started its own pool, the worker processes.

    Attributes
    ----------
    source
        The open video (``info``, ``fps`` delivered, ``width``, ``height``).
    workers
        Processes estimating poses: 1 means this process.
    chunk_frames
        Analysed frames between re-detections (0: never).
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
        chunk_frames: int,
        pool: PosePool | None,
        own_pool: bool,
        keep_images: bool,
        estimator_factory: InProcessFactory,
    ) -> None:
        self.source = source
        self.segmentation = segmentation
        self.chunk_frames = chunk_frames
        self.workers = pool.workers if pool is not None else 1
        self.timings = StreamTimings()
        self.last_image: Image | None = None
        self._pool = pool
        self._own_pool = own_pool
        self._keep_images = keep_images
        self._factory = estimator_factory
        self._images: dict[int, Image] = {}

    @property
    def expected_frames(self) -> int | None:
        """About how many frames will be analysed (for progress), or None if unknown."""
        info = self.source.info
        if info.frame_count is None:
            return None
        if info.fps <= 0:
            return info.frame_count
        return max(1, round(info.frame_count * min(1.0, self.source.fps / info.fps)))

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

    def __enter__(self) -> PoseStream:
        """Enter the context: the stream itself."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the stream."""
        self.close()

    # -- one process -------------------------------------------------------------------
    def _in_process(self) -> Iterator[PoseFrame]:
        estimator = self._factory(self.segmentation)
        frames = Prefetched(self.source)
        try:
            for index, frame in enumerate(frames):
                if self.chunk_frames and index % self.chunk_frames == 0:
                    estimator.reset_tracking()
                start = time.perf_counter()
                pose = estimator.estimate(frame.image, frame.t_s)
                self.timings.pose_s += time.perf_counter() - start
                self.last_image = frame.image if self._keep_images else None
                yield pose
        finally:
            self.timings.decode_s = frames.decode_s
            estimator.close()

    # -- a pool of worker processes ----------------------------------------------------
    def _pooled(self, pool: PosePool) -> Iterator[PoseFrame]:
        width, height = shrunk_size(self.source.width, self.source.height, DEFAULT_MAX_SIDE_PX)
        job = pool.open_job(segmentation=self.segmentation, frame_bytes=width * height * 3,
                            slots=2 * self.chunk_frames + 2 * pool.workers)
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

    def _feed(self, job: PoolJob) -> None:
        """Decoding thread: send every frame to the pool, chunk by chunk."""
        frames = iter(self.source)
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
                if not job.send(index, image, frame.t_s, full_size=full,
                                new_chunk=index % self.chunk_frames == 0):
                    return
        except Exception as exc:  # noqa: BLE001 - handed to the consumer, re-raised there
            job.fail(exc)


def stream_video_poses(
    path: str | Path,
    *,
    max_fps: float | None = None,
    segmentation: bool = False,
    workers: int = 1,
    pool: PosePool | None = None,
    chunk_frames: int = DEFAULT_CHUNK_FRAMES,
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
    chunk_frames
        Re-detect the person every this many analysed frames; 0 tracks straight through and
        needs ``workers=1`` without a pool.
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
        If ``workers`` < 1, ``chunk_frames`` < 0, or ``chunk_frames`` is 0 with several
        workers.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if chunk_frames < 0:
        raise ValueError(f"chunk_frames must be 0 or more, got {chunk_frames}")
    parallel = pool is not None or workers > 1
    if chunk_frames == 0 and parallel:
        raise ValueError("tracking straight through (chunk_frames=0) needs one process")
    source = open_video(path, max_fps=max_fps)
    own = pool is None and workers > 1
    try:
        if own:
            pool = PosePool(workers, warm=(segmentation,))
            pool.start()
    except BaseException:
        source.close()
        raise
    return PoseStream(source, segmentation=segmentation, chunk_frames=chunk_frames, pool=pool,
                      own_pool=own, keep_images=keep_images, estimator_factory=estimator_factory)


class Prefetched:
    """Wrap a ``FrameSource`` so frames are decoded one step ahead in a background thread.

    On a 2-core machine this overlaps video decoding with pose inference.  Errors raised by
    the decoder are re-raised in the consumer; a consumer that stops early stops the thread.
    :attr:`decode_s` sums the time spent decoding.
    """

    def __init__(self, source: FrameSource, depth: int = 4) -> None:
        """Wrap ``source``; at most ``depth`` decoded frames wait in memory."""
        self._source = source
        self._depth = depth
        self.fps, self.frame_count = source.fps, source.frame_count
        self.width, self.height = source.width, source.height
        self.decode_s = 0.0

    def __iter__(self) -> Iterator[Frame]:
        """Yield the source's frames, decoded ahead."""
        items: queue.Queue[object] = queue.Queue(maxsize=self._depth)
        stop = threading.Event()
        done = object()
        worker = threading.Thread(target=self._produce, args=(items, stop, done),
                                  name="decode", daemon=True)
        worker.start()
        try:
            while (item := items.get()) is not done:
                if isinstance(item, Exception):
                    raise item
                yield item  # type: ignore[misc]
        finally:
            stop.set()
            worker.join(timeout=5)

    def _produce(self, items: queue.Queue[object], stop: threading.Event, done: object) -> None:
        try:
            frames = iter(self._source)
            while True:
                start = time.perf_counter()
                frame = next(frames, done)
                self.decode_s += time.perf_counter() - start
                if not _put(items, frame, stop) or frame is done:
                    return
        except Exception as exc:  # noqa: BLE001 - handed to the consumer, re-raised there
            _put(items, exc, stop)

    def close(self) -> None:
        """Close the wrapped source."""
        self._source.close()


def _put(items: queue.Queue[object], item: object, stop: threading.Event) -> bool:
    """Put ``item`` unless ``stop`` is set first; True if it was put."""
    while not stop.is_set():
        try:
            items.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
