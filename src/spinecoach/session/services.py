"""Use cases that the command line and the web app both call.

Each function takes the :class:`~spinecoach.session.repository.Repository` and the current
time (``now``, timezone-aware; ``today`` is its local date), so front ends stay thin and tests
need no clock.  Sessions and sets (:mod:`.workout`, :mod:`.tracked_sets`), today's plan and
status (:mod:`.today`) and the programme (:mod:`.programme_service`) are re-exported here, so
``services`` is the one module front ends import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from spinecoach.domain.checkin import CheckInWhen, SymptomChange, compare_symptoms, parse_symptoms
from spinecoach.domain.codes import StopCode
from spinecoach.domain.programme import load_programme
from spinecoach.domain.safety.outcomes import Outcome
from spinecoach.domain.safety.questionnaire import Questionnaire, load_questionnaire
from spinecoach.domain.safety.screening import evaluate, validate_answers
from spinecoach.domain.safety.stops import (
    CLINICIAN_ADVICE,
    centralisation_note,
    pain_advice,
    symptom_stops,
)
from spinecoach.errors import InputError
from spinecoach.session.accounts import DEFAULT_USER_NAME
from spinecoach.session.guards import assert_may_do_exercise, assert_may_exercise
from spinecoach.session.profile import report_names, save_profile
from spinecoach.session.programme_service import (
    apply_progression,
    dose_today,
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
from spinecoach.session.today import (
    PlanItem,
    SafetyStatus,
    TodaysPlan,
    clinician_advised,
    safety_status,
    todays_plan,
)
from spinecoach.session.tracked_sets import (
    finish_tracked_set,
    record_hold,
    record_rep,
    record_stop,
)
from spinecoach.session.video_sessions import save_analysis
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
    "TodaysPlan",
    "assert_may_do_exercise",
    "assert_may_exercise",
    "apply_progression",
    "dose_today",
    "ensure_prescriptions",
    "ensure_user",
    "finish_session",
    "finish_tracked_set",
    "override_dose",
    "record_checkin",
    "record_hold",
    "record_manual_set",
    "record_rep",
    "record_stop",
    "report_names",
    "save_profile",
    "run_screening",
    "safety_status",
    "save_analysis",
    "start_session",
    "start_set",
    "todays_plan",
]


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
    checkin = repo.add_checkin(CheckIn(
        user_id=user_id, taken_at=now, when=when, session_id=session_id,
        exercise_id=exercise_id, note=note.strip(), **vars(symptoms)))
    change = compare_symptoms(baseline.symptoms, symptoms) if baseline else None
    rules = symptom_stops(symptoms, change)
    if when is CheckInWhen.BEFORE:
        rules = [rule for rule in rules if rule.code is not StopCode.PAIN_6_OR_MORE]
    stops = tuple(
        repo.add_stop_event(StopEventRecord(
            user_id=user_id, at=now, code=rule.code, message=rule.message, session_id=session_id,
            exercise_id=exercise_id if when is CheckInWhen.DURING else None))
        for rule in rules
    )
    see = clinician_advised(repo, user_id, now)
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
    if session_id is not None and when is not CheckInWhen.BEFORE:
        own = [c for c in repo.checkins_of_sessions([session_id])
               if c.when is CheckInWhen.BEFORE]
        if own:
            return own[-1]
    return repo.latest_checkin(user_id)


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
