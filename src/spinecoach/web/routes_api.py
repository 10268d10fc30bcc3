"""The JSON API under ``/api/``: thin handlers over the signed-in account's view of a record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from spinecoach import __version__
from spinecoach.web.auth import require_account
from spinecoach.web.deps import ContextDep, UserDep
from spinecoach.web.schemas import (
    MAX_ID,
    CheckInIn,
    CheckInOut,
    ErrorOut,
    ExerciseInfo,
    Health,
    History,
    ManualSetIn,
    ProfileIn,
    ProfileOut,
    Question,
    ScreeningIn,
    ScreeningOut,
    SessionOut,
    SessionSummary,
    SetOut,
    Status,
    Today,
)

# The report is one self-contained page: its styles are inline, its charts inline SVG.
REPORT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                 "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

SessionId = Annotated[int, Path(ge=1, le=MAX_ID, description="the session's id")]

# Every route needs a session (401 without; 403 for a change without its CSRF token or by a
# clinician); a clinician reads a linked patient's record with ?patient=ID.
router = APIRouter(prefix="/api", dependencies=[Depends(require_account)], responses={
    400: {"model": ErrorOut}, 401: {"model": ErrorOut}, 403: {"model": ErrorOut},
    404: {"model": ErrorOut}, 409: {"model": ErrorOut}})


@router.get("/health", tags=["meta"])
def health(ctx: ContextDep) -> Health:
    """Say the server is up and which optional parts work."""
    return Health(version=__version__, speech=ctx.speech.available)


@router.get("/status", tags=["safety"])
def status(user: UserDep) -> Status:
    """Whether the user is screened and may exercise today."""
    return user.status()


@router.get("/screening/questions", tags=["safety"])
def questions(user: UserDep, full: bool = True) -> list[Question]:
    """The red-flag questionnaire (``full=false``: the short re-check before a session)."""
    return user.questions(full)


@router.post("/screening", tags=["safety"])
def screen(answers: ScreeningIn, user: UserDep) -> ScreeningOut:
    """Run and store a screening; any outcome but ``ok`` blocks exercise."""
    return user.screen(answers)


@router.post("/checkins", tags=["safety"])
def checkin(data: CheckInIn, user: UserDep) -> CheckInOut:
    """Store a symptom check-in and report the stop rules it triggered."""
    return user.checkin(data)


@router.get("/profile", tags=["profile"])
def profile(user: UserDep) -> ProfileOut:
    """Your name for the report and the clinician it is for (empty before the first save)."""
    return user.profile()


@router.put("/profile", tags=["profile"])
def save_profile(data: ProfileIn, user: UserDep) -> ProfileOut:
    """Save the profile (the report uses it from now on)."""
    return user.save_profile(data)


@router.get("/exercises", tags=["programme"])
def exercises(user: UserDep) -> list[ExerciseInfo]:
    """The exercise library."""
    return user.exercises()


@router.get("/exercises/{exercise_id}", tags=["programme"])
def exercise(exercise_id: str, user: UserDep) -> ExerciseInfo:
    """One exercise with its instructions."""
    return user.exercise(exercise_id)


@router.get("/today", tags=["programme"])
def today(user: UserDep) -> Today:
    """Today's plan with doses and reasons."""
    return user.today()


@router.post("/sessions", tags=["sessions"], status_code=201)
def start_session(user: UserDep) -> SessionOut:
    """Start today's session (409 when exercise is blocked)."""
    return user.start_session()


@router.get("/sessions/{session_id}", tags=["sessions"])
def get_session(session_id: SessionId, user: UserDep) -> SessionSummary:
    """One session with its sets and check-ins."""
    return user.session(session_id)


@router.post("/sessions/{session_id}/manual-sets", tags=["sessions"], status_code=201)
def manual_set(session_id: SessionId, data: ManualSetIn, user: UserDep) -> SetOut:
    """Record a set done without the camera."""
    return user.record_manual_set(session_id, data)


@router.post("/sessions/{session_id}/finish", tags=["sessions"])
def finish_session(session_id: SessionId, user: UserDep) -> SessionSummary:
    """Close a session and return its summary."""
    return user.finish_session(session_id)


@router.get("/history", tags=["history"])
def history(
    user: UserDep,
    limit: Annotated[int, Query(ge=1, le=100, description="sessions per page")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="newer sessions to skip")] = 0,
    days: Annotated[int, Query(ge=1, le=366, description="days the charts cover")] = 28,
) -> History:
    """A page of sessions (the newest first page), symptom trends and per-exercise numbers."""
    return user.history(limit=limit, offset=offset, days=days)


@router.get("/export.json", tags=["history"])
def export_json(user: UserDep) -> dict[str, object]:
    """Everything stored, as JSON."""
    return user.export_json()


@router.get("/export.zip", tags=["history"], response_class=Response,
            responses={200: {"content": {"application/zip": {}}}})
async def export_csv(user: UserDep) -> Response:
    """Everything stored, as CSV files (one per table) in a zip archive."""
    data = await run_in_threadpool(user.export_csv_zip)
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": 'attachment; filename="spinecoach-export.zip"'})


# an HTML route's errors are still JSON (FastAPI would document them as text/html)
_JSON_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut, "content": {"application/json": {}}} for code in (400, 401, 403, 404)}


@router.get("/report.html", tags=["history"], response_class=HTMLResponse,
            responses=_JSON_ERRORS)
async def report_html(user: UserDep) -> HTMLResponse:
    """The one-page clinician report, printable."""
    return HTMLResponse(await run_in_threadpool(user.report_html),
                        headers={"Content-Security-Policy": REPORT_POLICY})


@router.get("/report.pdf", tags=["history"], response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
async def report_pdf(user: UserDep) -> Response:
    """The one-page clinician report as PDF."""
    data = await run_in_threadpool(user.report_pdf)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="spinecoach-report.pdf"'})
