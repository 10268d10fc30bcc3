"""The account part of the SQL repository: users, passwords, clinician links, sessions, links.

:class:`AccountStorage` is the base of :class:`~spinecoach.storage.repository.SqlRepository`
(the same one writer path of :class:`~spinecoach.storage.database.Database`).  The password
hash is a column of ``users`` but not a field of the ``User`` record, so reads of users never
carry it; only :meth:`AccountStorage.password_hash` returns it.  A one-time link is used in a
single ``UPDATE ... WHERE used_at IS NULL AND expires_at > now RETURNING``, so two requests with
the same link cannot both sign in, even from two processes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from spinecoach.errors import StorageError
from spinecoach.session.records import Role, SignInLink, User, WebSession
from spinecoach.storage.database import Database
from spinecoach.storage.mapping import reader, to_record, to_row
from spinecoach.storage.tables import CareLinkRow, SignInLinkRow, UserRow, WebSessionRow

_user = reader(User, UserRow)
_web_session = reader(WebSession, WebSessionRow)
_signin_link = reader(SignInLink, SignInLinkRow)


class AccountStorage(Database):
    """Users and what signs them in (the account methods of the Repository port)."""

    def add_user(self, user: User) -> User:
        """Insert a user; names are unique (a duplicate raises StorageError)."""
        if self.find_user(user.name) is not None:
            raise StorageError(f"a user named {user.name!r} already exists")
        return self._insert(to_row(user, UserRow), _user, f"user {user.name!r}")

    def get_user(self, user_id: int) -> User | None:
        """Return the user with this id."""
        return self._one(select(UserRow).where(UserRow.id == user_id), _user)

    def find_user(self, name: str) -> User | None:
        """Return the user with this name."""
        return self._one(select(UserRow).where(UserRow.name == name), _user)

    def users(self, role: Role | None = None) -> list[User]:
        """Return every user (of ``role`` if given), by id."""
        statement = select(UserRow).order_by(UserRow.id)
        if role is not None:
            statement = statement.where(UserRow.role == role.value)
        return self._list(statement, _user)

    def password_hash(self, user_id: int) -> str | None:
        """Return the user's password hash (None: none set, or no such user)."""
        with self._reading() as session:
            found = session.scalar(select(UserRow.password_hash).where(UserRow.id == user_id))
        return found

    def set_password_hash(self, user_id: int, password_hash: str | None) -> None:
        """Set (or clear) the user's password hash."""
        self._update(UserRow, user_id, {"password_hash": password_hash}, "user")

    def link_patient(self, clinician_id: int, patient_id: int, now: datetime) -> None:
        """Let the clinician read the patient's record (linking twice is harmless)."""
        existing = select(CareLinkRow.id).where(CareLinkRow.clinician_id == clinician_id,
                                               CareLinkRow.patient_id == patient_id)
        with self._writing("the link") as session:
            if session.scalar(existing) is None:
                session.add(CareLinkRow(clinician_id=clinician_id, patient_id=patient_id,
                                        created_at=now))

    def unlink_patient(self, clinician_id: int, patient_id: int) -> bool:
        """Remove a link; True when there was one."""
        statement = delete(CareLinkRow).where(CareLinkRow.clinician_id == clinician_id,
                                              CareLinkRow.patient_id == patient_id)
        with self._writing("the link") as session:
            return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def patients_of(self, clinician_id: int) -> list[User]:
        """Return the patients linked to this clinician, by id."""
        statement = (select(UserRow).join(CareLinkRow, CareLinkRow.patient_id == UserRow.id)
                     .where(CareLinkRow.clinician_id == clinician_id).order_by(UserRow.id))
        return self._list(statement, _user)

    def clinicians_of(self, patient_id: int) -> list[User]:
        """Return the clinicians this patient is linked to, by id."""
        statement = (select(UserRow).join(CareLinkRow, CareLinkRow.clinician_id == UserRow.id)
                     .where(CareLinkRow.patient_id == patient_id).order_by(UserRow.id))
        return self._list(statement, _user)

    def add_web_session(self, session: WebSession) -> WebSession:
        """Insert a signed-in browser session."""
        return self._insert(to_row(session, WebSessionRow), _web_session, "the session")

    def find_web_session(self, token_hash: str) -> WebSession | None:
        """Return the session with this token hash (expired ones too)."""
        statement = select(WebSessionRow).where(WebSessionRow.token_hash == token_hash)
        return self._one(statement, _web_session)

    def delete_web_sessions(self, *, token_hash: str | None = None,
                            user_id: int | None = None) -> int:
        """Delete the session with ``token_hash``, or every session of ``user_id``."""
        if token_hash is None and user_id is None:
            return 0
        statement = delete(WebSessionRow).where(
            WebSessionRow.token_hash == token_hash if token_hash is not None
            else WebSessionRow.user_id == user_id)
        with self._writing("the sessions") as session:
            return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def delete_expired_tokens(self, now: datetime) -> int:
        """Delete expired sessions, and expired or used sign-in links."""
        statements = (
            delete(WebSessionRow).where(WebSessionRow.expires_at <= now),
            delete(SignInLinkRow).where((SignInLinkRow.expires_at <= now)
                                        | SignInLinkRow.used_at.is_not(None)),
        )
        deleted = 0
        with self._writing("the expired sessions") as session:
            for statement in statements:
                deleted += int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
        return deleted

    def add_signin_link(self, link: SignInLink) -> SignInLink:
        """Insert a one-time sign-in link."""
        return self._insert(to_row(link, SignInLinkRow), _signin_link, "the sign-in link")

    def use_signin_link(self, token_hash: str, now: datetime) -> SignInLink | None:
        """Mark the link used and return it in one statement; None when unusable."""
        statement = (
            update(SignInLinkRow)
            .where(SignInLinkRow.token_hash == token_hash, SignInLinkRow.used_at.is_(None),
                   SignInLinkRow.expires_at > now)
            .values(used_at=now)
            .returning(SignInLinkRow)
        )
        with self._writing("the sign-in link") as session:
            row = session.scalars(statement).one_or_none()
            return None if row is None else to_record(row, SignInLink)
