"""Sessions with everything recorded in them, read in bulk for progression and the web app.

:func:`session_histories` reads the sets, repetitions, holds, check-ins and stops of many
sessions in a fixed number of statements (one per kind, in chunks of ids), so finishing a
session or showing a page of history costs the same after a day or after a year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from spinecoach.domain.checkin import CheckInWhen
from spinecoach.domain.dates import local_date
from spinecoach.session.records import (
    CheckIn,
    HoldRecord,
    RepetitionRecord,
    SessionRecord,
    SetRecord,
    StopEventRecord,
)
from spinecoach.session.repository import Repository

_T = TypeVar("_T")


@dataclass(frozen=True)
class SetHistory:
    """One set with what the tracker recorded in it."""

    record: SetRecord
    reps: tuple[RepetitionRecord, ...] = ()
    holds: tuple[HoldRecord, ...] = ()
    stops: tuple[StopEventRecord, ...] = ()


@dataclass(frozen=True)
class SessionHistory:
    """One session with its sets, its before / after check-ins and its stops."""

    session: SessionRecord
    sets: tuple[SetHistory, ...]
    before: CheckIn | None = None
    after: CheckIn | None = None
    stops: tuple[StopEventRecord, ...] = ()

    @property
    def day(self) -> date:
        """The local date of the session."""
        return local_date(self.session.started_at)


def _by(items: Iterable[_T], key: str) -> dict[int, list[_T]]:
    grouped: dict[int, list[_T]] = defaultdict(list)
    for item in items:
        grouped[getattr(item, key)].append(item)
    return grouped


def assemble_sets(
    sets: Iterable[SetRecord],
    reps: Iterable[RepetitionRecord] = (),
    holds: Iterable[HoldRecord] = (),
    stops: Iterable[StopEventRecord] = (),
) -> list[SetHistory]:
    """The sets (in the order given) with their repetitions, holds and stops (pure)."""
    reps_by, holds_by = _by(reps, "set_id"), _by(holds, "set_id")
    stops_by = _by((e for e in stops if e.set_id is not None), "set_id")
    return [
        SetHistory(record=s, reps=tuple(reps_by.get(s.id or 0, ())),
                   holds=tuple(holds_by.get(s.id or 0, ())),
                   stops=tuple(stops_by.get(s.id or 0, ())))
        for s in sets
    ]


def assemble(
    sessions: Iterable[SessionRecord],
    sets: Iterable[SetHistory],
    checkins: Iterable[CheckIn],
    stops: Iterable[StopEventRecord],
) -> list[SessionHistory]:
    """The sessions (in the order given) with their sets, check-ins and stops (pure)."""
    sets_by: dict[int, list[SetHistory]] = defaultdict(list)
    for item in sets:
        sets_by[item.record.session_id].append(item)
    checkins_by, stops_by = _by(checkins, "session_id"), _by(stops, "session_id")
    histories = []
    for session in sessions:
        own = checkins_by.get(session.id or 0, [])
        before = [c for c in own if c.when is CheckInWhen.BEFORE]
        after = [c for c in own if c.when is CheckInWhen.AFTER]
        histories.append(SessionHistory(
            session=session, sets=tuple(sets_by.get(session.id or 0, ())),
            before=before[0] if before else None, after=after[-1] if after else None,
            stops=tuple(stops_by.get(session.id or 0, ())),
        ))
    return histories


def set_histories(repo: Repository, sets: Sequence[SetRecord],
                  stops: Sequence[StopEventRecord] = ()) -> list[SetHistory]:
    """The sets with their repetitions and holds read in bulk, and (from ``stops``) their stops."""
    set_ids = [s.id for s in sets if s.id is not None]
    return assemble_sets(sets, repo.repetitions_of_sets(set_ids), repo.holds_of_sets(set_ids),
                         stops)


def session_histories(
    repo: Repository, sessions: Sequence[SessionRecord], *, events: bool = True
) -> list[SessionHistory]:
    """The sessions (in the order given) with everything recorded in them, read in bulk.

    With ``events=False`` the sets come without their repetitions and holds (add them for the
    sessions that need them with :func:`with_events`).
    """
    ids = [s.id for s in sessions if s.id is not None]
    stops = repo.stop_events_of_sessions(ids)
    records = repo.sets_of_sessions(ids)
    sets = set_histories(repo, records, stops) if events else assemble_sets(records, stops=stops)
    return assemble(sessions, sets, repo.checkins_of_sessions(ids), stops)


def with_events(repo: Repository, histories: Sequence[SessionHistory],
                session_ids: Collection[int]) -> list[SessionHistory]:
    """The histories with the repetitions and holds of the sessions ``session_ids`` read in."""
    chosen = [s for h in histories if h.session.id in session_ids for s in h.sets]
    stops = [e for s in chosen for e in s.stops]
    detailed = {item.record.id: item
                for item in set_histories(repo, [s.record for s in chosen], stops)}
    return [
        replace(h, sets=tuple(detailed.get(s.record.id, s) for s in h.sets))
        if h.session.id in session_ids else h
        for h in histories
    ]
