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
from spinecoach.errors import InputError, MissingExtraError
from spinecoach.files import PRIVATE_UMASK
from spinecoach.settings import Settings, env_name, load_settings

_BROWSER_DELAY_S = 1.5


def _help(field: str) -> str:
    info = Settings.model_fields[field]
    return f"{info.description} (default {info.default}, or ${env_name(field)})"


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help=_help("host"))
    parser.add_argument("--port", type=int, help=_help("port"))
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    parser.add_argument("--allow-network-without-accounts", action="store_true",
                        help="listen on an address other machines can reach although spinecoach "
                        "has no accounts yet: anyone on the network could read and change the "
                        "record")
    parser.add_argument("--get", metavar="PATH",
                        help="answer one GET request in-process, print the body and exit")


def get_once(path: str) -> int:
    """Answer ``GET path`` without a network socket; print the body; 0 on a 2xx answer.

    The app runs in-process through httpx's ASGI transport, inside its own lifespan (start-up
    and shut-down run as under a server); no test client, so no deprecation warning.
    """
    try:
        import httpx
    except ImportError as exc:
        raise MissingExtraError("--get needs httpx: pip install httpx") from exc
    import asyncio

    from spinecoach.web.app import create_app

    async def answer() -> httpx.Response:
        app = create_app(load_settings())
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 0))
            async with httpx.AsyncClient(transport=transport,
                                         base_url="http://localhost") as client:
                return await client.get(path)

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
            "spinecoach has no accounts yet to keep them out; keep the default 127.0.0.1, "
            "or add --allow-network-without-accounts if you accept that risk.")


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
        return get_once(args.get)
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
    url = f"http://{settings.host}:{settings.port}/"
    sys.stderr.write(f"spinecoach is running at {url} (press Ctrl+C to stop)\n")
    if not args.no_browser:
        threading.Timer(_BROWSER_DELAY_S, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                ws_max_size=WS_MAX_MESSAGE_BYTES)
    return 0
