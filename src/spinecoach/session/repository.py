"""The ``Repository`` port that storage implements, and :class:`InMemoryRepository`, its fake.

Rules every implementation keeps (the in-memory fake is the reference behaviour):

- Each write is **committed before the method returns**: a process killed right after
  ``add_repetition`` (or any ``add_*`` / ``start_*`` / ``end_*``) loses nothing it returned.
- ``add_*`` / ``start_*`` take a record with ``id=None`` and return it with its new id.
- Lists come back in time order (oldest first); ``since`` is inclusive and compares the
  record's own timestamp (``taken_at``, ``at``, ``started_at``).
- ``get_*`` / ``latest_*`` return None for a missing row; ``end_*`` on a missing id, or a
  record that names a missing user / session / set, raises
  :class:`~spinecoach.errors.StorageError`.
- Every ``datetime`` handed back is timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Protocol, TypeVar

from spinecoach.domain.codes import StopCode
from spinecoach.errors import StorageError
from spinecoach.session.records import (
    CheckIn,
    HoldRecord,
    Prescription,
    ProgrammeChange,
    RepetitionRecord,
    ScreeningKind,
    ScreeningRecord,
    SessionRecord,
    SessionStatus,
    SetRecord,
    StopEventRecord,
    User,
)

_T = TypeVar("_T")


class Repository(Protocol):
    """Everything the core reads and writes."""

    # users
    def add_user(self, user: User) -> User:
        """Insert a user; names are unique (a duplicate raises StorageError)."""

    def get_user(self, user_id: int) -> User | None:
        """Return the user with this id."""

    def find_user(self, name: str) -> User | None:
        """Return the user with this name."""

    # screening
    def add_screening(self, record: ScreeningRecord) -> ScreeningRecord:
        """Insert a screening outcome."""

    def latest_screening(
        self, user_id: int, kind: ScreeningKind | None = None
    ) -> ScreeningRecord | None:
        """Return the newest screening (of ``kind`` if given)."""

    def screenings(self, user_id: int, since: datetime | None = None) -> list[ScreeningRecord]:
        """Return the user's screenings."""

    # check-ins
    def add_checkin(self, checkin: CheckIn) -> CheckIn:
        """Insert a check-in."""

    def checkins(self, user_id: int, since: datetime | None = None) -> list[CheckIn]:
        """Return the user's check-ins."""

    # programme
    def prescriptions(self, user_id: int, on: date | None = None) -> list[Prescription]:
        """Return the prescription in force per exercise on ``on`` (latest if None).

        In force = the one with the greatest ``valid_from`` <= ``on``; on a tie, the one
        inserted last.  Sorted by exercise id.
        """

    def set_prescription(self, prescription: Prescription) -> Prescription:
        """Insert a prescription (earlier ones are kept as history)."""

    def prescription_history(self, user_id: int) -> list[Prescription]:
        """Return every prescription ever set, oldest first (by insert order)."""

    def add_programme_change(self, change: ProgrammeChange) -> ProgrammeChange:
        """Insert a programme change."""

    def programme_changes(
        self, user_id: int, since: datetime | None = None
    ) -> list[ProgrammeChange]:
        """Return programme changes."""

    # sessions, sets, reps, holds
    def start_session(self, session: SessionRecord) -> SessionRecord:
        """Insert a session (normally ``in_progress``)."""

    def end_session(
        self, session_id: int, ended_at: datetime, status: SessionStatus
    ) -> SessionRecord:
        """Set the end time and final status of a session."""

    def get_session(self, session_id: int) -> SessionRecord | None:
        """Return one session."""

    def sessions(self, user_id: int, since: datetime | None = None) -> list[SessionRecord]:
        """Return the user's sessions (by ``started_at``)."""

    def start_set(self, record: SetRecord) -> SetRecord:
        """Insert a set."""

    def end_set(
        self,
        set_id: int,
        ended_at: datetime,
        *,
        reps_done: int | None = None,
        hold_done_s: float | None = None,
        pain_during: int | None = None,
        stop_code: StopCode | None = None,
    ) -> SetRecord:
        """Close a set with what was done."""

    def sets_of(self, session_id: int) -> list[SetRecord]:
        """Return the sets of a session (by ``index``)."""

    def add_repetition(self, rep: RepetitionRecord) -> RepetitionRecord:
        """Insert one repetition and commit at once."""

    def repetitions_of(self, set_id: int) -> list[RepetitionRecord]:
        """Return the repetitions of a set (by ``index``)."""

    def add_hold(self, hold: HoldRecord) -> HoldRecord:
        """Insert one good-form hold interval and commit at once."""

    def holds_of(self, set_id: int) -> list[HoldRecord]:
        """Return the holds of a set (by ``start_s``)."""

    # stops
    def add_stop_event(self, event: StopEventRecord) -> StopEventRecord:
        """Insert a stop event."""

    def stop_events(self, user_id: int, since: datetime | None = None) -> list[StopEventRecord]:
        """Return the user's stop events."""


