"""Accounts: who may sign in, how, and whose record each account may read or change.

The rules, for the web app and the CLI alike:

- An account is a patient or a clinician (:class:`~spinecoach.session.records.Role`).  A
  patient reads and changes only their own record; a clinician reads (never changes) the
  records of the patients linked to them (:func:`record_access`).
- Passwords are optional (one person on their own laptop signs in by one-time links) and
  hashed with argon2id; a new password signs the account out everywhere.
- A one-time sign-in link (:func:`issue_signin_link`) works once, within
  :data:`SIGNIN_LINK_LIFETIME`; it is exchanged for a browser session that lasts
  :data:`SESSION_LIFETIME`.  Only SHA-256 hashes of link and session tokens are stored, so a
  copy of the database signs nobody in; expired ones (and used links) are deleted whenever a
  new one is made.
- :func:`local_account` is the account ``spinecoach serve`` signs in: the one named, else the
  first account (an older single-user database's user), else a new patient account.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from spinecoach.errors import InputError, NotFoundError
from spinecoach.session.records import Role, SignInLink, User, WebSession
from spinecoach.session.repository import Repository

DEFAULT_USER_NAME = "me"
"""The local user of a single-user install (created on first use)."""
SESSION_LIFETIME = timedelta(days=7)
SIGNIN_LINK_LIFETIME = timedelta(minutes=10)
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024  # hashing is deliberately slow: refuse megabytes of "password"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash to verify against when there is no account or password: the same cost."""
    return _HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class SignedIn:
    """A browser's valid session and its account."""

    user: User
    session: WebSession


