"""Sets counted by a tracker (live coaching): record each event as it happens, then close.

Every completed repetition, good-form hold and stop is written (and committed) the moment the
tracker reports it, so a closed browser or a killed server loses nothing already counted.
:func:`finish_tracked_set` closes the set with what was stored, not with a counter kept in a
front end: repetitions done (per side for an exercise counted per leg, as the records
promise), good-form seconds held, and the stop that ended it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from spinecoach.domain.codes import FaultCode, StopCode
from spinecoach.domain.exercises import get_exercise
from spinecoach.errors import InputError
from spinecoach.session.records import (
    HoldRecord,
    RepetitionRecord,
    SetRecord,
    StopEventRecord,
)
from spinecoach.session.repository import Repository
from spinecoach.tracking.state import HoldEvent, RepEvent, StopEvent


def _open_set(repo: Repository, set_id: int) -> SetRecord:
    record = repo.get_set(set_id)
    if record is None:
        raise InputError(f"set: no set with id {set_id}")
    if record.ended_at is not None:
        raise InputError(f"set: set {set_id} is not in progress")
    return record


def record_rep(repo: Repository, set_id: int, rep: RepEvent) -> RepetitionRecord:
    """Store one completed repetition of an open set now."""
    _open_set(repo, set_id)
    return repo.add_repetition(RepetitionRecord(
        set_id=set_id, index=rep.index, side=rep.side, start_s=rep.start_s, peak_s=rep.peak_s,
        end_s=rep.end_s, hold_s=rep.hold_s, good_form=rep.good_form,
        faults=tuple(FaultCode(code) for code in rep.faults), metrics=dict(rep.metrics),
    ))


def record_hold(repo: Repository, set_id: int, hold: HoldEvent) -> HoldRecord:
    """Store one good-form hold interval of an open set now."""
    _open_set(repo, set_id)
    return repo.add_hold(HoldRecord(set_id=set_id, start_s=hold.start_s, end_s=hold.end_s,
                                    good_form_s=hold.duration_s))


def record_stop(repo: Repository, set_id: int, stop: StopEvent, *,
                now: datetime) -> StopEventRecord:
    """Store a tracker's stop rule: it ends this set (a form stop stops nothing else)."""
    record = _open_set(repo, set_id)
    session = repo.get_session(record.session_id)
    if session is None:  # pragma: no cover - a set always belongs to a session
        raise InputError(f"set: set {set_id} has no session")
    return repo.add_stop_event(StopEventRecord(
        user_id=session.user_id, at=now, code=StopCode(stop.code), message=stop.message,
        session_id=record.session_id, set_id=set_id, exercise_id=record.exercise_id,
        at_s=stop.at_s,
    ))


def finish_tracked_set(repo: Repository, set_id: int, *, now: datetime) -> SetRecord:
    """Close an open set with the repetitions, holds and stop stored for it."""
    record = _open_set(repo, set_id)
    reps = repo.repetitions_of(set_id)
    held_s = sum(h.good_form_s for h in repo.holds_of(set_id))
    stop = next((e for e in repo.stop_events_of_sessions([record.session_id])
                 if e.set_id == set_id), None)
    return repo.end_set(
        set_id, now, reps_done=_reps_done(record.exercise_id, reps),
        hold_done_s=round(held_s, 2) if held_s else None,
        stop_code=stop.code if stop else None,
    )


LEASE_RENEW_EVERY = timedelta(seconds=20)
"""How often a server renews the lease of the live sets it is coaching."""
LEASE = timedelta(seconds=90)
"""A live set whose lease is older than this was left by a server that is gone."""


def close_abandoned_sets(repo: Repository, *, now: datetime) -> list[SetRecord]:
    """Close the live sets a crash or a kill left open: those whose lease (``alive_at``, else
    their start) is older than :data:`LEASE`, so the sets another server on the same database
    is still coaching are left alone.  Each keeps the repetitions, holds and stop stored for
    it and ends at its last stored event (its start when it has none), never later than
    ``now``.  A server calls this when it starts, then
    every :data:`LEASE_RENEW_EVERY`.
    """
    closed = []
    expired_before = now - LEASE
    for record in repo.open_sets():
        assert record.id is not None
        if (record.alive_at or record.started_at) > expired_before:
            continue
        ends = [r.end_s for r in repo.repetitions_of(record.id)]
        ends += [h.end_s for h in repo.holds_of(record.id)]
        last = max([0.0, *(e for e in ends if math.isfinite(e) and e >= 0)])
        ended = min(now, record.started_at + timedelta(seconds=last))
        closed.append(finish_tracked_set(repo, record.id, now=max(ended, record.started_at)))
    return closed


def _reps_done(exercise_id: str, reps: list[RepetitionRecord]) -> int:
    """Repetitions done: per side (the fewer) for an exercise counted per leg."""
    if not get_exercise(exercise_id).reps_per_side:
        return len(reps)
    by_side = {"left": 0, "right": 0}
    for rep in reps:
        if rep.side in by_side:
            by_side[rep.side] += 1
    return min(by_side.values())
