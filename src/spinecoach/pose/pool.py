"""Pose estimation on every core: worker processes, each with its own warm BlazePose graph.

BlazePose runs on one core (~20 ms a 720p frame); a :class:`PosePool` keeps one worker
process per core, each holding its estimators (one without and, when asked, one with the
segmentation mask) from one video to the next, so a batch of files or a queue of uploads pays
MediaPipe's start-up once per worker.

A video being analysed is a :class:`PoolJob`.  Its producer (a decoding thread, see
:mod:`spinecoach.pose.stream`) copies each frame into the job's shared-memory slots
(:mod:`spinecoach.pose.shared_frames`) and sends the slot number to one worker; the frames of
one *chunk* go to the same worker, which calls ``reset_tracking()`` on its estimator before
the chunk's first frame.  Results come back out of order and :meth:`PoolJob.take` hands them
out in order.  Because every chunk starts from a reset, a frame's pose does not depend on
which worker estimated it or on how many workers there are.

Several jobs may run at once (a batch, the web upload queue): their chunks share the workers.
A chunk goes to the worker with the fewest frames outstanding among those no other job is
sending a chunk to (the worker's pipe is first in, first out, so two jobs' chunks never mix
on one estimator's tracking state).  The worker side is :mod:`spinecoach.pose.pool_worker`.

Messages (tuples, pickled over one duplex pipe per worker)::

    parent -> worker   ("open", job, shm_name, slot_bytes, segmentation)
                       ("frame", job, index, slot, shape, t_s, reset, full_size)
                       ("close", job)            None = exit
    worker -> parent   ("pose", job, index, slot, PoseFrame or None, seconds)
                       ("error", job, index, slot, exception)
                       ("fatal", exception)      the worker could not start

Workers ignore Ctrl-C (the parent decides) and exit when the parent's end of the pipe closes.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import threading
from collections.abc import Iterable
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any

from spinecoach.domain.pose import PoseFrame
from spinecoach.errors import PoseWorkerError
from spinecoach.pose.pool_worker import (
    ChunkEstimator,
    EstimatorFactory,
    mediapipe_factory,
    worker_main,
)
from spinecoach.pose.shared_frames import FrameSlots
from spinecoach.session.ports import ClosedOnExit, Image

__all__ = [
    "ChunkEstimator",
    "EstimatorFactory",
    "PoolJob",
    "PosePool",
    "available_cores",
    "mediapipe_factory",
]

_log = logging.getLogger(__name__)
_STOP_TIMEOUT_S = 5.0


def available_cores() -> int:
    """Number of CPU cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class PoolJob:
    """One video's frames on a :class:`PosePool`; create with :meth:`PosePool.open_job`.

    The producer calls :meth:`send` per frame (indices 0, 1, 2, ... in order) and then
    :meth:`finish` (or :meth:`fail`); the consumer calls :meth:`take` for each index in order.
    """

    def __init__(self, pool: PosePool, job_id: int, slots: FrameSlots, segmentation: bool):
        self.id = job_id
        self.pool_s = 0.0
        self._pool = pool
        self._slots = slots
        self._segmentation = segmentation
        self._stop = threading.Event()
        self._cond = threading.Condition()
        self._results: dict[int, PoseFrame] = {}
        self.estimated = 0  # frames whose pose is back (taken or waiting), for progress
        self._error: BaseException | None = None
        self._total: int | None = None
        self._opened: set[int] = set()
        self._worker = -1
        self._lease_lock = threading.Lock()

    def send(
        self,
        index: int,
        image: Image,
        t_s: float,
        *,
        new_chunk: bool,
        full_size: tuple[int, int] | None = None,
    ) -> bool:
        """Queue frame ``index`` for estimation; False if the job is stopping.

        A negative ``index`` is an overlap frame: estimated (for the tracking) but not kept.

        ``new_chunk`` starts a chunk: it goes to the least busy worker that no other job is
        sending a chunk to, waiting for one if need be, and the worker resets its tracking
        first; the chunk's later frames follow it to the same worker.  Blocks while all the
        job's slots are in use.
        """
        if new_chunk:
            self._end_chunk()
        slot = self._slots.put(image, self._stop)
        if slot is None:
            return False
        worker = self._worker_for_chunk()
        if worker is None:
            self._slots.release(slot)
            return False
        if worker not in self._opened:
            self._opened.add(worker)
            self._pool._send(worker, ("open", self.id, self._slots.name, self._slots.slot_bytes,
                                      self._segmentation))
        message = ("frame", self.id, index, slot, image.shape, t_s, new_chunk, full_size)
        self._pool._send(worker, message, frames=1)
        return True

    def finish(self, total: int) -> None:
        """Say that ``total`` frames were sent (the producer is done)."""
        self._end_chunk()
        with self._cond:
            self._total = total
            self._cond.notify_all()

    def stop(self) -> None:
        """Ask the producer to stop sending (the consumer wants no more frames)."""
        self._stop.set()
        self._end_chunk()

    def fail(self, error: BaseException) -> None:
        """End the job with ``error``, raised by the next :meth:`take` (first error wins)."""
        with self._cond:
            if self._error is None:
                self._error = error
            self._stop.set()
            self._cond.notify_all()
        self._end_chunk()

    def _worker_for_chunk(self) -> int | None:
        """The worker of the current chunk, leased from the pool at its first frame."""
        with self._lease_lock:
            if self._worker < 0 and not self._stop.is_set():
                self._worker = self._pool._lease(self._stop)
            return self._worker if self._worker >= 0 else None

    def _end_chunk(self) -> None:
        """Hand the chunk's worker back: every frame of the chunk has been sent to it.

        The worker's pipe is first in, first out, so the next job's chunk (which starts with a
        reset) cannot mix with this one's frames.
        """
        with self._lease_lock:
            if self._worker >= 0:
                self._pool._unlease(self._worker)
                self._worker = -1

    def take(self, index: int) -> PoseFrame | None:
        """Wait for and return frame ``index``'s pose; None after the last frame.

        Raises
        ------
        Exception
            Whatever failed: the producer's error, a worker's, or :class:`PoseWorkerError`.
        """
        with self._cond:
            while True:
                if index in self._results:
                    return self._results.pop(index)
                if self._error is not None:
                    raise self._error
                if self._total is not None and index >= self._total:
                    return None
                self._cond.wait()

    def close(self) -> None:
        """Stop the job and free its shared memory (idempotent)."""
        self._stop.set()
        self._pool._forget(self)
        for worker in self._opened:
            self._pool._send(worker, ("close", self.id), quiet=True)
        self._opened.clear()
        self._slots.close()

    # -- called by the pool's collector thread ---------------------------------------
    def _deliver(self, index: int, slot: int, pose: PoseFrame | None, seconds: float) -> None:
        self._slots.release(slot)
        with self._cond:
            self.pool_s += seconds
            if pose is not None:
                self._results[index] = pose
                self.estimated += 1
                self._cond.notify_all()


