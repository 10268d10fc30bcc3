"""Engine construction from Settings: URLs, SQLite pragmas, UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from spinecoach.errors import StorageError
from spinecoach.settings import Settings, load_settings
from spinecoach.storage.connect import create_engine_from_settings, resolve_database_url
from spinecoach.storage.tables import UtcDateTime


def _settings(url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=url)


def test_a_plain_postgresql_url_uses_psycopg(tmp_path: Path) -> None:
    url = resolve_database_url(_settings("postgresql://u@db:5432/coach", tmp_path))
    assert url.drivername == "postgresql+psycopg"


@pytest.mark.parametrize("url", ["mysql://u@db/x", "not a url"])
def test_unsupported_or_invalid_urls_are_storage_errors(url: str, tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        resolve_database_url(_settings(url, tmp_path))


def test_default_settings_put_sqlite_in_the_data_directory(tmp_path: Path) -> None:
    settings = load_settings({"SPINECOACH_DATA_DIR": str(tmp_path / "nested" / "data")})
    engine = create_engine_from_settings(settings)
    try:
        with engine.connect() as conn:
            pragmas = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        engine.dispose()
    assert (tmp_path / "nested" / "data" / "spinecoach.db").exists()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000,
                       "synchronous": 2}


def test_utc_datetime_stores_utc_and_reads_back_aware() -> None:
    kind = UtcDateTime()
    plus_two = datetime(2026, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert kind.process_bind_param(plus_two, sqlite.dialect()) == datetime(2026, 1, 1, 10, 0)
    assert kind.process_bind_param(plus_two, postgresql.dialect()) == datetime(
        2026, 1, 1, 10, 0, tzinfo=UTC
    )
    naive = datetime(2026, 1, 1, 10, 0)
    assert kind.process_result_value(naive, sqlite.dialect()) == datetime(
        2026, 1, 1, 10, 0, tzinfo=UTC
    )
    assert kind.process_bind_param(None, sqlite.dialect()) is None
