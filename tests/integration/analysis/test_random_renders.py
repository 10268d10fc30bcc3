"""Randomised renders (another body, room and camera each) through the real pose model.

Three fixed seeds of the *tuning* split (bench/splits.toml), chosen for being short and
low-resolution: a bridge set with short holds, a portrait plank with a zoom, a heel-tap
set.  Rendering plus MediaPipe make each take about a minute; bench/accuracy.py runs the
whole corpus, both splits.
"""

import sys
from pathlib import Path

import pytest

from spinecoach.compose import analyze_file
from spinecoach.synth.randomise import render_random

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))
from corpus import seeds, truth_of  # noqa: E402
from score import score_clip  # noqa: E402

pytestmark = pytest.mark.slow

# 1035 was a strict xfail (the pose pool's chunk seam at 8.5 s: the whole-picture detector
# found this supine person 0.7 s late and a tap was lost); the estimator's crop search finds
# them at once, so chunked analysis counts all 5 like straight tracking.
SEEDS = [1005, 1009, 1035]


@pytest.mark.parametrize("seed", SEEDS)
def test_random_render_meets_every_target(tmp_path: Path, seed: int):
    assert seed in seeds("tuning"), "only tuning seeds may be asserted on"
    video = tmp_path / f"random-{seed}.mp4"
    render_random(seed, video)
    truth = truth_of(video)  # the truth file written beside the clip
    report = analyze_file(video, truth["exercise"]).report
    score = score_clip(video.name, report, truth)
    assert score.passed, score.problems()
