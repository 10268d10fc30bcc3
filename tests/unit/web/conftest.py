"""Fixtures and fakes for the web tests: a tracker, an estimator and a JPEG decoder.

The app always runs the real core (safety, programme, progression) through ``LocalUser``;
only the lowest seams are faked: the repository (in memory), the clock, the pose model and
the tracker.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spinecoach.domain.landmarks import Landmark
from spinecoach.domain.pose import PoseFrame, empty_pose
from spinecoach.errors import InputError
from spinecoach.session.analysis_report import AnalysisReport
from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.settings import Settings
from spinecoach.tracking.state import (
    FrameState,
    HoldEvent,
    Phase,
    RepEvent,
    StopEvent,
    Tracking,
)
from spinecoach.web.app import create_app
from spinecoach.web.certificates import ensure_certificates, machine_names
from spinecoach.web.local_user import LocalUser
from spinecoach.web.pairing import NetworkServing
from spinecoach.web.testing import sign_in_by_link

UP, DOWN = 0.3, 0.7


def fake_jpeg(hip_y: float | None) -> bytes:
    """A 'JPEG' whose pixel says where the hip is (None: nobody in view)."""
    return b"\xff\xd8" + (b"none" if hip_y is None else f"{hip_y:.3f}".encode())


def fake_decode(data: bytes) -> np.ndarray:
    if not data.startswith(b"\xff\xd8"):
        raise InputError("not a JPEG")
    body = data[2:].decode()
    image = np.zeros((4, 4, 3), dtype=np.uint8)
    image[0, 0, 0] = 255 if body == "none" else int(float(body) * 100)
    return image


def pose_with_hip(hip_y: float | None, t_s: float) -> PoseFrame:
    pose = empty_pose()
    if hip_y is not None:
        pose[:, :] = [0.5, 0.5, 0.0, 0.9]
        pose[Landmark.LEFT_HIP] = [0.5, hip_y, 0.0, 0.9]
    return PoseFrame(t_s, pose, 640, 480)


class FakeEstimator:
    def __init__(self) -> None:
        self.closed = False
        self.calls: list[float] = []

    def estimate(self, image: np.ndarray, t_s: float) -> PoseFrame:
        self.calls.append(t_s)
        value = int(image[0, 0, 0])
        return pose_with_hip(None if value == 255 else value / 100, t_s)

    def close(self) -> None:
        self.closed = True


class FakeTracker:
    """Bridge-like: hips up (y < 0.4) starts a hold, hips down (y > 0.6) completes a rep.

    A hip at y < 0.1 fires a stop rule.
    """

    def __init__(self, exercise_id: str, target_hold_s: float | None) -> None:
        self.exercise_id = exercise_id
        self.target = target_hold_s
        self.reps = 0
        self.up_since: float | None = None
        self.hold_s = 0.0

    def update(self, frame: PoseFrame) -> FrameState:
        hip = float(frame.landmarks[Landmark.LEFT_HIP, 1])
        rep = hold = stop = None
        if not np.isfinite(hip):
            return self._state(frame.t_s, Phase.UNTRACKED, Tracking.LOST, None)
        if hip < 0.1:
            stop = StopEvent("lumbar_arch", frame.t_s, "Your lower back is arching.")
        if hip < 0.4:
            if self.up_since is None:
                self.up_since = frame.t_s
            self.hold_s = frame.t_s - self.up_since
            phase = Phase.TARGET
        elif hip > 0.6 and self.up_since is not None:
            self.reps += 1
            hold = HoldEvent(self.up_since, frame.t_s)
            rep = RepEvent(self.reps, self.up_since, self.up_since, frame.t_s, None,
                           self.hold_s, True, ())
            self.up_since, self.hold_s, phase = None, 0.0, Phase.START
        else:
            phase = Phase.START
        state = self._state(frame.t_s, phase, Tracking.OK, "Squeeze your glutes." if rep else None)
        return FrameState(**{**state.__dict__, "rep": rep, "hold": hold, "stop": stop})

    def _state(self, t_s: float, phase: Phase, tracking: Tracking, cue: str | None) -> FrameState:
        return FrameState(t_s=t_s, phase=phase, tracking=tracking, setup_problem=None,
                          reps=self.reps, reps_by_side={}, hold_s=self.hold_s,
                          target_hold_s=self.target, faults=(), cue=cue,
                          angles={"hip_deg": 170.0})


class Clock:
    """The app's time; tests move it (a Monday morning, UTC, to start)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def next_day(self) -> None:
        self.now += timedelta(days=1)


