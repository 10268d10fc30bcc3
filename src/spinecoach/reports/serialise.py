"""The history summary as a JSON-ready dictionary (``history --json`` and the JSON export)."""

from __future__ import annotations

from typing import Any

from spinecoach.reports.day_progress import totals
from spinecoach.reports.summary import HistorySummary
from spinecoach.reports.symptoms import (
    MEANINGFUL_CHANGE_FRACTION,
    MEANINGFUL_CHANGE_POINTS,
    PainChange,
)


def _pain(change: PainChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "baseline": round(change.baseline, 2),
        "current": round(change.current, 2),
        "change_points": round(change.change_points, 2),
        "change_fraction": None
        if change.change_fraction is None
        else round(change.change_fraction, 3),
        "meaningful": change.meaningful,
        "direction": change.direction.value,
        "checkins_averaged": change.n_baseline,
    }


def _adherence(summary: HistorySummary) -> dict[str, Any]:
    total = totals(summary.days)
    return {
        "sets": {"planned": total.sets_planned, "done": total.sets_done,
                 "fraction": None if total.fraction is None else round(total.fraction, 3)},
        "exercises": {"planned": total.exercises_planned, "done": total.exercises_done},
        "days": [
            {"day": d.day.isoformat(), "exercises": [
                {"exercise_id": e.exercise_id, "name": e.name, "sets_planned": e.sets_planned,
                 "sets_done": e.sets_done} for e in d.exercises]}
            for d in summary.days
        ],
        "planned_days_per_week": summary.planned_days_per_week,
        "fraction": None if summary.adherence is None else round(summary.adherence, 3),
        "sessions_done": summary.sessions_done,
        "sessions_total": summary.sessions_total,
        "weeks": [
            {"week_start": w.week_start.isoformat(), "planned": w.planned, "done": w.done,
             "sessions": w.sessions}
            for w in summary.weeks
        ],
        "calendar": [
            {"day": d.day.isoformat(), "status": d.status.value, "sessions": d.sessions}
            for d in summary.calendar
        ],
    }


def _symptoms(summary: HistorySummary) -> dict[str, Any]:
    return {
        "pain": {
            "thresholds": {"points": MEANINGFUL_CHANGE_POINTS,
                           "fraction": MEANINGFUL_CHANGE_FRACTION,
                           "source": "Ostelo et al. 2008"},
            "back": _pain(summary.back_pain),
            "leg": _pain(summary.leg_pain),
            "sessions": [
                {"session_id": r.session_id, "at": r.at.isoformat(), "before": r.before,
                 "after": r.after, "flare": r.flare}
                for r in summary.pain_responses
            ],
        },
        "leg_symptoms": {
            "centralisations": summary.centralisations,
            "peripheralisations": summary.peripheralisations,
            "shifts": [
                {"at": s.at.isoformat(), "kind": s.kind.value,
                 "from": s.from_location.value, "to": s.to_location.value}
                for s in summary.shifts
            ],
        },
    }


def _programme(summary: HistorySummary) -> dict[str, Any]:
    latest = summary.latest_screening
    return {
        "exercises": {
            key: {"exercise": summary.name(key), "label": t.label, "unit": t.unit,
                  "points": [{"at": p.at.isoformat(), "session_id": p.session_id,
                              "value": round(p.value, 2)} for p in t.points]}
            for key, t in summary.trends.items()
        },
        "stops": [
            {"at": s.at.isoformat(), "code": s.code, "message": s.message,
             "exercise_id": s.exercise_id}
            for s in summary.stops
        ],
        "doses": [
            {"exercise_id": d.exercise_id, "dose": d.dose, "since": d.since.isoformat(),
             "reason": d.reason}
            for d in summary.doses
        ],
        "programme_changes": [
            {"at": at.isoformat(), "exercise_id": exercise_id, "reason": reason}
            for at, exercise_id, reason in summary.programme_changes
        ],
        "latest_screening": None
        if latest is None
        else {"at": latest[0].isoformat(), "outcome": latest[1]},
    }


def summary_to_dict(summary: HistorySummary) -> dict[str, Any]:
    """Return the summary as plain JSON values (times in UTC ISO 8601)."""
    return {
        "user": summary.user_name,
        "period": {"start": summary.start.isoformat(), "end": summary.end.isoformat()},
        "generated_at": summary.generated_at.isoformat(),
        "adherence": _adherence(summary),
        **_symptoms(summary),
        **_programme(summary),
        "disclaimer": summary.disclaimer,
    }
