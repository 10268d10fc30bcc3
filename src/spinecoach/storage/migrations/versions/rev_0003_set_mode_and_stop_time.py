"""Say how each set was followed; keep when a tracker's stop fired within its set.

- ``sets.mode``: ``camera`` (counted by the live tracker), ``manual`` (typed in) or ``video``
  (an analysed recording).  Before this revision a typed-in set was recognised by its pain
  score, so existing rows are filled that way (and from their session's mode for videos).
- ``stop_events.at_s``: seconds from the start of the set's stream when a tracker's stop rule
  fired (NULL for symptom stops and for older rows).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the two columns and fill ``sets.mode`` for existing rows."""
    with op.batch_alter_table("sets") as batch:
        batch.add_column(
            sa.Column("mode", sa.String(16), nullable=False, server_default="camera")
        )
    with op.batch_alter_table("stop_events") as batch:
        batch.add_column(sa.Column("at_s", sa.Float(), nullable=True))
    op.execute("UPDATE sets SET mode = 'manual' WHERE pain_during IS NOT NULL")
    op.execute(
        "UPDATE sets SET mode = 'video' WHERE session_id IN "
        "(SELECT id FROM sessions WHERE mode = 'video')"
    )


def downgrade() -> None:
    """Drop the two columns."""
    with op.batch_alter_table("stop_events") as batch:
        batch.drop_column("at_s")
    with op.batch_alter_table("sets") as batch:
        batch.drop_column("mode")
