"""Turn repository records into API schemas: sets, sessions and the history charts.

Read-only helpers for :mod:`spinecoach.web.backend_core`; no rule is decided here.
"""

from __future__ import annotations

from collections import defaultdict

from spinecoach.domain.checkin import SymptomChange, compare_symptoms
from spinecoach.domain.dates import local_date
from spinecoach.domain.exercises import ExerciseSpec
from spinecoach.reports.summary import HistorySummary
from spinecoach.session.records import CheckIn, SessionRecord, SetRecord, StopEventRecord
from spinecoach.session.repository import Repository
from spinecoach.web.schemas import (
    CheckInOut,
    ExerciseInfo,
    History,
    SessionSummary,
    SetOut,
    StopOut,
    TrendPoint,
)


def exercise_info(spec: ExerciseSpec) -> ExerciseInfo:
    """The page-facing view of an exercise file."""
    return ExerciseInfo(
        id=spec.id, name=spec.name, summary=spec.summary, purpose=spec.purpose,
        muscles=list(spec.muscles), steps=list(spec.steps), stop_rule=spec.stop_rule,
        why_it_helps=spec.why_it_helps, self_check=spec.self_check,
        camera=spec.camera.placement, picture_url=f"/api/exercises/{spec.id}/picture.png",
        per_side=spec.reps_per_side,
    )


def change_word(change: SymptomChange | None) -> str | None:
    """One word for how leg symptoms moved."""
    if change is None:
        return None
    if change.peripheralised:
        return "peripheralising"
    if change.centralised:
        return "centralising"
    if change.new_numbness or change.new_weakness:
        return "new_nerve_signs"
    return "stable"


def set_out(repo: Repository, record: SetRecord,
            stops: list[StopEventRecord] | None = None) -> SetOut:
    """A stored set with its repetitions, holds and stop."""
    assert record.id is not None
    reps = repo.repetitions_of(record.id)
    holds = [round(h.good_form_s, 2) for h in repo.holds_of(record.id)]
    manual = record.pain_during is not None
    if not holds and record.hold_done_s:
        holds = [round(record.hold_done_s, 2)]
    by_side: dict[str, int] = defaultdict(int)
    for rep in reps:
        if rep.side:
            by_side[rep.side] += 1
    stop = next((s for s in stops or [] if s.set_id == record.id), None)
    return SetOut(
        id=record.id, exercise_id=record.exercise_id, mode="manual" if manual else "camera",
        reps=record.reps_done if manual and record.reps_done is not None else len(reps),
        reps_by_side=dict(by_side), holds_s=holds,
        faults=sorted({f for rep in reps for f in rep.faults}),
        stopped=StopOut(code=stop.code, at_s=0.0, message=stop.message) if stop else None,
        pain=record.pain_during,
    )


def _checkin_out(checkin: CheckIn, baseline: CheckIn | None) -> CheckInOut:
    change = compare_symptoms(baseline.symptoms, checkin.symptoms) if baseline else None
    assert checkin.id is not None
    return CheckInOut(id=checkin.id, when=checkin.when.value,
                      stop=False, change=change_word(change))


def session_summary(repo: Repository, session: SessionRecord,
                    checkins: list[CheckIn]) -> SessionSummary:
    """A session with its sets and before/after check-ins."""
    assert session.id is not None
    stops = [s for s in repo.stop_events(session.user_id) if s.session_id == session.id]
    own = [c for c in checkins if c.session_id == session.id]
    before = next((c for c in own if c.when.value == "before"), None)
    after = next((c for c in reversed(own) if c.when.value == "after"), None)
    return SessionSummary(
        id=session.id, started_at=session.started_at.isoformat(),
        finished_at=session.ended_at.isoformat() if session.ended_at else None,
        sets=[set_out(repo, s, stops) for s in repo.sets_of(session.id)],
        before=_checkin_out(before, None) if before else None,
        after=_checkin_out(after, before) if after else None,
    )


def history(repo: Repository, user_id: int, summary: HistorySummary,
            notes: list[str]) -> History:
    """Sessions and pain check-ins, with adherence and exercise trends from the summary."""
    checkins = repo.checkins(user_id)
    sessions = repo.sessions(user_id)

    def trend(attr: str) -> list[TrendPoint]:
        return [TrendPoint(date=local_date(c.taken_at).isoformat(), value=getattr(c, attr))
                for c in checkins]

    per_exercise = {
        f"{t.label} ({t.unit})": [TrendPoint(date=local_date(p.at).isoformat(), value=p.value)
                                  for p in t.points]
        for t in summary.trends.values() if t.points
    }
    return History(
        sessions=[session_summary(repo, s, checkins) for s in sessions],
        back_pain=trend("back_pain"), leg_pain=trend("leg_pain"), per_exercise=per_exercise,
        adherence={d.day.isoformat(): d.sessions for d in summary.calendar if d.sessions},
        notes=notes,
    )
