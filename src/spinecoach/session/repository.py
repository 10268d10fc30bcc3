"""The ``Repository`` port: everything the core reads and writes.

``storage.SqlRepository`` implements it on SQLite and PostgreSQL;
:class:`spinecoach.session.in_memory.InMemoryRepository` is the fake beside it (and the
reference behaviour).  Rules every implementation keeps:

- Each write is **committed before the method returns**: a process killed right after
  ``add_repetition`` (or any ``add_*`` / ``start_*`` / ``end_*``) loses nothing it returned.
- ``add_*`` / ``start_*`` take a record with ``id=None`` and return it with its new id.
- Lists come back in time order (oldest first); ``since`` is inclusive and compares the
  record's own timestamp (``taken_at``, ``at``, ``started_at``).
- ``get_*`` / ``latest_*`` return None for a missing row; ``end_*`` on a missing id, or a
  record that names a missing user / session / set, raises
  :class:`~spinecoach.errors.StorageError`.
- Every ``datetime`` handed back is timezone-aware UTC.
- ``*_of_sessions`` / ``*_of_sets`` read the children of many parents in a bounded number of
  statements (history, reports and progression read a year without a query per set); they
  come back grouped by parent (ascending id), each group in its single-parent order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from spinecoach.domain.codes import StopCode
from spinecoach.session.records import (
    CheckIn,
    HoldRecord,
    Prescription,
    Profile,
    ProgrammeChange,
    RepetitionRecord,
    Role,
    ScreeningKind,
    ScreeningRecord,
    SessionRecord,
    SessionStatus,
    SetRecord,
    SignInLink,
    StopEventRecord,
    User,
    VideoAnalysis,
    WebSession,
)


class Repository(Protocol):
    """Everything the core reads and writes."""

    # users
    def add_user(self, user: User) -> User:
        """Insert a user; names are unique (a duplicate raises StorageError)."""

    def get_user(self, user_id: int) -> User | None:
        """Return the user with this id."""

    def find_user(self, name: str) -> User | None:
        """Return the user with this name."""

    def users(self, role: Role | None = None) -> list[User]:
        """Return every user (of ``role`` if given), by id."""

    # accounts: passwords, clinician links, browser sessions, one-time sign-in links
    def password_hash(self, user_id: int) -> str | None:
        """Return the user's password hash (None: no password set, or no such user)."""

    def set_password_hash(self, user_id: int, password_hash: str | None) -> None:
        """Set (or clear, with None) the user's password hash."""

    def link_patient(self, clinician_id: int, patient_id: int, now: datetime) -> None:
        """Let the clinician read the patient's record (linking twice is harmless)."""

    def unlink_patient(self, clinician_id: int, patient_id: int) -> bool:
        """Remove a link; True when there was one."""

    def patients_of(self, clinician_id: int) -> list[User]:
        """Return the patients linked to this clinician, by id."""

    def clinicians_of(self, patient_id: int) -> list[User]:
        """Return the clinicians this patient is linked to, by id."""

    def add_web_session(self, session: WebSession) -> WebSession:
        """Insert a signed-in browser session."""

    def find_web_session(self, token_hash: str) -> WebSession | None:
        """Return the session with this token hash (expired ones too: the caller checks)."""

    def delete_web_sessions(self, *, token_hash: str | None = None,
                            user_id: int | None = None) -> int:
        """Delete the session with ``token_hash``, or every session of ``user_id``; count."""

    def delete_expired_tokens(self, now: datetime) -> int:
        """Delete sessions and sign-in links expired at ``now`` (and used links); count."""

    def add_signin_link(self, link: SignInLink) -> SignInLink:
        """Insert a one-time sign-in link."""

    def use_signin_link(self, token_hash: str, now: datetime) -> SignInLink | None:
        """Mark the link used and return it, in one step; None when it is unknown, already
        used or expired at ``now`` (so two requests with one link never both succeed)."""

    # profile
    def add_profile(self, profile: Profile) -> Profile:
        """Insert a saved profile (the newest one is the user's profile)."""

    def latest_profile(self, user_id: int) -> Profile | None:
        """Return the user's newest profile, or None before the first save."""

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

    def latest_checkin(self, user_id: int) -> CheckIn | None:
        """Return the user's newest check-in."""

    def checkins_of_sessions(self, session_ids: Sequence[int]) -> list[CheckIn]:
        """Return the check-ins that belong to these sessions (in time order)."""

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

    def recent_sessions(
        self, user_id: int, *, limit: int, offset: int = 0
    ) -> list[SessionRecord]:
        """Return one page of the user's sessions, newest first."""

    def count_sessions(self, user_id: int) -> int:
        """Return how many sessions the user has."""

    def start_set(self, record: SetRecord) -> SetRecord:
        """Insert a set."""

    def end_set(self, set_id: int, ended_at: datetime, *, reps_done: int | None = None,
                hold_done_s: float | None = None, pain_during: int | None = None,
                stop_code: StopCode | None = None, note: str | None = None) -> SetRecord:
        """Close a set with what was done."""

    def get_set(self, set_id: int) -> SetRecord | None:
        """Return one set."""

    def sets_of(self, session_id: int) -> list[SetRecord]:
        """Return the sets of a session (by ``index``)."""

    def sets_of_sessions(self, session_ids: Sequence[int]) -> list[SetRecord]:
        """Return the sets of many sessions (by session, then ``index``)."""

    def open_sets(self) -> list[SetRecord]:
        """Return every set not ended yet, of every user (by id)."""

    def renew_sets(self, set_ids: Sequence[int], now: datetime) -> None:
        """Set ``alive_at`` to ``now`` on those of these sets not ended yet (the lease of the
        live sets a server is coaching)."""

    def add_repetition(self, rep: RepetitionRecord) -> RepetitionRecord:
        """Insert one repetition and commit at once."""

    def repetitions_of(self, set_id: int) -> list[RepetitionRecord]:
        """Return the repetitions of a set (by ``index``)."""

    def repetitions_of_sets(self, set_ids: Sequence[int]) -> list[RepetitionRecord]:
        """Return the repetitions of many sets (by set, then ``index``)."""

    def add_hold(self, hold: HoldRecord) -> HoldRecord:
        """Insert one good-form hold interval and commit at once."""

    def holds_of(self, set_id: int) -> list[HoldRecord]:
        """Return the holds of a set (by ``start_s``)."""

    def holds_of_sets(self, set_ids: Sequence[int]) -> list[HoldRecord]:
        """Return the good-form holds of many sets (by set, then ``start_s``)."""

    # stops
    def add_stop_event(self, event: StopEventRecord) -> StopEventRecord:
        """Insert a stop event."""

    def stop_events(self, user_id: int, since: datetime | None = None) -> list[StopEventRecord]:
        """Return the user's stop events."""

    def stop_events_of_sessions(self, session_ids: Sequence[int]) -> list[StopEventRecord]:
        """Return the stop events recorded in these sessions (in time order)."""

    # where a video-mode session came from
    def add_video_analysis(self, analysis: VideoAnalysis) -> VideoAnalysis:
        """Insert the provenance of a video session (one per session)."""

    def video_analyses_of_sessions(self, session_ids: Sequence[int]) -> list[VideoAnalysis]:
        """Return the video analyses behind these sessions (by session id)."""
