"""save_analysis on the SQL repository keeps the session, its reps and where it came from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spinecoach.domain.safety.outcomes import Outcome
from spinecoach.session.analysis_report import parse_report
from spinecoach.session.records import (
    ScreeningKind,
    ScreeningRecord,
    SessionMode,
    SessionStatus,
    User,
)
from spinecoach.session.video_sessions import save_analysis
from spinecoach.storage import SqlRepository

REPORT = {
    "exercise": "hip-hinge",
    "source": {"name": "hinge.mp4", "kind": "video", "fps": 30.0, "frames": 900,
               "duration_s": 30.0},
    "tracking": {"detected_frames": 873, "untracked": [[0.0, 0.9]], "side": "left",
                 "form_not_judged_s": 0.0, "setup_problems": []},
    "reps": 2,
    "reps_by_side": {"left": 1, "right": 1},
    "repetitions": [
        {"index": 1, "start_s": 1.0, "peak_s": 2.0, "end_s": 3.0, "side": "left",
         "hold_s": 0.0, "good_form": True, "faults": [], "metrics": {}},
        {"index": 2, "start_s": 4.0, "peak_s": 5.0, "end_s": 6.5, "side": "right",
         "hold_s": 0.0, "good_form": False, "faults": ["too_fast"], "metrics": {}},
    ],
    "holds": [],
    "hold_good_form_s": 0.0,
    "faults": [{"code": "lumbar_arch", "start_s": 7.0, "end_s": 7.0,
                "message": "Your lower back started to arch."}],
    "stopped": {"code": "lumbar_arch", "at_s": 7.5, "message": "Your lower back started to arch."},
    "limitations": [],
}


def test_a_saved_analysis_is_a_stopped_video_session(sql_repo: SqlRepository) -> None:
    user = sql_repo.add_user(User(name="vid", created_at=datetime.now(UTC)))
    assert user.id is not None
    began = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    sql_repo.add_screening(ScreeningRecord(user_id=user.id, taken_at=began, outcome=Outcome.OK,
                                           kind=ScreeningKind.FULL))
    session = save_analysis(sql_repo, user.id, parse_report(REPORT),
                            source_path="/videos/hinge.mp4", recorded_at=began, now=began)
    assert session.id is not None
    assert session.mode is SessionMode.VIDEO and session.status is SessionStatus.STOPPED
    assert session.ended_at == began + timedelta(seconds=30)
    (the_set,) = sql_repo.sets_of(session.id)
    assert (the_set.reps_done, the_set.stop_code) == (2, "lumbar_arch")
    reps = sql_repo.repetitions_of(the_set.id or 0)
    assert [(r.index, r.side, r.faults) for r in reps] == [
        (1, "left", ()), (2, "right", ("too_fast",))
    ]
    (stop,) = sql_repo.stop_events(user.id)
    assert stop.at == began + timedelta(seconds=7.5) and stop.at_s == 7.5
    assert stop.message == "Your lower back started to arch."
    (provenance,) = sql_repo.video_analyses_of_sessions([session.id])
    assert (provenance.source_path, provenance.fps, provenance.frames) == (
        "/videos/hinge.mp4", 30.0, 900
    )
    assert provenance.summary["reps_by_side"] == {"left": 1, "right": 1}
    assert sql_repo.video_analyses_of_sessions([session.id + 1]) == []
