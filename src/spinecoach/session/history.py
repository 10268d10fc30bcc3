"""Sessions with everything recorded in them, read in bulk for progression and the web app.

:func:`session_histories` reads the sets, repetitions, holds, check-ins and stops of many
sessions in a fixed number of statements (one per kind, in chunks of ids), so finishing a
session or showing a page of history costs the same after a day or after a year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
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


def set_histories(repo: Repository, sets: Sequence[SetRecord],
                  stops: Sequence[StopEventRecord] = ()) -> list[SetHistory]:
    """The sets with their repetitions, holds and (from ``stops``) the stops that ended them."""
    set_ids = [s.id for s in sets if s.id is not None]
    reps = _by(repo.repetitions_of_sets(set_ids), "set_id")
    holds = _by(repo.holds_of_sets(set_ids), "set_id")
    stops_by_set = _by((e for e in stops if e.set_id is not None), "set_id")
    return [
        SetHistory(record=s, reps=tuple(reps.get(s.id or 0, ())),
                   holds=tuple(holds.get(s.id or 0, ())),
                   stops=tuple(stops_by_set.get(s.id or 0, ())))
        for s in sets
    ]


def session_histories(repo: Repository, sessions: Sequence[SessionRecord]) -> list[SessionHistory]:
    """The sessions (in the order given) with everything recorded in them."""
    ids = [s.id for s in sessions if s.id is not None]
    stops = repo.stop_events_of_sessions(ids)
    sets: dict[int, list[SetHistory]] = defaultdict(list)
    for item in set_histories(repo, repo.sets_of_sessions(ids), stops):
        sets[item.record.session_id].append(item)
    checkins = _by(repo.checkins_of_sessions(ids), "session_id")
    stops_by_session = _by(stops, "session_id")
    histories = []
    for session in sessions:
        own = checkins.get(session.id or 0, [])
        before = [c for c in own if c.when is CheckInWhen.BEFORE]
        after = [c for c in own if c.when is CheckInWhen.AFTER]
        histories.append(SessionHistory(
            session=session, sets=tuple(sets.get(session.id or 0, ())),
            before=before[0] if before else None, after=after[-1] if after else None,
            stops=tuple(stops_by_session.get(session.id or 0, ())),
        ))
    return histories


def history_since(repo: Repository, user_id: int, since: datetime) -> list[SessionHistory]:
    """The user's sessions since ``since`` (oldest first) with everything in them."""
    return session_histories(repo, repo.sessions(user_id, since=since))
