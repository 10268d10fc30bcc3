"""Record which spinecoach version wrote a session; keep where a video session came from.

- ``sessions.app_version``: the version whose thresholds produced the session's numbers
  (NULL for sessions recorded before this revision).
- ``ix_sessions_user_started``: the history and report queries read a user's sessions by
  start time.
- ``video_analyses``: the file path and analysis summary of a session saved from
  ``spinecoach analyze --save`` (numbers only, never the video).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Add the column, the index and the table."""
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("app_version", sa.String(32), nullable=True))
    op.create_index("ix_sessions_user_started", "sessions", ["user_id", "started_at"])
    op.create_table(
        "video_analyses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("fps", sa.Float(), nullable=True),
        sa.Column("frames", sa.Integer(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("summary", _JSON, nullable=False),
    )


def downgrade() -> None:
    """Drop the table, the index and the column."""
    op.drop_table("video_analyses")
    op.drop_index("ix_sessions_user_started", table_name="sessions")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("app_version")