class PosePool(ClosedOnExit):
    """Worker processes for pose estimation (see the module docstring).

    Workers start on first use; close the pool (or use it as a context manager) to stop them.

    Parameters
    ----------
    workers
        Number of worker processes; default :func:`available_cores`.
    estimator_factory
        ``factory(segmentation) -> estimator``, called in each worker; picklable (a module-level
        function or class).  Default: :func:`mediapipe_factory` (BlazePose).
    warm
        Segmentation settings whose estimators each worker builds as soon as it starts (the
        others are built on first use).
    start_method
        ``multiprocessing`` start method; default ``"forkserver"`` (safe in a threaded process
        such as the web server), or ``"spawn"`` where that is missing.

    Raises
    ------
    ValueError
        If ``workers`` is less than 1.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        estimator_factory: EstimatorFactory = mediapipe_factory,
        warm: Iterable[bool] = (False,),
        start_method: str | None = None,
    ) -> None:
        count = available_cores() if workers is None else workers
        if count < 1:
            raise ValueError(f"a pose pool needs at least 1 worker, got {count}")
        self.workers = count
        self._factory = estimator_factory
        self._warm = tuple(warm)
        self._start_method = start_method
        self._lock = threading.Lock()
        self._procs: list[BaseProcess] = []
        self._conns: list[Connection] = []
        self._send_locks: list[threading.Lock] = []
        self._outstanding: list[int] = []
        self._leased: list[bool] = []
        self._lease_cond = threading.Condition(self._lock)
        self._jobs: dict[int, PoolJob] = {}
        self._ids = itertools.count(1)
        self._broken: BaseException | None = None
        self._collector: threading.Thread | None = None
        self._closed = False

    @property
    def pids(self) -> list[int | None]:
        """Process ids of the workers (empty before :meth:`start`)."""
        return [proc.pid for proc in self._procs]

    @property
    def broken(self) -> bool:
        """True once a worker has failed or the pool is closed: it takes no more jobs."""
        return self._broken is not None or self._closed

    def start(self) -> None:
        """Start the worker processes now (otherwise the first job does).

        Raises
        ------
        PoseWorkerError
            If the pool is closed or a worker has failed.
        """
        with self._lock:
            if self._closed:
                raise PoseWorkerError("the pose pool is closed")
            if self._broken is not None:
                raise self._broken
            if self._procs:
                return
            ctx = _context(self._start_method)
            for _ in range(self.workers):
                self._spawn(ctx)
            self._collector = threading.Thread(target=self._collect, name="pose-results",
                                               daemon=True)
            self._collector.start()

    def open_job(self, *, segmentation: bool, frame_bytes: int, slots: int) -> PoolJob:
        """Start a job whose frames are at most ``frame_bytes`` each, with ``slots`` slots.

        Raises
        ------
        PoseWorkerError
            If the pool is closed or a worker has failed.
        """
        self.start()
        frames = FrameSlots(slots, frame_bytes)
        job = PoolJob(self, next(self._ids), frames, segmentation)
        with self._lock:
            self._jobs[job.id] = job
        return job

    def close(self) -> None:
        """Stop the workers (idempotent); running jobs fail."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            jobs = list(self._jobs.values())
        for job in jobs:
            job.fail(PoseWorkerError("the pose pool was closed"))
        for index in range(len(self._conns)):
            self._send(index, None, quiet=True)
        for proc in self._procs:
            proc.join(timeout=_STOP_TIMEOUT_S)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=_STOP_TIMEOUT_S)
        if self._collector is not None:
            self._collector.join(timeout=_STOP_TIMEOUT_S)
        for conn in self._conns:
            conn.close()

    # -- internals ---------------------------------------------------------------------
    def _spawn(self, ctx: BaseContext) -> None:
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(  # type: ignore[attr-defined]
            target=worker_main, args=(child, self._factory, self._warm),
            name=f"spinecoach-pose-{len(self._procs) + 1}", daemon=True,
        )
        proc.start()
        child.close()
        self._procs.append(proc)
        self._conns.append(parent)
        self._send_locks.append(threading.Lock())
        self._outstanding.append(0)
        self._leased.append(False)

    def _lease(self, stop: threading.Event) -> int:
        """Reserve the least busy worker no job is sending a chunk to; -1 if ``stop`` is set."""
        with self._lease_cond:
            while True:
                if self._broken is not None:
                    raise self._broken
                free = [w for w in range(self.workers) if not self._leased[w]]
                if free:
                    worker = min(free, key=self._outstanding.__getitem__)
                    self._leased[worker] = True
                    return worker
                if stop.is_set():
                    return -1
                self._lease_cond.wait(timeout=0.1)

    def _unlease(self, worker: int) -> None:
        with self._lease_cond:
            self._leased[worker] = False
            self._lease_cond.notify_all()

    def _send(self, worker: int, message: object, *, frames: int = 0, quiet: bool = False) -> None:
        try:
            with self._send_locks[worker]:
                if frames:
                    with self._lock:
                        self._outstanding[worker] += frames
                self._conns[worker].send(message)
        except (OSError, ValueError) as exc:
            if not quiet:
                self._worker_gone(worker, f"cannot be reached ({exc})")
                raise self._broken or exc from exc

    def _forget(self, job: PoolJob) -> None:
        with self._lock:
            self._jobs.pop(job.id, None)

    def _collect(self) -> None:
        """Collector thread: route every worker's results to their jobs."""
        live = {conn: index for index, conn in enumerate(self._conns)}
        while live:
            for conn in wait(list(live)):
                assert isinstance(conn, Connection)
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    self._worker_gone(live.pop(conn))
                    continue
                self._route(live[conn], message)

    def _route(self, worker: int, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "fatal":
            self._break(message[1])
            return
        job_id, index, slot = message[1], message[2], message[3]
        with self._lock:
            self._outstanding[worker] -= 1
            job = self._jobs.get(job_id)
        if job is None:
            return  # a closed job's last frames
        if kind == "pose":
            job._deliver(index, slot, message[4], message[5])
        else:
            job.fail(message[4])
            job._slots.release(slot)

    def _worker_gone(self, worker: int, why: str = "") -> None:
        if self._closed:
            return
        proc = self._procs[worker]
        proc.join(timeout=0.5)  # a dead worker's pipe may break before its exit is seen
        if proc.exitcode is not None or not why:
            why = f"stopped unexpectedly (exit code {proc.exitcode})"
        self._break(PoseWorkerError(f"pose worker {worker + 1} {why}"))

    def _break(self, error: BaseException) -> None:
        with self._lock:
            if self._broken is None:
                self._broken = error
            jobs = list(self._jobs.values())
        if not self._closed:
            _log.error("pose pool failed: %s", error)
        for job in jobs:
            job.fail(self._broken or error)


def _context(start_method: str | None) -> BaseContext:
    """The multiprocessing context for the workers (see :class:`PosePool`)."""
    if start_method is not None:
        return multiprocessing.get_context(start_method)
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        with contextlib.suppress(ValueError):
            # The server imports these once; workers forked from it start with them loaded
            # (the main module too, which a worker would otherwise import again).
            ctx.set_forkserver_preload(["__main__", "spinecoach.pose.pool_worker"])
        return ctx
    return multiprocessing.get_context("spawn")

