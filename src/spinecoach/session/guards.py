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
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from spinecoach.domain.codes import SYMPTOM_STOP_CODES
from spinecoach.domain.dates import local_date
from spinecoach.domain.safety.outcomes import NOT_A_CLINICIAN, Outcome
from spinecoach.errors import SafetyBlockError
from spinecoach.session.records import ScreeningKind, ScreeningRecord, StopEventRecord
from spinecoach.session.repository import Repository


def stops_on(repo: Repository, user_id: int, day: date) -> list[StopEventRecord]:
    """Return the user's symptom stop events whose local date is ``day``.

    Form stops from a tracker (``lumbar_arch``) end that set only, as the article says, and
    are left out.
    """
    since = datetime.combine(day - timedelta(days=1), time.min, tzinfo=UTC)
    return [
        e
        for e in repo.stop_events(user_id, since=since)
        if local_date(e.at) == day and e.code in SYMPTOM_STOP_CODES
    ]


def screening_block(repo: Repository, user_id: int) -> str | None:
    """Return why screening blocks exercise, or None when the latest screenings are ``ok``."""
    latest_full = repo.latest_screening(user_id, ScreeningKind.FULL)
    if latest_full is None:
        return "Please answer the safety questions before your first session."
    if latest_full.outcome is not Outcome.OK:
        return _blocked_message(latest_full, "Answer the full safety questions again")
    latest = repo.latest_screening(user_id)
    if latest is not None and latest.outcome is not Outcome.OK:
        return _blocked_message(latest, "Answer the safety questions again")
    return None


def _blocked_message(record: ScreeningRecord, again: str) -> str:
    when = f"{local_date(record.taken_at):%d %b %Y}"
    return (
        f"Exercise is paused. {record.outcome.advice} (Safety check of {when}.) "
        f"{again} once a clinician has seen you and your symptoms have changed. "
        f"{NOT_A_CLINICIAN}"
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
    reason = screening_block(repo, user_id)
    if reason is not None:
        raise SafetyBlockError(reason)
    if require_today:
        latest = repo.latest_screening(user_id)
        if latest is None or local_date(latest.taken_at) != today:
            raise SafetyBlockError("Please answer today's quick safety check before you start.")
    for event in stops_on(repo, user_id, today):
        if event.exercise_id is None:
            raise SafetyBlockError(
                f"Exercise is stopped for today. {event.message} Rest, and check in again tomorrow."
            )


def assert_may_do_exercise(
    repo: Repository, user_id: int, exercise_id: str, today: date, *, require_today: bool = True
) -> None:
    """Like :func:`assert_may_exercise`, and also refuse an exercise stopped today."""
    assert_may_exercise(repo, user_id, today, require_today=require_today)
    stopped = stopped_exercises(repo, user_id, today)
    if exercise_id in stopped:
        raise SafetyBlockError(
            f"This exercise is stopped for today. {stopped[exercise_id]} Try again tomorrow."
        )


def stopped_exercises(repo: Repository, user_id: int, today: date) -> dict[str, str]:
    """Return the exercises stopped today, each with the message of its first stop."""
    stopped: dict[str, str] = {}
    for event in stops_on(repo, user_id, today):
        if event.exercise_id is not None:
            stopped.setdefault(event.exercise_id, event.message)
    return stopped
