"""Symptom check-ins: validated values, where the furthest symptom is, and what a change means.

The furthest-symptom scale is ordinal (none < back < buttock < thigh < below knee < foot).
Moving down the scale toward the spine is *centralisation* (a good sign); moving further down
the leg is *peripheralisation* (stop that exercise). Sources: McKenzie method literature;
Donelson 1990; BC Medical Journal 2004 (46:348).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from spinecoach.errors import InputError

PAIN_MIN = 0
PAIN_MAX = 10


class SymptomLocation(StrEnum):
    """Where the furthest symptom is, from the spine outward."""

    NONE = "none"
    BACK = "back"
    BUTTOCK = "buttock"
    THIGH = "thigh"
    BELOW_KNEE = "below_knee"
    FOOT = "foot"

    @property
    def rank(self) -> int:
        """Distance from the spine: 0 (none) to 5 (foot)."""
        return list(SymptomLocation).index(self)

    @property
    def label(self) -> str:
        """Plain words for the user."""
        return self.value.replace("_", " ")


class CheckInWhen(StrEnum):
    """When a check-in was taken."""

    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


@dataclass(frozen=True, kw_only=True)
class SymptomReport:
    """Validated symptoms at one moment (pains are whole numbers 0-10)."""

    back_pain: int
    leg_pain: int
    furthest_symptom: SymptomLocation
    numbness: bool
    tingling: bool
    weakness: bool

    @property
    def worst_pain(self) -> int:
        """The higher of back and leg pain."""
        return max(self.back_pain, self.leg_pain)


@dataclass(frozen=True)
class SymptomChange:
    """How symptoms moved from a baseline check-in to a later one."""

    centralised: bool
    peripheralised: bool
    new_numbness: bool
    new_weakness: bool
    pain_change: int  # worst pain now minus worst pain at the baseline

    @property
    def worse_nerve_signs(self) -> bool:
        """Peripheralisation or new numbness or weakness."""
        return self.peripheralised or self.new_numbness or self.new_weakness


def parse_pain(name: str, value: object) -> int:
    """Check a 0-10 pain score; raise :class:`InputError` naming ``name`` when it is wrong."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"{name}: expected a whole number from 0 to 10, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"{name}: expected a whole number from 0 to 10, got {value!r}") from None
    if not number.is_integer() or not PAIN_MIN <= number <= PAIN_MAX:
        raise InputError(f"{name}: expected a whole number from 0 to 10, got {value!r}")
    return int(number)


def parse_location(value: object) -> SymptomLocation:
    """Check a furthest-symptom location (``none``, ``back``, ... ``foot``)."""
    if isinstance(value, SymptomLocation):
        return value
    text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return SymptomLocation(text)
    except ValueError:
        options = ", ".join(location.value for location in SymptomLocation)
        raise InputError(f"furthest_symptom: expected one of {options}, got {value!r}") from None


def parse_flag(name: str, value: object) -> bool:
    """Check a yes/no answer (a bool, or the words yes/no/true/false)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES_NO:
        return _YES_NO[value.strip().lower()]
    raise InputError(f"{name}: expected yes or no, got {value!r}")


_YES_NO = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}


def parse_symptoms(raw: Mapping[str, object]) -> SymptomReport:
    """Validate a check-in's symptom fields; raise :class:`InputError` naming each bad one."""
    fields = ("back_pain", "leg_pain", "furthest_symptom", "numbness", "tingling", "weakness")
    problems = [f"unknown field {key!r}" for key in raw if key not in fields]
    problems += [f"{name}: missing" for name in fields if name not in raw]
    if problems:
        raise InputError("bad check-in: " + "; ".join(problems))
    checks: dict[str, Callable[[], object]] = {
        "back_pain": lambda: parse_pain("back_pain", raw["back_pain"]),
        "leg_pain": lambda: parse_pain("leg_pain", raw["leg_pain"]),
        "furthest_symptom": lambda: parse_location(raw["furthest_symptom"]),
        "numbness": lambda: parse_flag("numbness", raw["numbness"]),
        "tingling": lambda: parse_flag("tingling", raw["tingling"]),
        "weakness": lambda: parse_flag("weakness", raw["weakness"]),
    }
    values: dict[str, object] = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except InputError as exc:
            problems.append(str(exc))
    if problems:
        raise InputError("bad check-in: " + "; ".join(problems))
    return SymptomReport(**values)  # type: ignore[arg-type]


def compare_symptoms(baseline: SymptomReport, current: SymptomReport) -> SymptomChange:
    """Compare two reports.

    Peripheralisation: the furthest symptom moved further from the spine and now reaches the
    buttock or beyond (back pain appearing alone is not a leg symptom).  Centralisation: it
    moved closer to the spine from the buttock or beyond.
    """
    before, now = baseline.furthest_symptom.rank, current.furthest_symptom.rank
    leg = SymptomLocation.BUTTOCK.rank
    return SymptomChange(
        centralised=now < before and before >= leg,
        peripheralised=now > before and now >= leg,
        new_numbness=current.numbness and not baseline.numbness,
        new_weakness=current.weakness and not baseline.weakness,
        pain_change=current.worst_pain - baseline.worst_pain,
    )
