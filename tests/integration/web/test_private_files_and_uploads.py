"""The record stays its owner's (0700 / 0600) and uploaded videos never outlive the server.

Issue 11's probe found a 0755 data directory with a 0644 database, WAL and exports, and
uploaded videos left behind by SIGTERM (8 of 8 queued) and SIGKILL (1 mid-analysis) that
start-up never cleaned.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from spinecoach.cli import main
from spinecoach.session import services
from spinecoach.settings import Settings
from spinecoach.storage import open_repository
from spinecoach.web.testing import find_signin_link, http_client_signed_in

HERE = Path(__file__).parent


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_directory_and_database_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "cache" / "speech").mkdir(parents=True)
    (data / "cache" / "speech" / "old.wav").write_bytes(b"RIFF")
    (data / "cache" / "speech" / "old.wav").chmod(0o644)
    (data / "notes.txt").write_text("not ours")
    (data / "notes.txt").chmod(0o644)
    settings = Settings(data_dir=data)
    repo = open_repository(settings)
    try:
        services.ensure_user(repo, "local", datetime.now(UTC))
        db = data / "spinecoach.db"
        assert _mode(data) == 0o700
        assert _mode(db) == 0o600
        for side in ("spinecoach.db-wal", "spinecoach.db-shm"):
            if (data / side).exists():
                assert _mode(data / side) == 0o600, side
        assert _mode(data / "cache") == 0o700
        assert _mode(data / "cache" / "speech" / "old.wav") == 0o600
        assert _mode(data / "notes.txt") == 0o644  # not spinecoach's: left alone
    finally:
        repo.close()


@pytest.mark.parametrize("args", [["export", "--format", "json", "--out", "out.json"],
                                  ["export", "--format", "csv", "--out", "out.zip"],
                                  ["export", "--format", "csv", "--out", "tables"],
                                  ["report", "--out", "report.html"]])
def test_exports_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             args: list[str]) -> None:
    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SPINECOACH_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(args) == 0
    out = tmp_path / args[-1]
    files = sorted(out.iterdir()) if out.is_dir() else [out]
    assert files and all(_mode(f) == 0o600 for f in files)
    if out.is_dir():
        assert _mode(out) == 0o700


def _wait_until_up(url: str, process: subprocess.Popen[str]) -> None:
    """Wait for the server to answer (401: it is up, and wants a session)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the test server stopped"
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 401:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the test server did not start")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    def __init__(self, data: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "serve_blocking.py"), str(data), str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        link = find_signin_link(self.process.stdout.readline())  # type: ignore[union-attr]
        assert link is not None, self.process.stderr.read()  # type: ignore[union-attr]
        _wait_until_up(self.url, self.process)
        self.client = http_client_signed_in(link)

    def upload(self, n: int) -> None:
        for i in range(n):
            response = self.client.post(
                "/api/analyses", data={"exercise_id": "bridge"},
                files={"video": (f"clip{i}.mp4", b"\0" * 5000, "video/mp4")})
            assert response.status_code == 202, response.text

    def stop(self, sig: signal.Signals) -> None:
        self.client.close()
        self.process.send_signal(sig)
        self.process.wait(timeout=60)


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "data"


def test_uploads_are_deleted_on_sigterm(data: Path) -> None:
    server = _Server(data)
    server.upload(5)  # two analysing, three queued
    assert len(list((data / "uploads").iterdir())) == 5
    server.stop(signal.SIGTERM)
    assert list((data / "uploads").iterdir()) == []


def test_uploads_left_by_sigkill_are_swept_at_start_up(data: Path) -> None:
    server = _Server(data)
    server.upload(3)
    server.stop(signal.SIGKILL)
    left = list((data / "uploads").iterdir())
    assert len(left) == 3
    assert all(_mode(f) == 0o600 for f in left) and _mode(data / "uploads") == 0o700
    again = _Server(data)
    try:
        assert list((data / "uploads").iterdir()) == []
    finally:
        again.stop(signal.SIGTERM)


def test_what_the_real_server_writes_later_is_private(data: Path) -> None:
    port = _free_port()
    env = {**os.environ, "SPINECOACH_DATA_DIR": str(data), "SPINECOACH_SPEECH": "browser"}
    env.pop("SPINECOACH_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "spinecoach.cli", "serve", "--no-browser", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        printed = "".join(process.stderr.readline() for _ in range(2))  # type: ignore[union-attr]
        link = find_signin_link(printed)
        assert link is not None, printed
        _wait_until_up(url, process)
        client = http_client_signed_in(link)
        picture = client.get("/api/exercises/bridge/picture.png")
        client.close()
        assert picture.status_code == 200
        written = [p for p in (data / "cache").rglob("*") if p.is_file()]
        assert written and all(_mode(p) == 0o600 for p in written)
        assert all(_mode(p) == 0o700 for p in (data / "cache").rglob("*") if p.is_dir())
        assert _mode(data) == 0o700 and _mode(data / "spinecoach.db") == 0o600
    finally:
        process.terminate()
        process.wait(timeout=30)
