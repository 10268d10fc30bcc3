"""Convert between table rows (:mod:`.tables`) and records (:mod:`spinecoach.session.records`).

One generic pair, driven by the record's dataclass fields and their types, because every
table attribute is named after the record field it stores:

- an enum field is stored as its string value and read back into the enum;
- a tuple is stored as a JSON list, a dict as a JSON object;
- a :class:`~spinecoach.domain.dose.Dose` field ``<side>_dose`` is stored as the four
  columns ``<side>_sets``, ``<side>_reps``, ``<side>_hold_s``, ``<side>_rest_s``.

Columns a record does not have (``sessions.app_version``) are passed to :func:`to_row`.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import Enum
from operator import attrgetter, itemgetter
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from sqlalchemy import Row, inspect

from spinecoach.domain.dose import Dose
from spinecoach.storage.tables import IdentifiedBase

_Rec = TypeVar("_Rec")
_Row = TypeVar("_Row", bound=IdentifiedBase)
_Reader = Callable[[Any], Any]
_DOSE_PARTS = ("sets", "reps", "hold_s", "rest_s")


def _column_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_column_value(item) for item in value]
    if isinstance(value, dict):
        return dict(value)
    return value


def _dose_columns(name: str, dose: Dose | None) -> dict[str, Any]:
    prefix = name.removesuffix("_dose")
    return {f"{prefix}_{part}": None if dose is None else getattr(dose, part)
            for part in _DOSE_PARTS}


def to_row(record: Any, row_type: type[_Row], **extra: Any) -> _Row:
    """Build a new row (its ``id`` left to the database) from a record."""
    values: dict[str, Any] = dict(extra)
    for field in fields(record):
        value = getattr(record, field.name)
        if field.name == "id":
            continue
        if field.name.endswith("_dose"):
            values |= _dose_columns(field.name, value)
        else:
            values[field.name] = _column_value(value)
    return row_type(**values)


def _optional(kind: Any) -> tuple[Any, bool]:
    """``X | None`` -> (X, True); anything else -> (it, False)."""
    if get_origin(kind) in (Union, types.UnionType):
        inner = [arg for arg in get_args(kind) if arg is not type(None)]
        if len(inner) == 1 and len(get_args(kind)) == 2:
            return inner[0], True
    return kind, False


def _reader(kind: Any) -> _Reader | None:
    """How to turn a column value back into a field of type ``kind`` (None: as it is)."""
    inner, optional = _optional(kind)
    read: _Reader
    if isinstance(inner, type) and issubclass(inner, Enum):
        read = inner
    elif get_origin(inner) is tuple:
        item = _reader(get_args(inner)[0]) or (lambda value: value)
        read = lambda value: tuple(item(v) for v in value)  # noqa: E731
    elif get_origin(inner) is dict:
        read = dict
    else:
        return None
    if optional:
        return lambda value: None if value is None else read(value)
    return read


@dataclass(frozen=True)
class _Plan:
    """How to read one record type: plain fields at once, then converted ones, then doses."""

    plain: tuple[str, ...]
    converted: tuple[tuple[str, _Reader], ...]
    doses: tuple[str, ...]

    def plain_values(self, row: Any) -> tuple[Any, ...]:
        """The plain fields' values, in ``plain`` order."""
        if len(self.plain) == 1:
            return (getattr(row, self.plain[0]),)
        values: tuple[Any, ...] = attrgetter(*self.plain)(row)
        return values


_PLANS: dict[type, _Plan] = {}


def _plan(record_type: type) -> _Plan:
    if record_type not in _PLANS:
        hints = get_type_hints(record_type)
        plain, converted, doses = [], [], []
        for f in fields(record_type):
            if _optional(hints[f.name])[0] is Dose:
                doses.append(f.name)
            elif (read := _reader(hints[f.name])) is None:
                plain.append(f.name)
            else:
                converted.append((f.name, read))
        _PLANS[record_type] = _Plan(tuple(plain), tuple(converted), tuple(doses))
    return _PLANS[record_type]


def _dose(row: Any, name: str) -> Dose | None:
    prefix = name.removesuffix("_dose")
    parts = {part: getattr(row, f"{prefix}_{part}") for part in _DOSE_PARTS}
    if parts["sets"] is None or parts["rest_s"] is None:
        return None
    return Dose(**parts)


def to_record(row: Any, record_type: type[_Rec]) -> _Rec:
    """Read a row (an ORM object, or a plain row named after the attributes) into a record."""
    plan = _plan(record_type)
    values = dict(zip(plan.plain, plan.plain_values(row), strict=True))
    for name, read in plan.converted:
        values[name] = read(getattr(row, name))
    for name in plan.doses:
        values[name] = _dose(row, name)
    return record_type(**values)


def column_keys(row_type: type[IdentifiedBase]) -> tuple[str, ...]:
    """The attributes of a table, in the order the repository's plain-row reads select them."""
    return tuple(attr.key for attr in inspect(row_type).column_attrs)


def reader(record_type: type[_Rec], row_type: type[IdentifiedBase]) -> Callable[[Any], _Rec]:
    """Read one row of ``row_type`` into a ``record_type``: an ORM object, or a plain row.

    A plain row (a bulk read, see ``Database._list``) is read by position, which is several
    times cheaper than by name when a year of repetitions is read.
    """
    plan = _plan(record_type)
    at = {key: i for i, key in enumerate(column_keys(row_type))}
    if plan.doses or not plan.plain:
        return lambda row: to_record(row, record_type)
    take = itemgetter(*[at[name] for name in plan.plain])
    converted = [(name, at[name], read) for name, read in plan.converted]
    single = len(plan.plain) == 1

    def read_row(row: Any) -> _Rec:
        if not isinstance(row, Row):
            return to_record(row, record_type)
        values = dict(zip(plan.plain, (take(row),) if single else take(row), strict=True))
        for name, index, read in converted:
            values[name] = read(row[index])
        return record_type(**values)

    return read_row
