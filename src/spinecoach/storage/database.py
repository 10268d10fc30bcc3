"""The unit of work under the SQL repository: one writer path, short-lived readers.

Every write goes through :meth:`Database._writing`: one ORM session per unit of work,
serialised by a lock inside the process (SQLite's busy timeout serialises processes) and
committed before the caller returns.  Writes that change a row are single
``UPDATE ... RETURNING`` statements, so a SQLite writer never reads before it takes the write
lock (no "database is locked" on a stale snapshot).  Database errors become
:class:`~spinecoach.errors.StorageError`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, Select, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from spinecoach import __version__
from spinecoach.errors import StorageError
from spinecoach.session.ports import ClosedOnExit
from spinecoach.storage.mapping import column_keys
from spinecoach.storage.tables import IdentifiedBase

_Row = TypeVar("_Row", bound=IdentifiedBase)
_Rec = TypeVar("_Rec")
IN_CHUNK = 500
"""Ids per ``IN (...)`` list of a bulk read (SQLite allows 999 bound parameters)."""
_USER_COLUMN = "user_id"


class Database(ClosedOnExit):
    """An engine with its one writer path and its readers (the base of :class:`SqlRepository`)."""

    def __init__(self, engine: Engine, *, app_version: str = __version__) -> None:
        self._engine = engine
        self._app_version = app_version
        self._session_factory = sessionmaker(engine, expire_on_commit=False)
        self._write_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The engine (for tests and maintenance)."""
        return self._engine

    def close(self) -> None:
        """Release every database connection."""
        self._engine.dispose()


    # -- the writer path and the reader ------------------------------------------------------

    @contextmanager
    def _writing(self, what: str) -> Iterator[Session]:
        """Run one unit of work and commit it (the only place that commits)."""
        with self._write_lock, self._session_factory() as session:
            try:
                yield session
                session.commit()
            except IntegrityError as exc:
                session.rollback()
                raise StorageError(f"cannot save {what}: {exc.orig}") from exc
            except SQLAlchemyError as exc:
                session.rollback()
                raise StorageError(f"cannot save {what}: {exc}") from exc

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._session_factory() as session:
            try:
                yield session
            except SQLAlchemyError as exc:
                raise StorageError(f"cannot read the database: {exc}") from exc

    def _insert(self, row: _Row, to_record: Callable[[_Row], _Rec], what: str) -> _Rec:
        with self._writing(what) as session:
            session.add(row)
            session.flush()
            return to_record(row)

    def _update(self, row_type: type[_Row], row_id: int, values: dict[str, Any], what: str) -> _Row:
        statement = (
            update(row_type).where(row_type.id == row_id).values(**values).returning(row_type)
        )
        with self._writing(what) as session:
            row = session.scalars(statement).one_or_none()
            if row is None:
                raise StorageError(f"no {what} with id {row_id}")
            return row

    def _list(self, statement: Select[_Row], to_record: Callable[[Any], _Rec]) -> list[_Rec]:
        with self._reading() as session, _collector_paused():
            return [to_record(row) for row in session.execute(_as_columns(statement))]

    def _one(self, statement: Select[_Row], to_record: Callable[[Any], _Rec]) -> _Rec | None:
        with self._reading() as session:
            row = session.execute(_as_columns(statement.limit(1))).first()
            return None if row is None else to_record(row)

    def _scalar(self, statement: Select[Any]) -> int:
        with self._reading() as session:
            return int(session.scalar(statement) or 0)

    @staticmethod
    def _by_user(row_type: type[_Row], user_id: int, since: datetime | None) -> Select[_Row]:
        """A user's rows in time order (``row_type.time_column``), from ``since`` on."""
        when: InstrumentedAttribute[datetime] = getattr(row_type, row_type.time_column)
        user: InstrumentedAttribute[int] = getattr(row_type, _USER_COLUMN)
        statement = select(row_type).where(user == user_id)
        if since is not None:
            statement = statement.where(when >= since)
        return statement.order_by(when, row_type.id)

    def _children(
        self,
        row_type: type[_Row],
        parent: InstrumentedAttribute[Any],
        parent_ids: Sequence[int],
        to_record: Callable[[Any], _Rec],
        order: InstrumentedAttribute[Any],
    ) -> list[_Rec]:
        """The rows of many parents, by parent id then ``order``, in chunks of ids."""
        ids = sorted(set(parent_ids))
        found: list[_Rec] = []
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            statement = (
                select(row_type).where(parent.in_(chunk)).order_by(parent, order, row_type.id)
            )
            found += self._list(statement, to_record)
        return found


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a read builds its records.

    A bulk read builds thousands of small acyclic records at once; each allocation burst
    triggers collections that scan every live object, a third of the time of reading a month
    of repetitions.  Nothing read here forms a cycle, so collection simply waits until after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_LABELLED: dict[type, list[Any]] = {}


def _as_columns(statement: Select[_Row]) -> Select[Any]:
    """The same query, reading plain rows (named after the attributes) instead of ORM objects.

    Records are built from the values at once, so the ORM's identity map and instance state
    are pure cost (about half the time of a bulk read of a year of repetitions).
    """
    entity = statement.column_descriptions[0]["entity"]
    if entity not in _LABELLED:
        _LABELLED[entity] = [getattr(entity, key).label(key) for key in column_keys(entity)]
    return statement.with_only_columns(*_LABELLED[entity], maintain_column_froms=True)
