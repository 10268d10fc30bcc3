"""``spinecoach serve``: start the local web app (and open it in the browser).

Plain http on 127.0.0.1 by default.  ``--network`` serves HTTPS on the local network so a
phone can be the camera: the certificates of :mod:`spinecoach.web.certificates` (made on
first use, reused later), a pairing link and its QR code printed in the terminal, and the
certificate authority's fingerprint to check on the phone.

The browser is opened at a private page (:func:`write_open_page`), not at the sign-in link
itself: a program's command line is readable by every account on the machine, and the
browser's would carry the one-time token to whichever of them used it first (the way Jupyter
does it).
"""

from __future__ import annotations

import argparse
import html
import ipaddress
import os
import socket
import sys
import threading
import webbrowser
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinecoach.cli import command
from spinecoach.cli.users_cmd import signin_url
from spinecoach.errors import InputError, MissingExtraError
from spinecoach.files import PRIVATE_UMASK, make_private, write_private
from spinecoach.session import accounts, tracked_sets
from spinecoach.settings import Settings, env_name, load_settings

if TYPE_CHECKING:
    from spinecoach.web.pairing import NetworkServing

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
    parser.add_argument("--network", action="store_true",
                        help="serve over HTTPS on the local network (default --host 0.0.0.0), "
                        "so a phone can be the camera: makes a local certificate authority in "
                        "the data directory on first use, and prints a pairing QR code")
    parser.add_argument("--allow-network-without-accounts", action="store_true",
                        help="listen on an address other machines can reach over plain http "
                        "(no HTTPS): anyone on the network could read the traffic")
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
            f"--host {host} would let other computers reach your health record over plain "
            "http (no HTTPS: passwords and the record would cross the network unencrypted); "
            "use --network to serve it over HTTPS, keep the default 127.0.0.1, or add "
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
    from spinecoach.web.pairing import pairing_url

    settings = _settings(args)
    check_local_only(settings.host, args.allow_network_without_accounts or args.network)
    check_port_free(settings.host, settings.port)
    os.umask(PRIVATE_UMASK)  # whatever the server writes is its owner's only
    network = start_network(settings) if args.network else None
    app = create_app(settings, network=network)
    ctx = app.state.context
    closed = tracked_sets.close_abandoned_sets(ctx.repo, now=ctx.clock())
    if closed:
        sys.stderr.write(
            f"{len(closed)} set(s) were left open when spinecoach last stopped unexpectedly; "
            "they are closed now, with every repetition that was saved.\n")
    user = accounts.local_account(ctx.repo, ctx.clock(), args.user)
    url = signin_url(settings.host, settings.port,
                     accounts.issue_signin_link(ctx.repo, user, ctx.clock()),
                     https=network is not None)
    minutes = int(accounts.SIGNIN_LINK_LIFETIME.total_seconds() // 60)
    how = " over HTTPS on your network" if network else ""
    sign_in_again = "`spinecoach users signin-link" + (" --https`" if network else "`")
    sys.stderr.write(
        f"spinecoach is running{how} (press Ctrl+C to stop). To sign in as {user.name!r} on "
        f"this computer, open:\n    {url}\n"
        f"The link works once, for {minutes} minutes; {sign_in_again} makes a new one.\n")
    if network is not None:
        pair = pairing_url(network.public_url,
                           accounts.issue_signin_link(ctx.repo, user, ctx.clock()))
        sys.stderr.write(phone_instructions(network, settings, pair, user.name, minutes))
    sys.stderr.flush()
    page = None
    if not args.no_browser:
        page = write_open_page(settings.data_dir, settings.port, url)
        threading.Timer(_BROWSER_DELAY_S, webbrowser.open, args=(page.as_uri(),)).start()
    tls: dict[str, Any] = {} if network is None else {
        "ssl_keyfile": str(network.certificates.server_key),
        "ssl_certfile": str(network.certificates.server_cert),
    }
    # Nothing stands in front of spinecoach: no X-Forwarded-* header may change the client's
    # address (another local process could dodge the per-address sign-in limit) or scheme.
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                    ws_max_size=WS_MAX_MESSAGE_BYTES, proxy_headers=False, **tls)
    finally:
        if page is not None:
            page.unlink(missing_ok=True)
    return 0


