"""Today, for one user: may they exercise, what is on the plan, and what to show.

:func:`safety_status` (the web app's banner and status call) and :func:`todays_plan` (the
``today`` command and page) both read one :class:`~spinecoach.session.guards.DaySafety`, the
same facts the guards refuse a start on, so what is shown never disagrees with what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from spinecoach.domain.codes import SYMPTOM_STOP_CODES
from spinecoach.domain.dose import Dose
from spinecoach.domain.programme import Programme, load_programme
from spinecoach.domain.safety.outcomes import NOT_A_CLINICIAN, Outcome
from spinecoach.domain.safety.stops import REPEATED_WINDOW, needs_clinician
from spinecoach.session.guards import DaySafety, day_safety
from spinecoach.session.programme_service import ensure_prescriptions
from spinecoach.session.repository import Repository


def clinician_advised(repo: Repository, user_id: int, now: datetime) -> bool:
    """Symptom stops on two or more days in the last two weeks: advise seeing a clinician."""
    recent = repo.stop_events(user_id, since=now - REPEATED_WINDOW)
    return needs_clinician([e.at for e in recent if e.code in SYMPTOM_STOP_CODES], now)


@dataclass(frozen=True)
class SafetyStatus:
    """Whether the user may exercise today, and what to show (a banner in the web app).

    Attributes
    ----------
    may_exercise
        True when a session may start now (not blocked and today's check answered).
    blocked
        Screening, or a symptom stop for the whole day, blocks exercise today.
    message
        Plain words: why not, or what to do first; empty when all is well.
    outcome
        The latest screening outcome (None before the first screening).
    reasons
        The reasons of the screening that blocks (empty when none blocks).
    screened
        A full screening has been completed at least once.
    needs_full_screening
        Never screened, or the full screening must be answered again to lift a block.
    needs_recheck
        The short re-check has not been answered today.
    baseline_done
        The user has given at least one check-in (the baseline of the first use).
    """

    may_exercise: bool
    blocked: bool
    message: str
    outcome: Outcome | None
    reasons: tuple[str, ...]
    screened: bool
    needs_full_screening: bool
    needs_recheck: bool
    baseline_done: bool
    last_screening_at: datetime | None


def _status(safety: DaySafety, baseline_done: bool) -> SafetyStatus:
    latest, full = safety.latest, safety.latest_full
    block = safety.screening_block
    needs_full = full is None or full.outcome is not Outcome.OK
    refusal = safety.refusal()
    blocked = block is not None or safety.day_stop is not None
    return SafetyStatus(
        may_exercise=refusal is None,
        blocked=blocked,
        message=refusal or "",
        outcome=latest.outcome if latest else None,
        reasons=tuple(latest.reasons) if latest and block else (),
        screened=full is not None,
        needs_full_screening=needs_full,
        needs_recheck=safety.recheck_due and not needs_full,
        baseline_done=baseline_done,
        last_screening_at=latest.taken_at if latest else None,
    )


def safety_status(repo: Repository, user_id: int, today: date) -> SafetyStatus:
    """Summarise the guards of :func:`~spinecoach.session.guards.assert_may_exercise`."""
    safety = day_safety(repo, user_id, today)
    return _status(safety, repo.latest_checkin(user_id) is not None)


@dataclass(frozen=True)
class PlanItem:
    """One exercise of today's plan."""

    exercise_id: str
    name: str
    dose: Dose
    dose_text: str
    reason: str
    why: str
    stopped: bool = False
    stop_message: str | None = None


@dataclass(frozen=True)
class TodaysPlan:
    """What to do today; when ``blocked``, ``message`` says why and whom to see."""

    day: date
    blocked: bool
    message: str
    items: tuple[PlanItem, ...] = ()
    needs_recheck: bool = False
    see_clinician: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


def todays_plan(repo: Repository, user_id: int, today: date, *, now: datetime | None = None,
                programme: Programme | None = None) -> TodaysPlan:
    """Return today's exercises with their doses and reasons, or why exercise is blocked.

    The first call creates the default prescriptions (stamped ``now``).
    """
    now = now or datetime.now(UTC)
    safety = day_safety(repo, user_id, today)
    if safety.screening_block is not None or safety.day_stop is not None:
        return TodaysPlan(day=today, blocked=True,
                          message=safety.refusal(require_today=False) or "")
    plan = programme or load_programme()
    stopped = safety.stopped_exercises
    items = []
    for prescription in ensure_prescriptions(repo, user_id, now, plan, on=today):
        exercise = plan.exercise(prescription.exercise_id)
        items.append(PlanItem(
            exercise_id=exercise.id, name=exercise.name, dose=prescription.dose,
            dose_text=prescription.dose.describe(per_side=exercise.reps_per_side),
            reason=prescription.reason, why=exercise.why_it_helps,
            stopped=exercise.id in stopped, stop_message=stopped.get(exercise.id)))
    message = "Here is today's programme. " + NOT_A_CLINICIAN
    if safety.recheck_due:
        message = "Answer today's quick safety check, then start. " + NOT_A_CLINICIAN
    return TodaysPlan(day=today, blocked=False, message=message, items=tuple(items),
                      needs_recheck=safety.recheck_due,
                      see_clinician=clinician_advised(repo, user_id, now))
