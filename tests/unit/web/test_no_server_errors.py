"""Inputs that gave 500s in issue 11's probe: each is now a 4xx with a readable JSON body.

Huge integers in ids and answers (SQLite's integers stop at 2**63), NaN or a lone surrogate
echoed back in a 422 (the JSON encoder refused them), and manual sets whose fields were
dropped or only partly checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinecoach.settings import Settings
from spinecoach.web.app import create_app
from spinecoach.web.testing import sign_in_by_link

from .conftest import clear_answers

HUGE = 2**63


@pytest.fixture
def sql_client(tmp_path: Path) -> Iterator[TestClient]:
    """The app on a real SQLite file, where an id over 2**63 - 1 cannot even be bound."""
    app = create_app(Settings(data_dir=tmp_path, speech="browser"))
    with TestClient(app, base_url="http://localhost") as client:
        sign_in_by_link(client)
        yield client


@pytest.mark.parametrize(("method", "path"), [
    ("GET", f"/api/sessions/{HUGE}"),
    ("POST", f"/api/sessions/{HUGE}/finish"),
    ("GET", f"/api/history?offset={HUGE}"),
    ("GET", f"/session/{HUGE}"),
    ("GET", f"/summary/{HUGE}"),
    ("GET", f"/checkin?session={HUGE}"),
    ("GET", f"/api/sessions/{10**400}"),
])
def test_huge_ids_are_refused_not_crashed_on(sql_client: TestClient, method: str,
                                             path: str) -> None:
    response = sql_client.request(method, path)
    assert response.status_code == 422, response.text


def test_a_missing_session_is_404(sql_client: TestClient) -> None:
    response = sql_client.get("/api/sessions/12345")
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no session 12345."


def test_huge_ids_in_bodies_are_refused(sql_client: TestClient) -> None:
    body = {"when": "before", "back_pain": 1, "leg_pain": 0, "session_id": HUGE}
    assert sql_client.post("/api/checkins", json=body).status_code == 422
    body = {"when": "before", "back_pain": 1, "leg_pain": 0, "session_id": 777}
    missing = sql_client.post("/api/checkins", json=body)  # not there, or not this patient's
    assert missing.status_code == 404 and missing.json()["detail"] == "There is no session 777."


@pytest.mark.parametrize("age", [HUGE, 10**400, -HUGE])
def test_a_huge_age_is_a_plain_400(sql_client: TestClient, age: int) -> None:
    answers = clear_answers(sql_client)
    raw = json.dumps({"answers": {**answers, "age_years": 0}}).replace(
        '"age_years": 0', f'"age_years": {age}')
    response = sql_client.post("/api/screening", content=raw,
                               headers={"content-type": "application/json"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "age_years: expected a number from 16 to 120" in detail and len(detail) < 300


@pytest.mark.parametrize("raw", [
    '{"when": "before", "back_pain": NaN, "leg_pain": 0}',
    '{"when": "before", "back_pain": 1, "leg_pain": Infinity}',
    '{"when": "\\ud800", "back_pain": 1, "leg_pain": 0}',
    '{"when": "before", "back_pain": "\\udfff", "leg_pain": 0}',
])
def test_nan_and_lone_surrogates_are_echoed_safely(sql_client: TestClient, raw: str) -> None:
    response = sql_client.post("/api/checkins", content=raw,
                               headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


def test_a_surrogate_in_a_screening_answer_key_is_safe(sql_client: TestClient) -> None:
    response = sql_client.post("/api/screening", content='{"answers": {"\\ud83d": true}}',
                               headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "unknown question id" in response.json()["detail"]


def test_nan_is_not_a_hold(screened: TestClient) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    raw = '{"exercise_id": "bridge", "reps": 2, "hold_s": [3, NaN]}'
    response = screened.post(f"/api/sessions/{sid}/manual-sets", content=raw,
                             headers={"content-type": "application/json"})
    assert response.status_code == 422


@pytest.mark.parametrize("holds", [[-1, 3], [3, -0.5], [3, 10_000], [3] * 201])
def test_every_hold_is_checked(screened: TestClient, holds: list[float]) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    response = screened.post(f"/api/sessions/{sid}/manual-sets",
                             json={"exercise_id": "bridge", "reps": 2, "hold_s": holds})
    assert response.status_code == 422, holds


def test_reps_by_side_is_refused_rather_than_dropped(screened: TestClient) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    response = screened.post(f"/api/sessions/{sid}/manual-sets", json={
        "exercise_id": "hip-hinge", "reps": 5, "reps_by_side": {"left": 5, "right": 5}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reps_by_side"]


def test_a_manual_sets_note_is_stored_and_shown(sql_client: TestClient) -> None:
    assert sql_client.post("/api/screening",
                           json={"answers": clear_answers(sql_client)}).status_code == 200
    sid = sql_client.post("/api/sessions").json()["id"]
    saved = sql_client.post(f"/api/sessions/{sid}/manual-sets", json={
        "exercise_id": "bridge", "reps": 5, "hold_s": [3] * 5,
        "note": "  Left knee felt stiff.  "})
    assert saved.status_code == 201 and saved.json()["note"] == "Left knee felt stiff."
    (stored,) = sql_client.get(f"/api/sessions/{sid}").json()["sets"]
    assert stored["note"] == "Left knee felt stiff."
    (row,) = sql_client.get("/api/export.json").json()["tables"]["sets"]
    assert row["note"] == "Left knee felt stiff."
    too_long = sql_client.post(f"/api/sessions/{sid}/manual-sets", json={
        "exercise_id": "bridge", "reps": 5, "note": "x" * 501})
    assert too_long.status_code == 422


@pytest.mark.parametrize("name", ["\\ud800", "Ann\\u0000", "\\udfffAnn"])
def test_a_profile_with_odd_characters_is_never_a_500(sql_client: TestClient, name: str) -> None:
    response = sql_client.put("/api/profile", content=f'{{"display_name": "{name}"}}',
                              headers={"content-type": "application/json"})
    assert response.status_code in (400, 422), response.text  # refused, in words
    assert response.json()["detail"]
    assert sql_client.get("/api/report.html").status_code == 200
    assert sql_client.get("/profile").status_code == 200
