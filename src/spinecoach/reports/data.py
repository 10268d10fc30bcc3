"""Everything the history, exports and reports read about one user, loaded in one place.

:func:`load_history` reads through the :class:`~spinecoach.session.repository.Repository`
port, so reports work on any repository (SQL or the in-memory fake) and the computations in
:mod:`.adherence`, :mod:`.symptoms` and :mod:`.exercise_trends` take plain record lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from spinecoach.session.history import SessionHistory, assemble, assemble_sets
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
    VideoAnalysis,
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
    video_analyses: list[VideoAnalysis] = field(default_factory=list)

    def session_histories(self, sessions: Sequence[SessionRecord]) -> list[SessionHistory] | None:
        """The ``sessions`` with what this data holds of them; None if one is not in it."""
        known = {s.id for s in self.sessions}
        if any(s.id not in known for s in sessions):
            return None
        wanted = {s.id for s in sessions}
        sets = [s for s in self.sets if s.session_id in wanted]
        ids = {s.id for s in sets}
        return assemble(
            sessions,
            assemble_sets(sets, (r for r in self.repetitions if r.set_id in ids),
                          (h for h in self.holds if h.set_id in ids), self.stop_events),
            (c for c in self.checkins if c.session_id in wanted),
            (e for e in self.stop_events if e.session_id in wanted),
        )

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


def load_history(repo: Repository, user: User, since: datetime | None = None) -> HistoryData:
    """Read every record of ``user`` (those at or after ``since`` when given).

    Prescriptions are the whole history (a dose set before ``since`` may still be in force).
    The children of the sessions are read in bulk: a bounded number of statements.
    """
    if user.id is None:
        raise ValueError("the user has no id: store it first")
    sessions = repo.sessions(user.id, since)
    session_ids = [s.id for s in sessions if s.id is not None]
    sets = repo.sets_of_sessions(session_ids)
    set_ids = [s.id for s in sets if s.id is not None]
    return HistoryData(
        user=user,
        sessions=sessions,
        sets=sets,
        repetitions=repo.repetitions_of_sets(set_ids),
        holds=repo.holds_of_sets(set_ids),
        checkins=repo.checkins(user.id, since),
        stop_events=repo.stop_events(user.id, since),
        screenings=repo.screenings(user.id, since),
        prescriptions=repo.prescription_history(user.id),
        programme_changes=repo.programme_changes(user.id, since),
        video_analyses=repo.video_analyses_of_sessions(session_ids),
    )
