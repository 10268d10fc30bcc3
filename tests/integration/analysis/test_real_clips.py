"""Real recordings from ../shared/data (never copied here): reps and holds against the manifest.

Skips, with the reason, when the shared data is absent (a fresh clone).  Clips the engine does
not meet the target on are listed in BENCHMARKS.md with the reason, not tuned for here.

Only the *tuning* clips of bench/splits.toml are asserted: a failing test invites a fix, and
a fix made while looking at a test clip would be tuning to it.  The test clips are reported,
beside the naive recipe, by bench/accuracy.py.
"""

import sys
from pathlib import Path

import pytest

from spinecoach.compose import analyze_file

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))
from corpus import real_clips as split_clips  # noqa: E402
from real_clips import DATA, REAL_CLIPS, measured  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]
KNOWN_MISSES: dict[str, str] = {  # file name -> why (mirrored in BENCHMARKS.md)
    "kaiakol_plank_correct_006.mp4": "oblique front-side view passes the side-on check, so a "
    "distorted -20 deg body line is judged as a pike",
    "fitbod_forearm_plank.mp4": "about 10.5 s measured vs about 11.5 s re-observed; the knees-"
    "down transitions and the oblique part cost just over the 1 s tolerance",
    "wongfit_plank_stock.mp4": "about 11.7 s of 16.8 s: the oblique first 2.8 s are not judged "
    "side-on and the hold breaks for 2 s after the feet leave the frame (moving camera)",
}
TUNING = set(split_clips("tuning"))
SCORED = [
    pytest.param(c, id=Path(c.path).stem, marks=(
        [pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[Path(c.path).name])]
        if Path(c.path).name in KNOWN_MISSES else []))
    for c in REAL_CLIPS if c.tolerance is not None and c.path in TUNING
]


@pytest.mark.parametrize("clip", SCORED)
def test_real_clip_within_the_issue_targets(clip):
    path = DATA / clip.path
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    report = analyze_file(path, clip.exercise).report
    assert abs(measured(report, clip.metric) - clip.truth) <= clip.tolerance, report
