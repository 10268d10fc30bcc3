"""The user's profile (``profiles``): the name the report shows, and the clinician it is for.

A new table only (nothing existing changes); it follows the accounts revision (0005),
though the table does not depend on it.
Each save is a new row; the newest row of a user is their profile.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create ``profiles``."""
    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clinician_name", sa.String(200), nullable=True),
        sa.Column("clinician_email", sa.String(254), nullable=True),
        sa.Column("units", sa.String(16), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
    )
    op.create_index("ix_profiles_user_id", "profiles", ["user_id"])


def downgrade() -> None:
    """Drop ``profiles``."""
    op.drop_index("ix_profiles_user_id", table_name="profiles")
    op.drop_table("profiles")
