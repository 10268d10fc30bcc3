"""The HTML pages: server-rendered shells; the JSON API and small ES modules do the rest.

Every page needs a session (without one: a redirect to ``/signin``); a clinician sees a
linked patient's pages read-only with ``?patient=ID``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from spinecoach.session.records import Role
from spinecoach.web.auth import get_context
from spinecoach.web.deps import AccountDep, UserDep, get_user
from spinecoach.web.local_user import LocalUser
from spinecoach.web.schemas import MAX_ID, TodayItem

SessionId = Annotated[int, Path(ge=1, le=MAX_ID)]

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    account = getattr(request.state, "account", None)  # set by the session check
    who = None
    if account is not None:
        # The name the person gave in their details (their own, even while a clinician
        # reads a patient's record), else the account's sign-in name.
        saved = get_context(request).repo.latest_profile(account.user.id)
        who = (saved.display_name if saved else None) or account.user.name
    return templates.TemplateResponse(request, name,
                                      {"account": account, "signed_in_as": who, **context})


def _patients_own_page(user: UserDep) -> LocalUser:
    """For a page only the patient uses (screening, sessions, uploads): a clinician reading
    the record is sent to the patient's progress instead of a form they could not send."""
    if user.read_only:
        raise HTTPException(status.HTTP_303_SEE_OTHER, "This page is the patient's own.",
                            headers={"Location": f"/history?patient={user.user_id}"})
    return user


PatientDep = Annotated[LocalUser, Depends(_patients_own_page)]


@router.get("/")
def home(account: AccountDep, request: Request) -> Response:
    """Send a clinician to their patients, a new patient to the screening, others to today."""
    if account.user.role is Role.CLINICIAN:
        return RedirectResponse("/patients", status_code=303)
    status = get_user(request, account).status()
    return RedirectResponse("/today" if status.screened else "/screening", status_code=303)


@router.get("/screening")
def screening(request: Request, user: PatientDep) -> HTMLResponse:
    """The red-flag questionnaire and the baseline check-in."""
    return _page(request, "screening.html", title="Safety check",
                 questions=user.questions(True), status=user.status(),
                 last=user.last_answers(fresh_ok=False))


@router.get("/today")
def today(request: Request, user: PatientDep) -> HTMLResponse:
    """Today's exercises with instructions, pictures and doses."""
    return _page(request, "today.html", title="Today", today=user.today(),
                 status=user.status())


@router.get("/checkin")
def checkin(request: Request, user: PatientDep, when: str = "before",
            session: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> HTMLResponse:
    """The check-in before or after a session (with today's safety re-check when due)."""
    recheck = user.questions(False) if when == "before" and user.status().needs_recheck \
        else []
    return _page(request, "checkin.html", title="How are you feeling?", when=when,
                 session_id=session, recheck=recheck,
                 last=user.last_answers(fresh_ok=when == "before"))


@router.get("/session/{session_id}")
def session_hub(request: Request, session_id: SessionId, user: PatientDep) -> HTMLResponse:
    """The session in progress: each exercise, with or without the camera."""
    return _page(request, "session.html", title="Your session", today=user.today(),
                 session=user.session(session_id))


def _exercise_page(request: Request, template: str, session_id: SessionId, exercise_id: str,
                   user: LocalUser) -> HTMLResponse:
    exercise = user.exercise(exercise_id)
    items = user.today().items
    item = next((i for i in items if i.exercise.id == exercise_id), None)
    done_by_exercise = user.sets_done_today_by_exercise()
    done = done_by_exercise.get(exercise_id, 0)  # a second session today carries on
    sets = item.sets if item else 1
    return _page(request, template, title=exercise.name, exercise=exercise, item=item,
                 session_id=session_id, last=user.last_answers(fresh_ok=False),
                 done_today=done, first_set=min(done + 1, sets),
                 next_item=_next_item(items, exercise_id, done_by_exercise))


def _next_item(items: list[TodayItem], current: str,
               done: dict[str, int]) -> TodayItem | None:
    """The exercise to offer when this one is complete: the first one of today's plan after
    it (then before it) that is not stopped and still has sets to do; None when all are."""
    at = next((n for n, i in enumerate(items) if i.exercise.id == current), len(items))
    for item in items[at + 1:] + items[:at]:
        if item.stopped_today is None and done.get(item.exercise.id, 0) < item.sets:
            return item
    return None


@router.get("/session/{session_id}/coach/{exercise_id}")
def coach(request: Request, session_id: SessionId, exercise_id: str,
          user: PatientDep) -> HTMLResponse:
    """Live coaching with the camera."""
    return _exercise_page(request, "coach.html", session_id, exercise_id, user)


@router.get("/session/{session_id}/timer/{exercise_id}")
def timer(request: Request, session_id: SessionId, exercise_id: str,
          user: PatientDep) -> HTMLResponse:
    """The no-camera mode: a timer with spoken counts and manual entry."""
    return _exercise_page(request, "timer.html", session_id, exercise_id, user)


@router.get("/summary/{session_id}")
def summary(request: Request, session_id: SessionId, user: UserDep) -> HTMLResponse:
    """The session summary."""
    exercises = user.exercises()
    return _page(request, "summary.html", title="Session summary",
                 session=user.session(session_id),
                 names={e.id: e.name for e in exercises},
                 # a plank is one hold, not reps: its row shows the hold only
                 holds_only={e.id for e in exercises if e.kind == "plank"})


@router.get("/history")
def history(request: Request, user: UserDep) -> HTMLResponse:
    """History with charts; data comes from ``/api/history`` (a clinician's: ``?patient=``)."""
    who = f"?patient={user.user_id}" if user.read_only else ""
    return _page(request, "history.html", title="Your progress", who=who)


@router.get("/profile")
def profile(request: Request, user: UserDep) -> HTMLResponse:
    """Your details: the name the report shows and who it is for."""
    if user.read_only:
        return _page(request, "profile.html", title=f"{user.owner.name}'s details",
                     profile=user.profile(), read_only=True, owner=user.owner.name,
                     patient_id=user.user_id)
    return _page(request, "profile.html", title="Your details", profile=user.profile(),
                 read_only=False)


@router.get("/upload")
def upload(request: Request, user: PatientDep) -> HTMLResponse:
    """Upload a recorded video for analysis."""
    max_mb = request.app.state.context.settings.max_upload_mb
    return _page(request, "upload.html", title="Check a video", exercises=user.exercises(),
                 max_mb=max_mb)
