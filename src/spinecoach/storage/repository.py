"""The SQLAlchemy implementation of the :class:`~spinecoach.session.repository.Repository` port.

Every write goes through the one writer path of :class:`~spinecoach.storage.database.Database`
and is committed before the method returns, so a repetition handed back by
:meth:`SqlRepository.add_repetition` is on disk: killing the process afterwards loses nothing.
The ``*_of_sessions`` / ``*_of_sets`` reads take many parents at once (``IN`` lists of
:data:`~spinecoach.storage.database.IN_CHUNK` ids), so history and progression run a bounded
number of statements however many sets a year holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select, update

from spinecoach.domain.codes import StopCode
from spinecoach.session.records import (
    CheckIn,
    HoldRecord,
    Prescription,
    Profile,
    ProgrammeChange,
    RepetitionRecord,
    ScreeningKind,
    ScreeningRecord,
    SessionRecord,
    SessionStatus,
    SetRecord,
    StopEventRecord,
    VideoAnalysis,
)
from spinecoach.storage.accounts import AccountStorage
from spinecoach.storage.database import IN_CHUNK
from spinecoach.storage.mapping import reader, to_record, to_row
from spinecoach.storage.tables import (
    CheckInRow,
    HoldRow,
    PrescriptionRow,
    ProfileRow,
    ProgrammeChangeRow,
    RepetitionRow,
    ScreeningRow,
    SessionRow,
    SetRow,
    StopEventRow,
    VideoAnalysisRow,
)

_screening = reader(ScreeningRecord, ScreeningRow)
_checkin = reader(CheckIn, CheckInRow)
_prescription = reader(Prescription, PrescriptionRow)
_change = reader(ProgrammeChange, ProgrammeChangeRow)
_session = reader(SessionRecord, SessionRow)
_set = reader(SetRecord, SetRow)
_rep = reader(RepetitionRecord, RepetitionRow)
_hold = reader(HoldRecord, HoldRow)
_stop = reader(StopEventRecord, StopEventRow)
_video = reader(VideoAnalysis, VideoAnalysisRow)
_profile = reader(Profile, ProfileRow)


class SqlRepository(AccountStorage):
    """A :class:`~spinecoach.session.repository.Repository` on SQLite or PostgreSQL.

    Users and what signs them in are in :class:`~spinecoach.storage.accounts.AccountStorage`.

    Build it with :func:`spinecoach.storage.open_repository`, which also migrates the database.
    """

    # -- profile ---------------------------------------------------------------------------

    def add_profile(self, profile: Profile) -> Profile:
        """Insert a saved profile (the newest one is the user's profile)."""
        return self._insert(to_row(profile, ProfileRow), _profile, "the profile")

    def latest_profile(self, user_id: int) -> Profile | None:
        """Return the user's newest profile."""
        statement = (
            select(ProfileRow)
            .where(ProfileRow.user_id == user_id)
            .order_by(ProfileRow.saved_at.desc(), ProfileRow.id.desc())
        )
        return self._one(statement, _profile)

    # -- screening and check-ins -----------------------------------------------------------

    def add_screening(self, record: ScreeningRecord) -> ScreeningRecord:
        """Insert a screening outcome."""
        return self._insert(to_row(record, ScreeningRow), _screening, "the screening")

    def latest_screening(
        self, user_id: int, kind: ScreeningKind | None = None
    ) -> ScreeningRecord | None:
        """Return the newest screening (of ``kind`` if given)."""
        statement = select(ScreeningRow).where(ScreeningRow.user_id == user_id)
        if kind is not None:
            statement = statement.where(ScreeningRow.kind == kind.value)
        statement = statement.order_by(ScreeningRow.taken_at.desc(), ScreeningRow.id.desc())
        return self._one(statement, _screening)

    def screenings(self, user_id: int, since: datetime | None = None) -> list[ScreeningRecord]:
        """Return the user's screenings."""
        return self._list(self._by_user(ScreeningRow, user_id, since), _screening)

    def add_checkin(self, checkin: CheckIn) -> CheckIn:
        """Insert a check-in."""
        return self._insert(to_row(checkin, CheckInRow), _checkin, "the check-in")

    def checkins(self, user_id: int, since: datetime | None = None) -> list[CheckIn]:
        """Return the user's check-ins."""
        return self._list(self._by_user(CheckInRow, user_id, since), _checkin)

    def latest_checkin(self, user_id: int) -> CheckIn | None:
        """Return the user's newest check-in."""
        statement = (
            select(CheckInRow)
            .where(CheckInRow.user_id == user_id)
            .order_by(CheckInRow.taken_at.desc(), CheckInRow.id.desc())
        )
        return self._one(statement, _checkin)

    def checkins_of_sessions(self, session_ids: Sequence[int]) -> list[CheckIn]:
        """Return the check-ins of these sessions (in time order)."""
        found = self._children(CheckInRow, CheckInRow.session_id, session_ids, _checkin,
                               CheckInRow.taken_at)
        return sorted(found, key=lambda c: (c.taken_at, c.id or 0))

    # -- programme -------------------------------------------------------------------------

    def prescriptions(self, user_id: int, on: date | None = None) -> list[Prescription]:
        """Return the prescription in force per exercise on ``on`` (latest if None)."""
        statement = select(PrescriptionRow).where(PrescriptionRow.user_id == user_id)
        if on is not None:
            statement = statement.where(PrescriptionRow.valid_from <= on)
        statement = statement.order_by(PrescriptionRow.valid_from, PrescriptionRow.id)
        current = {p.exercise_id: p for p in self._list(statement, _prescription)}
        return [current[key] for key in sorted(current)]

    def set_prescription(self, prescription: Prescription) -> Prescription:
        """Insert a prescription (earlier ones are kept as history)."""
        row = to_row(prescription, PrescriptionRow)
        return self._insert(row, _prescription, "the prescription")

    def prescription_history(self, user_id: int) -> list[Prescription]:
        """Return every prescription ever set, oldest first (by insert order)."""
        statement = (
            select(PrescriptionRow)
            .where(PrescriptionRow.user_id == user_id)
            .order_by(PrescriptionRow.id)
        )
        return self._list(statement, _prescription)

    def add_programme_change(self, change: ProgrammeChange) -> ProgrammeChange:
        """Insert a programme change."""
        row = to_row(change, ProgrammeChangeRow)
        return self._insert(row, _change, "the programme change")

    def programme_changes(
        self, user_id: int, since: datetime | None = None
    ) -> list[ProgrammeChange]:
        """Return programme changes."""
        return self._list(self._by_user(ProgrammeChangeRow, user_id, since), _change)

    # -- sessions and sets -----------------------------------------------------------------

    def start_session(self, session: SessionRecord) -> SessionRecord:
        """Insert a session (normally ``in_progress``), stamped with this spinecoach version."""
        row = to_row(session, SessionRow, app_version=self._app_version)
        return self._insert(row, _session, "the session")

    def end_session(
        self, session_id: int, ended_at: datetime, status: SessionStatus
    ) -> SessionRecord:
        """Set the end time and final status of a session."""
        values = {"ended_at": ended_at, "status": status.value}
        return to_record(self._update(SessionRow, session_id, values, "session"), SessionRecord)

    def get_session(self, session_id: int) -> SessionRecord | None:
        """Return one session."""
        return self._one(select(SessionRow).where(SessionRow.id == session_id), _session)

    def sessions(self, user_id: int, since: datetime | None = None) -> list[SessionRecord]:
        """Return the user's sessions (by ``started_at``)."""
        return self._list(self._by_user(SessionRow, user_id, since), _session)

    def recent_sessions(
        self, user_id: int, *, limit: int, offset: int = 0
    ) -> list[SessionRecord]:
        """Return one page of the user's sessions, newest first."""
        statement = (
            select(SessionRow)
            .where(SessionRow.user_id == user_id)
            .order_by(SessionRow.started_at.desc(), SessionRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return self._list(statement, _session)

    def count_sessions(self, user_id: int) -> int:
        """Return how many sessions the user has."""
        statement = select(func.count()).select_from(SessionRow)
        return self._scalar(statement.where(SessionRow.user_id == user_id))

    def start_set(self, record: SetRecord) -> SetRecord:
        """Insert a set."""
        return self._insert(to_row(record, SetRow), _set, "the set")

    def end_set(self, set_id: int, ended_at: datetime, *, reps_done: int | None = None,
                hold_done_s: float | None = None, pain_during: int | None = None,
                stop_code: StopCode | None = None, note: str | None = None) -> SetRecord:
        """Close a set with what was done."""
        values = {
            "ended_at": ended_at,
            "reps_done": reps_done,
            "hold_done_s": hold_done_s,
            "pain_during": pain_during,
            "stop_code": None if stop_code is None else str(stop_code),
            "note": note,
        }
        return to_record(self._update(SetRow, set_id, values, "set"), SetRecord)

    def get_set(self, set_id: int) -> SetRecord | None:
        """Return one set."""
        return self._one(select(SetRow).where(SetRow.id == set_id), _set)

    def sets_of(self, session_id: int) -> list[SetRecord]:
        """Return the sets of a session (by ``index``)."""
        return self.sets_of_sessions([session_id])

    def sets_of_sessions(self, session_ids: Sequence[int]) -> list[SetRecord]:
        """Return the sets of many sessions (by session, then ``index``)."""
        return self._children(SetRow, SetRow.session_id, session_ids, _set, SetRow.index)

    def open_sets(self) -> list[SetRecord]:
        """Return every set not ended yet, of every user (by id)."""
        return self._list(select(SetRow).where(SetRow.ended_at.is_(None)).order_by(SetRow.id),
                          _set)

    def renew_sets(self, set_ids: Sequence[int], now: datetime) -> None:
        """Set ``alive_at`` on those of these sets not ended yet (one statement per chunk)."""
        ids = sorted(set(set_ids))
        for start in range(0, len(ids), IN_CHUNK):
            statement = (
                update(SetRow)
                .where(SetRow.id.in_(ids[start : start + IN_CHUNK]), SetRow.ended_at.is_(None))
                .values(alive_at=now)
            )
            with self._writing("the live sets' lease") as session:
                session.execute(statement)

    # -- repetitions, holds, stops ---------------------------------------------------------

    def add_repetition(self, rep: RepetitionRecord) -> RepetitionRecord:
        """Insert one repetition and commit at once."""
        return self._insert(to_row(rep, RepetitionRow), _rep, f"repetition {rep.index}")

    def repetitions_of(self, set_id: int) -> list[RepetitionRecord]:
        """Return the repetitions of a set (by ``index``)."""
        return self.repetitions_of_sets([set_id])

    def repetitions_of_sets(self, set_ids: Sequence[int]) -> list[RepetitionRecord]:
        """Return the repetitions of many sets (by set, then ``index``)."""
        return self._children(RepetitionRow, RepetitionRow.set_id, set_ids, _rep,
                              RepetitionRow.index)

    def add_hold(self, hold: HoldRecord) -> HoldRecord:
        """Insert one good-form hold interval and commit at once."""
        return self._insert(to_row(hold, HoldRow), _hold, "the hold")

    def holds_of(self, set_id: int) -> list[HoldRecord]:
        """Return the holds of a set (by ``start_s``)."""
        return self.holds_of_sets([set_id])

    def holds_of_sets(self, set_ids: Sequence[int]) -> list[HoldRecord]:
        """Return the good-form holds of many sets (by set, then ``start_s``)."""
        return self._children(HoldRow, HoldRow.set_id, set_ids, _hold, HoldRow.start_s)

    def add_stop_event(self, event: StopEventRecord) -> StopEventRecord:
        """Insert a stop event."""
        return self._insert(to_row(event, StopEventRow), _stop, "the stop event")

    def stop_events(self, user_id: int, since: datetime | None = None) -> list[StopEventRecord]:
        """Return the user's stop events."""
        return self._list(self._by_user(StopEventRow, user_id, since), _stop)

    def stop_events_of_sessions(self, session_ids: Sequence[int]) -> list[StopEventRecord]:
        """Return the stop events recorded in these sessions (in time order)."""
        found = self._children(StopEventRow, StopEventRow.session_id, session_ids, _stop,
                               StopEventRow.at)
        return sorted(found, key=lambda e: (e.at, e.id or 0))

    # -- where a video-mode session came from ----------------------------------------------

    def add_video_analysis(self, analysis: VideoAnalysis) -> VideoAnalysis:
        """Keep the file path and summary of a session saved from a video analysis."""
        row = to_row(analysis, VideoAnalysisRow)
        return self._insert(row, _video, "the video analysis")

    def video_analyses_of_sessions(self, session_ids: Sequence[int]) -> list[VideoAnalysis]:
        """Return the video analyses behind these sessions (by session id)."""
        return self._children(VideoAnalysisRow, VideoAnalysisRow.session_id, session_ids,
                              _video, VideoAnalysisRow.id)
