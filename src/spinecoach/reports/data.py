"""Everything the history, exports and reports read about one user, loaded in one place.

:func:`load_history` reads through the :class:`~spinecoach.session.repository.Repository`
port, so reports work on any repository (SQL or the in-memory fake) and the computations in
:mod:`.adherence`, :mod:`.symptoms` and :mod:`.exercise_trends` take plain record lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from spinecoach.session.records import (
    CheckIn,
    HoldRecord,
    Prescription,
    ProgrammeChange,
    RepetitionRecord,
    ScreeningRecord,
    SessionRecord,
    SetRecord,
    StopEventRecord,
    User,
)
from spinecoach.session.repository import Repository


@dataclass(frozen=True, kw_only=True)
class HistoryData:
    """A user's records (optionally only those since a moment), oldest first."""

    user: User
    sessions: list[SessionRecord] = field(default_factory=list)
    sets: list[SetRecord] = field(default_factory=list)
    repetitions: list[RepetitionRecord] = field(default_factory=list)
    holds: list[HoldRecord] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    stop_events: list[StopEventRecord] = field(default_factory=list)
    screenings: list[ScreeningRecord] = field(default_factory=list)
    prescriptions: list[Prescription] = field(default_factory=list)
    programme_changes: list[ProgrammeChange] = field(default_factory=list)
    video_analyses: list[Any] = field(default_factory=list)  # see ProvenanceReader

    def sets_by_session(self) -> dict[int, list[SetRecord]]:
        """The sets of each session id."""
        grouped: dict[int, list[SetRecord]] = {}
        for record in self.sets:
            grouped.setdefault(record.session_id, []).append(record)
        return grouped

    def reps_by_set(self) -> dict[int, list[RepetitionRecord]]:
        """The repetitions of each set id."""
        grouped: dict[int, list[RepetitionRecord]] = {}
        for rep in self.repetitions:
            grouped.setdefault(rep.set_id, []).append(rep)
        return grouped

    def holds_by_set(self) -> dict[int, list[HoldRecord]]:
        """The good-form holds of each set id."""
        grouped: dict[int, list[HoldRecord]] = {}
        for hold in self.holds:
            grouped.setdefault(hold.set_id, []).append(hold)
        return grouped


@runtime_checkable
class BulkReader(Protocol):
    """A repository that reads the children of many sessions / sets at once (the SQL one)."""

    def sets_of_sessions(self, session_ids: Sequence[int]) -> list[SetRecord]:
        """The sets of many sessions."""

    def repetitions_of_sets(self, set_ids: Sequence[int]) -> list[RepetitionRecord]:
        """The repetitions of many sets."""

    def holds_of_sets(self, set_ids: Sequence[int]) -> list[HoldRecord]:
        """The holds of many sets."""


@runtime_checkable
class ProvenanceReader(Protocol):
    """A repository that also keeps where video sessions came from (the SQL one).

    The items are frozen dataclasses with ``id``, ``session_id``, ``exercise_id``,
    ``source_path``, ``fps``, ``frames``, ``duration_s`` and ``summary``.
    """

    def video_analyses_of_sessions(self, session_ids: Sequence[int]) -> list[Any]:
        """The video analyses behind many sessions."""


def _children(
    repo: Repository, session_ids: list[int]
) -> tuple[list[SetRecord], list[RepetitionRecord], list[HoldRecord]]:
    if isinstance(repo, BulkReader):
        sets = repo.sets_of_sessions(session_ids)
        set_ids = [s.id for s in sets if s.id is not None]
        return sets, repo.repetitions_of_sets(set_ids), repo.holds_of_sets(set_ids)
    sets = [s for session_id in session_ids for s in repo.sets_of(session_id)]
    set_ids = [s.id for s in sets if s.id is not None]
    reps = [rep for set_id in set_ids for rep in repo.repetitions_of(set_id)]
    return sets, reps, [hold for set_id in set_ids for hold in repo.holds_of(set_id)]


def load_history(repo: Repository, user: User, since: datetime | None = None) -> HistoryData:
    """Read every record of ``user`` (those at or after ``since`` when given).

    Prescriptions are the whole history (a dose set before ``since`` may still be in force).
    A repository that is also a :class:`BulkReader` is read in a few queries instead of a few
    per session.
    """
    if user.id is None:
        raise ValueError("the user has no id: store it first")
    sessions = repo.sessions(user.id, since)
    session_ids = [s.id for s in sessions if s.id is not None]
    sets, repetitions, holds = _children(repo, session_ids)
    videos = (
        repo.video_analyses_of_sessions(session_ids) if isinstance(repo, ProvenanceReader) else []
    )
    return HistoryData(
        user=user,
        sessions=sessions,
        sets=sets,
        repetitions=repetitions,
        holds=holds,
        checkins=repo.checkins(user.id, since),
        stop_events=repo.stop_events(user.id, since),
        screenings=repo.screenings(user.id, since),
        prescriptions=repo.prescription_history(user.id),
        programme_changes=repo.programme_changes(user.id, since),
        video_analyses=videos,
    )
