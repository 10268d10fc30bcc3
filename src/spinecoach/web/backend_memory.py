"""An in-memory :class:`~spinecoach.web.backend.CoachBackend`: the fake beside the real one.

It keeps everything in dictionaries and applies deliberately simple rules (any "yes" to a
red-flag question blocks; pain >= 6 or symptoms moving down the leg stop the day), so web
tests run in milliseconds without a database.  It is not used by ``spinecoach serve``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime

from spinecoach.errors import (
    InputError,
    MissingExtraError,
    SafetyBlockError,
    UnknownExerciseError,
)
from spinecoach.tracking.state import HoldEvent, RepEvent, StopEvent
from spinecoach.web.schemas import (
    CheckInIn,
    CheckInOut,
    ExerciseInfo,
    History,
    ManualSetIn,
    PlanItem,
    Question,
    ScreeningIn,
    ScreeningOut,
    SessionOut,
    SessionSummary,
    SetIn,
    SetOut,
    Status,
    StopOut,
    Today,
    TrendPoint,
)

_EXTENT_ORDER = ("none", "back", "buttock", "thigh", "below_knee", "foot")

_QUESTIONS = (
    Question(id="bladder_bowel", text="Any new trouble controlling your bladder or bowel?",
             kind="yes_no", category="cauda_equina"),
    Question(id="saddle_numbness", text="Numbness between your legs or around your bottom?",
             kind="yes_no", category="cauda_equina"),
    Question(id="worsening_weakness", text="Is weakness in a leg or foot getting worse?",
             kind="yes_no", category="neuro_deficit"),
    Question(id="fever", text="Do you have a fever or feel generally unwell?",
             kind="yes_no", category="infection"),
)
_OUTCOME_BY_CATEGORY = {"cauda_equina": "emergency", "neuro_deficit": "same_day"}
_ADVICE = {
    "ok": "No warning signs. You can exercise today.",
    "emergency": "Go to an emergency department now.",
    "same_day": "Contact a doctor today. Do not exercise until you have been seen.",
    "urgent_review": "See a clinician before exercising.",
}


def _fake_exercise(exercise_id: str, name: str, hold_s: float | None) -> ExerciseInfo:
    return ExerciseInfo(
        id=exercise_id, name=name, summary=f"{name} (test data)", purpose="Test purpose.",
        muscles=["core"], steps=["Get into position.", "Move slowly."],
        stop_rule="Stop if it hurts more.", why_it_helps="Test reason.",
        self_check="Hand under your lower back.", camera="Side-on, whole body in view.",
        picture_url=f"/api/exercises/{exercise_id}/picture.png",
        per_side=exercise_id == "hip-hinge",
    )


_FAKE_LIBRARY = {
    "hip-hinge": (_fake_exercise("hip-hinge", "Supine hip hinges", None), 3, 8, None),
    "bridge": (_fake_exercise("bridge", "Bridges", 3.0), 2, 8, 3.0),
    "plank": (_fake_exercise("plank", "Elbow planks", 10.0), 3, None, 10.0),
    "ball-squat": (_fake_exercise("ball-squat", "Ball squats", 3.0), 2, 8, 3.0),
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class _Set:
    id: int
    session_id: int
    exercise_id: str
    mode: str
    reps: list[RepEvent] = field(default_factory=list)
    holds_s: list[float] = field(default_factory=list)
    stop: StopEvent | None = None
    manual_reps: int | None = None
    pain: int | None = None


@dataclass
class _Session:
    id: int
    started_at: str
    finished_at: str | None = None
    set_ids: list[int] = field(default_factory=list)
    before: CheckInOut | None = None
    after: CheckInOut | None = None
    before_in: CheckInIn | None = None


class InMemoryBackend:
    """A fake backend for tests: one user, everything in memory."""

    def __init__(self) -> None:
        self.screening: ScreeningOut | None = None
        self.checkins: list[CheckInIn] = []
        self.sessions: dict[int, _Session] = {}
        self.sets: dict[int, _Set] = {}
        self.stopped_today = False

    def questions(self, full: bool) -> list[Question]:
        """Return the fake questionnaire."""
        return list(_QUESTIONS if full else _QUESTIONS[:3])

    def status(self) -> Status:
        """Return the screening state."""
        s = self.screening
        return Status(
            screened=s is not None, baseline_done=any(c.when == "baseline" for c in self.checkins),
            may_exercise=s is not None and s.may_exercise and not self.stopped_today,
            outcome=s.outcome if s else None, advice=s.advice if s else None,
            reasons=s.reasons if s else [],
        )

    def screen(self, answers: ScreeningIn) -> ScreeningOut:
        """Block on any "yes"; the most urgent category decides the outcome."""
        known = {q.id: q for q in _QUESTIONS}
        unknown = sorted(set(answers.answers) - set(known))
        if unknown:
            raise InputError(f"unknown question: {unknown[0]}")
        flagged = [known[k] for k, v in answers.answers.items() if v is True]
        outcomes = [_OUTCOME_BY_CATEGORY.get(q.category, "urgent_review") for q in flagged]
        order = ("emergency", "same_day", "urgent_review")
        outcome = next((o for o in order if o in outcomes), "ok")
        self.screening = ScreeningOut(
            outcome=outcome, may_exercise=outcome == "ok",
            reasons=[q.text for q in flagged], advice=_ADVICE[outcome], taken_at=_now(),
        )
        return self.screening

    def checkin(self, data: CheckInIn) -> CheckInOut:
        """Store a check-in; pain >= 6 or spreading symptoms stop the day."""
        messages: list[str] = []
        change: str | None = None
        previous = self.checkins[-1] if self.checkins else None
        if previous is not None:
            delta = _EXTENT_ORDER.index(data.leg_extent) - _EXTENT_ORDER.index(
                previous.leg_extent)
            change = "peripheralising" if delta > 0 else "centralising" if delta < 0 else "stable"
        stop = max(data.back_pain, data.leg_pain) >= 6 or change == "peripheralising"
        if stop:
            self.stopped_today = True
            messages.append("Please stop exercising for today.")
        self.checkins.append(data)
        out = CheckInOut(id=len(self.checkins), when=data.when, stop=stop, change=change,
                         messages=messages)
        if data.session_id is not None and data.session_id in self.sessions:
            session = self.sessions[data.session_id]
            if data.when == "before":
                session.before = out
            elif data.when == "after":
                session.after = out
        return out

    def exercises(self) -> list[ExerciseInfo]:
        """Return the fake library."""
        return [entry[0] for entry in _FAKE_LIBRARY.values()]

    def exercise(self, exercise_id: str) -> ExerciseInfo:
        """Return one exercise."""
        if exercise_id not in _FAKE_LIBRARY:
            raise UnknownExerciseError(f"unknown exercise: {exercise_id}")
        return _FAKE_LIBRARY[exercise_id][0]

    def today(self) -> Today:
        """Return the fixed plan."""
        status = self.status()
        items = [
            PlanItem(exercise=info, sets=sets, reps=reps, hold_s=hold, rest_s=30.0,
                     reason="Starting dose.")
            for info, sets, reps, hold in _FAKE_LIBRARY.values()
        ]
        return Today(date=datetime.now(UTC).date().isoformat(), may_exercise=status.may_exercise,
                     block_message=None if status.may_exercise else status.advice, items=items)

    def target_hold_s(self, exercise_id: str) -> float | None:
        """Return the plan's hold seconds."""
        return _FAKE_LIBRARY[exercise_id][3] if exercise_id in _FAKE_LIBRARY else None

    def _assert_may_exercise(self) -> None:
        if not self.status().may_exercise:
            raise SafetyBlockError("Exercise is blocked: complete a screening first.")

    def start_session(self) -> SessionOut:
        """Start a session."""
        self._assert_may_exercise()
        session = _Session(id=len(self.sessions) + 1, started_at=_now())
        self.sessions[session.id] = session
        return SessionOut(id=session.id, started_at=session.started_at)

    def start_set(self, session_id: int, data: SetIn) -> int:
        """Start a set."""
        self._assert_may_exercise()
        self.exercise(data.exercise_id)
        self._session(session_id)
        new = _Set(id=len(self.sets) + 1, session_id=session_id,
                   exercise_id=data.exercise_id, mode=data.mode)
        self.sets[new.id] = new
        self.sessions[session_id].set_ids.append(new.id)
        return new.id

    def record_rep(self, set_id: int, rep: RepEvent) -> None:
        """Store a rep."""
        self.sets[set_id].reps.append(rep)

    def record_hold(self, set_id: int, hold: HoldEvent) -> None:
        """Store a hold."""
        self.sets[set_id].holds_s.append(round(hold.duration_s, 2))

    def record_stop(self, set_id: int, stop: StopEvent) -> None:
        """Store a stop."""
        self.sets[set_id].stop = stop

    def finish_set(self, set_id: int) -> SetOut:
        """Return the set."""
        return self._set_out(self.sets[set_id])

    def record_manual_set(self, session_id: int, data: ManualSetIn) -> SetOut:
        """Store a set entered by hand."""
        set_id = self.start_set(session_id, SetIn(exercise_id=data.exercise_id, mode="manual"))
        entry = self.sets[set_id]
        entry.manual_reps, entry.holds_s, entry.pain = data.reps, list(data.hold_s), data.pain
        if data.pain is not None and data.pain >= 6:
            self.stopped_today = True
        return self._set_out(entry)

    def finish_session(self, session_id: int) -> SessionSummary:
        """Close a session."""
        self._session(session_id).finished_at = _now()
        return self.session(session_id)

    def session(self, session_id: int) -> SessionSummary:
        """Return a session."""
        s = self._session(session_id)
        return SessionSummary(
            id=s.id, started_at=s.started_at, finished_at=s.finished_at,
            sets=[self._set_out(self.sets[i]) for i in s.set_ids], before=s.before, after=s.after,
        )

    def history(self) -> History:
        """Return the history."""
        sessions = [self.session(i) for i in sorted(self.sessions)]
        day = datetime.now(UTC).date().isoformat()
        return History(
            sessions=sessions,
            back_pain=[TrendPoint(date=day, value=c.back_pain) for c in self.checkins],
            leg_pain=[TrendPoint(date=day, value=c.leg_pain) for c in self.checkins],
            per_exercise={}, adherence={day: len(sessions)} if sessions else {},
        )

    def report_html(self) -> str:
        """Return a tiny report."""
        return f"<h1>spinecoach report</h1><p>{html.escape(str(len(self.sessions)))} sessions</p>"

    def report_pdf(self) -> bytes:
        """PDF needs the reports package: not in the fake."""
        raise MissingExtraError("no PDF in the in-memory backend")

    def export_json(self) -> dict[str, object]:
        """Return the history as JSON data."""
        return self.history().model_dump()

    def export_csv_zip(self) -> bytes:
        """An empty zip archive."""
        return b"PK\x05\x06" + b"\x00" * 18

    def _session(self, session_id: int) -> _Session:
        if session_id not in self.sessions:
            raise InputError(f"no session {session_id}")
        return self.sessions[session_id]

    @staticmethod
    def _set_out(s: _Set) -> SetOut:
        by_side: dict[str, int] = {}
        for rep in s.reps:
            if rep.side:
                by_side[rep.side] = by_side.get(rep.side, 0) + 1
        faults = sorted({f for rep in s.reps for f in rep.faults})
        stopped = StopOut(code=s.stop.code, at_s=s.stop.at_s, message=s.stop.message) \
            if s.stop else None
        reps = s.manual_reps if s.manual_reps is not None else len(s.reps)
        return SetOut(id=s.id, exercise_id=s.exercise_id, mode=s.mode, reps=reps,
                      reps_by_side=by_side, holds_s=s.holds_s, faults=faults, stopped=stopped,
                      pain=s.pain)
