"""Pairing a phone as the camera: the one-time pairing link and its QR code.

A pairing link (``https://<LAN address>:<port>/pair/<token>``) **is** a one-time sign-in
link of :mod:`spinecoach.session.accounts` for the account that asked for it: the database
keeps only the token's SHA-256 hash, it works once, for ten minutes, and it signs the phone
into that same account.  The page that shows it (``/phone``) needs the token again to draw
its QR code, so :class:`PendingPairings` keeps the token of each browser session's current
code in memory only (never on disk), and a new code for the same session revokes the one
before.

:class:`NetworkServing` is what ``spinecoach serve --network`` passes to ``create_app``: the
certificates and the address a phone on the network uses.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import segno

from spinecoach.session import accounts
from spinecoach.session.records import User
from spinecoach.session.repository import Repository
from spinecoach.web.certificates import Certificates

PAIR_PATH = "/pair/"


@dataclass(frozen=True)
class NetworkServing:
    """HTTPS on the local network: the certificates, and the phone's address of the server."""

    certificates: Certificates
    public_url: str
    """``https://<LAN address>:<port>``: what the pairing QR code points to."""

    def url(self, path: str) -> str:
        """An address of this server for the phone (``path`` starts with '/')."""
        return self.public_url + path


def pairing_url(base_url: str, token: str, next_path: str = "/") -> str:
    """The pairing link: ``base_url/pair/<token>`` (and where to go on after it)."""
    url = f"{base_url}{PAIR_PATH}{token}"
    return url if next_path == "/" else f"{url}?next={quote(next_path, safe='/')}"


@dataclass(frozen=True)
class PairingCode:
    """One pairing link on show: its token (kept in memory only) and when it expires."""

    token: str
    url: str
    expires_at: datetime


class PendingPairings:
    """The pairing code each browser session shows now (keyed by the session's token hash)."""

    def __init__(self) -> None:
        self._codes: dict[str, PairingCode] = {}

    def issue(self, repo: Repository, user: User, session_hash: str, base_url: str,
              next_path: str, now: datetime) -> PairingCode:
        """A new code for this session's account; the session's previous code stops working."""
        previous = self._codes.pop(session_hash, None)
        if previous is not None:
            repo.use_signin_link(accounts.hash_token(previous.token), now)  # revoked
        self._codes = {k: c for k, c in self._codes.items() if c.expires_at > now}
        token = accounts.issue_signin_link(repo, user, now)
        code = PairingCode(token=token, url=pairing_url(base_url, token, next_path),
                           expires_at=now + accounts.SIGNIN_LINK_LIFETIME)
        self._codes[session_hash] = code
        return code

    def current(self, session_hash: str, now: datetime) -> PairingCode | None:
        """The code this session shows, while it has not expired."""
        code = self._codes.get(session_hash)
        return code if code is not None and code.expires_at > now else None


def qr_svg(text: str) -> bytes:
    """``text`` as a QR code, an SVG image (black on white, with its quiet zone)."""
    code = segno.make(text, error="m")
    out = io.BytesIO()
    code.save(out, kind="svg", scale=6, border=4, dark="#000", light="#fff",
              xmldecl=False, svgclass=None, lineclass=None)
    return out.getvalue()


def qr_terminal(text: str) -> str:
    """``text`` as a QR code drawn with Unicode blocks, for a terminal (light on dark)."""
    out = io.StringIO()
    segno.make(text, error="l").terminal(out=out, compact=True, border=4)
    return out.getvalue()
