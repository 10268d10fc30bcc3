"""Killing the process in the middle of a set loses no repetition it had reported as saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from spinecoach.session import tracked_sets
from spinecoach.settings import Settings
from spinecoach.storage import open_repository

WRITER = Path(__file__).with_name("crash_writer.py")
REPS_BEFORE_KILL = 25


def _run_and_kill(settings: Settings) -> tuple[int, list[int]]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(settings.data_dir), settings.database_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    set_id: int | None = None
    reported: list[int] = []
    try:
        for line in child.stdout:
            kind, value = line.split()
            if kind == "set":
                set_id = int(value)
            else:
                reported.append(int(value))
            if len(reported) >= REPS_BEFORE_KILL:
                child.send_signal(signal.SIGKILL)  # mid-set: the child is already writing on
                break
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    assert set_id is not None
    return set_id, reported


def test_sigkill_mid_set_loses_no_reported_repetition(db_settings: Settings) -> None:
    set_id, reported = _run_and_kill(db_settings)
    assert len(reported) == REPS_BEFORE_KILL

    with open_repository(db_settings) as repo:
        stored = repo.repetitions_of(set_id)
    stored_ids = [rep.id for rep in stored]
    assert set(reported) <= set(stored_ids)
    # nothing half-written: the stored reps are numbered 1..n without a gap
    assert [rep.index for rep in stored] == list(range(1, len(stored) + 1))
    assert all(rep.metrics == {"duration_s": 1.6} for rep in stored)


def test_the_next_start_closes_a_set_cut_by_a_kill(
    db_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A set cut by SIGKILL has no end and no count; the next `spinecoach serve` closes it
    with the repetitions saved before the kill (ending at its last one) and says so, once its
    lease has run out (here: as if the restart came a lease after the kill; a restart
    sooner leaves it to the running server's sweep, tested in test_live_set_lease)."""
    import socket

    import uvicorn

    from spinecoach.cli import main

    set_id, _ = _run_and_kill(db_settings)
    with open_repository(db_settings) as repo:
        record = repo.get_set(set_id)
        assert record is not None and record.ended_at is None and record.reps_done is None
    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(db_settings.data_dir))
    monkeypatch.setenv("SPINECOACH_DATABASE_URL", db_settings.database_url)
    monkeypatch.delenv("SPINECOACH_HOST", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: None)
    monkeypatch.setattr(tracked_sets, "LEASE", timedelta(0))
    monkeypatch.setattr("os.umask", lambda mask: 0o022)  # not the test process's umask
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before_start = datetime.now(UTC)
    assert main(["serve", "--no-browser", "--port", str(port)]) == 0
    assert "left open" in capsys.readouterr().err
    with open_repository(db_settings) as repo:
        record = repo.get_set(set_id)
        reps = repo.repetitions_of(set_id)
    assert record is not None and record.ended_at is not None
    per_side = min(sum(r.side == s for r in reps) for s in ("left", "right"))
    assert record.reps_done == per_side > 0
    # its last rep's time (the writer's clock runs faster than the wall's), never later
    # than the restart
    assert record.started_at <= record.ended_at <= before_start + timedelta(seconds=5)
