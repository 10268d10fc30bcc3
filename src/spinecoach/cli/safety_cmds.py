"""``spinecoach screen``, ``spinecoach checkin`` and ``spinecoach today``.

Thin: each handler reads input, calls one use case of :mod:`spinecoach.session.services` and
writes the result.  Interactive prompts validate each answer and ask again; files and flags
that are wrong raise :class:`~spinecoach.errors.InputError` (exit code 2) naming the field.
``screen`` and ``checkin`` exit with 4 when the result blocks or stops exercise, and
``today`` exits with 4 when exercise is blocked today.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from spinecoach.cli import command
from spinecoach.domain.checkin import CheckInWhen, parse_flag, parse_location, parse_pain
from spinecoach.domain.dates import local_date
from spinecoach.domain.safety.outcomes import NOT_A_CLINICIAN, Outcome
from spinecoach.domain.safety.questionnaire import AnswerKind, Question, load_questionnaire
from spinecoach.domain.safety.screening import AnswerValue, asked_questions, parse_answer
from spinecoach.errors import InputError
from spinecoach.session import accounts, services
from spinecoach.session.records import ScreeningKind, User

if TYPE_CHECKING:
    from spinecoach.session.repository import Repository

EXIT_BLOCKED = 4
_T = TypeVar("_T")


def open_repository() -> Repository:
    """Open the configured database (tests replace this function)."""
    from spinecoach.settings import load_settings
    from spinecoach.storage import open_repository as open_sql

    return open_sql(load_settings())


def _now() -> datetime:
    return datetime.now(UTC)


def _user(repo: Repository, name: str | None) -> User:
    user = accounts.record_owner(repo, name, _now())
    if user.id is None:  # pragma: no cover - a repository always returns ids
        raise InputError("user: the database gave no id")
    return user


def _write(text: str) -> None:
    sys.stdout.write(text + "\n")


def _ask(prompt: str, parse: Callable[[str], _T], stream: TextIO | None = None) -> _T:
    """Ask until ``parse`` accepts the answer; end of input raises InputError."""
    source = stream or sys.stdin
    while True:
        sys.stdout.write(prompt + " ")
        sys.stdout.flush()
        line = source.readline()
        if not line:
            raise InputError("no answer given (end of input)")
        try:
            return parse(line.strip())
        except InputError as exc:
            detail = str(exc).split(": ", 1)[-1]  # drop the field name: the user knows it
            _write(f"  Sorry, I did not understand that ({detail}). Please try again.")


def _add_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="NAME", help="whose data (default: the first account)")


# --- screen -----------------------------------------------------------------------------


def _configure_screen(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--answers",
        metavar="FILE.json",
        type=Path,
        help='answers as {"answers": {question id: value}} instead of questions',
    )
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    p.add_argument(
        "--questions", action="store_true", help="print the questionnaire as JSON and exit"
    )
    p.add_argument(
        "--recheck", action="store_true", help="the short check asked before every session"
    )
    _add_user(p)


@command(
    "screen",
    "Answer the safety questions (red flags) before exercising. Exit code 4 when the answers "
    "pause exercise.",
    _configure_screen,
)
def screen(args: argparse.Namespace) -> int:
    """Run the red-flag screening."""
    questionnaire = load_questionnaire()
    if args.questions:
        _write(json.dumps(questionnaire.to_json(recheck=args.recheck), indent=2))
        return 0
    repo = open_repository()
    user = _user(repo, args.user)
    if args.answers is not None:
        answers = read_answers_file(args.answers)
    else:
        answers = _ask_questions(asked_questions(questionnaire, recheck=args.recheck))
    kind = ScreeningKind.RECHECK if args.recheck else ScreeningKind.FULL
    record = services.run_screening(repo, user.id or 0, answers, kind=kind, now=_now())
    if args.json:
        _write(json.dumps(services.outcome_summary(record), indent=2))
    else:
        _print_outcome(record.outcome, record.reasons)
    return 0 if record.outcome is Outcome.OK else EXIT_BLOCKED


def read_answers_file(path: Path) -> dict[str, object]:
    """Read ``{"answers": {id: value}}``; raise InputError naming what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read answers file {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"answers file {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or "answers" not in data:
        raise InputError(f'answers file {path}: expected {{"answers": {{question id: value}}}}')
    extra = sorted(key for key in data if key != "answers")
    if extra:
        raise InputError(f"answers file {path}: unknown key {extra[0]!r}")
    answers = data["answers"]
    if not isinstance(answers, dict):
        raise InputError(f"answers file {path}: 'answers' must be an object of id: value")
    return answers


def _ask_questions(questions: tuple[Question, ...]) -> dict[str, object]:
    _write("A few safety questions. Please answer honestly; they keep you safe.")
    answers: dict[str, object] = {}
    for number, question in enumerate(questions, start=1):
        hint = _answer_hint(question)
        answers[question.id] = _ask(
            f"{number}/{len(questions)}. {question.text} {hint}",
            partial(_parse_typed, question),
        )
    return answers


def _answer_hint(question: Question) -> str:
    if question.kind is AnswerKind.YES_NO:
        return "[yes/no]"
    if question.kind is AnswerKind.NUMBER:
        return f"[{question.min:g}-{question.max:g}]"
    return (
        "[" + ", ".join(f"{key} = {text}" for key, text in (question.choices or {}).items()) + "]"
    )


def _parse_typed(question: Question, text: str) -> AnswerValue:
    """Turn typed text into an answer of the question's kind, then validate it."""
    value: object = text
    if question.kind is AnswerKind.YES_NO:
        value = parse_flag(question.id, text)
    elif question.kind is AnswerKind.NUMBER:
        try:
            value = float(text) if "." in text else int(text)
        except ValueError:
            value = text
    return parse_answer(question, value)


def _print_outcome(outcome: Outcome, reasons: tuple[str, ...]) -> None:
    headline = {
        Outcome.EMERGENCY: "EMERGENCY: go to an emergency department now.",
        Outcome.SAME_DAY: "Contact a doctor today.",
        Outcome.URGENT_REVIEW: "See a clinician before exercising.",
        Outcome.OK: "No warning signs.",
    }[outcome]
    _write(headline)
    for reason in reasons:
        _write(f"  - {reason}")
    _write(outcome.advice)
    if outcome is not Outcome.OK:
        _write(NOT_A_CLINICIAN)


# --- checkin ----------------------------------------------------------------------------

_WHERE = "none, back, buttock, thigh, below_knee or foot"


def _configure_checkin(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--when",
        choices=[w.value for w in CheckInWhen],
        default="before",
        help="before, during or after a session (default: before)",
    )
    p.add_argument("--exercise", metavar="ID", help="the exercise (needed with --when during)")
    p.add_argument("--session", type=int, metavar="ID", help="the session this belongs to")
    p.add_argument("--back-pain", metavar="0-10", help="back pain now, 0 to 10")
    p.add_argument("--leg-pain", metavar="0-10", help="leg pain now, 0 to 10")
    p.add_argument("--where", metavar="PLACE", help=f"furthest symptom: {_WHERE}")
    for flag in ("numbness", "tingling", "weakness"):
        p.add_argument(f"--{flag}", metavar="yes/no", help=f"any {flag} now?")
    p.add_argument("--note", default="", help="anything else worth noting")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    _add_user(p)


_CHECKIN_PROMPTS: tuple[tuple[str, str, str, Callable[[str], object]], ...] = (
    (
        "back_pain",
        "back_pain",
        "Back pain now, 0 (none) to 10 (worst)?",
        partial(parse_pain, "back_pain"),
    ),
    ("leg_pain", "leg_pain", "Leg pain now, 0 to 10?", partial(parse_pain, "leg_pain")),
    ("where", "furthest_symptom", f"Where is the furthest symptom? ({_WHERE})", parse_location),
    ("numbness", "numbness", "Any numbness? [yes/no]", partial(parse_flag, "numbness")),
    (
        "tingling",
        "tingling",
        "Any tingling (pins and needles)? [yes/no]",
        partial(parse_flag, "tingling"),
    ),
    ("weakness", "weakness", "Any weakness in the leg? [yes/no]", partial(parse_flag, "weakness")),
)


def _checkin_values(args: argparse.Namespace) -> dict[str, object]:
    """Flags as given (validated by the use case), the rest asked interactively."""
    values: dict[str, object] = {}
    for attribute, name, prompt, parse in _CHECKIN_PROMPTS:
        given = getattr(args, attribute)
        values[name] = given if given is not None else _ask(prompt, parse)
    return values


@command(
    "checkin", "Record how your back and leg feel (before, during or after).", _configure_checkin
)
def checkin(args: argparse.Namespace) -> int:
    """Record a symptom check-in and show what it means."""
    if args.when == CheckInWhen.DURING.value and args.exercise is None:
        raise InputError("--exercise: a check-in during exercise must name the exercise")
    repo = open_repository()
    user = _user(repo, args.user)
    result = services.record_checkin(
        repo,
        user.id or 0,
        _checkin_values(args),
        when=CheckInWhen(args.when),
        now=_now(),
        session_id=args.session,
        exercise_id=args.exercise,
        note=args.note,
    )
    if args.json:
        _write(json.dumps(_checkin_json(result), indent=2))
    else:
        for line in result.advice:
            _write(line)
        _write(NOT_A_CLINICIAN)
    return EXIT_BLOCKED if result.stops else 0


def _checkin_json(result: services.CheckInResult) -> dict[str, Any]:
    change = result.change
    return {
        "checkin_id": result.checkin.id,
        "centralised": change.centralised if change else None,
        "peripheralised": change.peripheralised if change else None,
        "stops": [
            {"code": s.code, "exercise_id": s.exercise_id, "message": s.message}
            for s in result.stops
        ],
        "advice": list(result.advice),
        "see_clinician": result.see_clinician,
    }


# --- today ------------------------------------------------------------------------------


def _configure_today(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    _add_user(p)


@command("today", "Show today's exercises, their doses and why.", _configure_today)
def today(args: argparse.Namespace) -> int:
    """Show today's plan, or why exercise is blocked."""
    repo = open_repository()
    user = _user(repo, args.user)
    now = _now()
    plan = services.todays_plan(repo, user.id or 0, local_date(now), now=now)
    if args.json:
        _write(json.dumps(plan_json(plan), indent=2))
    else:
        _print_plan(plan)
    return EXIT_BLOCKED if plan.blocked else 0


def plan_json(plan: services.TodaysPlan) -> dict[str, Any]:
    """Today's plan as JSON."""
    return {
        "date": plan.day.isoformat(),
        "blocked": plan.blocked,
        "message": plan.message,
        "needs_recheck": plan.needs_recheck,
        "see_clinician": plan.see_clinician,
        "exercises": [
            {
                "id": item.exercise_id,
                "name": item.name,
                "dose": item.dose_text,
                "sets": item.dose.sets,
                "reps": item.dose.reps,
                "hold_s": item.dose.hold_s,
                "rest_s": item.dose.rest_s,
                "reason": item.reason,
                "why": item.why,
                "stopped": item.stopped,
                "stop_message": item.stop_message,
            }
            for item in plan.items
        ],
    }


def _print_plan(plan: services.TodaysPlan) -> None:
    _write(f"Today, {plan.day:%A %d %B}")
    _write(plan.message)
    for item in plan.items:
        between = "holds" if item.dose.reps is None else "sets"
        _write(f"\n{item.name}: {item.dose_text}, rest {item.dose.rest_s:g} s between {between}")
        if item.stopped:
            _write(f"  Stopped for today. {item.stop_message}")
        _write(f"  Why this dose: {item.reason}")
        _write(f"  How it helps: {item.why}")
    if plan.see_clinician:
        _write(f"\n{services.CLINICIAN_ADVICE}")
    if plan.needs_recheck and not plan.blocked:
        _write("\nRun `spinecoach screen --recheck` first.")
