"""The account part of the Repository contract, on the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spinecoach.errors import StorageError
from spinecoach.session.records import Role, SignInLink, User, WebSession
from spinecoach.session.repository import Repository

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _add(repo: Repository, name: str, role: Role = Role.PATIENT) -> int:
    user = repo.add_user(User(name=name, created_at=T0, role=role))
    assert user.id is not None and user.role is role
    return user.id


def test_users_keep_their_role_and_list_by_id(repo: Repository) -> None:
    alex, sam = _add(repo, "alex"), _add(repo, "dr-sam", Role.CLINICIAN)
    assert [u.name for u in repo.users()] == ["alex", "dr-sam"]
    assert [u.id for u in repo.users(Role.CLINICIAN)] == [sam]
    found = repo.get_user(alex)
    assert found is not None and found.role is Role.PATIENT


def test_a_password_hash_is_kept_apart_from_the_user_record(repo: Repository) -> None:
    alex = _add(repo, "alex")
    assert repo.password_hash(alex) is None
    repo.set_password_hash(alex, "$argon2id$fake")
    assert repo.password_hash(alex) == "$argon2id$fake"
    user = repo.get_user(alex)
    assert user is not None and not hasattr(user, "password_hash")
    repo.set_password_hash(alex, None)
    assert repo.password_hash(alex) is None
    assert repo.password_hash(9999) is None
    with pytest.raises(StorageError):
        repo.set_password_hash(9999, "x")


def test_links_go_one_way_and_linking_twice_is_harmless(repo: Repository) -> None:
    alex, kim = _add(repo, "alex"), _add(repo, "kim")
    sam = _add(repo, "dr-sam", Role.CLINICIAN)
    repo.link_patient(sam, alex, T0)
    repo.link_patient(sam, alex, T0)
    repo.link_patient(sam, kim, T0)
    assert [u.name for u in repo.patients_of(sam)] == ["alex", "kim"]
    assert [u.name for u in repo.clinicians_of(alex)] == ["dr-sam"]
    assert repo.patients_of(alex) == []
    assert repo.unlink_patient(sam, alex) is True
    assert repo.unlink_patient(sam, alex) is False
    assert [u.name for u in repo.patients_of(sam)] == ["kim"]


def test_web_sessions_are_found_by_token_hash_and_deleted(repo: Repository) -> None:
    alex, kim = _add(repo, "alex"), _add(repo, "kim")
    for user_id, token_hash in ((alex, "a" * 64), (alex, "b" * 64), (kim, "c" * 64)):
        stored = repo.add_web_session(WebSession(
            user_id=user_id, token_hash=token_hash, csrf_token="csrf", created_at=T0,
            expires_at=T0 + timedelta(days=7)))
        assert stored.id is not None
    found = repo.find_web_session("a" * 64)
    assert found is not None and found.user_id == alex
    assert found.expires_at == T0 + timedelta(days=7) and found.expires_at.tzinfo is not None
    assert repo.find_web_session("d" * 64) is None
    assert repo.delete_web_sessions(token_hash="a" * 64) == 1
    assert repo.find_web_session("a" * 64) is None
    assert repo.delete_web_sessions(user_id=alex) == 1
    assert repo.find_web_session("b" * 64) is None
    assert repo.find_web_session("c" * 64) is not None


def test_a_signin_link_is_used_once_and_never_after_it_expires(repo: Repository) -> None:
    alex = _add(repo, "alex")
    for token_hash in ("a" * 64, "b" * 64):
        repo.add_signin_link(SignInLink(user_id=alex, token_hash=token_hash, created_at=T0,
                                        expires_at=T0 + timedelta(minutes=10)))
    used = repo.use_signin_link("a" * 64, T0 + timedelta(minutes=1))
    assert used is not None and used.user_id == alex
    assert used.used_at == T0 + timedelta(minutes=1)
    assert repo.use_signin_link("a" * 64, T0 + timedelta(minutes=2)) is None  # used
    assert repo.use_signin_link("b" * 64, T0 + timedelta(minutes=10)) is None  # expired
    assert repo.use_signin_link("z" * 64, T0) is None  # unknown


def test_expired_sessions_and_used_or_expired_links_are_deleted(repo: Repository) -> None:
    alex = _add(repo, "alex")
    for token_hash, days in (("a" * 64, 1), ("b" * 64, 9)):
        repo.add_web_session(WebSession(user_id=alex, token_hash=token_hash, csrf_token="c",
                                        created_at=T0, expires_at=T0 + timedelta(days=days)))
    for token_hash, minutes in (("c" * 64, 10), ("d" * 64, 10), ("e" * 64, 90)):
        repo.add_signin_link(SignInLink(user_id=alex, token_hash=token_hash, created_at=T0,
                                        expires_at=T0 + timedelta(minutes=minutes)))
    assert repo.use_signin_link("e" * 64, T0) is not None
    assert repo.delete_expired_tokens(T0 + timedelta(days=2)) == 4  # a, c, d (expired), e (used)
    assert repo.find_web_session("a" * 64) is None
    assert repo.find_web_session("b" * 64) is not None
    assert repo.delete_expired_tokens(T0 + timedelta(days=2)) == 0
