"""The history calendar shows the user's own days, whatever zone the browser is set to."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from spinecoach.session.records import SessionMode, SessionRecord, SessionStatus
from spinecoach.settings import load_settings
from spinecoach.storage import open_repository

from .conftest import Server, launch, watch_policy

pytestmark = [pytest.mark.e2e]

# 25 hours apart: the two calendar dates differ at every hour of the day
SERVER_ZONE = "Pacific/Kiritimati"  # UTC+14
BROWSER_ZONE = "Pacific/Pago_Pago"  # UTC-11


@pytest.fixture
def far_east_server(tmp_path: Path) -> Iterator[Server]:
    data = tmp_path / "data"
    data.mkdir()
    running = Server(data, env={"TZ": SERVER_ZONE})
    yield running
    running.stop()


def test_todays_session_is_on_todays_square(far_east_server: Server) -> None:
    from playwright.sync_api import sync_playwright

    server = far_east_server
    repo = open_repository(load_settings({"SPINECOACH_DATA_DIR": str(server.data_dir)}))
    user = repo.find_user("me")
    assert user is not None and user.id is not None
    now = datetime.now(UTC)
    session = repo.start_session(SessionRecord(user_id=user.id, started_at=now,
                                               mode=SessionMode.NO_CAMERA))
    repo.end_session(session.id or 0, now, SessionStatus.COMPLETED)
    repo.close()
    today = now.astimezone(ZoneInfo(SERVER_ZONE)).date()

    with sync_playwright() as p:
        browser = launch(p, [])
        context = browser.new_context(timezone_id=BROWSER_ZONE)
        page = context.new_page()
        server.sign_in(page)
        blocked = watch_policy(page)
        page.goto(server.url + "/history")
        page.wait_for_selector("#calendar span")
        cells = page.eval_on_selector_all(
            "#calendar span", "els => els.map(e => [e.textContent, e.className, e.title])")
        label = page.get_attribute("#calendar", "aria-label")
        browser.close()

    assert blocked == []
    assert len(cells) == 28
    assert cells[-1][0] == str(today.day)  # the last square is the server's today
    assert cells[-1][1] == "done" and cells[-1][2].endswith(": exercised")
    assert [c for c in cells[:-1] if c[1] == "done"] == []
    assert label == "You exercised on 1 of the last 28 days."
