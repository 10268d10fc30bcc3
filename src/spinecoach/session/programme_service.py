"""Programme use cases: default prescriptions, overrides, and applying progression.

Every change of dose is written twice: a new :class:`Prescription` (the dose in force from
``valid_from``) and a :class:`ProgrammeChange` (the one-sentence reason shown to the user).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from spinecoach.domain.dates import local_date
from spinecoach.domain.dose import Dose
from spinecoach.domain.programme import Programme, load_programme
from spinecoach.errors import InputError
from spinecoach.session.history import session_histories, with_events
from spinecoach.session.progression import Action, Decision, decide, judged_sessions
from spinecoach.session.records import (
    Prescription,
    PrescriptionSource,
    ProgrammeChange,
)
from spinecoach.session.repository import Repository

DEFAULT_REASON = "This is the starting dose of your programme."
HISTORY_WINDOW = timedelta(days=60)
"""How far back progression looks (the current dose's start date limits it further)."""


def ensure_prescriptions(repo: Repository, user_id: int, now: datetime,
                         programme: Programme | None = None, *,
                         on: date | None = None) -> list[Prescription]:
    """Return the prescriptions in force ``on`` (default today), creating missing defaults."""
    plan = programme or load_programme()
    today = local_date(now)
    have = {p.exercise_id for p in repo.prescription_history(user_id)}
    for exercise in plan.exercises:
        if exercise.id in have:
            continue
        _write(repo, user_id, exercise.id, None, exercise.default_dose, DEFAULT_REASON,
               PrescriptionSource.DEFAULT, now, valid_from=today)
    in_force = repo.prescriptions(user_id, on=on or today)
    order = [e.id for e in plan.exercises]
    known = [p for p in in_force if p.exercise_id in order]
    return sorted(known, key=lambda p: order.index(p.exercise_id))


def dose_today(
    repo: Repository,
    user_id: int,
    exercise_id: str,
    now: datetime,
    programme: Programme | None = None,
) -> Dose:
    """The dose of ``exercise_id`` in force today (``UnknownExerciseError`` when unknown)."""
    plan = programme or load_programme()
    plan.exercise(exercise_id)
    in_force = ensure_prescriptions(repo, user_id, now, plan)
    return next(p.dose for p in in_force if p.exercise_id == exercise_id)


def override_dose(
    repo: Repository,
    user_id: int,
    exercise_id: str,
    dose: Dose,
    *,
    by: str,
    reason: str,
    now: datetime,
    programme: Programme | None = None,
) -> Prescription:
    """Set a dose by hand (a clinician or the user), from today; the override is recorded.

    ``by`` names who set it, e.g. ``"clinician: J. Smith"`` or ``"user"``; a dose set by a
    clinician is not raised automatically (see :mod:`spinecoach.session.progression`).
    """
    plan = programme or load_programme()
    exercise = plan.exercise(exercise_id)
    problems = dose.problems(needs_reps=exercise.dose.counts_reps)
    if problems:
        raise InputError("bad dose: " + "; ".join(problems))
    if not by.strip() or not reason.strip():
        raise InputError("override: say who changed the dose and why")
    current = ensure_prescriptions(repo, user_id, now, plan)
    old = next((p.dose for p in current if p.exercise_id == exercise_id), None)
    prescription, _ = _write(repo, user_id, exercise_id, old, dose, reason.strip(),
                             PrescriptionSource.OVERRIDE, now, valid_from=local_date(now),
                             by=by.strip())
    return prescription


def _write(repo: Repository, user_id: int, exercise_id: str, old: Dose | None, new: Dose,
           reason: str, source: PrescriptionSource, now: datetime, *, valid_from: date,
           by: str | None = None) -> tuple[Prescription, ProgrammeChange]:
    """Store a new dose (from ``valid_from``) and the change, with its reason."""
    prescription = repo.set_prescription(Prescription(
        user_id=user_id, exercise_id=exercise_id, sets=new.sets, reps=new.reps,
        hold_s=new.hold_s, rest_s=new.rest_s, valid_from=valid_from, reason=reason,
        source=source, overridden_by=by))
    change = repo.add_programme_change(ProgrammeChange(
        user_id=user_id, exercise_id=exercise_id, at=now, old_dose=old, new_dose=new,
        reason=reason, source=source, overridden_by=by))
    return prescription, change


def plan_progression(
    repo: Repository, user_id: int, now: datetime, programme: Programme | None = None
) -> list[Decision]:
    """Decide up / hold / down for every exercise (nothing is written)."""
    plan = programme or load_programme()
    today = local_date(now)
    ensure_prescriptions(repo, user_id, now, plan)
    latest = {p.exercise_id: p for p in repo.prescriptions(user_id)}
    since = now - HISTORY_WINDOW
    outline = session_histories(repo, repo.sessions(user_id, since=since), events=False)
    judged = {
        h.session.id or 0
        for exercise in plan.exercises if exercise.id in latest
        for h in judged_sessions(exercise.id, latest[exercise.id].valid_from, outline,
                                 plan.progression.sessions_needed)
    }
    history = with_events(repo, outline, judged)  # form is judged on these sessions only
    stops = repo.stop_events(user_id, since=since)
    return [
        decide(exercise, plan.progression, latest[exercise.id], history, stops, today)
        for exercise in plan.exercises
        if exercise.id in latest
    ]


def apply_progression(
    repo: Repository, user_id: int, now: datetime, programme: Programme | None = None
) -> list[ProgrammeChange]:
    """Decide and write the dose changes (from tomorrow); return the changes made."""
    changes: list[ProgrammeChange] = []
    tomorrow = local_date(now) + timedelta(days=1)
    for decision in plan_progression(repo, user_id, now, programme):
        if decision.action is Action.HOLD or decision.new_dose is None:
            continue
        _, change = _write(repo, user_id, decision.exercise_id, decision.old_dose,
                           decision.new_dose, decision.reason, PrescriptionSource.PROGRESSION,
                           now, valid_from=tomorrow)
        changes.append(change)
    return changes
