"""Red-flag screening: each flag alone gives its outcome, combinations the most urgent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spinecoach.domain.safety.outcomes import Outcome
from spinecoach.domain.safety.questionnaire import (
    AnswerKind,
    Category,
    Questionnaire,
    load_questionnaire,
    parse_questionnaire,
)
from spinecoach.domain.safety.screening import (
    CLEARED_PREFIX,
    AnswerValue,
    evaluate,
    validate_answers,
)
from spinecoach.errors import ConfigError, InputError


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return load_questionnaire()


def all_clear(q: Questionnaire, *, recheck: bool = False) -> dict[str, AnswerValue]:
    """Answers with no warning sign."""
    answers: dict[str, AnswerValue] = {}
    for question in q.recheck_questions() if recheck else q.questions:
        if question.kind is AnswerKind.YES_NO:
            answers[question.id] = False
        elif question.kind is AnswerKind.NUMBER:
            answers[question.id] = 40
        else:
            answers[question.id] = "gradually"
    return answers


# (changes to the all-clear answers, expected outcome, expected flag)
SCENARIOS: list[tuple[dict[str, AnswerValue], Outcome, str]] = [
    ({"bladder_change": True}, Outcome.EMERGENCY, "bladder_change"),
    ({"bowel_change": True}, Outcome.EMERGENCY, "bowel_change"),
    ({"saddle_numbness": True}, Outcome.EMERGENCY, "saddle_numbness"),
    ({"both_legs_sciatica": True}, Outcome.EMERGENCY, "both_legs_sciatica"),
    ({"both_legs_weakness": True}, Outcome.EMERGENCY, "both_legs_weakness"),
    ({"sexual_change": True}, Outcome.EMERGENCY, "sexual_change"),
    ({"foot_drop": True}, Outcome.SAME_DAY, "foot_drop"),
    ({"weakness_worsening": True}, Outcome.SAME_DAY, "weakness_worsening"),
    ({"age_years": 62, "new_onset": True}, Outcome.URGENT_REVIEW, "age_years"),
    ({"cancer_history": True}, Outcome.URGENT_REVIEW, "cancer_history"),
    ({"weight_loss": True}, Outcome.URGENT_REVIEW, "weight_loss"),
    ({"night_pain": True}, Outcome.URGENT_REVIEW, "night_pain"),
    ({"no_improvement": True}, Outcome.URGENT_REVIEW, "no_improvement"),
    ({"fever": True}, Outcome.URGENT_REVIEW, "fever"),
    ({"immune_weakened": True}, Outcome.URGENT_REVIEW, "immune_weakened"),
    ({"injected_drugs": True}, Outcome.URGENT_REVIEW, "injected_drugs"),
    ({"pain_start": "fall_or_accident"}, Outcome.URGENT_REVIEW, "pain_start"),
    ({"recent_fall": True}, Outcome.URGENT_REVIEW, "recent_fall"),
    ({"osteoporosis": True}, Outcome.URGENT_REVIEW, "osteoporosis"),
    ({"long_term_steroids": True}, Outcome.URGENT_REVIEW, "long_term_steroids"),
]


@pytest.mark.parametrize(("changes", "outcome", "flag"), SCENARIOS)
def test_each_red_flag_alone(
    questionnaire: Questionnaire, changes: dict[str, AnswerValue], outcome: Outcome, flag: str
) -> None:
    answers = all_clear(questionnaire) | changes
    result = evaluate(questionnaire, validate_answers(questionnaire, answers, recheck=False))
    assert result.outcome is outcome
    assert result.flags == (flag,)
    assert len(result.reasons) == 1
    assert outcome.blocks_exercise


def test_every_triggering_question_is_in_the_table(questionnaire: Questionnaire) -> None:
    triggering = {q.id for q in questionnaire.questions if q.triggers is not None}
    assert triggering == {flag for _, _, flag in SCENARIOS}


def test_no_flags_is_ok(questionnaire: Questionnaire) -> None:
    result = evaluate(questionnaire, all_clear(questionnaire))
    assert result.outcome is Outcome.OK
    assert result.reasons == ()
    assert not Outcome.OK.blocks_exercise
    assert "does not replace a clinician" in result.advice


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"saddle_numbness": True, "foot_drop": True}, Outcome.EMERGENCY),
        ({"fever": True, "bladder_change": True, "cancer_history": True}, Outcome.EMERGENCY),
        ({"foot_drop": True, "osteoporosis": True}, Outcome.SAME_DAY),
        ({"weight_loss": True, "night_pain": True}, Outcome.URGENT_REVIEW),
    ],
)
def test_combinations_give_the_most_urgent(
    questionnaire: Questionnaire, changes: dict[str, AnswerValue], outcome: Outcome
) -> None:
    result = evaluate(questionnaire, all_clear(questionnaire) | changes)
    assert result.outcome is outcome
    assert set(result.flags) == set(changes)
    # reasons are ordered most urgent first
    first = questionnaire.question(result.flags[0])
    assert first is not None and first.triggers is outcome


def test_emergency_advice_says_emergency_department() -> None:
    assert "emergency department now" in Outcome.EMERGENCY.advice
    assert "today" in Outcome.SAME_DAY.advice


def test_age_over_50_counts_only_at_new_onset(questionnaire: Questionnaire) -> None:
    old_not_new = all_clear(questionnaire) | {"age_years": 70, "new_onset": False}
    assert evaluate(questionnaire, old_not_new).outcome is Outcome.OK
    fifty = all_clear(questionnaire) | {"age_years": 50, "new_onset": True}
    assert evaluate(questionnaire, fifty).outcome is Outcome.OK
    fifty_one = all_clear(questionnaire) | {"age_years": 51, "new_onset": True}
    assert evaluate(questionnaire, fifty_one).outcome is Outcome.URGENT_REVIEW


def test_clinician_clearance_lifts_urgent_review_only(questionnaire: Questionnaire) -> None:
    cleared = all_clear(questionnaire) | {"cancer_history": True, "clinician_cleared": True}
    result = evaluate(questionnaire, cleared)
    assert result.outcome is Outcome.OK
    assert result.flags == ()
    assert result.reasons[0].startswith(CLEARED_PREFIX)
    not_for_emergency = cleared | {"saddle_numbness": True, "foot_drop": True}
    assert evaluate(questionnaire, not_for_emergency).outcome is Outcome.EMERGENCY
    same_day = cleared | {"foot_drop": True}
    assert evaluate(questionnaire, same_day).outcome is Outcome.SAME_DAY


def test_recheck_is_short_and_covers_cauda_equina(questionnaire: Questionnaire) -> None:
    recheck = questionnaire.recheck_questions()
    assert len(recheck) < len(questionnaire.questions)
    cauda = {q.id for q in questionnaire.questions if q.category is Category.CAUDA_EQUINA}
    assert cauda <= {q.id for q in recheck}
    answers = all_clear(questionnaire, recheck=True) | {"both_legs_weakness": True}
    typed = validate_answers(questionnaire, answers, recheck=True)
    assert evaluate(questionnaire, typed).outcome is Outcome.EMERGENCY


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nonsense_id": True}, "unknown question id 'nonsense_id'"),
        ({"fever": "maybe"}, "fever: expected true or false"),
        ({"fever": 1}, "fever: expected true or false"),
        ({"age_years": "sixty"}, "age_years: expected a number"),
        ({"age_years": True}, "age_years: expected a number"),
        ({"age_years": 300}, "age_years: expected a number from 16 to 120"),
        ({"age_years": float("nan")}, "age_years: expected a number"),
        ({"pain_start": "skiing"}, "pain_start: expected one of"),
    ],
)
def test_bad_answers_name_the_field(
    questionnaire: Questionnaire, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        validate_answers(questionnaire, all_clear(questionnaire) | changes, recheck=False)


def test_missing_answer_is_named(questionnaire: Questionnaire) -> None:
    answers = all_clear(questionnaire)
    del answers["fever"]
    with pytest.raises(InputError, match="fever: missing answer"):
        validate_answers(questionnaire, answers, recheck=False)


def test_recheck_rejects_full_only_questions(questionnaire: Questionnaire) -> None:
    answers = all_clear(questionnaire, recheck=True) | {"cancer_history": False}
    with pytest.raises(InputError, match="unknown question id 'cancer_history'"):
        validate_answers(questionnaire, answers, recheck=True)


def _minimal(**question: Any) -> dict[str, Any]:
    base = {"id": "q", "text": "?", "kind": "yes_no", "category": "other", "recheck": True}
    return {"version": "t", "questions": [base | question]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_minimal(colour="red"), "colour"),
        (_minimal(category="tummy"), "category"),
        (_minimal(kind="slider"), "kind"),
        (_minimal(triggers="emergency"), "needs a reason"),
        (_minimal(triggers="ok", reason="r"), "other than ok"),
        (_minimal(kind="number", min=0), "needs min and max"),
        (_minimal(kind="choice"), "needs choices"),
        (_minimal(min=1, max=2), "are for number questions"),
        (_minimal(clears="emergency"), "only urgent_review"),
        (_minimal(recheck=False), "no question is marked recheck"),
    ],
)
def test_bad_questionnaire_is_a_config_error(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_questionnaire(data, "test")


def test_duplicate_ids_and_dangling_only_with() -> None:
    q = {"id": "q", "text": "?", "kind": "yes_no", "category": "other", "recheck": True}
    with pytest.raises(ConfigError, match="duplicate"):
        parse_questionnaire({"version": "t", "questions": [q, q]}, "t")
    n = {
        "id": "n",
        "text": "?",
        "kind": "number",
        "category": "cancer",
        "min": 0,
        "max": 9,
        "only_with": "missing",
    }
    with pytest.raises(ConfigError, match="only_with"):
        parse_questionnaire({"version": "t", "questions": [q, n]}, "t")


def test_load_from_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "q.toml"
    bad.write_text("version = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read questionnaire"):
        load_questionnaire(bad)
    bad.write_text('version = "1"\nquestions = []\nextra = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="extra"):
        load_questionnaire(bad)
