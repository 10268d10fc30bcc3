"""Database tables (SQLAlchemy 2 typed declarative), kept apart from the record dataclasses.

The tables mirror :mod:`spinecoach.session.records`: each attribute is named after the record
field it stores (a column may keep an older name, e.g. ``sets.set_index``), so the one generic
mapping of :mod:`spinecoach.storage.mapping` converts every row.  Enum fields are stored as
their string values (no database enum types, so adding a value needs no migration);
``dict``/``tuple`` fields are JSON.
Every timestamp is stored in UTC and handed back timezone-aware (:class:`UtcDateTime`).
Set and repetition numbers are not unique constraints: like the in-memory fake, the database
keeps a repetition rather than refuse it (a tracker restarted mid-set may number from 1 again).

This module describes the schema at the newest migration; the migrations in ``migrations/``
are the source of truth for what a database actually holds, and a test checks that the two
agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonValue = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (UTC).

    Naive datetimes are taken to be UTC already (the records promise aware UTC values).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC (and drop the zone for SQLite, which cannot keep it)."""
        if value is None:
            return None
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.replace(tzinfo=None) if dialect.name == "sqlite" else aware

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Attach or normalise the UTC zone."""
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - drivers return datetimes
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable migration names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdentifiedBase(Base):
    """A table with an integer primary key ``id`` (every spinecoach table)."""

    __abstract__ = True
    time_column: ClassVar[str] = ""  # the timestamp a user's rows are listed by, if any

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class UserRow(IdentifiedBase):
    """A person using spinecoach: an account (revision 0005: ``role``, ``password_hash``).

    ``password_hash`` (argon2) is not a field of the ``User`` record, so no export or report
    can carry it; the repository reads and writes it on its own.
    """

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    role: Mapped[str] = mapped_column(String(16), server_default="patient")
    password_hash: Mapped[str | None] = mapped_column(String(255))


class CareLinkRow(IdentifiedBase):
    """A clinician who may read a patient's record (revision 0005)."""

    __tablename__ = "care_links"
    __table_args__ = (UniqueConstraint("clinician_id", "patient_id"),)

    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WebSessionRow(IdentifiedBase):
    """A signed-in browser (revision 0005); the cookie's token is kept only as its hash."""

    __tablename__ = "web_sessions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SignInLinkRow(IdentifiedBase):
    """A one-time sign-in link (revision 0005); its token is kept only as its hash."""

    __tablename__ = "signin_links"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ProfileRow(IdentifiedBase):
    """A saved profile (revision 0006 "profiles"); the newest row of a user is their profile."""

    __tablename__ = "profiles"
    time_column = "saved_at"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str] = mapped_column(String(100))
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    clinician_name: Mapped[str | None] = mapped_column(String(200))
    clinician_email: Mapped[str | None] = mapped_column(String(254))
    units: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(16))


class ScreeningRow(IdentifiedBase):
    """One red-flag screening and its outcome."""

    __tablename__ = "screenings"
    time_column = "taken_at"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(32))
    reasons: Mapped[list[str]] = mapped_column(JsonValue)
    flags: Mapped[list[str]] = mapped_column(JsonValue)
    answers: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    questionnaire_version: Mapped[str] = mapped_column(String(64))


class CheckInRow(IdentifiedBase):
    """Symptoms at one moment."""

    __tablename__ = "checkins"
    time_column = "taken_at"
    __table_args__ = (
        CheckConstraint("back_pain BETWEEN 0 AND 10", name="back_pain_0_10"),
        CheckConstraint("leg_pain BETWEEN 0 AND 10", name="leg_pain_0_10"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True
    )
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime())
    when: Mapped[str] = mapped_column(String(16))
    back_pain: Mapped[int] = mapped_column(Integer)
    leg_pain: Mapped[int] = mapped_column(Integer)
    furthest_symptom: Mapped[str] = mapped_column(String(16))
    numbness: Mapped[bool]
    tingling: Mapped[bool]
    weakness: Mapped[bool]
    note: Mapped[str] = mapped_column(Text)
    exercise_id: Mapped[str | None] = mapped_column(String(64))


