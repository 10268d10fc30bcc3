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


def test_a_name_with_a_very_long_suffix_is_not_a_500(client: TestClient) -> None:
    files = {"video": ("clip." + "x" * 300, b"\x00" * 1000, "video/mp4")}
    response = client.post("/api/analyses", files=files, data={"exercise_id": "bridge"})
    assert response.status_code == 202
    assert _wait(client, response.json()["id"])["status"] == "done"
    files = {"video": ("clip." + "x" * 300, b"\x00" * 1000, "application/octet-stream")}
    response = client.post("/api/analyses", files=files, data={"exercise_id": "bridge"})
    assert response.status_code == 400


def test_errors_name_the_users_file_never_a_server_path(tmp_path) -> None:
    from spinecoach.errors import InputError
    from spinecoach.web.jobs import AnalysisJobs

    def analyzer(path, exercise_id, progress):
        raise InputError(f"cannot read {path}: the file is not a video")

    def crashing(path, exercise_id, progress):
        raise OSError(2, "No such file or directory", str(path))

    for fails in (analyzer, crashing):
        jobs = AnalysisJobs(fails, tmp_path / "uploads")
        path = jobs.new_upload_path(".mp4")
        path.write_bytes(b"x")
        job = jobs.submit("bridge", path, owner_id=1, shown_name="my squat.mp4")
        deadline = time.monotonic() + 30
        while (view := jobs.get(job.id, owner_id=1)) is not None and view.status != "failed":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert view is not None and view.error is not None
        assert "my squat.mp4" in view.error
        assert str(tmp_path) not in view.error and "/uploads" not in view.error
        jobs.shutdown()


def test_shutdown_deletes_the_queued_uploads(tmp_path) -> None:
    import threading

    from spinecoach.web.jobs import AnalysisJobs

    release = threading.Event()

    def slow(path, exercise_id, progress):
        release.wait(10)
        raise RuntimeError("stopped")

    jobs = AnalysisJobs(slow, tmp_path / "uploads")
    for _ in range(5):
        path = jobs.new_upload_path(".mp4")
        path.write_bytes(b"x")
        jobs.submit("bridge", path, owner_id=1)
    jobs.shutdown()
    release.set()
    assert list((tmp_path / "uploads").iterdir()) == []


def test_start_up_sweeps_what_a_crash_left(tmp_path) -> None:
    from spinecoach.web.jobs import AnalysisJobs

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "left-by-a-crash.mp4").write_bytes(b"x")
    jobs = AnalysisJobs(lambda *a: None, uploads)  # type: ignore[arg-type, return-value]
    try:
        assert list(uploads.iterdir()) == []  # gone at start-up, before any shutdown
    finally:
        jobs.shutdown()


def _analysed(client: TestClient) -> dict[str, object]:
    files = {"video": ("my bridges.mp4", b"\x00" * 1000, "video/mp4")}
    response = client.post("/api/analyses", files=files, data={"exercise_id": "bridge"})
    return _wait(client, response.json()["id"])


def test_an_analysed_video_is_saved_to_the_history_once(screened: TestClient) -> None:
    job = _analysed(screened)
    assert job["key_angle"] == "hip_ext_deg" and job["file_name"] == "my bridges.mp4"
    # the band drawn behind it is the bridge file's own limits (-15 .. +10 degrees)
    assert (job["target_band"]["low"], job["target_band"]["high"]) == (-15.0, 10.0)
    saved = screened.post(f"/api/analyses/{job['id']}/save")
    assert saved.status_code == 201, saved.text
    session_id = saved.json()["session_id"]
    assert screened.get(f"/api/analyses/{job['id']}").json()["saved_session_id"] == session_id
    summary = screened.get(f"/api/sessions/{session_id}").json()
    assert [(s["exercise_id"], s["mode"], s["reps"]) for s in summary["sets"]] == [
        ("bridge", "video", 3)]
    again = screened.post(f"/api/analyses/{job['id']}/save")
    assert again.status_code == 400 and "already saved" in again.json()["detail"]
    assert screened.get("/api/history").json()["sessions_total"] == 1


