"""Accounts: roles and passwords, clinician links, browser sessions, one-time sign-in links.

- ``users.role`` (``patient`` or ``clinician``) and ``users.password_hash`` (argon2, NULL
  when the account signs in only by one-time links).  Every user already in the database
  becomes a patient account with no password: the single local user of an older spinecoach
  is the first account, and every row it owned (all of them carry its ``user_id``) stays its.
- ``care_links``: which clinician may read which patient's record.
- ``web_sessions``: signed-in browsers (the cookie's token only as its SHA-256 hash, and the
  session's CSRF token).
- ``signin_links``: one-time sign-in links (the token's hash, its expiry, when it was used).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

_TS = sa.DateTime(timezone=True)


def _user_column(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                     nullable=False)


def _token_table(name: str, *extra: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True),
        _user_column("user_id"),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        *extra,
    )
    op.create_index(f"ix_{name}_user_id", name, ["user_id"])


def upgrade() -> None:
    """Add the account columns and the three tables."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False,
                                   server_default="patient"))
        batch.add_column(sa.Column("password_hash", sa.String(255), nullable=True))
    op.create_table(
        "care_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user_column("clinician_id"),
        _user_column("patient_id"),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("clinician_id", "patient_id", name="uq_care_links_clinician_id"),
    )
    op.create_index("ix_care_links_clinician_id", "care_links", ["clinician_id"])
    op.create_index("ix_care_links_patient_id", "care_links", ["patient_id"])
    _token_table("web_sessions", sa.Column("csrf_token", sa.String(64), nullable=False))
    _token_table("signin_links", sa.Column("used_at", _TS, nullable=True))


def downgrade() -> None:
    """Drop the tables and the columns (every account becomes a plain user again)."""
    for table in ("signin_links", "web_sessions", "care_links"):
        op.drop_table(table)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_hash")
        batch.drop_column("role")
