from __future__ import annotations

import time

from fastapi.testclient import TestClient


def _wait(client: TestClient, job_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 30.0  # generous: CI machines are shared and may be busy
    while time.monotonic() < deadline:
        job = client.get(f"/api/analyses/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.02)
    raise AssertionError("job did not finish")


def test_upload_is_analysed_and_deleted(client: TestClient, tmp_path) -> None:
    files = {"video": ("clip.mp4", b"\x00" * 1000, "video/mp4")}
    response = client.post("/api/analyses", files=files, data={"exercise_id": "bridge"})
    assert response.status_code == 202
    job = _wait(client, response.json()["id"])
    assert job["status"] == "done" and job["result"]["reps"] == 3
    assert list((tmp_path / "uploads").iterdir()) == []


def test_upload_that_is_not_a_video_is_refused(client: TestClient) -> None:
    files = {"video": ("notes.txt", b"hello", "text/plain")}
    response = client.post("/api/analyses", files=files, data={"exercise_id": "bridge"})
    assert response.status_code == 400
    assert "does not look like a video" in response.json()["detail"]


def test_declared_size_over_the_limit_is_refused_before_reading(client: TestClient) -> None:
    response = client.post("/api/analyses", content=b"x",
                           headers={"content-length": str(600 << 20),
                                    "content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 413
    assert "larger than 500 MB" in response.json()["detail"]


def test_upload_too_large_is_413(client: TestClient) -> None:
    client.app.state.context.settings = client.app.state.context.settings.with_overrides(
        max_upload_mb=1)
    files = {"video": ("big.mp4", b"\x00" * (2 << 20), "video/mp4")}
    response = client.post("/api/analyses", files=files, data={"exercise_id": "bridge"})
    assert response.status_code == 413
    assert client.get("/api/health").status_code == 200
