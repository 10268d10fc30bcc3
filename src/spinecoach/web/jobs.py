"""Video-upload analysis jobs: run ``analyze_file`` in a worker thread and report progress.

The uploaded file is written to a private directory (``<data_dir>/uploads``, 0700), analysed,
and deleted when the job ends whatever happens: the video is never stored, only the numbers
of the report.  The annotated copy the result page plays (skeleton and counts drawn on it)
lives in the same private directory for the newest :data:`KEPT_VIDEOS` jobs only, and goes
with the rest at shutdown.  Shutting down (SIGTERM, Ctrl+C) deletes the uploads still
queued or running, and start-up deletes any a crash (SIGKILL, power loss) left behind.

The real analyzer, :class:`EngineAnalyzer` (one per app), runs pose estimation on one
:class:`~spinecoach.pose.pool.PosePool` (the one ``spinecoach analyze`` uses for a batch),
shared by every upload of this process: it starts with the first upload, so MediaPipe loads
once per worker rather than once per video, and stops when the app shuts down.  Up to two
uploads are analysed at a time, so one's decoding and report overlap the other's pose work.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from spinecoach.errors import InputError, NotFoundError, SpinecoachError
from spinecoach.files import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, hide_paths
from spinecoach.session.analysis_report import AnalysisReport
from spinecoach.web.schemas import AnalysisJob, TargetBand

if TYPE_CHECKING:
    from spinecoach.pose.pool import PosePool

_log = logging.getLogger(__name__)

ProgressCallback = Callable[[float], None]
Analyzer = Callable[[Path, str, ProgressCallback], AnalysisReport]
AnnotatingAnalyzer = Callable[[Path, str, ProgressCallback, Path], AnalysisReport]
KEPT_VIDEOS = 3
"""Annotated copies kept for the result page (the newest); all are deleted at shutdown."""

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".y4m", ".mjpeg", ".mpg")


class EngineAnalyzer:
    """:func:`spinecoach.compose.analyze_file` on a pose pool shared by all uploads.

    It also draws the skeleton and the counts onto an H.264 copy of the video
    (``annotates``), which the result page plays; the upload itself is still deleted.

    Parameters
    ----------
    workers
        Pose worker processes (default: the cores available).
    pool_factory
        Starts the pool (default: BlazePose workers); a test seam.
    """

    def __init__(
        self, workers: int | None = None, *, pool_factory: Callable[[], PosePool] | None = None
    ) -> None:
        self._workers = workers
        self._pool_factory = pool_factory
        self._pool: PosePool | None = None
        self._lock = threading.Lock()

    annotates = True

    def __call__(self, path: Path, exercise_id: str, progress: ProgressCallback,
                 annotate_path: Path | None = None) -> AnalysisReport:
        """Analyse one upload (the :data:`Analyzer` signature; optionally annotated)."""
        from spinecoach.compose import analyze_file

        def on_progress(done: int, total: int | None) -> None:
            progress(done / total if total else 0.0)

        return analyze_file(path, exercise_id, progress=on_progress, keep_frames=True,
                            annotate_path=annotate_path, pool=self._running_pool()).analysis

    def _running_pool(self) -> PosePool:
        from spinecoach.compose import start_pose_pool

        with self._lock:
            if self._pool is not None and self._pool.broken:
                self._pool.close()
                self._pool = None
            if self._pool is None:
                factory = self._pool_factory or (lambda: start_pose_pool(self._workers))
                self._pool = factory()
            return self._pool

    def close(self) -> None:
        """Stop the pool's workers (a later upload starts them again)."""
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


@dataclass
class _Job:
    id: str
    exercise_id: str
    owner_id: int
    status: str = "queued"
    progress: float = 0.0
    error: str | None = None
    result: AnalysisReport | None = None
    shown_name: str = "the video"
    key_angle: str | None = None
    target_band: TargetBand | None = None
    saved_session_id: int | None = None
    video_path: Path | None = None


