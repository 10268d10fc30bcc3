"""A socket the browser closed (a reload) is one calm INFO line, never a traceback."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected, WebSocketState

from spinecoach.web.live import FramePipeline, LiveCoach

from .conftest import FakeEstimator, FakeTracker, fake_decode


class _Client:
    host, port = "127.0.0.1", 50000


class GoneSocket:
    """A socket whose client has gone: sending fails first, then receiving refuses."""

    def __init__(self) -> None:
        self.application_state = WebSocketState.CONNECTED
        self.client = _Client()
        self.received = 0

    async def send_json(self, message: dict[str, Any]) -> None:
        self.application_state = WebSocketState.DISCONNECTED
        raise WebSocketDisconnect(code=1006)

    async def receive(self) -> dict[str, Any]:
        self.received += 1
        if self.received == 1:
            return {"type": "websocket.receive", "text": '{"type": "frame", "t_s": 0.0}'}
        raise WebSocketDisconnected(
            'Cannot call "receive" once a disconnect message has been received.')


class Recorder:
    def record_rep(self, set_id: int, rep: object) -> None: ...
    def record_hold(self, set_id: int, hold: object) -> None: ...
    def record_stop(self, set_id: int, stop: object) -> None: ...


def test_a_reloaded_page_logs_one_info_line_and_no_error(
        caplog: pytest.LogCaptureFixture) -> None:
    pipeline = FramePipeline(exercise_id="bridge", tracker=FakeTracker("bridge", 3.0),
                             estimator_factory=lambda ex: FakeEstimator(),
                             decode_jpeg=fake_decode, recorder=Recorder(), set_id=None)
    socket = GoneSocket()
    coach = LiveCoach(socket, pipeline)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="spinecoach.web.live"):
        asyncio.run(coach.run())
        asyncio.run(coach.send({"type": "summary"}))  # after the end: silently not sent
    assert socket.received == 2
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert "went away" in caplog.records[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records)