def _since(items: list[_T], key: str, since: datetime | None) -> list[_T]:
    ordered = sorted(items, key=lambda item: getattr(item, key))
    if since is None:
        return ordered
    return [item for item in ordered if getattr(item, key) >= since]


class InMemoryRepository:
    """A dict-backed :class:`Repository` for tests (the fake beside the real adapter)."""

    def __init__(self) -> None:
        self._ids = 0
        self._users: dict[int, User] = {}
        self._screenings: list[ScreeningRecord] = []
        self._checkins: list[CheckIn] = []
        self._prescriptions: list[Prescription] = []
        self._changes: list[ProgrammeChange] = []
        self._sessions: dict[int, SessionRecord] = {}
        self._sets: dict[int, SetRecord] = {}
        self._reps: list[RepetitionRecord] = []
        self._holds: list[HoldRecord] = []
        self._stops: list[StopEventRecord] = []

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def _require(
        self, user_id: int, session_id: int | None = None, set_id: int | None = None
    ) -> None:
        """Refuse dangling references, as the database's foreign keys do."""
        if user_id not in self._users:
            raise StorageError(f"no user with id {user_id}")
        if session_id is not None and session_id not in self._sessions:
            raise StorageError(f"no session with id {session_id}")
        if set_id is not None and set_id not in self._sets:
            raise StorageError(f"no set with id {set_id}")

    def add_user(self, user: User) -> User:
        """Insert a user; names are unique."""
        if self.find_user(user.name) is not None:
            raise StorageError(f"a user named {user.name!r} already exists")
        stored = replace(user, id=self._next_id())
        self._users[stored.id or 0] = stored
        return stored

    def get_user(self, user_id: int) -> User | None:
        """Return the user with this id."""
        return self._users.get(user_id)

    def find_user(self, name: str) -> User | None:
        """Return the user with this name."""
        return next((u for u in self._users.values() if u.name == name), None)

    def add_screening(self, record: ScreeningRecord) -> ScreeningRecord:
        """Insert a screening outcome."""
        self._require(record.user_id)
        stored = replace(record, id=self._next_id())
        self._screenings.append(stored)
        return stored

    def latest_screening(
        self, user_id: int, kind: ScreeningKind | None = None
    ) -> ScreeningRecord | None:
        """Return the newest screening (of ``kind`` if given)."""
        found = [s for s in self.screenings(user_id) if kind is None or s.kind == kind]
        return found[-1] if found else None

    def screenings(self, user_id: int, since: datetime | None = None) -> list[ScreeningRecord]:
        """Return the user's screenings."""
        mine = [s for s in self._screenings if s.user_id == user_id]
        return _since(mine, "taken_at", since)

    def add_checkin(self, checkin: CheckIn) -> CheckIn:
        """Insert a check-in."""
        self._require(checkin.user_id, checkin.session_id)
        stored = replace(checkin, id=self._next_id())
        self._checkins.append(stored)
        return stored

    def checkins(self, user_id: int, since: datetime | None = None) -> list[CheckIn]:
        """Return the user's check-ins."""
        return _since([c for c in self._checkins if c.user_id == user_id], "taken_at", since)

    def prescriptions(self, user_id: int, on: date | None = None) -> list[Prescription]:
        """Return the prescription in force per exercise on ``on``."""
        current: dict[str, Prescription] = {}
        for item in self.prescription_history(user_id):
            if on is not None and item.valid_from > on:
                continue
            held = current.get(item.exercise_id)
            if held is None or item.valid_from >= held.valid_from:
                current[item.exercise_id] = item
        return [current[key] for key in sorted(current)]

    def set_prescription(self, prescription: Prescription) -> Prescription:
        """Insert a prescription."""
        self._require(prescription.user_id)
        stored = replace(prescription, id=self._next_id())
        self._prescriptions.append(stored)
        return stored

    def prescription_history(self, user_id: int) -> list[Prescription]:
        """Return every prescription ever set, oldest first."""
        return [p for p in self._prescriptions if p.user_id == user_id]

    def add_programme_change(self, change: ProgrammeChange) -> ProgrammeChange:
        """Insert a programme change."""
        self._require(change.user_id)
        stored = replace(change, id=self._next_id())
        self._changes.append(stored)
        return stored

    def programme_changes(
        self, user_id: int, since: datetime | None = None
    ) -> list[ProgrammeChange]:
        """Return programme changes."""
        return _since([c for c in self._changes if c.user_id == user_id], "at", since)

    def start_session(self, session: SessionRecord) -> SessionRecord:
        """Insert a session."""
        self._require(session.user_id)
        stored = replace(session, id=self._next_id())
        self._sessions[stored.id or 0] = stored
        return stored

    def end_session(
        self, session_id: int, ended_at: datetime, status: SessionStatus
    ) -> SessionRecord:
        """Set the end time and final status of a session."""
        if session_id not in self._sessions:
            raise StorageError(f"no session with id {session_id}")
        ended = replace(self._sessions[session_id], ended_at=ended_at, status=status)
        self._sessions[session_id] = ended
        return ended

    def get_session(self, session_id: int) -> SessionRecord | None:
        """Return one session."""
        return self._sessions.get(session_id)

    def sessions(self, user_id: int, since: datetime | None = None) -> list[SessionRecord]:
        """Return the user's sessions."""
        mine = [s for s in self._sessions.values() if s.user_id == user_id]
        return _since(mine, "started_at", since)

    def start_set(self, record: SetRecord) -> SetRecord:
        """Insert a set."""
        if record.session_id not in self._sessions:
            raise StorageError(f"no session with id {record.session_id}")
        stored = replace(record, id=self._next_id())
        self._sets[stored.id or 0] = stored
        return stored

    def end_set(
        self,
        set_id: int,
        ended_at: datetime,
        *,
        reps_done: int | None = None,
        hold_done_s: float | None = None,
        pain_during: int | None = None,
        stop_code: StopCode | None = None,
    ) -> SetRecord:
        """Close a set with what was done."""
        if set_id not in self._sets:
            raise StorageError(f"no set with id {set_id}")
        ended = replace(
            self._sets[set_id],
            ended_at=ended_at,
            reps_done=reps_done,
            hold_done_s=hold_done_s,
            pain_during=pain_during,
            stop_code=stop_code,
        )
        self._sets[set_id] = ended
        return ended

    def sets_of(self, session_id: int) -> list[SetRecord]:
        """Return the sets of a session."""
        found = [s for s in self._sets.values() if s.session_id == session_id]
        return sorted(found, key=lambda s: s.index)

    def add_repetition(self, rep: RepetitionRecord) -> RepetitionRecord:
        """Insert one repetition."""
        if rep.set_id not in self._sets:
            raise StorageError(f"no set with id {rep.set_id}")
        stored = replace(rep, id=self._next_id())
        self._reps.append(stored)
        return stored

    def repetitions_of(self, set_id: int) -> list[RepetitionRecord]:
        """Return the repetitions of a set."""
        return sorted((r for r in self._reps if r.set_id == set_id), key=lambda r: r.index)

    def add_hold(self, hold: HoldRecord) -> HoldRecord:
        """Insert one good-form hold interval."""
        if hold.set_id not in self._sets:
            raise StorageError(f"no set with id {hold.set_id}")
        stored = replace(hold, id=self._next_id())
        self._holds.append(stored)
        return stored

    def holds_of(self, set_id: int) -> list[HoldRecord]:
        """Return the holds of a set."""
        return sorted((h for h in self._holds if h.set_id == set_id), key=lambda h: h.start_s)

    def add_stop_event(self, event: StopEventRecord) -> StopEventRecord:
        """Insert a stop event."""
        self._require(event.user_id, event.session_id, event.set_id)
        stored = replace(event, id=self._next_id())
        self._stops.append(stored)
        return stored

    def stop_events(self, user_id: int, since: datetime | None = None) -> list[StopEventRecord]:
        """Return the user's stop events."""
        return _since([e for e in self._stops if e.user_id == user_id], "at", since)
