"""What keeps other web pages and other machines away from the record: one ASGI middleware.

Everything here runs before a route sees the request, for HTTP and the WebSocket alike:

* **Host allow-list** (DNS rebinding): only ``localhost`` names, ``127.0.0.1``, ``::1``,
  the address the server was told to listen on and, under ``serve --network``, the names and
  addresses of its certificate are served; any other ``Host`` gets 421 (the
  WebSocket handshake too), so a page whose own name was pointed at 127.0.0.1 reads nothing.
* **Origin** (CSRF, cross-site WebSockets): a state-changing request (POST, PUT, PATCH,
  DELETE) or a WebSocket handshake coming from a page must come from one of those hosts on
  this server's own port.  ``Origin`` is checked against the allow-list and the port the
  socket was accepted on, never against ``Host``; without ``Origin`` (or with ``Origin: null``,
  which our own form posts carry under ``Referrer-Policy: no-referrer``), ``Sec-Fetch-Site``
  and then ``Referer`` decide.  A request with none of them is not from a web page (curl, the
  CLI) and passes.  Reads under ``/api/`` and ``/ws/`` that a browser marks as cross-site
  are refused as well, so no other page can make the server work for it.
* **Request bodies** are counted while they stream in: over the limit is a 413 at once,
  whether the size was declared (``Content-Length``) or not (chunked).
* **Headers** on every response: the content security policy, no framing, no sniffing, no
  referrer, and ``Cache-Control: no-store`` unless a route chose its own caching.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - names, not a bind
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_JSON_BYTES = 1 << 20  # a check-in or a screening is a few hundred bytes

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)

WRONG_HOST = ("This address is not spinecoach's. Open it at 127.0.0.1 or localhost on this "
              "computer, or at the address spinecoach printed when it started.")
FOREIGN_ORIGIN = ("This request came from another web site, so spinecoach refused it. Use "
                  "spinecoach's own pages.")


def local_host_names(bound_host: str) -> frozenset[str]:
    """The host names served: the local names and the address the server listens on.

    Listening on every interface (``0.0.0.0``, ``::``) adds this machine's name and the
    addresses it resolves to.
    """
    names = set(LOCAL_NAMES)
    host = bound_host.strip("[]").lower()
    if host in WILDCARD_HOSTS:
        name = socket.gethostname().lower()
        names.add(name)
        try:
            names.update(str(info[4][0]) for info in socket.getaddrinfo(name, None))
        except OSError:
            pass
    else:
        names.add(host)
    return frozenset(names)


def split_host(value: str) -> tuple[str, int | None] | None:
    """``'[::1]:8000'`` -> ``('::1', 8000)``; None when it is not a host[:port]."""
    try:
        parts = urlsplit(f"//{value}")
        return (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None


def _is_local_name(host: str, allowed: frozenset[str]) -> bool:
    if host in allowed or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Guard:
    """The rules of :class:`SecurityMiddleware` for one server."""

    allowed_hosts: frozenset[str]
    upload_path: str = "/api/analyses"
    max_upload_bytes: int = 500 << 20
    max_json_bytes: int = MAX_JSON_BYTES

    def host_ok(self, headers: dict[str, str]) -> bool:
        """True when the ``Host`` header names this server."""
        parsed = split_host(headers.get("host", ""))
        return parsed is not None and _is_local_name(parsed[0], self.allowed_hosts)

    def _same_origin(self, origin: str, scheme: str, port: int | None) -> bool:
        try:
            parts = urlsplit(origin)
            origin_port = parts.port
        except ValueError:
            return False
        served = {"ws": "http", "wss": "https"}.get(scheme, scheme)
        if parts.scheme != served or not parts.hostname:
            return False
        default = 443 if parts.scheme == "https" else 80
        return (_is_local_name(parts.hostname.lower(), self.allowed_hosts)
                and (origin_port or default) == (port or default))

    def from_foreign_page(self, scope: Scope, headers: dict[str, str]) -> bool:
        """True when a web page of another origin sent this request."""
        server = scope.get("server") or (None, None)
        port = server[1] if len(server) > 1 else None
        scheme = str(scope.get("scheme", "http"))
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site")
        # A form POST from a page served with Referrer-Policy: no-referrer (ours) carries
        # "Origin: null"; then the browser's own Sec-Fetch-Site, which no page can set, decides.
        if origin is not None and not (origin == "null" and site is not None):
            return not self._same_origin(origin, scheme, port)
        if site is not None:
            return site not in ("same-origin", "none")
        referer = headers.get("referer")
        return referer is not None and not self._same_origin(referer, scheme, port)

    def needs_origin_check(self, scope: Scope) -> bool:
        """WebSocket handshakes and state-changing methods (reads: :func:`_cross_site_read`)."""
        return scope["type"] == "websocket" or scope.get("method", "GET") in UNSAFE_METHODS

    def body_limit(self, scope: Scope) -> int:
        """The largest body this request may send."""
        if scope.get("path") == self.upload_path:
            return self.max_upload_bytes
        return self.max_json_bytes


def _cross_site_read(scope: Scope, headers: dict[str, str]) -> bool:
    path = str(scope.get("path", ""))
    return (path.startswith(("/api/", "/ws/"))
            and headers.get("sec-fetch-site") in ("cross-site", "same-site"))


def _json_body(detail: str) -> bytes:
    return json.dumps({"detail": detail}).encode()


class BodyTooLarge(HTTPException):
    """A request body over its limit (413), raised while it streams in."""

    def __init__(self, limit: int) -> None:
        what = "video" if limit > MAX_JSON_BYTES else "request"
        size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit} bytes"
        super().__init__(413, f"The {what} is larger than {size}. Please send a smaller one.")


class SecurityMiddleware:
    """The Host allow-list, the Origin checks, body limits and the security headers."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, then pass it on with counted body and added headers."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        if not self.guard.host_ok(headers):
            await self._refuse(scope, send, 421, WRONG_HOST)
            return
        if (self.guard.needs_origin_check(scope) and self.guard.from_foreign_page(
                scope, headers)) or _cross_site_read(scope, headers):
            await self._refuse(scope, send, 403, FOREIGN_ORIGIN)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        limit = self.guard.body_limit(scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, 413, str(BodyTooLarge(limit).detail))
            return
        await self._serve(scope, receive, _with_headers(scope, send), limit)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracking)
        except BodyTooLarge as exc:  # raised outside a route's exception handling
            if started:
                raise
            await _respond(send, 413, str(exc.detail))

    async def _refuse(self, scope: Scope, send: Send, status: int, detail: str) -> None:
        if scope["type"] == "http":
            await _respond(_with_headers(scope, send), status, detail)
        elif "websocket.http.response" in scope.get("extensions", {}):
            await send({"type": "websocket.http.response.start", "status": status,
                        "headers": [(b"content-type", b"application/json"),
                                    *SECURITY_HEADERS]})
            await send({"type": "websocket.http.response.body", "body": _json_body(detail)})
        else:
            await send({"type": "websocket.close", "code": 1008})


async def _respond(send: Send, status: int, detail: str) -> None:
    body = _json_body(detail)
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _with_headers(scope: Scope, send: Send) -> Send:
    """Wrap ``send`` so every response carries the security headers."""
    static = str(scope.get("path", "")).startswith("/static/")

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {k.lower() for k, _ in headers}
            headers.extend(_missing(present, static))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def _missing(present: set[bytes], static: bool) -> Iterable[tuple[bytes, bytes]]:
    if b"content-security-policy" not in present:
        yield b"content-security-policy", CONTENT_SECURITY_POLICY.encode()
    yield from ((k, v) for k, v in SECURITY_HEADERS if k not in present)
    if b"cache-control" not in present and not static:
        yield b"cache-control", b"no-store"
