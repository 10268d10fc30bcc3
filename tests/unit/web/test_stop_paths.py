"""Every stop path, over HTTP and the socket, on the real core (in-memory repository).

A stopping check-in or set refuses that exercise (or the day) for the rest of the day with
409; a red flag refuses every start; the short re-check is due each day; a tracker's form
stop ends only its set.
"""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from .conftest import Clock, clear_answers, fake_jpeg

CALM = {"back_pain": 2, "leg_pain": 1, "leg_extent": "thigh"}


def _session(client: TestClient) -> int:
    response = client.post("/api/sessions")
    assert response.status_code == 201, response.text
    sid: int = response.json()["id"]
    return sid


def _checkin(client: TestClient, sid: int | None, when: str, **values: object) -> dict:
    body = {"when": when, "session_id": sid, **CALM, **values}
    response = client.post("/api/checkins", json=body)
    assert response.status_code == 200, response.text
    out: dict = response.json()
    return out


def _manual(client: TestClient, sid: int, exercise: str, pain: int = 1) -> int:
    body = {"exercise_id": exercise, "reps": 6, "hold_s": [3.0], "pain": pain}
    return client.post(f"/api/sessions/{sid}/manual-sets", json=body).status_code


def _socket_opens(client: TestClient, sid: int, exercise: str) -> str:
    """The first message of a live set: ``ready``, or the ``error`` code."""
    with client.websocket_connect(
            f"ws://localhost/ws/coach?exercise={exercise}&session={sid}") as ws:
        first = ws.receive_json()
    return str(first["type"] if first["type"] == "ready" else first["code"])


def test_pain_6_during_an_exercise_stops_that_exercise_for_the_day(screened: TestClient) -> None:
    sid = _session(screened)
    assert _checkin(screened, sid, "before")["light"] == "green"
    assert _checkin(screened, sid, "during", exercise_id="bridge", leg_pain=5)["light"] == "amber"
    out = _checkin(screened, sid, "during", exercise_id="bridge", back_pain=7)
    assert out["stop"] is True and out["light"] == "red"
    assert _manual(screened, sid, "bridge") == 409
    assert _socket_opens(screened, sid, "bridge") == "blocked"
    assert _manual(screened, sid, "plank") == 201  # only that exercise is stopped
    today = screened.get("/api/today").json()
    stopped = {i["exercise"]["id"]: i["stopped_today"] for i in today["items"]}
    assert stopped["bridge"] and stopped["plank"] is None


def test_new_numbness_during_an_exercise_stops_it(screened: TestClient) -> None:
    sid = _session(screened)
    _checkin(screened, sid, "before")
    out = _checkin(screened, sid, "during", exercise_id="ball-squat", numbness=True)
    assert out["stop"] is True and out["change"] == "new_nerve_signs"
    assert _manual(screened, sid, "ball-squat") == 409
    assert _manual(screened, sid, "hip-hinge") == 201


def test_a_painful_manual_set_stops_that_exercise_only(screened: TestClient) -> None:
    sid = _session(screened)
    assert _manual(screened, sid, "plank", pain=6) == 201  # stored, and it stops the plank
    assert _manual(screened, sid, "plank") == 409
    assert _socket_opens(screened, sid, "plank") == "blocked"
    assert _manual(screened, sid, "bridge") == 201
    assert screened.post("/api/sessions").status_code == 201  # the day goes on


def test_peripheralisation_before_a_session_stops_the_day(screened: TestClient) -> None:
    first = _session(screened)
    _checkin(screened, first, "before", leg_extent="thigh")
    sid = _session(screened)
    out = _checkin(screened, sid, "before", leg_extent="foot")
    assert out["stop"] is True and out["change"] == "peripheralising"
    assert screened.post("/api/sessions").status_code == 409
    assert _manual(screened, sid, "bridge") == 409
    assert _socket_opens(screened, sid, "plank") == "blocked"
    status = screened.get("/api/status").json()
    assert status["may_exercise"] is False and "stopped for today" in status["advice"]


def test_high_pain_before_a_session_gives_advice_but_does_not_stop(screened: TestClient) -> None:
    sid = _session(screened)
    out = _checkin(screened, sid, "before", back_pain=7)
    assert out["stop"] is False and any("6 or more" in m for m in out["messages"])
    assert _manual(screened, sid, "bridge") == 201


def test_a_stop_after_a_session_stops_the_rest_of_the_day(screened: TestClient) -> None:
    sid = _session(screened)
    _checkin(screened, sid, "before")
    assert _checkin(screened, sid, "after", leg_pain=8)["stop"] is True
    assert screened.post("/api/sessions").status_code == 409


def test_a_red_flag_refuses_every_start(screened: TestClient) -> None:
    sid = _session(screened)
    answers = clear_answers(screened, foot_drop=True)
    out = screened.post("/api/screening", json={"answers": answers}).json()
    assert out["outcome"] == "same_day" and out["may_exercise"] is False
    assert screened.post("/api/sessions").status_code == 409
    for exercise in ("hip-hinge", "bridge", "plank", "ball-squat"):
        assert _manual(screened, sid, exercise) == 409
        assert _socket_opens(screened, sid, exercise) == "blocked"
    assert screened.get("/api/today").json()["may_exercise"] is False
    # a clear re-check cannot lift a full screening's block: only the full screening can
    recheck = screened.post("/api/screening",
                            json={"answers": clear_answers(screened, full=False), "full": False})
    assert recheck.json()["may_exercise"] is True
    assert screened.post("/api/sessions").status_code == 409
    assert screened.post("/api/screening", json={"answers": clear_answers(screened)}).json()[
        "may_exercise"] is True
    assert screened.post("/api/sessions").status_code == 201


def test_the_daily_recheck_is_required_and_stops_last_one_day(
    screened: TestClient, clock: Clock
) -> None:
    sid = _session(screened)
    assert _manual(screened, sid, "plank", pain=8) == 201
    assert _manual(screened, sid, "plank") == 409
    clock.next_day()
    assert screened.get("/api/status").json()["needs_recheck"] is True
    assert screened.post("/api/sessions").status_code == 409
    answers = clear_answers(screened, full=False)
    assert screened.post("/api/screening", json={"answers": answers, "full": False}).json()[
        "may_exercise"] is True
    sid = _session(screened)
    assert _manual(screened, sid, "plank") == 201  # yesterday's stop is over


def test_a_tracker_stop_ends_that_set_only(screened: TestClient) -> None:
    sid = _session(screened)
    with screened.websocket_connect(
            f"ws://localhost/ws/coach?exercise=hip-hinge&session={sid}") as ws:
        ws.receive_json()
        ws.send_text(json.dumps({"type": "frame", "t_s": 0.5}))
        ws.send_bytes(fake_jpeg(0.05))  # the fake tracker's lumbar_arch stop
        assert ws.receive_json()["events"][-1]["type"] == "stop"
        summary = ws.receive_json()
    assert summary["stopped"]["code"] == "lumbar_arch"
    stored = screened.get(f"/api/sessions/{sid}").json()["sets"][0]
    assert stored["stopped"] == {"code": "lumbar_arch", "at_s": 0.5,
                                 "message": "Your lower back is arching."}
    assert _socket_opens(screened, sid, "hip-hinge") == "ready"  # the next set may start


def test_a_finished_session_takes_no_more_sets(screened: TestClient) -> None:
    sid = _session(screened)
    assert screened.post(f"/api/sessions/{sid}/finish").status_code == 200
    assert _manual(screened, sid, "bridge") == 400
    assert _socket_opens(screened, sid, "bridge") == "bad_request"
