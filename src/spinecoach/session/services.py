"""Use cases that the command line and the web app both call.

Each function takes the :class:`~spinecoach.session.repository.Repository` and the current
time (``now``, timezone-aware; ``today`` is its local date), so front ends stay thin and tests
need no clock.  Sessions and sets live in :mod:`spinecoach.session.workout` and are
re-exported here, so ``services`` is the one module front ends import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from spinecoach.domain.checkin import CheckInWhen, SymptomChange, compare_symptoms, parse_symptoms
from spinecoach.domain.codes import SYMPTOM_STOP_CODES, StopCode
from spinecoach.domain.dates import local_date
from spinecoach.domain.dose import Dose
from spinecoach.domain.programme import Programme, load_programme
from spinecoach.domain.safety.outcomes import NOT_A_CLINICIAN, Outcome
from spinecoach.domain.safety.questionnaire import Questionnaire, load_questionnaire
from spinecoach.domain.safety.screening import evaluate, validate_answers
from spinecoach.domain.safety.stops import (
    CLINICIAN_ADVICE,
    REPEATED_WINDOW,
    centralisation_note,
    needs_clinician,
    pain_advice,
    symptom_stops,
)
from spinecoach.errors import InputError, SafetyBlockError
from spinecoach.session.guards import (
    assert_may_do_exercise,
    assert_may_exercise,
    screening_block,
    stopped_exercises,
    stops_on,
)
from spinecoach.session.programme_service import (
    apply_progression,
    ensure_prescriptions,
    override_dose,
)
from spinecoach.session.records import (
    CheckIn,
    ScreeningKind,
    ScreeningRecord,
    StopEventRecord,
    User,
)
from spinecoach.session.repository import Repository
from spinecoach.session.workout import (
    finish_session,
    record_manual_set,
    start_session,
    start_set,
)

__all__ = [
    "CLINICIAN_ADVICE",
    "DEFAULT_USER_NAME",
    "CheckInResult",
    "PlanItem",
    "SafetyStatus",
    "assert_may_do_exercise",
    "assert_may_exercise",
    "TodaysPlan",
    "apply_progression",
    "ensure_prescriptions",
    "ensure_user",
    "finish_session",
    "override_dose",
    "record_checkin",
    "record_manual_set",
    "run_screening",
    "safety_status",
    "start_session",
    "start_set",
    "todays_plan",
]


DEFAULT_USER_NAME = "me"
"""The local user of a single-user install (created on first use)."""


def ensure_user(repo: Repository, name: str, now: datetime) -> User:
    """Return the user called ``name``, creating them on first use."""
    name = name.strip()
    if not name:
        raise InputError("user: a name is needed")
    return repo.find_user(name) or repo.add_user(User(name=name, created_at=now))


def run_screening(
    repo: Repository,
    user_id: int,
    answers: Mapping[str, object],
    *,
    kind: ScreeningKind,
    now: datetime,
    questionnaire: Questionnaire | None = None,
) -> ScreeningRecord:
    """Validate the answers, decide the outcome and keep it with its date.

    Raises
    ------
    InputError
        When an answer is missing, of the wrong type, or for an unknown question.
    """
    questions = questionnaire or load_questionnaire()
    typed = validate_answers(questions, answers, recheck=kind is ScreeningKind.RECHECK)
    result = evaluate(questions, typed)
    record = ScreeningRecord(
        user_id=user_id,
        taken_at=now,
        kind=kind,
        outcome=result.outcome,
        reasons=result.reasons,
        flags=result.flags,
        answers=typed,
        questionnaire_version=questions.version,
    )
    return repo.add_screening(record)


@dataclass(frozen=True)
class CheckInResult:
    """A stored check-in with what it means.

    Attributes
    ----------
    checkin
        The stored check-in.
    change
        How symptoms moved since the baseline check-in (None without a baseline).
    stops
        Stop events recorded because of it (an exercise, or the rest of today, is stopped).
    advice
        Plain sentences to show, most important first.
    see_clinician
        Symptom stops on two or more days in the last two weeks.
    """

    checkin: CheckIn
    change: SymptomChange | None
    stops: tuple[StopEventRecord, ...]
    advice: tuple[str, ...]
    see_clinician: bool


def record_checkin(
    repo: Repository,
    user_id: int,
    values: Mapping[str, object],
    *,
    when: CheckInWhen,
    now: datetime,
    session_id: int | None = None,
    exercise_id: str | None = None,
    note: str = "",
) -> CheckInResult:
    """Validate and store a check-in, apply the stop rules and say what it means.

    ``values`` holds ``back_pain``, ``leg_pain`` (0-10), ``furthest_symptom``, ``numbness``,
    ``tingling`` and ``weakness``.  A ``during`` check-in needs ``exercise_id``: its stops
    stop that exercise for today.  A ``before`` check-in stops today's session when nerve
    signs got worse since the last check-in (high pain alone only gives advice); an ``after``
    check-in records its stops (they ease the dose next time).
    """
    symptoms = parse_symptoms(values)
    if when is CheckInWhen.DURING and exercise_id is None:
        raise InputError("exercise: a check-in during exercise must name the exercise")
    if exercise_id is not None:
        load_programme().exercise(exercise_id)  # UnknownExerciseError for a wrong id
    if session_id is not None:
        session = repo.get_session(session_id)
        if session is None or session.user_id != user_id:
            raise InputError(f"session: no session {session_id} for this user")
    baseline = _baseline(repo, user_id, session_id, when)
    checkin = repo.add_checkin(
        CheckIn(
            user_id=user_id,
            taken_at=now,
            when=when,
            session_id=session_id,
            exercise_id=exercise_id,
            note=note.strip(),
            **vars(symptoms),
        )
    )
    change = compare_symptoms(baseline.symptoms, symptoms) if baseline else None
    rules = symptom_stops(symptoms, change)
    if when is CheckInWhen.BEFORE:
        rules = [rule for rule in rules if rule.code is not StopCode.PAIN_6_OR_MORE]
    stops = tuple(
        repo.add_stop_event(
            StopEventRecord(
                user_id=user_id,
                at=now,
                code=rule.code,
                message=rule.message,
                session_id=session_id,
                exercise_id=exercise_id if when is CheckInWhen.DURING else None,
            )
        )
        for rule in rules
    )
    see = _needs_clinician(repo, user_id, now)
    advice = [stop.message for stop in stops]
    note_text = centralisation_note(change) if change else None
    advice += [note_text] if note_text else []
    advice.append(pain_advice(symptoms.worst_pain))
    advice += [CLINICIAN_ADVICE] if see else []
    return CheckInResult(checkin, change, stops, tuple(advice), see)


def _baseline(
    repo: Repository, user_id: int, session_id: int | None, when: CheckInWhen
) -> CheckIn | None:
    """The check-in to compare with: this session's ``before`` one, else the latest one."""
    earlier = repo.checkins(user_id)
    if session_id is not None and when is not CheckInWhen.BEFORE:
        own = [c for c in earlier if c.session_id == session_id and c.when is CheckInWhen.BEFORE]
        if own:
            return own[-1]
    return earlier[-1] if earlier else None


