"""``spinecoach users add|list|passwd|link|signin-link``: the accounts of this database.

Thin: each subcommand calls one function of :mod:`spinecoach.session.accounts`.  Passwords are
asked for twice without echo, or read from the first line of stdin with ``--password-stdin``
(for scripts); they never appear on the command line.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from spinecoach.cli import command
from spinecoach.errors import InputError
from spinecoach.session import accounts
from spinecoach.session.records import Role, User

if TYPE_CHECKING:
    from spinecoach.session.repository import Repository


def _now() -> datetime:
    return datetime.now(UTC)


def _write(text: str) -> None:
    sys.stdout.write(text + "\n")


def _password_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of stdin (for scripts)")


def _configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="users_command", metavar="SUBCOMMAND", required=True)
    add = sub.add_parser("add", help="add an account",
                         description="Add an account. Without a password it signs in only by "
                         "the one-time link of `spinecoach serve --user NAME`.")
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.PATIENT.value,
                     help="patient (default) or clinician")
    add.add_argument("--password", action="store_true", help="ask for a password")
    _password_options(add)
    listing = sub.add_parser("list", help="list the accounts")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    passwd = sub.add_parser("passwd", help="set or remove an account's password",
                            description="Set an account's password (it is signed out of every "
                            "browser).")
    passwd.add_argument("name")
    passwd.add_argument("--remove", action="store_true",
                        help="remove the password: one-time links only")
    _password_options(passwd)
    link = sub.add_parser("link", help="let a clinician read a patient's record",
                          description="Link a patient to a clinician, who can then read (not "
                          "change) the patient's history and report.")
    link.add_argument("patient")
    link.add_argument("clinician")
    link.add_argument("--remove", action="store_true", help="remove the link instead")
    signin = sub.add_parser("signin-link", help="print a new one-time sign-in link",
                            description="Print a one-time sign-in link for the running "
                            "spinecoach server (works once, for 10 minutes).")
    signin.add_argument("name", nargs="?", help="the account (default: the first one)")
    signin.add_argument("--port", type=int, help="the server's port (default: the setting)")
    signin.add_argument("--https", action="store_true",
                        help="the server was started with `serve --network` (HTTPS)")


def read_password(from_stdin: bool, *, prompt: Callable[[str], str] | None = None) -> str:
    """The new password: stdin's first line, or typed twice (``InputError`` on a mismatch)."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InputError("no password on stdin")
        return line
    ask = prompt or getpass.getpass
    first = ask("New password: ")
    if ask("Type it again: ") != first:
        raise InputError("the two passwords differ; nothing was changed")
    return first


def _add(repo: Repository, args: argparse.Namespace) -> int:
    wants_password = args.password or args.password_stdin
    password = read_password(args.password_stdin) if wants_password else None
    user = accounts.add_account(repo, args.name, Role(args.role), _now(), password)
    how = "a password" if password else "one-time links only"
    _write(f"Added {user.role.value} {user.name!r} (id {user.id}; signs in with {how}).")
    return 0


def _row(repo: Repository, user: User) -> dict[str, object]:
    assert user.id is not None
    linked = (repo.patients_of(user.id) if user.role is Role.CLINICIAN
              else repo.clinicians_of(user.id))
    return {"id": user.id, "name": user.name, "role": user.role.value,
            "password": accounts.has_password(repo, user),
            "linked": [u.name for u in linked]}


def _list(repo: Repository, args: argparse.Namespace) -> int:
    rows = [_row(repo, user) for user in repo.users()]
    if args.json:
        _write(json.dumps(rows, indent=2))
        return 0
    if not rows:
        _write("No accounts yet. `spinecoach serve` makes the first one.")
        return 0
    _write(f"{'id':>4}  {'name':<20} {'role':<10} {'password':<9} linked")
    for row in rows:
        linked = ", ".join(str(n) for n in row["linked"]) or "-"  # type: ignore[attr-defined]
        _write(f"{row['id']:>4}  {row['name']!s:<20} {row['role']!s:<10} "
               f"{'yes' if row['password'] else 'no':<9} {linked}")
    return 0


def _passwd(repo: Repository, args: argparse.Namespace) -> int:
    accounts.find_account(repo, args.name)  # a typo fails before the password is asked for
    password = None if args.remove else read_password(args.password_stdin)
    user = accounts.set_password(repo, args.name, password)
    done = "removed" if password is None else "set"
    _write(f"Password {done} for {user.name!r}; it is signed out of every browser.")
    return 0


def _link(repo: Repository, args: argparse.Namespace) -> int:
    patient, clinician = accounts.link_patient(repo, args.patient, args.clinician, _now(),
                                               remove=args.remove)
    if args.remove:
        _write(f"{clinician.name!r} can no longer read {patient.name!r}'s record.")
    else:
        _write(f"{clinician.name!r} can now read {patient.name!r}'s record.")
    return 0


def signin_url(host: str, port: int, token: str, *, https: bool = False) -> str:
    """The one-time sign-in address of a server listening on ``host:port``."""
    name = host.strip("[]")
    if name in ("0.0.0.0", "::", ""):  # noqa: S104 - listening everywhere: this machine
        name = "127.0.0.1"
    if ":" in name:
        name = f"[{name}]"
    return f"{'https' if https else 'http'}://{name}:{port}/signin?token={token}"


def _signin_link(repo: Repository, args: argparse.Namespace) -> int:
    from spinecoach.settings import load_settings

    settings = load_settings()
    user = accounts.local_account(repo, _now(), args.name)
    token = accounts.issue_signin_link(repo, user, _now())
    _write(signin_url(settings.host, args.port or settings.port, token, https=args.https))
    return 0


_SUBCOMMANDS = {"add": _add, "list": _list, "passwd": _passwd, "link": _link,
                "signin-link": _signin_link}


@command("users", "Manage accounts: add, list, passwd, link, signin-link.", _configure)
def users(args: argparse.Namespace) -> int:
    """Run one ``users`` subcommand on the configured database."""
    from spinecoach.settings import load_settings
    from spinecoach.storage import open_repository

    with open_repository(load_settings()) as repo:
        return _SUBCOMMANDS[args.users_command](repo, args)
