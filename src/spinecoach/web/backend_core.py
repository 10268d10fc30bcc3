"""The real :class:`~spinecoach.web.backend.CoachBackend`: the safety/programme services over a
:class:`~spinecoach.session.repository.Repository` (SQLite or PostgreSQL via ``storage``).

The local app has one user, named :data:`LOCAL_USER`.  Every rule (screening outcomes, stop
rules, who may start what) is decided by :mod:`spinecoach.session.services`; this module only
translates between records and the API schemas.  Completed repetitions, holds and stops are
written through the repository as they happen (it commits each one).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from spinecoach.domain.checkin import CheckInWhen
from spinecoach.domain.codes import FaultCode, StopCode
from spinecoach.domain.dates import local_date
from spinecoach.domain.exercises import ExerciseSpec, get_exercise, load_library
from spinecoach.domain.safety.questionnaire import load_questionnaire
from spinecoach.errors import InputError
from spinecoach.session import services
from spinecoach.session.guards import screening_block
from spinecoach.session.records import (
    HoldRecord,
    RepetitionRecord,
    ScreeningKind,
    SessionMode,
    SessionRecord,
    SessionStatus,
    StopEventRecord,
    User,
)
from spinecoach.session.repository import Repository
from spinecoach.settings import Settings
from spinecoach.tracking.state import HoldEvent, RepEvent, StopEvent
from spinecoach.web import backend_reports
from spinecoach.web import backend_views as views
from spinecoach.web.schemas import (
    CheckInIn,
    CheckInOut,
    ExerciseInfo,
    History,
    ManualSetIn,
    PlanItem,
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

LOCAL_USER = services.DEFAULT_USER_NAME
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _LiveSet:
    session_id: int
    exercise_id: str
    reps: int = 0
    hold_s: float = 0.0
    stop_code: StopCode | None = None


class CoreBackend:
    """The web app's view of the core, for the single local user."""

    def __init__(self, repo: Repository, *, clock: Clock = _utc_now,
                 user_name: str = LOCAL_USER) -> None:
        self.repo = repo
        self.clock = clock
        self.user_name = user_name
        self._user_id: int | None = None
        self._live: dict[int, _LiveSet] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings) -> CoreBackend:
        """Open the configured database (created and migrated on first use)."""
        from spinecoach.storage import open_repository

        return cls(open_repository(settings))

    @property
    def user_id(self) -> int:
        """The local user's id (created on first use)."""
        if self._user_id is None:
            user = services.ensure_user(self.repo, self.user_name, self.clock())
            assert user.id is not None
            self._user_id = user.id
        return self._user_id

    def questions(self, full: bool) -> list[Question]:
        """Return the questionnaire or the short re-check."""
        questionnaire = load_questionnaire()
        chosen = questionnaire.questions if full else questionnaire.recheck_questions()
        return [Question(id=q.id, text=q.text, kind=q.kind.value, category=q.category.value,
                         min=q.min, max=q.max, choices=q.choices) for q in chosen]

    def status(self) -> Status:
        """Return the screening state for today."""
        now = self.clock()
        latest = self.repo.latest_screening(self.user_id)
        plan = services.todays_plan(self.repo, self.user_id, local_date(now), now=now)
        block = screening_block(self.repo, self.user_id)
        return Status(
            screened=self.repo.latest_screening(self.user_id, ScreeningKind.FULL) is not None,
            baseline_done=bool(self.repo.checkins(self.user_id)),
            may_exercise=not plan.blocked, needs_recheck=plan.needs_recheck,
            outcome=latest.outcome.value if latest else None,
            advice=plan.message if plan.blocked else None,
            reasons=list(latest.reasons) if latest and block else [],
        )

    def screen(self, answers: ScreeningIn) -> ScreeningOut:
        """Run and store a screening."""
        kind = ScreeningKind.FULL if answers.full else ScreeningKind.RECHECK
        record = services.run_screening(self.repo, self.user_id, answers.answers, kind=kind,
                                        now=self.clock())
        return ScreeningOut(
            outcome=record.outcome.value,
            may_exercise=not record.outcome.blocks_exercise, reasons=list(record.reasons),
            advice=record.outcome.advice, taken_at=record.taken_at.isoformat(),
        )

    def checkin(self, data: CheckInIn) -> CheckInOut:
        """Store a check-in through the services (the baseline is a 'before' check-in)."""
        when = CheckInWhen.BEFORE if data.when == "baseline" else CheckInWhen(data.when)
        values = {"back_pain": data.back_pain, "leg_pain": data.leg_pain,
                  "furthest_symptom": data.leg_extent, "numbness": data.numbness,
                  "tingling": data.tingling, "weakness": data.weakness}
        result = services.record_checkin(self.repo, self.user_id, values, when=when,
                                         now=self.clock(), session_id=data.session_id,
                                         exercise_id=data.exercise_id)
        assert result.checkin.id is not None
        return CheckInOut(id=result.checkin.id, when=data.when, stop=bool(result.stops),
                          change=views.change_word(result.change),
                          messages=list(result.advice))

    def exercises(self) -> list[ExerciseInfo]:
        """Return the exercise library."""
        return [views.exercise_info(spec) for spec in load_library().values()]

    def exercise(self, exercise_id: str) -> ExerciseInfo:
        """Return one exercise (``UnknownExerciseError`` when unknown)."""
        return views.exercise_info(get_exercise(exercise_id))

    def today(self) -> Today:
        """Return today's plan from the programme service."""
        now = self.clock()
        plan = services.todays_plan(self.repo, self.user_id, local_date(now), now=now)
        library: dict[str, ExerciseSpec] = load_library()
        items = [
            PlanItem(exercise=views.exercise_info(library[i.exercise_id]), sets=i.dose.sets,
                     reps=i.dose.reps, hold_s=i.dose.hold_s, rest_s=i.dose.rest_s,
                     reason=i.reason, stopped_today=i.stop_message if i.stopped else None)
            for i in plan.items
        ]
        return Today(date=plan.day.isoformat(), may_exercise=not plan.blocked,
                     needs_recheck=plan.needs_recheck,
                     block_message=plan.message if plan.blocked else None,
                     message=plan.message, items=items)

    def target_hold_s(self, exercise_id: str) -> float | None:
        """Return today's prescribed hold."""
        item = next((i for i in self.today().items if i.exercise.id == exercise_id), None)
        return item.hold_s if item else None

    def start_session(self) -> SessionOut:
        """Start a session (``SafetyBlockError`` when blocked)."""
        record = services.start_session(self.repo, self.user_id, mode=SessionMode.CAMERA,
                                        now=self.clock())
        assert record.id is not None
        return SessionOut(id=record.id, started_at=record.started_at.isoformat())

    def start_set(self, session_id: int, data: SetIn) -> int:
        """Start a set (``SafetyBlockError`` when blocked or stopped today)."""
        self._own_session(session_id)
        record = services.start_set(self.repo, session_id, data.exercise_id, now=self.clock())
        assert record.id is not None
        with self._lock:
            self._live[record.id] = _LiveSet(session_id, data.exercise_id)
        return record.id

    def record_rep(self, set_id: int, rep: RepEvent) -> None:
        """Write one repetition now."""
        self.repo.add_repetition(RepetitionRecord(
            set_id=set_id, index=rep.index, side=rep.side, start_s=rep.start_s,
            peak_s=rep.peak_s, end_s=rep.end_s, hold_s=rep.hold_s, good_form=rep.good_form,
            faults=tuple(FaultCode(f) for f in rep.faults), metrics=dict(rep.metrics)))
        with self._lock:
            if set_id in self._live:
                self._live[set_id].reps += 1

    def record_hold(self, set_id: int, hold: HoldEvent) -> None:
        """Write one good-form hold now."""
        self.repo.add_hold(HoldRecord(set_id=set_id, start_s=hold.start_s, end_s=hold.end_s,
                                      good_form_s=hold.duration_s))
        with self._lock:
            if set_id in self._live:
                self._live[set_id].hold_s += hold.duration_s

    def record_stop(self, set_id: int, stop: StopEvent) -> None:
        """Write a tracker stop (it ends this set only)."""
        live = self._live.get(set_id)
        self.repo.add_stop_event(StopEventRecord(
            user_id=self.user_id, at=self.clock(), code=StopCode(stop.code), message=stop.message,
            session_id=live.session_id if live else None, set_id=set_id,
            exercise_id=live.exercise_id if live else None))
        if live:
            live.stop_code = StopCode(stop.code)

    def finish_set(self, set_id: int) -> SetOut:
        """Close a live set with what the tracker counted."""
        with self._lock:
            live = self._live.pop(set_id, None)
        if live is not None:
            self.repo.end_set(set_id, self.clock(), reps_done=live.reps,
                              hold_done_s=round(live.hold_s, 2) if live.hold_s else None,
                              stop_code=live.stop_code)
            return self._set_out(live.session_id, set_id)
        raise InputError(f"set {set_id} is not in progress")

    def record_manual_set(self, session_id: int, data: ManualSetIn) -> SetOut:
        """Store a set entered by hand (pain >= 6 stops the exercise for today)."""
        self._own_session(session_id)
        hold = max(data.hold_s) if data.hold_s else None
        result = services.record_manual_set(
            self.repo, session_id, data.exercise_id, reps_done=data.reps, hold_done_s=hold,
            pain_during=data.pain if data.pain is not None else 0, now=self.clock())
        assert result.set.id is not None
        return self._set_out(session_id, result.set.id)

    def finish_session(self, session_id: int) -> SessionSummary:
        """End a session and apply progression."""
        self._own_session(session_id)
        finished = services.finish_session(self.repo, session_id, now=self.clock(),
                                           status=SessionStatus.COMPLETED)
        summary = self.session(session_id)
        notes = [c.reason for c in finished.changes]
        return summary.model_copy(update={"messages": notes})

    def session(self, session_id: int) -> SessionSummary:
        """Return one session with its sets and check-ins."""
        record = self._own_session(session_id)
        return views.session_summary(self.repo, record, self.repo.checkins(self.user_id))

    def history(self) -> History:
        """Return the history for the charts."""
        summary = backend_reports.history_summary(self.repo, self._user(), self.clock())
        return views.history(self.repo, self.user_id, summary,
                             backend_reports.history_notes(summary))

    def report_html(self) -> str:
        """Return the printable clinician report (HTML, charts inline)."""
        return backend_reports.report_html(self.repo, self._user(), self.clock())

    def report_pdf(self) -> bytes:
        """Return the clinician report as PDF."""
        return backend_reports.report_pdf(self.repo, self._user(), self.clock())

    def export_json(self) -> dict[str, object]:
        """Return everything stored, as JSON data."""
        return backend_reports.export_document(self.repo, self._user(), self.clock())

    def export_csv_zip(self) -> bytes:
        """Return everything stored as CSV files in a zip archive."""
        return backend_reports.export_csv_zip(self.repo, self._user())

    def _user(self) -> User:
        user = self.repo.get_user(self.user_id)
        assert user is not None
        return user

    def _own_session(self, session_id: int) -> SessionRecord:
        record = self.repo.get_session(session_id)
        if record is None or record.user_id != self.user_id:
            raise InputError(f"no session {session_id}")
        return record

    def _set_out(self, session_id: int, set_id: int) -> SetOut:
        record = next(s for s in self.repo.sets_of(session_id) if s.id == set_id)
        stops = [e for e in self.repo.stop_events(self.user_id) if e.set_id == set_id]
        return views.set_out(self.repo, record, stops)
