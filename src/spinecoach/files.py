"""Private files: the health record is readable by its owner only.

The data directory and every directory in it are 0700, the database (and SQLite's WAL and
shared-memory files, which SQLite creates with the database's mode), the caches, uploads and
exports 0600.  ``spinecoach serve`` also sets the umask to 077, so whatever the server
process creates later is private too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PRIVATE_UMASK = 0o077


OWNED_DIRS = ("cache", "uploads", "tls")  # spinecoach's own directories in the data directory


def make_private(directory: Path) -> None:
    """Create ``directory`` if needed and make it owner-only, with what spinecoach keeps there.

    Only spinecoach's own entries are changed (``spinecoach.db*`` and the directories of
    :data:`OWNED_DIRS`), so a data directory set to a folder that holds other files does not
    lose their modes.
    """
    directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    directory.chmod(PRIVATE_DIR_MODE)
    for entry in directory.iterdir():
        if entry.is_symlink():
            continue
        if entry.name.startswith("spinecoach.db") and entry.is_file():
            entry.chmod(PRIVATE_FILE_MODE)
        elif entry.name in OWNED_DIRS and entry.is_dir():
            _private_tree(entry)


def make_file_private(path: Path) -> None:
    """Make one existing file owner-only (nothing when it is missing)."""
    if path.is_file() and not path.is_symlink():
        path.chmod(PRIVATE_FILE_MODE)


def _private_tree(directory: Path) -> None:
    directory.chmod(PRIVATE_DIR_MODE)
    for root, dirs, files in os.walk(directory):
        for name in dirs:
            path = Path(root, name)
            if not path.is_symlink():
                path.chmod(PRIVATE_DIR_MODE)
        for name in files:
            make_file_private(Path(root, name))


def write_private(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` readable by the owner only (0600, whatever the umask)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            fd = -1
            out.write(raw)
    finally:
        if fd >= 0:
            os.close(fd)


_ABSOLUTE_PATH = re.compile(r"(?<![\w:/.~-])(?:/[^\s'\":/]+)+/([^\s'\":/]+)")


def hide_paths(message: str) -> str:
    """Replace each absolute path in ``message`` with its last part (``/a/b/c.mp4`` -> ``c.mp4``).

    Messages shown to a web page never reveal the server's directories.
    """
    return _ABSOLUTE_PATH.sub(r"\1", message)
