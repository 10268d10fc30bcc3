"""What was done on a day against what was planned: exercises and sets, with names.

One set of pure functions feeds the session summary page, the session hub ("3 of 3 sets
done", across every session of that day), the history page and the clinician report, so
they cannot disagree.  A set counts as *done* once it has ended with something in it (a rep,
a hold, or a stop rule that ended it: the user turned up and the app did its job); a set
ended before anything was counted (stopped during the countdown) is not done.  Sets past the
planned number of an exercise count as done but never raise the share above the plan.

The plan of a day is the prescription in force on it (its ``dose.sets`` for each exercise).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, tzinfo

from spinecoach.domain.exercises import load_library
from spinecoach.reports.adherence import local_day
from spinecoach.session.records import Prescription, SessionRecord, SetRecord


def exercise_names() -> dict[str, str]:
    """Every exercise id with its name (the library's order)."""
    return {spec.id: spec.name for spec in load_library().values()}


def exercise_name(exercise_id: str, names: Mapping[str, str] | None = None) -> str:
    """The name of ``exercise_id`` (the id itself only for an exercise no longer shipped)."""
    return (names if names is not None else exercise_names()).get(exercise_id, exercise_id)


def set_done(record: SetRecord) -> bool:
    """Whether a set counts as done: ended, with a rep, a hold or a stop in it."""
    return record.ended_at is not None and (
        bool(record.reps_done) or bool(record.hold_done_s) or record.stop_code is not None)


@dataclass(frozen=True)
class ExerciseProgress:
    """One exercise on one day: sets done against sets planned."""

    exercise_id: str
    name: str
    sets_planned: int
    sets_done: int

    @property
    def started(self) -> bool:
        """At least one set was done."""
        return self.sets_done > 0

    @property
    def complete(self) -> bool:
        """Every planned set was done."""
        return self.sets_done >= self.sets_planned


@dataclass(frozen=True)
class DayProgress:
    """Exercises and sets done on one day against that day's plan."""

    day: date
    exercises: tuple[ExerciseProgress, ...]

    @property
    def exercises_planned(self) -> int:
        """Exercises on the plan."""
        return sum(1 for e in self.exercises if e.sets_planned > 0)

    @property
    def exercises_done(self) -> int:
        """Planned exercises with at least one set done."""
        return sum(1 for e in self.exercises if e.sets_planned > 0 and e.started)

    @property
    def sets_planned(self) -> int:
        """Sets on the plan."""
        return sum(e.sets_planned for e in self.exercises)

    @property
    def sets_done(self) -> int:
        """Sets done, each exercise counted up to its plan."""
        return sum(min(e.sets_done, e.sets_planned) for e in self.exercises)

    @property
    def skipped(self) -> list[str]:
        """Names of the planned exercises with no set done."""
        return [e.name for e in self.exercises if e.sets_planned > 0 and not e.started]

    def of(self, exercise_id: str) -> ExerciseProgress | None:
        """The progress of one exercise, or None when it is not in this day."""
        return next((e for e in self.exercises if e.exercise_id == exercise_id), None)


def planned_sets_on(prescriptions: Iterable[Prescription], day: date) -> dict[str, int]:
    """Sets planned for each exercise on ``day``: the latest prescription valid by then."""
    current: dict[str, Prescription] = {}
    for item in prescriptions:
        held = current.get(item.exercise_id)
        if item.valid_from <= day and (held is None or item.valid_from >= held.valid_from):
            current[item.exercise_id] = item
    return {key: value.dose.sets for key, value in current.items()}


def day_progress(day: date, planned: Mapping[str, int], sets: Iterable[SetRecord],
                 names: Mapping[str, str] | None = None) -> DayProgress:
    """Progress on ``day``: ``planned`` sets per exercise id against the ended ``sets``."""
    names = names if names is not None else exercise_names()
    done: dict[str, int] = {}
    for record in sets:
        if set_done(record):
            done[record.exercise_id] = done.get(record.exercise_id, 0) + 1
    order = [key for key in names if key in planned or key in done]
    order += sorted(k for k in {*planned, *done} if k not in names)
    return DayProgress(day=day, exercises=tuple(
        ExerciseProgress(exercise_id=key, name=exercise_name(key, names),
                         sets_planned=planned.get(key, 0), sets_done=done.get(key, 0))
        for key in order))


def period_progress(sessions: Iterable[SessionRecord], sets: Iterable[SetRecord],
                    prescriptions: Iterable[Prescription], *, tz: tzinfo | None = None,
                    names: Mapping[str, str] | None = None) -> list[DayProgress]:
    """One :class:`DayProgress` per day with a session (oldest first)."""
    names = names if names is not None else exercise_names()
    day_of_session = {s.id: local_day(s.started_at, tz) for s in sessions if s.id is not None}
    by_day: dict[date, list[SetRecord]] = {day: [] for day in day_of_session.values()}
    for record in sets:
        day = day_of_session.get(record.session_id)
        if day is not None:
            by_day[day].append(record)
    chosen = list(prescriptions)
    return [day_progress(day, planned_sets_on(chosen, day), by_day[day], names)
            for day in sorted(by_day)]


@dataclass(frozen=True)
class ProgressTotals:
    """Exercises and sets done over several days against their plans."""

    days: int
    exercises_planned: int
    exercises_done: int
    sets_planned: int
    sets_done: int

    @property
    def fraction(self) -> float | None:
        """Sets done over sets planned, or None when nothing was planned."""
        return None if self.sets_planned == 0 else self.sets_done / self.sets_planned


def totals(days: Iterable[DayProgress]) -> ProgressTotals:
    """Add up several days."""
    chosen = list(days)
    return ProgressTotals(
        days=len(chosen),
        exercises_planned=sum(d.exercises_planned for d in chosen),
        exercises_done=sum(d.exercises_done for d in chosen),
        sets_planned=sum(d.sets_planned for d in chosen),
        sets_done=sum(d.sets_done for d in chosen),
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def describe_day(progress: DayProgress, *, when: str = "Today") -> str:
    """One sentence: exercises and sets done, and which planned exercises were not done."""
    if progress.exercises_planned == 0:
        return f"{when}: nothing was planned."
    text = (f"{when} you did {progress.exercises_done} of "
            f"{_plural(progress.exercises_planned, 'exercise')} "
            f"({progress.sets_done} of {_plural(progress.sets_planned, 'set')}).")
    if progress.skipped:
        text += " Not done: " + ", ".join(progress.skipped) + "."
    return text


def describe_totals(days: list[DayProgress]) -> str:
    """One sentence over the days exercised: exercises and sets done, and what was skipped."""
    if not days:
        return "No exercises recorded yet."
    total = totals(days)
    share = "" if total.fraction is None else f" ({total.fraction:.0%} of the sets planned)"
    text = (f"On the {_plural(total.days, 'day')} you exercised: {total.exercises_done} of "
            f"{total.exercises_planned} planned exercises and {total.sets_done} of "
            f"{total.sets_planned} sets done{share}.")
    skipped: dict[str, int] = {}
    for day in days:
        for name in day.skipped:
            skipped[name] = skipped.get(name, 0) + 1
    if skipped:
        parts = [name if n == 1 else f"{name} ({n} days)" for name, n in skipped.items()]
        text += " Not done: " + ", ".join(parts) + "."
    return text
