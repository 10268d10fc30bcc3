"""Getting into and out of a plank through kneeling is not ``knees_down`` (issue 9).

Many people go up via the knees (forearms and knees first, then the knees lift) and come
down the same way.  A recorded plank done like that listed the kneel-in and the kneel-out
as faults.  Knees on the floor *between* two good holds still are.  (A plank done on the knees
from start to end is not an attempt at all: the hips stay too low to be "up".)
"""

from __future__ import annotations

import pytest

from spinecoach.synth import kinematics
from spinecoach.synth.replay import analyse, frames_of
from spinecoach.synth.scoring import score_generated
from spinecoach.synth.timeline import Fault, Script

RAMP_S = 0.5


def _kneel_in_out(mid_fault: bool) -> Script:
    sc = Script({"rise": 0.0, "dev": 0.0, "kneel": 0.0})
    sc.hold(1.0)
    sc.move(1.5, rise=1.0, kneel=1.0)  # up on forearms and knees
    sc.hold(2.0)
    if mid_fault:
        t_in = sc.move(RAMP_S, kneel=0.0)  # knees lift: on the toes
        sc.holds.append((t_in, sc.hold(4.0)))
        onset = sc.t_s + RAMP_S / 2.0
        sc.move(RAMP_S, kneel=1.0)
        sc.hold(3.0)
        back = sc.move(RAMP_S, kneel=0.0)
        sc.faults.append(Fault("knees_down", onset, back - RAMP_S / 2.0))
        sc.holds.append((back, sc.hold(4.0)))
    else:
        t_in = sc.move(RAMP_S, kneel=0.0)
        sc.holds.append((t_in, sc.hold(8.0)))
    sc.move(RAMP_S, kneel=1.0)  # down on the knees again
    sc.hold(1.5)
    sc.move(1.5, rise=0.0, kneel=0.0)  # and lie down
    sc.hold(1.0)
    return sc


@pytest.mark.parametrize("facing", ["left", "right"])
@pytest.mark.parametrize("mid_fault", [False, True])
def test_kneeling_up_and_down_is_not_a_fault_but_kneeling_in_the_plank_is(
    monkeypatch: pytest.MonkeyPatch, facing: str, mid_fault: bool,
) -> None:
    monkeypatch.setattr(kinematics, "build_script", lambda *_: _kneel_in_out(mid_fault))
    truth, frames = frames_of("plank", "good", facing)
    report = analyse("plank", frames)
    score = score_generated(report, truth)
    found = [f for f in report["faults"] if f["code"] == "knees_down"]
    assert len(found) == len(truth["faults"]), (found, truth["faults"])
    assert not score.missed_faults, score.missed_faults
    assert not score.false_faults, score.false_faults
    assert score.hold_error_s <= 0.3, (report["holds"], truth["holds"])
    attempt_faults = {c for a in report["attempts"] for c in a["faults"]}
    assert ("knees_down" in attempt_faults) == bool(truth["faults"])
