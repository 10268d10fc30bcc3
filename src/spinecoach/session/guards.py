"""The safety guards every entry point calls before exercise is started or saved.

:func:`assert_may_exercise` raises :class:`~spinecoach.errors.SafetyBlockError` when:

1. the user has never completed the full red-flag screening;
2. the latest full screening was not ``ok`` (only a newer full screening that is ``ok`` lifts
   it: the short re-check does not ask every question, so it cannot clear a full-screening
   block);
3. the latest screening of any kind was not ``ok``;
4. (``require_today``) no screening was taken today: the short re-check is asked before
   every session;
5. a symptom stop without an exercise (from a before/after check-in) was recorded today.

:func:`assert_may_do_exercise` adds: an exercise stopped today (a stop event naming it)
stays stopped until tomorrow (symptom stops only; a tracker's form stop such as
``lumbar_arch`` ends the set, as the article says).  Nothing can override these: front
ends only show the message.

Every rule reads one :class:`DaySafety`, loaded in three statements, so the status banner,
today's plan and the guards cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from spinecoach.domain.codes import SYMPTOM_STOP_CODES
from spinecoach.domain.dates import local_date
from spinecoach.domain.safety.outcomes import NOT_A_CLINICIAN, Outcome
from spinecoach.errors import SafetyBlockError
from spinecoach.session.records import ScreeningKind, ScreeningRecord, StopEventRecord
from spinecoach.session.repository import Repository

RECHECK_DUE = "Please answer today's quick safety check before you start."


@dataclass(frozen=True)
class DaySafety:
    """What the guards read for one user on one day.

    Attributes
    ----------
    day
        The user's calendar date.
    latest_full, latest
        The newest full screening, and the newest screening of any kind.
    stops
        Today's symptom stops (form stops from a tracker end a set only and are left out).
    """

    day: date
    latest_full: ScreeningRecord | None
    latest: ScreeningRecord | None
    stops: tuple[StopEventRecord, ...]

    @property
    def screening_block(self) -> str | None:
        """Why screening blocks exercise, or None when the latest screenings are ``ok``."""
        if self.latest_full is None:
            return "Please answer the safety questions before your first session."
        if self.latest_full.outcome is not Outcome.OK:
            return _blocked_message(self.latest_full, "Answer the full safety questions again")
        if self.latest is not None and self.latest.outcome is not Outcome.OK:
            return _blocked_message(self.latest, "Answer the safety questions again")
        return None

    @property
    def recheck_due(self) -> bool:
        """No screening (re-check or full) has been taken today."""
        return self.latest is None or local_date(self.latest.taken_at) != self.day

    @property
    def day_stop(self) -> StopEventRecord | None:
        """The first stop of today that names no exercise: it stops the whole day."""
        return next((e for e in self.stops if e.exercise_id is None), None)

    @property
    def stopped_exercises(self) -> dict[str, str]:
        """The exercises stopped today, each with the message of its first stop."""
        stopped: dict[str, str] = {}
        for event in self.stops:
            if event.exercise_id is not None:
                stopped.setdefault(event.exercise_id, event.message)
        return stopped

    def refusal(self, exercise_id: str | None = None, *, require_today: bool = True) -> str | None:
        """Why exercise (or ``exercise_id``) may not start now, or None when it may."""
        if (block := self.screening_block) is not None:
            return block
        if require_today and self.recheck_due:
            return RECHECK_DUE
        if (stop := self.day_stop) is not None:
            return (f"Exercise is stopped for today. {stop.message} Rest, and check in again "
                    "tomorrow.")
        if exercise_id is not None and exercise_id in (stopped := self.stopped_exercises):
            return (f"This exercise is stopped for today. {stopped[exercise_id]} Try again "
                    "tomorrow.")
        return None


def _blocked_message(record: ScreeningRecord, again: str) -> str:
    when = f"{local_date(record.taken_at):%d %b %Y}"
    return (
        f"Exercise is paused. {record.outcome.advice} (Safety check of {when}.) "
        f"{again} once a clinician has seen you and your symptoms have changed. "
        f"{NOT_A_CLINICIAN}"
    )


def day_safety(repo: Repository, user_id: int, today: date) -> DaySafety:
    """Load what the guards need for ``today`` (three statements)."""
    since = datetime.combine(today - timedelta(days=1), time.min, tzinfo=UTC)
    stops = tuple(
        e
        for e in repo.stop_events(user_id, since=since)
        if local_date(e.at) == today and e.code in SYMPTOM_STOP_CODES
    )
    return DaySafety(
        day=today,
        latest_full=repo.latest_screening(user_id, ScreeningKind.FULL),
        latest=repo.latest_screening(user_id),
        stops=stops,
    )


def assert_may_exercise(
    repo: Repository, user_id: int, today: date, *, require_today: bool = True
) -> None:
    """Raise :class:`SafetyBlockError` unless the user may exercise today.

    Parameters
    ----------
    repo
        Where screenings and stop events are kept.
    user_id
        The user.
    today
        The user's calendar date.
    require_today
        Also require a screening (the short re-check or the full one) taken today.  Keep it
        on for anything that starts a session; saving the analysis of an older recording
        may turn it off.
    """
    reason = day_safety(repo, user_id, today).refusal(require_today=require_today)
    if reason is not None:
        raise SafetyBlockError(reason)


def assert_may_do_exercise(
    repo: Repository, user_id: int, exercise_id: str, today: date, *, require_today: bool = True
) -> None:
    """Like :func:`assert_may_exercise`, and also refuse an exercise stopped today."""
    reason = day_safety(repo, user_id, today).refusal(exercise_id, require_today=require_today)
    if reason is not None:
        raise SafetyBlockError(reason)
