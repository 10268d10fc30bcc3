"""The Repository contract, run on the in-memory fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from spinecoach.domain.checkin import CheckInWhen, SymptomLocation
from spinecoach.domain.codes import StopCode
from spinecoach.domain.dose import Dose
from spinecoach.domain.safety.outcomes import Outcome
from spinecoach.errors import StorageError
from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.session.records import (
    CheckIn,
    HoldRecord,
    Prescription,
    PrescriptionSource,
    ProgrammeChange,
    RepetitionRecord,
    ScreeningKind,
    ScreeningRecord,
    SessionMode,
    SessionRecord,
    SessionStatus,
    SetMode,
    SetRecord,
    StopEventRecord,
    User,
    VideoAnalysis,
)
from spinecoach.session.repository import Repository

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _user(repo: Repository, name: str = "alex") -> int:
    user = repo.add_user(User(name=name, created_at=T0))
    assert user.id is not None
    return user.id


def _session(repo: Repository, user_id: int, at: datetime = T0) -> int:
    session = repo.start_session(
        SessionRecord(user_id=user_id, started_at=at, mode=SessionMode.CAMERA)
    )
    assert session.id is not None
    return session.id


def _set(repo: Repository, session_id: int, index: int = 1, exercise: str = "bridge") -> int:
    record = repo.start_set(
        SetRecord(
            session_id=session_id,
            exercise_id=exercise,
            index=index,
            started_at=T0,
            target_reps=8,
            target_hold_s=3.0,
        )
    )
    assert record.id is not None
    return record.id


def _checkin(user_id: int, at: datetime, **changes: object) -> CheckIn:
    values: dict[str, object] = {
        "user_id": user_id,
        "taken_at": at,
        "when": CheckInWhen.BEFORE,
        "back_pain": 4,
        "leg_pain": 3,
        "furthest_symptom": SymptomLocation.THIGH,
        "numbness": False,
        "tingling": True,
        "weakness": False,
    }
    values.update(changes)
    return CheckIn(**values)  # type: ignore[arg-type]


def test_users_round_trip_and_names_are_unique(repo: Repository) -> None:
    user_id = _user(repo)
    found = repo.find_user("alex")
    assert found == User(id=user_id, name="alex", created_at=T0)
    assert repo.get_user(user_id) == found
    assert repo.get_user(user_id + 999) is None
    assert repo.find_user("nobody") is None
    with pytest.raises(StorageError, match="alex"):
        repo.add_user(User(name="alex", created_at=T0))


def test_datetimes_come_back_aware_utc(repo: Repository) -> None:
    if isinstance(repo, InMemoryRepository):
        pytest.skip("the fake hands back what it was given (callers pass UTC)")
    paris = timezone(timedelta(hours=1))
    user = repo.add_user(User(name="zoe", created_at=datetime(2026, 11, 2, 10, 0, tzinfo=paris)))
    stored = repo.find_user("zoe")
    assert stored is not None and user.id == stored.id
    assert stored.created_at == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert stored.created_at.utcoffset() == timedelta(0)


def test_screenings_keep_answers_and_the_latest_wins(repo: Repository) -> None:
    user_id = _user(repo)
    first = ScreeningRecord(
        user_id=user_id,
        taken_at=T0,
        kind=ScreeningKind.FULL,
        outcome=Outcome.EMERGENCY,
        reasons=("New bladder trouble.",),
        flags=("bladder",),
        answers={"bladder": True, "age": 54, "weight_loss_kg": 2.5, "onset": "sudden"},
        questionnaire_version="1",
    )
    stored = repo.add_screening(first)
    assert stored.id is not None
    recheck = repo.add_screening(
        ScreeningRecord(
            user_id=user_id,
            taken_at=T0 + timedelta(days=1),
            kind=ScreeningKind.RECHECK,
            outcome=Outcome.OK,
        )
    )
    assert repo.screenings(user_id) == [stored, recheck]
    assert repo.screenings(user_id, since=T0 + timedelta(days=1)) == [recheck]
    assert repo.latest_screening(user_id) == recheck
    assert repo.latest_screening(user_id, ScreeningKind.FULL) == stored
    assert repo.latest_screening(user_id + 1) is None
    assert isinstance(stored.outcome, Outcome)


def test_latest_screening_on_a_tie_is_the_last_inserted(repo: Repository) -> None:
    user_id = _user(repo)
    for outcome in (Outcome.OK, Outcome.SAME_DAY):
        repo.add_screening(
            ScreeningRecord(
                user_id=user_id, taken_at=T0, kind=ScreeningKind.FULL, outcome=outcome
            )
        )
    latest = repo.latest_screening(user_id)
    assert latest is not None and latest.outcome is Outcome.SAME_DAY


def test_checkins_round_trip_in_time_order(repo: Repository) -> None:
    user_id = _user(repo)
    session_id = _session(repo, user_id)
    later = repo.add_checkin(
        _checkin(user_id, T0 + timedelta(hours=1), when=CheckInWhen.AFTER, session_id=session_id)
    )
    earlier = repo.add_checkin(
        _checkin(user_id, T0, when=CheckInWhen.DURING, exercise_id="plank", note="ok")
    )
    assert repo.checkins(user_id) == [earlier, later]
    assert repo.checkins(user_id, since=T0 + timedelta(minutes=1)) == [later]
    assert later.furthest_symptom is SymptomLocation.THIGH
    assert repo.checkins(_user(repo, "other")) == []


def test_a_pain_score_out_of_range_is_refused(repo: Repository) -> None:
    if isinstance(repo, InMemoryRepository):
        pytest.skip("the fake does not validate; the domain does before storing")
    user_id = _user(repo)
    with pytest.raises(StorageError):
        repo.add_checkin(_checkin(user_id, T0, back_pain=11))
    assert repo.checkins(user_id) == []


def _prescription(user_id: int, exercise: str, valid_from: date, sets: int) -> Prescription:
    return Prescription(
        user_id=user_id,
        exercise_id=exercise,
        sets=sets,
        reps=8,
        hold_s=3.0,
        rest_s=60.0,
        valid_from=valid_from,
        reason="Start.",
        source=PrescriptionSource.DEFAULT,
    )


def test_prescription_in_force_and_history(repo: Repository) -> None:
    user_id = _user(repo)
    d0 = date(2026, 11, 1)
    a = repo.set_prescription(_prescription(user_id, "bridge", d0, 2))
    b = repo.set_prescription(_prescription(user_id, "plank", d0, 3))
    c = repo.set_prescription(_prescription(user_id, "bridge", d0 + timedelta(days=7), 3))
    tie = repo.set_prescription(
        Prescription(
            **{**_prescription(user_id, "plank", d0, 4).__dict__, "overridden_by": "user"}
            | {"source": PrescriptionSource.OVERRIDE}
        )
    )
    assert repo.prescriptions(user_id, on=d0 - timedelta(days=1)) == []
    assert repo.prescriptions(user_id, on=d0) == [a, tie]
    assert repo.prescriptions(user_id, on=d0 + timedelta(days=7)) == [c, tie]
    assert repo.prescriptions(user_id) == [c, tie]
    assert repo.prescription_history(user_id) == [a, b, c, tie]
    assert tie.source is PrescriptionSource.OVERRIDE and tie.overridden_by == "user"
    assert c.dose == Dose(sets=3, reps=8, hold_s=3.0, rest_s=60.0)


def test_programme_changes_keep_both_doses(repo: Repository) -> None:
    user_id = _user(repo)
    first = repo.add_programme_change(
        ProgrammeChange(
            user_id=user_id,
            exercise_id="plank",
            at=T0,
            old_dose=None,
            new_dose=Dose(sets=3, reps=None, hold_s=10.0, rest_s=30.0),
            reason="Starting dose from the article.",
            source=PrescriptionSource.DEFAULT,
        )
    )
    up = repo.add_programme_change(
        ProgrammeChange(
            user_id=user_id,
            exercise_id="plank",
            at=T0 + timedelta(days=4),
            old_dose=first.new_dose,
            new_dose=Dose(sets=3, reps=None, hold_s=12.0, rest_s=30.0),
            reason="Two good sessions with stable symptoms: hold 2 s longer.",
            source=PrescriptionSource.PROGRESSION,
        )
    )
    assert repo.programme_changes(user_id) == [first, up]
    assert repo.programme_changes(user_id, since=T0 + timedelta(days=1)) == [up]
    assert up.old_dose == Dose(sets=3, reps=None, hold_s=10.0, rest_s=30.0)


def test_sessions_start_end_and_list(repo: Repository) -> None:
    user_id = _user(repo)
    session_id = _session(repo, user_id)
    second = _session(repo, user_id, T0 + timedelta(days=1))
    ended = repo.end_session(session_id, T0 + timedelta(minutes=20), SessionStatus.COMPLETED)
    assert ended.status is SessionStatus.COMPLETED
    assert ended.ended_at == T0 + timedelta(minutes=20)
    assert repo.get_session(session_id) == ended
    assert repo.get_session(second + 999) is None
    assert [s.id for s in repo.sessions(user_id)] == [session_id, second]
    assert [s.id for s in repo.sessions(user_id, since=T0 + timedelta(hours=1))] == [second]
    with pytest.raises(StorageError):
        repo.end_session(second + 999, T0, SessionStatus.ABANDONED)


def test_sets_reps_and_holds(repo: Repository) -> None:
    session_id = _session(repo, _user(repo))
    second = _set(repo, session_id, index=2)
    first = _set(repo, session_id, index=1)
    assert [s.id for s in repo.sets_of(session_id)] == [first, second]
    rep2 = RepetitionRecord(
        set_id=first,
        index=2,
        side="left",
        start_s=5.0,
        peak_s=6.0,
        end_s=9.5,
        hold_s=3.2,
        good_form=False,
        faults=("hold_too_short", "over_extension"),
        metrics={"hip_ext_deg_at_peak": -3.5},
    )
    stored2 = repo.add_repetition(rep2)
    stored1 = repo.add_repetition(
        RepetitionRecord(
            set_id=first, index=1, side=None, start_s=0.5, peak_s=1.0, end_s=4.0,
            hold_s=3.1, good_form=True,
        )
    )
    assert repo.repetitions_of(first) == [stored1, stored2]
    assert stored2.faults == ("hold_too_short", "over_extension")
    assert stored2.duration_s == pytest.approx(4.5)
    h2 = repo.add_hold(HoldRecord(set_id=first, start_s=6.0, end_s=9.2, good_form_s=3.2))
    h1 = repo.add_hold(HoldRecord(set_id=first, start_s=1.0, end_s=4.0, good_form_s=3.0))
    assert repo.holds_of(first) == [h1, h2]
    ended = repo.end_set(first, T0 + timedelta(minutes=2), reps_done=2, hold_done_s=6.2,
                         pain_during=3, stop_code="pain_6_or_more")
    assert (ended.reps_done, ended.hold_done_s, ended.pain_during) == (2, 6.2, 3)
    assert repo.sets_of(session_id)[0] == ended
    assert repo.repetitions_of(second) == [] and repo.holds_of(second) == []


def test_children_of_missing_parents_are_refused(repo: Repository) -> None:
    session_id = _session(repo, _user(repo))
    set_id = _set(repo, session_id)
    with pytest.raises(StorageError):
        _set(repo, session_id + 999)
    with pytest.raises(StorageError):
        repo.add_repetition(
            RepetitionRecord(set_id=set_id + 999, index=1, side=None, start_s=0, peak_s=0,
                             end_s=1, hold_s=0, good_form=True)
        )
    with pytest.raises(StorageError):
        repo.add_hold(HoldRecord(set_id=set_id + 999, start_s=0, end_s=1, good_form_s=1))
    with pytest.raises(StorageError):
        repo.end_set(set_id + 999, T0)


def test_stop_events(repo: Repository) -> None:
    user_id = _user(repo)
    session_id = _session(repo, user_id)
    set_id = _set(repo, session_id, exercise="hip-hinge")
    tracker = repo.add_stop_event(
        StopEventRecord(user_id=user_id, at=T0 + timedelta(minutes=3), code="lumbar_arch",
                        message="Your lower back started to arch.", session_id=session_id,
                        set_id=set_id, exercise_id="hip-hinge")
    )
    symptom = repo.add_stop_event(
        StopEventRecord(user_id=user_id, at=T0, code="peripheralisation",
                        message="Leg symptoms spread further down.")
    )
    assert repo.stop_events(user_id) == [symptom, tracker]
    assert repo.stop_events(user_id, since=T0 + timedelta(minutes=1)) == [tracker]


def test_a_repeated_rep_number_is_kept_not_refused(repo: Repository) -> None:
    set_id = _set(repo, _session(repo, _user(repo)))
    for start_s in (0.0, 10.0):  # e.g. a tracker restarted mid-set numbers from 1 again
        repo.add_repetition(
            RepetitionRecord(set_id=set_id, index=1, side=None, start_s=start_s,
                             peak_s=start_s + 1, end_s=start_s + 2, hold_s=0, good_form=True)
        )
    assert [r.start_s for r in repo.repetitions_of(set_id)] == [0.0, 10.0]


def test_one_set_and_a_set_mode(repo: Repository) -> None:
    session_id = _session(repo, _user(repo))
    typed = repo.start_set(
        SetRecord(session_id=session_id, exercise_id="plank", index=0, started_at=T0,
                  target_reps=None, target_hold_s=10.0, mode=SetMode.MANUAL)
    )
    assert typed.id is not None
    assert repo.get_set(typed.id) == typed and typed.mode is SetMode.MANUAL
    assert repo.get_set(typed.id + 999) is None
    assert repo.get_set(_set(repo, session_id)).mode is SetMode.CAMERA  # type: ignore[union-attr]


def test_children_of_many_parents_at_once(repo: Repository) -> None:
    user_id = _user(repo)
    sessions = [_session(repo, user_id, T0 + timedelta(days=d)) for d in range(3)]
    sets = [_set(repo, s, index=i) for s in reversed(sessions) for i in (2, 1)]
    for set_id in sets:
        for index in (2, 1):
            repo.add_repetition(RepetitionRecord(set_id=set_id, index=index, side=None,
                                                 start_s=index, peak_s=index, end_s=index + 1,
                                                 hold_s=0, good_form=True))
        repo.add_hold(HoldRecord(set_id=set_id, start_s=5.0, end_s=8.0, good_form_s=3.0))
        repo.add_hold(HoldRecord(set_id=set_id, start_s=1.0, end_s=2.0, good_form_s=1.0))
    wanted = sessions[:2]
    got = repo.sets_of_sessions(list(reversed(wanted)))
    assert got == [s for sid in wanted for s in repo.sets_of(sid)]
    assert [(s.session_id, s.index) for s in got] == [(wanted[0], 1), (wanted[0], 2),
                                                      (wanted[1], 1), (wanted[1], 2)]
    set_ids = [s.id or 0 for s in got]
    assert repo.repetitions_of_sets(set_ids) == [
        r for set_id in sorted(set_ids) for r in repo.repetitions_of(set_id)]
    assert repo.holds_of_sets(set_ids) == [
        h for set_id in sorted(set_ids) for h in repo.holds_of(set_id)]
    assert repo.sets_of_sessions([]) == [] and repo.repetitions_of_sets([]) == []


def test_checkins_and_stops_of_sessions(repo: Repository) -> None:
    user_id = _user(repo)
    first, second = _session(repo, user_id), _session(repo, user_id, T0 + timedelta(days=1))
    assert repo.latest_checkin(user_id) is None
    after = repo.add_checkin(_checkin(user_id, T0 + timedelta(hours=1), session_id=first,
                                      when=CheckInWhen.AFTER))
    before = repo.add_checkin(_checkin(user_id, T0, session_id=first))
    loose = repo.add_checkin(_checkin(user_id, T0 + timedelta(days=2)))
    assert repo.checkins_of_sessions([first, second]) == [before, after]
    assert repo.latest_checkin(user_id) == loose
    stop = repo.add_stop_event(
        StopEventRecord(user_id=user_id, at=T0, code=StopCode.LUMBAR_ARCH, message="Arch.",
                        session_id=second, at_s=12.5)
    )
    repo.add_stop_event(StopEventRecord(user_id=user_id, at=T0, code=StopCode.NEW_NUMBNESS,
                                        message="Numb."))
    assert repo.stop_events_of_sessions([first, second]) == [stop]
    assert stop.at_s == 12.5 and stop.code is StopCode.LUMBAR_ARCH


def test_recent_sessions_are_paged_newest_first(repo: Repository) -> None:
    user_id = _user(repo)
    ids = [_session(repo, user_id, T0 + timedelta(days=d)) for d in range(5)]
    _session(repo, _user(repo, "other"))
    assert repo.count_sessions(user_id) == 5
    assert [s.id for s in repo.recent_sessions(user_id, limit=2)] == [ids[4], ids[3]]
    assert [s.id for s in repo.recent_sessions(user_id, limit=2, offset=4)] == [ids[0]]
    assert repo.recent_sessions(user_id, limit=2, offset=9) == []


def test_video_analyses(repo: Repository) -> None:
    user_id = _user(repo)
    first, second = _session(repo, user_id), _session(repo, user_id)
    kept = repo.add_video_analysis(
        VideoAnalysis(session_id=second, exercise_id="bridge", source_path="/v/b.mp4", fps=30.0,
                      frames=300, duration_s=10.0, summary={"reps": 3})
    )
    assert kept.id is not None
    assert repo.video_analyses_of_sessions([first, second]) == [kept]
    with pytest.raises(StorageError):
        repo.add_video_analysis(replace(kept, id=None))


def test_profiles_the_newest_save_wins(repo: Repository) -> None:
    from spinecoach.session.records import Profile

    user_id = _user(repo)
    assert repo.latest_profile(user_id) is None
    first = repo.add_profile(Profile(user_id=user_id, display_name="Alex", saved_at=T0))
    assert first.id is not None and first.clinician_email is None and first.units == "metric"
    repo.add_profile(Profile(user_id=user_id, display_name="Alex Zoë Ødegård",
                             saved_at=T0 + timedelta(minutes=1), clinician_name="Dr Lee",
                             clinician_email="lee@example.org"))
    latest = repo.latest_profile(user_id)
    assert latest is not None and latest.display_name == "Alex Zoë Ødegård"
    assert (latest.clinician_name, latest.clinician_email) == ("Dr Lee", "lee@example.org")
    assert latest.saved_at == T0 + timedelta(minutes=1) and latest.saved_at.tzinfo is not None
    with pytest.raises(StorageError):
        repo.add_profile(Profile(user_id=9999, display_name="Nobody", saved_at=T0))


def test_renewing_the_live_sets_lease_touches_open_sets_only(repo: Repository) -> None:
    session_id = _session(repo, _user(repo))
    live, other, ended = (_set(repo, session_id, index=i) for i in (1, 2, 3))
    repo.end_set(ended, T0 + timedelta(minutes=1), reps_done=4)
    later = T0 + timedelta(minutes=5)
    repo.renew_sets([live, ended, 999_999], later)
    assert repo.get_set(live).alive_at == later  # type: ignore[union-attr]
    assert repo.get_set(other).alive_at is None  # type: ignore[union-attr]
    assert repo.get_set(ended).alive_at is None  # type: ignore[union-attr]
    repo.renew_sets([], later)
    assert [s.id for s in repo.open_sets()] == [live, other]