def _needs_clinician(repo: Repository, user_id: int, now: datetime) -> bool:
    recent = repo.stop_events(user_id, since=now - REPEATED_WINDOW)
    return needs_clinician([e.at for e in recent if e.code in SYMPTOM_STOP_CODES], now)


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


def todays_plan(
    repo: Repository,
    user_id: int,
    today: date,
    *,
    now: datetime | None = None,
    programme: Programme | None = None,
) -> TodaysPlan:
    """Return today's exercises with their doses and reasons, or why exercise is blocked.

    The first call creates the default prescriptions (stamped ``now``).
    """
    now = now or datetime.now(UTC)
    block = screening_block(repo, user_id)
    if block is not None:
        return TodaysPlan(day=today, blocked=True, message=block)
    day_stops = [e for e in stops_on(repo, user_id, today) if e.exercise_id is None]
    if day_stops:
        message = f"Exercise is stopped for today. {day_stops[0].message} {NOT_A_CLINICIAN}"
        return TodaysPlan(day=today, blocked=True, message=message)
    plan = programme or load_programme()
    stopped = stopped_exercises(repo, user_id, today)
    items = []
    for prescription in ensure_prescriptions(repo, user_id, now, plan, on=today):
        exercise = plan.exercise(prescription.exercise_id)
        dose = prescription.dose
        items.append(
            PlanItem(
                exercise_id=exercise.id,
                name=exercise.name,
                dose=dose,
                dose_text=dose.describe(per_side=exercise.reps_per_side),
                reason=prescription.reason,
                why=exercise.why_it_helps,
                stopped=exercise.id in stopped,
                stop_message=stopped.get(exercise.id),
            )
        )
    latest = repo.latest_screening(user_id)
    needs_recheck = latest is None or local_date(latest.taken_at) != today
    message = "Here is today's programme. " + NOT_A_CLINICIAN
    if needs_recheck:
        message = "Answer today's quick safety check, then start. " + NOT_A_CLINICIAN
    return TodaysPlan(
        day=today,
        blocked=False,
        message=message,
        items=tuple(items),
        needs_recheck=needs_recheck,
        see_clinician=_needs_clinician(repo, user_id, now),
    )


def outcome_summary(record: ScreeningRecord) -> dict[str, object]:
    """The screening outcome as a JSON-ready dict (CLI ``--json`` and the web API)."""
    return {
        "outcome": record.outcome.value,
        "blocks_exercise": record.outcome is not Outcome.OK,
        "advice": record.outcome.advice,
        "reasons": list(record.reasons),
        "flags": list(record.flags),
        "kind": record.kind.value,
        "taken_at": record.taken_at.isoformat(),
        "questionnaire_version": record.questionnaire_version,
    }


@dataclass(frozen=True)
class SafetyStatus:
    """Whether the user may exercise today, and what to show (a banner in the web app).

    Attributes
    ----------
    may_exercise
        True when a session may start now.
    message
        Plain words: why not, or what to do first; empty when all is well.
    outcome
        The latest screening outcome (None before the first screening).
    needs_full_screening
        Never screened, or the full screening must be answered again to lift a block.
    needs_recheck
        The short re-check has not been answered today.
    """

    may_exercise: bool
    message: str
    outcome: Outcome | None
    needs_full_screening: bool
    needs_recheck: bool
    last_screening_at: datetime | None


def safety_status(repo: Repository, user_id: int, today: date) -> SafetyStatus:
    """Summarise the guards of :func:`assert_may_exercise` without raising."""
    latest = repo.latest_screening(user_id)
    latest_full = repo.latest_screening(user_id, ScreeningKind.FULL)
    needs_full = latest_full is None or latest_full.outcome is not Outcome.OK
    needs_recheck = latest is None or local_date(latest.taken_at) != today
    message = ""
    may = True
    try:
        assert_may_exercise(repo, user_id, today)
    except SafetyBlockError as exc:
        may, message = False, str(exc)
    return SafetyStatus(
        may_exercise=may,
        message=message,
        outcome=latest.outcome if latest else None,
        needs_full_screening=needs_full,
        needs_recheck=needs_recheck and not needs_full,
        last_screening_at=latest.taken_at if latest else None,
    )
