"""Signing in and out: the one-time link, the sign-in form, sign-out, who is signed in.

- ``GET /signin?token=...``: the one-time link ``spinecoach serve`` prints and opens.  The
  token is used up, exchanged for a session cookie, and the browser is sent on to ``/`` (an
  address without the token, so it stays out of the history).  A used or expired link gets
  the sign-in page and a 400.
- ``GET /signin`` and ``POST /signin``: account name and password, for accounts that have
  one.  The form carries its own CSRF token (a cookie that must match a hidden field); failed
  passwords are counted per account and per address (:mod:`spinecoach.session.sign_in_limit`),
  over the limit the answer is 429.
- ``GET /pair/<token>``: the phone's pairing link (the QR code of ``/phone``): a one-time
  sign-in link for the account that showed it, then on to the page it names (``?next=``).
  An unknown, used or expired code gets the sign-in page and a 404, whichever it was.
- ``POST /signout``: ends the session (its CSRF token in the form or the header).
- ``GET /api/me``: the signed-in account (and a clinician's patients); ``GET /patients``: the
  clinician's patient picker.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from spinecoach.errors import TooManyAttemptsError
from spinecoach.session import accounts
from spinecoach.session.records import Role, User
from spinecoach.web.auth import (
    CSRF_HEADER,
    AccountDep,
    clear_session_cookie,
    find_signed_in,
    get_context,
    served_over_https,
    set_session_cookie,
    tokens_match,
)
from spinecoach.web.schemas import ErrorOut, Me, PatientOut

router = APIRouter()
api = APIRouter(prefix="/api", tags=["accounts"], responses={401: {"model": ErrorOut}})

MAX_FIELD_CHARS = 1024
LINK_USED = ("This sign-in link has already been used or has expired. Start spinecoach again "
             "for a new link, or sign in with your password.")
WRONG_PASSWORD = "That account name and password do not match. Please try again."
PAIRING_USED = ("This pairing code has already been used or has expired. On your computer, open "
                "\"Use my phone as the camera\" again for a new code.")
FORM_EXPIRED = "The sign-in form had expired. Please try again."
SIGNED_OUT = "You are signed out."


def _form_cookie(request: Request) -> str:
    return f"spinecoach_signin_{get_context(request).settings.port}"


def safe_next(value: object) -> str:
    """A local path to go on to after signing in ('/' for anything else)."""
    if (isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\"))
            and len(value) <= 2000 and value.isprintable()):
        return value
    return "/"


def to_signin(request: Request) -> RedirectResponse:
    """Send a page request without a session to the sign-in page (and back afterwards)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(here, safe='')}", status_code=303)


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, {"account": None, **context},
                                      status_code=status)


def _signin_page(request: Request, *, status: int = 200, error: str | None = None,
                 message: str | None = None, next_path: str = "/") -> HTMLResponse:
    csrf = secrets.token_urlsafe(24)
    response = _page(request, "signin.html", status, title="Sign in", error=error,
                     message=message, csrf=csrf, next=next_path)
    response.set_cookie(_form_cookie(request), csrf, max_age=3600, path="/signin",
                        httponly=True, samesite="strict",
                        secure=served_over_https(request))
    return response


def _signed_in_response(request: Request, user: User, next_path: str) -> Response:
    ctx = get_context(request)
    old = find_signed_in(request)
    if old is not None:
        ctx.repo.delete_web_sessions(token_hash=old.session.token_hash)
    token, _ = accounts.open_web_session(ctx.repo, user, ctx.clock())
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, request, token)
    response.delete_cookie(_form_cookie(request), path="/signin")
    return response


