"""save_analysis maps an analysis report to records, behind the safety guard; a malformed report
read back from JSON names the bad field."""

from __future__ import annotations

import copy
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from spinecoach.domain.safety.outcomes import Outcome
from spinecoach.errors import InputError, SafetyBlockError, UnknownExerciseError
from spinecoach.session.analysis_report import AnalysisReport, parse_report
from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.session.records import (
    ScreeningKind,
    ScreeningRecord,
    SessionMode,
    SessionStatus,
    User,
)
from spinecoach.session.video_sessions import default_recorded_at, save_analysis

BRIDGE: dict[str, Any] = {
    "exercise": "bridge",
    "source": {"name": "b.mp4", "kind": "video", "fps": 25.0, "frames": 500, "duration_s": 20.0},
    "tracking": {"detected_frames": 500, "untracked": [], "side": "left",
                 "form_not_judged_s": 0.0, "setup_problems": []},
    "reps": 2,
    "repetitions": [
        {"index": 1, "start_s": 1.0, "peak_s": 2.0, "end_s": 6.0, "side": None, "hold_s": 3.2,
         "good_form": True, "faults": [], "metrics": {"hip_ext_deg_at_peak": -2.0}},
        {"index": 2, "start_s": 8.0, "peak_s": 9.0, "end_s": 12.0, "side": None, "hold_s": 1.5,
         "good_form": False, "faults": ["hold_too_short"], "metrics": {}},
    ],
    "holds": [{"start_s": 2.0, "end_s": 5.2, "duration_s": 3.2},
              {"start_s": 9.0, "end_s": 10.5, "duration_s": 1.5}],
    "hold_good_form_s": 4.7,
    "faults": [{"code": "hold_too_short", "start_s": 9.0, "end_s": 10.5, "message": "short"}],
    "stopped": None,
    "limitations": [],
}
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _repo_and_user(*, screened: bool = True) -> tuple[InMemoryRepository, int]:
    repo = InMemoryRepository()
    user = repo.add_user(User(name="u", created_at=T0))
    assert user.id is not None
    if screened:
        repo.add_screening(ScreeningRecord(user_id=user.id, taken_at=T0 - timedelta(days=3),
                                           kind=ScreeningKind.FULL, outcome=Outcome.OK))
    return repo, user.id


def _save(repo: InMemoryRepository, user_id: int, report: dict[str, Any], **kw: Any) -> Any:
    return save_analysis(repo, user_id, parse_report(report), source_path="b.mp4", now=T0, **kw)


def test_a_report_becomes_one_completed_video_session() -> None:
    repo, user_id = _repo_and_user()
    session = _save(repo, user_id, BRIDGE, recorded_at=T0)
    assert session.id is not None
    assert (session.mode, session.status) == (SessionMode.VIDEO, SessionStatus.COMPLETED)
    assert (session.started_at, session.ended_at) == (T0, T0 + timedelta(seconds=20))
    (the_set,) = repo.sets_of(session.id)
    assert (the_set.exercise_id, the_set.index, the_set.reps_done) == ("bridge", 1, 2)
    assert the_set.hold_done_s == pytest.approx(4.7)
    assert the_set.stop_code is None
    reps = repo.repetitions_of(the_set.id or 0)
    assert [r.hold_s for r in reps] == [3.2, 1.5]
    assert reps[0].metrics == {"hip_ext_deg_at_peak": -2.0}
    assert [h.good_form_s for h in repo.holds_of(the_set.id or 0)] == [3.2, 1.5]
    assert repo.stop_events(user_id) == []


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("repetitions", 1, "end_s"), "late", "repetitions[1].end_s"),
        (("holds", 0, "start_s"), None, "holds[0].start_s"),
        (("stopped",), {"at_s": 3.0}, "stopped.code"),
        (("repetitions",), {"a": 1}, "repetitions"),
        (("source", "duration_s"), float("nan"), "source.duration_s"),
        (("repetitions", 0, "good_form"), "false", "repetitions[0].good_form"),
    ],
)
def test_a_malformed_report_names_the_field_and_writes_nothing(
    path: tuple[Any, ...], value: object, field: str
) -> None:
    repo, user_id = _repo_and_user()
    bad = copy.deepcopy(BRIDGE)
    target: Any = bad
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InputError, match=field.replace("[", r"\[").replace("]", r"\]")):
        _save(repo, user_id, bad)
    assert repo.sessions(user_id) == []


def test_a_report_for_an_unknown_exercise_is_refused() -> None:
    repo, user_id = _repo_and_user()
    with pytest.raises(UnknownExerciseError, match="yoga"):
        _save(repo, user_id, BRIDGE | {"exercise": "yoga"})
    assert repo.sessions(user_id) == []


def test_saving_has_the_same_safety_guard_as_every_start() -> None:
    repo, user_id = _repo_and_user(screened=False)
    with pytest.raises(SafetyBlockError, match="safety questions"):
        _save(repo, user_id, BRIDGE, recorded_at=T0)
    assert repo.sessions(user_id) == []


def test_an_unknown_fault_code_is_a_malformed_report() -> None:
    bad = copy.deepcopy(BRIDGE)
    bad["repetitions"][1]["faults"] = ["rushing"]
    with pytest.raises(InputError, match=r"repetitions\[1\]\.faults\[0\]"):
        parse_report(bad)


def test_the_json_document_round_trips() -> None:
    report = parse_report(BRIDGE)
    assert isinstance(report, AnalysisReport)
    assert parse_report(report.to_json()) == report
    assert "reps_by_side" not in report.to_json() and "frames" not in report.to_json()


def test_recording_start_defaults_to_file_time_minus_duration(tmp_path: Path) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    os.utime(video, (T0.timestamp(), T0.timestamp()))
    assert default_recorded_at(video, 20.0) == T0 - timedelta(seconds=20)
    missing = default_recorded_at(tmp_path / "gone.mp4", 20.0)
    assert abs((missing - datetime.now(UTC)).total_seconds()) < 5


def test_unmeasured_metrics_are_left_out_not_refused() -> None:
    repo, user_id = _repo_and_user()
    report = copy.deepcopy(BRIDGE)
    report["repetitions"][0]["metrics"] = {"a_deg": None, "b_deg": float("nan"), "c_deg": 4}
    session = _save(repo, user_id, report, recorded_at=T0)
    (the_set,) = repo.sets_of(session.id or 0)
    assert repo.repetitions_of(the_set.id or 0)[0].metrics == {"c_deg": 4.0}


def test_a_stopped_analysis_records_the_stop_at_its_time() -> None:
    repo, user_id = _repo_and_user()
    report = copy.deepcopy(BRIDGE) | {"exercise": "hip-hinge"}  # a stop rule of the hip hinge
    report["stopped"] = {"code": "lumbar_arch", "at_s": 11.0,
                         "message": "Your lower back started to arch."}
    report["faults"].append({"code": "lumbar_arch", "start_s": 10.0, "end_s": 11.0,
                             "message": "Your lower back started to arch."})
    session = _save(repo, user_id, report, recorded_at=T0)
    assert session.status is SessionStatus.STOPPED
    (stop,) = repo.stop_events(user_id)
    assert (stop.code, stop.at, stop.exercise_id) == ("lumbar_arch",
                                                      T0 + timedelta(seconds=11), "hip-hinge")
    assert stop.message == "Your lower back started to arch."
    assert stop.session_id == session.id
