"""Replay the generator's exact landmarks through the engine (tests, benchmarks; no MediaPipe)."""

from __future__ import annotations

from typing import Any

from spinecoach.domain.exercises import get_exercise
from spinecoach.domain.pose import PoseFrame
from spinecoach.session.analysis import analyze_poses
from spinecoach.session.analysis_report import SourceInfo
from spinecoach.synth.api import simulate


def frames_of(
    exercise: str, scenario: str = "good", facing: str = "left", masks: bool = False,
    fps: float = 30.0,
) -> tuple[dict[str, Any], list[PoseFrame]]:
    """Return the truth dict and the replayable frames of one simulated clip."""
    gt, seq, mask_list = simulate(exercise, scenario, facing=facing, with_masks=masks, fps=fps)
    truth = gt.to_dict()
    frames = [
        PoseFrame(float(t), seq.landmarks[i].copy(), seq.width, seq.height,
                  mask_list[i] if mask_list else None)
        for i, t in enumerate(seq.t_s)
    ]
    return truth, frames


def analyse(exercise: str, frames: list[PoseFrame], keep_frames: bool = False) -> dict[str, Any]:
    """Run the engine over ``frames`` and return the report."""
    info = SourceInfo("replay", 30.0, len(frames), frames[-1].t_s if frames else 0.0,
                      kind="landmarks")
    return analyze_poses(frames, get_exercise(exercise), info, keep_frames=keep_frames).report
