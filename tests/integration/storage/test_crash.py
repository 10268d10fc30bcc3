"""Killing the process in the middle of a set loses no repetition it had reported as saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

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
