"""Progression: move each dose up, hold it, or bring it down, with a one-sentence reason.

Rules (clinical-notes.md, "Dosing and progression"; thresholds in ``data/progression.toml``,
ladders in each exercise file's ``[dose]``):

1. **Regress after a flare.** A symptom stop (pain >= 6, peripheralisation, new numbness or
   weakness) since the current dose started, naming this exercise or no exercise, or a
   set with pain >= 6: one rung down.
2. **Progress** only when the last ``sessions_needed`` sessions with this exercise at the
   current dose were *good*: completed, every set done to target, at least
   ``good_form_share_min`` of the reps (plank: holds) in good form, and symptoms stable or
   better (before and after check-ins present; worst pain rose by at most ``pain_rise_max``
   and is at most ``pain_after_max`` after; no peripheralisation, new numbness or weakness;
   and pain before the next session not more than ``pain_rise_max`` above this one's: the
   traffic light's "4-5 is acceptable if it settles and is not worse the next day").
3. **Hold** otherwise, and always when in doubt: missing check-ins, a session without form
   data (no-camera mode cannot see form), the top of the ladder, a dose a clinician set
   (only a flare moves it, and only down), or a change that starts tomorrow.

Each exercise follows its own evidence; a flare that names no exercise brings every dose
down, so the weakest moment sets the pace.  New doses apply from the next day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from spinecoach.domain.checkin import compare_symptoms
from spinecoach.domain.codes import SYMPTOM_STOP_CODES, StopCode
from spinecoach.domain.dates import local_date
from spinecoach.domain.dose import Dose
from spinecoach.domain.exercises import ExerciseSpec
from spinecoach.domain.programme import ProgressionPolicy
from spinecoach.domain.safety.stops import STOP_PAIN
from spinecoach.domain.thresholds import engine_thresholds
from spinecoach.session.history import SessionHistory, SetHistory
from spinecoach.session.records import (
    CheckIn,
    Prescription,
    SessionStatus,
    StopEventRecord,
)


class Action(StrEnum):
    """What progression does to a dose."""

    UP = "up"
    HOLD = "hold"
    DOWN = "down"


@dataclass(frozen=True)
class Decision:
    """The decision for one exercise; ``new_dose`` is None for ``HOLD``."""

    exercise_id: str
    action: Action
    reason: str
    old_dose: Dose
    new_dose: Dose | None = None


class Verdict(StrEnum):
    """How one session went for one exercise."""

    GOOD = "good"
    NOT_GOOD = "not_good"
    MISSING = "missing"


_FLARE_WORDS: dict[str, str] = {
    StopCode.PAIN_6_OR_MORE: "your pain reached 6 out of 10 or more",
    StopCode.PERIPHERALISATION: "your leg symptoms spread further down your leg",
    StopCode.NEW_NUMBNESS: "you had new numbness",
    StopCode.NEW_WEAKNESS: "you had new weakness",
}


def decide(
    exercise: ExerciseSpec,
    policy: ProgressionPolicy,
    prescription: Prescription,
    history: Sequence[SessionHistory],
    stops: Sequence[StopEventRecord],
    today: date,
) -> Decision:
    """Decide what happens to one exercise's dose (pure)."""
    dose = prescription.dose
    per_side = exercise.reps_per_side
    if prescription.valid_from > today:
        return Decision(exercise.id, Action.HOLD, "Your new dose starts tomorrow.", dose)
    flare = _flare(exercise.id, prescription.valid_from, history, stops)
    if flare is not None:
        lower = exercise.dose.step_down(dose)
        if lower is None:
            reason = (
                f"Because {flare}, we are staying at the easiest dose; please ask your "
                "clinician before carrying on."
            )
            return Decision(exercise.id, Action.HOLD, reason, dose)
        reason = f"Because {flare}, we are easing back to {lower.describe(per_side=per_side)}."
        return Decision(exercise.id, Action.DOWN, reason, dose, lower)
    return _decide_up_or_hold(exercise, policy, prescription, history)


def _decide_up_or_hold(
    exercise: ExerciseSpec,
    policy: ProgressionPolicy,
    prescription: Prescription,
    history: Sequence[SessionHistory],
) -> Decision:
    dose = prescription.dose
    needed = policy.sessions_needed
    relevant = judged_sessions(exercise.id, prescription.valid_from, history, needed)
    verdicts = [_verdict(exercise, policy, dose, h, _next_before(history, h)) for h in relevant]
    hold = "Keeping the same dose: "
    if any(v is Verdict.NOT_GOOD for v, _ in verdicts):
        why = next(text for v, text in reversed(verdicts) if v is Verdict.NOT_GOOD)
        return Decision(exercise.id, Action.HOLD, hold + why, dose)
    if any(v is Verdict.MISSING for v, _ in verdicts):
        why = next(text for v, text in reversed(verdicts) if v is Verdict.MISSING)
        return Decision(exercise.id, Action.HOLD, hold + why, dose)
    if len(verdicts) < needed:
        why = f"{len(verdicts)} of the {needed} good sessions needed at this dose so far."
        return Decision(exercise.id, Action.HOLD, hold + why, dose)
    if (prescription.overridden_by or "").startswith("clinician"):
        why = "your clinician set this dose, so ask them before it goes up."
        return Decision(exercise.id, Action.HOLD, hold + why, dose)
    higher = exercise.dose.step_up(dose)
    if higher is None:
        why = "you are at the top of this programme; ask your physiotherapist what comes next."
        return Decision(exercise.id, Action.HOLD, hold + why, dose)
    new_text = higher.describe(per_side=exercise.reps_per_side)
    reason = (
        f"Your last {needed} sessions of {exercise.name.lower()} went well with good form and "
        f"steady symptoms, so we are moving up to {new_text}."
    )
    return Decision(exercise.id, Action.UP, reason, dose, higher)


