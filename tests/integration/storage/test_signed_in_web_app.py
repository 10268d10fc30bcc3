"""The web app's sessions in the real database: SQLite and PostgreSQL (the project's fixture)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from spinecoach.session import accounts
from spinecoach.session.records import Role
from spinecoach.settings import Settings
from spinecoach.storage import open_repository
from spinecoach.web.app import create_app
from spinecoach.web.auth import cookie_name
from spinecoach.web.testing import sign_in_by_link


def _clear_answers(client: TestClient) -> dict[str, object]:
    answers: dict[str, object] = {}
    for q in client.get("/api/screening/questions").json():
        answers[q["id"]] = {"yes_no": False, "number": 40}.get(q["kind"],
                                                               next(iter(q["choices"] or [0])))
    return answers


def test_sessions_and_isolation_on_each_database(db_settings: Settings) -> None:
    settings = db_settings.with_overrides(speech="browser")
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        sign_in_by_link(client)
        assert client.post("/api/screening",
                           json={"answers": _clear_answers(client)}).status_code == 200
        session_id = client.post("/api/sessions").json()["id"]
        token = client.cookies.get(cookie_name(settings))
        assert token is not None
        with open_repository(settings) as repo:  # the rows as another process sees them
            stored = repo.find_web_session(accounts.hash_token(token))
            assert stored is not None and stored.expires_at > datetime.now(UTC)
            assert repo.find_web_session(token) is None  # only the hash is kept
            accounts.add_account(repo, "kim", Role.PATIENT, datetime.now(UTC))
        client.cookies.clear()
        assert client.get("/api/export.json").status_code == 401
        sign_in_by_link(client, "kim")
        assert client.get("/api/me").json()["name"] == "kim"
        assert client.get(f"/api/sessions/{session_id}").status_code == 404
        assert client.get("/api/export.json?patient=1").status_code == 404
        assert client.get("/api/export.json").json()["tables"]["sessions"] == []
