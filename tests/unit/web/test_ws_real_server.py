"""The live socket behind a real uvicorn server, configured as ``spinecoach serve`` does.

Issue 11's probe: a frame over 8 MB closed the socket with 1009 although the protocol
promises ``bad_frame``.  Up to the server's message limit (16 MiB) an oversized frame is now
answered ``bad_frame`` and the set goes on.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient
from websockets.sync.client import connect

from spinecoach.web.live_protocol import MAX_JPEG_BYTES, WS_MAX_MESSAGE_BYTES

from .conftest import fake_jpeg


@pytest.fixture
def session_cookie(screened: TestClient) -> dict[str, str]:
    """The signed-in browser's session cookie, as a handshake header."""
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in screened.cookies.items())}


@pytest.fixture
def server_url(screened: TestClient) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(screened.app, host="127.0.0.1", port=port, lifespan="off",
                            log_level="warning", ws_max_size=WS_MAX_MESSAGE_BYTES)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    yield f"ws://127.0.0.1:{port}/ws/coach?exercise=bridge"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_frame_over_the_limit_is_a_bad_frame_and_the_set_goes_on(
        server_url: str, session_cookie: dict[str, str]) -> None:
    with connect(server_url, max_size=None, additional_headers=session_cookie) as ws:
        assert json.loads(ws.recv())["type"] == "ready"
        ws.send(json.dumps({"type": "frame", "t_s": 0.0}))
        ws.send(b"\xff\xd8" + b"\0" * (2 * MAX_JPEG_BYTES + 1_000_000))  # 9 MB
        error = json.loads(ws.recv())
        assert error["type"] == "error" and error["code"] == "bad_frame"
        ws.send(json.dumps({"type": "frame", "t_s": 0.1}))
        ws.send(fake_jpeg(0.7))
        assert json.loads(ws.recv())["type"] == "state"


def test_a_handshake_without_a_session_is_refused_by_the_real_server(server_url: str) -> None:
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as refused:
        connect(server_url)
    assert refused.value.response.status_code == 401
    assert b"sign in" in refused.value.response.body


def test_a_foreign_origin_is_refused_by_the_real_server(
        server_url: str, session_cookie: dict[str, str]) -> None:
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as refused:
        connect(server_url, origin="http://evil.example",  # type: ignore[arg-type]
                additional_headers=session_cookie)
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus) as refused:
        connect(server_url, additional_headers={"Host": "evil.example"})
    assert refused.value.response.status_code == 421
