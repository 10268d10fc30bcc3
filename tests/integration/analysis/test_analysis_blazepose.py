"""The whole engine with the real pose model: render a clip, analyse the video, compare.

Rendering and MediaPipe make these slow (~20-40 s each), so a handful of scenarios covers
every exercise, a stop rule, walking out of frame and both facings; bench/accuracy.py runs
all of them.
"""

import json
from pathlib import Path

import pytest

from spinecoach.compose import analyze_file
from spinecoach.synth import render_clip
from spinecoach.synth.scoring import score_generated

pytestmark = pytest.mark.slow

CASES = [
    ("bridge", "hold_too_short", "left", 2),
    ("ball-squat", "out_of_frame", "right", None),
    ("plank", "hip_sag", "right", None),
    ("hip-hinge", "lumbar_arch", "right", None),
]


@pytest.mark.parametrize(("exercise", "scenario", "facing", "reps"), CASES)
def test_real_pose_model_on_rendered_video(tmp_path: Path, exercise, scenario, facing, reps):
    video = tmp_path / f"{exercise}.mp4"
    truth = render_clip(exercise, scenario, video, facing=facing, repetitions=reps).to_dict()
    annotated = tmp_path / "annotated.mp4"
    run = analyze_file(video, exercise, annotate_path=annotated)
    report = run.report
    score = score_generated(report, truth)
    assert report["reps"] == truth["reps"]
    assert score.hold_error_s <= 0.3, (report["holds"], truth["holds"])
    assert not score.missed_faults and not score.false_faults, (report["faults"], truth["faults"])
    assert score.stop_ok
    if truth["out_of_frame"]:
        gone = truth["out_of_frame"][0]
        assert any(a <= gone[0] + 0.5 and b >= gone[1] - 0.5
                   for a, b in report["tracking"]["untracked"])
    assert annotated.stat().st_size > 10_000
    json.dumps(report)  # the report is plain JSON

