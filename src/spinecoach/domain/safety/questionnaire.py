"""The red-flag questionnaire as validated data (``domain/data/screening.toml``).

Every question has an ``id``, the ``text`` the user reads, an answer ``kind`` (``yes_no``,
``number`` or ``choice``), a ``category`` and, unless it only gives context, the outcome a
positive answer ``triggers`` with a plain ``reason``.  Questions marked ``recheck`` form the
short check asked before every session.  The file is checked when it is loaded: unknown keys,
duplicate ids, dangling references and inconsistent kinds raise :class:`ConfigError`.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from spinecoach.domain.safety.outcomes import Outcome
from spinecoach.errors import ConfigError


class AnswerKind(StrEnum):
    """How a question is answered."""

    YES_NO = "yes_no"
    NUMBER = "number"
    CHOICE = "choice"


class Category(StrEnum):
    """What kind of danger sign a question asks about."""

    CAUDA_EQUINA = "cauda_equina"
    NEURO_DEFICIT = "neuro_deficit"
    CANCER = "cancer"
    INFECTION = "infection"
    FRACTURE = "fracture"
    OTHER = "other"


class Question(BaseModel):
    """One screening question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    kind: AnswerKind
    category: Category
    recheck: bool = False
    triggers: Outcome | None = None
    reason: str | None = None
    min: float | None = None
    max: float | None = None
    positive_above: float | None = None
    only_with: str | None = None
    choices: dict[str, str] | None = None
    positive_choices: tuple[str, ...] = ()
    clears: Outcome | None = None

    @model_validator(mode="after")
    def _check_kind_fields(self) -> Question:
        number_only = (self.min, self.max, self.positive_above, self.only_with)
        if self.kind is not AnswerKind.NUMBER and any(v is not None for v in number_only):
            raise ValueError("min/max/positive_above/only_with are for number questions")
        if self.kind is AnswerKind.NUMBER and (self.min is None or self.max is None):
            raise ValueError("a number question needs min and max")
        if self.kind is AnswerKind.CHOICE:
            if not self.choices:
                raise ValueError("a choice question needs choices")
            unknown = set(self.positive_choices) - set(self.choices)
            if unknown:
                raise ValueError(f"positive_choices not among choices: {sorted(unknown)}")
        elif self.choices is not None or self.positive_choices:
            raise ValueError("choices are for choice questions")
        return self

    @model_validator(mode="after")
    def _check_outcome_fields(self) -> Question:
        if self.triggers is Outcome.OK:
            raise ValueError("triggers must be an outcome other than ok")
        if self.triggers is not None and not self.reason:
            raise ValueError("a question that triggers an outcome needs a reason")
        if self.clears is not None:
            if self.clears is not Outcome.URGENT_REVIEW:
                raise ValueError("only urgent_review can be cleared by an answer")
            if self.kind is not AnswerKind.YES_NO or self.triggers is not None:
                raise ValueError("a clearing question is a yes_no question that triggers nothing")
        if self.kind is AnswerKind.NUMBER and self.triggers and self.positive_above is None:
            raise ValueError("a number question that triggers needs positive_above")
        if self.kind is AnswerKind.CHOICE and self.triggers and not self.positive_choices:
            raise ValueError("a choice question that triggers needs positive_choices")
        return self


class Questionnaire(BaseModel):
    """The whole questionnaire; ``recheck_questions`` is the short per-session check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    questions: tuple[Question, ...]

    @model_validator(mode="after")
    def _check_references(self) -> Questionnaire:
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate question ids: {duplicates}")
        by_id = {q.id: q for q in self.questions}
        for question in self.questions:
            if question.only_with is None:
                continue
            other = by_id.get(question.only_with)
            if other is None or other.kind is not AnswerKind.YES_NO:
                raise ValueError(
                    f"{question.id}: only_with must name a yes_no question, "
                    f"not {question.only_with!r}"
                )
            if question.recheck and not other.recheck:
                raise ValueError(f"{question.id}: only_with question must be in the re-check too")
        if not any(q.recheck for q in self.questions):
            raise ValueError("no question is marked recheck")
        return self

    def question(self, question_id: str) -> Question | None:
        """Return the question with this id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)

    def recheck_questions(self) -> tuple[Question, ...]:
        """Return the short per-session re-check."""
        return tuple(q for q in self.questions if q.recheck)

    def to_json(self, *, recheck: bool = False) -> dict[str, Any]:
        """The questions a client shows (the full screening, or the re-check) as JSON data.

        Each question has ``id``, ``text``, ``kind``, ``category`` and ``recheck``; number
        questions add ``min`` / ``max`` and choice questions ``choices`` (id -> text).  Answers
        go back as ``{"answers": {id: value}}``.
        """
        questions = self.recheck_questions() if recheck else self.questions
        return {
            "version": self.version,
            "answer_format": {"answers": {"<question id>": "true/false, a number or a choice"}},
            "questions": [public_question(q) for q in questions],
        }


def public_question(question: Question) -> dict[str, Any]:
    """One question as JSON data (see :meth:`Questionnaire.to_json`)."""
    out: dict[str, Any] = {
        "id": question.id,
        "text": question.text,
        "kind": question.kind.value,
        "category": question.category.value,
        "recheck": question.recheck,
    }
    if question.kind is AnswerKind.NUMBER:
        out |= {"min": question.min, "max": question.max}
    if question.choices:
        out["choices"] = dict(question.choices)
    return out


def parse_questionnaire(data: dict[str, Any], source: str) -> Questionnaire:
    """Validate questionnaire data; raise :class:`ConfigError` naming ``source`` if bad."""
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid questionnaire {source}: {exc}") from exc


def load_questionnaire(path: Path | None = None) -> Questionnaire:
    """Load the questionnaire from ``path`` or the one shipped with spinecoach."""
    if path is None:
        return _shipped_questionnaire()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read questionnaire {path}: {exc}") from exc
    return parse_questionnaire(data, str(path))


@cache
def _shipped_questionnaire() -> Questionnaire:
    text = resources.files("spinecoach.domain").joinpath("data/screening.toml").read_text("utf-8")
    return parse_questionnaire(tomllib.loads(text), "screening.toml")
