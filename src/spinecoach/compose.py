"""Composition root shared by the CLI and the web app: build adapters, run the core.

This is the one place outside ``cli`` and ``web`` that constructs adapters (video decoding,
MediaPipe, landmark files, the annotated-video writer); both front ends call it so the
command line and the browser run exactly the same engine.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinecoach.domain.exercises import get_exercise
from spinecoach.domain.pose import PoseFrame
from spinecoach.errors import SpinecoachError
from spinecoach.pose import LANDMARK_SUFFIXES, VIDEO_SUFFIXES
from spinecoach.session.analysis import AnalysisRun, Progress, analyze_poses
from spinecoach.session.analysis_report import RunInfo, SourceInfo
from spinecoach.session.ports import Image, PoseEstimator
from spinecoach.tracking.state import FrameState

if TYPE_CHECKING:
    from spinecoach.pose.pool import ChunkEstimator, PosePool
    from spinecoach.pose.stream import Chunking, PoseStream

__all__ = ["LANDMARK_SUFFIXES", "VIDEO_SUFFIXES", "FileResult", "FileTask", "analyze_file",
           "analyze_files", "default_estimator", "default_workers", "estimate_file_poses",
           "expected_work", "needs_mask", "report_summary", "start_pose_pool"]

# Video analysis samples at most this many frames per second.  The four exercises are slow
# (a heel tap takes ~2 s, holds last seconds), so 15 fps keeps hold edges within 1/15 s while
# halving the pose-model cost of a 30 fps file; BENCHMARKS.md measures both settings.
DEFAULT_MAX_FPS = 15.0
EstimatorFactory = Callable[[bool], PoseEstimator]
ChunkEstimatorFactory = Callable[[bool], "ChunkEstimator"]
FrameHook = Callable[[Image | None, PoseFrame, FrameState], None]


def needs_mask(exercise_id: str) -> bool:
    """True when the exercise's tracker uses the segmentation mask (the lumbar-arch proxy)."""
    return any(f.code == "lumbar_arch" for f in get_exercise(exercise_id).faults)


def default_estimator(segmentation: bool) -> PoseEstimator:
    """Build the MediaPipe BlazePose estimator (imports MediaPipe lazily)."""
    from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator

    return MediaPipeEstimator(segmentation=segmentation)


def default_workers() -> int:
    """The default number of pose worker processes: the cores this process may use."""
    from spinecoach.pose.pool import available_cores

    return available_cores()


def start_pose_pool(workers: int | None = None, *, exercise_id: str | None = None) -> PosePool:
    """Start a pool of pose worker processes to share between analyses (close it when done).

    ``exercise_id`` warms the estimator that exercise needs (with or without the mask).
    """
    from spinecoach.pose.pool import PosePool

    segmentation = needs_mask(exercise_id) if exercise_id is not None else False
    pool = PosePool(workers or default_workers(), warm=(segmentation,))
    pool.start()
    return pool


def estimate_file_poses(
    path: str | Path,
    exercise_id: str | None = None,
    *,
    max_fps: float | None = DEFAULT_MAX_FPS,
    segmentation: bool | None = None,
    workers: int | None = None,
    pool: PosePool | None = None,
    keep_images: bool = False,
    chunking: Chunking | None = None,
    estimator_factory: ChunkEstimatorFactory | None = None,
) -> PoseStream:
    """The ordered landmark stream of a video, exactly as ``analyze`` sees it, without a tracker.

    Use it to cache landmarks: same decoding, the same ``--max-fps`` sampling, the same
    chunked BlazePose (see :mod:`spinecoach.pose.stream`) and so the same poses as
    :func:`analyze_file` with the same arguments, whatever ``workers`` is.

    Parameters
    ----------
    path
        A video file.
    exercise_id
        If given, masks are estimated when this exercise's tracker uses them.
    max_fps
        Analyse at most this many frames per second (None or 0: every frame).
    segmentation
        Force masks on or off (overrides ``exercise_id``); default off without an exercise.
    workers
        Pose worker processes (default: the cores available; 1 = in this process).
    pool
        A running :class:`~spinecoach.pose.pool.PosePool` to use instead (not closed here).
    keep_images
        Keep each frame's picture in ``stream.last_image`` while it is the current pose.
    chunking
        How the frames are cut into chunks that re-detect the person (default
        :data:`~spinecoach.pose.stream.DEFAULT_CHUNKING`); :data:`~spinecoach.pose.stream.
        STRAIGHT` tracks straight through the file, in one process only (to measure what the
        chunks change).
    estimator_factory
        The estimator for the one-process path (default BlazePose); a test seam.

    Returns
    -------
    PoseStream
        Iterate it for :class:`~spinecoach.domain.pose.PoseFrame` s (``t_s`` from 0, ``mask``
        when estimated) in order; ``stream.source.info`` describes the file.  Close it (or use
        ``with``).

    Raises
    ------
    UnreadableVideoError, UnknownExerciseError
        With a one-line message, before any pose work.
    """
    from spinecoach.pose.stream import stream_video_poses

    if segmentation is None:
        segmentation = needs_mask(exercise_id) if exercise_id is not None else False
    options: dict[str, Any] = {}
    if estimator_factory is not None:
        options["estimator_factory"] = estimator_factory
    if chunking is not None:
        options["chunking"] = chunking
    return stream_video_poses(
        path, max_fps=max_fps or None, segmentation=segmentation, keep_images=keep_images,
        workers=workers or default_workers(), pool=pool, **options,
    )


