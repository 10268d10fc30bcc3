"""The JSON API under ``/api/``: thin handlers over the backend."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from spinecoach import __version__
from spinecoach.web.deps import BackendDep, ContextDep
from spinecoach.web.schemas import (
    CheckInIn,
    CheckInOut,
    ErrorOut,
    ExerciseInfo,
    Health,
    History,
    ManualSetIn,
    Question,
    ScreeningIn,
    ScreeningOut,
    SessionOut,
    SessionSummary,
    SetOut,
    Status,
    Today,
)

router = APIRouter(prefix="/api", responses={400: {"model": ErrorOut}, 409: {"model": ErrorOut}})


@router.get("/health", tags=["meta"])
def health(ctx: ContextDep) -> Health:
    """Say the server is up and which optional parts work."""
    return Health(version=__version__, speech=ctx.speech.available, engine=ctx.engine_ready)


@router.get("/status", tags=["safety"])
def status(backend: BackendDep) -> Status:
    """Whether the user is screened and may exercise today."""
    return backend.status()


@router.get("/screening/questions", tags=["safety"])
def questions(backend: BackendDep, full: bool = True) -> list[Question]:
    """The red-flag questionnaire (``full=false``: the short re-check before a session)."""
    return backend.questions(full)


@router.post("/screening", tags=["safety"])
def screen(answers: ScreeningIn, backend: BackendDep) -> ScreeningOut:
    """Run and store a screening; any outcome but ``ok`` blocks exercise."""
    return backend.screen(answers)


@router.post("/checkins", tags=["safety"])
def checkin(data: CheckInIn, backend: BackendDep) -> CheckInOut:
    """Store a symptom check-in and report the stop rules it triggered."""
    return backend.checkin(data)


@router.get("/exercises", tags=["programme"])
def exercises(backend: BackendDep) -> list[ExerciseInfo]:
    """The exercise library."""
    return backend.exercises()


@router.get("/exercises/{exercise_id}", tags=["programme"])
def exercise(exercise_id: str, backend: BackendDep) -> ExerciseInfo:
    """One exercise with its instructions."""
    return backend.exercise(exercise_id)


@router.get("/today", tags=["programme"])
def today(backend: BackendDep) -> Today:
    """Today's plan with doses and reasons."""
    return backend.today()


@router.post("/sessions", tags=["sessions"], status_code=201)
def start_session(backend: BackendDep) -> SessionOut:
    """Start today's session (409 when exercise is blocked)."""
    return backend.start_session()


@router.get("/sessions/{session_id}", tags=["sessions"])
def get_session(session_id: int, backend: BackendDep) -> SessionSummary:
    """One session with its sets and check-ins."""
    return backend.session(session_id)


@router.post("/sessions/{session_id}/manual-sets", tags=["sessions"], status_code=201)
def manual_set(session_id: int, data: ManualSetIn, backend: BackendDep) -> SetOut:
    """Record a set done without the camera."""
    return backend.record_manual_set(session_id, data)


@router.post("/sessions/{session_id}/finish", tags=["sessions"])
def finish_session(session_id: int, backend: BackendDep) -> SessionSummary:
    """Close a session and return its summary."""
    return backend.finish_session(session_id)


@router.get("/history", tags=["history"])
def history(backend: BackendDep) -> History:
    """Sessions, symptom trends and per-exercise numbers for the charts."""
    return backend.history()


@router.get("/export.json", tags=["history"])
def export_json(backend: BackendDep) -> dict[str, object]:
    """Everything stored, as JSON."""
    return backend.export_json()


@router.get("/export.zip", tags=["history"], response_class=Response,
            responses={200: {"content": {"application/zip": {}}}})
async def export_csv(backend: BackendDep) -> Response:
    """Everything stored, as CSV files (one per table) in a zip archive."""
    data = await run_in_threadpool(backend.export_csv_zip)
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": 'attachment; filename="spinecoach-export.zip"'})


@router.get("/report.html", tags=["history"], response_class=HTMLResponse)
async def report_html(backend: BackendDep) -> HTMLResponse:
    """The one-page clinician report, printable."""
    return HTMLResponse(await run_in_threadpool(backend.report_html))


@router.get("/report.pdf", tags=["history"], response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
async def report_pdf(backend: BackendDep) -> Response:
    """The one-page clinician report as PDF."""
    data = await run_in_threadpool(backend.report_pdf)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="spinecoach-report.pdf"'})
