import tomllib
from importlib import resources

import pytest
from pydantic import ValidationError

from spinecoach.domain.exercises import exercise_ids, get_exercise, load_library
from spinecoach.domain.exercises.spec import ExerciseSpec
from spinecoach.errors import UnknownExerciseError

FAULT_CODES = {
    "hip-hinge": {"lumbar_arch", "knee_angle", "too_fast"},
    "bridge": {"hold_too_short", "incomplete_extension", "over_extension"},
    "plank": {"hip_sag", "hip_pike", "knees_down"},
    "ball-squat": {"too_shallow", "too_deep", "hold_too_short"},
}


def test_every_exercise_loads_with_the_agreed_fault_codes():
    library = load_library()
    assert tuple(library) == exercise_ids() == ("hip-hinge", "bridge", "plank", "ball-squat")
    for exercise_id, spec in library.items():
        assert {f.code for f in spec.faults} == FAULT_CODES[exercise_id]
        assert spec.steps and spec.camera.view == "side"


def test_article_doses_and_stop_rule():
    assert get_exercise("bridge").default_dose.hold_s == 3.0
    assert 10 <= get_exercise("plank").default_dose.hold_s <= 15
    assert get_exercise("ball-squat").default_dose.hold_s == 3.0
    hinge = get_exercise("hip-hinge")
    assert hinge.fault("lumbar_arch").stops_set
    assert "arch" in hinge.stop_rule


def _raw(exercise_id: str) -> dict:
    text = resources.files("spinecoach.domain.exercises").joinpath(f"{exercise_id}.toml")
    return tomllib.loads(text.read_text())


def test_unknown_or_misspelt_keys_are_rejected():
    data = _raw("bridge")
    data["criteria"]["full_extension_degs"] = data["criteria"].pop("full_extension_deg")
    with pytest.raises(ValidationError, match="full_extension_deg"):
        ExerciseSpec.model_validate(data)
    data = _raw("plank")
    data["colour"] = "blue"
    with pytest.raises(ValidationError):
        ExerciseSpec.model_validate(data)


def test_specs_are_frozen():
    spec = get_exercise("plank")
    with pytest.raises(ValidationError):
        spec.name = "x"  # type: ignore[misc]


def test_unknown_exercise_names_the_valid_ones():
    with pytest.raises(UnknownExerciseError, match="hip-hinge, bridge, plank, ball-squat"):
        get_exercise("situps")


def test_the_engine_wide_thresholds_table_is_validated():
    from spinecoach.domain.thresholds import EngineThresholds, engine_thresholds

    table = engine_thresholds().model_dump()
    assert table["holds"]["tolerance_s"] > 0
    table["holds"]["tolerance_secs"] = table["holds"].pop("tolerance_s")
    with pytest.raises(ValidationError, match="tolerance_s"):
        EngineThresholds.model_validate(table)
