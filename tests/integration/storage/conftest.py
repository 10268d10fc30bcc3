"""Fixtures: settings and repositories on SQLite and on a real PostgreSQL server.

PostgreSQL tests are marked ``postgres`` and skip with a reason when
``SPINECOACH_TEST_POSTGRES_URL`` is unset; each gets its own throw-away database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.session.repository import Repository
from spinecoach.settings import Settings
from spinecoach.storage import SqlRepository, open_repository
from spinecoach.storage.testing import (
    TEST_POSTGRES_URL_ENV,
    postgres_settings,
    sqlite_settings,
    temporary_postgres_database,
)

SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _settings_for(backend: str, data_dir: Path) -> Iterator[Settings]:
    if backend == "sqlite":
        yield sqlite_settings(data_dir)
        return
    server = os.environ.get(TEST_POSTGRES_URL_ENV)
    if not server:
        pytest.skip(f"{TEST_POSTGRES_URL_ENV} is not set (run scripts/start-postgres)")
    with temporary_postgres_database(server) as url:
        yield postgres_settings(data_dir, url)


@pytest.fixture(params=SQL_BACKENDS)
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for an empty database on each SQL backend."""
    yield from _settings_for(request.param, tmp_path / "data")


@pytest.fixture
def sql_repo(db_settings: Settings) -> Iterator[SqlRepository]:
    """A migrated SQL repository on each backend."""
    repo = open_repository(db_settings)
    yield repo
    repo.close()


@pytest.fixture(params=["memory", *SQL_BACKENDS])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    """Every Repository implementation: the in-memory fake, SQLite and PostgreSQL."""
    if request.param == "memory":
        yield InMemoryRepository()
        return
    for settings in _settings_for(request.param, tmp_path / "data"):
        sql = open_repository(settings)
        yield sql
        sql.close()