@router.get("/signin", include_in_schema=False)
async def signin_page(request: Request, token: str | None = None, next: str = "/",
                      signed_out: bool = False) -> Response:
    """The one-time link (``?token=``) or the sign-in form."""
    ctx = get_context(request)
    if token is not None:
        user = await run_in_threadpool(accounts.redeem_signin_link, ctx.repo, token, ctx.clock())
        if user is None:
            return _signin_page(request, status=400, error=LINK_USED)
        return await run_in_threadpool(_signed_in_response, request, user, "/")
    if await run_in_threadpool(find_signed_in, request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _signin_page(request, message=SIGNED_OUT if signed_out else None,
                        next_path=safe_next(next))


@router.get("/pair/{token:path}", include_in_schema=False)
async def pair(request: Request, token: str, next: str = "/") -> Response:
    """The phone's pairing link: sign it into the account that showed the code."""
    ctx = get_context(request)
    user = await run_in_threadpool(accounts.redeem_signin_link, ctx.repo, token, ctx.clock())
    if user is None:
        return _signin_page(request, status=404, error=PAIRING_USED)
    response = await run_in_threadpool(_signed_in_response, request, user, safe_next(next))
    if user.id is not None:
        ctx.fanout.notify(user.id, {"type": "paired"})
    return response


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value[:MAX_FIELD_CHARS + 1] if isinstance(value, str) else ""


@router.post("/signin", include_in_schema=False)
async def signin(request: Request) -> Response:
    """Check an account name and password; on success start a session."""
    ctx = get_context(request)
    form = await request.form(max_files=0, max_fields=8)
    name, password = _field(form, "username").strip(), _field(form, "password")
    next_path = safe_next(_field(form, "next"))
    if not tokens_match(_field(form, "csrf") or None,
                        request.cookies.get(_form_cookie(request), "") or "\0"):
        return _signin_page(request, status=403, error=FORM_EXPIRED, next_path=next_path)
    address = request.client.host if request.client else "unknown"
    try:
        began = ctx.limiter.begin(name, address)  # counted as failed until it succeeds
    except TooManyAttemptsError as exc:
        response = _signin_page(request, status=429, error=str(exc), next_path=next_path)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    user = await run_in_threadpool(accounts.authenticate, ctx.repo, name, password)
    if user is None:
        return _signin_page(request, status=401, error=WRONG_PASSWORD, next_path=next_path)
    ctx.limiter.succeeded(name, address, began)
    return await run_in_threadpool(_signed_in_response, request, user, next_path)


@router.post("/signout", include_in_schema=False)
async def signout(request: Request) -> Response:
    """End this browser's session."""
    found = await run_in_threadpool(find_signed_in, request)
    if found is not None:
        form = await request.form(max_files=0, max_fields=4)
        sent = request.headers.get(CSRF_HEADER) or _field(form, "csrf") or None
        if not tokens_match(sent, found.session.csrf_token):
            return _signin_page(request, status=403, error=FORM_EXPIRED)
        get_context(request).repo.delete_web_sessions(token_hash=found.session.token_hash)
    response = RedirectResponse("/signin?signed_out=true", status_code=303)
    clear_session_cookie(response, request)
    return response


def _patients(request: Request, account: accounts.SignedIn) -> list[PatientOut]:
    if account.user.role is not Role.CLINICIAN or account.user.id is None:
        return []
    found = get_context(request).repo.patients_of(account.user.id)
    return [PatientOut(id=p.id or 0, name=p.name) for p in found]


@api.get("/me")
def me(request: Request, account: AccountDep) -> Me:
    """The signed-in account; for a clinician, the patients whose records they may read."""
    user = account.user
    return Me(id=user.id or 0, name=user.name, role=user.role.value,
              patients=_patients(request, account))


@router.get("/patients", include_in_schema=False)
def patients(request: Request, account: AccountDep) -> Response:
    """A clinician's patients, each with links to their progress, report and exports."""
    if account.user.role is not Role.CLINICIAN:
        return RedirectResponse("/", status_code=303)
    return _page(request, "patients.html", title="Your patients", account=account,
                 patients=_patients(request, account))


router.include_router(api)