def analyze_file(
    path: str | Path,
    exercise_id: str,
    *,
    fps: float | None = None,
    keep_frames: bool = False,
    annotate_path: str | Path | None = None,
    save_landmarks: str | Path | None = None,
    progress: Progress | None = None,
    max_fps: float | None = DEFAULT_MAX_FPS,
    layout: str | None = None,
    workers: int | None = None,
    pool: PosePool | None = None,
    chunking: Chunking | None = None,
    estimator_factory: ChunkEstimatorFactory | None = None,
) -> AnalysisRun:
    """Analyse a video file or a landmark table (``.csv``/``.npy``) for one exercise.

    ``layout`` names the point order of a ``.npy`` table with fewer than 33 points.  Pose
    estimation runs on ``workers`` processes (default: the cores available; 1 = in this
    process) or on ``pool``; the report is the same either way, and its ``run`` entry says how
    it ran.  ``chunking`` and ``estimator_factory`` are as for :func:`estimate_file_poses`.

    Raises
    ------
    UnknownExerciseError, UnreadableVideoError, LandmarkFileError, NoPersonError
        With a one-line message naming the problem.
    """
    start = time.perf_counter()
    spec = get_exercise(exercise_id)
    path = Path(path)
    if path.suffix.lower() in LANDMARK_SUFFIXES:
        run = _analyze_landmarks(path, exercise_id, fps=fps, keep_frames=keep_frames,
                                 layout=layout)
        run.analysis = run.analysis.ran(_run_note(None, time.perf_counter() - start))
        return run
    kept: list[PoseFrame] = []
    with ExitStack() as stack:
        stream = stack.enter_context(estimate_file_poses(
            path, exercise_id, max_fps=max_fps, workers=workers, pool=pool,
            keep_images=annotate_path is not None, chunking=chunking,
            estimator_factory=estimator_factory,
        ))
        source = stream.source
        file_info = source.info
        frames = file_info.frame_count or 0
        duration_s = file_info.duration_s or (frames / file_info.fps if file_info.fps else 0.0)
        info = SourceInfo(path.name, file_info.fps, frames, duration_s)
        hook = _annotator(stack, annotate_path, source.fps, source.width, source.height)
        poses = _observed(stream, kept if save_landmarks is not None else None, progress)
        run = analyze_poses(poses, spec, info, keep_frames=keep_frames,
                            on_state=_on_state(stream, hook) if hook else None)
    run.timings.pose_s = stream.timings.pose_s
    run.poses = kept
    run.analysis = run.analysis.analysed(source.fps, run.timings.frames).ran(
        _run_note(stream, time.perf_counter() - start))
    if save_landmarks is not None:
        _save_landmarks(kept, save_landmarks)
    return run


@dataclass(frozen=True)
class FileTask:
    """One recording of a batch and where its optional outputs go."""

    path: Path
    exercise_id: str
    annotate_path: Path | None = None
    save_landmarks: Path | None = None


@dataclass
class FileResult:
    """What became of one :class:`FileTask`: its run, or the error that stopped it."""

    task: FileTask
    run: AnalysisRun | None = None
    error: SpinecoachError | None = None
    wall_s: float = 0.0


