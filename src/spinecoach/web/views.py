"""Turn the core's records into API schemas: exercises, sets, sessions and the history charts.

Pure translation for :class:`~spinecoach.web.local_user.LocalUser`: every value shown comes
from the records (read in bulk by :mod:`spinecoach.session.history`) or from the summary of
:mod:`spinecoach.reports`; no rule is decided here.
"""

from __future__ import annotations

from collections import Counter

from spinecoach.domain.checkin import SymptomChange, compare_symptoms
from spinecoach.domain.dates import local_date
from spinecoach.domain.exercises import ExerciseSpec
from spinecoach.reports.day_progress import DayProgress, describe_day
from spinecoach.reports.summary import HistorySummary
from spinecoach.reports.symptoms import trend_checkins
from spinecoach.session.history import SessionHistory, SetHistory
from spinecoach.session.records import CheckIn, SetMode
from spinecoach.web.schemas import (
    CheckInOut,
    DayProgressOut,
    ExerciseInfo,
    ExerciseProgressOut,
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
        per_side=spec.reps_per_side, kind=spec.criteria.kind,
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


def set_out(item: SetHistory, *, name: str | None = None, label: str | None = None) -> SetOut:
    """A stored set with its repetitions, holds and stop (``name``, ``label`` for display)."""
    record = item.record
    assert record.id is not None
    holds = [round(h.good_form_s, 2) for h in item.holds]
    if not holds and record.hold_done_s:
        holds = [round(record.hold_done_s, 2)]
    typed_in = record.mode is SetMode.MANUAL
    reps = record.reps_done if typed_in and record.reps_done is not None else len(item.reps)
    stop = item.stops[0] if item.stops else None
    return SetOut(
        id=record.id, exercise_id=record.exercise_id, mode=record.mode.value, reps=reps,
        reps_by_side=dict(Counter(rep.side for rep in item.reps if rep.side)), holds_s=holds,
        faults=sorted({f for rep in item.reps for f in rep.faults}),
        stopped=StopOut(code=stop.code, at_s=stop.at_s, message=stop.message) if stop else None,
        pain=record.pain_during, note=record.note, exercise_name=name, label=label,
    )


def _checkin_out(checkin: CheckIn, baseline: CheckIn | None) -> CheckInOut:
    change = compare_symptoms(baseline.symptoms, checkin.symptoms) if baseline else None
    assert checkin.id is not None
    return CheckInOut(id=checkin.id, when=checkin.when.value,
                      stop=False, change=change_word(change), back_pain=checkin.back_pain,
                      leg_pain=checkin.leg_pain)


def day_progress_out(progress: DayProgress) -> DayProgressOut:
    """A day's progress as the API shows it."""
    return DayProgressOut(
        date=progress.day.isoformat(),
        exercises=[ExerciseProgressOut(exercise_id=e.exercise_id, name=e.name,
                                       sets_planned=e.sets_planned, sets_done=e.sets_done)
                   for e in progress.exercises],
        exercises_planned=progress.exercises_planned, exercises_done=progress.exercises_done,
        sets_planned=progress.sets_planned, sets_done=progress.sets_done,
        skipped=progress.skipped, text=describe_day(progress),
    )


def set_label(name: str, number: int, planned: int) -> str:
    """``Bridges, set 2 of 3`` (``extra set`` past the plan)."""
    if planned <= 0 or number > planned:
        return f"{name}, extra set"
    return f"{name}, set {number} of {planned}"


def session_summary(history: SessionHistory, *, names: dict[str, str] | None = None,
                    day: DayProgress | None = None,
                    earlier: dict[str, int] | None = None) -> SessionSummary:
    """A session with its sets (labelled by set), its check-ins and its day's progress.

    ``earlier`` counts the sets of each exercise done earlier that day (other sessions), so
    a second session's first bridge set is "set 2 of 3" after one done in the morning.
    """
    session, before, after = history.session, history.before, history.after
    assert session.id is not None
    names = names or {}
    seen = dict(earlier or {})
    sets = []
    for item in history.sets:
        key = item.record.exercise_id
        name = names.get(key, key)
        seen[key] = seen.get(key, 0) + 1
        planned = day.of(key) if day else None
        label = set_label(name, seen[key], planned.sets_planned if planned else 0)
        sets.append(set_out(item, name=name, label=label))
    return SessionSummary(
        id=session.id, started_at=session.started_at.isoformat(),
        finished_at=session.ended_at.isoformat() if session.ended_at else None,
        sets=sets,
        before=_checkin_out(before, None) if before else None,
        after=_checkin_out(after, before) if after else None,
        day=day_progress_out(day) if day else None,
    )


def history(sessions: list[SessionHistory], sessions_total: int, summary: HistorySummary,
            notes: list[str]) -> History:
    """A page of sessions, and the period's pain, adherence and exercise trends."""

    def trend(attr: str) -> list[TrendPoint]:  # the check-ins the pain trend reads
        return [TrendPoint(date=local_date(c.taken_at).isoformat(), value=getattr(c, attr))
                for c in trend_checkins(summary.checkins)]

    per_exercise = {
        f"{summary.name(key)}, {t.label} ({t.unit})": [
            TrendPoint(date=local_date(p.at).isoformat(), value=p.value) for p in t.points]
        for key, t in summary.trends.items() if t.points
    }
    return History(
        sessions=[session_summary(s, names=summary.names) for s in sessions],
        sessions_total=sessions_total,
        start=summary.start.isoformat(), end=summary.end.isoformat(),
        back_pain=trend("back_pain"), leg_pain=trend("leg_pain"), per_exercise=per_exercise,
        adherence={d.day.isoformat(): d.sessions for d in summary.calendar if d.sessions},
        notes=notes,
    )
