"""Helpers for tests that need a real database (shipped so every test suite can use them).

:func:`temporary_postgres_database` creates a fresh, uniquely named database on a PostgreSQL
server and drops it afterwards, so tests running in parallel (or several developers sharing one
throw-away server) never see each other's rows.  :func:`sqlite_settings` and
:func:`postgres_settings` build :class:`~spinecoach.settings.Settings` for either backend.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from spinecoach.settings import Settings

TEST_POSTGRES_URL_ENV = "SPINECOACH_TEST_POSTGRES_URL"


def sqlite_settings(data_dir: Path) -> Settings:
    """Return settings that keep a SQLite database in ``data_dir``."""
    return Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'spinecoach.db'}")


def postgres_settings(data_dir: Path, database_url: str) -> Settings:
    """Return settings that use the PostgreSQL database at ``database_url``."""
    return Settings(data_dir=data_dir, database_url=database_url)


@contextmanager
def temporary_postgres_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the server at ``server_url``; yield its URL; drop it.

    Parameters
    ----------
    server_url
        Any database URL on the server (e.g. ``postgresql+psycopg://postgres@host:port/postgres``);
        the user needs the CREATEDB privilege.
    """
    url = make_url(server_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = f"spinecoach_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
