"""Uploads through the real engine, and ``spinecoach serve --get``."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinecoach.cli import main
from spinecoach.settings import Settings
from spinecoach.web.app import create_app
from spinecoach.web.testing import sign_in_by_link


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
                        speech="browser")
    with TestClient(create_app(settings), base_url="http://localhost") as test_client:
        sign_in_by_link(test_client)
        yield test_client


def _wait(client: TestClient, job_id: str, timeout_s: float = 240) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/api/analyses/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError("analysis did not finish")


def test_a_file_named_mp4_that_is_not_a_video_fails_cleanly(client: TestClient,
                                                            tmp_path: Path) -> None:
    files = {"video": ("clip.mp4", b"this is not a video at all", "video/mp4")}
    job = client.post("/api/analyses", files=files, data={"exercise_id": "bridge"}).json()
    done = _wait(client, job["id"])
    assert done["status"] == "failed" and done["error"]
    assert not list((tmp_path / "uploads").glob("*"))
    assert client.get("/api/health").status_code == 200


@pytest.mark.slow
def test_synthetic_bridge_video_is_analysed_with_progress(client: TestClient,
                                                          tmp_path: Path) -> None:
    from spinecoach.synth import render_clip

    clip = tmp_path / "bridge.mp4"
    truth = render_clip("bridge", "good", clip, repetitions=1)
    with clip.open("rb") as fh:
        files = {"video": ("bridge.mp4", fh.read(), "video/mp4")}
    job = client.post("/api/analyses", files=files, data={"exercise_id": "bridge"}).json()
    done = _wait(client, job["id"])
    assert done["status"] == "done", done["error"]
    assert done["progress"] == 1.0
    assert done["result"]["reps"] == truth.reps
    # the upload is deleted; the annotated copy the page plays is a real H.264 MP4
    (left,) = (tmp_path / "uploads").glob("*")
    assert left.name.endswith(".annotated.mp4") and left.stat().st_mode & 0o777 == 0o600
    video = client.get(done["video_url"])  # type: ignore[arg-type]
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"


def test_serve_get_answers_one_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SPINECOACH_DATABASE_URL", raising=False)
    assert main(["serve", "--get", "/api/health"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "ok"
    assert main(["serve", "--get", "/api/exercises/handstand"]) == 1


def test_serve_on_a_busy_port_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--no-browser", "--port", str(port)]) == 2
    assert "already running" in capsys.readouterr().err
