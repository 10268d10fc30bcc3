"""Screening, the exercise guard and check-ins through the use cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from spinecoach.domain.checkin import CheckInWhen
from spinecoach.domain.safety.outcomes import Outcome
from spinecoach.errors import InputError, SafetyBlockError
from spinecoach.session import services
from spinecoach.session.guards import assert_may_do_exercise, assert_may_exercise
from spinecoach.session.records import ScreeningKind, SessionMode

if TYPE_CHECKING:
    from conftest import World


def test_screening_is_kept_with_its_date(world: World) -> None:
    record = world.screen({"foot_drop": True})
    assert record.id is not None
    assert record.outcome is Outcome.SAME_DAY
    assert record.taken_at == world.now
    assert record.kind is ScreeningKind.FULL
    assert record.answers["foot_drop"] is True
    assert world.repo.latest_screening(world.user_id) == record
    summary = services.outcome_summary(record)
    assert summary["outcome"] == "same_day" and summary["blocks_exercise"] is True


def test_bad_answers_store_nothing(world: World) -> None:
    with pytest.raises(InputError, match="fever"):
        world.screen({"fever": "perhaps"})
    assert world.repo.screenings(world.user_id) == []


def test_never_screened_is_blocked(world: World) -> None:
    with pytest.raises(SafetyBlockError, match="safety questions before your first session"):
        services.start_session(world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now)


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ({"saddle_numbness": True}, "emergency department now"),
        ({"foot_drop": True}, "today"),
        ({"cancer_history": True}, "before you start"),
    ],
)
def test_blocked_user_cannot_start_anything(
    world: World, flag: dict[str, bool], words: str
) -> None:
    world.screen({"age_years": 40})  # ok first: a session is running when the block comes
    session = services.start_session(
        world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now
    )
    world.screen(flag)
    today = world.now.date()
    with pytest.raises(SafetyBlockError, match=words):
        assert_may_exercise(world.repo, world.user_id, today)
    with pytest.raises(SafetyBlockError, match=words):
        services.start_session(world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now)
    with pytest.raises(SafetyBlockError):
        services.start_set(world.repo, session.id or 0, "bridge", now=world.now)
    with pytest.raises(SafetyBlockError):
        services.record_manual_set(
            world.repo,
            session.id or 0,
            "plank",
            reps_done=None,
            hold_done_s=10.0,
            pain_during=1,
            now=world.now,
        )
    plan = services.todays_plan(world.repo, world.user_id, today, now=world.now)
    assert plan.blocked and words in plan.message and plan.items == ()


def test_a_recheck_cannot_lift_a_full_screening_block(world: World) -> None:
    world.screen({"osteoporosis": True})
    world.day(1)
    world.screen(recheck=True)  # ok, but it does not ask about osteoporosis
    with pytest.raises(SafetyBlockError, match="full safety questions again"):
        assert_may_exercise(world.repo, world.user_id, world.now.date())
    world.screen({"osteoporosis": True, "clinician_cleared": True})
    assert_may_exercise(world.repo, world.user_id, world.now.date())


def test_a_bad_recheck_blocks_until_a_new_ok_one(world: World) -> None:
    world.screen()
    world.day(1)
    world.screen({"bladder_change": True}, recheck=True)
    with pytest.raises(SafetyBlockError, match="emergency"):
        assert_may_exercise(world.repo, world.user_id, world.now.date())
    world.day(3)
    world.screen(recheck=True)
    assert_may_exercise(world.repo, world.user_id, world.now.date())


def test_daily_recheck_is_required_to_start(world: World) -> None:
    world.screen()
    world.day(1)
    with pytest.raises(SafetyBlockError, match="today's quick safety check"):
        services.start_session(world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now)
    # saving an older recording may skip the daily re-check, but never the block
    assert_may_exercise(world.repo, world.user_id, world.now.date(), require_today=False)
    plan = services.todays_plan(world.repo, world.user_id, world.now.date(), now=world.now)
    assert not plan.blocked and plan.needs_recheck
    world.screen(recheck=True)
    services.start_session(world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now)


def test_todays_plan_lists_doses_with_reasons(world: World, programme_ids: list[str]) -> None:
    world.screen()
    plan = services.todays_plan(world.repo, world.user_id, world.now.date(), now=world.now)
    assert not plan.blocked and not plan.needs_recheck
    assert [item.exercise_id for item in plan.items] == programme_ids
    texts = {item.exercise_id: item.dose_text for item in plan.items}
    assert texts == {
        "hip-hinge": "2 sets of 6 per side",
        "bridge": "2 sets of 8, hold 3 s",
        "plank": "3 holds of 10 s",
        "ball-squat": "2 sets of 8, hold 3 s",
    }
    assert all(item.reason and item.why for item in plan.items)
    assert "does not replace a clinician" in plan.message
    # the defaults are recorded once as programme changes
    assert len(world.repo.programme_changes(world.user_id)) == 4
    services.todays_plan(world.repo, world.user_id, world.now.date(), now=world.now)
    assert len(world.repo.programme_changes(world.user_id)) == 4


def test_pain_during_an_exercise_stops_it_for_the_day(world: World) -> None:
    world.screen()
    session = services.start_session(
        world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now
    )
    sid = session.id or 0
    world.checkin(CheckInWhen.BEFORE, sid)
    result = world.checkin(CheckInWhen.DURING, sid, exercise_id="bridge", back_pain=7)
    assert [s.code for s in result.stops] == ["pain_6_or_more"]
    assert result.stops[0].exercise_id == "bridge"
    with pytest.raises(SafetyBlockError, match="stopped for today"):
        services.start_set(world.repo, sid, "bridge", now=world.now)
    services.start_set(world.repo, sid, "plank", now=world.now)  # other exercises go on
    plan = services.todays_plan(world.repo, world.user_id, world.now.date(), now=world.now)
    stopped = {item.exercise_id for item in plan.items if item.stopped}
    assert stopped == {"bridge"}
    world.day(1)
    world.screen(recheck=True)
    assert_may_do_exercise(world.repo, world.user_id, "bridge", world.now.date())


def test_peripheralisation_and_new_numbness_stop(world: World) -> None:
    world.screen()
    sid = services.start_session(
        world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now
    ).id
    world.checkin(CheckInWhen.BEFORE, sid, furthest_symptom="buttock")
    result = world.checkin(
        CheckInWhen.DURING,
        sid,
        exercise_id="plank",
        furthest_symptom="below_knee",
        numbness=True,
    )
    assert result.change is not None and result.change.peripheralised
    assert {s.code for s in result.stops} == {"peripheralisation", "new_numbness"}
    assert any("further down" in line for line in result.advice)


def test_worse_nerve_signs_before_a_session_stop_today(world: World) -> None:
    world.screen()
    world.checkin(CheckInWhen.AFTER)
    world.day(1)
    world.screen(recheck=True)
    result = world.checkin(CheckInWhen.BEFORE, weakness=True)
    assert [s.code for s in result.stops] == ["new_weakness"]
    assert result.stops[0].exercise_id is None
    with pytest.raises(SafetyBlockError, match="stopped for today"):
        services.start_session(world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now)
    plan = services.todays_plan(world.repo, world.user_id, world.now.date(), now=world.now)
    assert plan.blocked


def test_high_pain_before_a_session_gives_advice_not_a_stop(world: World) -> None:
    world.screen()
    result = world.checkin(CheckInWhen.BEFORE, back_pain=6)
    assert result.stops == ()
    assert any("6 or more" in line for line in result.advice)


def test_centralisation_is_encouraged(world: World) -> None:
    world.screen()
    world.checkin(CheckInWhen.BEFORE, furthest_symptom="foot")
    result = world.checkin(CheckInWhen.AFTER, furthest_symptom="thigh")
    assert result.change is not None and result.change.centralised
    assert result.stops == ()
    assert any("good sign" in line for line in result.advice)


def test_repeated_stops_advise_a_clinician(world: World) -> None:
    world.screen()
    first = world.checkin(CheckInWhen.DURING, exercise_id="bridge", leg_pain=6)
    assert not first.see_clinician
    world.day(3)
    second = world.checkin(CheckInWhen.DURING, exercise_id="plank", leg_pain=7)
    assert second.see_clinician
    assert any("doctor or physiotherapist" in line for line in second.advice)
    world.day(30)
    assert not world.checkin(CheckInWhen.BEFORE).see_clinician


def test_checkin_validation_reaches_the_user(world: World) -> None:
    with pytest.raises(InputError, match="leg_pain: expected a whole number from 0 to 10"):
        world.checkin(CheckInWhen.BEFORE, leg_pain=12)
    with pytest.raises(InputError, match="must name the exercise"):
        world.checkin(CheckInWhen.DURING)
    assert world.repo.checkins(world.user_id) == []


def test_manual_set_with_high_pain_is_a_stop(world: World) -> None:
    world.screen()
    sid = (
        services.start_session(
            world.repo, world.user_id, mode=SessionMode.NO_CAMERA, now=world.now
        ).id
        or 0
    )
    ok = services.record_manual_set(
        world.repo, sid, "bridge", reps_done=8, hold_done_s=None, pain_during=2, now=world.now
    )
    assert ok.stop is None and ok.set.reps_done == 8 and ok.set.ended_at is not None
    sore = services.record_manual_set(
        world.repo, sid, "bridge", reps_done=5, hold_done_s=None, pain_during=6, now=world.now
    )
    assert sore.stop is not None and sore.set.stop_code == "pain_6_or_more"
    with pytest.raises(SafetyBlockError):
        services.start_set(world.repo, sid, "bridge", now=world.now)
    with pytest.raises(InputError, match="pain_during"):
        services.record_manual_set(
            world.repo,
            sid,
            "plank",
            reps_done=None,
            hold_done_s=5.0,
            pain_during=11,
            now=world.now,
        )
    with pytest.raises(InputError, match="reps_done or hold_done_s"):
        services.record_manual_set(
            world.repo,
            sid,
            "plank",
            reps_done=None,
            hold_done_s=None,
            pain_during=1,
            now=world.now,
        )


def test_sessions_end_once(world: World) -> None:
    world.screen()
    sid = (
        services.start_session(world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now).id
        or 0
    )
    services.finish_session(world.repo, sid, now=world.now)
    with pytest.raises(InputError, match="already ended"):
        services.finish_session(world.repo, sid, now=world.now)
    with pytest.raises(InputError, match="no session"):
        services.start_set(world.repo, 999, "bridge", now=world.now)


def test_ensure_user(world: World) -> None:
    again = services.ensure_user(world.repo, " ann ", world.now)
    assert again.id == world.user_id
    with pytest.raises(InputError):
        services.ensure_user(world.repo, "  ", world.now)


def test_safety_status_for_a_banner(world: World) -> None:
    today = world.now.date()
    status = services.safety_status(world.repo, world.user_id, today)
    assert not status.may_exercise and status.needs_full_screening and status.outcome is None
    world.screen({"foot_drop": True})
    status = services.safety_status(world.repo, world.user_id, today)
    assert not status.may_exercise and status.outcome is Outcome.SAME_DAY
    assert "today" in status.message and status.needs_full_screening
    world.screen()
    status = services.safety_status(world.repo, world.user_id, today)
    assert status.may_exercise and status.message == "" and not status.needs_recheck
    world.day(1)
    status = services.safety_status(world.repo, world.user_id, world.now.date())
    assert not status.may_exercise and status.needs_recheck and not status.needs_full_screening


def test_checkin_for_someone_elses_session_is_refused(world: World) -> None:
    world.screen()
    sid = services.start_session(
        world.repo, world.user_id, mode=SessionMode.CAMERA, now=world.now
    ).id
    other = services.ensure_user(world.repo, "bob", world.now).id or 0
    with pytest.raises(InputError, match="no session"):
        services.record_checkin(
            world.repo,
            other,
            {
                "back_pain": 1,
                "leg_pain": 1,
                "furthest_symptom": "back",
                "numbness": False,
                "tingling": False,
                "weakness": False,
            },
            when=CheckInWhen.AFTER,
            now=world.now,
            session_id=sid,
        )
