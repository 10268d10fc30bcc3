from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from spinecoach.web.local_user import LocalUser
from spinecoach.web.testing import sign_in_by_link

from .conftest import clear_answers

UP, DOWN = 0.3, 0.7


def fake_jpeg(hip_y: float | None) -> bytes:
    return b"\xff\xd8" + (b"none" if hip_y is None else f"{hip_y:.3f}".encode())


def _send_frame(ws, t_s: float, hip_y: float | None) -> dict:
    ws.send_text(json.dumps({"type": "frame", "t_s": t_s}))
    ws.send_bytes(fake_jpeg(hip_y))
    return ws.receive_json()


def _bridge_reps(ws, n: int, fps: float = 10.0, hold_s: float = 3.0) -> list[dict]:
    states, t = [], 0.0
    for _ in range(n):
        for y in [DOWN] * 5 + [UP] * int(hold_s * fps + 1) + [DOWN] * 5:
            states.append(_send_frame(ws, round(t, 3), y))
            t += 1 / fps
    return states


def test_ready_then_states_with_reps_and_holds(screened: TestClient,
                                               user: LocalUser) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    with screened.websocket_connect(f"ws://localhost/ws/coach?exercise=bridge&session={sid}") as ws:
        ready = ws.receive_json()
        assert ready["type"] == "ready" and ready["target_hold_s"] == 3.0
        states = _bridge_reps(ws, 2)
        ws.send_text(json.dumps({"type": "end"}))
        summary = ws.receive_json()
    last = states[-1]
    assert last["type"] == "state" and last["reps"] == 2
    assert {"t_s", "reps", "reps_by_side", "phase", "hold_s", "target_hold_s", "faults", "cue",
            "tracking", "setup_problem", "landmarks"} <= set(last)
    assert len(last["landmarks"]) == 33
    rep_events = [e for s in states for e in s["events"] if e["type"] == "rep"]
    assert [e["index"] for e in rep_events] == [1, 2]
    assert max(s["hold_s"] for s in states) == pytest.approx(3.0, abs=0.11)
    assert summary["type"] == "summary" and summary["set"]["reps"] == 2
    stored = user.session(sid).sets[0]
    assert stored.reps == 2 and len(stored.holds_s) == 2


def test_timing_comes_from_t_s_not_arrival(screened: TestClient) -> None:
    with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge") as ws:
        ws.receive_json()
        states = _bridge_reps(ws, 1, fps=100.0, hold_s=5.0)
    assert max(s["hold_s"] for s in states) == pytest.approx(5.0, abs=0.02)


def test_untracked_frames_have_no_landmarks_and_no_cue(screened: TestClient) -> None:
    with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge") as ws:
        ws.receive_json()
        state = _send_frame(ws, 0.0, None)
    assert state["tracking"] == "lost" and state["landmarks"] is None and state["cue"] is None


def test_client_landmarks_message(screened: TestClient) -> None:
    with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge") as ws:
        ws.receive_json()
        points = [[0.5, 0.5, 0.0, 0.9]] * 33
        ws.send_text(json.dumps({"type": "landmarks", "t_s": 1.0, "landmarks": points}))
        state = ws.receive_json()
    assert state["t_s"] == 1.0 and state["tracking"] == "ok"


@pytest.mark.parametrize("message", [
    "not json", "[1, 2]", '{"type": "dance"}', '{"type": "frame", "t_s": "soon"}',
    '{"type": "landmarks", "t_s": 1, "landmarks": [[1, 2]]}',
])
def test_malformed_messages_get_an_error_and_the_socket_stays_open(
        screened: TestClient, message: str) -> None:
    with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge") as ws:
        ws.receive_json()
        ws.send_text(message)
        error = ws.receive_json()
        assert error["type"] == "error" and error["code"] == "bad_message"
        assert _send_frame(ws, 0.0, DOWN)["type"] == "state"


def test_binary_without_header_and_bad_jpeg(screened: TestClient) -> None:
    with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge") as ws:
        ws.receive_json()
        ws.send_bytes(b"\xff\xd8junk")
        assert ws.receive_json()["code"] == "bad_frame"
        ws.send_text(json.dumps({"type": "frame", "t_s": 0.0}))
        ws.send_bytes(b"GIF89a")
        assert ws.receive_json()["code"] == "bad_frame"
        assert _send_frame(ws, 0.1, DOWN)["type"] == "state"


def test_stop_rule_ends_the_set_and_is_recorded(screened: TestClient,
                                                user: LocalUser) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    with screened.websocket_connect(
            f"ws://localhost/ws/coach?exercise=hip-hinge&session={sid}") as ws:
        ws.receive_json()
        _send_frame(ws, 0.0, DOWN)
        state = _send_frame(ws, 0.1, 0.05)
        assert state["events"][-1]["type"] == "stop"
        summary = ws.receive_json()
        assert summary["type"] == "summary"
        assert summary["stopped"]["code"] == "lumbar_arch"
    assert user.session(sid).sets[0].stopped.code == "lumbar_arch"


