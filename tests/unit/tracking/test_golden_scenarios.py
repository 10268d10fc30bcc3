"""Every exercise x scenario x facing, replayed from exact synthetic landmarks (with masks).

These are the golden recordings: the generator writes the expected events (reps, per-side
reps, hold intervals, fault intervals, the stop), the engine must reproduce them.  A threshold
change that breaks one shows up here in the same commit.
"""

import pytest

from spinecoach.synth import SCENARIOS
from spinecoach.synth.replay import analyse, frames_of
from spinecoach.synth.scoring import score_generated

CASES = [(e, s, f) for e, scenarios in SCENARIOS.items() for s in scenarios
         for f in ("left", "right")]


@pytest.mark.parametrize(("exercise", "scenario", "facing"), CASES)
def test_engine_reproduces_the_generators_truth(exercise, scenario, facing):
    truth, frames = frames_of(exercise, scenario, facing, masks=True)
    report = analyse(exercise, frames)
    score = score_generated(report, truth)
    assert report["reps"] == truth["reps"]
    assert score.by_side_ok, (report.get("reps_by_side"), truth.get("reps_by_side"))
    assert score.hold_error_s <= 0.3, (report["holds"], truth["holds"])
    assert not score.missed_faults, score.missed_faults
    assert not score.false_faults, score.false_faults
    assert score.stop_ok, (report["stopped"], truth.get("stop"))


def test_fault_scenarios_mark_the_faulty_reps_and_good_ones_are_clean():
    truth, frames = frames_of("bridge", "over_extension")
    report = analyse("bridge", frames)
    faulty = [r["index"] for r in report["repetitions"] if not r["good_form"]]
    true_faulty = [i + 1 for i, r in enumerate(truth["repetitions"])
                   if any(f["start_s"] <= r["peak_s"] <= f["end_s"] for f in truth["faults"])]
    assert faulty == true_faulty
    good = analyse("bridge", frames_of("bridge", "good")[1])
    assert all(r["good_form"] for r in good["repetitions"])
    assert all(r["hold_s"] >= 3.0 for r in good["repetitions"])
