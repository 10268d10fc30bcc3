"""A deterministic, made-up history written through the Repository port (demos and tests).

Four weeks of a user getting better: sessions on most weekdays, back pain 6 -> 3 and leg pain
5 -> 2 before sessions, the leg symptom retreating from below the knee to the buttock (with
one peripheralisation in week 2 and its stop), plank holds 10 -> ~20 s, bridge holds reaching
3 s more often, squats nearing the target depth and heel taps in better control.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from spinecoach.domain.checkin import CheckInWhen, SymptomLocation
from spinecoach.domain.codes import FaultCode, StopCode
from spinecoach.domain.safety.outcomes import Outcome
from spinecoach.session.records import (
    CheckIn,
    HoldRecord,
    Prescription,
    PrescriptionSource,
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

SKIPPED_DAYS = frozenset({3, 9, 10, 17})  # day offsets with no session
PERIPHERALISATION_DAY = 8
_LOCATIONS = [SymptomLocation.BELOW_KNEE, SymptomLocation.THIGH, SymptomLocation.BUTTOCK]


def _ids(value: int | None) -> int:
    if value is None:
        raise ValueError("the repository did not assign an id")
    return value


def _checkin(user_id: int, session_id: int, at: datetime, when: CheckInWhen, week: int,
             day: int) -> CheckIn:
    location = _LOCATIONS[min(week, 2)]
    if day == PERIPHERALISATION_DAY and when is CheckInWhen.AFTER:
        location = SymptomLocation.FOOT
    bump = 1 if when is CheckInWhen.AFTER and day == PERIPHERALISATION_DAY else 0
    return CheckIn(user_id=user_id, session_id=session_id, taken_at=at, when=when,
                   back_pain=max(0, 6 - week) + bump, leg_pain=max(0, 5 - week) + bump,
                   furthest_symptom=location, numbness=False, tingling=week < 2, weakness=False)


def _reps(repo: Repository, set_id: int, exercise: str, day: int) -> None:
    for index in range(1, 7):
        good = index <= 3 + day // 6
        metrics = {"thigh_deg_at_peak": 30.0 - day} if exercise == "ball-squat" else {}
        hold_s = (2.0 + day * 0.1 + index * 0.1) if exercise == "bridge" else 0.0
        repo.add_repetition(RepetitionRecord(
            set_id=set_id, index=index, side=None, start_s=index * 6.0,
            peak_s=index * 6.0 + 1.5, end_s=index * 6.0 + 5.0, hold_s=hold_s, good_form=good,
            faults=() if good else (FaultCode.HOLD_TOO_SHORT,), metrics=metrics))


def _exercise(repo: Repository, session_id: int, exercise: str, at: datetime, day: int) -> None:
    index = len(repo.sets_of(session_id))  # numbered per session from 0, as the workout does
    record = repo.start_set(SetRecord(session_id=session_id, exercise_id=exercise, index=index,
                                      started_at=at, target_reps=6, target_hold_s=None))
    set_id = _ids(record.id)
    if exercise == "plank":
        repo.add_hold(HoldRecord(set_id=set_id, start_s=2.0, end_s=12.0 + day * 0.5,
                                 good_form_s=10.0 + day * 0.5))
    else:
        _reps(repo, set_id, exercise, day)
    repo.end_set(set_id, at + timedelta(minutes=3), reps_done=6)


def _session_day(repo: Repository, user_id: int, at: datetime, day: int) -> None:
    week = day // 7
    session = repo.start_session(SessionRecord(user_id=user_id, started_at=at,
                                               mode=SessionMode.CAMERA))
    session_id = _ids(session.id)
    repo.add_checkin(_checkin(user_id, session_id, at, CheckInWhen.BEFORE, week, day))
    for offset, exercise in enumerate(("hip-hinge", "bridge", "plank", "ball-squat")):
        _exercise(repo, session_id, exercise, at + timedelta(minutes=1 + 4 * offset), day)
    end = at + timedelta(minutes=20)
    status = SessionStatus.COMPLETED
    if day == PERIPHERALISATION_DAY:
        status = SessionStatus.STOPPED
        repo.add_stop_event(StopEventRecord(
            user_id=user_id, at=end, code=StopCode.PERIPHERALISATION,
            message="Leg symptoms spread further down the leg.", session_id=session_id,
            exercise_id="ball-squat"))
    repo.add_checkin(_checkin(user_id, session_id, end, CheckInWhen.AFTER, week, day))
    repo.end_session(session_id, end, status)


def build_sample_history(repo: Repository, *, name: str, first_day: date,
                         days: int = 28) -> User:
    """Write ``days`` days of made-up history for a new user called ``name``; return them."""
    start = datetime.combine(first_day, time(8, 0), tzinfo=UTC)
    user = repo.add_user(User(name=name, created_at=start - timedelta(hours=1)))
    user_id = _ids(user.id)
    repo.add_screening(ScreeningRecord(user_id=user_id, taken_at=start - timedelta(minutes=30),
                                       kind=ScreeningKind.FULL, outcome=Outcome.OK))
    for exercise, sets, reps, hold_s in (("hip-hinge", 2, 6, None), ("bridge", 2, 8, 3.0),
                                         ("plank", 3, None, 10.0), ("ball-squat", 2, 8, 3.0)):
        repo.set_prescription(Prescription(
            user_id=user_id, exercise_id=exercise, sets=sets, reps=reps, hold_s=hold_s,
            rest_s=60.0, valid_from=first_day, reason="Starting dose from the article.",
            source=PrescriptionSource.DEFAULT))
    for day in range(days):
        weekday = (first_day + timedelta(days=day)).weekday()
        if day in SKIPPED_DAYS or weekday == 6:
            continue
        _session_day(repo, user_id, start + timedelta(days=day), day)
    return user
