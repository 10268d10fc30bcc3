"""Seeded draws: one independent generator per section of the spec, values rounded for JSON.

``numpy.random.default_rng`` with a :class:`~numpy.random.SeedSequence` of ``(seed, section)``
is the same on every machine, and keeping the sections apart means that changing how rooms are
drawn does not change the bodies or the movements of existing seeds.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")
Color = tuple[float, float, float]

SECTIONS = (
    "choice",
    "body",
    "room",
    "look",
    "light",
    "camera",
    "movement",
    "disturbances",
    "passer",
)


class Draw:
    """A generator for one section of the spec of ``seed``."""

    def __init__(self, seed: int, section: str) -> None:
        self.rng = np.random.default_rng([seed, SECTIONS.index(section)])

    def uniform(self, lo: float, hi: float, digits: int = 3) -> float:
        """A uniform draw in ``[lo, hi]``, rounded."""
        value = round(float(self.rng.uniform(lo, hi)), digits)
        return min(max(value, min(lo, hi)), max(lo, hi))

    def normal(self, mean: float, sd: float, lo: float, hi: float, digits: int = 3) -> float:
        """A normal draw clipped to ``[lo, hi]``, rounded."""
        value = float(np.clip(self.rng.normal(mean, sd), lo, hi))
        return min(max(round(value, digits), lo), hi)

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return bool(self.rng.random() < p)

    def integer(self, lo: int, hi: int) -> int:
        """A uniform integer in ``[lo, hi]`` (both included)."""
        return int(self.rng.integers(lo, hi + 1))

    def choice(self, options: Sequence[T], weights: Sequence[float] | None = None) -> T:
        """One of ``options`` (optionally weighted)."""
        if weights is None:
            return options[int(self.rng.integers(0, len(options)))]
        w = np.asarray(weights, dtype=float)
        return options[int(self.rng.choice(len(options), p=w / w.sum()))]

    def sample(self, options: Sequence[T], k: int) -> list[T]:
        """``k`` distinct options, in the order they appear in ``options``."""
        picked = sorted(int(i) for i in self.rng.choice(len(options), size=k, replace=False))
        return [options[i] for i in picked]

    def hsv(
        self,
        hue: tuple[float, float],
        sat: tuple[float, float],
        val: tuple[float, float],
    ) -> Color:
        """A colour drawn in HSV ranges (the hue may wrap: ``(0.9, 1.1)``)."""
        h = self.uniform(*hue, digits=4) % 1.0
        s = self.uniform(*sat, digits=4)
        v = self.uniform(*val, digits=4)
        r, g, b = colorsys.hsv_to_rgb(h, s, v)
        return (round(r, 4), round(g, 4), round(b, 4))

    def near(self, color: Color, spread: float) -> Color:
        """A colour within ``spread`` of ``color`` in each channel."""
        out = (min(max(c + self.uniform(-spread, spread, 4), 0.0), 1.0) for c in color)
        r, g, b = (round(c, 4) for c in out)
        return (r, g, b)
