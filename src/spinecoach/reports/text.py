"""Plain-language sentences and the plain-text history (``spinecoach history``).

The same sentences are used by the HTML and PDF reports, so every output says the same thing.
"""

from __future__ import annotations

from datetime import date, timedelta

from spinecoach.reports.adherence import DayStatus
from spinecoach.reports.day_progress import describe_totals
from spinecoach.reports.exercise_trends import ExerciseTrend
from spinecoach.reports.summary import HistorySummary
from spinecoach.reports.symptoms import (
    MEANINGFUL_CHANGE_FRACTION,
    MEANINGFUL_CHANGE_POINTS,
    PainChange,
    ShiftKind,
)
from spinecoach.session.profile import NO_NAME

THRESHOLD_NOTE = (
    f"Meaningful change in pain: {MEANINGFUL_CHANGE_POINTS:g} points or "
    f"{MEANINGFUL_CHANGE_FRACTION:.0%} of the starting level (Ostelo et al. 2008)."
)
CALENDAR_MARKS = {
    DayStatus.DONE: "#",
    DayStatus.STOPPED: "!",
    DayStatus.PARTIAL: "~",
    DayStatus.NONE: ".",
}


def number(value: float) -> str:
    """A score as people write it: ``4`` for a whole number, else one decimal (``3.5``)."""
    rounded = round(value, 1)
    return f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"


def _points(delta: float) -> str:
    sign = "+" if delta > 0 else "-" if delta < 0 else "\u00b1"
    size = number(abs(delta))
    return f"{sign}{size} point" + ("" if size == "1" else "s")


def describe_pain_change(change: PainChange | None, measure: str) -> str:
    """One sentence on how back or leg pain moved over the period (``4 \u2192 3``)."""
    if change is None:
        return f"{measure.capitalize()} pain: not enough check-ins to show a trend."
    fraction = change.change_fraction
    relative = "" if fraction is None or change.change_points == 0 else f", {fraction:+.0%}"
    return (
        f"{measure.capitalize()} pain {number(change.baseline)} \u2192 {number(change.current)} "
        f"({_points(change.change_points)}{relative}): {change.direction.value}."
    )


def describe_days(summary: HistorySummary) -> str:
    """One sentence on days exercised against days planned."""
    planned = sum(w.planned for w in summary.weeks)
    done = sum(min(w.done, w.planned) for w in summary.weeks)
    length = sum(w.days_in_period for w in summary.weeks)
    return (
        f"Exercised on {done} of {planned} planned {_plural(planned, 'day')} "
        f"(the plan is {summary.planned_days_per_week} days a week; this period has "
        f"{length} {_plural(length, 'day')}); "
        f"{summary.sessions_done} of {summary.sessions_total} "
        f"{_plural(summary.sessions_total, 'session')} finished."
    )


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def describe_adherence(summary: HistorySummary) -> str:
    """Days exercised, then the exercises and sets done on them against the plan."""
    return f"{describe_days(summary)} {describe_totals(summary.days)}"


def describe_shifts(summary: HistorySummary) -> str:
    """One sentence on centralisation and peripheralisation."""
    if not summary.shifts:
        return "Leg symptoms: no centralisation or peripheralisation recorded."
    last = summary.shifts[-1]
    word = "spread down the leg" if last.kind is ShiftKind.PERIPHERALISATION else "retreated"
    return (
        f"Leg symptoms: {summary.centralisations} centralisation(s), "
        f"{summary.peripheralisations} peripheralisation(s); most recently they {word} "
        f"({last.from_location.label} \u2192 {last.to_location.label}, "
        f"{plain_date(summary.local(last.at))})."
    )


def plain_date(day: date) -> str:
    """A date as people write it: ``1 Dec 2026``."""
    return f"{day.day} {day:%b %Y}"


def describe_trend(trend: ExerciseTrend, name: str) -> str:
    """One line per exercise (``name``, as the programme calls it): first and latest value."""
    title = f"{name}, {trend.label}"
    if not trend.points:
        return f"{title}: no sessions."
    first, last = trend.points[0].value, trend.points[-1].value
    if len(trend.points) == 1:
        return f"{title}: {number(first)} {trend.unit} (1 session so far)."
    return (
        f"{title}: {number(first)} \u2192 {number(last)} {trend.unit} "
        f"over {len(trend.points)} session(s)."
    )


def calendar_lines(summary: HistorySummary) -> list[str]:
    """The adherence calendar as text, one line per week (Mon..Sun)."""
    lines = ["week of      M T W T F S S   done/planned"]
    by_week: dict[date, list[str]] = {}
    for day in summary.calendar:
        week_start = day.day - timedelta(days=day.day.weekday())
        by_week.setdefault(week_start, [" "] * 7)[day.day.weekday()] = CALENDAR_MARKS[day.status]
    for week in summary.weeks:
        marks = " ".join(by_week.get(week.week_start, [" "] * 7))
        lines.append(f"{week.week_start:%Y-%m-%d}   {marks}   {week.done}/{week.planned}")
    lines.append("# done   ! stopped by a rule   ~ unfinished   . no session")
    return lines


def history_notes(summary: HistorySummary) -> list[str]:
    """Plain sentences for the history page: adherence, pain, leg symptoms, each exercise."""
    notes = [describe_adherence(summary), describe_pain_change(summary.back_pain, "back"),
             describe_pain_change(summary.leg_pain, "leg"), describe_shifts(summary)]
    return notes + [describe_trend(t, summary.name(k))
                    for k, t in summary.trends.items() if t.points]


def render_text(summary: HistorySummary) -> str:
    """The whole history as plain text."""
    lines = [
        ("spinecoach history" if summary.user_name == NO_NAME
         else f"spinecoach history for {summary.user_name}")
        + f": {plain_date(summary.start)} - {plain_date(summary.end)}",
        "",
        describe_adherence(summary)
        if summary.sessions_total
        else "No sessions recorded in this period yet ('spinecoach today' shows what to do).",
        *calendar_lines(summary),
        "",
        describe_pain_change(summary.back_pain, "back"),
        describe_pain_change(summary.leg_pain, "leg"),
        THRESHOLD_NOTE,
        describe_shifts(summary),
        "",
        *[describe_trend(t, summary.name(k)) for k, t in summary.trends.items()],
    ]
    if summary.stops:
        lines += ["", "Stops:"]
        lines += [
            f"  {plain_date(summary.local(s.at))} {summary.local(s.at):%H:%M}  "
            f"{summary.name(s.exercise_id) + ': ' if s.exercise_id else ''}{s.message}"
            for s in summary.stops
        ]
    lines += ["", summary.disclaimer]
    return "\n".join(lines) + "\n"
