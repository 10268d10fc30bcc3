"""The lumbar-arch proxy: the gap between the lower back and the floor, from a body mask.

The spine has no landmark.  Lying on the back, seen from the side, the lowest edge of the
body silhouette runs along the floor from the shoulder blades to the buttocks; when the lower
back arches, that edge lifts between them.  :func:`lumbar_gap` measures the largest lift of
the lower-back edge above the straight line joining the upper-back and buttock contact points,
as a fraction of the trunk length.  The tracker compares it with the user's own resting value.

What it cannot see: an arm lying on the floor beside the body hides the gap (the set-up
instructions ask for hands on the belly), a pelvic tilt that does not lift the back, loose
clothing that bridges the gap, and any view that is not side-on.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.geometry import Point
from spinecoach.domain.thresholds import SilhouetteThresholds


def _lowest_body_row(
    mask: NDArray[np.float32], col: int, row_from: int, row_to: int, level: float
) -> float:
    """The lowest row of the body in column ``col``, to a fraction of a mask pixel.

    The mask is soft (the model's probability, resized): the edge is placed where the values
    cross ``level`` between the last body row and the one below it.  A whole-row answer moved
    the gap by 1/14 of a trunk length per pixel for a small or far person (a quarter-size
    mask), more than the lumbar-arch threshold itself.
    """
    values = mask[row_from:row_to, col]
    column = values > level
    if not column.any():
        return math.nan
    last = len(column) - 1 - int(np.argmax(column[::-1]))
    edge = float(last)
    if last + 1 < len(values):
        inside, below = float(values[last]), float(values[last + 1])
        edge += (inside - level) / (inside - below)  # inside > level >= below
    return float(row_from) + edge


def lumbar_gap(
    mask: NDArray[np.float32], shoulder_px: Point, hip_px: Point, image_width: int,
    where: SilhouetteThresholds,
) -> float:
    """Return the lower-back gap above the floor line, in trunk lengths (NaN if unknown).

    Parameters
    ----------
    mask
        Segmentation mask (H', W') in 0..1 at any scale of the image.
    shoulder_px, hip_px
        Near-side shoulder and hip in full-image pixels.
    image_width
        Width of the full image (to scale pixels to the mask).
    where
        Where along shoulder -> hip to look (the engine-wide ``[silhouette]`` table).
    """
    scale = mask.shape[1] / image_width
    sx, sy = shoulder_px[0] * scale, shoulder_px[1] * scale
    hx, hy = hip_px[0] * scale, hip_px[1] * scale
    torso = math.hypot(hx - sx, hy - sy)
    if not torso > 4:  # too small to measure (also catches NaN)
        return math.nan
    row_from = max(0, int(min(sy, hy) - where.search_torso * torso))
    row_to = min(mask.shape[0], int(max(sy, hy) + where.search_torso * torso))

    def bottom_at(fraction: float) -> tuple[float, float]:
        x = sx + fraction * (hx - sx)
        col = int(round(x))
        if not 0 <= col < mask.shape[1]:
            return x, math.nan
        return x, _lowest_body_row(mask, col, row_from, row_to, where.mask_level)

    x0, y0 = bottom_at(where.upper_back)
    x1, y1 = bottom_at(where.buttock)
    if math.isnan(y0) or math.isnan(y1) or x1 == x0:
        return math.nan
    gaps = []
    for fraction in np.linspace(where.lumbar_from, where.lumbar_to, where.lumbar_samples):
        x, y = bottom_at(float(fraction))
        line_y = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        gaps.append(line_y - y)  # rows: the floor line is below (larger y) the lifted edge
    finite = [g for g in gaps if math.isfinite(g)]
    return max(finite) / torso if finite else math.nan
