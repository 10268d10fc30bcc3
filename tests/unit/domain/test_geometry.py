import math

import pytest

from spinecoach.domain.geometry import (
    angle_deg,
    elevation_deg,
    height_above_line,
    signed_line_deviation_deg,
)


def test_right_angle_and_straight_line():
    assert angle_deg((0, 0), (1, 0), (1, 1)) == pytest.approx(90.0)
    assert angle_deg((0, 0), (1, 0), (2, 0)) == pytest.approx(180.0)


def test_nan_propagates_instead_of_guessing():
    assert math.isnan(angle_deg((math.nan, 0), (1, 0), (2, 0)))
    assert math.isnan(angle_deg((1, 0), (1, 0), (2, 0)))  # zero-length segment


def test_signed_deviation_follows_the_given_direction():
    # Hip below the shoulder-ankle line (image y down): a sag is positive with "down".
    sag = signed_line_deviation_deg((0, 0), (1, 0.2), (2, 0), up=(0, 1))
    pike = signed_line_deviation_deg((0, 0), (1, -0.2), (2, 0), up=(0, 1))
    assert sag > 20 and pike < -20
    assert sag == pytest.approx(-pike)
    # Mirrored (head on the other side) gives the same sign.
    assert signed_line_deviation_deg((2, 0), (1, 0.2), (0, 0), up=(0, 1)) == pytest.approx(sag)


def test_elevation_ignores_direction_along_x():
    assert elevation_deg((0, 0), (1, -1)) == pytest.approx(45.0)
    assert elevation_deg((0, 0), (-1, -1)) == pytest.approx(45.0)
    assert elevation_deg((0, 0), (1, 1)) == pytest.approx(-45.0)


def test_height_above_line_is_positive_upwards_whatever_the_order():
    assert height_above_line((1, -2), (0, 0), (2, 0)) == pytest.approx(2.0)
    assert height_above_line((1, -2), (2, 0), (0, 0)) == pytest.approx(2.0)
    assert height_above_line((1, 3), (0, 0), (2, 0)) == pytest.approx(-3.0)