class AnalysisJobs:
    """Runs up to two analyses at a time in background threads."""

    def __init__(self, analyzer: Analyzer, work_dir: Path) -> None:
        self.analyzer = analyzer
        self.work_dir = work_dir
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="analysis")
        self.sweep()

    def sweep(self) -> int:
        """Delete every upload in the work directory; return how many there were."""
        if not self.work_dir.is_dir():
            return 0
        removed = 0
        for path in self.work_dir.iterdir():
            if path.is_file() or path.is_symlink():
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def new_upload_path(self, suffix: str) -> Path:
        """Return a fresh private path for an upload."""
        self.work_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        self.work_dir.chmod(PRIVATE_DIR_MODE)
        return self.work_dir / f"{uuid.uuid4().hex}{suffix}"

    def submit(self, exercise_id: str, path: Path, *, owner_id: int,
               shown_name: str = "the video", key_angle: str | None = None,
               target_band: TargetBand | None = None) -> AnalysisJob:
        """Queue ``path`` for analysis; the file is deleted when the job ends.

        Only ``owner_id`` (the uploader's record) can read the job.  Error messages name the
        upload ``shown_name`` (the user's own file name), never the server's path.
        """
        job = _Job(id=uuid.uuid4().hex, exercise_id=exercise_id, owner_id=owner_id,
                   shown_name=shown_name, key_angle=key_angle, target_band=target_band)
        with self._lock:
            self._jobs[job.id] = job
        self._executor.submit(self._run, job, path)
        return self._view(job)

    def get(self, job_id: str, *, owner_id: int) -> AnalysisJob | None:
        """Return a job's state, or None (also when it is someone else's)."""
        with self._lock:
            job = self._jobs.get(job_id)
            return self._view(job) if job and job.owner_id == owner_id else None

    def save(self, job_id: str, store: Callable[[AnalysisReport, str], int], *,
             owner_id: int) -> int:
        """Save a finished job's report once with ``store`` (report, file name -> session id).

        Raises ``NotFoundError`` for an unknown job (also someone else's) and ``InputError``
        for one not finished or already saved; ``store`` raises ``SafetyBlockError`` when
        screening blocks.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.owner_id != owner_id:
                raise NotFoundError("No such analysis.")
            if job.status != "done" or job.result is None:
                raise InputError("This video has not been analysed yet.")
            if job.saved_session_id is not None:
                raise InputError("This video is already saved in your history.")
            job.saved_session_id = store(job.result, job.shown_name)
            return job.saved_session_id

    def _run(self, job: _Job, path: Path) -> None:
        def progress(fraction: float) -> None:
            job.progress = min(1.0, max(0.0, float(fraction)))

        job.status = "running"
        annotated = path.with_name(f"{job.id}.annotated.mp4")
        try:
            if getattr(self.analyzer, "annotates", False):
                annotating = cast("AnnotatingAnalyzer", self.analyzer)
                job.result = annotating(path, job.exercise_id, progress, annotated)
                self._keep_video(job, annotated)
            else:
                job.result = self.analyzer(path, job.exercise_id, progress)
            job.progress, job.status = 1.0, "done"
        except SpinecoachError as exc:
            self._fail(job, self._without_paths(str(exc), path, job))
        except (OSError, ValueError, RuntimeError) as exc:
            _log.exception("analysis failed")
            self._fail(job, self._without_paths(f"The video could not be analysed ({exc}).",
                                                path, job))
        finally:
            path.unlink(missing_ok=True)
            if job.video_path is None:  # failed, or nothing drawn: no copy is left behind
                annotated.unlink(missing_ok=True)

    def _fail(self, job: _Job, error: str) -> None:
        """Mark ``job`` failed with ``error`` at once: a reader never sees one without the other."""
        with self._lock:
            job.error, job.status = error, "failed"

    def video(self, job_id: str, *, owner_id: int) -> Path | None:
        """The annotated copy of a finished job's video, while it is kept (None: also when
        the job is someone else's)."""
        with self._lock:
            job = self._jobs.get(job_id)
            path = job.video_path if job and job.owner_id == owner_id else None
        return path if path is not None and path.is_file() else None

    def _keep_video(self, job: _Job, annotated: Path) -> None:
        """Keep ``annotated`` for ``job``; delete the copies past the newest few."""
        if not annotated.is_file() or annotated.stat().st_size == 0:
            annotated.unlink(missing_ok=True)
            return
        annotated.chmod(PRIVATE_FILE_MODE)
        with self._lock:
            job.video_path = annotated
            kept = [j for j in self._jobs.values() if j.video_path is not None]
            for old in kept[:-KEPT_VIDEOS]:
                assert old.video_path is not None
                old.video_path.unlink(missing_ok=True)
                old.video_path = None

    def shutdown(self) -> None:
        """Stop accepting jobs, stop the analyzer's pose workers and delete every upload."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        close = getattr(self.analyzer, "close", None)
        if callable(close):
            close()
        removed = self.sweep()
        if removed:
            _log.info("deleted %d uploaded video(s) not analysed before shutdown", removed)

    def _without_paths(self, message: str, path: Path, job: _Job) -> str:
        for server_path in (str(path), str(path.resolve()), str(self.work_dir)):
            message = message.replace(server_path, job.shown_name)
        return hide_paths(message)

    @staticmethod
    def _view(job: _Job) -> AnalysisJob:
        return AnalysisJob(id=job.id, exercise_id=job.exercise_id, status=job.status,
                           progress=job.progress, error=job.error, result=job.result,
                           key_angle=job.key_angle, target_band=job.target_band,
                           file_name=job.shown_name,
                           saved_session_id=job.saved_session_id,
                           video_url=f"/api/analyses/{job.id}/video.mp4"
                           if job.video_path is not None else None)
