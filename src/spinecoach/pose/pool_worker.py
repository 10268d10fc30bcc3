"""The worker process of :mod:`spinecoach.pose.pool`: warm estimators serving frames.

A worker builds its estimators once (one without and, on demand, one with the segmentation
mask), maps each job's shared memory when the job opens, and answers every ``frame`` message
with the pose of the frame in the given slot, in the order the messages came.  The message
formats are in :mod:`spinecoach.pose.pool`.
"""

from __future__ import annotations

import pickle
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Protocol

from spinecoach.domain.pose import PoseFrame
from spinecoach.errors import PoseWorkerError
from spinecoach.pose.shared_frames import AttachedSlots
from spinecoach.session.ports import Image

__all__ = ["ChunkEstimator", "EstimatorFactory", "mediapipe_factory", "worker_main"]


class ChunkEstimator(Protocol):
    """A pose estimator that can forget its tracking state (what a pool worker needs)."""

    def estimate(
        self, image: Image, t_s: float, *, full_size: tuple[int, int] | None = None
    ) -> PoseFrame:
        """Return the pose in ``image`` (see :class:`MediaPipeEstimator`)."""

    def reset_tracking(self) -> None:
        """Make the next frame independent of the previous ones."""

    def close(self) -> None:
        """Release the model."""


EstimatorFactory = Callable[[bool], ChunkEstimator]


def mediapipe_factory(segmentation: bool) -> ChunkEstimator:
    """Build the BlazePose estimator of a worker process (lean MediaPipe import)."""
    from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator

    return MediaPipeEstimator(segmentation=segmentation, lean_import=True)


def _picklable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a :class:`PoseWorkerError` with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except (pickle.PicklingError, TypeError, AttributeError):
        return PoseWorkerError(f"pose worker: {type(exc).__name__}: {exc}")
    return exc


class _Worker:
    """The state of one worker process: its estimators and the jobs' shared memory."""

    def __init__(self, conn: Connection, factory: EstimatorFactory) -> None:
        self.conn = conn
        self.factory = factory
        self.estimators: dict[bool, ChunkEstimator] = {}
        self.jobs: dict[int, tuple[AttachedSlots, bool]] = {}

    def estimator(self, segmentation: bool) -> ChunkEstimator:
        """The warm estimator for ``segmentation``, built on first use."""
        if segmentation not in self.estimators:
            self.estimators[segmentation] = self.factory(segmentation)
        return self.estimators[segmentation]

    def handle(self, message: tuple[Any, ...]) -> None:
        """Act on one message from the parent."""
        kind, job = message[0], message[1]
        if kind == "open":
            _, _, name, slot_bytes, segmentation = message
            self.jobs[job] = (AttachedSlots(name, slot_bytes), segmentation)
        elif kind == "frame":
            self.estimate(message)
        elif kind == "close":
            attached = self.jobs.pop(job, None)
            if attached is not None:
                attached[0].close()

    def estimate(self, message: tuple[Any, ...]) -> None:
        """Estimate one frame and send the result (or the error) back."""
        _, job, index, slot, shape, t_s, reset, full_size = message
        try:
            slots, segmentation = self.jobs[job]
            estimator = self.estimator(segmentation)
            if reset:
                estimator.reset_tracking()
            start = time.perf_counter()
            pose = estimator.estimate(slots.image(slot, shape), t_s, full_size=full_size)
            kept = pose if index >= 0 else None
            self.conn.send(("pose", job, index, slot, kept, time.perf_counter() - start))
        except Exception as exc:  # noqa: BLE001 - handed to the parent, re-raised there
            self.conn.send(("error", job, index, slot, _picklable(exc)))

    def close(self) -> None:
        """Release the estimators and the shared memory."""
        for attached, _ in self.jobs.values():
            attached.close()
        for estimator in self.estimators.values():
            estimator.close()


def worker_main(conn: Connection, factory: EstimatorFactory, warm: tuple[bool, ...]) -> None:
    """Entry point of a worker process: serve messages until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker = _Worker(conn, factory)
    try:
        for segmentation in warm:
            worker.estimator(segmentation)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("fatal", _picklable(exc)))
        return
    try:
        while (message := conn.recv()) is not None:
            worker.handle(message)
    except (EOFError, OSError):
        pass  # the parent has gone
    finally:
        worker.close()
