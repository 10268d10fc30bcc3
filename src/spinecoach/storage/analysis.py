"""Save a ``spinecoach analyze`` JSON report as a video-mode session.

The report becomes one :class:`~spinecoach.session.records.SessionRecord` (mode ``video``)
with one set, its repetitions and good-form holds, and a stop event if a stop rule fired.
Times inside the report are seconds from the start of the video; the session starts at
``recorded_at`` (by default the file's modification time minus the video's duration, i.e. when
the recording began, or now when the file is gone).  Every write goes through the
:class:`~spinecoach.session.repository.Repository` port, so the in-memory fake works too; the
file path and the analysis summary are kept as a :class:`VideoAnalysis`.

A malformed report raises :class:`~spinecoach.errors.InputError` naming the bad field, before
anything is written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from spinecoach.domain.codes import FaultCode, StopCode
from spinecoach.errors import InputError, StorageError
from spinecoach.session.records import (
    HoldRecord,
    RepetitionRecord,
    SessionMode,
    SessionRecord,
    SessionStatus,
    SetMode,
    SetRecord,
    StopEventRecord,
    VideoAnalysis,
)
from spinecoach.session.repository import Repository


@dataclass(frozen=True)
class _Rep:
    start_s: float
    peak_s: float
    end_s: float
    side: str | None
    hold_s: float
    good_form: bool
    faults: tuple[FaultCode, ...]
    metrics: dict[str, float]


@dataclass(frozen=True)
class _Parsed:
    reps: list[_Rep]
    holds: list[tuple[float, float, float]]
    reps_done: int
    hold_good_form_s: float
    stop: tuple[str, float, str] | None
    fps: float | None
    frames: int | None
    duration_s: float | None


def _number(value: object, where: str, *, optional: bool = False) -> float:
    if value is None and optional:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"analysis report: {where} must be a finite number, got {value!r}")
    return float(value)


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(f"analysis report: {where} must be an object")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"analysis report: {where} must be a list")
    return value


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"analysis report: {where} must be true or false, got {value!r}")
    return value


def _metrics(values: Mapping[str, Any], where: str) -> dict[str, float]:
    """Named numbers; a value the tracker could not measure (null / NaN) is left out."""
    kept = {}
    for key, value in values.items():
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        kept[str(key)] = _number(value, f"{where}.{key}")
    return kept


def _parse_rep(item: object, where: str) -> _Rep:
    rep = _mapping(item, where)
    side = rep.get("side")
    if side is not None and not isinstance(side, str):
        raise InputError(f"analysis report: {where}.side must be a string or null")
    faults = _list(rep.get("faults", []), f"{where}.faults")
    unknown = [code for code in faults if code not in FaultCode.__members__.values()]
    if unknown:
        raise InputError(f"analysis report: {where}.faults: unknown fault code {unknown[0]!r}")
    metrics = _mapping(rep.get("metrics", {}), f"{where}.metrics")
    return _Rep(
        start_s=_number(rep.get("start_s"), f"{where}.start_s"),
        peak_s=_number(rep.get("peak_s"), f"{where}.peak_s"),
        end_s=_number(rep.get("end_s"), f"{where}.end_s"),
        side=side,
        hold_s=_number(rep.get("hold_s", 0.0), f"{where}.hold_s"),
        good_form=_flag(rep.get("good_form", False), f"{where}.good_form"),
        faults=tuple(FaultCode(str(code)) for code in faults),
        metrics=_metrics(metrics, f"{where}.metrics"),
    )


def _parse_stop(value: object, faults: list[Any]) -> tuple[str, float, str] | None:
    if value is None:
        return None
    stopped = _mapping(value, "stopped")
    code = stopped.get("code")
    if not isinstance(code, str) or not code:
        raise InputError("analysis report: stopped.code must be a non-empty string")
    if code not in StopCode.__members__.values():
        raise InputError(f"analysis report: stopped.code: unknown stop code {code!r}")
    at_s = _number(stopped.get("at_s"), "stopped.at_s")
    message = stopped.get("message")
    if not isinstance(message, str):
        matching = [f for f in faults if isinstance(f, Mapping) and f.get("code") == code]
        message = str(matching[0].get("message", code)) if matching else code
    return code, at_s, message


def _parse_report(report: Mapping[str, Any]) -> _Parsed:
    """Validate an ``analyze`` report; raise :class:`InputError` naming the bad field."""
    report = _mapping(report, "the report")
    source = _mapping(report.get("source", {}), "source")
    reps = [
        _parse_rep(item, f"repetitions[{i}]")
        for i, item in enumerate(_list(report.get("repetitions", []), "repetitions"))
    ]
    holds = []
    for i, item in enumerate(_list(report.get("holds", []), "holds")):
        hold = _mapping(item, f"holds[{i}]")
        start_s = _number(hold.get("start_s"), f"holds[{i}].start_s")
        end_s = _number(hold.get("end_s"), f"holds[{i}].end_s")
        duration_s = hold.get("duration_s", end_s - start_s)
        holds.append((start_s, end_s, _number(duration_s, f"holds[{i}].duration_s")))
    faults = _list(report.get("faults", []), "faults")
    duration_s = _number(source.get("duration_s"), "source.duration_s", optional=True)
    fps = _number(source.get("fps"), "source.fps", optional=True)
    frames = _number(source.get("frames"), "source.frames", optional=True)
    return _Parsed(
        reps=reps,
        holds=holds,
        reps_done=int(_number(report.get("reps", len(reps)), "reps")),
        hold_good_form_s=_number(report.get("hold_good_form_s", 0.0), "hold_good_form_s"),
        stop=_parse_stop(report.get("stopped"), faults),
        fps=None if math.isnan(fps) else fps,
        frames=None if math.isnan(frames) else int(frames),
        duration_s=None if math.isnan(duration_s) else duration_s,
    )


def default_recorded_at(source_path: Path, duration_s: float | None) -> datetime:
    """When the recording began: the file's modification time minus its duration (or now)."""
    try:
        modified = datetime.fromtimestamp(source_path.stat().st_mtime, tz=UTC)
    except OSError:
        return datetime.now(UTC)
    return modified - timedelta(seconds=duration_s or 0.0)


