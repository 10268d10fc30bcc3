"""History at scale: a year of one patient's data, built through the app's own services.

Run by hand:  .venv/bin/python bench/history_scale.py [--days 10,100,365] [--no-write]
Writes the "History at scale" section of BENCHMARKS.md.

Every day the patient answers the re-check, checks in before, does every exercise of today's
plan (each repetition and hold recorded the way the live coach records them), checks in
after and finishes the session (which applies progression).  Then the script times, on a
fresh copy of that database, the requests a user makes: ``GET /api/history``, ``GET /today``
(the page), ``GET /api/status`` and finishing one more session, and counts the SQL statements
each runs.  The databases live in ``$SPINECOACH_BENCH_CACHE`` (default ``/dev/shm``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmd import write_section  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Engine, event, func, select  # noqa: E402

from spinecoach.session import accounts  # noqa: E402
from spinecoach.settings import Settings  # noqa: E402
from spinecoach.storage import open_repository  # noqa: E402
from spinecoach.storage.tables import HoldRow, RepetitionRow, SessionRow, SetRow  # noqa: E402
from spinecoach.tracking.state import HoldEvent, RepEvent  # noqa: E402
from spinecoach.web.app import create_app  # noqa: E402
from spinecoach.web.local_user import LocalUser  # noqa: E402
from spinecoach.web.schemas import CheckInIn, ScreeningIn, SetIn  # noqa: E402
from spinecoach.web.testing import sign_in_by_link  # noqa: E402

CACHE = Path(os.environ.get("SPINECOACH_BENCH_CACHE", "/dev/shm/spinecoach-bench"))
FIRST_DAY = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
TARGET_S = 0.3
REPEATS = 3


class Clock:
    """The benchmark's time: each session happens at 08:00 UTC of its day."""

    def __init__(self) -> None:
        self.now = FIRST_DAY

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move on by ``seconds``."""
        self.now += timedelta(seconds=seconds)


def _settings(path: Path) -> Settings:
    return Settings(data_dir=path.parent, database_url=f"sqlite:///{path}", speech="browser")


def _answers(user: LocalUser, full: bool) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in user.questions(full):
        if question.kind == "yes_no":
            answers[question.id] = False
        elif question.kind == "number":
            answers[question.id] = 40
        else:
            answers[question.id] = next(iter(question.choices or {"x": 0}))
    return answers


def _checkin(user: LocalUser, when: str, session_id: int | None, day: int) -> None:
    pain = max(1, 4 - day // 90) + (day % 3 == 0)
    if when == "after" and day % 45 == 44:
        pain = 6  # a flare now and then: a stop, and the dose eases next time
    user.checkin(CheckInIn(when=when, session_id=session_id, back_pain=pain,
                           leg_pain=max(0, pain - 1), leg_extent="thigh" if day < 120 else "back",
                           tingling=day < 60))


def _one_set(user: LocalUser, clock: Clock, session_id: int, exercise_id: str,
             reps: int | None, hold_s: float | None, per_side: bool, day: int) -> None:
    set_id = user.start_set(session_id, SetIn(exercise_id=exercise_id, mode="camera"))
    t_s = 2.0
    if reps is None:  # a plank: one good-form hold
        held = (hold_s or 10.0) + 0.5
        user.record_hold(set_id, HoldEvent(t_s, t_s + held))
        t_s += held
    else:
        count = reps * (2 if per_side else 1)
        for index in range(1, count + 1):
            held = (hold_s + 0.2) if hold_s else 0.0
            good = (index + day) % 9 != 0
            side = ("left" if index % 2 else "right") if per_side else None
            metrics = {"thigh_deg_at_peak": 12.0 + (index % 4)} if exercise_id == "ball-squat" \
                else {"knee_deg_at_peak": 90.0 + (index % 5)}
            user.record_rep(set_id, RepEvent(index, t_s, t_s + 1.5, t_s + 3.0 + held, side,
                                             held, good, () if good else ("hold_too_short",),
                                             metrics))
            if held:
                user.record_hold(set_id, HoldEvent(t_s + 1.5, t_s + 1.5 + held))
            t_s += 3.5 + held
    clock.advance(t_s)
    user.finish_set(set_id)


def _session(user: LocalUser, clock: Clock, day: int, *, finish: bool = True) -> int:
    user.screen(ScreeningIn(answers=_answers(user, day == 0), full=day == 0))
    session_id = user.start_session().id
    _checkin(user, "before", session_id, day)
    for item in user.today().items:
        if item.stopped_today:
            continue
        for _ in range(item.sets):
            _one_set(user, clock, session_id, item.exercise.id, item.reps, item.hold_s,
                     item.exercise.per_side, day)
            clock.advance(item.rest_s)
    _checkin(user, "after", session_id, day)
    if finish:
        user.finish_session(session_id)
    return session_id


def build(path: Path, days: int) -> None:
    """Write ``days`` days of sessions into a new SQLite database at ``path``."""
    path.unlink(missing_ok=True)
    clock = Clock()
    repo = open_repository(_settings(path))
    user = LocalUser(repo, accounts.local_account(repo, clock()), clock=clock)
    started = time.perf_counter()
    for day in range(days):
        clock.now = FIRST_DAY + timedelta(days=day)
        _session(user, clock, day)
        if day % 30 == 29:
            print(f"  day {day + 1}/{days} ({time.perf_counter() - started:.0f} s)", flush=True)
    repo.close()


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements run on ``engine`` inside the block."""
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _time(engine: Engine, call: Callable[[], object]) -> tuple[float, float, int, int]:
    """Median wall and CPU seconds over REPEATS calls, one call's statements, response size.

    CPU seconds (this process, every thread) do not grow when other work shares the machine.
    """
    timings, cpu, statements, size = [], [], 0, 0
    for _ in range(REPEATS):
        with counting(engine) as seen:
            t0, c0 = time.perf_counter(), time.process_time()
            result = call()
            timings.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        statements = len(seen)
        size = len(getattr(result, "content", b""))
    return statistics.median(timings), statistics.median(cpu), statements, size


