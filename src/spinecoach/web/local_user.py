""":class:`LocalUser`: what the pages and the live socket ask of the core, for one record.

One is built per request for the record the signed-in account may see
(:func:`spinecoach.session.accounts.record_access`): a patient's own record, or a linked
patient's record, read-only, for a clinician (every change then raises
:class:`~spinecoach.errors.AccessDeniedError`).  Every query below is scoped to that record's
owner; a session of anyone else is "not found".  Every rule (screening outcomes, stop
rules, who may start what, how a tracked set is counted) is decided by
:mod:`spinecoach.session.services`; this class only turns API schemas into service calls and
records into API schemas (:mod:`spinecoach.web.views`).  Tests build it on the in-memory
repository, the lowest seam, so web tests run the real rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from spinecoach.domain.checkin import CheckInWhen
from spinecoach.domain.dates import local_date
from spinecoach.domain.exercises import get_exercise, load_library
from spinecoach.domain.safety.questionnaire import load_questionnaire
from spinecoach.domain.safety.stops import pain_light
from spinecoach.errors import AccessDeniedError, InputError, NotFoundError
from spinecoach.reports.day_progress import (
    DayProgress,
    day_progress,
    exercise_names,
    planned_sets_on,
    set_done,
)
from spinecoach.reports.period import REPORT_DAYS, load_summary
from spinecoach.session import services
from spinecoach.session.analysis_report import AnalysisReport
from spinecoach.session.history import session_histories, set_histories
from spinecoach.session.records import (
    ScreeningKind,
    SessionMode,
    SessionRecord,
    SessionStatus,
    SetMode,
    SetRecord,
    User,
)
from spinecoach.session.repository import Repository
from spinecoach.tracking.state import HoldEvent, RepEvent, StopEvent
from spinecoach.web import views
from spinecoach.web.schemas import (
    CheckInIn,
    CheckInOut,
    ExerciseInfo,
    History,
    ManualSetIn,
    ProfileIn,
    ProfileOut,
    Question,
    ScreeningIn,
    ScreeningOut,
    SessionOut,
    SessionSummary,
    SetIn,
    SetOut,
    Status,
    Today,
    TodayItem,
)

Clock = Callable[[], datetime]
SESSIONS_PER_PAGE = 20
FRESH_ANSWERS = timedelta(minutes=30)
"""Answers given this recently count as given when the next check-in asks the same."""
SAVE_DAYS_BACK = 30
"""How far back a recorded video may be dated when it is saved to the history."""


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


READ_ONLY = "A clinician can read a patient's record but not change it."


class LocalUser:
    """The web app's view of the core, for one record (``owner``'s)."""

    def __init__(self, repo: Repository, owner: User, *, clock: Clock = utc_now,
                 read_only: bool = False) -> None:
        if owner.id is None:
            raise ValueError("the owner has no id: store it first")
        self.repo = repo
        self.owner = owner
        self.clock = clock
        self.read_only = read_only
        self.user_id: int = owner.id

    def check_may_change(self) -> None:
        """Raise ``AccessDeniedError`` when this view is read-only (a clinician's)."""
        if self.read_only:
            raise AccessDeniedError(READ_ONLY)

    # -- safety ------------------------------------------------------------------------------

    def questions(self, full: bool) -> list[Question]:
        """Return the questionnaire or the short re-check."""
        questionnaire = load_questionnaire()
        chosen = questionnaire.questions if full else questionnaire.recheck_questions()
        return [Question(id=q.id, text=q.text, kind=q.kind.value, category=q.category.value,
                         min=q.min, max=q.max, choices=q.choices) for q in chosen]

    def status(self) -> Status:
        """Return the screening state for today."""
        status = services.safety_status(self.repo, self.user_id, local_date(self.clock()))
        return Status(
            screened=status.screened, baseline_done=status.baseline_done,
            may_exercise=not status.blocked, needs_recheck=status.needs_recheck,
            outcome=status.outcome.value if status.outcome else None,
            advice=status.message if status.blocked else None, reasons=list(status.reasons),
        )

    def screen(self, answers: ScreeningIn) -> ScreeningOut:
        """Run and store a screening."""
        self.check_may_change()
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
        self.check_may_change()
        if data.session_id is not None:
            self._own_session(data.session_id)
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
                          messages=list(result.advice),
                          light=pain_light(result.checkin.worst_pain).value)

    def last_answers(self, *, fresh_ok: bool) -> dict[str, Any] | None:
        """The latest check-in's answers to start a form from (None before the first).

        ``fresh`` is True when ``fresh_ok`` and they were given within
        :data:`FRESH_ANSWERS`: the form then counts them as answered (no need to ask again
        straight after the baseline); otherwise each slider must be touched.
        """
        latest = self.repo.latest_checkin(self.user_id)
        if latest is None:
            return None
        now = self.clock()
        fresh = fresh_ok and timedelta(0) <= now - latest.taken_at <= FRESH_ANSWERS
        moment = latest.taken_at.astimezone()
        when = f"{moment:%H:%M}" if local_date(latest.taken_at) == local_date(now) \
            else f"{moment.day} {moment:%b}, {moment:%H:%M}"
        return {"back_pain": latest.back_pain, "leg_pain": latest.leg_pain,
                "leg_extent": latest.furthest_symptom.value, "numbness": latest.numbness,
                "tingling": latest.tingling, "weakness": latest.weakness, "at": when,
                "fresh": fresh}

    # -- the programme -----------------------------------------------------------------------

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
        items = [
            TodayItem(exercise=self.exercise(i.exercise_id), sets=i.dose.sets, reps=i.dose.reps,
                     hold_s=i.dose.hold_s, rest_s=i.dose.rest_s, reason=i.reason,
                     stopped_today=i.stop_message if i.stopped else None)
            for i in plan.items
        ]
        return Today(date=plan.day.isoformat(), may_exercise=not plan.blocked,
                     needs_recheck=plan.needs_recheck,
                     block_message=plan.message if plan.blocked else None,
                     message=plan.message, items=items)

    def target_hold_s(self, exercise_id: str) -> float | None:
        """Return today's prescribed hold (``UnknownExerciseError`` when unknown)."""
        return services.dose_today(self.repo, self.user_id, exercise_id, self.clock()).hold_s

    def counts_reps(self, exercise_id: str) -> bool:
        """Whether today's dose is counted in reps (False: one long hold, the plank)."""
        return services.dose_today(self.repo, self.user_id, exercise_id,
                                   self.clock()).reps is not None

    # -- sessions and sets -------------------------------------------------------------------

    def start_session(self) -> SessionOut:
        """Start a session (``SafetyBlockError`` when blocked)."""
        self.check_may_change()
        record = services.start_session(self.repo, self.user_id, mode=SessionMode.CAMERA,
                                        now=self.clock())
        assert record.id is not None
        return SessionOut(id=record.id, started_at=record.started_at.isoformat())

    def start_set(self, session_id: int, data: SetIn) -> int:
        """Start a set (``SafetyBlockError`` when blocked or stopped today)."""
        self.check_may_change()
        self._own_session(session_id)
        mode = SetMode.CAMERA if data.mode == "camera" else SetMode.MANUAL
        record = services.start_set(self.repo, session_id, data.exercise_id, now=self.clock(),
                                    mode=mode)
        assert record.id is not None
        return record.id

    def record_rep(self, set_id: int, rep: RepEvent) -> None:
        """Store one repetition now."""
        self.check_may_change()
        services.record_rep(self.repo, set_id, rep)

    def record_hold(self, set_id: int, hold: HoldEvent) -> None:
        """Store one good-form hold now."""
        self.check_may_change()
        services.record_hold(self.repo, set_id, hold)

    def record_stop(self, set_id: int, stop: StopEvent) -> None:
        """Store a tracker stop (it ends this set only)."""
        self.check_may_change()
        services.record_stop(self.repo, set_id, stop, now=self.clock())

    def finish_set(self, set_id: int) -> SetOut:
        """Close a live set with what the tracker recorded."""
        self.check_may_change()
        record = services.finish_tracked_set(self.repo, set_id, now=self.clock())
        return self._set_out(record.session_id, set_id)

    def record_manual_set(self, session_id: int, data: ManualSetIn) -> SetOut:
        """Store a set entered by hand (pain >= 6 stops the exercise for today)."""
        self.check_may_change()
        self._own_session(session_id)
        result = services.record_manual_set(
            self.repo, session_id, data.exercise_id, reps_done=data.reps,
            hold_done_s=max(data.hold_s) if data.hold_s else None, pain_during=data.pain,
            now=self.clock(), note=data.note)
        assert result.set.id is not None
        return self._set_out(session_id, result.set.id)

    def finish_session(self, session_id: int) -> SessionSummary:
        """End a session and apply progression."""
        self.check_may_change()
        self._own_session(session_id)
        finished = services.finish_session(self.repo, session_id, now=self.clock(),
                                           status=SessionStatus.COMPLETED)
        summary = self.session(session_id)
        return summary.model_copy(update={"messages": [c.reason for c in finished.changes]})

    def session(self, session_id: int) -> SessionSummary:
        """Return one session with its sets (labelled by set of the day), check-ins and day."""
        record = self._own_session(session_id)
        (history,) = session_histories(self.repo, [record])
        day, earlier = self._day_of(record)
        return views.session_summary(history, names=exercise_names(), day=day,
                                     earlier=earlier)

    def sets_done_today(self, exercise_id: str) -> int:
        """Sets of ``exercise_id`` done today, in every session of today."""
        return self.sets_done_today_by_exercise().get(exercise_id, 0)

    def sets_done_today_by_exercise(self) -> dict[str, int]:
        """Sets done today per exercise id, in every session of today (one read)."""
        day = self._progress_on(local_date(self.clock()))[0]
        return {e.exercise_id: e.sets_done for e in day.exercises}

    def _progress_on(self, day: date) -> tuple[DayProgress, list[SessionRecord],
                                               list[SetRecord]]:
        since = datetime.combine(day - timedelta(days=1), time.min, tzinfo=UTC)
        same_day = [s for s in self.repo.sessions(self.user_id, since)
                    if local_date(s.started_at) == day and s.id is not None]
        sets = self.repo.sets_of_sessions([s.id for s in same_day if s.id is not None])
        planned = planned_sets_on(self.repo.prescription_history(self.user_id), day)
        return day_progress(day, planned, sets, exercise_names()), same_day, sets

    def _day_of(self, session: SessionRecord) -> tuple[DayProgress, dict[str, int]]:
        """The progress of the session's day (every session of it), and the sets before it."""
        progress, same_day, sets = self._progress_on(local_date(session.started_at))
        started = {s.id: s.started_at for s in same_day}
        mine = (session.started_at, session.id or 0)
        earlier = Counter(s.exercise_id for s in sets if set_done(s)
                          and (started[s.session_id], s.session_id) < mine)
        return progress, dict(earlier)

    def save_analysis(self, report: AnalysisReport, file_name: str, *,
                      done_on: date | None = None) -> int:
        """Save an analysed upload as a video session (``SafetyBlockError`` when blocked).

        Only the file's own name is kept (the upload itself is already deleted).  The
        session is dated from now back by the video's length, or, for a video filmed on an
        earlier day (``done_on``, at most :data:`SAVE_DAYS_BACK` days ago), at midday of that
        day: its sets count toward the day they were done, not today.
        """
        self.check_may_change()
        now = self.clock()
        today = local_date(now)
        if done_on is not None and done_on > today:
            raise InputError("done_on: the day a video was filmed cannot be in the future.")
        if done_on is not None and done_on < today - timedelta(days=SAVE_DAYS_BACK):
            raise InputError(f"done_on: only videos from the last {SAVE_DAYS_BACK} days can "
                             "be saved to the history.")
        if done_on is None or done_on == today:
            recorded_at = now - timedelta(seconds=report.source.duration_s or 0.0)
        else:
            recorded_at = datetime.combine(done_on, time(12)).astimezone().astimezone(UTC)
        record = services.save_analysis(
            self.repo, self.user_id, report, source_path=file_name, now=now,
            recorded_at=recorded_at)
        assert record.id is not None
        return record.id

    # -- profile ----------------------------------------------------------------------------

    def profile(self) -> ProfileOut:
        """The saved profile (empty before the first save)."""
        saved = self.repo.latest_profile(self.user_id)
        if saved is None:
            return ProfileOut()
        return ProfileOut(display_name=saved.display_name, clinician_name=saved.clinician_name,
                          clinician_email=saved.clinician_email, units=saved.units,
                          language=saved.language, saved_at=saved.saved_at.isoformat())

    def save_profile(self, data: ProfileIn) -> ProfileOut:
        """Validate and store the profile (``InputError`` names the field)."""
        self.check_may_change()
        services.save_profile(self.repo, self.user_id, display_name=data.display_name,
                              clinician_name=data.clinician_name,
                              clinician_email=data.clinician_email, units=data.units,
                              language=data.language, now=self.clock())
        return self.profile()

    # -- history, report, exports ------------------------------------------------------------

    def history(self, *, limit: int = SESSIONS_PER_PAGE, offset: int = 0,
                days: int = REPORT_DAYS) -> History:
        """The latest ``limit`` sessions (after ``offset`` newer ones) and the period's charts."""
        from spinecoach.reports.text import history_notes

        data, summary = load_summary(self.repo, self._user(), self.clock(), days=days)
        page = self.repo.recent_sessions(self.user_id, limit=limit, offset=offset)[::-1]
        histories = data.session_histories(page)  # the usual page lies inside the period
        if histories is None:
            histories = session_histories(self.repo, page)
        return views.history(histories, self.repo.count_sessions(self.user_id), summary,
                             history_notes(summary))

    def report_html(self) -> str:
        """Return the printable clinician report (HTML, charts inline)."""
        from spinecoach.reports.html import render_html

        return render_html(load_summary(self.repo, self._user(), self.clock())[1])

    def report_pdf(self) -> bytes:
        """Return the clinician report as PDF."""
        from spinecoach.reports.pdf import render_pdf

        return render_pdf(load_summary(self.repo, self._user(), self.clock())[1])

    def export_json(self) -> dict[str, Any]:
        """Return everything stored, with the period's summary, as JSON data."""
        from spinecoach.reports.data import load_history
        from spinecoach.reports.export import export_document

        user = self._user()
        _, summary = load_summary(self.repo, user, self.clock())
        return export_document(load_history(self.repo, user, None), summary)

    def export_csv_zip(self) -> bytes:
        """Return everything stored as CSV files in a zip archive."""
        from spinecoach.reports.data import load_history
        from spinecoach.reports.export import csv_zip

        return csv_zip(load_history(self.repo, self._user(), None))

    def _user(self) -> User:
        return self.owner

    def _own_session(self, session_id: int) -> SessionRecord:
        record = self.repo.get_session(session_id)
        if record is None or record.user_id != self.user_id:
            raise NotFoundError(f"There is no session {session_id}.")
        return record

    def _set_out(self, session_id: int, set_id: int) -> SetOut:
        record = self.repo.get_set(set_id)
        if record is None:  # pragma: no cover - the caller has just stored it
            raise InputError(f"no set {set_id}")
        stops = [e for e in self.repo.stop_events_of_sessions([session_id]) if e.set_id == set_id]
        return views.set_out(set_histories(self.repo, [record], stops)[0])