def save_analysis(
    repo: Repository,
    user_id: int,
    report: Mapping[str, Any],
    *,
    exercise_id: str,
    source_path: str | Path,
    recorded_at: datetime | None = None,
) -> SessionRecord:
    """Store an ``analyze`` report as a finished video-mode session and return it.

    Parameters
    ----------
    repo
        Where to write (each repetition is committed as it is written).
    user_id
        Whose session it is.
    report
        The JSON report of ``spinecoach analyze`` (already parsed).
    exercise_id
        The exercise analysed; must match ``report["exercise"]`` when that is present.
    source_path
        The video file (only its path is kept, never the video).
    recorded_at
        When the recording began (UTC); see :func:`default_recorded_at` for the default.

    Raises
    ------
    InputError
        When the report is malformed or is for another exercise.
    """
    named = report.get("exercise") if isinstance(report, Mapping) else None
    if named is not None and named != exercise_id:
        raise InputError(f"analysis report: exercise is {named!r}, expected {exercise_id!r}")
    parsed = _parse_report(report)
    path = Path(source_path)
    start = recorded_at or default_recorded_at(path, parsed.duration_s)
    session = repo.start_session(
        SessionRecord(user_id=user_id, started_at=start, mode=SessionMode.VIDEO)
    )
    session_id = _assigned(session.id)
    set_id = _save_set(repo, session_id, exercise_id, start, parsed)
    if parsed.stop is not None:
        _save_stop(repo, user_id, session_id, set_id, exercise_id, start, parsed.stop)
    repo.add_video_analysis(_provenance(session_id, exercise_id, path, report, parsed))
    status = SessionStatus.STOPPED if parsed.stop is not None else SessionStatus.COMPLETED
    end = start + timedelta(seconds=parsed.duration_s or 0.0)
    return repo.end_session(session_id, end, status)


def _save_set(
    repo: Repository, session_id: int, exercise_id: str, start: datetime, parsed: _Parsed
) -> int:
    first = repo.start_set(
        SetRecord(
            session_id=session_id,
            exercise_id=exercise_id,
            index=1,
            started_at=start,
            target_reps=None,
            target_hold_s=None,
            mode=SetMode.VIDEO,
        )
    )
    set_id = _assigned(first.id)
    for index, rep in enumerate(parsed.reps, start=1):
        repo.add_repetition(
            RepetitionRecord(
                set_id=set_id,
                index=index,
                side=rep.side,
                start_s=rep.start_s,
                peak_s=rep.peak_s,
                end_s=rep.end_s,
                hold_s=rep.hold_s,
                good_form=rep.good_form,
                faults=rep.faults,
                metrics=rep.metrics,
            )
        )
    for start_s, end_s, good_form_s in parsed.holds:
        repo.add_hold(
            HoldRecord(set_id=set_id, start_s=start_s, end_s=end_s, good_form_s=good_form_s)
        )
    repo.end_set(
        set_id,
        start + timedelta(seconds=parsed.duration_s or 0.0),
        reps_done=parsed.reps_done,
        hold_done_s=parsed.hold_good_form_s,
        stop_code=None if parsed.stop is None else StopCode(parsed.stop[0]),
    )
    return set_id


def _save_stop(
    repo: Repository,
    user_id: int,
    session_id: int,
    set_id: int,
    exercise_id: str,
    start: datetime,
    stop: tuple[str, float, str],
) -> None:
    code, at_s, message = stop
    repo.add_stop_event(
        StopEventRecord(
            user_id=user_id,
            at=start + timedelta(seconds=at_s),
            code=StopCode(code),
            message=message,
            session_id=session_id,
            set_id=set_id,
            exercise_id=exercise_id,
        )
    )


def _assigned(record_id: int | None) -> int:
    if record_id is None:
        raise StorageError("the repository did not assign an id")
    return record_id


def _provenance(
    session_id: int, exercise_id: str, path: Path, report: Mapping[str, Any], parsed: _Parsed
) -> VideoAnalysis:
    keys = ("tracking", "reps", "reps_by_side", "hold_good_form_s", "faults", "stopped")
    return VideoAnalysis(
        session_id=session_id,
        exercise_id=exercise_id,
        source_path=str(path),
        fps=parsed.fps,
        frames=parsed.frames,
        duration_s=parsed.duration_s,
        summary={key: report[key] for key in keys if key in report},
    )