def analyze_files(
    tasks: Sequence[FileTask],
    *,
    fps: float | None = None,
    keep_frames: bool = False,
    max_fps: float | None = DEFAULT_MAX_FPS,
    layout: str | None = None,
    workers: int | None = None,
    pool: PosePool | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Analyse many recordings with every core busy; one result per task, in task order.

    The files share one pool of pose workers (``pool``, or one started here with ``workers``
    processes and closed at the end), so MediaPipe starts once per worker, not once per file;
    as many files as workers are in progress at a time, longest first (by
    :func:`expected_work`), so one file's decoding, tail and report overlap another's pose
    work and the short files fill the end.  Each report equals :func:`analyze_file`'s for that
    file.  A file that fails with a :class:`SpinecoachError` (unreadable, nobody in it) gets
    it in :attr:`FileResult.error`; the others go on.  ``on_result`` is called (from a worker
    thread) as each file finishes.
    """
    count = pool.workers if pool is not None else workers or default_workers()
    with ExitStack() as stack:
        if pool is None and count > 1:
            pool = start_pose_pool(count)
            stack.callback(pool.close)
        options: dict[str, Any] = {"fps": fps, "keep_frames": keep_frames, "max_fps": max_fps,
                                   "layout": layout, "workers": 1 if pool is None else None,
                                   "pool": pool}
        with ThreadPoolExecutor(max_workers=count, thread_name_prefix="analyze") as executor:
            # Longest first: the short files fill the gaps at the end, where a long one
            # started last would run alone on one worker (the 10 real plank recordings:
            # the last 1.8 s of 16.5 had one file in progress).
            order = sorted(range(len(tasks)), key=lambda i: -expected_work(tasks[i].path,
                                                                            max_fps))
            futures = {i: executor.submit(_analyze_task, tasks[i], options) for i in order}
            for future in as_completed(futures.values()):
                if on_result is not None:
                    on_result(future.result())
            return [futures[i].result() for i in range(len(tasks))]


# Decoding a 1080p frame costs about a fifth of a frame's pose estimation (3.5 against 19 ms).
_DECODE_SHARE_1080P = 0.18


def expected_work(path: Path, max_fps: float | None) -> float:
    """About how much work a file is, in pose-frame equivalents, from its header alone.

    Analysed frames (at most ``max_fps`` a second) plus the decoding of every file frame,
    weighted by its size.  0 for a landmark table (no pose work) or a file that cannot be
    read (it fails at once).
    """
    if path.suffix.lower() in LANDMARK_SUFFIXES:
        return 0.0
    from spinecoach.pose.video import read_header

    try:
        info = read_header(path)
    except (SpinecoachError, OSError):  # the task itself then reports the problem
        return 0.0
    seconds = info.duration_s or (info.frame_count / info.fps if info.frame_count and info.fps
                                  else 0.0)
    analysed = min(info.fps, max_fps) if max_fps else info.fps
    decode = _DECODE_SHARE_1080P * info.width * info.height / (1920 * 1080) * info.fps
    return seconds * (analysed + decode)


def _analyze_task(task: FileTask, options: dict[str, Any]) -> FileResult:
    start = time.perf_counter()
    result = FileResult(task)
    try:
        result.run = analyze_file(task.path, task.exercise_id, annotate_path=task.annotate_path,
                                  save_landmarks=task.save_landmarks, **options)
    except SpinecoachError as exc:
        result.error = exc
    result.wall_s = time.perf_counter() - start
    return result


def _run_note(stream: PoseStream | None, wall_s: float) -> RunInfo:
    """The report's ``run`` entry: how the analysis ran."""
    if stream is None:
        return RunInfo(pose_workers=0, pose_in="none (landmark table)", wall_s=round(wall_s, 3))
    workers = stream.workers
    return RunInfo(pose_workers=workers,
                   pose_in="this process" if workers == 1 else f"{workers} worker processes",
                   redetect_every_frames=stream.chunking.frames,
                   overlap_frames=stream.chunking.overlap, wall_s=round(wall_s, 3))


def _observed(
    stream: PoseStream, kept: list[PoseFrame] | None, progress: Progress | None
) -> Iterator[PoseFrame]:
    """The stream's poses, kept and reported as progress on the way."""
    total = stream.expected_frames
    for pose in stream:
        if kept is not None:
            kept.append(pose)
        if progress is not None:
            progress(stream.frames_estimated, total)  # yielded or not (a later chunk's)
        yield pose


def _on_state(
    stream: PoseStream, hook: FrameHook
) -> Callable[[PoseFrame, FrameState], None]:
    def on_state(pose: PoseFrame, state: FrameState) -> None:
        hook(stream.last_image, pose, state)

    return on_state


def _analyze_landmarks(
    path: Path, exercise_id: str, *, fps: float | None, keep_frames: bool, layout: str | None
) -> AnalysisRun:
    from spinecoach.pose.landmark_io import read_landmarks

    seq = read_landmarks(path, fps=fps, layout=layout)
    n = len(seq)
    duration_s = float(seq.t_s[-1] - seq.t_s[0]) if n > 1 else 0.0
    rate = (n - 1) / duration_s if duration_s > 0 else (fps or 0.0)
    info = SourceInfo(path.name, rate, n, duration_s, kind="landmarks")
    return analyze_poses(seq.frames(), get_exercise(exercise_id), info, keep_frames=keep_frames)


def _annotator(
    stack: ExitStack, out: str | Path | None, fps: float, width: int, height: int
) -> FrameHook | None:
    if out is None:
        return None
    from spinecoach.pose.annotate import AnnotatedVideoWriter

    writer = AnnotatedVideoWriter(out, fps, width, height)
    stack.callback(writer.close)

    def hook(image: Image | None, pose: PoseFrame, state: FrameState) -> None:
        if image is not None:
            writer.write(image, pose, state)

    return hook


def _save_landmarks(poses: list[PoseFrame], out: str | Path) -> None:
    from spinecoach.pose.landmark_io import write_landmarks_csv
    from spinecoach.pose.mediapipe_estimator import to_sequence

    if poses:
        write_landmarks_csv(to_sequence(poses), out)


def report_summary(report: dict[str, Any]) -> str:
    """Return a short human-readable summary of a report for the terminal."""
    lines = [f"Exercise: {report['exercise']}   source: {report['source']['name']} "
             f"({report['source']['duration_s']:.1f} s, {report['source']['frames']} frames)"]
    reps = report["reps"]
    by_side = report.get("reps_by_side")
    side_text = f" (left {by_side['left']}, right {by_side['right']})" if by_side else ""
    good = sum(1 for r in report["repetitions"] if r["good_form"])
    lines.append(f"Repetitions: {reps}{side_text}, {good} in good form")
    if report["holds"]:
        lines.append(f"Held in good form: {report['hold_good_form_s']:.1f} s over "
                     f"{len(report['holds'])} hold(s)")
    for fault in report["faults"]:
        lines.append(f"  {fault['start_s']:6.2f}-{fault['end_s']:6.2f} s  {fault['code']}: "
                     f"{fault['message']}")
    if report["stopped"]:
        lines.append(f"STOP at {report['stopped']['at_s']:.2f} s: {report['stopped']['message']}")
    untracked = report["tracking"]["untracked"]
    if untracked:
        total = sum(b - a for a, b in untracked)
        lines.append(f"Not tracked for {total:.1f} s in {len(untracked)} stretch(es)")
        for problem in report["tracking"]["setup_problems"][:2]:
            lines.append(f"  - {problem}")
    for note in report.get("limitations", []):
        lines.append(f"Note: {note}")
    if "run" in report:
        lines.append(_run_text(report))
    return "\n".join(lines)


def _run_text(report: dict[str, Any]) -> str:
    """One line on how the analysis ran (from the report's ``run`` entry)."""
    run, source = report["run"], report["source"]
    text = f"Ran in {run['wall_s']:.1f} s"
    if source.get("duration_s") and run["wall_s"] > 0:
        text += f" ({source['duration_s'] / run['wall_s']:.1f}x real time)"
    if run["pose_workers"]:
        text += (f"; pose in {run['pose_in']}, {source.get('analysed_frames')} of "
                 f"{source['frames']} frames at up to {source.get('analysed_fps')} fps")
        if run["redetect_every_frames"]:
            text += (f", the person re-detected every {run['redetect_every_frames']} "
                     "analysed frames")
    return text + "."
