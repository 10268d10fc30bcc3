"""One summary of a user's history: what the ``history`` command, the exports' JSON summary
and the clinician report all show.

:func:`summarise` is pure: it takes :class:`~spinecoach.reports.data.HistoryData` and the
period, and returns a :class:`HistorySummary` of plain values; rendering lives elsewhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from spinecoach.domain.safety.outcomes import NOT_A_CLINICIAN
from spinecoach.reports.adherence import (
    DEFAULT_PLANNED_DAYS_PER_WEEK,
    CalendarDay,
    WeekAdherence,
    adherence_calendar,
    done_sessions,
    local_day,
    overall_adherence,
    weekly_adherence,
)
from spinecoach.reports.data import HistoryData
from spinecoach.reports.day_progress import DayProgress, exercise_names, period_progress
from spinecoach.reports.exercise_trends import ExerciseTrend, exercise_trends
from spinecoach.reports.symptoms import (
    PainChange,
    SessionPainResponse,
    ShiftKind,
    SymptomShift,
    pain_change,
    session_pain_responses,
    symptom_shifts,
)
from spinecoach.session.records import CheckIn, Prescription, StopEventRecord

DISCLAIMER = (
    f"{NOT_A_CLINICIAN} This report summarises what the user recorded at home; it is not a "
    "diagnosis. Review it with the patient's history and examination."
)


@dataclass(frozen=True)
class DoseLine:
    """The dose in force for one exercise."""

    exercise_id: str
    dose: str
    since: date
    reason: str


@dataclass(frozen=True)
class HistorySummary:
    """Everything a history view or report shows, as plain values."""

    user_name: str
    start: date
    end: date
    generated_at: datetime
    planned_days_per_week: int
    calendar: list[CalendarDay]
    weeks: list[WeekAdherence]
    adherence: float | None
    sessions_done: int
    sessions_total: int
    checkins: list[CheckIn]
    back_pain: PainChange | None
    leg_pain: PainChange | None
    shifts: list[SymptomShift]
    pain_responses: list[SessionPainResponse]
    trends: dict[str, ExerciseTrend]
    stops: list[StopEventRecord]
    doses: list[DoseLine]
    programme_changes: list[tuple[datetime, str, str]]
    latest_screening: tuple[datetime, str] | None
    tz: tzinfo | None = None
    disclaimer: str = DISCLAIMER
    days: list[DayProgress] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    clinician: str | None = None

    def name(self, exercise_id: str) -> str:
        """The name of an exercise (never its id, unless it is no longer shipped)."""
        return self.names.get(exercise_id, exercise_id)

    def local(self, moment: datetime) -> datetime:
        """``moment`` as a naive local time in the report's zone (for charts and tables)."""
        return moment.astimezone(self.tz).replace(tzinfo=None)

    @property
    def centralisations(self) -> int:
        """Number of centralisations in the period."""
        return sum(1 for s in self.shifts if s.kind is ShiftKind.CENTRALISATION)

    @property
    def peripheralisations(self) -> int:
        """Number of peripheralisations in the period."""
        return sum(1 for s in self.shifts if s.kind is ShiftKind.PERIPHERALISATION)

    @property
    def stop_counts(self) -> dict[str, int]:
        """Stops by code."""
        return dict(Counter(s.code for s in self.stops))


def _doses(data: HistoryData, end: date) -> list[DoseLine]:
    current: dict[str, Prescription] = {}
    for item in data.prescriptions:
        held = current.get(item.exercise_id)
        if item.valid_from <= end and (held is None or item.valid_from >= held.valid_from):
            current[item.exercise_id] = item
    return [
        DoseLine(key, current[key].dose.describe(), current[key].valid_from, current[key].reason)
        for key in sorted(current)
    ]


def summarise(
    data: HistoryData,
    *,
    start: date,
    end: date,
    now: datetime,
    tz: tzinfo | None = None,
    planned_days_per_week: int = DEFAULT_PLANNED_DAYS_PER_WEEK,
    user_name: str | None = None,
    clinician: str | None = None,
) -> HistorySummary:
    """Summarise ``data`` over the local days ``start`` .. ``end`` (inclusive).

    ``user_name`` is the name the report shows (the profile's; default the user's own),
    ``clinician`` who the report is for (None: nobody named).
    """

    def inside(moment: datetime) -> bool:
        return start <= local_day(moment, tz) <= end

    sessions = [s for s in data.sessions if inside(s.started_at)]
    checkins = [c for c in data.checkins if inside(c.taken_at)]
    calendar = adherence_calendar(sessions, start, end, tz)
    weeks = weekly_adherence(calendar, planned_days_per_week)
    period = HistoryData(
        user=data.user, sessions=sessions, sets=data.sets, repetitions=data.repetitions,
        holds=data.holds,
    )
    screenings = [s for s in data.screenings if local_day(s.taken_at, tz) <= end]
    names = exercise_names()
    return HistorySummary(
        user_name=user_name or data.user.name, start=start, end=end, generated_at=now,
        planned_days_per_week=planned_days_per_week, calendar=calendar, weeks=weeks,
        adherence=overall_adherence(weeks), sessions_done=len(done_sessions(sessions)),
        sessions_total=len(sessions), checkins=checkins,
        back_pain=pain_change(checkins, "back"), leg_pain=pain_change(checkins, "leg"),
        shifts=symptom_shifts(checkins), pain_responses=session_pain_responses(checkins),
        trends=exercise_trends(period), stops=[s for s in data.stop_events if inside(s.at)],
        doses=_doses(data, end),
        programme_changes=[(c.at, c.exercise_id, c.reason)
                           for c in data.programme_changes if inside(c.at)],
        tz=tz, names=names, clinician=clinician,
        days=period_progress(sessions, data.sets, data.prescriptions, tz=tz,
                             names=names),
        latest_screening=(
            (screenings[-1].taken_at, screenings[-1].outcome.value) if screenings else None),
    )
