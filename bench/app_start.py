"""How long `scripts/app` takes from the command to the web app's first answer.

    .venv/bin/python bench/app_start.py [--rounds 3] [--no-write]

Starts ``scripts/app --port P --no-browser`` (an already set-up checkout: the setup step
only checks its stamp) with a throw-away data directory, polls ``http://127.0.0.1:P/``
until any HTTP answer comes back, stops the server, and repeats.  The first round creates
the database (migrations); later rounds are the "second start" a returning user sees.
Also times ``scripts/setup`` alone (the no-op check).  Writes the "App start" section of
BENCHMARKS.md.  Run it on a quiet machine: it measures wall time.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmd import write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP status is an answer (a sign-in page, a redirect)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def start_once(data_dir: Path) -> float:
    """Seconds from starting ``scripts/app`` to its first HTTP answer."""
    port = _free_port()
    env = {**os.environ, "SPINECOACH_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    proc = subprocess.Popen([str(ROOT / "scripts" / "app"), "--port", str(port), "--no-browser"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while not _answers(f"http://127.0.0.1:{port}/"):
            if proc.poll() is not None:
                raise SystemExit(f"scripts/app exited with {proc.returncode} before answering")
            if time.perf_counter() - started > TIMEOUT_S:
                raise SystemExit("scripts/app did not answer within a minute")
            time.sleep(0.02)
        return time.perf_counter() - started
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def main() -> None:
    """Measure and report."""
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    t0 = time.perf_counter()
    subprocess.run([str(ROOT / "scripts" / "setup")], cwd=ROOT, check=True)
    setup_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        rounds = [start_once(Path(tmp) / "data") for _ in range(max(2, args.rounds))]
    later = rounds[1:]
    load = os.getloadavg()[0]
    text = (
        "`bench/app_start.py`: `scripts/app --no-browser` on an already set-up checkout, "
        "from the command to the first HTTP answer, with a fresh data directory (the first "
        "start creates the database; the later ones are what a returning user waits).\n\n"
        "| | seconds |\n|---|---|\n"
        f"| `scripts/setup` alone (already set up) | {setup_s:.2f} |\n"
        f"| first start (creates the database) | {rounds[0]:.2f} |\n"
        f"| later starts, median of {len(later)} | {statistics.median(later):.2f} |\n"
        f"| later starts, slowest | {max(later):.2f} |\n\n"
        f"Target (issue: a second start answers within 3 s): "
        f"{'met' if statistics.median(later) <= 3.0 else 'NOT met'}. "
        f"Load average when it ran: {load:.2f}."
    )
    print(text)
    if not args.no_write:
        write_section("App start", text)


if __name__ == "__main__":
    main()