@dataclass(frozen=True)
class RecordAccess:
    """Whose record a request reads (``owner``) and whether it may change it."""

    owner: User
    read_only: bool


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (``InputError`` when it is too short or too long)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(f"A password needs at least {MIN_PASSWORD_CHARS} characters.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InputError(f"A password can have at most {MAX_PASSWORD_CHARS} characters.")
    return _HASHER.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """True when ``password`` is the one hashed (always takes one argon2 verification)."""
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        return _HASHER.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def check_name(name: str) -> str:
    """A valid account name, stripped (``InputError`` otherwise)."""
    name = name.strip()
    if not _NAME.fullmatch(name):
        raise InputError(f"{name!r} cannot be an account name: use 1 to 64 letters, digits "
                         "and . _ @ - (starting with a letter or digit).")
    return name


def find_account(repo: Repository, name: str) -> User:
    """The account called ``name`` (``InputError`` naming it when there is none)."""
    user = repo.find_user(name.strip())
    if user is None:
        raise InputError(f"There is no account named {name.strip()!r}.")
    return user


def add_account(repo: Repository, name: str, role: Role, now: datetime,
                password: str | None = None) -> User:
    """Create an account (with a password when given)."""
    name = check_name(name)
    if repo.find_user(name) is not None:
        raise InputError(f"An account named {name!r} already exists.")
    password_hash = None if password is None else hash_password(password)
    user = repo.add_user(User(name=name, created_at=now, role=role))
    assert user.id is not None
    if password_hash is not None:
        repo.set_password_hash(user.id, password_hash)
    return user


def set_password(repo: Repository, name: str, password: str | None) -> User:
    """Set (None: remove) an account's password and sign it out of every browser."""
    user = find_account(repo, name)
    assert user.id is not None
    repo.set_password_hash(user.id, None if password is None else hash_password(password))
    repo.delete_web_sessions(user_id=user.id)
    return user


def has_password(repo: Repository, user: User) -> bool:
    """True when the account can sign in with a password."""
    return user.id is not None and repo.password_hash(user.id) is not None


def link_patient(repo: Repository, patient_name: str, clinician_name: str, now: datetime,
                 *, remove: bool = False) -> tuple[User, User]:
    """Let a clinician read a patient's record (``remove``: stop it); returns both."""
    patient, clinician = find_account(repo, patient_name), find_account(repo, clinician_name)
    if patient.role is not Role.PATIENT:
        raise InputError(f"{patient.name!r} is not a patient account.")
    if clinician.role is not Role.CLINICIAN:
        raise InputError(f"{clinician.name!r} is not a clinician account.")
    assert patient.id is not None and clinician.id is not None
    if remove:
        repo.unlink_patient(clinician.id, patient.id)
    else:
        repo.link_patient(clinician.id, patient.id, now)
    return patient, clinician


def local_account(repo: Repository, now: datetime, name: str | None = None) -> User:
    """The account ``serve`` signs in: ``name``, else the first account, else a new one."""
    if name is not None:
        return find_account(repo, name)
    existing = repo.users()
    if existing:
        return existing[0]
    return repo.add_user(User(name=DEFAULT_USER_NAME, created_at=now))


def record_owner(repo: Repository, name: str | None, now: datetime) -> User:
    """Whose record a command works on: ``name`` (a new patient account when there is none
    yet, as before accounts), else the account ``serve`` signs in (:func:`local_account`)."""
    if name is None:
        return local_account(repo, now)
    name = name.strip()
    if not name:
        raise InputError("user: a name is needed")
    return repo.find_user(name) or repo.add_user(User(name=name, created_at=now))


def authenticate(repo: Repository, name: str, password: str) -> User | None:
    """The account when ``password`` is its password; None otherwise (same cost either way)."""
    user = repo.find_user(name.strip()) if len(name) <= 200 else None
    stored = None if user is None or user.id is None else repo.password_hash(user.id)
    return user if password_matches(stored, password) else None


def issue_signin_link(repo: Repository, user: User, now: datetime) -> str:
    """A new one-time sign-in token for ``user`` (valid for :data:`SIGNIN_LINK_LIFETIME`)."""
    assert user.id is not None
    repo.delete_expired_tokens(now)  # what no one can use any more is not kept
    token = secrets.token_urlsafe(32)
    repo.add_signin_link(SignInLink(user_id=user.id, token_hash=hash_token(token),
                                    created_at=now, expires_at=now + SIGNIN_LINK_LIFETIME))
    return token


def redeem_signin_link(repo: Repository, token: str, now: datetime) -> User | None:
    """The account of an unused, unexpired link, which is used up; None otherwise."""
    if not token or len(token) > 200:
        return None
    link = repo.use_signin_link(hash_token(token), now)
    return None if link is None else repo.get_user(link.user_id)


def open_web_session(repo: Repository, user: User, now: datetime) -> tuple[str, WebSession]:
    """Start a browser session: the cookie's token (returned once) and the stored session."""
    assert user.id is not None
    repo.delete_expired_tokens(now)
    token = secrets.token_urlsafe(32)
    stored = repo.add_web_session(WebSession(
        user_id=user.id, token_hash=hash_token(token), csrf_token=secrets.token_urlsafe(32),
        created_at=now, expires_at=now + SESSION_LIFETIME))
    return token, stored


def signed_in(repo: Repository, token: str | None, now: datetime) -> SignedIn | None:
    """The valid session behind a cookie's token (an expired one is deleted); or None."""
    if not token or len(token) > 200:
        return None
    token_hash = hash_token(token)
    session = repo.find_web_session(token_hash)
    if session is None:
        return None
    user = repo.get_user(session.user_id)
    if session.expires_at <= now or user is None:
        repo.delete_web_sessions(token_hash=token_hash)
        return None
    return SignedIn(user=user, session=session)


def sign_out(repo: Repository, token: str | None) -> None:
    """End the browser session behind ``token`` (nothing when there is none)."""
    if token and len(token) <= 200:
        repo.delete_web_sessions(token_hash=hash_token(token))


def record_access(repo: Repository, viewer: User, patient_id: int | None) -> RecordAccess:
    """Whose record ``viewer`` reads when asking for ``patient_id`` (None: their own).

    A patient gets their own record only (another id is "not found", never "forbidden", so
    no one learns which ids exist); a clinician gets a linked patient's record, read-only.
    """
    if viewer.role is Role.PATIENT:
        if patient_id is not None and patient_id != viewer.id:
            raise NotFoundError(f"There is no patient {patient_id}.")
        return RecordAccess(owner=viewer, read_only=False)
    assert viewer.id is not None
    if patient_id is None:
        raise InputError("Choose one of your patients first (patient=ID); your patients are "
                         "listed on the Patients page.")
    patient = next((p for p in repo.patients_of(viewer.id) if p.id == patient_id), None)
    if patient is None:
        raise NotFoundError(f"There is no patient {patient_id} linked to you.")
    return RecordAccess(owner=patient, read_only=True)
