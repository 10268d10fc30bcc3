"""A fifth exercise of an existing kind is one new file: no code changes anywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from spinecoach.domain.dates import local_date
from spinecoach.domain.exercises import exercise_ids, get_exercise, library
from spinecoach.domain.programme import load_programme
from spinecoach.domain.safety.questionnaire import AnswerKind, load_questionnaire
from spinecoach.session import services
from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.session.records import ScreeningKind, SessionMode
from spinecoach.settings import Settings
from spinecoach.tracking.engine import create_tracker
from spinecoach.web.app import create_app
from spinecoach.web.testing import sign_in_by_link

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

SINGLE_LEG_BRIDGE = '''id = "single-leg-bridge"
order = 5
name = "Single-leg bridges"
summary = "A bridge with one foot lifted: lift the hips, hold 3 seconds, lower slowly."
purpose = "Strengthens one buttock at a time."
why_it_helps = "Each side has to hold the pelvis level on its own."
muscles = ["gluteals", "hamstrings"]
steps = ["Lie on your back, knees bent.", "Lift one foot.", "Lift your hips and hold."]
stop_rule = "Stop if pain goes above 5 out of 10."
self_check = "Keep the hips level."
posture = "supine"

[camera]
view = "side"
height = "floor"
distance_m = [2.0, 3.5]
placement = "Put the camera on the floor to your side."

[dose]
start = 0
ladder = [
  { sets = 2, reps = 5, hold_s = 3, rest_s = 60 },
  { sets = 2, reps = 8, hold_s = 3, rest_s = 60 },
]
'''


def clear_answers() -> dict[str, object]:
    """Full-screening answers without any warning sign."""
    answers: dict[str, object] = {}
    for question in load_questionnaire().questions:
        answers[question.id] = {AnswerKind.YES_NO: False, AnswerKind.NUMBER: 40}.get(
            question.kind, next(iter(question.choices or {"": ""})))
    return answers


@pytest.fixture
def five_exercises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped exercise files plus one new file (criteria copied from the bridge)."""
    shipped = resources.files("spinecoach.domain.exercises")
    for source in shipped.iterdir():
        if source.name.endswith(".toml"):
            (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"))
    bridge = (tmp_path / "bridge.toml").read_text(encoding="utf-8")
    criteria = bridge[bridge.index("[criteria]"):]  # the bridge kind's thresholds and faults
    (tmp_path / "single-leg-bridge.toml").write_text(SINGLE_LEG_BRIDGE + "\n" + criteria)
    monkeypatch.setattr(library, "EXERCISE_DIR", tmp_path)
    return tmp_path


def test_a_new_file_is_a_new_exercise_everywhere(five_exercises: Path) -> None:
    assert exercise_ids() == ("hip-hinge", "bridge", "plank", "ball-squat", "single-leg-bridge")
    spec = get_exercise("single-leg-bridge")
    assert spec.default_dose.reps == 5 and spec.criteria.kind == "bridge"
    assert load_programme().exercise("single-leg-bridge") == spec
    assert create_tracker(spec).spec is spec  # the bridge tracker serves it

    repo = InMemoryRepository()
    user = services.ensure_user(repo, "me", NOW)
    assert user.id is not None
    services.run_screening(repo, user.id, clear_answers(), kind=ScreeningKind.FULL, now=NOW)
    plan = services.todays_plan(repo, user.id, local_date(NOW), now=NOW)
    item = plan.items[-1]
    assert (item.exercise_id, item.dose_text) == ("single-leg-bridge", "2 sets of 5, hold 3 s")
    session = services.start_session(repo, user.id, mode=SessionMode.CAMERA, now=NOW)
    assert session.id is not None
    started = services.start_set(repo, session.id, "single-leg-bridge", now=NOW)
    assert (started.target_reps, started.target_hold_s) == (5, 3.0)


def test_the_shipped_library_is_unchanged_without_the_file() -> None:
    assert "single-leg-bridge" not in exercise_ids()


def test_the_web_app_lists_coaches_and_plans_it(five_exercises: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url="sqlite://", speech="browser")
    app = create_app(settings, repository=InMemoryRepository(), clock=lambda: NOW,
                     picture_renderer=lambda ex, phase: np.zeros((8, 8, 3), np.uint8))
    with TestClient(app, base_url="http://localhost") as client:
        sign_in_by_link(client)
        ids = [e["id"] for e in client.get("/api/exercises").json()]
        assert ids[-1] == "single-leg-bridge"
        assert client.post("/api/screening", json={"answers": clear_answers()}).status_code == 200
        item = client.get("/api/today").json()["items"][-1]
        assert (item["exercise"]["id"], item["reps"], item["hold_s"]) == (
            "single-leg-bridge", 5, 3.0)
        sid = client.post("/api/sessions").json()["id"]
        assert client.get(f"/session/{sid}/coach/single-leg-bridge").status_code == 200
        with client.websocket_connect(
                f"ws://localhost/ws/coach?exercise=single-leg-bridge&session={sid}") as ws:
            ready = ws.receive_json()
        assert ready["type"] == "ready" and ready["target_hold_s"] == 3.0
