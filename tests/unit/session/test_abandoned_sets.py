"""Sets a crash left open are closed when the server next starts, with what was saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.session.records import (
    HoldRecord,
    RepetitionRecord,
    SessionMode,
    SessionRecord,
    SetRecord,
    User,
)
from spinecoach.session.tracked_sets import close_abandoned_sets

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _open_set(repo: InMemoryRepository, exercise: str) -> int:
    user = repo.add_user(User(name=f"u-{exercise}", created_at=START))
    assert user.id is not None
    session = repo.start_session(SessionRecord(user_id=user.id, started_at=START,
                                               mode=SessionMode.CAMERA))
    assert session.id is not None
    record = repo.start_set(SetRecord(session_id=session.id, exercise_id=exercise, index=1,
                                      started_at=START, target_reps=8, target_hold_s=3.0))
    assert record.id is not None
    return record.id


def test_an_open_set_ends_at_its_last_saved_event_with_its_reps_and_holds() -> None:
    repo = InMemoryRepository()
    set_id = _open_set(repo, "bridge")
    for i in range(3):
        repo.add_repetition(RepetitionRecord(
            set_id=set_id, index=i + 1, side=None, start_s=2.0 + 5 * i, peak_s=3.0 + 5 * i,
            end_s=6.0 + 5 * i, hold_s=3.0, good_form=True, metrics={}))
        repo.add_hold(HoldRecord(set_id=set_id, start_s=3.0 + 5 * i, end_s=6.0 + 5 * i,
                                 good_form_s=3.0))
    empty = _open_set(repo, "plank")
    closed = close_abandoned_sets(repo, now=START + timedelta(hours=2))
    assert sorted(c.id for c in closed) == sorted([set_id, empty])
    record = repo.get_set(set_id)
    assert record is not None
    assert record.ended_at == START + timedelta(seconds=16.0)
    assert record.reps_done == 3 and record.hold_done_s == 9.0
    nothing = repo.get_set(empty)
    assert nothing is not None and nothing.ended_at == START and not nothing.reps_done
    assert repo.open_sets() == []
    assert close_abandoned_sets(repo, now=START + timedelta(hours=3)) == []


def test_an_ended_set_is_left_alone() -> None:
    repo = InMemoryRepository()
    set_id = _open_set(repo, "bridge")
    repo.end_set(set_id, START + timedelta(minutes=1), reps_done=5)
    assert close_abandoned_sets(repo, now=START + timedelta(hours=1)) == []
    record = repo.get_set(set_id)
    assert record is not None and record.reps_done == 5
