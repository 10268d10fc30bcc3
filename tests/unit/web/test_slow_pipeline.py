"""Under load the live loop drops stale frames instead of queueing them."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from spinecoach.domain.pose import PoseFrame, empty_pose
from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.settings import Settings
from spinecoach.tracking.state import FrameState, Phase, Tracking
from spinecoach.web.app import create_app
from spinecoach.web.testing import sign_in_by_link


class SlowEstimator:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def estimate(self, image: np.ndarray, t_s: float) -> PoseFrame:
        time.sleep(0.05)
        self.calls.append(t_s)
        return PoseFrame(t_s, empty_pose(), 640, 480)

    def close(self) -> None:
        pass


class LostTracker:
    def __init__(self, exercise_id: str, target_hold_s: float | None) -> None:
        self.target = target_hold_s

    def update(self, frame: PoseFrame) -> FrameState:
        return FrameState(t_s=frame.t_s, phase=Phase.UNTRACKED, tracking=Tracking.LOST,
                          setup_problem=None, reps=0, reps_by_side={}, hold_s=0.0,
                          target_hold_s=self.target, faults=(), cue=None, angles={})


def test_frames_sent_faster_than_processed_are_dropped(tmp_path: Path) -> None:
    estimator = SlowEstimator()
    app = create_app(
        Settings(data_dir=tmp_path, database_url="sqlite://", speech="browser"),
        repository=InMemoryRepository(), tracker_factory=LostTracker,
        estimator_factory=lambda exercise_id: estimator,
        decode_jpeg=lambda data: np.zeros((4, 4, 3), dtype=np.uint8),
    )
    with TestClient(app, base_url="http://localhost") as client:
        sign_in_by_link(client)
        with client.websocket_connect("ws://localhost/ws/coach?exercise=bridge") as ws:
            ws.receive_json()
            for i in range(40):
                ws.send_text(json.dumps({"type": "frame", "t_s": i / 30}))
                ws.send_bytes(b"\xff\xd8")
            time.sleep(0.3)
            ws.send_text(json.dumps({"type": "end"}))
            states = []
            while (message := ws.receive_json())["type"] != "summary":
                states.append(message)
    assert 1 <= len(states) == len(estimator.calls) < 20
    assert states[-1]["dropped"] >= 20
    assert estimator.calls == sorted(estimator.calls)
    assert states[-1]["t_s"] == 39 / 30  # the newest frame was answered, not a stale one
