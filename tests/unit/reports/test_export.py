"""CSV (directory or zip) and JSON exports of every record."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from spinecoach.errors import InputError
from spinecoach.reports.data import HistoryData
from spinecoach.reports.export import columns_of, export_csv, export_json, tables
from spinecoach.reports.summary import HistorySummary

TABLES = ["checkins", "holds", "prescriptions", "programme_changes", "repetitions",
          "screenings", "sessions", "sets", "stop_events", "users", "video_analyses"]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_into_a_directory_one_file_per_table(history: HistoryData, tmp_path: Path) -> None:
    names = export_csv(history, tmp_path / "out")
    assert names == [f"{t}.csv" for t in TABLES]
    sessions = _rows((tmp_path / "out" / "sessions.csv").read_text())
    assert len(sessions) == 20
    assert sessions[0]["mode"] == "camera" and sessions[0]["started_at"].endswith("+00:00")
    reps = _rows((tmp_path / "out" / "repetitions.csv").read_text())
    assert len(reps) == len(history.repetitions)
    squat = next(r for r in reps if r["metrics"] != "{}")
    assert json.loads(squat["metrics"]) == {"thigh_deg_at_peak": 30.0}
    # an empty table still has its header, doses split into columns
    header = (tmp_path / "out" / "programme_changes.csv").read_text().splitlines()
    assert header == [",".join(columns_of("programme_changes"))]
    assert "old_dose_hold_s" in header[0] and "new_dose_sets" in header[0]


def test_csv_into_a_zip(history: HistoryData, tmp_path: Path) -> None:
    export_csv(history, tmp_path / "export.zip")
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        assert sorted(archive.namelist()) == [f"{t}.csv" for t in TABLES]
        users = _rows(archive.read("users.csv").decode())
    assert [u["name"] for u in users] == ["Jane Doe"]


def test_json_has_every_table_and_the_summary(
    history: HistoryData, summary: HistorySummary, tmp_path: Path
) -> None:
    export_json(history, tmp_path / "sub" / "export.json", summary)
    document = json.loads((tmp_path / "sub" / "export.json").read_text())
    assert document["format"] == "spinecoach-export" and document["version"] == 1
    assert sorted(document["tables"]) == TABLES
    assert len(document["tables"]["checkins"]) == 40
    assert document["tables"]["checkins"][0]["furthest_symptom"] == "below_knee"
    assert document["summary"]["pain"]["leg"]["direction"] == "improved"
    assert tables(history)["stop_events"][0]["code"] == "peripheralisation"


def test_an_unwritable_destination_is_an_input_error(
    history: HistoryData, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot write"):
        export_csv(history, blocker / "dir")
    with pytest.raises(InputError, match="cannot write"):
        export_json(history, blocker / "x.json")
