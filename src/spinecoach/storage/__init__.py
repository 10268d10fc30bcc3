"""Storage adapter: SQLAlchemy tables, the repository, Alembic migrations.

::

    open_repository(settings)      engine from Settings -> migrate to head -> SqlRepository
      connect.py                   the SQLAlchemy engine: SQLite (WAL, foreign keys, busy timeout)
                                   or PostgreSQL
      migrate.py + migrations/     Alembic, shipped in the package, run on open
      head.py                      the newest revision without Alembic (a fast open at head)
      tables.py                    typed declarative tables (apart from the records)
      mapping.py                   rows <-> records of spinecoach.session.records (generic)
      database.py                  the unit of work: one writer path, readers, errors
      repository.py                SqlRepository: the Repository port
      testing.py                   throw-away PostgreSQL databases and settings for tests

The fake beside this adapter is :class:`spinecoach.session.in_memory.InMemoryRepository`.
Nothing here runs at import time: the names below are loaded on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spinecoach.settings import Settings
    from spinecoach.storage.repository import SqlRepository

__all__ = ["SqlRepository", "open_repository"]


def open_repository(settings: Settings) -> SqlRepository:
    """Open the database of ``settings`` (creating it and migrating it to head).

    Creates the data directory (and the SQLite file) when missing.

    Raises
    ------
    StorageError
        When the database cannot be created, reached or migrated.
    MissingExtraError
        When PostgreSQL is configured but psycopg is not installed.
    """
    from spinecoach.errors import StorageError
    from spinecoach.storage.connect import create_engine_from_settings
    from spinecoach.storage.head import HEAD_REVISION, database_revision
    from spinecoach.storage.repository import SqlRepository

    try:
        from spinecoach.files import make_private

        make_private(settings.data_dir)
    except OSError as exc:
        raise StorageError(f"cannot create the data directory {settings.data_dir}: {exc}") from exc
    engine = create_engine_from_settings(settings)
    try:
        if database_revision(engine) != HEAD_REVISION:  # a read: no write lock when current
            from spinecoach.storage.migrate import upgrade

            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    _private_database(settings, engine.url.get_backend_name(), engine.url.database)
    return SqlRepository(engine)


def _private_database(settings: Settings, backend: str, database: str | None) -> None:
    """Owner-only modes on the data directory and a SQLite file (with its WAL and SHM)."""
    from spinecoach.files import make_file_private, make_private

    make_private(settings.data_dir)
    if backend == "sqlite" and database and database != ":memory:":
        for suffix in ("", "-wal", "-shm", "-journal"):
            make_file_private(Path(database + suffix))


def __getattr__(name: str) -> Any:
    if name == "SqlRepository":
        from spinecoach.storage.repository import SqlRepository

        return SqlRepository
    raise AttributeError(f"module 'spinecoach.storage' has no attribute {name!r}")
