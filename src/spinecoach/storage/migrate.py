"""Run the Alembic migrations shipped inside the package.

:func:`upgrade` brings a database to a revision (``"head"`` by default) on one connection in one
transaction.  It first takes a lock (an advisory lock on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite) so that processes opening the same new database at once (the web app and a command,
say) wait for each other instead of all creating the tables.  A database written by a newer
spinecoach (an unknown revision) is refused rather than touched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from spinecoach.errors import StorageError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_MIGRATION_LOCK_ID = 0x5C0A_C401


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic config for the packaged migrations (optionally bound to ``connection``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the newest migration revision shipped with this version of spinecoach."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StorageError("no database migrations are installed")
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None for an empty database."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot read the database revision: {exc}") from exc


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision``.

    Raises
    ------
    StorageError
        When the database cannot be reached, is from a newer spinecoach, or a migration fails.
    """
    script = ScriptDirectory.from_config(alembic_config())

    def run(connection: Connection) -> None:
        current = MigrationContext.configure(connection).get_current_revision()
        if current is not None and _is_unknown(script, current):
            raise StorageError(
                f"the database is at revision {current}, written by a newer spinecoach; "
                "upgrade spinecoach to open it"
            )
        command.upgrade(alembic_config(connection), revision)

    _migrate(engine, run)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the database behind ``engine`` to ``revision`` (for developers and tests)."""
    _migrate(engine, lambda connection: command.downgrade(alembic_config(connection), revision))


def _migrate(engine: Engine, run: Callable[[Connection], None]) -> None:
    """Run ``run`` in one transaction, locked on PostgreSQL, foreign keys paused on SQLite.

    SQLite alters a table by copying it, dropping the original and renaming the copy; with
    foreign keys enforced, dropping the original would cascade-delete every child row.  So
    enforcement is paused for the migration and the keys are checked before it commits.
    """
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                _set_sqlite_foreign_keys(connection, enabled=False)
            try:
                with connection.begin():
                    _lock_for_migration(connection)
                    run(connection)
                    if sqlite:
                        _check_sqlite_foreign_keys(connection)
            finally:
                if sqlite:
                    _set_sqlite_foreign_keys(connection, enabled=True)
    except (SQLAlchemyError, CommandError) as exc:
        raise StorageError(f"cannot migrate the database: {exc}") from exc


def _lock_for_migration(connection: Connection) -> None:
    """Make concurrent openers of a new database wait for each other, not collide."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK_ID}
        )
    elif connection.dialect.name == "sqlite":
        # take the write lock before reading the revision (waits up to the busy timeout)
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _set_sqlite_foreign_keys(connection: Connection, *, enabled: bool) -> None:
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
    connection.commit()


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise StorageError(f"a migration left {len(broken)} broken foreign key(s): {broken[:3]}")


def _is_unknown(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is None
    except CommandError:
        return True
