"""The phone as the camera: the pairing page, its QR codes, the watch page and ``/ca.crt``.

- ``GET /phone[?next=PATH]``: for a signed-in patient, a new one-time pairing code as a QR
  code (``/phone/qr.svg``) and the certificate to trust; below it the live counts of the
  phone's set as they arrive (``/ws/watch``), so this screen becomes the big screen.
  ``next`` is the page the phone opens once paired (the coaching page of an exercise).
  Without ``serve --network`` the page says how to start it (a phone's camera needs HTTPS).
- ``GET /watch``: the big screen only, without a new code.
- ``GET /ca.crt``: the public certificate of the local certificate authority, for anyone
  (a phone downloads it to trust this server); 404 when not serving on the network.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from spinecoach.session import accounts
from spinecoach.session.records import Role
from spinecoach.web.auth import AccountDep, get_context
from spinecoach.web.pairing import qr_svg
from spinecoach.web.routes_auth import safe_next

router = APIRouter(include_in_schema=False)

CA_PATH = "/ca.crt"
CA_CONTENT_TYPE = "application/x-x509-ca-cert"
NOT_ON_NETWORK = ("spinecoach is not serving on your network, so there is no certificate to "
                  "download. Start it with: spinecoach serve --network")
MAX_NEXT_CHARS = 200
NO_CODE = "This pairing code has expired. Reload the page for a new one."


def _page(request: Request, account: accounts.SignedIn, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "phone.html", {"account": account, **context})


def _plain(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


@router.get("/phone")
def phone(request: Request, account: AccountDep, next: str = "/") -> Response:
    """Show a new pairing code for this account (and the live counts below it)."""
    if account.user.role is not Role.PATIENT:
        return RedirectResponse("/patients", status_code=303)
    ctx = get_context(request)
    network = ctx.network
    if network is None:
        return _page(request, account, title="Use my phone as the camera", network=None,
                     code=None, pairing=True)
    target = safe_next(next) if len(next) <= MAX_NEXT_CHARS else "/"  # the QR code stays small
    code = ctx.pairings.issue(ctx.repo, account.user, account.session.token_hash,
                              network.public_url, target, ctx.clock())
    minutes = int(accounts.SIGNIN_LINK_LIFETIME.total_seconds() // 60)
    return _page(request, account, title="Use my phone as the camera", network=network,
                 code=code, minutes=minutes, ca_url=network.url(CA_PATH),
                 fingerprint=network.certificates.ca_fingerprint(), pairing=True,
                 again="/phone" + (f"?next={quote(target, safe='/')}" if target != "/" else ""))


@router.get("/watch")
def watch(request: Request, account: AccountDep) -> Response:
    """The big screen: the live counts of this account's set on another device."""
    if account.user.role is not Role.PATIENT:
        return RedirectResponse("/patients", status_code=303)
    return _page(request, account, title="Watch your set", network=get_context(request).network,
                 code=None, pairing=False)


@router.get("/phone/qr.svg")
def qr(request: Request, account: AccountDep,
       show: Annotated[Literal["pair", "ca"], Query()] = "pair") -> Response:
    """The QR code of this browser's pairing code (or of the certificate's address)."""
    ctx = get_context(request)
    if ctx.network is None:
        return _plain(404, NOT_ON_NETWORK)
    if show == "ca":
        text = ctx.network.url(CA_PATH)
    else:
        code = ctx.pairings.current(account.session.token_hash, ctx.clock())
        if code is None:
            return _plain(404, NO_CODE)
        text = code.url
    return Response(qr_svg(text), media_type="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@router.get(CA_PATH)
def ca_certificate(request: Request) -> Response:
    """The local certificate authority's certificate (public), for a phone to trust."""
    network = get_context(request).network
    if network is None:
        return _plain(404, NOT_ON_NETWORK)
    return Response(network.certificates.ca_pem(), media_type=CA_CONTENT_TYPE, headers={
        "Content-Disposition": 'attachment; filename="spinecoach-ca.crt"',
        "Cache-Control": "no-cache"})
