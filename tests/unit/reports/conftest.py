"""A four-week made-up history in the in-memory repository, summarised in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from spinecoach.reports.data import HistoryData, load_history
from spinecoach.reports.sample import build_sample_history
from spinecoach.reports.summary import HistorySummary, summarise
from spinecoach.session.in_memory import InMemoryRepository

FIRST_DAY = date(2026, 10, 26)  # a Monday
LAST_DAY = date(2026, 11, 22)  # a Sunday: exactly four weeks
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def history() -> HistoryData:
    """The sample history of "Jane Doe"."""
    repo = InMemoryRepository()
    user = build_sample_history(repo, name="Jane Doe", first_day=FIRST_DAY)
    return load_history(repo, user)


@pytest.fixture
def summary(history: HistoryData) -> HistorySummary:
    """The sample history summarised over its four weeks."""
    return summarise(history, start=FIRST_DAY, end=LAST_DAY, now=NOW, tz=UTC)
