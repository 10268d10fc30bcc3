"""Composition root shared by the CLI and the web app: build adapters, run the core.

This is the one place outside ``cli`` and ``web`` that constructs adapters (video decoding,
MediaPipe, landmark files, the annotated-video writer); both front ends call it so the
command line and the browser run exactly the same engine.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from spinecoach.domain.exercises import get_exercise
from spinecoach.domain.pose import PoseFrame
from spinecoach.session.analysis import AnalysisRun, Progress, analyze_poses, analyze_source
from spinecoach.session.analysis_report import SourceInfo
from spinecoach.session.ports import Frame, PoseEstimator
from spinecoach.tracking.state import FrameState

LANDMARK_SUFFIXES = (".csv", ".npy")
# Video analysis samples at most this many frames per second.  The four exercises are slow
# (a heel tap takes ~2 s, holds last seconds), so 15 fps keeps hold edges within 1/15 s while
# halving the pose-model cost of a 30 fps file; BENCHMARKS.md measures both settings.
DEFAULT_MAX_FPS = 15.0
EstimatorFactory = Callable[[bool], PoseEstimator]


def needs_mask(exercise_id: str) -> bool:
    """True when the exercise's tracker uses the segmentation mask (the lumbar-arch proxy)."""
    return any(f.code == "lumbar_arch" for f in get_exercise(exercise_id).faults)


def default_estimator(segmentation: bool) -> PoseEstimator:
    """Build the MediaPipe BlazePose estimator (imports MediaPipe lazily)."""
    from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator

    return MediaPipeEstimator(segmentation=segmentation)


def analyze_file(
    path: str | Path,
    exercise_id: str,
    *,
    fps: float | None = None,
    keep_frames: bool = False,
    annotate_path: str | Path | None = None,
    save_landmarks: str | Path | None = None,
    progress: Progress | None = None,
    estimator_factory: EstimatorFactory = default_estimator,
    max_fps: float | None = DEFAULT_MAX_FPS,
) -> AnalysisRun:
    """Analyse a video file or a landmark table (``.csv``/``.npy``) for one exercise.

    Raises
    ------
    UnknownExerciseError, UnreadableVideoError, LandmarkFileError, NoPersonError
        With a one-line message naming the problem.
    """
    spec = get_exercise(exercise_id)
    path = Path(path)
    if path.suffix.lower() in LANDMARK_SUFFIXES:
        return _analyze_landmarks(path, exercise_id, fps=fps, keep_frames=keep_frames)
    from spinecoach.pose.prefetch import Prefetched
    from spinecoach.pose.video import open_video

    with ExitStack() as stack:
        source = open_video(path, max_fps=max_fps or None)
        stack.callback(source.close)
        estimator = estimator_factory(needs_mask(exercise_id))
        stack.callback(estimator.close)
        file_info = source.info
        frames = file_info.frame_count or 0
        duration_s = file_info.duration_s or (frames / file_info.fps if file_info.fps else 0.0)
        info = SourceInfo(path.name, file_info.fps, frames, duration_s)
        hook = _annotator(stack, annotate_path, source.fps, source.width, source.height)
        run = analyze_source(
            Prefetched(source), estimator, spec, info, keep_frames=keep_frames,
            keep_poses=save_landmarks is not None, progress=progress, on_frame=hook,
        )
    run.analysis = run.analysis.analysed(source.fps, run.timings.frames)
    if save_landmarks is not None:
        _save_landmarks(run.poses, save_landmarks)
    return run


def _analyze_landmarks(
    path: Path, exercise_id: str, *, fps: float | None, keep_frames: bool
) -> AnalysisRun:
    from spinecoach.pose.landmark_io import read_landmarks

    seq = read_landmarks(path, fps=fps)
    n = len(seq)
    duration_s = float(seq.t_s[-1] - seq.t_s[0]) if n > 1 else 0.0
    rate = (n - 1) / duration_s if duration_s > 0 else (fps or 0.0)
    info = SourceInfo(path.name, rate, n, duration_s, kind="landmarks")
    return analyze_poses(seq.frames(), get_exercise(exercise_id), info, keep_frames=keep_frames)


def _annotator(
    stack: ExitStack, out: str | Path | None, fps: float, width: int, height: int
) -> Callable[[Frame | None, PoseFrame, FrameState], None] | None:
    if out is None:
        return None
    from spinecoach.pose.annotate import AnnotatedVideoWriter

    writer = AnnotatedVideoWriter(out, fps, width, height)
    stack.callback(writer.close)

    def hook(frame: Frame | None, pose: PoseFrame, state: FrameState) -> None:
        if frame is not None:
            writer.write(frame.image, pose, state)

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
    return "\n".join(lines)
