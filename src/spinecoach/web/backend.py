"""The one seam between the web app and the core: :class:`CoachBackend`.

Route handlers and the live-coaching socket talk only to this protocol.  The real
implementation (:mod:`spinecoach.web.backend_core`) calls the safety/programme services and the
repository; :mod:`spinecoach.web.backend_memory` is the fake beside it, for fast tests.

Safety decisions are never made here: the backend asks the core, and a blocked user gets a
:class:`~spinecoach.errors.SafetyBlockError` that the web layer shows and cannot override.
"""

from __future__ import annotations

from typing import Protocol

from spinecoach.tracking.state import HoldEvent, RepEvent, StopEvent
from spinecoach.web.schemas import (
    CheckInIn,
    CheckInOut,
    ExerciseInfo,
    History,
    ManualSetIn,
    Question,
    ScreeningIn,
    ScreeningOut,
    SessionOut,
    SessionSummary,
    SetIn,
    SetOut,
    Status,
    Today,
)


class CoachBackend(Protocol):
    """Everything the pages and the socket need from the core and the database."""

    def questions(self, full: bool) -> list[Question]:
        """Return the screening questionnaire (``full``) or the short re-check."""

    def status(self) -> Status:
        """Return whether the user is screened and may exercise today."""

    def screen(self, answers: ScreeningIn) -> ScreeningOut:
        """Run and store a screening."""

    def checkin(self, data: CheckInIn) -> CheckInOut:
        """Store a check-in and return the stop rules it triggered."""

    def exercises(self) -> list[ExerciseInfo]:
        """Return the exercise library."""

    def exercise(self, exercise_id: str) -> ExerciseInfo:
        """Return one exercise; raise ``UnknownExerciseError`` when it does not exist."""

    def today(self) -> Today:
        """Return today's plan."""

    def target_hold_s(self, exercise_id: str) -> float | None:
        """Return today's prescribed hold for an exercise (None: the exercise default)."""

    def start_session(self) -> SessionOut:
        """Start a session; raise ``SafetyBlockError`` when exercise is blocked."""

    def start_set(self, session_id: int, data: SetIn) -> int:
        """Start a set and return its id; raise ``SafetyBlockError`` when blocked."""

    def record_rep(self, set_id: int, rep: RepEvent) -> None:
        """Store one completed repetition immediately."""

    def record_hold(self, set_id: int, hold: HoldEvent) -> None:
        """Store one good-form hold interval immediately."""

    def record_stop(self, set_id: int, stop: StopEvent) -> None:
        """Store a stop rule that ended a set."""

    def finish_set(self, set_id: int) -> SetOut:
        """Close a set and return it as stored."""

    def record_manual_set(self, session_id: int, data: ManualSetIn) -> SetOut:
        """Store a set entered by hand."""

    def finish_session(self, session_id: int) -> SessionSummary:
        """Close a session and return its summary."""

    def session(self, session_id: int) -> SessionSummary:
        """Return one session; raise ``InputError`` when it does not exist."""

    def history(self) -> History:
        """Return what the history page charts."""

    def report_html(self) -> str:
        """Return the one-page clinician report as printable HTML."""

    def report_pdf(self) -> bytes:
        """Return the clinician report as PDF."""

    def export_json(self) -> dict[str, object]:
        """Return everything stored, as JSON-ready data."""

    def export_csv_zip(self) -> bytes:
        """Return everything stored as CSV files in a zip archive."""
