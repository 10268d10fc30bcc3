"""Helpers for tests that drive the web app in-process (shipped, like ``storage.testing``).

:func:`sign_in_by_link` signs a Starlette ``TestClient`` in the way ``spinecoach serve`` signs
in its user: it opens a one-time sign-in link, keeps the session cookie, reads the CSRF token
from a page (as the pages' JS does) and sends it on every later request.
"""

from __future__ import annotations

import re
from typing import Any

from spinecoach.session import accounts
from spinecoach.session.records import Role
from spinecoach.web.auth import CSRF_HEADER

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def sign_in_by_link(client: Any, name: str | None = None) -> str:
    """Sign ``client`` (a ``TestClient`` of ``create_app``) in; return the CSRF token.

    ``name``: the account (default: the first account, made on first use).
    """
    ctx = client.app.state.context
    user = accounts.local_account(ctx.repo, ctx.clock(), name)
    token = accounts.issue_signin_link(ctx.repo, user, ctx.clock())
    response = client.get(f"/signin?token={token}", follow_redirects=False)
    if response.status_code != 303 or response.headers.get("location") != "/":
        raise AssertionError(f"the sign-in link did not sign in: {response.status_code}")
    page = client.get("/patients" if user.role is Role.CLINICIAN else "/history")
    found = _CSRF_META.search(page.text)
    if found is None:
        raise AssertionError(f"no CSRF token on the page: {page.text[:300]}")
    client.headers[CSRF_HEADER] = found.group(1)
    return found.group(1)


SIGNIN_LINK = re.compile(r"https?://\S+/signin\?token=[\w-]+")


def find_signin_link(text: str) -> str | None:
    """The one-time sign-in link ``spinecoach serve`` printed in ``text``, if any."""
    found = SIGNIN_LINK.search(text)
    return found.group(0) if found else None


PAIRING_LINK = re.compile(r"https://\S+/pair/[\w-]+(?:\?next=\S+)?")


def find_pairing_link(text: str) -> str | None:
    """The phone-pairing link ``spinecoach serve --network`` printed in ``text``, if any."""
    found = PAIRING_LINK.search(text)
    return found.group(0) if found else None


def http_client_signed_in(link: str) -> Any:
    """An ``httpx.Client`` for a real server, signed in by opening its one-time ``link``."""
    import httpx

    base = link.split("/signin", 1)[0]
    client = httpx.Client(base_url=base, timeout=60)
    response = client.get(link, follow_redirects=False)
    if response.status_code != 303:
        raise AssertionError(f"the sign-in link did not sign in: {response.status_code}")
    found = _CSRF_META.search(client.get("/history").text)
    if found is None:
        raise AssertionError("no CSRF token on the page")
    client.headers[CSRF_HEADER] = found.group(1)
    return client