def write_open_page(data_dir: Path, port: int, url: str) -> Path:
    """A page readable by this account only that sends the browser on to ``url``.

    The browser is started with this file's address, which any account may read in its
    command line; the one-time sign-in token stays inside the file (0600 in the 0700 data
    directory).  Deleted when the server stops.
    """
    make_private(data_dir)
    path = data_dir / f"open-{port}.html"
    target = html.escape(url, quote=True)
    write_private(path, (
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0;url={target}">'
        "<title>spinecoach</title></head>\n"
        f'<body><p><a href="{target}">Open spinecoach</a></p></body></html>\n'))
    return path


def _settings(args: argparse.Namespace) -> Settings:
    """The settings with the command line's ``--host``/``--port``; ``--network`` listens on
    every interface unless a host was given (on the command line or in the environment)."""
    settings = load_settings()
    changes: dict[str, object] = {}
    if args.host:
        changes["host"] = args.host
    elif args.network and not os.environ.get(env_name("host")):
        changes["host"] = "0.0.0.0"  # noqa: S104 - the point of --network
    if args.port:
        changes["port"] = args.port
    return settings.with_overrides(**changes)


def phone_address(host: str, lan_addresses: tuple[str, ...], hostname: str) -> str:
    """The address a phone uses: the LAN address when listening on every interface, else
    the address listened on (``hostname.local`` when no LAN address was found)."""
    name = host.strip("[]")
    if name.lower() in ("0.0.0.0", "::", ""):  # noqa: S104 - every interface
        if lan_addresses:
            return lan_addresses[0]
        return f"{hostname.split('.')[0].lower()}.local"
    return f"[{name}]" if ":" in name else name


def start_network(settings: Settings) -> NetworkServing:
    """Find this machine's names and LAN addresses and make or reuse its certificates."""
    from spinecoach.web.certificates import TLS_DIR, ensure_certificates, machine_names
    from spinecoach.web.lan import lan_ipv4_addresses
    from spinecoach.web.pairing import NetworkServing

    hostname = socket.gethostname()
    lan = lan_ipv4_addresses()
    bound = settings.host.strip("[]")
    extra = () if bound in ("0.0.0.0", "::", "") else (bound,)  # noqa: S104
    names = machine_names(hostname, (*lan, *[a for a in extra if not is_loopback(a)]))
    make_private(settings.data_dir)
    certificates = ensure_certificates(settings.data_dir / TLS_DIR, names,
                                       datetime.now(UTC), hostname=hostname)
    public = f"https://{phone_address(settings.host, lan, hostname)}:{settings.port}"
    return NetworkServing(certificates=certificates, public_url=public)


def phone_instructions(network: NetworkServing, settings: Settings, pair: str, name: str,
                       minutes: int) -> str:
    """What ``serve --network`` prints for the phone: the pairing link, its QR code, and
    the certificate to trust (with its fingerprint, to check it on the phone)."""
    from spinecoach.web.pairing import qr_terminal

    certificates = network.certificates
    lines = ["", f"To use your phone as the camera, scan this code with it (it signs the "
             f"phone in as {name!r}; it works once, for {minutes} minutes):",
             qr_terminal(pair).rstrip("\n"), f"    {pair}",
             "A new code: the page \"Use my phone as the camera\" in spinecoach.", ""]
    if is_loopback(settings.host):
        lines += [f"Note: spinecoach listens on {settings.host} only, so a phone cannot reach "
                  "it; leave out --host to let the phone in.", ""]
    if certificates.made_ca:
        lines.append("A new certificate authority was made for this computer.")
    if certificates.issued_server:
        lines.append("A new server certificate was made for: "
                     + ", ".join(sorted(certificates.names.all())) + ".")
    lines += [
        "The first time, trust this computer on the phone: open "
        f"{network.url('/ca.crt')} and install the certificate (see the README, "
        "\"Phone as the camera\").",
        f"    certificate: {certificates.ca_cert}",
        f"    SHA-256 fingerprint: {certificates.ca_fingerprint()}",
        "",
    ]
    return "\n".join(lines)
