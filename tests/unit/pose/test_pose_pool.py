"""The parallel pose pipeline with the probe fake: order, chunks, integrity, errors, cleanup."""

from __future__ import annotations

import functools
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from spinecoach.errors import PoseWorkerError, UnreadableVideoError
from spinecoach.pose.pool import PosePool
from spinecoach.pose.replay import ProbeEstimator
from spinecoach.pose.shared_frames import FrameSlots
from spinecoach.pose.stream import STRAIGHT, Chunking, stream_video_poses

MakeVideo = Callable[..., Path]
CHUNK = 8
CHUNKING = Chunking(frames=CHUNK, overlap=0)


@pytest.fixture(scope="module")
def pool() -> PosePool:
    with PosePool(2, estimator_factory=ProbeEstimator, warm=(False, True)) as running:
        yield running


def _poses(path: Path, **kwargs: object) -> list:
    options = {"chunking": CHUNKING, **kwargs}
    with stream_video_poses(path, estimator_factory=ProbeEstimator,
                            **options) as stream:  # type: ignore[arg-type]
        return list(stream)


def _same(a: list, b: list) -> bool:
    return (len(a) == len(b) and all(p.t_s == q.t_s for p, q in zip(a, b, strict=True))
            and all(np.array_equal(p.landmarks, q.landmarks) for p, q in zip(a, b, strict=True)))


def _shm_names() -> set[str]:
    return set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()


def test_two_workers_give_the_one_process_poses_in_order(make_video: MakeVideo, pool) -> None:
    path = make_video("bars.mp4", 45)
    alone = _poses(path)
    shared = _poses(path, pool=pool)
    assert len(alone) == 45 and _same(alone, shared)
    assert [p.t_s for p in shared] == sorted(p.t_s for p in shared)


def test_each_chunk_starts_from_a_reset(make_video: MakeVideo, pool) -> None:
    poses = _poses(make_video("bars.mp4", 30), pool=pool)
    since_reset = [int(p.landmarks[0, 2]) for p in poses]
    assert since_reset == [i % CHUNK for i in range(30)]


@pytest.mark.parametrize("overlap", [1, 3])
def test_chunks_but_the_first_start_with_overlap_frames(make_video: MakeVideo, pool,
                                                        overlap: int) -> None:
    path = make_video("bars.mp4", 30)
    chunking = Chunking(frames=CHUNK, overlap=overlap)
    shared = _poses(path, pool=pool, chunking=chunking)
    since_reset = [int(p.landmarks[0, 2]) for p in shared]
    assert since_reset == [i if i < CHUNK else i % CHUNK + overlap for i in range(30)]
    assert _same(_poses(path, chunking=chunking), shared)


def test_balanced_chunks_are_equal_and_the_same_for_any_number_of_workers(
        make_video: MakeVideo, pool) -> None:
    """35 frames in chunks of at most 8 are 6 chunks of 6 (the last 5), not 8 + 8 + 8 + 8 + 3:
    the smallest even count of chunks, of equal size."""
    balanced = Chunking(frames=CHUNK, overlap=0, balanced=True)
    path = make_video("bars.mp4", 35)
    shared = _poses(path, pool=pool, chunking=balanced)
    since_reset = [int(p.landmarks[0, 2]) for p in shared]
    assert since_reset == [i % 6 for i in range(35)]
    assert _same(_poses(path, chunking=balanced), shared)


def test_balanced_sizes() -> None:
    balanced = Chunking(frames=128, overlap=1, balanced=True)
    assert balanced.sized_for(443) == Chunking(frames=111, overlap=1)  # 4 x 111, not 128 + 59
    assert balanced.sized_for(150) == Chunking(frames=75, overlap=1)
    assert balanced.sized_for(256) == Chunking(frames=128, overlap=1)
    assert balanced.sized_for(257) == Chunking(frames=65, overlap=1)
    for short_or_unknown in (1, 128, None):  # one chunk, or the fixed size
        assert balanced.sized_for(short_or_unknown) == Chunking(frames=128, overlap=1)
    assert Chunking(frames=128).sized_for(443) == Chunking(frames=128)
    assert STRAIGHT.sized_for(443) == STRAIGHT


