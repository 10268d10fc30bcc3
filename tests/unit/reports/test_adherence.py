"""Adherence: the calendar, days done against days planned per week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from spinecoach.reports.adherence import (
    DayStatus,
    adherence_calendar,
    overall_adherence,
    weekly_adherence,
)
from spinecoach.session.records import SessionMode, SessionRecord, SessionStatus

MONDAY = date(2026, 11, 2)


def _session(day: date, status: SessionStatus, hour: int = 9) -> SessionRecord:
    at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return SessionRecord(user_id=1, started_at=at, mode=SessionMode.CAMERA, status=status)


def test_each_day_gets_its_best_status() -> None:
    sessions = [
        _session(MONDAY, SessionStatus.ABANDONED),
        _session(MONDAY, SessionStatus.COMPLETED, hour=18),
        _session(MONDAY + timedelta(days=1), SessionStatus.STOPPED),
        _session(MONDAY + timedelta(days=2), SessionStatus.IN_PROGRESS),
    ]
    calendar = adherence_calendar(sessions, MONDAY, MONDAY + timedelta(days=3), tz=UTC)
    assert [d.status for d in calendar] == [
        DayStatus.DONE, DayStatus.STOPPED, DayStatus.PARTIAL, DayStatus.NONE,
    ]
    assert [d.sessions for d in calendar] == [2, 1, 1, 0]


def test_days_are_local_days() -> None:
    late = _session(MONDAY, SessionStatus.COMPLETED, hour=23)
    plus_two = timezone(timedelta(hours=2))
    calendar = adherence_calendar([late], MONDAY, MONDAY + timedelta(days=1), tz=plus_two)
    assert [d.status for d in calendar] == [DayStatus.NONE, DayStatus.DONE]


def test_weeks_count_days_done_against_a_pro_rata_plan() -> None:
    start = MONDAY + timedelta(days=3)  # a Thursday: the first week has 4 days in the period
    done_days = [start, start + timedelta(days=1), start + timedelta(days=4),
                 start + timedelta(days=5)]
    sessions = [_session(d, SessionStatus.COMPLETED) for d in done_days]
    sessions.append(_session(start, SessionStatus.COMPLETED, hour=19))  # twice the same day
    calendar = adherence_calendar(sessions, start, start + timedelta(days=10), tz=UTC)
    weeks = weekly_adherence(calendar, planned_days_per_week=5)
    assert [(w.week_start, w.days_in_period, w.planned, w.done, w.sessions) for w in weeks] == [
        (MONDAY, 4, 3, 2, 3),
        (MONDAY + timedelta(days=7), 7, 5, 2, 2),
    ]
    assert weeks[0].fraction == pytest.approx(2 / 3)
    assert overall_adherence(weeks) == pytest.approx(4 / 8)


def test_extra_days_do_not_make_up_for_a_missed_week() -> None:
    days = [MONDAY + timedelta(days=i) for i in range(7)]
    calendar = adherence_calendar(
        [_session(d, SessionStatus.COMPLETED) for d in days], MONDAY,
        MONDAY + timedelta(days=13), tz=UTC,
    )
    weeks = weekly_adherence(calendar, 5)
    assert [w.done for w in weeks] == [7, 0]
    assert weeks[0].fraction == 1.0
    assert overall_adherence(weeks) == pytest.approx(0.5)
    assert overall_adherence([]) is None


def test_a_set_ended_before_anything_counted_is_not_done() -> None:
    from datetime import UTC, datetime

    from spinecoach.reports.day_progress import day_progress
    from spinecoach.session.records import SetRecord

    at = datetime(2026, 12, 1, 15, tzinfo=UTC)
    empty = SetRecord(session_id=1, exercise_id="bridge", index=0, started_at=at,
                      target_reps=8, target_hold_s=3.0, ended_at=at, reps_done=0)
    counted = SetRecord(session_id=1, exercise_id="bridge", index=1, started_at=at,
                        target_reps=8, target_hold_s=3.0, ended_at=at, reps_done=8)
    progress = day_progress(at.date(), {"bridge": 3, "plank": 3}, [empty, counted])
    assert (progress.sets_done, progress.sets_planned) == (1, 6)
    assert progress.skipped == ["Prone elbow planks"]
