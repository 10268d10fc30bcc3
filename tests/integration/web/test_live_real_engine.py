"""The real wiring in-process: services + SQLite + the real trackers over the WebSocket.

Landmarks come from the synthetic generator (``simulate``), sent as ``landmarks`` messages,
so no pose model is needed; the counted reps must match the generator's truth and be stored.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from spinecoach.settings import Settings
from spinecoach.storage import open_repository
from spinecoach.synth import simulate
from spinecoach.web.app import create_app
from spinecoach.web.local_user import LocalUser
from spinecoach.web.testing import sign_in_by_link


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
                    speech="browser")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    def no_estimator(exercise_id: str) -> None:
        raise AssertionError("landmark messages must not need a pose model")

    app = create_app(settings, estimator_factory=no_estimator)  # type: ignore[arg-type]
    with TestClient(app, base_url="http://localhost") as test_client:
        sign_in_by_link(test_client)
        yield test_client


def _all_no(client: TestClient, full: bool) -> dict[str, object]:
    answers: dict[str, object] = {}
    for q in client.get("/api/screening/questions", params={"full": full}).json():
        if q["kind"] == "yes_no":
            answers[q["id"]] = False
        elif q["kind"] == "number":
            answers[q["id"]] = 40
        else:
            answers[q["id"]] = next(iter(q["choices"]))
    return answers


def _landmarks(row) -> list[list[float | None]]:
    return [[None if math.isnan(v) else float(v) for v in point] for point in row]


def test_bridge_set_over_websocket_is_counted_and_stored(client: TestClient,
                                                          settings: Settings) -> None:
    out = client.post("/api/screening", json={"answers": _all_no(client, True), "full": True})
    assert out.status_code == 200, out.text
    assert out.json()["may_exercise"] is True
    sid = client.post("/api/sessions").json()["id"]
    checkin = {"when": "before", "session_id": sid, "back_pain": 3, "leg_pain": 2,
               "leg_extent": "thigh"}
    assert client.post("/api/checkins", json=checkin).status_code == 200
    truth, poses, _ = simulate("bridge", "good", fps=30.0)
    states = []
    with client.websocket_connect(f"ws://localhost/ws/coach?exercise=bridge&session={sid}") as ws:
        assert ws.receive_json()["type"] == "ready"
        for t_s, row in zip(poses.t_s, poses.landmarks, strict=True):
            ws.send_text(json.dumps({"type": "landmarks", "t_s": float(t_s),
                                     "landmarks": _landmarks(row), "width": poses.width,
                                     "height": poses.height}))
            states.append(ws.receive_json())
        ws.send_text(json.dumps({"type": "end"}))
        summary = ws.receive_json()
    assert states[-1]["reps"] == truth.reps
    assert summary["set"]["reps"] == truth.reps
    assert max(s["hold_s"] for s in states) >= 2.9
    stored = client.get(f"/api/sessions/{sid}").json()["sets"][0]
    assert stored["reps"] == truth.reps
    sent_holds = [e["duration_s"] for s in states for e in s["events"] if e["type"] == "hold"]
    assert len(sent_holds) == truth.reps
    assert stored["holds_s"] == pytest.approx(sent_holds, abs=0.01)
    repo = open_repository(settings)
    user = LocalUser(repo, repo.users()[0])
    assert len(repo.repetitions_of(summary["set"]["id"])) == truth.reps
    assert user.session(sid).sets[0].reps == truth.reps


def test_red_flag_blocks_every_entry_point(client: TestClient) -> None:
    answers = _all_no(client, True)
    answers["saddle_numbness"] = True
    out = client.post("/api/screening", json={"answers": answers, "full": True}).json()
    assert out["outcome"] == "emergency" and not out["may_exercise"]
    assert client.post("/api/sessions").status_code == 409
    today = client.get("/api/today").json()
    assert today["may_exercise"] is False and "emergency" in today["block_message"].lower()
    page = client.get("/today").text
    assert "No exercise today" in page


def test_pages_render_with_the_real_core(client: TestClient) -> None:
    client.post("/api/screening", json={"answers": _all_no(client, True), "full": True})
    sid = client.post("/api/sessions").json()["id"]
    for path in ("/today", f"/session/{sid}", f"/session/{sid}/coach/bridge",
                 f"/session/{sid}/timer/plank", "/history", "/upload", "/api/report.html",
                 "/checkin?when=before"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
    manual = {"exercise_id": "plank", "reps": 1, "hold_s": [12.0], "pain": 2}
    assert client.post(f"/api/sessions/{sid}/manual-sets", json=manual).status_code == 201
    client.post("/api/checkins", json={"when": "after", "session_id": sid, "back_pain": 2,
                                       "leg_pain": 1, "leg_extent": "buttock"})
    summary = client.post(f"/api/sessions/{sid}/finish").json()
    assert summary["sets"][0]["holds_s"] == [12.0]
    assert client.get(f"/summary/{sid}").status_code == 200
    assert client.get("/api/history").json()["adherence"]
    pdf = client.get("/api/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/api/export.zip").content.startswith(b"PK")
    assert "tables" in client.get("/api/export.json").json()
    assert "<svg" in client.get("/api/report.html").text


def _stream(client: TestClient, exercise: str, scenario: str, sid: int) -> tuple[list, dict]:
    truth, poses, _ = simulate(exercise, scenario, fps=30.0)
    states: list[dict] = []
    with client.websocket_connect(
            f"ws://localhost/ws/coach?exercise={exercise}&session={sid}") as ws:
        assert ws.receive_json()["type"] == "ready"
        for t_s, row in zip(poses.t_s, poses.landmarks, strict=True):
            ws.send_text(json.dumps({"type": "landmarks", "t_s": float(t_s),
                                     "landmarks": _landmarks(row), "width": poses.width,
                                     "height": poses.height}))
            state = ws.receive_json()
            states.append(state)
            if any(e["type"] == "stop" for e in state["events"]):
                return states, ws.receive_json()
        ws.send_text(json.dumps({"type": "end"}))
        return states, ws.receive_json()


@pytest.mark.parametrize("exercise", ["hip-hinge", "plank", "ball-squat"])
def test_other_exercises_live(client: TestClient, exercise: str) -> None:
    client.post("/api/screening", json={"answers": _all_no(client, True), "full": True})
    sid = client.post("/api/sessions").json()["id"]
    truth, _, _ = simulate(exercise, "good", fps=30.0)
    states, summary = _stream(client, exercise, "good", sid)
    assert summary["type"] == "summary" and summary["stopped"] is None
    assert summary["set"]["reps"] == states[-1]["reps"] == truth.reps
    if exercise == "hip-hinge":
        assert states[-1]["reps_by_side"] == truth.reps_by_side
    if exercise == "plank":
        assert max(s["hold_s"] for s in states) >= 10.0
        assert summary["set"]["holds_s"]


def test_lumbar_arch_stops_the_hip_hinge_set(settings: Settings) -> None:
    """JPEG frames through a replayed pose model with body masks (the lumbar-arch proxy)."""
    from spinecoach.pose.replay import ReplayEstimator

    truth, poses, masks = simulate("hip-hinge", "lumbar_arch", fps=30.0, with_masks=True)
    asked: list[str] = []

    def replay(exercise_id: str) -> ReplayEstimator:
        asked.append(exercise_id)
        return ReplayEstimator(poses, masks)

    app = create_app(settings, estimator_factory=replay,
                     decode_jpeg=lambda data: np.zeros((4, 4, 3), dtype=np.uint8))
    client = TestClient(app, base_url="http://localhost")
    sign_in_by_link(client)
    client.post("/api/screening", json={"answers": _all_no(client, True), "full": True})
    sid = client.post("/api/sessions").json()["id"]
    with client.websocket_connect(
            f"ws://localhost/ws/coach?exercise=hip-hinge&session={sid}") as ws:
        ws.receive_json()
        for t_s in poses.t_s:
            ws.send_text(json.dumps({"type": "frame", "t_s": float(t_s)}))
            ws.send_bytes(b"\xff\xd8 not decoded by the fake")
            state = ws.receive_json()
            if any(e["type"] == "stop" for e in state["events"]):
                break
        summary = ws.receive_json()
    assert asked == ["hip-hinge"]
    assert truth.stop is not None
    assert state["t_s"] == pytest.approx(truth.stop["at_s"], abs=0.5)
    assert summary["type"] == "summary"
    assert summary["stopped"]["code"] == "lumbar_arch"
    assert summary["set"]["stopped"]["code"] == "lumbar_arch"
    # a form stop ends that set only: the exercise may be started again today
    assert client.post(f"/api/sessions/{sid}/manual-sets",
                       json={"exercise_id": "hip-hinge", "reps": 3}).status_code == 201
