"""Progression over simulated weeks: good weeks progress, a flare regresses, doubt holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spinecoach.domain.checkin import CheckInWhen
from spinecoach.domain.dose import Dose
from spinecoach.session import services
from spinecoach.session.programme_service import plan_progression
from spinecoach.session.records import PrescriptionSource, SessionMode, SessionStatus

if TYPE_CHECKING:
    from conftest import World

START_DOSES = {
    "hip-hinge": (2, 6, None),
    "bridge": (2, 8, 3.0),
    "plank": (3, None, 10.0),
    "ball-squat": (2, 8, 3.0),
}


def reasons(world: World) -> dict[str, str]:
    return {d.exercise_id: d.reason for d in plan_progression(world.repo, world.user_id, world.now)}


def test_two_good_sessions_move_every_dose_up_one_rung(world: World) -> None:
    world.screen()
    assert world.doses() == START_DOSES
    assert world.session() == ()  # one good session is not enough
    world.day(2)
    changes = world.session()
    assert {c.exercise_id for c in changes} == set(START_DOSES)
    by_id = {c.exercise_id: c for c in changes}
    assert by_id["plank"].reason == (
        "Your last 2 sessions of prone elbow planks went well with good form and steady symptoms, "
        "so we are moving up to 3 holds of 12 s."
    )
    assert "2 sets of 8 per side" in by_id["hip-hinge"].reason
    assert all(c.source is PrescriptionSource.PROGRESSION for c in changes)
    # the new dose starts tomorrow
    assert world.doses() == START_DOSES
    world.day(3)
    assert world.doses() == {
        "hip-hinge": (2, 8, None),
        "bridge": (2, 10, 3.0),
        "plank": (3, None, 12.0),
        "ball-squat": (2, 10, 3.0),
    }


def test_four_good_weeks_keep_progressing_the_plank(world: World) -> None:
    world.screen()
    holds = []
    for week in range(4):
        for day in (0, 2, 4):  # three sessions a week
            world.day(week * 7 + day)
            world.session()
        holds.append(world.doses()["plank"][2])
    world.day(28)
    holds.append(world.doses()["plank"][2])
    assert holds == sorted(holds)
    assert holds[-1] is not None and holds[-1] >= 20.0
    assert holds[-1] <= 30.0


def test_a_flare_regresses_with_its_reason(world: World) -> None:
    world.screen()
    world.session()
    world.day(2)
    world.session()  # up one rung from tomorrow
    world.day(4)
    world.screen(recheck=True)
    sid = (
        services.start_session(world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now).id
        or 0
    )
    world.checkin(CheckInWhen.BEFORE, sid)
    world.checkin(CheckInWhen.DURING, sid, exercise_id="bridge", back_pain=7)
    finished = services.finish_session(world.repo, sid, now=world.now, status=SessionStatus.STOPPED)
    assert [c.exercise_id for c in finished.changes] == ["bridge"]
    change = finished.changes[0]
    assert change.old_dose == Dose(sets=2, reps=10, hold_s=3.0, rest_s=60.0)
    assert change.new_dose == Dose(sets=2, reps=8, hold_s=3.0, rest_s=60.0)
    assert change.reason == (
        "Because your pain reached 6 out of 10 or more on 09 Jan, we are easing back to "
        "2 sets of 8, hold 3 s."
    )
    world.day(5)
    assert world.doses()["bridge"] == (2, 8, 3.0)
    assert world.doses()["plank"] == (3, None, 12.0)  # other exercises keep their dose


def test_peripheralisation_after_a_session_regresses_everything(world: World) -> None:
    world.screen()
    world.session(before={"furthest_symptom": "buttock"}, after={"furthest_symptom": "below_knee"})
    world.day(1)
    assert world.doses() == {
        "hip-hinge": (2, 4, None),
        "bridge": (2, 6, 3.0),
        "plank": (3, None, 8.0),
        "ball-squat": (2, 6, 3.0),
    }
    changes = world.repo.programme_changes(world.user_id)
    assert "leg symptoms spread further down your leg" in changes[-1].reason


def test_missing_checkins_hold(world: World) -> None:
    world.screen()
    world.session(skip_checkins=True)
    world.day(2)
    assert world.session(skip_checkins=True) == ()
    assert "check-in before or after the session on 07 Jan is missing" in reasons(world)["bridge"]


def test_no_camera_sessions_hold_for_want_of_form_data(world: World) -> None:
    world.screen()
    world.session(mode=SessionMode.NO_CAMERA)
    world.day(2)
    assert world.session(mode=SessionMode.NO_CAMERA) == ()
    assert "I could not see your form" in reasons(world)["plank"]


def test_poor_form_holds(world: World) -> None:
    world.screen()
    world.session(good_form_share=0.5)
    world.day(2)
    assert world.session(good_form_share=0.5) == ()
    assert "only 50% of your repetitions had good form" in reasons(world)["bridge"]
    assert "not every set reached its target" in reasons(world)["plank"]


def test_pain_rising_after_sessions_holds(world: World) -> None:
    world.screen()
    world.session(before={"back_pain": 2}, after={"back_pain": 5})
    world.day(2)
    assert world.session() == ()  # the earlier session still counts against
    assert "pain was higher after the session on 05 Jan" in reasons(world)["hip-hinge"]
    world.day(4)
    assert len(world.session()) == 4  # the last two sessions were good


def test_an_abandoned_session_holds(world: World) -> None:
    world.screen()
    world.session()
    world.day(2)
    assert world.session(status=SessionStatus.ABANDONED) == ()
    assert "was not completed" in reasons(world)["plank"]


def test_clinician_override_is_recorded_and_not_raised(world: World) -> None:
    world.screen()
    override = services.override_dose(
        world.repo,
        world.user_id,
        "plank",
        Dose(sets=3, reps=None, hold_s=15.0, rest_s=30.0),
        by="clinician: J. Smith",
        reason="Strong core at assessment.",
        now=world.now,
    )
    assert override.source is PrescriptionSource.OVERRIDE
    assert world.doses()["plank"] == (3, None, 15.0)
    last = world.repo.programme_changes(world.user_id)[-1]
    assert last.overridden_by == "clinician: J. Smith"
    assert last.old_dose == Dose(sets=3, reps=None, hold_s=10.0, rest_s=30.0)
    world.session()
    world.day(2)
    changes = world.session()
    assert "plank" not in {c.exercise_id for c in changes}
    assert "your clinician set this dose" in reasons(world)["plank"]


def test_user_override_progresses_normally_and_bad_doses_are_refused(world: World) -> None:
    import pytest

    from spinecoach.errors import InputError

    world.screen()
    services.override_dose(
        world.repo,
        world.user_id,
        "bridge",
        Dose(sets=2, reps=9, hold_s=3.0, rest_s=60.0),
        by="user",
        reason="I felt ready.",
        now=world.now,
    )
    world.session()
    world.day(2)
    world.session()
    world.day(3)
    assert world.doses()["bridge"] == (2, 10, 3.0)
    with pytest.raises(InputError, match="reps: this exercise is a hold"):
        services.override_dose(
            world.repo,
            world.user_id,
            "plank",
            Dose(sets=3, reps=5, hold_s=10.0, rest_s=30.0),
            by="user",
            reason="x",
            now=world.now,
        )
    with pytest.raises(InputError, match="sets: expected 1 to 10"):
        services.override_dose(
            world.repo,
            world.user_id,
            "bridge",
            Dose(sets=0, reps=5, hold_s=3.0, rest_s=30.0),
            by="user",
            reason="x",
            now=world.now,
        )


def test_top_and_bottom_of_the_ladder_hold(world: World) -> None:
    world.screen()
    services.override_dose(
        world.repo,
        world.user_id,
        "ball-squat",
        Dose(sets=3, reps=12, hold_s=3.0, rest_s=60.0),
        by="user",
        reason="top",
        now=world.now,
    )
    world.session()
    world.day(2)
    world.session()
    assert "top of this programme" in reasons(world)["ball-squat"]


def test_a_flare_at_the_bottom_of_the_ladder_holds_and_says_see_a_clinician(world: World) -> None:
    world.screen()
    services.override_dose(
        world.repo,
        world.user_id,
        "hip-hinge",
        Dose(sets=2, reps=4, rest_s=60.0, hold_s=None),
        by="user",
        reason="bottom",
        now=world.now,
    )
    world.checkin(CheckInWhen.DURING, exercise_id="hip-hinge", leg_pain=8)
    reason = reasons(world)["hip-hinge"]
    assert "staying at the easiest dose" in reason and "clinician" in reason


def test_pain_worse_by_the_next_session_holds(world: World) -> None:
    world.screen()
    world.session(before={"back_pain": 2}, after={"back_pain": 3})
    world.day(1)
    world.session(before={"back_pain": 5}, after={"back_pain": 5})
    assert "pain was worse the day after the session on 05 Jan" in reasons(world)["plank"]
