"""The clinician report and the exports, produced by :mod:`spinecoach.reports`.

Thin glue for :class:`~spinecoach.web.backend_core.CoreBackend`: load the user's records,
summarise the last :data:`REPORT_DAYS` days, render.  Rendering (matplotlib, reportlab) is
slow-ish, so the routes call these in a worker thread.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from spinecoach.domain.dates import local_date
from spinecoach.reports.data import HistoryData, load_history
from spinecoach.reports.summary import HistorySummary, summarise
from spinecoach.session.records import User
from spinecoach.session.repository import Repository

REPORT_DAYS = 28


def _data_and_summary(repo: Repository, user: User,
                      now: datetime) -> tuple[HistoryData, HistorySummary]:
    end = local_date(now)
    start = max(end - timedelta(days=REPORT_DAYS - 1), min(local_date(user.created_at), end))
    since = datetime.combine(start - timedelta(days=1), time.min, tzinfo=UTC)
    data = load_history(repo, user, since)
    return data, summarise(data, start=start, end=end, now=now)


def history_summary(repo: Repository, user: User, now: datetime) -> HistorySummary:
    """The last :data:`REPORT_DAYS` days (or since the first use) summarised."""
    return _data_and_summary(repo, user, now)[1]


def history_notes(summary: HistorySummary) -> list[str]:
    """Plain sentences for the history page: adherence, pain, leg symptoms, each exercise."""
    from spinecoach.reports.text import (
        describe_adherence,
        describe_pain_change,
        describe_shifts,
        describe_trend,
    )

    notes = [describe_adherence(summary), describe_pain_change(summary.back_pain, "back"),
             describe_pain_change(summary.leg_pain, "leg"), describe_shifts(summary)]
    return notes + [describe_trend(t) for t in summary.trends.values() if t.points]


def report_html(repo: Repository, user: User, now: datetime) -> str:
    """The one-page clinician report as self-contained HTML."""
    from spinecoach.reports.html import render_html

    return render_html(_data_and_summary(repo, user, now)[1])


def report_pdf(repo: Repository, user: User, now: datetime) -> bytes:
    """The one-page clinician report as PDF."""
    from spinecoach.reports.pdf import render_pdf

    return render_pdf(_data_and_summary(repo, user, now)[1])


def export_document(repo: Repository, user: User, now: datetime) -> dict[str, Any]:
    """Every stored record of the user, plus the summary, as JSON-ready data."""
    from spinecoach.reports.export import export_document as document

    _, summary = _data_and_summary(repo, user, now)
    return document(load_history(repo, user, None), summary)


def export_csv_zip(repo: Repository, user: User) -> bytes:
    """Every stored record of the user as CSV files (one per table) in a zip archive."""
    from spinecoach.reports.export import export_csv

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "spinecoach-export.zip"
        export_csv(load_history(repo, user, None), out)
        return out.read_bytes()