def test_pixels_arrive_intact(make_video: MakeVideo, pool) -> None:
    from spinecoach.pose.video import open_video

    path = make_video("bars.mp4", 12, width=96, height=64)
    probe = ProbeEstimator()
    with open_video(path) as source:
        direct = []
        for i, frame in enumerate(source):
            if i % CHUNK == 0:
                probe.reset_tracking()
            direct.append(probe.estimate(frame.image, frame.t_s))
    assert _same(direct, _poses(path, pool=pool))


def test_masks_come_back(make_video: MakeVideo, pool) -> None:
    path = make_video("bars.mp4", 10)
    alone = _poses(path, segmentation=True)
    shared = _poses(path, pool=pool, segmentation=True)
    assert all(p.mask is not None and np.array_equal(p.mask, q.mask)
               for p, q in zip(alone, shared, strict=True))


def test_sampling_is_the_same_as_analyze(make_video: MakeVideo, pool) -> None:
    path = make_video("bars.mp4", 30)
    shared = _poses(path, pool=pool, max_fps=10)
    assert len(shared) == 10 and _same(_poses(path, max_fps=10), shared)


def test_large_frames_are_shrunk_before_they_travel(make_video: MakeVideo, pool) -> None:
    shared = _poses(make_video("wide.mp4", 3, width=1600, height=160), pool=pool,
                    segmentation=True)
    assert {(p.width, p.height) for p in shared} == {(1600, 160)}  # the picture's own size
    assert {p.mask.shape for p in shared} == {(32, 320)}  # the probe saw it at 1280x128


def test_jobs_share_the_pool_at_once(make_video: MakeVideo, pool) -> None:
    paths = [make_video(f"bars{i}.mp4", 20 + 5 * i) for i in range(3)]
    expected = [_poses(p) for p in paths]
    results: dict[int, list] = {}

    def run(i: int) -> None:
        results[i] = _poses(paths[i], pool=pool)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(_same(expected[i], results[i]) for i in range(3))


def test_stopping_early_frees_everything(make_video: MakeVideo, pool) -> None:
    path = make_video("bars.mp4", 60)
    with stream_video_poses(path, pool=pool, chunking=CHUNKING) as stream:
        for i, _ in enumerate(stream):
            if i == 0:
                assert stream._job is not None
                name = stream._job._slots.name  # this stream's shared memory
                assert name in _shm_names()
            if i == 3:
                break
    assert name not in _shm_names()  # (tests running in parallel make and free their own)
    assert len(_poses(path, pool=pool)) == 60  # the pool still works


def test_a_worker_error_reaches_the_consumer(make_video: MakeVideo) -> None:
    factory = functools.partial(ProbeEstimator, fail_at=3)
    with PosePool(1, estimator_factory=factory) as failing:
        with pytest.raises(ValueError, match="fails on call 3"):
            _poses(make_video("bars.mp4", 10), pool=failing)


def test_a_dead_worker_fails_the_job_instead_of_hanging(make_video: MakeVideo) -> None:
    path = make_video("bars.mp4", 200, width=320, height=240)
    with PosePool(2, estimator_factory=ProbeEstimator) as doomed:
        doomed.start()
        with pytest.raises(PoseWorkerError, match="stopped unexpectedly"):
            with stream_video_poses(path, pool=doomed, chunking=CHUNKING) as stream:
                for i, _ in enumerate(stream):
                    if i == 5:
                        os.kill(doomed.pids[1] or 0, signal.SIGKILL)
        assert doomed.broken
        with pytest.raises(PoseWorkerError):
            _poses(path, pool=doomed)


def test_a_closed_pool_refuses_work(make_video: MakeVideo) -> None:
    closed = PosePool(1, estimator_factory=ProbeEstimator)
    closed.close()
    with pytest.raises(PoseWorkerError, match="closed"):
        _poses(make_video("bars.mp4", 3), pool=closed)


