"""Check-in validation, centralisation / peripheralisation, stop rules and the traffic light."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from spinecoach.domain.checkin import (
    SymptomLocation,
    SymptomReport,
    compare_symptoms,
    parse_symptoms,
)
from spinecoach.domain.safety.stops import (
    PainLight,
    centralisation_note,
    needs_clinician,
    pain_advice,
    pain_light,
    symptom_stops,
)
from spinecoach.errors import InputError

GOOD: dict[str, Any] = {
    "back_pain": 3,
    "leg_pain": 2,
    "furthest_symptom": "thigh",
    "numbness": False,
    "tingling": True,
    "weakness": False,
}


def report(**changes: Any) -> SymptomReport:
    return parse_symptoms(GOOD | changes)


def test_good_values_parse() -> None:
    parsed = parse_symptoms(GOOD | {"back_pain": "4", "furthest_symptom": "Below knee"})
    assert parsed.back_pain == 4
    assert parsed.furthest_symptom is SymptomLocation.BELOW_KNEE
    assert parsed.worst_pain == 4
    assert parse_symptoms(GOOD | {"numbness": "yes"}).numbness is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"back_pain": 11}, "back_pain: expected a whole number from 0 to 10, got 11"),
        ({"back_pain": -1}, "back_pain: expected a whole number from 0 to 10"),
        ({"leg_pain": 4.5}, "leg_pain: expected a whole number from 0 to 10, got 4.5"),
        ({"leg_pain": "lots"}, "leg_pain: expected a whole number from 0 to 10, got 'lots'"),
        ({"leg_pain": True}, "leg_pain: expected a whole number"),
        ({"leg_pain": None}, "leg_pain: expected a whole number"),
        ({"furthest_symptom": "elbow"}, "furthest_symptom: expected one of none, back"),
        ({"numbness": "sometimes"}, "numbness: expected yes or no, got 'sometimes'"),
        ({"weakness": 3}, "weakness: expected yes or no"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_nonsense_is_rejected_with_specific_messages(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_symptoms(GOOD | changes)


def test_missing_and_several_bad_fields_are_all_named() -> None:
    with pytest.raises(InputError, match="tingling: missing"):
        parse_symptoms({k: v for k, v in GOOD.items() if k != "tingling"})
    with pytest.raises(InputError, match=r"back_pain.*; .*leg_pain"):
        parse_symptoms(GOOD | {"back_pain": 99, "leg_pain": 99})


def test_locations_are_ordinal() -> None:
    ranks = [location.rank for location in SymptomLocation]
    assert ranks == sorted(ranks) == list(range(6))
    assert SymptomLocation.BELOW_KNEE.label == "below knee"


@pytest.mark.parametrize(
    ("before", "after", "central", "peripheral"),
    [
        ("foot", "thigh", True, False),
        ("below_knee", "buttock", True, False),
        ("buttock", "back", True, False),
        ("thigh", "foot", False, True),
        ("back", "buttock", False, True),
        ("none", "back", False, False),  # back pain alone is not a leg symptom
        ("back", "none", False, False),
        ("thigh", "thigh", False, False),
    ],
)
def test_centralisation_and_peripheralisation(
    before: str, after: str, central: bool, peripheral: bool
) -> None:
    change = compare_symptoms(report(furthest_symptom=before), report(furthest_symptom=after))
    assert change.centralised is central
    assert change.peripheralised is peripheral
    note = centralisation_note(change)
    if central:
        assert note is not None and "good sign" in note
    if not central and not peripheral:
        assert note is None


def test_stop_rules() -> None:
    base = report()
    assert symptom_stops(base, compare_symptoms(base, base)) == []
    worse = report(furthest_symptom="foot", numbness=True, weakness=True, leg_pain=7)
    codes = [rule.code for rule in symptom_stops(worse, compare_symptoms(base, worse))]
    assert codes == ["pain_6_or_more", "peripheralisation", "new_numbness", "new_weakness"]
    # without a baseline only the pain rule can fire
    assert [r.code for r in symptom_stops(worse, None)] == ["pain_6_or_more"]
    # numbness that was already there is not new
    numb = report(numbness=True)
    assert symptom_stops(numb, compare_symptoms(numb, numb)) == []


@pytest.mark.parametrize(
    ("pain", "light"),
    [
        (0, PainLight.GREEN),
        (3, PainLight.GREEN),
        (4, PainLight.AMBER),
        (5, PainLight.AMBER),
        (6, PainLight.RED),
        (10, PainLight.RED),
    ],
)
def test_traffic_light(pain: int, light: PainLight) -> None:
    assert pain_light(pain) is light
    assert pain_advice(pain)


def test_repeated_stops_on_different_days() -> None:
    now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    same_day = [now - timedelta(hours=2), now - timedelta(hours=1)]
    assert not needs_clinician(same_day, now)
    assert needs_clinician([now - timedelta(days=3), now], now)
    assert not needs_clinician([now - timedelta(days=20), now], now)
