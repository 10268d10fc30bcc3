from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from spinecoach.settings import Settings
from spinecoach.web.app import create_app
from spinecoach.web.backend_memory import InMemoryBackend
from web_fakes import FakeEstimator, FakeTracker, fake_decode


@pytest.fixture
def backend() -> InMemoryBackend:
    return InMemoryBackend()


@pytest.fixture
def estimators() -> list[FakeEstimator]:
    return []


@pytest.fixture
def client(tmp_path: Path, backend: InMemoryBackend,
           estimators: list[FakeEstimator]) -> Iterator[TestClient]:
    def make_estimator() -> FakeEstimator:
        estimators.append(FakeEstimator())
        return estimators[-1]

    settings = Settings(data_dir=tmp_path, database_url="sqlite://", speech="browser")
    app = create_app(
        settings, backend=backend, tracker_factory=FakeTracker,
        estimator_factory=make_estimator, decode_jpeg=fake_decode,
        analyzer=lambda path, ex, progress: {"exercise": ex, "reps": 3, "bytes": path.stat().st_size},
        picture_renderer=lambda ex, phase: np.full((8, 8, 3), 200, dtype=np.uint8),
    )
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def screened(client: TestClient) -> TestClient:
    assert client.post("/api/screening", json={"answers": {"bladder_bowel": False}}).status_code == 200
    return client
