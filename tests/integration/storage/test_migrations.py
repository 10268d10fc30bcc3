"""Alembic migrations: an empty database, a database from revision 0001 with data, refusals."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from spinecoach import __version__
from spinecoach.errors import StorageError
from spinecoach.session.records import SessionMode, SessionRecord, SessionStatus, SetMode
from spinecoach.settings import Settings
from spinecoach.storage import open_repository
from spinecoach.storage.connect import create_engine_from_settings
from spinecoach.storage.migrate import current_revision, downgrade, head_revision, upgrade
from spinecoach.storage.tables import Base

HEAD = "0007"  # rev_0007_live_set_lease (after rev_0006_profiles)
TABLES = {
    "users", "screenings", "checkins", "prescriptions", "programme_changes", "sessions",
    "sets", "repetitions", "holds", "stop_events", "video_analyses", "alembic_version",
    "care_links", "web_sessions", "signin_links", "profiles",
}


def test_an_empty_database_is_migrated_to_head_on_open(db_settings: Settings) -> None:
    with open_repository(db_settings) as repo:
        assert current_revision(repo.engine) == head_revision() == HEAD
        assert set(inspect(repo.engine).get_table_names()) == TABLES
        with repo.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []


def test_the_fast_head_check_knows_alembics_head(db_settings: Settings) -> None:
    from spinecoach.storage.head import HEAD_REVISION, database_revision

    assert HEAD_REVISION == head_revision() == HEAD
    engine = create_engine_from_settings(db_settings)
    assert database_revision(engine) is None  # no table yet
    engine.dispose()
    with open_repository(db_settings) as repo:
        assert database_revision(repo.engine) == HEAD_REVISION


def test_opening_twice_is_harmless(db_settings: Settings) -> None:
    open_repository(db_settings).close()
    with open_repository(db_settings) as repo:
        assert current_revision(repo.engine) == HEAD


def _fill_revision_0001(settings: Settings) -> None:
    """Write rows with plain SQL, as spinecoach at revision 0001 would have."""
    engine = create_engine_from_settings(settings)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    assert "video_analyses" not in inspect(engine).get_table_names()
    when = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, name, created_at) VALUES (1, 'old', :t)"),
                     {"t": when})
        conn.execute(
            text("INSERT INTO sessions (id, user_id, started_at, ended_at, mode, status) "
                 "VALUES (7, 1, :t, :t, 'camera', 'completed')"),
            {"t": when},
        )
        conn.execute(
            text("INSERT INTO sets (id, session_id, exercise_id, set_index, started_at, "
                 "target_reps, reps_done) VALUES (3, 7, 'bridge', 1, :t, 8, 8)"),
            {"t": when},
        )
        conn.execute(
            text("INSERT INTO sets (id, session_id, exercise_id, set_index, started_at, "
                 "target_reps, reps_done, pain_during) VALUES (4, 7, 'plank', 2, :t, 8, 1, 3)"),
            {"t": when},
        )
        conn.execute(
            text("INSERT INTO repetitions (set_id, rep_index, start_s, peak_s, end_s, hold_s, "
                 "good_form, faults, metrics) VALUES "
                 "(3, 1, 0.5, 1.5, 5.0, 3.2, :good, '[]', '{\"hip_ext_deg_at_peak\": -2.0}')"),
            {"good": True},
        )
    engine.dispose()


def test_a_database_with_data_from_revision_0001_is_upgraded_and_keeps_it(
    db_settings: Settings,
) -> None:
    _fill_revision_0001(db_settings)
    with open_repository(db_settings) as repo:
        assert current_revision(repo.engine) == HEAD
        user = repo.find_user("old")
        assert user is not None and user.id == 1
        (session,) = repo.sessions(1)
        assert session.id == 7 and session.status is SessionStatus.COMPLETED
        assert session.started_at == datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
        old_set, typed_in = repo.sets_of(7)
        assert (old_set.mode, typed_in.mode) == (SetMode.CAMERA, SetMode.MANUAL)  # rev 0003
        assert old_set.note is None and typed_in.note is None  # rev 0004
        assert repo.latest_profile(1) is None  # rev 0006: no profile saved yet
        (rep,) = repo.repetitions_of(old_set.id or 0)
        assert rep.hold_s == 3.2 and rep.good_form and rep.metrics == {"hip_ext_deg_at_peak": -2.0}
        new = repo.start_session(
            SessionRecord(user_id=1, started_at=datetime.now(UTC), mode=SessionMode.VIDEO)
        )
        with repo.engine.connect() as conn:
            versions = dict(conn.execute(text("SELECT id, app_version FROM sessions")).all())
        assert versions == {7: None, new.id: __version__}
        index_names = {ix["name"] for ix in inspect(repo.engine).get_indexes("sessions")}
        assert "ix_sessions_user_started" in index_names


def _fill_revision_0004(settings: Settings) -> None:
    """A single-user database as spinecoach before accounts (revision 0004) left it."""
    engine = create_engine_from_settings(settings)
    upgrade(engine, "0004")
    assert "role" not in {c["name"] for c in inspect(engine).get_columns("users")}
    when = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, name, created_at) VALUES (1, 'me', :t)"),
                     {"t": when})
        conn.execute(text(
            "INSERT INTO checkins (id, user_id, taken_at, \"when\", back_pain, leg_pain, "
            "furthest_symptom, numbness, tingling, weakness, note) VALUES "
            "(5, 1, :t, 'before', 3, 2, 'thigh', :no, :no, :no, '')"), {"t": when, "no": False})
        conn.execute(text(
            "INSERT INTO sessions (id, user_id, started_at, ended_at, mode, status, app_version) "
            "VALUES (7, 1, :t, :t, 'no_camera', 'completed', '0.1.0')"), {"t": when})
        conn.execute(text(
            "INSERT INTO sets (id, session_id, exercise_id, set_index, started_at, reps_done, "
            "mode, note) VALUES (3, 7, 'bridge', 1, :t, 8, 'manual', 'felt fine')"), {"t": when})
    engine.dispose()


def test_a_pre_accounts_database_becomes_the_first_account_and_keeps_every_row(
    db_settings: Settings,
) -> None:
    from spinecoach.session import accounts
    from spinecoach.session.records import Role

    _fill_revision_0004(db_settings)
    with open_repository(db_settings) as repo:
        assert current_revision(repo.engine) == HEAD
        (only,) = repo.users()
        assert (only.id, only.name, only.role) == (1, "me", Role.PATIENT)
        assert repo.password_hash(1) is None  # signs in by one-time links, as before
        assert accounts.local_account(repo, datetime.now(UTC)) == only  # serve signs it in
        (checkin,) = repo.checkins(1)
        assert checkin.id == 5 and checkin.back_pain == 3
        (session,) = repo.sessions(1)
        assert session.id == 7 and [s.note for s in repo.sets_of(7)] == ["felt fine"]
        viewer = accounts.record_access(repo, only, None)
        assert viewer.owner == only and not viewer.read_only


def test_revision_0005_downgrades_to_0004_keeping_the_records(db_settings: Settings) -> None:
    _fill_revision_0004(db_settings)
    engine = create_engine_from_settings(db_settings)
    upgrade(engine)
    downgrade(engine, "0004")
    assert current_revision(engine) == "0004"
    tables = set(inspect(engine).get_table_names())
    assert not {"care_links", "web_sessions", "signin_links"} & tables
    assert not {"role", "password_hash"} & {c["name"] for c in inspect(engine).get_columns("users")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sets")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM checkins")).scalar_one() == 1
    engine.dispose()


def test_revision_0006_downgrades_to_0005_keeping_the_accounts(db_settings: Settings) -> None:
    _fill_revision_0004(db_settings)
    engine = create_engine_from_settings(db_settings)
    upgrade(engine)
    assert current_revision(engine) == HEAD
    downgrade(engine, "0005")
    assert current_revision(engine) == "0005"
    tables = set(inspect(engine).get_table_names())
    assert "profiles" not in tables
    assert {"care_links", "web_sessions", "signin_links"} <= tables
    with engine.connect() as conn:
        assert conn.execute(text("SELECT role FROM users")).scalar_one() == "patient"
        assert conn.execute(text("SELECT count(*) FROM sets")).scalar_one() == 1
    upgrade(engine)
    assert current_revision(engine) == HEAD
    engine.dispose()


def test_a_database_from_a_newer_spinecoach_is_refused(db_settings: Settings) -> None:
    open_repository(db_settings).close()
    engine = create_engine_from_settings(db_settings)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StorageError, match="newer spinecoach"):
        open_repository(db_settings)


def test_revisions_0003_and_0002_downgrade_cleanly(db_settings: Settings) -> None:
    _fill_revision_0001(db_settings)
    engine = create_engine_from_settings(db_settings)
    upgrade(engine)
    downgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    columns = {c["name"] for c in inspect(engine).get_columns("sessions")}
    assert "app_version" not in columns
    assert not {"mode", "note"} & {c["name"] for c in inspect(engine).get_columns("sets")}
    assert "profiles" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM repetitions")).scalar_one() == 1
    engine.dispose()


def test_processes_opening_a_new_database_at_once_wait_for_each_other(
    db_settings: Settings,
) -> None:
    script = Path(__file__).with_name("open_database.py")
    command = [sys.executable, str(script), str(db_settings.data_dir), db_settings.database_url]
    children = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [child.communicate(timeout=120)[1] for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0], errors
    with open_repository(db_settings) as repo:
        assert current_revision(repo.engine) == HEAD
