"""Analyse a recording: frames -> poses -> the exercise's tracker -> an :class:`AnalysisReport`.

Only ports are used here (``FrameSource``, ``PoseEstimator``); the adapters are built by the
composition root (``spinecoach.compose``), which the CLI and the web app share.  The report is
built by :mod:`.analysis_report`; saving it as a session is :mod:`.video_sessions`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from spinecoach.domain.exercises.spec import ExerciseSpec
from spinecoach.domain.pose import PoseFrame
from spinecoach.errors import NoPersonError
from spinecoach.session.analysis_report import (
    AnalysisReport,
    FrameRecord,
    SourceInfo,
    build_report,
    frame_record,
)
from spinecoach.session.ports import Frame, FrameSource, PoseEstimator
from spinecoach.tracking.engine import create_tracker
from spinecoach.tracking.state import FrameState

Progress = Callable[[int, int | None], None]
FrameHook = Callable[[Frame | None, PoseFrame, FrameState], None]


@dataclass
class AnalysisTimings:
    """Where the time went (seconds), for benchmarks."""

    pose_s: float = 0.0
    analysis_s: float = 0.0
    frames: int = 0


@dataclass
class AnalysisRun:
    """The report plus what the caller may want beside it."""

    analysis: AnalysisReport
    poses: list[PoseFrame] = field(default_factory=list)
    timings: AnalysisTimings = field(default_factory=AnalysisTimings)

    @property
    def report(self) -> dict[str, Any]:
        """The report as the JSON document of ``spinecoach analyze --json``."""
        return self.analysis.to_json()


def analyze_poses(
    poses: Iterable[PoseFrame],
    spec: ExerciseSpec,
    source: SourceInfo,
    *,
    keep_frames: bool = False,
    target_hold_s: float | None = None,
    on_state: Callable[[PoseFrame, FrameState], None] | None = None,
) -> AnalysisRun:
    """Analyse poses that are already estimated (a landmark file, a replay)."""
    tracker = create_tracker(spec, target_hold_s=target_hold_s)
    frames: list[FrameRecord] = []
    timings = AnalysisTimings()
    for pose in poses:
        t0 = time.perf_counter()
        state = tracker.update(pose)
        timings.analysis_s += time.perf_counter() - t0
        timings.frames += 1
        if keep_frames:
            frames.append(frame_record(state))
        if on_state is not None:
            on_state(pose, state)
    result = tracker.finish()
    _require_person(result.detected_frames, source)
    report = build_report(spec, source, result, frames if keep_frames else None,
                          notes=tracker.notes() + tracker.missing_joint_notes())
    return AnalysisRun(analysis=report, timings=timings)


def analyze_source(
    source: FrameSource,
    estimator: PoseEstimator,
    spec: ExerciseSpec,
    info: SourceInfo,
    *,
    keep_frames: bool = False,
    keep_poses: bool = False,
    progress: Progress | None = None,
    on_frame: FrameHook | None = None,
) -> AnalysisRun:
    """Decode ``source``, estimate each frame's pose and analyse it."""
    timings = AnalysisTimings()
    kept: list[PoseFrame] = []
    total = source.frame_count

    def poses() -> Iterable[PoseFrame]:
        for i, frame in enumerate(source):
            t0 = time.perf_counter()
            pose = estimator.estimate(frame.image, frame.t_s)
            timings.pose_s += time.perf_counter() - t0
            if keep_poses:
                kept.append(pose)
            current[0] = frame
            if progress is not None:
                progress(i + 1, total)
            yield pose

    current: list[Frame | None] = [None]

    def hook(pose: PoseFrame, state: FrameState) -> None:
        if on_frame is not None:
            on_frame(current[0], pose, state)

    run = analyze_poses(poses(), spec, info, keep_frames=keep_frames, on_state=hook)
    run.timings.pose_s = timings.pose_s
    run.poses = kept
    return run


def _require_person(detected_frames: int, source: SourceInfo) -> None:
    if detected_frames == 0:
        raise NoPersonError(
            f"{source.name}: no person was found in any of its {source.frames} frames"
        )
