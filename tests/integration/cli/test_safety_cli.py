"""``spinecoach screen`` / ``checkin`` / ``today`` through ``spinecoach.cli.main``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from spinecoach.cli import main, safety_cmds
from spinecoach.domain.safety.questionnaire import AnswerKind, load_questionnaire
from spinecoach.session import services
from spinecoach.session.in_memory import InMemoryRepository

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def repo(monkeypatch: pytest.MonkeyPatch) -> InMemoryRepository:
    fake = InMemoryRepository()
    monkeypatch.setattr(safety_cmds, "open_repository", lambda: fake)
    return fake


def clear_answers(*, recheck: bool = False) -> dict[str, Any]:
    q = load_questionnaire()
    answers: dict[str, Any] = {}
    for question in q.recheck_questions() if recheck else q.questions:
        if question.kind is AnswerKind.YES_NO:
            answers[question.id] = False
        elif question.kind is AnswerKind.NUMBER:
            answers[question.id] = 45
        else:
            answers[question.id] = "gradually"
    return answers


def write(tmp_path: Path, data: Any, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_questions_json_lists_id_text_kind_category(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--questions"]) == 0
    data = json.loads(capsys.readouterr().out)
    questions = data["questions"]
    assert len(questions) == len(load_questionnaire().questions)
    categories = {"cauda_equina", "neuro_deficit", "cancer", "infection", "fracture", "other"}
    for question in questions:
        assert {"id", "text", "kind", "category"} <= set(question)
        assert question["kind"] in {"yes_no", "number", "choice"}
        assert question["category"] in categories
    assert {q["category"] for q in questions} == categories
    assert main(["screen", "--questions", "--recheck"]) == 0
    short = json.loads(capsys.readouterr().out)["questions"]
    assert 0 < len(short) < len(questions)


def test_good_answers_file_gives_ok_json(
    repo: InMemoryRepository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, {"answers": clear_answers()})
    assert main(["screen", "--answers", path, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["outcome"] == "ok" and out["blocks_exercise"] is False
    user = repo.find_user(services.DEFAULT_USER_NAME)
    assert user is not None and user.id is not None
    latest = repo.latest_screening(user.id)
    assert latest is not None and latest.outcome.value == "ok"


def test_emergency_answers_exit_4_and_block_today(
    repo: InMemoryRepository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = clear_answers() | {"saddle_numbness": True, "fever": True}
    path = write(tmp_path, {"answers": answers})
    assert main(["screen", "--answers", path, "--json", "--user", "bob"]) == 4
    out = json.loads(capsys.readouterr().out)
    assert out["outcome"] == "emergency"
    assert "emergency department now" in out["advice"]
    assert out["flags"] == ["saddle_numbness", "fever"]
    assert main(["today", "--user", "bob"]) == 4
    text = capsys.readouterr().out
    assert "emergency department now" in text
    assert main(["today", "--user", "bob", "--json"]) == 4
    plan = json.loads(capsys.readouterr().out)
    assert plan["blocked"] is True and plan["exercises"] == []


def test_plain_output_names_reasons(
    repo: InMemoryRepository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, {"answers": clear_answers() | {"foot_drop": True}})
    assert main(["screen", "--answers", path]) == 4
    out = capsys.readouterr().out
    assert "Contact a doctor today." in out
    assert "foot drop" in out
    assert "does not replace a clinician" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", 'expected {"answers"'),
        ({"answer": {}}, 'expected {"answers"'),
        ({"answers": [1]}, "'answers' must be an object"),
        ({"answers": {}, "extra": 1}, "unknown key 'extra'"),
        ({"answers": clear_answers() | {"nonsense": True}}, "unknown question id 'nonsense'"),
        ({"answers": clear_answers() | {"fever": "yes"}}, "fever: expected true or false"),
        ({"answers": clear_answers() | {"age_years": "old"}}, "age_years: expected a number"),
        ({"answers": clear_answers() | {"pain_start": "x"}}, "pain_start: expected one of"),
        ({"answers": {"fever": False}}, "bladder_change: missing answer"),
    ],
)
def test_malformed_answers_file_exit_2_naming_the_field(
    repo: InMemoryRepository,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: Any,
    message: str,
) -> None:
    path = write(tmp_path, content)
    assert main(["screen", "--answers", path]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("spinecoach: error:")
    assert all(
        not repo.screenings(u.id or 0) for u in [repo.find_user(services.DEFAULT_USER_NAME)] if u
    )


def test_missing_answers_file(
    repo: InMemoryRepository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["screen", "--answers", str(tmp_path / "nope.json")]) == 2
    assert "cannot read answers file" in capsys.readouterr().err


def test_interactive_screen_reasks_until_valid(
    repo: InMemoryRepository, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = load_questionnaire().recheck_questions()
    lines = ["maybe", "no"] + ["n"] * (len(questions) - 1)
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["screen", "--recheck"]) == 0
    out = capsys.readouterr().out
    assert out.count("Sorry, I did not understand that") == 1
    assert "No warning signs." in out


def test_interactive_full_screen_number_and_choice(
    repo: InMemoryRepository, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = []
    for question in load_questionnaire().questions:
        if question.kind is AnswerKind.NUMBER:
            lines += ["two hundred", "500", "62"]  # two bad answers, then a good one
        elif question.kind is AnswerKind.CHOICE:
            lines += ["sledging", "fall_or_accident"]
        elif question.id == "new_onset":
            lines.append("yes")
        else:
            lines.append("no")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["screen", "--json"]) == 4
    out = capsys.readouterr().out
    assert out.count("Sorry") == 3
    result = json.loads(out[out.index("{") :])
    assert result["outcome"] == "urgent_review"
    assert set(result["flags"]) == {"age_years", "pain_start"}


def test_interactive_screen_end_of_input_is_an_input_error(
    repo: InMemoryRepository, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("no\n"))
    assert main(["screen", "--recheck"]) == 2
    assert "end of input" in capsys.readouterr().err


def test_checkin_flags_and_stop(
    repo: InMemoryRepository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["screen", "--answers", write(tmp_path, {"answers": clear_answers()})])
    capsys.readouterr()
    base = [
        "checkin",
        "--back-pain",
        "2",
        "--leg-pain",
        "1",
        "--where",
        "buttock",
        "--numbness",
        "no",
        "--tingling",
        "no",
        "--weakness",
        "no",
    ]
    assert main(base) == 0
    assert "Pain 0 to 3 is fine" in capsys.readouterr().out
    during = [
        "checkin",
        "--when",
        "during",
        "--exercise",
        "plank",
        "--back-pain",
        "7",
        "--leg-pain",
        "2",
        "--where",
        "foot",
        "--numbness",
        "no",
        "--tingling",
        "no",
        "--weakness",
        "no",
        "--json",
    ]
    assert main(during) == 4
    out = json.loads(capsys.readouterr().out)
    assert out["peripheralised"] is True
    assert {s["code"] for s in out["stops"]} == {"pain_6_or_more", "peripheralisation"}
    assert main(["today", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    stopped = [e["id"] for e in plan["exercises"] if e["stopped"]]
    assert stopped == ["plank"]


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--back-pain", "11", "back_pain: expected a whole number from 0 to 10, got '11'"),
        ("--leg-pain", "x", "leg_pain: expected a whole number"),
        ("--where", "elbow", "furthest_symptom: expected one of"),
        ("--numbness", "perhaps", "numbness: expected yes or no"),
    ],
)
def test_checkin_bad_flags_exit_2(
    repo: InMemoryRepository,
    capsys: pytest.CaptureFixture[str],
    flag: str,
    value: str,
    message: str,
) -> None:
    args = {
        "--back-pain": "2",
        "--leg-pain": "1",
        "--where": "back",
        "--numbness": "no",
        "--tingling": "no",
        "--weakness": "no",
    } | {flag: value}
    argv = ["checkin"] + [item for pair in args.items() for item in pair]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_checkin_interactive_reasks(
    repo: InMemoryRepository, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = ["12", "3", "2", "knee", "thigh", "no", "no", "no"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(answers) + "\n"))
    assert main(["checkin"]) == 0
    out = capsys.readouterr().out
    assert out.count("Sorry") == 2
    user = repo.find_user(services.DEFAULT_USER_NAME)
    assert user is not None
    [saved] = repo.checkins(user.id or 0)
    assert (saved.back_pain, saved.leg_pain, saved.furthest_symptom.value) == (3, 2, "thigh")


def test_today_asks_for_the_daily_recheck_and_lists_doses(
    repo: InMemoryRepository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["today"]) == 4
    assert "safety questions before your first session" in capsys.readouterr().out
    main(["screen", "--answers", write(tmp_path, {"answers": clear_answers()})])
    capsys.readouterr()
    assert main(["today", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    doses = {e["id"]: e["dose"] for e in plan["exercises"]}
    assert doses["plank"] == "3 holds of 10 s"
    assert doses["hip-hinge"] == "2 sets of 6 per side"
    assert all(e["reason"] for e in plan["exercises"])


def test_real_database_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The handlers against the storage adapter (SQLite in a temporary data directory)."""
    pytest.importorskip("spinecoach.storage.repository")
    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SPINECOACH_DATABASE_URL", raising=False)
    answers = write(tmp_path, {"answers": clear_answers() | {"cancer_history": True}})
    assert main(["screen", "--answers", answers, "--json"]) == 4
    capsys.readouterr()
    assert main(["today"]) == 4
    assert "before you start these exercises" in capsys.readouterr().out
    cleared = clear_answers() | {"cancer_history": True, "clinician_cleared": True}
    assert main(["screen", "--answers", write(tmp_path, {"answers": cleared}, "b.json")]) == 0
    capsys.readouterr()
    assert main(["today", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["exercises"]) == 4


def test_subprocess_questions() -> None:
    exe = ROOT / ".venv" / "bin" / "spinecoach"
    if not exe.exists():
        pytest.skip("no .venv/bin/spinecoach")
    done = subprocess.run(
        [str(exe), "screen", "--questions"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["questions"][0]["id"] == "bladder_change"
    assert data["questions"][0]["kind"] == "yes_no"
    assert data["questions"][0]["category"] == "cauda_equina"


def test_checkin_during_needs_a_known_exercise(
    repo: InMemoryRepository, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["checkin", "--when", "during"]) == 2
    assert "--exercise" in capsys.readouterr().err
    argv = [
        "checkin",
        "--when",
        "during",
        "--exercise",
        "yoga",
        "--back-pain",
        "1",
        "--leg-pain",
        "1",
        "--where",
        "back",
        "--numbness",
        "no",
        "--tingling",
        "no",
        "--weakness",
        "no",
    ]
    assert main(argv) == 2
    assert "unknown exercise 'yoga'" in capsys.readouterr().err