def test_closed_socket_keeps_recorded_reps(screened: TestClient,
                                           user: LocalUser,
                                           estimators: list) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    with screened.websocket_connect(f"ws://localhost/ws/coach?exercise=bridge&session={sid}") as ws:
        ws.receive_json()
        _bridge_reps(ws, 1)
    assert user.session(sid).sets[0].reps == 1
    set_id = user.session(sid).sets[0].id

    def closed_and_finished() -> bool:
        stored = user.repo.get_set(set_id)
        return estimators[0].closed and stored is not None and stored.ended_at is not None

    # Leaving the block cancels the connection (as a server shutdown would): the model is
    # still closed and the set still ended with its reps, in worker threads after the cancel.
    deadline = time.monotonic() + 10.0  # generous: CI machines are shared and may be busy
    while not closed_and_finished() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert estimators[0].closed
    stored = user.repo.get_set(set_id)
    assert stored is not None and stored.ended_at is not None and stored.reps_done == 1
    assert screened.get("/api/health").status_code == 200


def test_blocked_user_gets_a_blocked_error(client: TestClient) -> None:
    client.post("/api/screening", json={"answers": clear_answers(client)})
    sid = client.post("/api/sessions").json()["id"]
    client.post("/api/screening", json={"answers": clear_answers(client, saddle_numbness=True)})
    with client.websocket_connect(f"ws://localhost/ws/coach?exercise=bridge&session={sid}") as ws:
        error = ws.receive_json()
        assert error["code"] == "blocked"
        with pytest.raises(WebSocketDisconnect):
            ws.receive_json()


def test_unknown_exercise_is_refused(screened: TestClient) -> None:
    with screened.websocket_connect("ws://localhost/ws/coach?exercise=handstand") as ws:
        assert ws.receive_json()["code"] == "bad_request"


def test_stale_frames_are_dropped_not_queued(screened: TestClient,
                                             estimators: list) -> None:
    with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge") as ws:
        ws.receive_json()
        for i in range(50):
            ws.send_text(json.dumps({"type": "frame", "t_s": i / 30}))
            ws.send_bytes(fake_jpeg(DOWN))
        ws.send_text(json.dumps({"type": "end"}))
        messages = []
        while (m := ws.receive_json())["type"] != "summary":
            messages.append(m)
    processed = len(estimators[0].calls)
    assert processed == len(messages) <= 50
    assert estimators[0].calls == sorted(estimators[0].calls)


def test_another_origin_is_refused(screened: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect):
        with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge",
                                        headers={"origin": "http://evil.example"}) as ws:
            ws.receive_json()
    with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge",
                                    headers={"origin": "http://localhost"}) as ws:
        assert ws.receive_json()["type"] == "ready"


def test_a_broken_pose_model_ends_the_set_with_a_message(tmp_path, repo,
                                                        tracker_factory) -> None:
    import numpy as np

    from spinecoach.errors import MissingExtraError
    from spinecoach.settings import Settings
    from spinecoach.web.app import create_app

    def missing(exercise_id: str):  # type: ignore[no-untyped-def]
        raise MissingExtraError("the pose model is not installed")

    class Crashing:
        def estimate(self, image, t_s):  # type: ignore[no-untyped-def]
            raise RuntimeError("model exploded")

        def close(self) -> None:
            pass

    settings = Settings(data_dir=tmp_path, database_url="sqlite://", speech="browser")
    for factory, code in ((missing, "unavailable"), (lambda ex: Crashing(), "server_error")):
        app = create_app(settings, repository=repo, tracker_factory=tracker_factory,
                         estimator_factory=factory,
                         decode_jpeg=lambda data: np.zeros((4, 4, 3), dtype=np.uint8))
        with TestClient(app, base_url="http://localhost") as client:
            sign_in_by_link(client)
            with client.websocket_connect("ws://localhost/ws/coach?exercise=bridge") as ws:
                ws.receive_json()
                ws.send_text(json.dumps({"type": "frame", "t_s": 0.0}))
                ws.send_bytes(b"\xff\xd8")
                error = ws.receive_json()
                assert error["type"] == "error" and error["code"] == code
                assert ws.receive_json()["type"] == "summary"
                assert client.get("/api/health").status_code == 200


def test_live_sockets_per_account_are_capped(screened: TestClient) -> None:
    from contextlib import ExitStack

    from spinecoach.web.live_protocol import MAX_SOCKETS_PER_ACCOUNT

    url = "ws://localhost/ws/coach?exercise=bridge"
    with ExitStack() as stack:
        for _ in range(MAX_SOCKETS_PER_ACCOUNT):
            ws = stack.enter_context(screened.websocket_connect(url))
            assert ws.receive_json()["type"] == "ready"
        with screened.websocket_connect(url) as extra:
            refused = extra.receive_json()
            assert refused["type"] == "error" and refused["code"] == "busy"
            assert "close another spinecoach tab" in refused["message"]
            with pytest.raises(WebSocketDisconnect) as closed:
                extra.receive_json()
            assert closed.value.code == 1013
    with screened.websocket_connect(url) as ws:  # closed sockets are given back
        assert ws.receive_json()["type"] == "ready"


