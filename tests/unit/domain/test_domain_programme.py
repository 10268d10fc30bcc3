"""The default programme: doses from the article, ladders, and validation at load."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from spinecoach.domain.dose import Dose, DoseLadder
from spinecoach.domain.programme import load_programme, parse_policy
from spinecoach.errors import ConfigError, UnknownExerciseError


def test_default_doses_follow_the_article() -> None:
    programme = load_programme()
    assert [e.id for e in programme.exercises] == ["hip-hinge", "bridge", "plank", "ball-squat"]
    hinge = programme.exercise("hip-hinge").default_dose
    assert (hinge.sets, hinge.reps, hinge.hold_s) == (2, 6, None)
    bridge = programme.exercise("bridge").default_dose
    assert (bridge.sets, bridge.reps, bridge.hold_s) == (2, 8, 3.0)
    plank = programme.exercise("plank").default_dose
    assert (plank.sets, plank.reps, plank.hold_s) == (3, None, 10.0)
    squat = programme.exercise("ball-squat").default_dose
    assert (squat.sets, squat.reps, squat.hold_s) == (2, 8, 3.0)
    assert programme.exercise("hip-hinge").reps_per_side
    assert hinge.describe(per_side=True) == "2 sets of 6 per side"
    assert plank.describe() == "3 holds of 10 s"
    assert bridge.describe() == "2 sets of 8, hold 3 s"


def test_plank_ladder_grows_by_2_to_5_s_toward_30() -> None:
    ladder = load_programme().exercise("plank").dose.ladder
    holds = [rung.hold_s or 0 for rung in ladder]
    steps = [b - a for a, b in zip(holds, holds[1:], strict=False) if b != a]
    assert all(2 <= step <= 5 for step in steps)
    assert max(holds) >= 30
    assert max(rung.sets for rung in ladder) <= 4


def test_step_up_and_down() -> None:
    bridge = load_programme().exercise("bridge").dose
    start = bridge.default
    up = bridge.step_up(start)
    assert up is not None and (up.sets, up.reps) == (2, 10)
    down = bridge.step_down(start)
    assert down is not None and (down.sets, down.reps) == (2, 6)
    assert bridge.step_down(down) is None
    top = bridge.ladder[-1]
    assert bridge.step_up(top) is None
    # an off-ladder dose (an override) steps to the nearest rung
    odd = Dose(sets=2, reps=9, hold_s=3.0, rest_s=60)
    assert bridge.step_up(odd) == bridge.ladder[2]
    assert bridge.step_down(odd) == bridge.ladder[1]


def test_unknown_exercise() -> None:
    with pytest.raises(UnknownExerciseError, match="unknown exercise 'yoga'"):
        load_programme().exercise("yoga")


def _ladder(**fields: Any) -> dict[str, Any]:
    base = {
        "start": 0,
        "ladder": [{"sets": 1, "reps": 5, "rest_s": 30}, {"sets": 2, "reps": 5, "rest_s": 30}],
    }
    return base | fields


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_ladder(colour="red"), "colour"),
        (_ladder(start=5), "past the end"),
        (
            _ladder(
                ladder=[{"sets": 2, "reps": 5, "rest_s": 1}, {"sets": 1, "reps": 5, "rest_s": 1}]
            ),
            "bigger than the one before",
        ),
        (_ladder(ladder=[{"sets": 1, "rest_s": 1}]), "needs hold_s"),
        (_ladder(ladder=[{"sets": 0, "reps": 5, "rest_s": 1}]), "sets"),
        (_ladder(ladder=[{"sets": 1, "reps": 5, "rest_s": 1, "weight_kg": 2}]), "weight_kg"),
    ],
)
def test_bad_dose_ladder_is_rejected(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DoseLadder.model_validate(data)


def test_bad_progression_policy_is_a_config_error() -> None:
    policy = {"sessions_needed": 0, "good_form_share_min": 0.8, "pain_rise_max": 1,
              "pain_after_max": 5}
    with pytest.raises(ConfigError, match="sessions_needed"):
        parse_policy(policy, "test")
