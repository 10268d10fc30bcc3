"""Red-flag screening rules: check the answers, then find the most urgent outcome.

Pure functions over a :class:`~spinecoach.domain.safety.questionnaire.Questionnaire`:

- :func:`validate_answers` turns raw answers (parsed JSON, a web form) into typed answers or
  raises :class:`~spinecoach.errors.InputError` naming every bad field;
- :func:`evaluate` gives the :class:`ScreeningResult`: the most urgent outcome triggered by any
  positive answer (emergency > same_day > urgent_review > ok), the reasons (most urgent first)
  and the advice.  A "yes" to a clearing question (a clinician has already checked these
  signs) stops ``urgent_review`` signs from blocking; it never clears ``same_day`` or
  ``emergency``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from spinecoach.domain.safety.outcomes import Outcome, most_urgent
from spinecoach.domain.safety.questionnaire import AnswerKind, Question, Questionnaire
from spinecoach.errors import InputError

AnswerValue = bool | int | float | str

CLEARED_PREFIX = "Already checked by your clinician: "


@dataclass(frozen=True)
class ScreeningResult:
    """The outcome of one screening.

    Attributes
    ----------
    outcome
        The most urgent outcome triggered.
    reasons
        One sentence per positive answer, most urgent first; answers cleared by a clinician
        are listed last, prefixed with :data:`CLEARED_PREFIX`.
    flags
        Ids of the questions that set the outcome.
    """

    outcome: Outcome
    reasons: tuple[str, ...]
    flags: tuple[str, ...]

    @property
    def advice(self) -> str:
        """Plain advice for the outcome."""
        return self.outcome.advice


def asked_questions(questionnaire: Questionnaire, *, recheck: bool) -> tuple[Question, ...]:
    """Return the questions of the full screening or of the short re-check."""
    return questionnaire.recheck_questions() if recheck else questionnaire.questions


def validate_answers(
    questionnaire: Questionnaire, raw: Mapping[str, object], *, recheck: bool
) -> dict[str, AnswerValue]:
    """Check raw answers against the questions; return them typed.

    Raises
    ------
    InputError
        Listing each unknown question id, missing answer and wrong value, by question id.
    """
    asked = {q.id: q for q in asked_questions(questionnaire, recheck=recheck)}
    problems = [f"unknown question id {key!r}" for key in raw if key not in asked]
    answers: dict[str, AnswerValue] = {}
    for question_id, question in asked.items():
        if question_id not in raw:
            problems.append(f"{question_id}: missing answer")
            continue
        try:
            answers[question_id] = parse_answer(question, raw[question_id])
        except InputError as exc:
            problems.append(str(exc))
    if problems:
        raise InputError("bad screening answers: " + "; ".join(problems))
    return answers


def parse_answer(question: Question, value: object) -> AnswerValue:
    """Check one answer; raise :class:`InputError` that names the question when it is wrong."""
    if question.kind is AnswerKind.YES_NO:
        if isinstance(value, bool):
            return value
        raise InputError(f"{question.id}: expected true or false (yes or no), got {value!r}")
    if question.kind is AnswerKind.NUMBER:
        return _parse_number(question, value)
    choices = question.choices or {}
    if isinstance(value, str) and value in choices:
        return value
    raise InputError(f"{question.id}: expected one of {sorted(choices)}, got {value!r}")


def _parse_number(question: Question, value: object) -> int | float:
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))):
        raise InputError(f"{question.id}: expected a number, got {_shown(value)}")
    low, high = question.min, question.max
    if (low is not None and value < low) or (high is not None and value > high):
        raise InputError(f"{question.id}: expected a number from {low:g} to {high:g}, "
                         f"got {_shown(value)}")
    return value


def _shown(value: object, limit: int = 40) -> str:
    """A value for a message, cut short (an integer of 400 digits is not worth echoing)."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**limit \
        else "a number too large to be an answer"
    return text if len(text) <= limit else text[:limit] + "..."


def is_positive(question: Question, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether the answer to ``question`` is a warning sign (context included)."""
    value = answers.get(question.id)
    if value is None or question.triggers is None:
        return False
    if question.kind is AnswerKind.YES_NO:
        return value is True
    if question.kind is AnswerKind.CHOICE:
        return value in question.positive_choices
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    above = question.positive_above
    if above is None or value <= above:
        return False
    return question.only_with is None or answers.get(question.only_with) is True


def evaluate(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> ScreeningResult:
    """Return the most urgent outcome of the answers, with reasons (most urgent first)."""
    positives = [q for q in questionnaire.questions if is_positive(q, answers)]
    cleared_levels = {
        q.clears for q in questionnaire.questions if q.clears and answers.get(q.id) is True
    }
    counted = [q for q in positives if q.triggers not in cleared_levels]
    cleared = [q for q in positives if q.triggers in cleared_levels]
    counted.sort(key=lambda q: -(q.triggers or Outcome.OK).urgency)
    outcome = most_urgent([q.triggers for q in counted if q.triggers is not None])
    reasons = [q.reason or q.id for q in counted]
    reasons += [CLEARED_PREFIX + (q.reason or q.id) for q in cleared]
    return ScreeningResult(
        outcome=outcome, reasons=tuple(reasons), flags=tuple(q.id for q in counted)
    )
