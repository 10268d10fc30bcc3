"""The period a history view or report covers, and its summary: written once for every front end.

The web app's history page and report and the ``history`` / ``report`` / ``export`` commands
all show the last :data:`REPORT_DAYS` days (today included) unless told otherwise, never
starting before the user's first day (the account's, or an earlier saved video's), and read
only the records of that period (plus a day of margin for time zones:
:func:`~spinecoach.reports.summary.summarise` filters by local day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from spinecoach.domain.dates import local_date
from spinecoach.reports.adherence import DEFAULT_PLANNED_DAYS_PER_WEEK
from spinecoach.reports.data import HistoryData, load_history
from spinecoach.reports.summary import HistorySummary, summarise
from spinecoach.session.profile import report_names
from spinecoach.session.records import User
from spinecoach.session.repository import Repository

REPORT_DAYS = 28
"""The default period of the history page, the clinician report and ``spinecoach history``."""


@dataclass(frozen=True)
class Period:
    """Local days ``start`` .. ``end`` (inclusive); records are read from ``since``."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        """The moment to read records from (a day of margin before ``start``)."""
        return datetime.combine(self.start - timedelta(days=1), time.min, tzinfo=UTC)


def last_days(user: User, now: datetime, days: int = REPORT_DAYS,
              first_record: date | None = None) -> Period:
    """The last ``days`` days up to today, but not before the user's first day: the day the
    account was made or, when earlier, ``first_record`` (a video filmed before it)."""
    end = local_date(now)
    first = min(local_date(user.created_at), end, first_record or end)
    return Period(start=max(end - timedelta(days=days - 1), first), end=end)


def load_summary(
    repo: Repository,
    user: User,
    now: datetime,
    *,
    days: int = REPORT_DAYS,
    planned_days_per_week: int = DEFAULT_PLANNED_DAYS_PER_WEEK,
) -> tuple[HistoryData, HistorySummary]:
    """Read the records of :func:`last_days` and summarise them (named from the profile)."""
    window = last_days(user, now, days, first_record=local_date(now) - timedelta(days=days))
    data = load_history(repo, user, window.since)
    period = last_days(user, now, days, first_record=min(
        (local_date(s.started_at) for s in data.sessions), default=None))
    names = report_names(repo, user)
    summary = summarise(data, start=period.start, end=period.end, now=now,
                        planned_days_per_week=planned_days_per_week,
                        user_name=names.patient, clinician=names.clinician)
    return data, summary