def three_rep_report(exercise_id: str) -> AnalysisReport:
    """What the fake analyzer finds in any upload: three good repetitions."""
    reps = [{"index": i, "start_s": 4.0 * i, "peak_s": 4.0 * i + 1, "end_s": 4.0 * i + 3,
             "side": None, "hold_s": 0.0, "good_form": True, "faults": [], "metrics": {}}
            for i in (1, 2, 3)]
    return AnalysisReport.model_validate({
        "exercise": exercise_id,
        "source": {"name": "clip.mp4", "kind": "video", "fps": 30.0, "frames": 450,
                   "duration_s": 15.0},
        "tracking": {"detected_frames": 450, "untracked": [], "side": "left",
                     "form_not_judged_s": 0.0, "setup_problems": []},
        "reps": 3, "repetitions": reps, "holds": [], "hold_good_form_s": 0.0, "faults": [],
        "stopped": None, "limitations": [],
    })


def clear_answers(client: TestClient, full: bool = True, **yes: bool) -> dict[str, object]:
    """Answers without a warning sign, except the questions named ``yes`` (answered yes)."""
    answers: dict[str, object] = {}
    for q in client.get("/api/screening/questions", params={"full": full}).json():
        if q["kind"] == "yes_no":
            answers[q["id"]] = yes.get(q["id"], False)
        elif q["kind"] == "number":
            answers[q["id"]] = 40
        else:
            answers[q["id"]] = next(iter(q["choices"]))
    return answers


@pytest.fixture
def repo() -> InMemoryRepository:
    return InMemoryRepository()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def estimators() -> list[FakeEstimator]:
    return []


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url="sqlite://", speech="browser")


def make_app(settings: Settings, repo: InMemoryRepository, clock: Clock,
             estimators: list[FakeEstimator], network: NetworkServing | None = None) -> FastAPI:
    """The app with the fakes of this file (``network``: as ``serve --network`` makes it)."""
    def make_estimator(exercise_id: str) -> FakeEstimator:
        estimators.append(FakeEstimator())
        return estimators[-1]

    return create_app(
        settings, repository=repo, clock=clock, tracker_factory=FakeTracker,
        estimator_factory=make_estimator, decode_jpeg=fake_decode,
        analyzer=lambda path, ex, progress: three_rep_report(ex),
        picture_renderer=lambda ex, phase: np.full((8, 8, 3), 200, dtype=np.uint8),
        network=network,
    )


@pytest.fixture
def client(settings: Settings, repo: InMemoryRepository, clock: Clock,
           estimators: list[FakeEstimator]) -> Iterator[TestClient]:
    app = make_app(settings, repo, clock, estimators)
    with TestClient(app, base_url="http://localhost") as test_client:
        sign_in_by_link(test_client)
        yield test_client


LAN_URL = "https://192.168.1.20:8000"


@pytest.fixture
def network(tmp_path: Path, clock: Clock) -> NetworkServing:
    """HTTPS on the LAN as ``serve --network`` sets it up (real certificates, made here)."""
    names = machine_names("kims-laptop", ["192.168.1.20"])
    certificates = ensure_certificates(tmp_path / "tls", names, clock())
    return NetworkServing(certificates=certificates, public_url=LAN_URL)


@pytest.fixture
def laptop(settings: Settings, repo: InMemoryRepository, clock: Clock,
           estimators: list[FakeEstimator], network: NetworkServing) -> Iterator[TestClient]:
    """The laptop's browser on a ``serve --network`` app (HTTPS), signed in."""
    app = make_app(settings, repo, clock, estimators, network)
    with TestClient(app, base_url="https://localhost") as test_client:
        sign_in_by_link(test_client)
        yield test_client


@pytest.fixture
def user(client: TestClient, repo: InMemoryRepository, clock: Clock) -> LocalUser:
    """The signed-in patient's view of the core (to read what was stored)."""
    return LocalUser(repo, repo.users()[0], clock=clock)


@pytest.fixture
def screened(client: TestClient) -> TestClient:
    response = client.post("/api/screening", json={"answers": clear_answers(client)})
    assert response.status_code == 200 and response.json()["may_exercise"] is True
    return client


@pytest.fixture
def tracker_factory() -> type[FakeTracker]:
    return FakeTracker
