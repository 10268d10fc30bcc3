"""Export a user's records as CSV (one file per table; a directory or a .zip) and JSON.

Values are written the same way in both formats: enums as their string value, times as ISO
8601 in UTC, tuples as lists; a dose is split into ``*_sets``, ``*_reps``, ``*_hold_s`` and
``*_rest_s`` columns.  In CSV, lists and objects (answers, metrics, faults) are JSON text.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from spinecoach.domain.dose import Dose
from spinecoach.errors import InputError
from spinecoach.files import PRIVATE_DIR_MODE, write_private
from spinecoach.reports.data import HistoryData
from spinecoach.reports.serialise import summary_to_dict
from spinecoach.reports.summary import HistorySummary
from spinecoach.session.records import (
    CheckIn,
    HoldRecord,
    Prescription,
    ProgrammeChange,
    RepetitionRecord,
    ScreeningRecord,
    SessionRecord,
    SetRecord,
    StopEventRecord,
    User,
    VideoAnalysis,
)

EXPORT_FORMAT = "spinecoach-export"
EXPORT_VERSION = 1
_DOSE_FIELDS = [f.name for f in dataclasses.fields(Dose)]


def json_value(value: Any) -> Any:
    """Turn one record value into a JSON-ready value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def record_row(record: Any) -> dict[str, Any]:
    """Flatten one record dataclass into a row (``id`` first)."""
    row: dict[str, Any] = {"id": record.id}
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        if item.name == "id":
            continue
        if item.name.endswith("_dose"):
            for name in _DOSE_FIELDS:
                row[f"{item.name}_{name}"] = None if value is None else getattr(value, name)
            continue
        row[item.name] = json_value(value)
    return row


def tables(data: HistoryData) -> dict[str, list[dict[str, Any]]]:
    """Every table of the export: name -> rows."""
    parts: dict[str, Sequence[Any]] = {
        "users": [data.user],
        "screenings": data.screenings,
        "checkins": data.checkins,
        "prescriptions": data.prescriptions,
        "programme_changes": data.programme_changes,
        "sessions": data.sessions,
        "sets": data.sets,
        "repetitions": data.repetitions,
        "holds": data.holds,
        "stop_events": data.stop_events,
        "video_analyses": data.video_analyses,
    }
    return {name: [record_row(r) for r in records] for name, records in parts.items()}


def _csv_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in row.items()}
        )
    return buffer.getvalue()


_RECORD_TYPES: dict[str, type[Any]] = {
    "users": User,
    "screenings": ScreeningRecord,
    "checkins": CheckIn,
    "prescriptions": Prescription,
    "programme_changes": ProgrammeChange,
    "sessions": SessionRecord,
    "sets": SetRecord,
    "repetitions": RepetitionRecord,
    "holds": HoldRecord,
    "stop_events": StopEventRecord,
    "video_analyses": VideoAnalysis,
}


def columns_of(name: str) -> list[str]:
    """The CSV columns of table ``name`` (so an empty table still has its header)."""
    columns = ["id"]
    for item in dataclasses.fields(_RECORD_TYPES[name]):
        if item.name == "id":
            continue
        if item.name.endswith("_dose"):
            columns += [f"{item.name}_{n}" for n in _DOSE_FIELDS]
        else:
            columns.append(item.name)
    return columns


def _csv_files(data: HistoryData) -> dict[str, str]:
    return {f"{name}.csv": _csv_text(rows, columns_of(name)) for name, rows in tables(data).items()}


def csv_zip(data: HistoryData) -> bytes:
    """Every table as a CSV file in a zip archive, in memory (the web app's download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in _csv_files(data).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def export_csv(data: HistoryData, out: Path) -> list[str]:
    """Write one CSV per table into ``out`` (a directory, or a ``.zip`` file); return names."""
    files = _csv_files(data)
    try:
        if out.suffix.lower() == ".zip":
            out.parent.mkdir(parents=True, exist_ok=True)
            write_private(out, csv_zip(data))
        else:
            out.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
            for name, text in files.items():
                write_private(out / name, text)
    except OSError as exc:
        raise InputError(f"cannot write the export to {out}: {exc}") from exc
    return sorted(files)


def export_document(data: HistoryData, summary: HistorySummary | None = None) -> dict[str, Any]:
    """The JSON export as a dictionary: every table, plus the summary when given."""
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "user": data.user.name,
        "tables": tables(data),
    }
    if summary is not None:
        document["exported_at"] = json_value(summary.generated_at)
        document["summary"] = summary_to_dict(summary)
    return document


def export_json(data: HistoryData, out: Path, summary: HistorySummary | None = None) -> None:
    """Write the JSON export to the file ``out``."""
    text = json.dumps(export_document(data, summary), indent=2, ensure_ascii=False)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_private(out, text + "\n")
    except OSError as exc:
        raise InputError(f"cannot write the export to {out}: {exc}") from exc
