"""``spinecoach history``, ``export`` and ``report`` on a real SQLite database in a temp dir."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from spinecoach.cli import main
from spinecoach.reports.sample import build_sample_history
from spinecoach.session.services import DEFAULT_USER_NAME
from spinecoach.settings import load_settings
from spinecoach.storage import open_repository


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory holding four weeks of sample history for the default user."""
    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SPINECOACH_DATABASE_URL", raising=False)
    today = datetime.now(UTC).astimezone().date()
    with open_repository(load_settings()) as repo:
        build_sample_history(repo, name=DEFAULT_USER_NAME, first_day=today - timedelta(days=27))
    return tmp_path / "data"


def test_history_as_text_and_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    text = capsys.readouterr().out
    # the web app's local account has no name until a profile is saved: none is printed
    assert text.startswith("spinecoach history: ") and DEFAULT_USER_NAME not in text.split()
    assert "Back pain 6 → 3" in text and "does not replace a clinician" in text
    assert main(["history", "--days", "7", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["adherence"]["calendar"]) == 7
    today = datetime.now(UTC).astimezone().date()
    assert document["period"]["end"] == today.isoformat()
    assert document["disclaimer"].startswith("spinecoach does not replace a clinician")


def test_a_new_user_is_created_on_first_use(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "--user", "Sam", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["user"] == "Sam" and document["adherence"]["sessions_total"] == 0
    with open_repository(load_settings()) as repo:
        assert repo.find_user("Sam") is not None


def test_export_csv_zip_directory_and_json(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_repository(load_settings()) as repo:
        user = repo.find_user(DEFAULT_USER_NAME)
        assert user is not None and user.id is not None
        n_sessions = len(repo.sessions(user.id))
    assert n_sessions >= 20
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "x.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "x.zip") as archive:
        assert "repetitions.csv" in archive.namelist()
        assert archive.read("sessions.csv").decode().count("\n") == 1 + n_sessions
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "dir")]) == 0
    assert len(list((tmp_path / "dir").glob("*.csv"))) == 11
    assert main(["export", "--format", "json", "--out", str(tmp_path / "x.json")]) == 0
    document = json.loads((tmp_path / "x.json").read_text())
    assert len(document["tables"]["sessions"]) == n_sessions
    assert document["summary"]["user"] == DEFAULT_USER_NAME
    assert "Wrote" in capsys.readouterr().out


def test_report_pdf_and_html(data_dir: Path, tmp_path: Path) -> None:
    assert main(["report", "--format", "pdf", "--out", str(tmp_path / "r.pdf")]) == 0
    assert main(["report", "--out", str(tmp_path / "r.html"), "--days", "14"]) == 0
    assert "does not replace a clinician" in (tmp_path / "r.html").read_text()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "Patient: name not given" in text  # never the account name "me"
        assert "does not replace a clinician" in " ".join(text.split())


def test_bad_arguments_are_reported_not_raised(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--out", str(tmp_path / "r.txt")]) == 2
    assert "--format html or pdf" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["history", "--days", "0"])
    assert exit_info.value.code == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["export", "--format", "json", "--out", str(blocker / "x.json")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_a_saved_video_analysis_shows_in_the_history(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spinecoach.session.analysis_report import parse_report
    from spinecoach.session.services import save_analysis

    report = parse_report({
        "exercise": "hip-hinge",
        "source": {"name": "clip.mp4", "kind": "video", "fps": 30.0, "frames": 300,
                   "duration_s": 10.0},
        "tracking": {"detected_frames": 300, "untracked": [], "side": "left",
                     "form_not_judged_s": 0.0, "setup_problems": []},
        "reps": 2,
        "reps_by_side": {"left": 1, "right": 1},
        "repetitions": [
            {"index": 1, "start_s": 1.0, "peak_s": 2.0, "end_s": 3.0, "side": "left",
             "hold_s": 0.0, "good_form": True, "faults": [], "metrics": {}},
            {"index": 2, "start_s": 4.0, "peak_s": 5.0, "end_s": 6.0, "side": "right",
             "hold_s": 0.0, "good_form": False, "faults": ["lumbar_arch"], "metrics": {}},
        ],
        "holds": [],
        "hold_good_form_s": 0.0,
        "faults": [],
        "stopped": None,
        "limitations": [],
    })
    with open_repository(load_settings()) as repo:
        user = repo.find_user(DEFAULT_USER_NAME)
        assert user is not None and user.id is not None
        session = save_analysis(repo, user.id, report, source_path="clip.mp4",
                                recorded_at=datetime.now(UTC), now=datetime.now(UTC))
    assert main(["history", "--days", "1", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    points = document["exercises"]["hip-hinge"]["points"]
    assert [p["value"] for p in points if p["session_id"] == session.id] == [50.0]
    out = data_dir.parent / "export.json"
    assert main(["export", "--format", "json", "--out", str(out)]) == 0
    (video,) = json.loads(out.read_text())["tables"]["video_analyses"]
    assert (video["session_id"], video["source_path"], video["frames"]) == (
        session.id, "clip.mp4", 300
    )
