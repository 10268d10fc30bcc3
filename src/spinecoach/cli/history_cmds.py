"""``spinecoach history``, ``spinecoach export`` and ``spinecoach report``.

Thin: each handler opens the configured database, resolves the user the same way as the
safety commands (``--user NAME``, else the first account, made on first use), loads
the user's records and hands them to :mod:`spinecoach.reports`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from spinecoach.cli import command
from spinecoach.domain.dates import local_date
from spinecoach.errors import InputError
from spinecoach.reports.adherence import DEFAULT_PLANNED_DAYS_PER_WEEK
from spinecoach.reports.data import HistoryData, load_history
from spinecoach.reports.period import REPORT_DAYS, last_days, load_summary
from spinecoach.reports.summary import HistorySummary, summarise
from spinecoach.session import accounts

if TYPE_CHECKING:
    from spinecoach.session.records import User
    from spinecoach.session.repository import Repository

DEFAULT_DAYS = REPORT_DAYS
MAX_DAYS = 3660


@contextmanager
def _repository() -> Iterator[Repository]:
    from spinecoach.settings import load_settings
    from spinecoach.storage import open_repository

    repo = open_repository(load_settings())
    try:
        yield repo
    finally:
        repo.close()


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, got {text!r}") from None
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"days must be between 1 and {MAX_DAYS}, got {days}")
    return days


def _per_week(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 7:
        raise argparse.ArgumentTypeError(f"days per week must be 1 to 7, got {value}")
    return value


def _add_common(parser: argparse.ArgumentParser, *, days_default: int | None) -> None:
    parser.add_argument("--user", metavar="NAME", help="whose data (default: the first account)")
    parser.add_argument(
        "--days",
        type=_days,
        default=days_default,
        metavar="N",
        help=f"the last N days, today included (default: {days_default or 'everything'})",
    )


def _add_plan(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--per-week",
        type=_per_week,
        default=DEFAULT_PLANNED_DAYS_PER_WEEK,
        metavar="N",
        help=f"planned exercise days per week (default {DEFAULT_PLANNED_DAYS_PER_WEEK})",
    )


def _user(repo: Repository, name: str | None) -> User:
    return accounts.record_owner(repo, name, datetime.now(UTC))


def _summary(args: argparse.Namespace, repo: Repository, days: int) -> HistorySummary:
    per_week = getattr(args, "per_week", DEFAULT_PLANNED_DAYS_PER_WEEK)
    return load_summary(repo, _user(repo, args.user), datetime.now(UTC), days=days,
                        planned_days_per_week=per_week)[1]


def _first_day(data: HistoryData, today: date) -> date:
    moments = [data.user.created_at, *(s.started_at for s in data.sessions)]
    moments += [c.taken_at for c in data.checkins]
    return min(min(local_date(m) for m in moments), today)


def _configure_history(parser: argparse.ArgumentParser) -> None:
    _add_common(parser, days_default=DEFAULT_DAYS)
    _add_plan(parser)
    parser.add_argument("--json", action="store_true", help="print the history as JSON")


@command(
    "history",
    "Show adherence, pain and leg-symptom trends and per-exercise progress.",
    _configure_history,
)
def history(args: argparse.Namespace) -> int:
    """Print the user's history."""
    from spinecoach.reports.serialise import summary_to_dict
    from spinecoach.reports.text import render_text

    with _repository() as repo:
        summary = _summary(args, repo, args.days)
    if args.json:
        sys.stdout.write(json.dumps(summary_to_dict(summary), indent=2) + "\n")
    else:
        sys.stdout.write(render_text(summary))
    return 0


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "json"), required=True)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="PATH",
        help="csv: a directory, or a .zip file; json: a .json file",
    )
    _add_common(parser, days_default=None)


@command("export", "Export every record as CSV (one file per table) or JSON.", _configure_export)
def export(args: argparse.Namespace) -> int:
    """Write the user's records to ``--out``."""
    from spinecoach.reports.export import export_csv, export_json

    now = datetime.now(UTC)
    today = local_date(now)
    with _repository() as repo:
        user = _user(repo, args.user)
        period = last_days(user, now, args.days or 1)
        data = load_history(repo, user, period.since if args.days else None)
    start = period.start if args.days else _first_day(data, today)
    summary = summarise(data, start=start, end=today, now=now)
    if args.format == "csv":
        files = export_csv(data, args.out)
        sys.stdout.write(f"Wrote {len(files)} CSV files to {args.out}.\n")
    else:
        export_json(data, args.out, summary)
        sys.stdout.write(f"Wrote {args.out}.\n")
    return 0


def _configure_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("html", "pdf"), help="default: from the --out file's extension"
    )
    parser.add_argument("--out", type=Path, required=True, metavar="PATH")
    _add_common(parser, days_default=DEFAULT_DAYS)
    _add_plan(parser)


@command(
    "report",
    "Write a one-page report for your physiotherapist (HTML or PDF). "
    "It does not replace a clinician.",
    _configure_report,
)
def report(args: argparse.Namespace) -> int:
    """Write the clinician report to ``--out``."""
    fmt = args.format or args.out.suffix.lower().lstrip(".")
    if fmt not in ("html", "pdf"):
        raise InputError("report: give --format html or pdf (or an --out ending in .html/.pdf)")
    with _repository() as repo:
        summary = _summary(args, repo, args.days)
    if fmt == "pdf":
        from spinecoach.reports.pdf import write_pdf

        write_pdf(summary, args.out)
    else:
        from spinecoach.reports.html import write_html

        write_html(summary, args.out)
    sys.stdout.write(f"Wrote the {fmt.upper()} report to {args.out}.\n")
    return 0