def _second_patient(screened: TestClient, name: str) -> TestClient:
    """Another account's browser on the same server (and the same address, 127.0.0.1)."""
    from spinecoach.session import accounts
    from spinecoach.session.records import Role
    from spinecoach.web.testing import sign_in_by_link

    ctx = screened.app.state.context  # type: ignore[attr-defined]
    accounts.add_account(ctx.repo, name, Role.PATIENT, ctx.clock(), None)
    other = TestClient(screened.app, base_url="http://localhost")
    sign_in_by_link(other, name)
    answers = clear_answers(other)
    assert other.post("/api/screening", json={"answers": answers}).status_code == 200
    return other


def test_one_accounts_sockets_do_not_lock_another_account_out(screened: TestClient) -> None:
    """Every account on this computer connects from 127.0.0.1: the cap is per account."""
    from contextlib import ExitStack

    from spinecoach.web.live_protocol import MAX_SOCKETS_PER_ACCOUNT

    url = "ws://localhost/ws/coach?exercise=bridge"
    other = _second_patient(screened, "kim")
    with ExitStack() as stack:
        for _ in range(MAX_SOCKETS_PER_ACCOUNT):
            ws = stack.enter_context(screened.websocket_connect(url))
            assert ws.receive_json()["type"] == "ready"
        with other.websocket_connect(url) as theirs:
            assert theirs.receive_json()["type"] == "ready"


def test_the_whole_server_has_a_ceiling_too(screened: TestClient) -> None:
    from contextlib import ExitStack

    from spinecoach.web.live_protocol import MAX_LIVE_SOCKETS, MAX_SOCKETS_PER_ACCOUNT

    url = "ws://localhost/ws/coach?exercise=bridge"
    browsers = [screened] + [_second_patient(screened, f"patient{i}")
                             for i in range(MAX_LIVE_SOCKETS // MAX_SOCKETS_PER_ACCOUNT)]
    with ExitStack() as stack:
        for browser in browsers[:-1]:
            for _ in range(MAX_SOCKETS_PER_ACCOUNT):
                ws = stack.enter_context(browser.websocket_connect(url))
                assert ws.receive_json()["type"] == "ready"
        with browsers[-1].websocket_connect(url) as extra:
            refused = extra.receive_json()
            assert refused["code"] == "busy"
            assert f"already coaching {MAX_LIVE_SOCKETS} live sessions" in refused["message"]


def test_a_dropped_client_is_one_calm_log_line(caplog: pytest.LogCaptureFixture) -> None:
    import asyncio
    import logging

    from starlette.datastructures import Address
    from starlette.websockets import WebSocketState

    from spinecoach.web.live import LiveCoach

    class Gone:
        application_state = WebSocketState.CONNECTED
        client = Address("127.0.0.1", 50000)

        async def send_json(self, message: object) -> None:
            raise OSError("connection reset")

    coach = LiveCoach(Gone(), pipeline=None)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="spinecoach.web.live"):
        asyncio.run(coach.send({"type": "state"}))
        asyncio.run(coach.send({"type": "state"}))
    assert coach.ended
    assert [r.getMessage() for r in caplog.records] == [
        "live coaching: 127.0.0.1:50000 went away; the set keeps what was already counted"]
    assert all(r.exc_info is None for r in caplog.records)


def test_a_rep_begun_during_the_countdown_is_not_counted(screened: TestClient,
                                                         user: LocalUser) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    url = f"ws://localhost/ws/coach?exercise=bridge&session={sid}&countdown_s=2"
    with screened.websocket_connect(url) as ws:
        assert ws.receive_json()["countdown_s"] == 2.0
        early = [_send_frame(ws, t / 10, DOWN if t < 10 else UP) for t in range(0, 25)]
        # hips up at 1.0 s (in the countdown), down at 3.0 s: begun before "go"
        late = [_send_frame(ws, 2.5 + t / 10, DOWN) for t in range(5, 10)]
        after = _bridge_reps_from(ws, 3.5)
        ws.send_text(json.dumps({"type": "end"}))
        summary = ws.receive_json()
    assert [s["counting"] for s in early[:20]] == [False] * 20
    assert all(s["reps"] == 0 and s["hold_s"] == 0 and s["cue"] is None for s in early[:20])
    assert all(s["reps"] == 0 for s in late) and not any(s["events"] for s in late)
    assert after[-1]["reps"] == 1 and after[-1]["counting"] is True
    assert summary["set"]["reps"] == 1
    assert user.session(sid).sets[0].reps == 1


def _bridge_reps_from(ws, t0: float) -> list[dict]:  # type: ignore[no-untyped-def]
    ys = [DOWN] * 5 + [UP] * 31 + [DOWN] * 5
    return [_send_frame(ws, round(t0 + i / 10, 3), y) for i, y in enumerate(ys)]
