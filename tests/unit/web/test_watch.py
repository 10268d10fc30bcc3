"""``/ws/watch``: the big screen follows the live sets of its own account, and only those.

All sockets go through one ``TestClient`` (one event loop, as in a real server); each socket
carries the session cookie of the account it stands for.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from spinecoach.session import accounts
from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.session.records import Role
from spinecoach.web.auth import cookie_name
from spinecoach.web.live_fanout import LiveFanout

from .conftest import DOWN, UP, Clock, clear_answers, fake_jpeg

WS = "wss://localhost"


def _cookie(client: TestClient, repo: InMemoryRepository, clock: Clock, name: str,
            role: Role = Role.PATIENT) -> dict[str, str]:
    """A session of a new account ``name``, as the Cookie header of its sockets."""
    user = accounts.add_account(repo, name, role, clock())
    token, _ = accounts.open_web_session(repo, user, clock())
    settings = client.app.state.context.settings  # type: ignore[attr-defined]
    return {"cookie": f"{cookie_name(settings)}={token}"}


def _own_cookie(client: TestClient) -> dict[str, str]:
    """The Cookie header of the client's own (signed-in) account."""
    return {"cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}


def _frame(ws: Any, t_s: float, hip_y: float) -> dict[str, Any]:
    ws.send_text(json.dumps({"type": "frame", "t_s": t_s}))
    ws.send_bytes(fake_jpeg(hip_y))
    state: dict[str, Any] = ws.receive_json()
    return state


def _one_rep(ws: Any, start_s: float = 0.0) -> list[dict[str, Any]]:
    """Five frames down, hips up for 3.1 s, five down: one bridge of the fake tracker."""
    states, t = [], start_s
    for y in [DOWN] * 5 + [UP] * 32 + [DOWN] * 5:
        states.append(_frame(ws, round(t, 3), y))
        t += 0.1
    return states


def _until(ws: Any, kind: str) -> list[dict[str, Any]]:
    """The messages up to and including the first of type ``kind``."""
    seen = []
    while True:
        message = ws.receive_json()
        seen.append(message)
        if message["type"] == kind:
            return seen


@pytest.fixture
def screened_laptop(laptop: TestClient) -> TestClient:
    response = laptop.post("/api/screening", json={"answers": clear_answers(laptop)})
    assert response.status_code == 200
    return laptop


def test_the_phones_set_reaches_the_watcher(screened_laptop: TestClient) -> None:
    client = screened_laptop
    me = _own_cookie(client)
    sid = client.post("/api/sessions").json()["id"]
    with client.websocket_connect(f"{WS}/ws/watch", headers=me) as watch:
        assert watch.receive_json() == {"type": "watching"}
        with client.websocket_connect(f"{WS}/ws/coach?exercise=bridge&session={sid}",
                                      headers=me) as phone:
            assert phone.receive_json()["type"] == "ready"
            phone_states = _one_rep(phone) + _one_rep(phone, 5.0)
            phone.send_text(json.dumps({"type": "end"}))
            phone_summary = phone.receive_json()
        watched = _until(watch, "closed")
    ready = watched[0]
    assert ready["type"] == "ready" and ready["recording"] is True
    assert ready["name"] == "Bridges" and ready["exercise"] == "bridge"
    assert ready["set_no"] == 1 and ready["sets"] >= 1 and ready["target_hold_s"] == 3.0
    states = [m for m in watched if m["type"] == "state"]
    assert [s["t_s"] for s in states] == [s["t_s"] for s in phone_states]
    assert [s["reps"] for s in states] == [s["reps"] for s in phone_states]
    assert states[-1]["reps"] == 2 and max(s["hold_s"] for s in states) >= 3.0
    assert "landmarks" not in states[-1]  # the big screen has no video to draw on
    assert {s["live_id"] for s in states} == {ready["live_id"]}
    summary = watched[-2]
    assert summary["type"] == "summary" and summary["set"] == phone_summary["set"]
    assert summary["set"]["reps"] == 2


def test_another_account_sees_nothing_of_it(screened_laptop: TestClient,
                                            repo: InMemoryRepository, clock: Clock) -> None:
    client = screened_laptop
    me = _own_cookie(client)
    other = _cookie(client, repo, clock, "kim")
    sid = client.post("/api/sessions").json()["id"]
    with client.websocket_connect(f"{WS}/ws/watch?user=1", headers=other) as kims_watch:
        assert kims_watch.receive_json() == {"type": "watching"}
        with client.websocket_connect(f"{WS}/ws/coach?exercise=bridge&session={sid}",
                                      headers=me) as phone:
            phone.receive_json()
            _one_rep(phone)
            phone.send_text(json.dumps({"type": "end"}))
            phone.receive_json()
        # kim's own camera check: the first thing kim's screen gets is kim's, nothing before
        with client.websocket_connect(f"{WS}/ws/coach?exercise=bridge", headers=other) as own:
            own.receive_json()
            _frame(own, 0.0, DOWN)
            own.send_text(json.dumps({"type": "end"}))
            own.receive_json()
        first = kims_watch.receive_json()
        second = kims_watch.receive_json()
    assert first["type"] == "ready" and first["recording"] is False
    assert second["type"] == "state" and second["t_s"] == 0.0 and second["reps"] == 0


def test_a_late_watcher_sees_the_count_so_far(screened_laptop: TestClient) -> None:
    client = screened_laptop
    me = _own_cookie(client)
    sid = client.post("/api/sessions").json()["id"]
    with client.websocket_connect(f"{WS}/ws/coach?exercise=bridge&session={sid}",
                                  headers=me) as phone:
        phone.receive_json()
        last = _one_rep(phone)[-1]
        with client.websocket_connect(f"{WS}/ws/watch", headers=me) as watch:
            joined = [watch.receive_json() for _ in range(3)]
        phone.send_text(json.dumps({"type": "end"}))
        phone.receive_json()
    assert [m["type"] for m in joined] == ["watching", "ready", "state"]
    assert joined[2]["reps"] == last["reps"] == 1 and joined[2]["t_s"] == last["t_s"]


def test_watching_needs_a_session_of_a_patient(screened_laptop: TestClient,
                                               repo: InMemoryRepository, clock: Clock) -> None:
    client = screened_laptop
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect(f"{WS}/ws/watch", headers={"cookie": "x=y"}):
            pass
    assert denied.value.status_code == 401
    clinician = _cookie(client, repo, clock, "dr-lee", Role.CLINICIAN)
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect(f"{WS}/ws/watch", headers=clinician):
            pass
    assert denied.value.status_code == 403


def test_a_watcher_from_another_site_is_refused(screened_laptop: TestClient) -> None:
    client = screened_laptop
    me = _own_cookie(client)
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect(f"{WS}/ws/watch",
                                      headers={**me, "origin": "https://evil.example"}):
            pass
    assert denied.value.status_code == 403
    # the phone's own page on the LAN address is this server (its port, https)
    with client.websocket_connect(f"{WS}/ws/watch",
                                  headers={**me, "origin": "https://192.168.1.20"}) as ws:
        assert ws.receive_json() == {"type": "watching"}


def test_pairing_tells_the_watcher(screened_laptop: TestClient) -> None:
    import re

    client = screened_laptop
    me = _own_cookie(client)
    page = client.get("/phone").text
    found = re.search(r'<code id="pair-url">https://[^/]+(/pair/[^<]+)</code>', page)
    assert found is not None
    with client.websocket_connect(f"{WS}/ws/watch", headers=me) as watch:
        watch.receive_json()
        phone = TestClient(client.app, base_url="https://192.168.1.20:8000")
        assert phone.get(found.group(1), follow_redirects=False).status_code == 303
        assert watch.receive_json() == {"type": "paired"}


def test_a_slow_watcher_keeps_the_newest_messages() -> None:
    import asyncio

    async def run() -> list[int]:
        fanout = LiveFanout()
        with fanout.subscribe(7) as subscription:
            live_id = fanout.open(7, {"type": "ready"})
            for i in range(200):
                fanout.publish(7, live_id, {"type": "state", "reps": i})
            got = [(await subscription.get()).get("reps", -1) for _ in range(64)]
        assert fanout.watchers(7) == 0
        return got

    got = asyncio.run(run())
    assert got[-1] == 199 and got == sorted(got) and len(got) == 64
