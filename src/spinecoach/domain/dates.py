"""The user's calendar: which day a moment falls on.

Every "today" in spinecoach (the daily re-check, stops that last until tomorrow, adherence,
report periods) is the local date of a timezone-aware moment on this machine.
"""

from __future__ import annotations

from datetime import date, datetime


def local_date(moment: datetime) -> date:
    """The calendar date of ``moment`` in this machine's time zone (the user's day)."""
    return moment.astimezone().date()
