"""Settings are declared once; the README table is generated from them; bad values: one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinecoach.cli import main
from spinecoach.errors import InputError
from spinecoach.settings import Settings, load_settings, settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_come_from_the_one_declaration(tmp_path: Path) -> None:
    settings = load_settings({"XDG_DATA_HOME": str(tmp_path)})
    assert settings.data_dir == tmp_path / "spinecoach"
    assert settings.database_url == f"sqlite:///{tmp_path / 'spinecoach' / 'spinecoach.db'}"
    assert (settings.host, settings.port, settings.max_upload_mb, settings.speech) == tuple(
        Settings.model_fields[f].default for f in ("host", "port", "max_upload_mb", "speech"))


def test_the_environment_sets_every_field(tmp_path: Path) -> None:
    env = {"SPINECOACH_DATA_DIR": str(tmp_path), "SPINECOACH_DATABASE_URL": "sqlite://",
           "SPINECOACH_HOST": "0.0.0.0", "SPINECOACH_PORT": "8123",
           "SPINECOACH_MAX_UPLOAD_MB": "20", "SPINECOACH_SPEECH": "browser"}
    settings = load_settings(env)
    assert settings.model_dump() == {"data_dir": tmp_path, "database_url": "sqlite://",
                                     "host": "0.0.0.0", "port": 8123, "max_upload_mb": 20,
                                     "speech": "browser"}
    assert settings.with_overrides(port=9000).port == 9000


def test_the_readme_shows_the_generated_table() -> None:
    assert settings_table() in README.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "value"), [
    ("SPINECOACH_PORT", "abc"), ("SPINECOACH_PORT", "70000"), ("SPINECOACH_SPEECH", "loud"),
    ("SPINECOACH_MAX_UPLOAD_MB", "-1"),
])
def test_a_malformed_variable_names_itself_in_one_line(name: str, value: str) -> None:
    with pytest.raises(InputError) as caught:
        load_settings({name: value})
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and repr(value) in message and "\n" not in message


def test_the_cli_ends_with_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SPINECOACH_PORT", "abc")
    assert main(["today"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spinecoach: error: SPINECOACH_PORT: ") and err.count("\n") == 1
