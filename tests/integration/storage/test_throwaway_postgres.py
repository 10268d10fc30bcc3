"""The test command's throw-away PostgreSQL: reachable by this account only, and stopped.

Issue 11: the server was left running after the tests (superuser, trust authentication,
on 127.0.0.1:54329), open to every local account.  Now it listens on no TCP port, only on a
Unix socket in a 0700 directory, and ``scripts/test`` stops it when the tests end.
"""

from __future__ import annotations

import glob
import os
import socket
import stat
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(not glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                                reason="PostgreSQL is not installed")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_server_is_private_and_stopped_afterwards() -> None:
    port = _port()
    # directly in /tmp: the server's own account (postgres, when run as root) must reach it
    data = Path(f"/tmp/spinecoach-pgtest-{port}-{os.getpid()}")
    env = {**os.environ, "PGPORT": str(port), "PGDATA_DIR": str(data)}
    url = subprocess.run([REPO / "scripts" / "start-postgres"], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout.strip()
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
        engine.dispose()
        with socket.socket() as probe:  # nothing on TCP
            assert probe.connect_ex(("127.0.0.1", port)) != 0
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
    finally:
        subprocess.run([REPO / "scripts" / "stop-postgres"], env=env, check=True, timeout=120)
    assert not data.exists()


def test_the_test_command_stops_its_server_when_the_tests_end() -> None:
    script = (REPO / "scripts" / "test").read_text()
    assert "trap 'scripts/stop-postgres' EXIT" in script
    assert script.index("trap") < script.index("scripts/start-postgres")
