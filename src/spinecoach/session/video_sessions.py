"""Save an analysed recording as a video-mode session, after the same safety guard as every start.

The report becomes one :class:`~spinecoach.session.records.SessionRecord` (mode ``video``)
with one set, its repetitions and good-form holds, a stop event if a stop rule fired, and a
:class:`~spinecoach.session.records.VideoAnalysis` keeping the file's path and the summary
(never the video).  Times inside the report are seconds from the start of the video; the
session starts at ``recorded_at`` (by default the file's modification time minus the video's
duration, i.e. when the recording began, or now when the file is gone).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from spinecoach.domain.dates import local_date
from spinecoach.domain.exercises import get_exercise
from spinecoach.errors import StorageError
from spinecoach.session.analysis_report import AnalysisReport
from spinecoach.session.guards import assert_may_exercise
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

SUMMARY_KEYS = ("tracking", "reps", "reps_by_side", "hold_good_form_s", "faults", "stopped")
"""The parts of the report kept with the session (the rest is in its own records)."""


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
    report: AnalysisReport,
    *,
    source_path: str | Path,
    now: datetime,
    recorded_at: datetime | None = None,
) -> SessionRecord:
    """Store an analysed recording as a finished video-mode session and return it.

    Parameters
    ----------
    repo
        Where to write (each repetition is committed as it is written).
    user_id
        Whose session it is.
    report
        The analysis (``AnalysisRun.analysis``, or :func:`parse_report` of its JSON).
    source_path
        The video file (only its path is kept, never the video).
    now
        The current time: the safety guard is checked for its day.
    recorded_at
        When the recording began (UTC); see :func:`default_recorded_at` for the default.

    Raises
    ------
    SafetyBlockError
        When screening blocks exercise (an older recording needs no re-check today).
    UnknownExerciseError
        When the report is for an exercise that is not in the library.
    """
    get_exercise(report.exercise)
    assert_may_exercise(repo, user_id, local_date(now), require_today=False)
    path = Path(source_path)
    duration_s = report.source.duration_s
    start = recorded_at or default_recorded_at(path, duration_s)
    session = repo.start_session(
        SessionRecord(user_id=user_id, started_at=start, mode=SessionMode.VIDEO)
    )
    session_id = _assigned(session.id)
    set_id = _save_set(repo, session_id, start, report)
    if report.stopped is not None:
        repo.add_stop_event(StopEventRecord(
            user_id=user_id, at=start + timedelta(seconds=report.stopped.at_s),
            code=report.stopped.code, message=report.stopped.message, session_id=session_id,
            set_id=set_id, exercise_id=report.exercise, at_s=report.stopped.at_s,
        ))
    document = report.to_json()
    repo.add_video_analysis(VideoAnalysis(
        session_id=session_id, exercise_id=report.exercise, source_path=str(path),
        fps=report.source.fps, frames=report.source.frames, duration_s=duration_s,
        summary={key: document[key] for key in SUMMARY_KEYS if key in document},
    ))
    status = SessionStatus.STOPPED if report.stopped is not None else SessionStatus.COMPLETED
    return repo.end_session(session_id, start + timedelta(seconds=duration_s), status)


def _save_set(repo: Repository, session_id: int, start: datetime, report: AnalysisReport) -> int:
    first = repo.start_set(SetRecord(
        session_id=session_id, exercise_id=report.exercise, index=1, started_at=start,
        target_reps=None, target_hold_s=None, mode=SetMode.VIDEO,
    ))
    set_id = _assigned(first.id)
    for index, rep in enumerate(report.repetitions, start=1):
        repo.add_repetition(RepetitionRecord(
            set_id=set_id, index=index, side=rep.side, start_s=rep.start_s, peak_s=rep.peak_s,
            end_s=rep.end_s, hold_s=rep.hold_s, good_form=rep.good_form,
            faults=tuple(rep.faults), metrics=dict(rep.metrics),
        ))
    for hold in report.holds:
        repo.add_hold(HoldRecord(set_id=set_id, start_s=hold.start_s, end_s=hold.end_s,
                                 good_form_s=hold.duration_s))
    repo.end_set(
        set_id, start + timedelta(seconds=report.source.duration_s), reps_done=report.reps,
        hold_done_s=report.hold_good_form_s,
        stop_code=report.stopped.code if report.stopped else None,
    )
    return set_id


def _assigned(record_id: int | None) -> int:
    if record_id is None:
        raise StorageError("the repository did not assign an id")
    return record_id
