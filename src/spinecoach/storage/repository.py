"""The SQLAlchemy implementation of the :class:`~spinecoach.session.repository.Repository` port.

Every write goes through the one writer path of :class:`~spinecoach.storage.database.Database`
and is committed before the method returns, so a repetition handed back by
:meth:`SqlRepository.add_repetition` is on disk: killing the process afterwards loses nothing.
Beyond the port it reads sets, repetitions and holds in bulk (for history and reports) and
keeps where a video session came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select

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
from spinecoach.storage import mapping
from spinecoach.storage.analysis import VideoAnalysis
from spinecoach.storage.database import Database
from spinecoach.storage.tables import (
    CheckInRow,
    HoldRow,
    PrescriptionRow,
    ProgrammeChangeRow,
    RepetitionRow,
    ScreeningRow,
    SessionRow,
    SetRow,
    StopEventRow,
    UserRow,
    VideoAnalysisRow,
)


class SqlRepository(Database):
    """A :class:`~spinecoach.session.repository.Repository` on SQLite or PostgreSQL.

    Build it with :func:`spinecoach.storage.open_repository`, which also migrates the database.
    """

    # -- users -----------------------------------------------------------------------------

    def add_user(self, user: User) -> User:
        """Insert a user; names are unique (a duplicate raises StorageError)."""
        if self.find_user(user.name) is not None:
            raise StorageError(f"a user named {user.name!r} already exists")
        return self._insert(mapping.user_row(user), mapping.user_record, f"user {user.name!r}")

    def get_user(self, user_id: int) -> User | None:
        """Return the user with this id."""
        return self._one(select(UserRow).where(UserRow.id == user_id), mapping.user_record)

    def find_user(self, name: str) -> User | None:
        """Return the user with this name."""
        return self._one(select(UserRow).where(UserRow.name == name), mapping.user_record)

    # -- screening -------------------------------------------------------------------------

    def add_screening(self, record: ScreeningRecord) -> ScreeningRecord:
        """Insert a screening outcome."""
        row = mapping.screening_row(record)
        return self._insert(row, mapping.screening_record, "the screening")

    def latest_screening(
        self, user_id: int, kind: ScreeningKind | None = None
    ) -> ScreeningRecord | None:
        """Return the newest screening (of ``kind`` if given)."""
        statement = select(ScreeningRow).where(ScreeningRow.user_id == user_id)
        if kind is not None:
            statement = statement.where(ScreeningRow.kind == kind.value)
        statement = statement.order_by(ScreeningRow.taken_at.desc(), ScreeningRow.id.desc())
        return self._one(statement, mapping.screening_record)

    def screenings(self, user_id: int, since: datetime | None = None) -> list[ScreeningRecord]:
        """Return the user's screenings."""
        statement = self._by_user(
            ScreeningRow, ScreeningRow.user_id, user_id, ScreeningRow.taken_at, since
        )
        return self._list(statement, mapping.screening_record)

    # -- check-ins -------------------------------------------------------------------------

    def add_checkin(self, checkin: CheckIn) -> CheckIn:
        """Insert a check-in."""
        return self._insert(mapping.checkin_row(checkin), mapping.checkin_record, "the check-in")

    def checkins(self, user_id: int, since: datetime | None = None) -> list[CheckIn]:
        """Return the user's check-ins."""
        statement = self._by_user(
            CheckInRow, CheckInRow.user_id, user_id, CheckInRow.taken_at, since
        )
        return self._list(statement, mapping.checkin_record)

    # -- programme -------------------------------------------------------------------------

    def prescriptions(self, user_id: int, on: date | None = None) -> list[Prescription]:
        """Return the prescription in force per exercise on ``on`` (latest if None)."""
        statement = select(PrescriptionRow).where(PrescriptionRow.user_id == user_id)
        if on is not None:
            statement = statement.where(PrescriptionRow.valid_from <= on)
        statement = statement.order_by(PrescriptionRow.valid_from, PrescriptionRow.id)
        current = {p.exercise_id: p for p in self._list(statement, mapping.prescription_record)}
        return [current[key] for key in sorted(current)]

    def set_prescription(self, prescription: Prescription) -> Prescription:
        """Insert a prescription (earlier ones are kept as history)."""
        row = mapping.prescription_row(prescription)
        return self._insert(row, mapping.prescription_record, "the prescription")

    def prescription_history(self, user_id: int) -> list[Prescription]:
        """Return every prescription ever set, oldest first (by insert order)."""
        statement = (
            select(PrescriptionRow)
            .where(PrescriptionRow.user_id == user_id)
            .order_by(PrescriptionRow.id)
        )
        return self._list(statement, mapping.prescription_record)

    def add_programme_change(self, change: ProgrammeChange) -> ProgrammeChange:
        """Insert a programme change."""
        row = mapping.programme_change_row(change)
        return self._insert(row, mapping.programme_change_record, "the programme change")

    def programme_changes(
        self, user_id: int, since: datetime | None = None
    ) -> list[ProgrammeChange]:
        """Return programme changes."""
        statement = self._by_user(
            ProgrammeChangeRow, ProgrammeChangeRow.user_id, user_id, ProgrammeChangeRow.at, since
        )
        return self._list(statement, mapping.programme_change_record)

    # -- sessions and sets -----------------------------------------------------------------

    def start_session(self, session: SessionRecord) -> SessionRecord:
        """Insert a session (normally ``in_progress``)."""
        row = mapping.session_row(session, self._app_version)
        return self._insert(row, mapping.session_record, "the session")

    def end_session(
        self, session_id: int, ended_at: datetime, status: SessionStatus
    ) -> SessionRecord:
        """Set the end time and final status of a session."""
        values = {"ended_at": ended_at, "status": status.value}
        return mapping.session_record(self._update(SessionRow, session_id, values, "session"))

    def get_session(self, session_id: int) -> SessionRecord | None:
        """Return one session."""
        statement = select(SessionRow).where(SessionRow.id == session_id)
        return self._one(statement, mapping.session_record)

    def sessions(self, user_id: int, since: datetime | None = None) -> list[SessionRecord]:
        """Return the user's sessions (by ``started_at``)."""
        statement = self._by_user(
            SessionRow, SessionRow.user_id, user_id, SessionRow.started_at, since
        )
        return self._list(statement, mapping.session_record)

    def start_set(self, record: SetRecord) -> SetRecord:
        """Insert a set."""
        return self._insert(mapping.set_row(record), mapping.set_record, "the set")

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
        values = {
            "ended_at": ended_at,
            "reps_done": reps_done,
            "hold_done_s": hold_done_s,
            "pain_during": pain_during,
            "stop_code": stop_code,
        }
        return mapping.set_record(self._update(SetRow, set_id, values, "set"))

    def sets_of(self, session_id: int) -> list[SetRecord]:
        """Return the sets of a session (by ``index``)."""
        statement = select(SetRow).where(SetRow.session_id == session_id).order_by(SetRow.set_index)
        return self._list(statement, mapping.set_record)

    # -- repetitions, holds, stops ---------------------------------------------------------

    def add_repetition(self, rep: RepetitionRecord) -> RepetitionRecord:
        """Insert one repetition and commit at once."""
        row = mapping.repetition_row(rep)
        return self._insert(row, mapping.repetition_record, f"repetition {rep.index}")

    def repetitions_of(self, set_id: int) -> list[RepetitionRecord]:
        """Return the repetitions of a set (by ``index``)."""
        statement = (
            select(RepetitionRow)
            .where(RepetitionRow.set_id == set_id)
            .order_by(RepetitionRow.rep_index)
        )
        return self._list(statement, mapping.repetition_record)

    def add_hold(self, hold: HoldRecord) -> HoldRecord:
        """Insert one good-form hold interval and commit at once."""
        return self._insert(mapping.hold_row(hold), mapping.hold_record, "the hold")

    def holds_of(self, set_id: int) -> list[HoldRecord]:
        """Return the holds of a set (by ``start_s``)."""
        statement = (
            select(HoldRow).where(HoldRow.set_id == set_id).order_by(HoldRow.start_s, HoldRow.id)
        )
        return self._list(statement, mapping.hold_record)

    def add_stop_event(self, event: StopEventRecord) -> StopEventRecord:
        """Insert a stop event."""
        row = mapping.stop_event_row(event)
        return self._insert(row, mapping.stop_event_record, "the stop event")

    def stop_events(self, user_id: int, since: datetime | None = None) -> list[StopEventRecord]:
        """Return the user's stop events."""
        statement = self._by_user(
            StopEventRow, StopEventRow.user_id, user_id, StopEventRow.at, since
        )
        return self._list(statement, mapping.stop_event_record)

    # -- beyond the port: bulk reads for history and reports -------------------------------

    def sets_of_sessions(self, session_ids: Sequence[int]) -> list[SetRecord]:
        """The sets of many sessions in a few queries (by session, then ``index``)."""
        return self._in_chunks(
            session_ids,
            lambda chunk: select(SetRow)
            .where(SetRow.session_id.in_(chunk))
            .order_by(SetRow.session_id, SetRow.set_index, SetRow.id),
            mapping.set_record,
        )

    def repetitions_of_sets(self, set_ids: Sequence[int]) -> list[RepetitionRecord]:
        """The repetitions of many sets (by set, then ``index``)."""
        return self._in_chunks(
            set_ids,
            lambda chunk: select(RepetitionRow)
            .where(RepetitionRow.set_id.in_(chunk))
            .order_by(RepetitionRow.set_id, RepetitionRow.rep_index, RepetitionRow.id),
            mapping.repetition_record,
        )

    def holds_of_sets(self, set_ids: Sequence[int]) -> list[HoldRecord]:
        """The good-form holds of many sets (by set, then ``start_s``)."""
        return self._in_chunks(
            set_ids,
            lambda chunk: select(HoldRow)
            .where(HoldRow.set_id.in_(chunk))
            .order_by(HoldRow.set_id, HoldRow.start_s, HoldRow.id),
            mapping.hold_record,
        )

    # -- beyond the port: where a video session came from ----------------------------------

    def add_video_analysis(self, analysis: VideoAnalysis) -> VideoAnalysis:
        """Keep the file path and summary of a session saved from a video analysis."""
        row = mapping.video_analysis_row(analysis)
        return self._insert(row, mapping.video_analysis_record, "the video analysis")

    def video_analysis_of(self, session_id: int) -> VideoAnalysis | None:
        """Return the video analysis behind a session, if it came from one."""
        statement = select(VideoAnalysisRow).where(VideoAnalysisRow.session_id == session_id)
        return self._one(statement, mapping.video_analysis_record)

    def video_analyses_of_sessions(self, session_ids: Sequence[int]) -> list[VideoAnalysis]:
        """The video analyses behind many sessions (by session id)."""
        return self._in_chunks(
            session_ids,
            lambda chunk: select(VideoAnalysisRow)
            .where(VideoAnalysisRow.session_id.in_(chunk))
            .order_by(VideoAnalysisRow.session_id),
            mapping.video_analysis_record,
        )
