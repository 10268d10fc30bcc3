"""Initial schema: users, screenings, check-ins, programme, sessions, sets, reps, holds, stops.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_TS = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _user_fk() -> sa.Column[int]:
    return sa.Column(
        "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


def _create_people() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "screenings",
        _id(),
        _user_fk(),
        sa.Column("taken_at", _TS, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("reasons", _JSON, nullable=False),
        sa.Column("flags", _JSON, nullable=False),
        sa.Column("answers", _JSON, nullable=False),
        sa.Column("questionnaire_version", sa.String(64), nullable=False),
    )


def _create_programme() -> None:
    dose = ("sets", "reps", "hold_s", "rest_s")
    op.create_table(
        "prescriptions",
        _id(),
        _user_fk(),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("hold_s", sa.Float(), nullable=True),
        sa.Column("rest_s", sa.Float(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("overridden_by", sa.String(200), nullable=True),
    )
    old = [
        sa.Column(f"old_{name}", sa.Integer() if name in ("sets", "reps") else sa.Float())
        for name in dose
    ]
    new = [
        sa.Column(
            f"new_{name}",
            sa.Integer() if name in ("sets", "reps") else sa.Float(),
            nullable=name in ("reps", "hold_s"),
        )
        for name in dose
    ]
    op.create_table(
        "programme_changes",
        _id(),
        _user_fk(),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("at", _TS, nullable=False),
        *old,
        *new,
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("overridden_by", sa.String(200), nullable=True),
    )


def _create_sessions() -> None:
    op.create_table(
        "sessions",
        _id(),
        _user_fk(),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("ended_at", _TS, nullable=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "sets",
        _id(),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("set_index", sa.Integer(), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("ended_at", _TS, nullable=True),
        sa.Column("target_reps", sa.Integer(), nullable=True),
        sa.Column("target_hold_s", sa.Float(), nullable=True),
        sa.Column("reps_done", sa.Integer(), nullable=True),
        sa.Column("hold_done_s", sa.Float(), nullable=True),
        sa.Column("pain_during", sa.Integer(), nullable=True),
        sa.Column("stop_code", sa.String(64), nullable=True),
    )


def _set_fk(ondelete: str, nullable: bool) -> sa.Column[int]:
    return sa.Column(
        "set_id", sa.Integer(), sa.ForeignKey("sets.id", ondelete=ondelete), nullable=nullable
    )


def _create_measurements() -> None:
    op.create_table(
        "repetitions",
        _id(),
        _set_fk("CASCADE", nullable=False),
        sa.Column("rep_index", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(8), nullable=True),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("peak_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("hold_s", sa.Float(), nullable=False),
        sa.Column("good_form", sa.Boolean(), nullable=False),
        sa.Column("faults", _JSON, nullable=False),
        sa.Column("metrics", _JSON, nullable=False),
    )
    op.create_table(
        "holds",
        _id(),
        _set_fk("CASCADE", nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("good_form_s", sa.Float(), nullable=False),
    )


def _create_symptoms() -> None:
    op.create_table(
        "checkins",
        _id(),
        _user_fk(),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("sessions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("taken_at", _TS, nullable=False),
        sa.Column("when", sa.String(16), nullable=False),
        sa.Column("back_pain", sa.Integer(), nullable=False),
        sa.Column("leg_pain", sa.Integer(), nullable=False),
        sa.Column("furthest_symptom", sa.String(16), nullable=False),
        sa.Column("numbness", sa.Boolean(), nullable=False),
        sa.Column("tingling", sa.Boolean(), nullable=False),
        sa.Column("weakness", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("exercise_id", sa.String(64), nullable=True),
        sa.CheckConstraint("back_pain BETWEEN 0 AND 10", name="back_pain_0_10"),
        sa.CheckConstraint("leg_pain BETWEEN 0 AND 10", name="leg_pain_0_10"),
    )
    op.create_table(
        "stop_events",
        _id(),
        _user_fk(),
        sa.Column("at", _TS, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("sessions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        _set_fk("SET NULL", nullable=True),
        sa.Column("exercise_id", sa.String(64), nullable=True),
    )


_INDEXED = (
    ("screenings", "user_id"),
    ("checkins", "user_id"),
    ("checkins", "session_id"),
    ("prescriptions", "user_id"),
    ("programme_changes", "user_id"),
    ("sessions", "user_id"),
    ("sets", "session_id"),
    ("repetitions", "set_id"),
    ("holds", "set_id"),
    ("stop_events", "user_id"),
    ("stop_events", "session_id"),
)


def upgrade() -> None:
    """Create every table of the first schema."""
    _create_people()
    _create_programme()
    _create_sessions()
    _create_measurements()
    _create_symptoms()
    for table, column in _INDEXED:
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    """Drop every table."""
    for table in (
        "stop_events",
        "checkins",
        "holds",
        "repetitions",
        "sets",
        "sessions",
        "programme_changes",
        "prescriptions",
        "screenings",
        "users",
    ):
        op.drop_table(table)
