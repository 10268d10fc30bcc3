"""Child process of the crash test: record one set rep by rep until killed.

Usage: python crash_writer.py DATA_DIR DATABASE_URL

Prints ``set <id>`` once the set exists, then ``rep <id>`` after each repetition is committed
(i.e. after ``add_repetition`` returned), flushing every line.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from spinecoach.session.records import (
    RepetitionRecord,
    SessionMode,
    SessionRecord,
    SetRecord,
    User,
)
from spinecoach.settings import Settings
from spinecoach.storage import open_repository


def main() -> None:
    settings = Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2])
    repo = open_repository(settings)
    now = datetime.now(UTC)
    user = repo.add_user(User(name="crash", created_at=now))
    assert user.id is not None
    session = repo.start_session(
        SessionRecord(user_id=user.id, started_at=now, mode=SessionMode.CAMERA)
    )
    assert session.id is not None
    record = repo.start_set(
        SetRecord(session_id=session.id, exercise_id="hip-hinge", index=1, started_at=now,
                  target_reps=1000, target_hold_s=None)
    )
    assert record.id is not None
    print(f"set {record.id}", flush=True)
    for index in range(1, 100_000):
        rep = repo.add_repetition(
            RepetitionRecord(set_id=record.id, index=index, side="left" if index % 2 else "right",
                             start_s=index * 2.0, peak_s=index * 2.0 + 0.8,
                             end_s=index * 2.0 + 1.6, hold_s=0.0, good_form=True,
                             metrics={"duration_s": 1.6})
        )
        print(f"rep {rep.id}", flush=True)
        time.sleep(0.002)


if __name__ == "__main__":
    main()
