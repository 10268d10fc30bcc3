"""Keep the note typed with a set done without the camera (``sets.note``, up to 500 characters).

Before this revision the web app accepted a note and dropped it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add ``sets.note``."""
    with op.batch_alter_table("sets") as batch:
        batch.add_column(sa.Column("note", sa.String(500), nullable=True))


def downgrade() -> None:
    """Drop ``sets.note``."""
    with op.batch_alter_table("sets") as batch:
        batch.drop_column("note")