def test_a_video_filmed_on_an_earlier_day_counts_toward_that_day(screened: TestClient) -> None:
    from datetime import date, timedelta

    today = date.fromisoformat(screened.get("/api/today").json()["date"])
    job = _analysed(screened)
    future = screened.post(f"/api/analyses/{job['id']}/save",
                           json={"done_on": (today + timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and "future" in future.json()["detail"]
    too_old = screened.post(f"/api/analyses/{job['id']}/save",
                            json={"done_on": (today - timedelta(days=400)).isoformat()})
    assert too_old.status_code == 400 and "last 30 days" in too_old.json()["detail"]
    assert screened.get("/api/history").json()["sessions_total"] == 0  # nothing half-saved
    # filmed the day before the account was made: the history now starts on that day
    yesterday = (today - timedelta(days=1)).isoformat()
    saved = screened.post(f"/api/analyses/{job['id']}/save", json={"done_on": yesterday})
    assert saved.status_code == 201, saved.text
    history = screened.get("/api/history").json()
    assert history["adherence"] == {yesterday: 1} and history["start"] == yesterday


def test_saving_is_behind_the_safety_guard(client: TestClient) -> None:
    from .conftest import clear_answers

    client.post("/api/screening", json={"answers": clear_answers(client, saddle_numbness=True)})
    job = _analysed(client)
    response = client.post(f"/api/analyses/{job['id']}/save")
    assert response.status_code == 409
    assert client.get("/api/history").json()["sessions_total"] == 0
    assert client.post("/api/analyses/nope/save").status_code == 404


class _Annotating:
    """Writes an 'annotated' copy, as the engine analyzer does with --annotate."""

    annotates = True

    def __call__(self, path, exercise_id, progress, annotate_path):  # type: ignore[no-untyped-def]
        from .conftest import three_rep_report

        annotate_path.write_bytes(b"\x00\x00\x00\x18ftypmp42 annotated")
        return three_rep_report(exercise_id)


def test_the_annotated_video_is_served_while_kept_then_deleted(tmp_path) -> None:
    import numpy as np

    from spinecoach.session.in_memory import InMemoryRepository
    from spinecoach.settings import Settings
    from spinecoach.web.app import create_app
    from spinecoach.web.jobs import KEPT_VIDEOS
    from spinecoach.web.testing import sign_in_by_link

    from .conftest import Clock, FakeTracker

    app = create_app(Settings(data_dir=tmp_path, database_url="sqlite://", speech="browser"),
                     repository=InMemoryRepository(), clock=Clock(),
                     tracker_factory=FakeTracker, analyzer=_Annotating(),
                     picture_renderer=lambda ex, phase: np.zeros((8, 8, 3), dtype=np.uint8))
    with TestClient(app, base_url="http://localhost") as client:
        sign_in_by_link(client)
        jobs = []
        for n in range(KEPT_VIDEOS + 1):
            files = {"video": (f"clip{n}.mp4", b"\x00" * 100, "video/mp4")}
            job_id = client.post("/api/analyses", files=files,
                                 data={"exercise_id": "bridge"}).json()["id"]
            jobs.append(_wait(client, job_id))
        newest = jobs[-1]
        assert newest["video_url"] == f"/api/analyses/{newest['id']}/video.mp4"
        video = client.get(newest["video_url"])
        assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
        assert video.content.endswith(b"annotated")
        oldest = client.get(f"/api/analyses/{jobs[0]['id']}/video.mp4")
        assert oldest.status_code == 404 and "no longer kept" in oldest.json()["detail"]
        kept = sorted(p.name for p in (tmp_path / "uploads").iterdir())
        assert len(kept) == KEPT_VIDEOS and all(n.endswith(".annotated.mp4") for n in kept)
    assert list((tmp_path / "uploads").iterdir()) == []  # shutdown deletes every copy


def test_every_exercise_has_a_target_band_for_its_key_measure() -> None:
    from spinecoach.domain.exercises import load_library
    from spinecoach.web.bands import target_band

    for exercise_id in load_library():
        band = target_band(exercise_id)
        assert band is not None and band.label, exercise_id
        assert band.high is not None
        assert band.low is None or band.low < band.high


def test_another_patients_video_and_save_are_404_and_a_clinician_cannot_save(
        tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from spinecoach.session import accounts
    from spinecoach.session.in_memory import InMemoryRepository
    from spinecoach.session.records import Role
    from spinecoach.settings import Settings
    from spinecoach.web.app import create_app
    from spinecoach.web.auth import CSRF_HEADER
    from spinecoach.web.testing import sign_in_by_link

    from .conftest import FakeTracker, clear_answers

    repo = InMemoryRepository()
    app = create_app(Settings(data_dir=tmp_path, database_url="sqlite://", speech="browser"),
                     repository=repo, clock=clock, tracker_factory=FakeTracker,
                     analyzer=_Annotating(),
                     picture_renderer=lambda ex, phase: np.zeros((8, 8, 3), dtype=np.uint8))
    with TestClient(app, base_url="http://localhost") as client:
        sign_in_by_link(client)
        owner = repo.users()[0]
        assert client.post("/api/screening",
                           json={"answers": clear_answers(client)}).status_code == 200
        job = _analysed(client)
        video, save = f"/api/analyses/{job['id']}/video.mp4", f"/api/analyses/{job['id']}/save"
        assert client.get(video).status_code == 200

        accounts.add_account(repo, "kim", Role.PATIENT, clock())
        client.cookies.clear()
        client.headers.pop(CSRF_HEADER, None)
        sign_in_by_link(client, "kim")
        for response in (client.get(video), client.post(save),
                         client.get(f"/api/analyses/{job['id']}")):
            assert response.status_code == 404, response.text
        assert client.get("/api/history").json()["sessions_total"] == 0

        accounts.add_account(repo, "dr-sam", Role.CLINICIAN, clock())
        accounts.link_patient(repo, owner.name, "dr-sam", clock())
        client.cookies.clear()
        client.headers.pop(CSRF_HEADER, None)
        sign_in_by_link(client, "dr-sam")
        who = f"?patient={owner.id}"
        assert client.get(video + who).status_code == 200  # a linked clinician may watch it
        refused = client.post(save + who)
        assert refused.status_code == 403 and "not change" in refused.json()["detail"]
        assert repo.sessions(owner.id or 0) == []  # nothing was saved for anyone
