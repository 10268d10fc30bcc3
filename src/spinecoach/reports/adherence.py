"""Adherence: sessions done against sessions planned, per week and as a calendar.

A day counts as *done* when it has a session that was completed, or stopped by a safety or
form rule (the user turned up and the app did its job); an abandoned or unfinished session
marks the day *partial*.  The plan is a number of exercise days per week (default 5: the
clinical notes' isometric programme runs 3-5 days a week); a week cut by the reporting
period is planned pro rata.  Days are local calendar days (``tz``; None = this machine's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from spinecoach.session.records import SessionRecord, SessionStatus

DEFAULT_PLANNED_DAYS_PER_WEEK = 5
_DONE = (SessionStatus.COMPLETED, SessionStatus.STOPPED)


class DayStatus(StrEnum):
    """What happened on one calendar day."""

    DONE = "done"  # a completed session
    STOPPED = "stopped"  # a session ended by a stop rule (and none completed)
    PARTIAL = "partial"  # only abandoned or unfinished sessions
    NONE = "none"  # no session


@dataclass(frozen=True)
class CalendarDay:
    """One day of the adherence calendar."""

    day: date
    status: DayStatus
    sessions: int


@dataclass(frozen=True)
class WeekAdherence:
    """One week (Monday first) of the reporting period."""

    week_start: date
    days_in_period: int
    planned: int
    done: int
    sessions: int

    @property
    def fraction(self) -> float | None:
        """Days done over days planned (capped at 1), or None when nothing was planned."""
        return None if self.planned == 0 else min(1.0, self.done / self.planned)


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    """The calendar day of ``moment`` in ``tz`` (None = this machine's zone)."""
    return moment.astimezone(tz).date()


def adherence_calendar(
    sessions: Iterable[SessionRecord], start: date, end: date, tz: tzinfo | None = None
) -> list[CalendarDay]:
    """Return one :class:`CalendarDay` per day from ``start`` to ``end`` inclusive."""
    by_day: dict[date, list[SessionStatus]] = {}
    for session in sessions:
        by_day.setdefault(local_day(session.started_at, tz), []).append(session.status)
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        statuses = by_day.get(day, [])
        days.append(CalendarDay(day=day, status=_day_status(statuses), sessions=len(statuses)))
    return days


def _day_status(statuses: list[SessionStatus]) -> DayStatus:
    if SessionStatus.COMPLETED in statuses:
        return DayStatus.DONE
    if SessionStatus.STOPPED in statuses:
        return DayStatus.STOPPED
    return DayStatus.PARTIAL if statuses else DayStatus.NONE


def weekly_adherence(
    calendar: list[CalendarDay], planned_days_per_week: int = DEFAULT_PLANNED_DAYS_PER_WEEK
) -> list[WeekAdherence]:
    """Group a calendar into Monday-first weeks: days done against days planned."""
    weeks: dict[date, list[CalendarDay]] = {}
    for entry in calendar:
        weeks.setdefault(entry.day - timedelta(days=entry.day.weekday()), []).append(entry)
    result = []
    for week_start, days in sorted(weeks.items()):
        planned = round(planned_days_per_week * len(days) / 7)
        done = sum(1 for d in days if d.status in (DayStatus.DONE, DayStatus.STOPPED))
        result.append(
            WeekAdherence(
                week_start=week_start,
                days_in_period=len(days),
                planned=planned,
                done=done,
                sessions=sum(d.sessions for d in days),
            )
        )
    return result


def overall_adherence(weeks: list[WeekAdherence]) -> float | None:
    """Days done over days planned across the period (each week capped), or None."""
    planned = sum(w.planned for w in weeks)
    if planned == 0:
        return None
    return sum(min(w.done, w.planned) for w in weeks) / planned


def done_sessions(sessions: Iterable[SessionRecord]) -> list[SessionRecord]:
    """The sessions that count as done (completed or stopped by a rule)."""
    return [s for s in sessions if s.status in _DONE]