def test_bad_arguments_are_refused(make_video: MakeVideo, pool) -> None:
    path = make_video("bars.mp4", 3)
    with pytest.raises(ValueError, match="workers"):
        stream_video_poses(path, workers=0)
    with pytest.raises(ValueError, match="one process"):
        stream_video_poses(path, pool=pool, chunking=STRAIGHT)
    with pytest.raises(ValueError, match="at least 1 worker"):
        PosePool(0)
    with pytest.raises(UnreadableVideoError):
        stream_video_poses(path.with_name("missing.mp4"), pool=pool)


def test_straight_tracking_never_resets(make_video: MakeVideo) -> None:
    with stream_video_poses(make_video("bars.mp4", 20), chunking=STRAIGHT,
                            estimator_factory=ProbeEstimator) as stream:
        poses = list(stream)
    assert [int(p.landmarks[0, 2]) for p in poses] == list(range(20))


def test_frame_slots_block_until_released() -> None:
    slots = FrameSlots(2, 12)
    image = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    try:
        first, second = slots.put(image), slots.put(image)
        assert {first, second} == {0, 1}
        stop = threading.Event()
        stop.set()
        assert slots.put(image, stop) is None  # full, and told to stop
        slots.release(first)  # type: ignore[arg-type]
        assert slots.put(image) == first
        with pytest.raises(UnreadableVideoError, match="size changes"):
            slots.put(np.zeros((8, 8, 3), np.uint8))
    finally:
        slots.close()


def test_shared_memory_that_is_short_limits_the_slots(make_video: MakeVideo, pool,
                                                      monkeypatch) -> None:
    import spinecoach.pose.shared_frames as shared_frames

    class Tiny:
        f_bavail, f_frsize = 4, 4096  # 16 kB free: half of it holds 4 slots of 64x48 RGB

    assert shared_frames.slots_that_fit(100, 64 * 48 * 3) > 4  # this machine
    monkeypatch.setattr(shared_frames.os, "statvfs", lambda _: Tiny())
    assert shared_frames.slots_that_fit(100, 1000) == 8
    with pytest.raises(PoseWorkerError, match="not enough shared memory"):
        _poses(make_video("bars.mp4", 5), pool=pool)


def test_progress_counts_a_later_chunks_frames_while_an_earlier_one_is_yielded(
        make_video: MakeVideo) -> None:
    # Issue 9: an upload's progress bar stood still while the second worker estimated the
    # next chunk, then jumped by a chunk.  The stream counts every frame whose pose is back.
    slow = functools.partial(ProbeEstimator, delay_s=0.02)
    path = make_video("bars.mp4", 40)
    with PosePool(2, estimator_factory=slow) as two, stream_video_poses(
            path, pool=two, chunking=Chunking(frames=20, overlap=0),
            estimator_factory=ProbeEstimator) as stream:
        seen = [(i, stream.frames_estimated) for i, _ in enumerate(stream)]
    counts = [n for _, n in seen]
    assert counts == sorted(counts) and counts[-1] == 40
    assert all(n >= i + 1 for i, n in seen)
    # the first chunk's last frame: the second chunk, estimated meanwhile, mostly counted
    assert seen[19][1] >= 26, seen[19]


def test_a_one_chunk_file_gets_only_the_pipelines_slots(make_video: MakeVideo, pool) -> None:
    pipeline = 2 * pool.workers + 2
    short = make_video("short.mp4", CHUNK)  # one chunk: nothing to decode ahead for
    long = make_video("long.mp4", 3 * CHUNK)
    for path, slots in ((short, pipeline), (long, CHUNK + pipeline)):
        with stream_video_poses(path, pool=pool, chunking=CHUNKING) as stream:
            poses = list(stream)
            assert stream._job is not None
            assert stream._job._slots.count == slots
        assert len(poses) == (CHUNK if path is short else 3 * CHUNK)
