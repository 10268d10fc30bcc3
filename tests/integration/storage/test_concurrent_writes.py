"""Several threads writing repetitions at once through one repository lose nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from spinecoach.session.records import (
    RepetitionRecord,
    SessionMode,
    SessionRecord,
    SetRecord,
    User,
)
from spinecoach.storage import SqlRepository

THREADS = 4
REPS_EACH = 25


def test_threads_share_the_one_writer(sql_repo: SqlRepository) -> None:
    now = datetime.now(UTC)
    user = sql_repo.add_user(User(name="t", created_at=now))
    session = sql_repo.start_session(
        SessionRecord(user_id=user.id or 0, started_at=now, mode=SessionMode.CAMERA)
    )
    set_ids = [
        sql_repo.start_set(
            SetRecord(session_id=session.id or 0, exercise_id="bridge", index=i,
                      started_at=now, target_reps=REPS_EACH, target_hold_s=3.0)
        ).id or 0
        for i in range(THREADS)
    ]

    def record(set_id: int) -> list[int]:
        return [
            sql_repo.add_repetition(
                RepetitionRecord(set_id=set_id, index=i, side=None, start_s=i, peak_s=i,
                                 end_s=i + 1, hold_s=3.0, good_form=True)
            ).id or 0
            for i in range(1, REPS_EACH + 1)
        ]

    with ThreadPoolExecutor(THREADS) as pool:
        written = list(pool.map(record, set_ids))
    for set_id, ids in zip(set_ids, written, strict=True):
        assert [r.id for r in sql_repo.repetitions_of(set_id)] == ids
    assert len({i for ids in written for i in ids}) == THREADS * REPS_EACH