class PrescriptionRow(IdentifiedBase):
    """The dose of one exercise from ``valid_from`` on."""

    __tablename__ = "prescriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[str] = mapped_column(String(64))
    sets: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    hold_s: Mapped[float | None] = mapped_column(Float)
    rest_s: Mapped[float] = mapped_column(Float)
    valid_from: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    overridden_by: Mapped[str | None] = mapped_column(String(200))


class ProgrammeChangeRow(IdentifiedBase):
    """A change of dose; each dose is four columns per side of the change."""

    __tablename__ = "programme_changes"
    time_column = "at"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    old_sets: Mapped[int | None] = mapped_column(Integer)
    old_reps: Mapped[int | None] = mapped_column(Integer)
    old_hold_s: Mapped[float | None] = mapped_column(Float)
    old_rest_s: Mapped[float | None] = mapped_column(Float)
    new_sets: Mapped[int] = mapped_column(Integer)
    new_reps: Mapped[int | None] = mapped_column(Integer)
    new_hold_s: Mapped[float | None] = mapped_column(Float)
    new_rest_s: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    overridden_by: Mapped[str | None] = mapped_column(String(200))


class SessionRow(IdentifiedBase):
    """One exercise session.

    ``app_version`` (revision 0002) is the spinecoach version that recorded the session, so a
    clinician can tell which thresholds produced its numbers; NULL for older sessions.
    """

    __tablename__ = "sessions"
    time_column = "started_at"
    __table_args__ = (Index("ix_sessions_user_started", "user_id", "started_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    app_version: Mapped[str | None] = mapped_column(String(32))


class SetRow(IdentifiedBase):
    """One set of one exercise within a session."""

    __tablename__ = "sets"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    exercise_id: Mapped[str] = mapped_column(String(64))
    index: Mapped[int] = mapped_column("set_index", Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    target_reps: Mapped[int | None] = mapped_column(Integer)
    target_hold_s: Mapped[float | None] = mapped_column(Float)
    reps_done: Mapped[int | None] = mapped_column(Integer)
    hold_done_s: Mapped[float | None] = mapped_column(Float)
    pain_during: Mapped[int | None] = mapped_column(Integer)
    stop_code: Mapped[str | None] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16), server_default="camera")
    note: Mapped[str | None] = mapped_column(String(500))
    alive_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RepetitionRow(IdentifiedBase):
    """One completed repetition."""

    __tablename__ = "repetitions"

    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), index=True)
    index: Mapped[int] = mapped_column("rep_index", Integer)
    side: Mapped[str | None] = mapped_column(String(8))
    start_s: Mapped[float] = mapped_column(Float)
    peak_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    hold_s: Mapped[float] = mapped_column(Float)
    good_form: Mapped[bool]
    faults: Mapped[list[str]] = mapped_column(JsonValue)
    metrics: Mapped[dict[str, float]] = mapped_column(JsonValue)


class HoldRow(IdentifiedBase):
    """One interval held in good form."""

    __tablename__ = "holds"

    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), index=True)
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    good_form_s: Mapped[float] = mapped_column(Float)


class StopEventRow(IdentifiedBase):
    """A stop: a tracker rule or a symptom rule."""

    __tablename__ = "stop_events"
    time_column = "at"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True
    )
    set_id: Mapped[int | None] = mapped_column(ForeignKey("sets.id", ondelete="SET NULL"))
    exercise_id: Mapped[str | None] = mapped_column(String(64))
    at_s: Mapped[float | None] = mapped_column(Float)


class VideoAnalysisRow(IdentifiedBase):
    """Where a video-mode session came from (revision 0002): the file and its analysis summary.

    Only numbers and the path are kept, never the video.
    """

    __tablename__ = "video_analyses"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), unique=True
    )
    exercise_id: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str] = mapped_column(Text)
    fps: Mapped[float | None] = mapped_column(Float)
    frames: Mapped[int | None] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[dict[str, Any]] = mapped_column(JsonValue)