def _sizes(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
                for name, table in (("sessions", SessionRow), ("sets", SetRow),
                                    ("reps", RepetitionRow), ("holds", HoldRow))}


def measure(source: Path, days: int) -> list[dict[str, object]]:
    """Time the requests on a copy of the database at ``source``."""
    work = CACHE / f"measure-{days}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    path = work / "spinecoach.db"
    shutil.copy(source, path)
    clock = Clock()
    clock.now = FIRST_DAY + timedelta(days=days)
    repo = open_repository(_settings(path))
    user = LocalUser(repo, accounts.local_account(repo, clock()), clock=clock)
    app = create_app(_settings(path), repository=repo, clock=clock)
    rows: list[dict[str, object]] = []
    sizes = _sizes(repo.engine)
    with TestClient(app, base_url="http://localhost") as client:
        sign_in_by_link(client)  # as after the one-time link of `spinecoach serve`
        client.get("/api/status")
        for label, call in (("GET /api/history", lambda: client.get("/api/history")),
                            ("GET /today", lambda: client.get("/today")),
                            ("GET /api/status", lambda: client.get("/api/status"))):
            seconds, cpu_s, statements, size = _time(repo.engine, call)
            rows.append({"request": label, "s": seconds, "cpu_s": cpu_s,
                         "statements": statements, "bytes": size, **sizes})
        timings, cpu, statements = [], [], 0
        for _ in range(REPEATS):
            session_id = _session(user, clock, days, finish=False)
            with counting(repo.engine) as seen:
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.post(f"/api/sessions/{session_id}/finish")
                timings.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            assert response.status_code == 200, response.text
            statements = len(seen)
            clock.now += timedelta(days=1)
        rows.append({"request": "POST /api/sessions/{id}/finish", "s": statistics.median(timings),
                     "cpu_s": statistics.median(cpu), "statements": statements,
                     "bytes": len(response.content), **sizes})
    repo.close()
    return rows


def _table(rows: list[dict[str, object]]) -> str:
    head = ("| days | sessions | sets | reps | holds | request | SQL statements | seconds "
            "(median of 3) | CPU seconds | response bytes | CPU within 0.3 s |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = [
        f"| {r['days']} | {r['sessions']} | {r['sets']} | {r['reps']} | {r['holds']} | "
        f"{r['request']} | {r['statements']} | {float(str(r['s'])):.3f} | "
        f"{float(str(r['cpu_s'])):.3f} | {r['bytes']} | "
        f"{'yes' if float(str(r['cpu_s'])) <= TARGET_S else 'NO'} |"
        for r in rows
    ]
    return head + "\n".join(lines)


def main() -> None:
    """Build (or reuse) the databases, measure, and write BENCHMARKS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", default="10,100,365")
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument("--no-write", action="store_true", help="print, do not write BENCHMARKS")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    for days in (int(d) for d in args.days.split(",")):
        source = CACHE / f"history-{days}.db"
        if args.rebuild or not source.exists():
            print(f"building {days} days ...", flush=True)
            t0 = time.perf_counter()
            build(source, days)
            print(f"  built in {time.perf_counter() - t0:.0f} s", flush=True)
        rows += [{"days": days, **row} for row in measure(source, days)]
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    body = (
        "Written by `bench/history_scale.py`: one patient, a session every day, each built "
        "through the app's own services (re-check, check-ins, every set of today's plan with "
        "each repetition and hold recorded as the live coach records them, finish with "
        "progression), in SQLite on tmpfs. Each request is then timed on a copy of that "
        "database through the web app (median of 3), counting the SQL statements it runs; CPU "
        "seconds are this process's (all threads), which other work on the machine does not "
        "inflate. "
        f"Target: a constant number of statements and at most {TARGET_S} s at 365 days. "
        f"Machine: {machine}, shared (load average {os.getloadavg()[0]:.1f} at the end), run "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.\n\n" + _table(rows)
    )
    print(body)
    if not args.no_write:
        write_section("History at scale", body)


if __name__ == "__main__":
    main()
