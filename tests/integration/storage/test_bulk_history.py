"""load_history reads the SQL repository in bulk and gets what the per-session reads give."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

import spinecoach.storage.database as database
from spinecoach.reports.data import load_history
from spinecoach.reports.sample import build_sample_history
from spinecoach.storage import SqlRepository


def test_bulk_reads_match_the_per_parent_reads(
    sql_repo: SqlRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "IN_CHUNK", 7)  # several chunks per list
    user = build_sample_history(sql_repo, name="bulk", first_day=date(2026, 11, 2), days=9)
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(sql_repo.engine, "before_cursor_execute", count)
    data = load_history(sql_repo, user)
    event.remove(sql_repo.engine, "before_cursor_execute", count)
    sets = [s for session in data.sessions for s in sql_repo.sets_of(session.id or 0)]
    assert data.sets == sets and len(sets) == 4 * len(data.sessions)
    assert data.repetitions == [r for s in sets for r in sql_repo.repetitions_of(s.id or 0)]
    assert data.holds == [h for s in sets for h in sql_repo.holds_of(s.id or 0)]
    assert len(data.holds) == len(data.sessions)  # one plank hold per session
    chunks = 2 * (-(-len(sets) // 7)) + 2 * (-(-len(data.sessions) // 7))
    assert len(statements) <= 8 + chunks < 2 * len(sets)  # not a statement per set
