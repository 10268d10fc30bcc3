"""The command line: ``spinecoach COMMAND``.

Each command lives in its own module and registers itself with :func:`command`; every command
calls one library function and turns :class:`~spinecoach.errors.SpinecoachError` into a
one-line message and an exit code.  No traceback reaches the user for an expected error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from spinecoach.errors import (
    ConfigError,
    InputError,
    MissingExtraError,
    SafetyBlockError,
    SpinecoachError,
)

# Modules that register commands; add yours here (one line each).
COMMAND_MODULES: tuple[str, ...] = (
    "spinecoach.cli.analyze_cmd",
    "spinecoach.cli.synth_cmd",
    "spinecoach.cli.safety_cmds",
    "spinecoach.cli.history_cmds",
    "spinecoach.cli.serve_cmd",
    "spinecoach.cli.users_cmd",
)

Handler = Callable[[argparse.Namespace], int]
Configurer = Callable[[argparse.ArgumentParser], None]
_COMMANDS: dict[str, tuple[str, Configurer, Handler]] = {}


def command(name: str, help_text: str, configure: Configurer) -> Callable[[Handler], Handler]:
    """Register ``handler`` as ``spinecoach NAME``; ``configure`` adds its arguments."""

    def register(handler: Handler) -> Handler:
        _COMMANDS[name] = (help_text, configure, handler)
        return handler

    return register


EXIT_CODES: tuple[tuple[type[SpinecoachError], int], ...] = (
    (InputError, 2),
    (ConfigError, 3),
    (SafetyBlockError, 4),
    (MissingExtraError, 5),
    (SpinecoachError, 1),
)


def exit_code_for(exc: SpinecoachError) -> int:
    """The exit code of an error (see :data:`EXIT_CODES`)."""
    for kind, code in EXIT_CODES:
        if isinstance(exc, kind):
            return code
    return 1


def _load_commands() -> None:
    for module in COMMAND_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a command module not written yet
            if exc.name != module:
                raise


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered command."""
    _load_commands()
    parser = argparse.ArgumentParser(
        prog="spinecoach",
        description="A home-exercise coach for low back pain. It does not replace a clinician.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, configure, handler) in sorted(_COMMANDS.items()):
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        configure(sub)
        sub.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except SpinecoachError as exc:
        sys.stderr.write(f"spinecoach: error: {exc}\n")
        return exit_code_for(exc)
    except KeyboardInterrupt:
        sys.stderr.write("spinecoach: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
