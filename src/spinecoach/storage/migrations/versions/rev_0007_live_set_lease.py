"""The live-set lease (``sets.alive_at``): when the server coaching a set last said it is live.

Before this revision a starting server closed every open set, so a second server on the same
database (a clinic's, or a second ``serve`` on another port) closed the sets the first one
was still counting.  Now only sets whose lease has run out are closed as abandoned.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add ``sets.alive_at``."""
    with op.batch_alter_table("sets") as batch:
        batch.add_column(sa.Column("alive_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop ``sets.alive_at``."""
    with op.batch_alter_table("sets") as batch:
        batch.drop_column("alive_at")
