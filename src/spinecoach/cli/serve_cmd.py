"""``spinecoach serve``: start the local web app (and open it in the browser)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
import threading
import webbrowser

from spinecoach.cli import command
from spinecoach.cli.users_cmd import signin_url
from spinecoach.errors import InputError, MissingExtraError
from spinecoach.files import PRIVATE_UMASK
from spinecoach.session import accounts
from spinecoach.settings import Settings, env_name, load_settings

_BROWSER_DELAY_S = 1.5


def _help(field: str) -> str:
    info = Settings.model_fields[field]
    return f"{info.description} (default {info.default}, or ${env_name(field)})"


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help=_help("host"))
    parser.add_argument("--port", type=int, help=_help("port"))
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser window (the sign-in link is printed)")
    parser.add_argument("--user", metavar="NAME",
                        help="the account the one-time sign-in link signs in (default: the "
                        "first account, made on first use)")
    parser.add_argument("--allow-network-without-accounts", action="store_true",
                        help="listen on an address other machines can reach although spinecoach "
                        "cannot protect the network traffic yet (no HTTPS): anyone on the "
                        "network could read it")
    parser.add_argument("--get", metavar="PATH",
                        help="answer one GET request in-process, print the body and exit")


def get_once(path: str, user_name: str | None = None) -> int:
    """Answer ``GET path`` without a network socket, signed in as the local account (or
    ``user_name``); print the body; 0 on a 2xx answer.

    The app runs in-process through httpx's ASGI transport, inside its own lifespan (start-up
    and shut-down run as under a server); no test client, so no deprecation warning.
    """
    try:
        import httpx
    except ImportError as exc:
        raise MissingExtraError("--get needs httpx: pip install httpx") from exc
    import asyncio

    from spinecoach.web.app import create_app
    from spinecoach.web.auth import cookie_name

    settings = load_settings()

    async def answer() -> httpx.Response:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            ctx = app.state.context
            user = accounts.local_account(ctx.repo, ctx.clock(), user_name)
            token, _ = accounts.open_web_session(ctx.repo, user, ctx.clock())
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 0))
            try:
                async with httpx.AsyncClient(transport=transport, base_url="http://localhost",
                                             cookies={cookie_name(settings): token}) as client:
                    return await client.get(path)
            finally:
                accounts.sign_out(ctx.repo, token)

    response = asyncio.run(answer())
    sys.stdout.write(response.text)
    if not response.text.endswith("\n"):
        sys.stdout.write("\n")
    return 0 if response.is_success else 1


def is_loopback(host: str) -> bool:
    """True for an address only this computer can reach (127.0.0.0/8, ::1, localhost)."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_local_only(host: str, allowed: bool) -> None:
    """Refuse a host other machines can reach unless ``allowed`` (one line, exit code 2)."""
    if not allowed and not is_loopback(host):
        raise InputError(
            f"--host {host} would let other computers reach your health record, and "
            "spinecoach cannot protect it on a network yet (no HTTPS: passwords and the record "
            "would cross it unencrypted); keep the default 127.0.0.1, or add "
            "--allow-network-without-accounts if you accept that risk.")


def check_port_free(host: str, port: int) -> None:
    """Raise :class:`InputError` when ``host:port`` cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InputError(f"cannot listen on {host}:{port} ({exc.strerror}); is spinecoach "
                             "already running? Try --port with another number.") from exc


@command("serve", "Start the web app at http://127.0.0.1:8000 and open it.", _configure)
def serve(args: argparse.Namespace) -> int:
    """Run the web server until interrupted."""
    if args.get:
        return get_once(args.get, args.user)
    import uvicorn

    from spinecoach.web.app import create_app
    from spinecoach.web.live_protocol import WS_MAX_MESSAGE_BYTES

    settings = load_settings()
    changes: dict[str, object] = {}
    if args.host:
        changes["host"] = args.host
    if args.port:
        changes["port"] = args.port
    settings = settings.with_overrides(**changes)
    check_local_only(settings.host, args.allow_network_without_accounts)
    check_port_free(settings.host, settings.port)
    os.umask(PRIVATE_UMASK)  # whatever the server writes is its owner's only
    app = create_app(settings)
    ctx = app.state.context
    user = accounts.local_account(ctx.repo, ctx.clock(), args.user)
    url = signin_url(settings.host, settings.port,
                     accounts.issue_signin_link(ctx.repo, user, ctx.clock()))
    minutes = int(accounts.SIGNIN_LINK_LIFETIME.total_seconds() // 60)
    sys.stderr.write(
        f"spinecoach is running (press Ctrl+C to stop). To sign in as {user.name!r}, open:\n"
        f"    {url}\n"
        f"The link works once, for {minutes} minutes; `spinecoach users signin-link` makes "
        "a new one.\n")
    sys.stderr.flush()
    if not args.no_browser:
        threading.Timer(_BROWSER_DELAY_S, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                ws_max_size=WS_MAX_MESSAGE_BYTES)
    return 0
