"""Fixtures for the session use-case tests: a fake repository and a simulated user."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from spinecoach.domain.checkin import CheckInWhen
from spinecoach.domain.programme import load_programme
from spinecoach.domain.safety.questionnaire import AnswerKind, load_questionnaire
from spinecoach.domain.safety.screening import AnswerValue
from spinecoach.session import services
from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.session.records import (
    HoldRecord,
    ProgrammeChange,
    RepetitionRecord,
    ScreeningKind,
    ScreeningRecord,
    SessionMode,
    SessionStatus,
)

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # a Monday, noon UTC

CALM: dict[str, Any] = {
    "back_pain": 3,
    "leg_pain": 2,
    "furthest_symptom": "thigh",
    "numbness": False,
    "tingling": False,
    "weakness": False,
}


def clear_answers(*, recheck: bool) -> dict[str, AnswerValue]:
    """Answers without any warning sign."""
    q = load_questionnaire()
    answers: dict[str, AnswerValue] = {}
    for question in q.recheck_questions() if recheck else q.questions:
        if question.kind is AnswerKind.YES_NO:
            answers[question.id] = False
        elif question.kind is AnswerKind.NUMBER:
            answers[question.id] = 40
        else:
            answers[question.id] = "gradually"
    return answers


class World:
    """One simulated user with a fake repository and a clock that the test moves."""

    def __init__(self) -> None:
        self.repo = InMemoryRepository()
        self.now = START
        self.user_id = services.ensure_user(self.repo, "ann", self.now).id or 0

    def day(self, n: int) -> datetime:
        """Move the clock to noon of day ``n`` after the start."""
        self.now = START + timedelta(days=n)
        return self.now

    def screen(
        self, changes: Mapping[str, AnswerValue] | None = None, *, recheck: bool = False
    ) -> ScreeningRecord:
        kind = ScreeningKind.RECHECK if recheck else ScreeningKind.FULL
        answers = clear_answers(recheck=recheck) | dict(changes or {})
        return services.run_screening(self.repo, self.user_id, answers, kind=kind, now=self.now)

    def checkin(
        self, when: CheckInWhen, session_id: int | None = None, **changes: Any
    ) -> services.CheckInResult:
        exercise_id = changes.pop("exercise_id", None)
        return services.record_checkin(
            self.repo,
            self.user_id,
            CALM | changes,
            when=when,
            now=self.now,
            session_id=session_id,
            exercise_id=exercise_id,
        )

    def session(
        self,
        *,
        good_form_share: float = 1.0,
        after: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        skip_checkins: bool = False,
        mode: SessionMode = SessionMode.CAMERA,
        status: SessionStatus = SessionStatus.COMPLETED,
    ) -> tuple[ProgrammeChange, ...]:
        """Run a whole session at the current doses: re-check, check-ins, every set."""
        self.screen(recheck=True)
        session = services.start_session(self.repo, self.user_id, mode=mode, now=self.now)
        sid = session.id or 0
        if not skip_checkins:
            self.checkin(CheckInWhen.BEFORE, sid, **dict(before or {}))
        for prescription in services.ensure_prescriptions(self.repo, self.user_id, self.now):
            for _ in range(prescription.sets):
                self._do_set(sid, prescription.exercise_id, good_form_share, mode)
        if not skip_checkins:
            self.checkin(CheckInWhen.AFTER, sid, **dict(after or {}))
        finished = services.finish_session(self.repo, sid, now=self.now, status=status)
        return finished.changes

    def _do_set(self, sid: int, exercise_id: str, share: float, mode: SessionMode) -> None:
        record = services.start_set(self.repo, sid, exercise_id, now=self.now)
        set_id = record.id or 0
        if mode is SessionMode.NO_CAMERA:
            self.repo.end_set(
                set_id,
                self.now,
                reps_done=record.target_reps,
                hold_done_s=record.target_hold_s,
                pain_during=2,
            )
            return
        if record.target_reps is None:
            hold = record.target_hold_s or 0.0
            good = hold if share >= 0.8 else hold / 2
            self.repo.add_hold(HoldRecord(set_id=set_id, start_s=0.0, end_s=good, good_form_s=good))
            self.repo.end_set(set_id, self.now)
            return
        sides = ["left", "right"] if exercise_id == "hip-hinge" else [None]
        total = record.target_reps * len(sides)
        good_count = round(total * share)
        for index in range(total):
            self.repo.add_repetition(
                RepetitionRecord(
                    set_id=set_id,
                    index=index,
                    side=sides[index % len(sides)],
                    start_s=index * 5.0,
                    peak_s=index * 5.0 + 2,
                    end_s=index * 5.0 + 4.5,
                    hold_s=record.target_hold_s or 0.0,
                    good_form=index < good_count,
                    faults=() if index < good_count else ("hip_sag",),
                )
            )
        self.repo.end_set(set_id, self.now)

    def doses(self) -> dict[str, tuple[int, int | None, float | None]]:
        return {
            p.exercise_id: (p.sets, p.reps, p.hold_s)
            for p in services.ensure_prescriptions(self.repo, self.user_id, self.now)
        }


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture(scope="session")
def programme_ids() -> list[str]:
    return [e.id for e in load_programme().exercises]
