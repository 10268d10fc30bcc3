"""Streaming filters for landmark coordinates: visibility gating, gap holding, smoothing.

The core filter is the One Euro filter (Casiez, Roussel & Vogel, CHI 2012): a first-order
low-pass whose cut-off rises with speed, so a still pose is smoothed hard while a moving limb
lags little.  It runs on all 33x2 coordinates at once (numpy), timed by each frame's ``t_s``
so variable frame rates are handled.  Low-visibility landmarks become NaN *before* smoothing;
a landmark missing for up to ``max_gap_s`` is held at its last smoothed value (and marked as
filled), longer gaps stay NaN so nothing downstream judges a guessed pose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.pose import FloatArray
from spinecoach.domain.thresholds import SignalThresholds


def gate_by_visibility(
    landmarks: FloatArray, min_visibility: float, outside_margin: float,
    seen: NDArray[np.bool_] | None = None, keep_visibility: float | None = None,
) -> FloatArray:
    """Return a copy of a (33, 4) pose with x, y, z set to NaN where visibility is too low.

    Landmarks further than ``outside_margin`` (normalised units) outside the image are gated
    too: BlazePose invents them.  With ``seen`` (the landmarks let through on the previous
    frame) and ``keep_visibility``, a landmark already seen stays in down to the lower
    ``keep_visibility`` (hysteresis): BlazePose's visibility of a joint can sag for seconds
    while its position holds (a leg in a plank filmed from near the floor), and tracking must
    not switch off in the middle of the movement it is watching.
    """
    out = landmarks.copy()
    x, y, v = out[:, 0], out[:, 1], out[:, 3]
    lo, hi = -outside_margin, 1.0 + outside_margin
    limit: FloatArray | float = min_visibility
    if seen is not None and keep_visibility is not None:
        limit = np.where(seen, min(keep_visibility, min_visibility), min_visibility)
    with np.errstate(invalid="ignore"):
        bad = (v < limit) | (x < lo) | (x > hi) | (y < lo) | (y > hi)
    bad |= ~np.isfinite(x)
    out[bad, :3] = np.nan
    return out


@dataclass(frozen=True)
class OneEuroParams:
    """Parameters of the One Euro filter (coordinates in normalised image units).

    The values in use live in the engine-wide table (``domain/data/thresholds.toml``).
    """

    min_cutoff_hz: float
    beta: float
    d_cutoff_hz: float


def _alpha(cutoff_hz: FloatArray | float, dt_s: float) -> FloatArray | float:
    """The smoothing factor for ``cutoff_hz`` (an array, or a float without numpy's cost)."""
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class LandmarkSmoother:
    """One Euro smoothing of (33, 2) x/y coordinates with bounded gap holding."""

    def __init__(self, params: OneEuroParams, max_gap_s: float) -> None:
        """Create a smoother; ``max_gap_s`` is the longest gap bridged by holding."""
        self.params = params
        self.max_gap_s = max_gap_s
        self._x: FloatArray | None = None  # last smoothed value per coordinate
        self._dx: FloatArray | None = None
        self._t_last: FloatArray | None = None  # time each coordinate was last observed
        self._t_prev: float | None = None

    @classmethod
    def from_thresholds(cls, th: SignalThresholds) -> LandmarkSmoother:
        """The smoother the engine uses (parameters from the engine-wide table)."""
        return cls(OneEuroParams(th.min_cutoff_hz, th.beta, th.d_cutoff_hz), th.max_gap_s)

    def reset(self) -> None:
        """Forget all history (e.g. after a long tracking loss or a camera cut)."""
        self._x = self._dx = self._t_last = None
        self._t_prev = None

    def update(self, xy: FloatArray, t_s: float) -> FloatArray:
        """Smooth one frame of (33, 2) coordinates (NaN = missing) and return a new array."""
        if self._x is None or self._t_prev is None or t_s <= self._t_prev:
            return self._start(xy, t_s)
        assert self._dx is not None and self._t_last is not None
        dt_s = t_s - self._t_prev
        self._t_prev = t_s
        seen = np.isfinite(xy)
        known = np.isfinite(self._x)
        both = seen & known
        p = self.params
        dx = np.where(both, (xy - np.where(known, self._x, 0.0)) / dt_s, 0.0)
        a_d = _alpha(p.d_cutoff_hz, dt_s)
        self._dx = np.where(both, a_d * dx + (1 - a_d) * self._dx, 0.0)
        cutoff = p.min_cutoff_hz + p.beta * np.abs(self._dx)
        a = _alpha(cutoff, dt_s)
        smoothed = a * xy + (1 - a) * self._x
        self._x = np.where(both, smoothed, np.where(seen, xy, self._x))
        self._t_last = np.where(seen, t_s, self._t_last)
        stale = (t_s - self._t_last) > self.max_gap_s
        out = self._x.copy()
        out[stale] = np.nan
        return out

    def _start(self, xy: FloatArray, t_s: float) -> FloatArray:
        self._x = xy.copy()
        self._dx = np.zeros_like(xy)
        self._t_last = np.where(np.isfinite(xy), t_s, -np.inf)
        self._t_prev = t_s
        return xy.copy()
