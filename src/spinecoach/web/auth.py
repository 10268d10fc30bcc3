"""Who is signed in: the session cookie, the CSRF token, and the record a request may see.

- The session cookie (:func:`cookie_name`, one per port, so two servers on one machine keep
  their own) holds a random token; the database keeps only its hash
  (:mod:`spinecoach.session.accounts`).  It is HttpOnly, SameSite=Strict, and Secure when
  the page is served over HTTPS.
- Every state-changing request (POST, PUT, PATCH, DELETE) must carry the session's CSRF token
  in the ``X-CSRF-Token`` header (the pages' ``api.js`` sends it from the page's
  ``<meta name="csrf-token">``), on top of the Origin checks of :mod:`.security`; without it
  the answer is 403.  The live-coaching WebSocket cannot send headers: its handshake needs the
  cookie (SameSite=Strict: never sent from another site) and passes the Origin check.
- Without a valid session every ``/api/`` route and the WebSocket answer 401, and the pages
  redirect to ``/signin``.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from starlette.requests import HTTPConnection

from spinecoach.errors import AccessDeniedError, NotSignedInError
from spinecoach.session import accounts
from spinecoach.session.accounts import SESSION_LIFETIME, SignedIn
from spinecoach.settings import Settings
from spinecoach.web.context import AppContext
from spinecoach.web.local_user import LocalUser
from spinecoach.web.schemas import MAX_ID
from spinecoach.web.security import UNSAFE_METHODS

CSRF_HEADER = "X-CSRF-Token"
NOT_SIGNED_IN = "Please sign in first."
MISSING_CSRF = ("This change came without its security token, so it was refused. Please "
                "reload the page and try again.")


def cookie_name(settings: Settings) -> str:
    """The session cookie's name (cookies are shared by every port of a host)."""
    return f"spinecoach_session_{settings.port}"


def get_context(conn: HTTPConnection) -> AppContext:
    """Return the app's :class:`AppContext` (works for HTTP and WebSocket)."""
    context: AppContext = conn.app.state.context
    return context


def find_signed_in(conn: HTTPConnection) -> SignedIn | None:
    """The valid session of this request's cookie, or None."""
    ctx = get_context(conn)
    token = conn.cookies.get(cookie_name(ctx.settings))
    return accounts.signed_in(ctx.repo, token, ctx.clock())


def tokens_match(sent: str | None, expected: str) -> bool:
    """Constant-time comparison of a sent token with the expected one."""
    return sent is not None and hmac.compare_digest(sent.encode("utf-8", "replace"),
                                                    expected.encode())


def require_account(request: Request) -> SignedIn:
    """The signed-in account (401 without a session; 403 for a change without CSRF token)."""
    found = find_signed_in(request)
    if found is None:
        raise NotSignedInError(NOT_SIGNED_IN)
    if request.method in UNSAFE_METHODS and not tokens_match(
            request.headers.get(CSRF_HEADER), found.session.csrf_token):
        raise AccessDeniedError(MISSING_CSRF)
    request.state.account = found
    return found


AccountDep = Annotated[SignedIn, Depends(require_account)]


def get_user(
    request: Request, account: AccountDep,
    patient: Annotated[int | None, Query(
        ge=1, le=MAX_ID,
        description="for a clinician: whose record to read (one of their linked patients)",
    )] = None,
) -> LocalUser:
    """The view of the record this account may see (a clinician's is read-only)."""
    ctx = get_context(request)
    access = accounts.record_access(ctx.repo, account.user, patient)
    return LocalUser(ctx.repo, access.owner, clock=ctx.clock, read_only=access.read_only)


def served_over_https(conn: HTTPConnection) -> bool:
    """True when this request came over HTTPS (``serve --network`` speaks nothing else).

    uvicorn's TLS gives the scope the scheme ``https``/``wss``; a server started with
    ``--network`` also counts as HTTPS whatever a request says, so no header can make a
    cookie lose its Secure flag.
    """
    return conn.url.scheme in ("https", "wss") or get_context(conn).network is not None


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """Give the browser its session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS)."""
    response.set_cookie(
        cookie_name(get_context(request).settings), token,
        max_age=int(SESSION_LIFETIME.total_seconds()), path="/", httponly=True,
        samesite="strict", secure=served_over_https(request))


def clear_session_cookie(response: Response, request: Request) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(cookie_name(get_context(request).settings), path="/", httponly=True,
                           samesite="strict", secure=served_over_https(request))
