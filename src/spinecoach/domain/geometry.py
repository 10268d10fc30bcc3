"""Planar geometry on landmark positions, in pixels, angles in degrees.

All functions take points as ``(x, y)`` pixel coordinates (image y points down) and return
NaN when any input is NaN, so missing landmarks flow through as "unknown" instead of guesses.
"""

from __future__ import annotations

import math

Point = tuple[float, float]


def angle_deg(a: Point, b: Point, c: Point) -> float:
    """Return the interior angle ABC in degrees (0..180); NaN if undefined."""
    v1x, v1y = a[0] - b[0], a[1] - b[1]
    v2x, v2y = c[0] - b[0], c[1] - b[1]
    n1 = math.hypot(v1x, v1y)
    n2 = math.hypot(v2x, v2y)
    if not (n1 > 0 and n2 > 0):  # also False for NaN
        return math.nan
    cos = (v1x * v2x + v1y * v2y) / (n1 * n2)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def signed_line_deviation_deg(a: Point, b: Point, c: Point, up: Point) -> float:
    """Return how far B bends out of the straight line A–C, signed by direction ``up``.

    The magnitude is ``180 - angle(A, B, C)``; the sign is positive when B lies on the side of
    the line A–C that ``up`` points to, negative on the other side.
    """
    interior = angle_deg(a, b, c)
    if math.isnan(interior):
        return math.nan
    cross = _side_of_line(a, c, b)
    up_side = (c[0] - a[0]) * up[1] - (c[1] - a[1]) * up[0]
    sign = 1.0 if cross * up_side > 0 else -1.0
    return sign * (180.0 - interior)


def _side_of_line(a: Point, c: Point, p: Point) -> float:
    """Return the z of (C - A) x (P - A): its sign says on which side of line AC P lies."""
    return (c[0] - a[0]) * (p[1] - a[1]) - (c[1] - a[1]) * (p[0] - a[0])


def elevation_deg(frm: Point, to: Point) -> float:
    """Return the angle of the segment ``frm -> to`` above the image horizontal, in degrees.

    Ranges over -90..90: +90 when ``to`` is straight above ``frm`` (image up), 0 when level,
    negative when below.  Direction along x does not matter.
    """
    dx = abs(to[0] - frm[0])
    dy = frm[1] - to[1]  # image y points down
    if math.isnan(dx) or math.isnan(dy) or (dx == 0 and dy == 0):
        return math.nan
    return math.degrees(math.atan2(dy, dx))


def distance(a: Point, b: Point) -> float:
    """Return the Euclidean distance between two points."""
    return math.hypot(a[0] - b[0], a[1] - b[1])


def height_above_line(p: Point, a: Point, b: Point) -> float:
    """Return the perpendicular distance of P above the line AB (positive = image-up side).

    The line is oriented so that "above" means towards smaller image y, whichever way A→B runs.
    """
    length = distance(a, b)
    if not length > 0:
        return math.nan
    if a[0] > b[0]:
        a, b = b, a
    return -_side_of_line(a, b, p) / length
