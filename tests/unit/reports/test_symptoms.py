"""Pain trends against the meaningful-change thresholds; centralisation and peripheralisation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spinecoach.domain.checkin import CheckInWhen, SymptomLocation
from spinecoach.reports.symptoms import (
    Direction,
    ShiftKind,
    is_meaningful_change,
    pain_change,
    session_pain_responses,
    symptom_shifts,
)
from spinecoach.session.records import CheckIn

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)


def _c(hours: float, back: int, leg: int = 0, where: SymptomLocation = SymptomLocation.BACK,
       when: CheckInWhen = CheckInWhen.BEFORE, session_id: int | None = None) -> CheckIn:
    return CheckIn(user_id=1, taken_at=T0 + timedelta(hours=hours), when=when, back_pain=back,
                   leg_pain=leg, furthest_symptom=where, numbness=False, tingling=False,
                   weakness=False, session_id=session_id)


@pytest.mark.parametrize(
    ("baseline", "current", "meaningful"),
    [
        (6, 4, True),  # 2 points
        (6, 5, False),  # 1 point, 17 %
        (3, 2, True),  # 1 point but 33 %
        (4, 3, False),  # 1 point, 25 %
        (8, 6.5, False),  # 1.5 points, 19 %
        (0, 1, False),  # from nothing: 1 point only
        (0, 2, True),
        (5, 5, False),
        (2, 4, True),  # worse counts too
    ],
)
def test_meaningful_change_is_2_points_or_30_percent(
    baseline: float, current: float, meaningful: bool
) -> None:
    assert is_meaningful_change(baseline, current) is meaningful


def test_pain_change_averages_the_first_and_last_checkins_not_during_sets() -> None:
    checkins = [_c(24 * i, back) for i, back in enumerate([7, 6, 6, 5, 4, 3, 3, 2])]
    checkins.append(_c(24 * 3 + 1, 9, when=CheckInWhen.DURING))  # during a set: ignored
    change = pain_change(checkins, "back")
    assert change is not None
    assert (change.baseline, change.current, change.n_baseline) == pytest.approx(
        (19 / 3, 8 / 3, 3)
    )
    assert change.change_points == pytest.approx(-11 / 3)
    assert change.meaningful and change.direction is Direction.IMPROVED


def test_small_drifts_are_no_meaningful_change_and_few_checkins_give_none() -> None:
    change = pain_change([_c(0, 5, leg=4), _c(24, 4, leg=5)], "leg")
    assert change is not None and change.direction is Direction.NO_MEANINGFUL_CHANGE
    assert change.change_fraction == pytest.approx(0.25)
    worse = pain_change([_c(0, 2), _c(24, 5)], "back")
    assert worse is not None and worse.direction is Direction.WORSE
    assert pain_change([_c(0, 5)], "back") is None
    with pytest.raises(ValueError):
        pain_change([], "neck")


def test_shifts_follow_the_furthest_symptom_between_checkins() -> None:
    where = [SymptomLocation.NONE, SymptomLocation.BACK, SymptomLocation.BELOW_KNEE,
             SymptomLocation.FOOT, SymptomLocation.THIGH, SymptomLocation.THIGH]
    shifts = symptom_shifts([_c(i, 3, where=w) for i, w in enumerate(where)])
    # none -> back is not a leg symptom; back -> below knee and below knee -> foot spread
    assert [(s.kind, s.from_location, s.to_location) for s in shifts] == [
        (ShiftKind.PERIPHERALISATION, SymptomLocation.BACK, SymptomLocation.BELOW_KNEE),
        (ShiftKind.PERIPHERALISATION, SymptomLocation.BELOW_KNEE, SymptomLocation.FOOT),
        (ShiftKind.CENTRALISATION, SymptomLocation.FOOT, SymptomLocation.THIGH),
    ]
    assert shifts[-1].at == T0 + timedelta(hours=4)


def test_session_pain_responses_pair_before_and_after() -> None:
    checkins = [
        _c(0, 3, leg=2, session_id=1),
        _c(1, 6, leg=1, when=CheckInWhen.AFTER, session_id=1),
        _c(24, 3, session_id=2),
        _c(25, 4, when=CheckInWhen.AFTER, session_id=2),
        _c(48, 3, session_id=3),  # no after check-in
        _c(50, 8, when=CheckInWhen.DURING, session_id=3),
    ]
    responses = session_pain_responses(checkins)
    assert [(r.session_id, r.before, r.after, r.flare) for r in responses] == [
        (1, 3, 6, True), (2, 3, 4, False),
    ]
