"""The next day: today's quick safety re-check is asked before a session can start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from spinecoach.settings import Settings
from spinecoach.storage import open_repository
from spinecoach.web.app import create_app
from spinecoach.web.testing import sign_in_by_link


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _answers(client: TestClient, full: bool) -> dict[str, object]:
    out: dict[str, object] = {}
    for q in client.get("/api/screening/questions", params={"full": full}).json():
        out[q["id"]] = {"yes_no": False, "number": 40}.get(q["kind"], next(iter(q["choices"] or
                                                                                 {"x": 0})))
    return out


def test_recheck_is_due_the_next_day(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
                        speech="browser")
    clock = Clock()
    client = TestClient(create_app(settings, repository=open_repository(settings), clock=clock),
                        base_url="http://localhost")
    sign_in_by_link(client)
    client.post("/api/screening", json={"answers": _answers(client, True), "full": True})
    assert client.post("/api/sessions").status_code == 201
    clock.now += timedelta(days=1)
    assert client.get("/api/status").json()["needs_recheck"] is True
    assert client.post("/api/sessions").status_code == 409
    page = client.get("/checkin?when=before").text
    assert "Today's quick safety check" in page
    recheck = _answers(client, False)
    assert len(recheck) < len(_answers(client, True))
    out = client.post("/api/screening", json={"answers": recheck, "full": False}).json()
    assert out["may_exercise"] is True
    assert client.post("/api/sessions").status_code == 201
    assert "Today's quick safety check" not in client.get("/checkin?when=before").text
