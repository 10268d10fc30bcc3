"""History, today, status and finishing a session run as many SQL statements after 4 days as
after 1: nothing reads per session or per set (bench/history_scale.py measures a year)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from spinecoach.session import accounts
from spinecoach.settings import Settings
from spinecoach.storage import SqlRepository, open_repository
from spinecoach.storage.testing import sqlite_settings
from spinecoach.tracking.state import HoldEvent, RepEvent
from spinecoach.web.app import create_app
from spinecoach.web.local_user import LocalUser
from spinecoach.web.schemas import CheckInIn, ScreeningIn, SetIn
from spinecoach.web.testing import sign_in_by_link

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _answers(user: LocalUser, full: bool) -> dict[str, object]:
    return {q.id: {"yes_no": False, "number": 40}.get(q.kind, next(iter(q.choices or {"": 0})))
            for q in user.questions(full)}


def _day(user: LocalUser, day: int, *, finish: bool = True) -> int:
    user.screen(ScreeningIn(answers=_answers(user, day == 0), full=day == 0))
    sid = user.start_session().id
    calm = {"back_pain": 2, "leg_pain": 1, "leg_extent": "thigh"}
    user.checkin(CheckInIn(when="before", session_id=sid, **calm))  # type: ignore[arg-type]
    for item in user.today().items:
        set_id = user.start_set(sid, SetIn(exercise_id=item.exercise.id))
        for index in (1, 2):
            side = ("left" if index == 1 else "right") if item.exercise.per_side else None
            user.record_rep(set_id, RepEvent(index, index, index + 1, index + 2, side, 0.0,
                                             True, ()))
        user.record_hold(set_id, HoldEvent(1.0, 4.0))
        user.finish_set(set_id)
    user.checkin(CheckInIn(when="after", session_id=sid, **calm))  # type: ignore[arg-type]
    if finish:
        user.finish_session(sid)
    return sid


@pytest.fixture
def counted(tmp_path: Path) -> Iterator[Callable[[int], dict[str, int]]]:
    """Build ``days`` days, then count the statements of each request."""
    opened: list[SqlRepository] = []

    def build_and_count(days: int) -> dict[str, int]:
        settings: Settings = sqlite_settings(tmp_path / f"d{days}")
        repo = open_repository(settings)
        opened.append(repo)
        clock = Clock()
        user = LocalUser(repo, accounts.local_account(repo, clock()), clock=clock)
        for day in range(days):
            clock.now = START + timedelta(days=day)
            _day(user, day)
        clock.now = START + timedelta(days=days)
        sid = _day(user, days, finish=False)
        statements: list[str] = []

        def count(conn: object, cursor: object, statement: str, *args: object) -> None:
            statements.append(statement)

        counts: dict[str, int] = {}
        with TestClient(create_app(settings, repository=repo, clock=clock),
                        base_url="http://localhost") as client:
            sign_in_by_link(client)
            client.get("/api/status")
            for name, call in (("history", lambda: client.get("/api/history")),
                               ("today", lambda: client.get("/today")),
                               ("status", lambda: client.get("/api/status")),
                               ("finish", lambda: client.post(f"/api/sessions/{sid}/finish"))):
                event.listen(repo.engine, "before_cursor_execute", count)
                assert call().status_code == 200
                event.remove(repo.engine, "before_cursor_execute", count)
                counts[name], statements[:] = len(statements), []
        return counts

    yield build_and_count
    for repo in opened:
        repo.close()


def test_requests_run_a_constant_number_of_statements(
    counted: Callable[[int], dict[str, int]],
) -> None:
    few, more = counted(1), counted(4)
    assert few == more
    assert max(more.values()) <= 40  # tens, not thousands
