"""Build a SQLAlchemy engine from :class:`~spinecoach.settings.Settings`.

SQLite (the default, a file in the user's data directory) is opened with the write-ahead log,
foreign keys on, a busy timeout and ``synchronous=FULL`` so that a committed repetition
survives the process being killed.  PostgreSQL is used when ``SPINECOACH_DATABASE_URL``
points at one (``postgresql://`` is read as ``postgresql+psycopg://``).
"""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from spinecoach.errors import MissingExtraError, StorageError
from spinecoach.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 30_000


def resolve_database_url(settings: Settings) -> URL:
    """Return the database URL of ``settings``, with the driver spinecoach uses.

    Raises
    ------
    StorageError
        When the URL cannot be parsed or names a backend other than SQLite or PostgreSQL.
    """
    try:
        url = make_url(settings.database_url)
    except ArgumentError as exc:
        raise StorageError(f"invalid database URL {settings.database_url!r}: {exc}") from exc
    backend = url.get_backend_name()
    if backend == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise StorageError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")
    return url


def create_engine_from_settings(settings: Settings) -> Engine:
    """Create the engine for ``settings`` (creating the SQLite file's directory).

    Raises
    ------
    MissingExtraError
        For PostgreSQL when psycopg is not installed.
    StorageError
        For an unusable URL or a data directory that cannot be created.
    """
    url = resolve_database_url(settings)
    if url.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url)
    if url.drivername == "postgresql+psycopg" and importlib.util.find_spec("psycopg") is None:
        raise MissingExtraError("PostgreSQL needs psycopg: pip install 'spinecoach[postgres]'")
    return create_engine(url, pool_pre_ping=True)


def _create_sqlite_engine(url: URL) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the data directory for {database}: {exc}") from exc
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()
