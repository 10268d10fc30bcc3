"""Two servers on one database: neither closes the live sets the other is coaching.

A starting server closes only the open sets whose lease ran out; the running server renews
the lease of its own sets and sweeps the sets a crashed server left.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.session.records import RepetitionRecord, SetRecord
from spinecoach.session.tracked_sets import LEASE, close_abandoned_sets
from spinecoach.web import live_leases

from .conftest import DOWN, UP, Clock, fake_jpeg


def _rep(ws, t0: float) -> float:
    """One 3 s bridge at 10 fps from ``t0``; returns the next frame's time."""
    t = t0
    for y in [DOWN] * 5 + [UP] * 31 + [DOWN] * 5:
        ws.send_text(json.dumps({"type": "frame", "t_s": round(t, 3)}))
        ws.send_bytes(fake_jpeg(y))
        state = ws.receive_json()
        assert state["type"] == "state"
        t += 0.1
    return t


def _crashed_servers_set(repo: InMemoryRepository, session_id: int, clock: Clock) -> int:
    """A set another server opened, counted two reps of, then died without closing."""
    record = repo.start_set(SetRecord(session_id=session_id, exercise_id="plank", index=1,
                                      started_at=clock.now, target_reps=None,
                                      target_hold_s=10.0))
    assert record.id is not None
    for i in (1, 2):
        repo.add_repetition(RepetitionRecord(set_id=record.id, index=i, side=None,
                                             start_s=i, peak_s=i + 0.5, end_s=i + 1.0,
                                             hold_s=None, good_form=True))
    return record.id


def test_a_second_server_leaves_a_live_set_alone(screened: TestClient, repo: InMemoryRepository,
                                                 clock: Clock) -> None:
    leases = screened.app.state.context.leases  # type: ignore[attr-defined]
    sid = screened.post("/api/sessions").json()["id"]
    dead = _crashed_servers_set(repo, sid, clock)
    with screened.websocket_connect(f"ws://localhost/ws/coach?exercise=bridge&session={sid}") as ws:
        set_id = ws.receive_json()["set_id"]
        assert leases.held() == [set_id]
        t = _rep(ws, 0.0)
        # a second server starts on the same database while the set is under way
        assert close_abandoned_sets(repo, now=clock()) == []
        # ten minutes later (a long set): this server has renewed its lease meanwhile
        clock.now += timedelta(minutes=10)
        swept = leases.renew_and_sweep(repo, clock())
        assert [s.id for s in swept] == [dead]  # the crashed server's set, with its reps
        assert repo.get_set(dead).reps_done == 2  # type: ignore[union-attr]
        assert close_abandoned_sets(repo, now=clock() + timedelta(seconds=30)) == []
        _rep(ws, t)
        ws.send_text(json.dumps({"type": "end"}))
        summary = ws.receive_json()
    assert summary["type"] == "summary" and summary["set"]["reps"] == 2
    assert leases.held() == []
    record = repo.get_set(set_id)
    assert record is not None and record.reps_done == 2 and record.alive_at == clock.now


def test_a_set_whose_lease_ran_out_is_closed(screened: TestClient, repo: InMemoryRepository,
                                             clock: Clock) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    dead = _crashed_servers_set(repo, sid, clock)
    assert close_abandoned_sets(repo, now=clock.now + LEASE - timedelta(seconds=1)) == []
    closed = close_abandoned_sets(repo, now=clock.now + LEASE)
    assert [c.id for c in closed] == [dead] and closed[0].reps_done == 2


def test_the_running_server_renews_and_sweeps_by_itself(
        screened: TestClient, repo: InMemoryRepository, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The renewing task runs on the server's loop from start-up (every 20 s; 50 ms here)."""
    monkeypatch.setattr(live_leases, "LEASE_RENEW_EVERY", timedelta(milliseconds=50))
    context = screened.app.state.context  # type: ignore[attr-defined]
    screened.portal.call(context.leases.stop)  # the task started with the 20 s period
    screened.portal.call(context.leases.start, repo, clock)  # type: ignore[arg-type]
    sid = screened.post("/api/sessions").json()["id"]
    dead = _crashed_servers_set(repo, sid, clock)
    with screened.websocket_connect(f"ws://localhost/ws/coach?exercise=bridge&session={sid}") as ws:
        set_id = ws.receive_json()["set_id"]
        clock.now += timedelta(minutes=5)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline and repo.get_set(dead).ended_at is None:  # type: ignore[union-attr]
            time.sleep(0.05)
        live = repo.get_set(set_id)
        assert live is not None and live.ended_at is None and live.alive_at == clock.now
        assert repo.get_set(dead).ended_at is not None  # type: ignore[union-attr]
        ws.send_text(json.dumps({"type": "end"}))
        assert ws.receive_json()["type"] == "summary"
