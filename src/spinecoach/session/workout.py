"""Session use cases: start and finish a session, start a set, enter a set by hand.

Every start goes through the guards of :mod:`spinecoach.session.guards`, so a user blocked by
screening or stopped by a symptom rule cannot start anything, whichever front end asks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from spinecoach.domain.codes import StopCode
from spinecoach.domain.dates import local_date
from spinecoach.domain.programme import Programme, load_programme
from spinecoach.domain.safety.stops import STOP_PAIN, pain_advice
from spinecoach.errors import InputError
from spinecoach.session.guards import assert_may_do_exercise, assert_may_exercise
from spinecoach.session.programme_service import apply_progression, dose_today
from spinecoach.session.records import (
    MAX_NOTE_CHARS,
    ProgrammeChange,
    SessionMode,
    SessionRecord,
    SessionStatus,
    SetMode,
    SetRecord,
    StopEventRecord,
)
from spinecoach.session.repository import Repository

MAX_REPS = 100
MAX_HOLD_S = 600.0


def start_session(
    repo: Repository, user_id: int, *, mode: SessionMode, now: datetime
) -> SessionRecord:
    """Start a session; raise :class:`~spinecoach.errors.SafetyBlockError` when blocked."""
    assert_may_exercise(repo, user_id, local_date(now))
    return repo.start_session(SessionRecord(user_id=user_id, started_at=now, mode=mode))


def _open_session(repo: Repository, session_id: int) -> SessionRecord:
    session = repo.get_session(session_id)
    if session is None:
        raise InputError(f"session: no session with id {session_id}")
    if session.status is not SessionStatus.IN_PROGRESS:
        raise InputError(f"session: session {session_id} has already ended")
    return session


def start_set(
    repo: Repository,
    session_id: int,
    exercise_id: str,
    *,
    now: datetime,
    mode: SetMode = SetMode.CAMERA,
    programme: Programme | None = None,
) -> SetRecord:
    """Start a set of ``exercise_id`` with today's target dose.

    Raises
    ------
    SafetyBlockError
        When exercise is blocked, or this exercise was stopped today.
    InputError
        For an unknown or finished session; UnknownExerciseError for an unknown exercise.
    """
    session = _open_session(repo, session_id)
    (programme or load_programme()).exercise(exercise_id)
    assert_may_do_exercise(repo, session.user_id, exercise_id, local_date(now))
    dose = dose_today(repo, session.user_id, exercise_id, now, programme)
    return repo.start_set(
        SetRecord(
            session_id=session_id,
            exercise_id=exercise_id,
            index=len(repo.sets_of(session_id)),
            started_at=now,
            target_reps=dose.reps,
            target_hold_s=dose.hold_s,
            mode=mode,
        )
    )


@dataclass(frozen=True)
class ManualSetResult:
    """A set entered by hand, and any stop it caused."""

    set: SetRecord
    stop: StopEventRecord | None
    advice: str


def record_manual_set(
    repo: Repository,
    session_id: int,
    exercise_id: str,
    *,
    reps_done: int | None,
    hold_done_s: float | None,
    pain_during: int | None,
    now: datetime,
    programme: Programme | None = None,
    note: str | None = None,
) -> ManualSetResult:
    """Record a set done without a camera: what was done and the pain during it (0-10).

    Pain of 6 or more stops this exercise for today and is recorded as a stop event; pain
    left out (None) is stored as not given; ``note`` is the user's own words about the set.
    """
    _check_manual(reps_done, hold_done_s, pain_during)
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise InputError(f"bad set: note: at most {MAX_NOTE_CHARS} characters")
    started = start_set(
        repo, session_id, exercise_id, now=now, mode=SetMode.MANUAL, programme=programme
    )
    painful = pain_during is not None and pain_during >= STOP_PAIN
    stop_code = StopCode.PAIN_6_OR_MORE if painful else None
    ended = repo.end_set(
        started.id or 0,
        now,
        reps_done=reps_done,
        hold_done_s=hold_done_s,
        pain_during=pain_during,
        stop_code=stop_code,
        note=note,
    )
    stop = None
    if stop_code is not None:
        stop = repo.add_stop_event(
            StopEventRecord(
                user_id=_open_session(repo, session_id).user_id,
                at=now,
                code=stop_code,
                message=f"Your pain was {pain_during} out of 10. Please stop this exercise "
                "for today.",
                session_id=session_id,
                set_id=ended.id,
                exercise_id=exercise_id,
            )
        )
    advice = pain_advice(pain_during) if pain_during is not None else ""
    return ManualSetResult(set=ended, stop=stop, advice=advice)


def _check_manual(
    reps_done: int | None, hold_done_s: float | None, pain_during: int | None
) -> None:
    problems = []
    if reps_done is None and hold_done_s is None:
        problems.append("give reps_done or hold_done_s")
    if reps_done is not None and (
        isinstance(reps_done, bool)
        or not isinstance(reps_done, int)
        or not 0 <= reps_done <= MAX_REPS
    ):
        problems.append(f"reps_done: expected 0 to {MAX_REPS}, got {reps_done!r}")
    if hold_done_s is not None and (
        not math.isfinite(hold_done_s) or not 0 <= hold_done_s <= MAX_HOLD_S
    ):
        problems.append(f"hold_done_s: expected 0 to {MAX_HOLD_S:g} seconds, got {hold_done_s!r}")
    if pain_during is not None and (
        isinstance(pain_during, bool)
        or not isinstance(pain_during, int)
        or not 0 <= pain_during <= 10
    ):
        problems.append(f"pain_during: expected a whole number from 0 to 10, got {pain_during!r}")
    if problems:
        raise InputError("bad set: " + "; ".join(problems))


@dataclass(frozen=True)
class FinishedSession:
    """A finished session and the dose changes it led to (each with its reason)."""

    session: SessionRecord
    changes: tuple[ProgrammeChange, ...]


def finish_session(
    repo: Repository,
    session_id: int,
    *,
    now: datetime,
    status: SessionStatus = SessionStatus.COMPLETED,
    programme: Programme | None = None,
) -> FinishedSession:
    """End a session and apply progression (new doses start tomorrow)."""
    if status is SessionStatus.IN_PROGRESS:
        raise InputError("status: a finished session cannot be in progress")
    session = _open_session(repo, session_id)
    ended = repo.end_session(session_id, now, status)
    changes = apply_progression(repo, session.user_id, now, programme)
    return FinishedSession(session=ended, changes=tuple(changes))
