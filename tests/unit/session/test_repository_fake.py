"""The in-memory repository keeps the Repository contract (the reference behaviour)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from spinecoach.domain.checkin import CheckInWhen, SymptomLocation
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
    SetRecord,
    StopEventRecord,
    User,
)
from spinecoach.session.repository import Repository

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def make_repo() -> Repository:
    repo: Repository = InMemoryRepository()  # type-checks the fake against the port
    return repo


def test_users_get_ids_and_unique_names() -> None:
    repo = make_repo()
    user = repo.add_user(User(name="ann", created_at=T0))
    assert user.id is not None
    assert repo.get_user(user.id) == user
    assert repo.find_user("ann") == user
    assert repo.find_user("bob") is None
    with pytest.raises(StorageError):
        repo.add_user(User(name="ann", created_at=T0))


def test_latest_screening_and_kind_filter() -> None:
    repo = make_repo()
    uid = repo.add_user(User(name="ann", created_at=T0)).id or 0
    full = repo.add_screening(
        ScreeningRecord(user_id=uid, taken_at=T0, kind=ScreeningKind.FULL, outcome=Outcome.OK)
    )
    recheck = repo.add_screening(
        ScreeningRecord(
            user_id=uid,
            taken_at=T0 + timedelta(days=1),
            kind=ScreeningKind.RECHECK,
            outcome=Outcome.EMERGENCY,
            reasons=("Numbness in the saddle area.",),
            flags=("saddle_numbness",),
            answers={"saddle_numbness": True},
        )
    )
    assert repo.latest_screening(uid) == recheck
    assert repo.latest_screening(uid, ScreeningKind.FULL) == full
    assert repo.screenings(uid, since=T0 + timedelta(hours=1)) == [recheck]


def test_prescription_in_force_by_date() -> None:
    repo = make_repo()
    uid = repo.add_user(User(name="ann", created_at=T0)).id or 0
    common = dict(user_id=uid, exercise_id="plank", sets=3, reps=None, rest_s=30.0)
    first = repo.set_prescription(
        Prescription(
            **common,
            hold_s=10.0,
            valid_from=date(2026, 1, 1),
            reason="a",
            source=PrescriptionSource.DEFAULT,
        )  # type: ignore[arg-type]
    )
    second = repo.set_prescription(
        Prescription(
            **common,
            hold_s=13.0,
            valid_from=date(2026, 1, 10),
            reason="b",
            source=PrescriptionSource.PROGRESSION,
        )  # type: ignore[arg-type]
    )
    assert repo.prescriptions(uid) == [second]
    assert repo.prescriptions(uid, on=date(2026, 1, 5)) == [first]
    assert repo.prescriptions(uid, on=date(2025, 12, 31)) == []
    assert repo.prescription_history(uid) == [first, second]
    change = repo.add_programme_change(
        ProgrammeChange(
            user_id=uid,
            exercise_id="plank",
            at=T0,
            old_dose=first.dose,
            new_dose=Dose(sets=3, reps=None, hold_s=13.0, rest_s=30.0),
            reason="b",
            source=PrescriptionSource.PROGRESSION,
        )
    )
    assert repo.programme_changes(uid) == [change]


def test_session_set_reps_holds_stops() -> None:
    repo = make_repo()
    uid = repo.add_user(User(name="ann", created_at=T0)).id or 0
    session = repo.start_session(SessionRecord(user_id=uid, started_at=T0, mode=SessionMode.CAMERA))
    sid = session.id or 0
    set_ = repo.start_set(
        SetRecord(
            session_id=sid,
            exercise_id="bridge",
            index=0,
            started_at=T0,
            target_reps=8,
            target_hold_s=3.0,
        )
    )
    set_id = set_.id or 0
    rep = repo.add_repetition(
        RepetitionRecord(
            set_id=set_id,
            index=0,
            side=None,
            start_s=0.0,
            peak_s=1.0,
            end_s=5.0,
            hold_s=3.1,
            good_form=True,
            metrics={"hip_deg": 2.0},
        )
    )
    assert rep.duration_s == 5.0
    repo.add_hold(HoldRecord(set_id=set_id, start_s=1.0, end_s=4.1, good_form_s=3.1))
    assert repo.repetitions_of(set_id) == [rep]
    assert len(repo.holds_of(set_id)) == 1
    ended_set = repo.end_set(set_id, T0 + timedelta(minutes=1), reps_done=1, stop_code=None)
    assert ended_set.reps_done == 1 and ended_set.ended_at is not None
    assert repo.sets_of(sid) == [ended_set]
    ended = repo.end_session(sid, T0 + timedelta(minutes=5), SessionStatus.COMPLETED)
    assert repo.sessions(uid) == [ended]
    assert repo.get_session(sid) == ended
    stop = repo.add_stop_event(
        StopEventRecord(user_id=uid, at=T0, code="lumbar_arch", message="m", set_id=set_id)
    )
    assert repo.stop_events(uid) == [stop]
    with pytest.raises(StorageError):
        repo.end_session(999, T0, SessionStatus.COMPLETED)
    with pytest.raises(StorageError):
        repo.add_repetition(
            RepetitionRecord(
                set_id=999,
                index=0,
                side=None,
                start_s=0,
                peak_s=0,
                end_s=0,
                hold_s=0,
                good_form=True,
            )
        )


def test_checkins_since() -> None:
    repo = make_repo()
    uid = repo.add_user(User(name="ann", created_at=T0)).id or 0
    kwargs = dict(
        user_id=uid,
        when=CheckInWhen.BEFORE,
        back_pain=3,
        leg_pain=2,
        furthest_symptom=SymptomLocation.THIGH,
        numbness=False,
        tingling=True,
        weakness=False,
    )
    a = repo.add_checkin(CheckIn(taken_at=T0, **kwargs))  # type: ignore[arg-type]
    b = repo.add_checkin(CheckIn(taken_at=T0 + timedelta(days=2), **kwargs))  # type: ignore[arg-type]
    assert repo.checkins(uid) == [a, b]
    assert repo.checkins(uid, since=T0 + timedelta(days=1)) == [b]
    assert a.worst_pain == 3


def test_dangling_references_are_refused() -> None:
    repo = make_repo()
    with pytest.raises(StorageError):
        repo.start_session(SessionRecord(user_id=42, started_at=T0, mode=SessionMode.CAMERA))
    uid = repo.add_user(User(name="ann", created_at=T0)).id or 0
    with pytest.raises(StorageError):
        repo.add_stop_event(
            StopEventRecord(user_id=uid, at=T0, code="x", message="m", session_id=77)
        )
