"""Per-exercise values per session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spinecoach.reports.data import HistoryData
from spinecoach.reports.exercise_trends import (
    SessionSets,
    bridge_hold_quality_pct,
    exercise_trends,
    heel_tap_control_pct,
    plank_best_hold_s,
    squat_depth_deg,
    trend_metrics,
)
from spinecoach.session.records import (
    HoldRecord,
    RepetitionRecord,
    SessionMode,
    SessionRecord,
    SessionStatus,
    SetRecord,
    User,
)

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)


def _rep(index: int, hold_s: float = 0.0, good: bool = True, set_id: int = 1,
         **metrics: float) -> RepetitionRecord:
    return RepetitionRecord(set_id=set_id, index=index, side=None, start_s=index,
                            peak_s=index + 0.5, end_s=index + 1, hold_s=hold_s,
                            good_form=good, metrics=dict(metrics))


def _set(exercise: str, hold_done_s: float | None = None, set_id: int = 1,
         session_id: int = 1) -> SetRecord:
    return SetRecord(id=set_id, session_id=session_id, exercise_id=exercise, index=0,
                     started_at=T0, target_reps=None, target_hold_s=None,
                     hold_done_s=hold_done_s)


def test_every_exercise_has_a_metric() -> None:
    assert set(trend_metrics()) == {"plank", "bridge", "ball-squat", "hip-hinge"}


def test_plank_is_the_best_good_form_hold_with_fallbacks() -> None:
    holds = [HoldRecord(set_id=1, start_s=0, end_s=14, good_form_s=12.5),
             HoldRecord(set_id=1, start_s=20, end_s=28, good_form_s=8.0)]
    assert plank_best_hold_s(SessionSets([_set("plank")], [], holds)) == 12.5
    assert plank_best_hold_s(SessionSets([_set("plank")], [_rep(1, hold_s=9.0)], [])) == 9.0
    typed = SessionSets([_set("plank", 11.0), _set("plank", 14.0, set_id=2)], [], [])
    assert plank_best_hold_s(typed) == 14.0
    assert plank_best_hold_s(SessionSets([_set("plank")], [], [])) is None


def test_bridge_quality_is_the_share_of_reps_reaching_a_3_s_hold() -> None:
    reps = [_rep(1, 3.4), _rep(2, 2.95), _rep(3, 2.0), _rep(4, 0.0)]
    assert bridge_hold_quality_pct(SessionSets([_set("bridge")], reps, [])) == 50.0
    assert bridge_hold_quality_pct(SessionSets([_set("bridge")], [], [])) is None


def test_squat_depth_and_heel_tap_control() -> None:
    squats = [_rep(1, thigh_deg_at_peak=12.0), _rep(2, thigh_deg_at_peak=8.0), _rep(3)]
    assert squat_depth_deg(SessionSets([_set("ball-squat")], squats, [])) == 10.0
    taps = [_rep(1, good=True), _rep(2, good=False), _rep(3, good=True), _rep(4, good=True)]
    assert heel_tap_control_pct(SessionSets([_set("hip-hinge")], taps, [])) == 75.0


def test_trends_use_done_sessions_only_in_time_order() -> None:
    sessions = [
        SessionRecord(id=1, user_id=1, started_at=T0, mode=SessionMode.CAMERA,
                      status=SessionStatus.COMPLETED),
        SessionRecord(id=2, user_id=1, started_at=T0 + timedelta(days=1),
                      mode=SessionMode.CAMERA, status=SessionStatus.ABANDONED),
        SessionRecord(id=3, user_id=1, started_at=T0 + timedelta(days=2),
                      mode=SessionMode.VIDEO, status=SessionStatus.STOPPED),
    ]
    sets = [_set("hip-hinge", set_id=i, session_id=i) for i in (1, 2, 3)]
    reps = [_rep(1, good=False, set_id=1), _rep(2, set_id=1), _rep(1, set_id=2),
            _rep(1, set_id=3), _rep(2, set_id=3)]
    data = HistoryData(user=User(id=1, name="u", created_at=T0), sessions=sessions, sets=sets,
                       repetitions=reps)
    trends = exercise_trends(data)
    hinge = trends["hip-hinge"]
    assert [(p.session_id, p.value) for p in hinge.points] == [(1, 50.0), (3, 100.0)]
    assert (hinge.first, hinge.last, hinge.unit) == (50.0, 100.0, "%")
    assert trends["plank"].points == [] and trends["plank"].last is None
    assert hinge.points[1].at == T0 + timedelta(days=2)
    assert trends["bridge"].label == "reps reaching a 3 s good-form hold"
