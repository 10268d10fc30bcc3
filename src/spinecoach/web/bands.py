"""The target band the recorded-video page draws behind the exercise's key measure.

One function per kind of exercise, registered with :func:`band_for`, reads the band from the
exercise file's own criteria (the same numbers the tracker judges with), so the picture and
the judgement cannot drift apart.  Heights are in the key measure's units (degrees).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spinecoach.domain.exercises import get_exercise
from spinecoach.web.schemas import TargetBand

BandFn = Callable[[Any], TargetBand]
_BANDS: dict[str, BandFn] = {}


def band_for(kind: str) -> Callable[[BandFn], BandFn]:
    """Register the band of one kind of exercise (its ``criteria.kind``)."""

    def register(fn: BandFn) -> BandFn:
        _BANDS[kind] = fn
        return fn

    return register


@band_for("bridge")
def _bridge(criteria: Any) -> TargetBand:
    return TargetBand(low=criteria.full_extension_deg, high=criteria.over_extension_deg,
                      label="where the top of each bridge belongs (a straight line)")


@band_for("ball_squat")
def _squat(criteria: Any) -> TargetBand:
    return TargetBand(low=criteria.too_deep_below_deg, high=criteria.shallow_above_deg,
                      label="where the bottom of each squat belongs (just shy of level)")


@band_for("plank")
def _plank(criteria: Any) -> TargetBand:
    return TargetBand(low=-criteria.pike_deg, high=criteria.sag_deg,
                      label="a straight body line (no sag, no pike)")


@band_for("heel_tap")
def _heel_tap(criteria: Any) -> TargetBand:
    return TargetBand(low=None, high=criteria.max_knee_deg,
                      label="the knee stays bent (below this line)")


def target_band(exercise_id: str) -> TargetBand | None:
    """The band for the exercise's key measure, or None for a kind without one."""
    criteria = get_exercise(exercise_id).criteria
    fn = _BANDS.get(criteria.kind)
    return fn(criteria) if fn else None
