"""The newest migration revision, known without importing Alembic.

Opening a database that is already at :data:`HEAD_REVISION` then costs one query, and the
app starts without loading Alembic (and Mako) at all; any other revision (an empty database,
an older one, one from a newer spinecoach) goes through :func:`spinecoach.storage.migrate.upgrade`
as before.  ``tests/integration/storage/test_migrations.py`` checks this constant against
Alembic's own head, so a new migration that forgets to bump it fails there.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

HEAD_REVISION = "0007"  # rev_0007_live_set_lease


def database_revision(engine: Engine) -> str | None:
    """The single revision recorded in the database, or None (none, several, or no table)."""
    try:
        with engine.connect() as connection:
            value = connection.execute(
                text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    except SQLAlchemyError:
        return None
    return None if value is None else str(value)
