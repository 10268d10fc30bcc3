"""Speech, exercise pictures and video uploads."""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response

from spinecoach.errors import InputError
from spinecoach.files import PRIVATE_FILE_MODE
from spinecoach.web.auth import require_account
from spinecoach.web.bands import target_band
from spinecoach.web.deps import ContextDep, UserDep
from spinecoach.web.jobs import VIDEO_SUFFIXES
from spinecoach.web.schemas import AnalysisJob, ErrorOut, SaveAnalysisIn, SavedAnalysis
from spinecoach.web.wiring import key_angle

router = APIRouter(prefix="/api", tags=["media"], dependencies=[Depends(require_account)],
                   responses={400: {"model": ErrorOut}, 401: {"model": ErrorOut},
                              403: {"model": ErrorOut}, 404: {"model": ErrorOut}})
_CHUNK = 1 << 20
MAX_SHOWN_NAME = 120  # characters of the uploaded file's name kept for messages


@router.get("/speech", response_class=Response,
            responses={200: {"content": {"audio/wav": {}}}, 503: {"model": ErrorOut}})
async def speech(ctx: ContextDep, text: Annotated[str, Query(max_length=200)]) -> Response:
    """Speak ``text`` with espeak-ng (503 when unavailable: use the browser's voice)."""
    wav = await run_in_threadpool(ctx.speech.wav, text)
    return Response(wav, media_type="audio/wav", headers={"Cache-Control": "max-age=86400"})


@router.get("/exercises/{exercise_id}/picture.png", response_class=Response,
            responses={200: {"content": {"image/png": {}}}})
async def picture(exercise_id: str, ctx: ContextDep, user: UserDep,
                  phase: str = "target") -> Response:
    """A picture of the position, drawn with the project's synthetic figure."""
    if phase not in ("start", "target"):
        raise InputError("phase must be 'start' or 'target'")
    user.exercise(exercise_id)
    png = await run_in_threadpool(ctx.pictures.png, exercise_id, phase)
    return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=3600"})


async def _save_upload(upload: UploadFile, dest: Path, max_bytes: int) -> None:
    size = 0
    with open(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE),
              "wb") as out:
        while chunk := await upload.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                dest.unlink(missing_ok=True)
                raise HTTPException(413, f"The video is larger than {max_bytes >> 20} MB.")
            out.write(chunk)
    if size == 0:
        dest.unlink(missing_ok=True)
        raise InputError("The file is empty.")


@router.post("/analyses", status_code=202, responses={413: {"model": ErrorOut}})
async def upload_video(
    ctx: ContextDep, user: UserDep,
    video: Annotated[UploadFile, File(description="a video of one exercise, filmed side-on")],
    exercise_id: Annotated[str, Form(min_length=1)],
) -> AnalysisJob:
    """Upload a video for analysis; poll ``/api/analyses/{id}`` for progress."""
    user.check_may_change()
    user.exercise(exercise_id)
    name = PurePath(video.filename or "").name[-MAX_SHOWN_NAME:]
    suffix = PurePath(name).suffix.lower()
    is_video = (video.content_type or "").startswith("video/")
    if suffix not in VIDEO_SUFFIXES and not is_video:
        raise InputError("This file does not look like a video. Please choose an MP4, MOV or "
                         "WebM recording.")
    # the stored name is ours: a known suffix (the decoder may use it) and nothing else
    dest = ctx.jobs.new_upload_path(suffix if suffix in VIDEO_SUFFIXES else ".video")
    await _save_upload(video, dest, ctx.settings.max_upload_mb << 20)
    return ctx.jobs.submit(exercise_id, dest, owner_id=user.user_id,
                           shown_name=name or "the video",
                           key_angle=key_angle(exercise_id),
                           target_band=target_band(exercise_id))


@router.post("/analyses/{job_id}/save", status_code=201,
             responses={409: {"model": ErrorOut}})
def save_analysis(job_id: str, ctx: ContextDep, user: UserDep,
                  data: SaveAnalysisIn | None = None) -> SavedAnalysis:
    """Save an analysed video to the history, as done on ``done_on`` (default today; 409
    when screening blocks exercise)."""
    user.check_may_change()
    done_on = data.done_on if data else None
    session_id = ctx.jobs.save(
        job_id, lambda report, name: user.save_analysis(report, name, done_on=done_on),
        owner_id=user.user_id)
    return SavedAnalysis(session_id=session_id, job_id=job_id)


@router.get("/analyses/{job_id}/video.mp4", response_class=FileResponse,
            responses={200: {"content": {"video/mp4": {}}}})
def analysis_video(job_id: str, ctx: ContextDep, user: UserDep) -> FileResponse:
    """The analysed video with the skeleton and counts drawn on it (while it is kept; the
    uploader's only)."""
    path = ctx.jobs.video(job_id, owner_id=user.user_id)
    if path is None:
        raise HTTPException(404, "This video is no longer kept. Upload it again to see it.")
    return FileResponse(path, media_type="video/mp4", headers={"Cache-Control": "no-store"})


@router.get("/analyses/{job_id}")
def analysis(job_id: str, ctx: ContextDep, user: UserDep) -> AnalysisJob:
    """Progress and, when done, the report of an uploaded video (the uploader's only)."""
    job = ctx.jobs.get(job_id, owner_id=user.user_id)
    if job is None:
        raise HTTPException(404, "No such analysis.")
    return job
