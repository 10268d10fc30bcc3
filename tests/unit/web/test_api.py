from __future__ import annotations

from fastapi.testclient import TestClient

from spinecoach import __version__

from .conftest import clear_answers


def test_health(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["version"] == __version__  # ("engine" was always true: removed)
    assert body["speech"] is False


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/health", "/api/screening", "/api/today", "/api/sessions",
                 "/api/checkins", "/api/history", "/api/analyses"):
        assert path in paths


def test_new_user_is_sent_to_screening(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.headers["location"] == "/screening"


def test_blocked_user_cannot_start_a_session(client: TestClient) -> None:
    answers = clear_answers(client, bladder_change=True)
    out = client.post("/api/screening", json={"answers": answers}).json()
    assert out["outcome"] == "emergency" and out["may_exercise"] is False
    response = client.post("/api/sessions")
    assert response.status_code == 409
    assert "Exercise is paused" in response.json()["detail"]  # the core's words


def test_unknown_question_is_a_400(client: TestClient) -> None:
    answers = clear_answers(client) | {"nope": True}
    response = client.post("/api/screening", json={"answers": answers})
    assert response.status_code == 400
    assert "nope" in response.json()["detail"]


def test_malformed_checkin_is_a_422(screened: TestClient) -> None:
    response = screened.post("/api/checkins", json={"when": "before", "back_pain": 11,
                                                    "leg_pain": 0})
    assert response.status_code == 422


def test_session_with_manual_set_and_summary(screened: TestClient) -> None:
    session = screened.post("/api/sessions").json()
    sid = session["id"]
    checkin = {"when": "before", "session_id": sid, "back_pain": 3, "leg_pain": 2,
               "leg_extent": "thigh"}
    assert screened.post("/api/checkins", json=checkin).json()["stop"] is False
    out = screened.post(f"/api/sessions/{sid}/manual-sets",
                        json={"exercise_id": "bridge", "reps": 8, "hold_s": [3, 3.5]})
    assert out.status_code == 201 and out.json()["reps"] == 8
    summary = screened.post(f"/api/sessions/{sid}/finish").json()
    # a typed-in set keeps its best hold (the core's rule; the old fake kept every hold)
    assert summary["finished_at"] and summary["sets"][0]["holds_s"] == [3.5]
    assert summary["sets"][0]["mode"] == "manual"
    assert screened.get(f"/summary/{sid}").status_code == 200


def test_unknown_exercise_is_404(screened: TestClient) -> None:
    assert screened.get("/api/exercises/handstand").status_code == 404


def test_pages_render(screened: TestClient) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    for path in ("/screening", "/today", "/checkin?when=before", f"/session/{sid}",
                 f"/session/{sid}/coach/bridge", f"/session/{sid}/timer/plank", "/history",
                 "/upload"):
        response = screened.get(path)
        assert response.status_code == 200, path
        assert "does not replace a clinician" in response.text, path


def test_picture_is_a_png(client: TestClient) -> None:
    response = client.get("/api/exercises/bridge/picture.png")
    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")


def test_speech_unavailable_is_503(client: TestClient) -> None:
    assert client.get("/api/speech", params={"text": "Three"}).status_code == 503