def judged_sessions(
    exercise_id: str, valid_from: date, history: Sequence[SessionHistory], needed: int
) -> list[SessionHistory]:
    """The sessions that decide a step up: the last ``needed`` with this exercise at this dose.

    Only their repetitions and holds are read (see ``programme_service.plan_progression``).
    """
    return [h for h in history if h.day >= valid_from and _sets_of(h, exercise_id)][-needed:]


def _sets_of(history: SessionHistory, exercise_id: str) -> list[SetHistory]:
    return [s for s in history.sets if s.record.exercise_id == exercise_id]


def _flare(
    exercise_id: str,
    valid_from: date,
    history: Sequence[SessionHistory],
    stops: Sequence[StopEventRecord],
) -> str | None:
    """Describe the latest flare since ``valid_from`` for this exercise, or None."""
    for stop in sorted(stops, key=lambda s: s.at, reverse=True):
        day = local_date(stop.at)
        if day < valid_from or stop.code not in SYMPTOM_STOP_CODES:
            continue
        if stop.exercise_id in (None, exercise_id):
            return f"{_FLARE_WORDS.get(stop.code, 'your symptoms flared')} on {day:%d %b}"
    for item in reversed(history):
        painful = [
            s
            for s in _sets_of(item, exercise_id)
            if s.record.pain_during is not None and s.record.pain_during >= STOP_PAIN
        ]
        if item.day >= valid_from and painful:
            return f"{_FLARE_WORDS[StopCode.PAIN_6_OR_MORE]} on {item.day:%d %b}"
    return None


def _next_before(history: Sequence[SessionHistory], item: SessionHistory) -> CheckIn | None:
    """The ``before`` check-in of the first later session that has one."""
    later = [h for h in history if h.session.started_at > item.session.started_at and h.before]
    return later[0].before if later else None


def _verdict(
    exercise: ExerciseSpec,
    policy: ProgressionPolicy,
    dose: Dose,
    history: SessionHistory,
    next_before: CheckIn | None,
) -> tuple[Verdict, str]:
    """Judge one session for one exercise; the text completes 'Keeping the same dose: '."""
    day = f"{history.day:%d %b}"
    if history.session.status is not SessionStatus.COMPLETED:
        return Verdict.NOT_GOOD, f"the session on {day} was not completed."
    sets = _sets_of(history, exercise.id)
    done = [s for s in sets if s.record.stop_code is None and _reached_target(exercise, s)]
    if len(done) < dose.sets:
        return Verdict.NOT_GOOD, f"on {day} not every set reached its target."
    if not any(s.reps or s.holds for s in sets):
        return Verdict.MISSING, (
            f"I could not see your form on {day}; do a session with the camera so I can "
            "check it before the dose goes up."
        )
    share = _good_form_share(exercise, policy, sets)
    if share < policy.good_form_share_min:
        return Verdict.NOT_GOOD, f"on {day} only {share:.0%} of your repetitions had good form."
    return _symptom_verdict(policy, history, day, next_before)


def _symptom_verdict(
    policy: ProgressionPolicy, history: SessionHistory, day: str, next_before: CheckIn | None
) -> tuple[Verdict, str]:
    """Stable or better: settled after the session and not worse by the next one."""
    before, after = history.before, history.after
    if before is None or after is None:
        return Verdict.MISSING, (
            f"the check-in before or after the session on {day} is missing, and I only raise "
            "the dose when I know how it went."
        )
    change = compare_symptoms(before.symptoms, after.symptoms)
    if change.worse_nerve_signs:
        return Verdict.NOT_GOOD, f"your leg symptoms were worse after the session on {day}."
    if change.pain_change > policy.pain_rise_max or after.worst_pain > policy.pain_after_max:
        return Verdict.NOT_GOOD, f"your pain was higher after the session on {day}."
    if next_before is not None and (
        next_before.worst_pain - before.worst_pain > policy.pain_rise_max
    ):
        return Verdict.NOT_GOOD, f"your pain was worse the day after the session on {day}."
    return Verdict.GOOD, ""


def _reached_target(exercise: ExerciseSpec, s: SetHistory) -> bool:
    record = s.record
    if record.target_reps is not None:
        return _reps_done(exercise, s) >= record.target_reps
    if record.target_hold_s is not None:
        # The engine's one hold tolerance: a hold it does not flag as short reached it.
        return _hold_done_s(s) >= record.target_hold_s - engine_thresholds().holds.tolerance_s
    return True


def _reps_done(exercise: ExerciseSpec, s: SetHistory) -> int:
    if s.record.reps_done is not None:
        return s.record.reps_done
    if not exercise.reps_per_side:
        return len(s.reps)
    per_side: dict[str | None, int] = {}
    for rep in s.reps:
        per_side[rep.side] = per_side.get(rep.side, 0) + 1
    return min(per_side.values()) if len(per_side) >= 2 else 0


def _hold_done_s(s: SetHistory) -> float:
    if s.record.hold_done_s is not None:
        return s.record.hold_done_s
    return max((h.good_form_s for h in s.holds), default=0.0)


def _good_form_share(
    exercise: ExerciseSpec, policy: ProgressionPolicy, sets: Sequence[SetHistory]
) -> float:
    reps = [rep for s in sets for rep in s.reps]
    if reps:
        return sum(rep.good_form for rep in reps) / len(reps)
    held = [s for s in sets if s.holds]
    reached = [s for s in held if _reached_target(exercise, s)]
    return len(reached) / len(held) if held else 0.0
