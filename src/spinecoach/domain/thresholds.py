"""The engine-wide thresholds table (``data/thresholds.toml``), validated at load.

Per-exercise thresholds live in each exercise file; the ones every tracker shares (smoothing,
view and posture checks, the hold tolerance, rep timing, the lumbar silhouette geometry) live
here, once, with a comment in the TOML saying what each means.  The models are frozen and
reject unknown keys, so a misspelt threshold fails at start-up.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spinecoach.errors import ConfigError


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SignalThresholds(_Frozen):
    """Smoothing, gating and camera-cut detection."""

    min_cutoff_hz: float = Field(gt=0)
    beta: float = Field(ge=0)
    d_cutoff_hz: float = Field(gt=0)
    max_gap_s: float = Field(ge=0, le=2)
    outside_margin: float = Field(ge=0, le=0.5)
    cut_jump: float = Field(gt=0, le=2)
    keep_visibility: float = Field(ge=0, le=1)


class ViewThresholds(_Frozen):
    """Side-on / oblique / front, and which joints are trusted."""

    edge_margin: float = Field(ge=0, le=0.2)
    side_max_ratio: float = Field(gt=0, le=2)
    oblique_max_ratio: float = Field(gt=0, le=2)
    side_switch_margin: float = Field(ge=0, le=4)
    switch_after_s: float = Field(ge=0, le=5)


class PostureThresholds(_Frozen):
    """Standing, lying on the back, lying face down."""

    standing_min_deg: float = Field(ge=0, le=90)
    lying_max_deg: float = Field(ge=0, le=90)
    face_min_torso: float = Field(ge=0, le=1)
    knee_up_min_torso: float = Field(ge=0, le=2)
    mismatch_after_s: float = Field(ge=0, le=10)


class HoldThresholds(_Frozen):
    """When a hold counts as reaching its target, and what is still."""

    tolerance_s: float = Field(ge=0, le=5)
    noise_factor: float = Field(ge=0, le=20)
    noise_samples: int = Field(ge=1, le=600)
    noise_cap_factor: float = Field(ge=1, le=100)


class RepThresholds(_Frozen):
    """Rep timing."""

    duration_tolerance_s: float = Field(ge=0, le=2)
    onset_fraction: float = Field(gt=0, lt=0.5)
    rest_creep_per_s: float = Field(ge=0, le=10)
    rearm_after_s: float = Field(gt=0, le=30)
    settle_timeout_s: float = Field(gt=0, le=10)
    return_confirm_s: float = Field(ge=0, le=1)
    side_vote_share: float = Field(gt=0.5, le=1)
    prelude_s: float = Field(ge=0, le=5)
    min_rise_s: float = Field(ge=0, le=1)


class MeasureThresholds(_Frozen):
    """Choices made while measuring."""

    planted_foot_gap_thigh: float = Field(gt=0, le=3)
    feet_moved_thigh: float = Field(gt=0, le=3)
    feet_median_samples: int = Field(ge=1, le=30)
    depth_median_samples: int = Field(ge=1, le=30)


class SilhouetteThresholds(_Frozen):
    """Where the lumbar-arch proxy looks on the body mask."""

    lumbar_from: float = Field(ge=0, le=1)
    lumbar_to: float = Field(ge=0, le=1.5)
    lumbar_samples: int = Field(ge=2, le=50)
    upper_back: float = Field(ge=0, le=1)
    buttock: float = Field(ge=0.5, le=1.5)
    baseline_frames: int = Field(ge=3, le=300)
    search_torso: float = Field(gt=0, le=3)
    mask_level: float = Field(gt=0, lt=1)


class EngineThresholds(_Frozen):
    """Every engine-wide threshold."""

    signals: SignalThresholds
    view: ViewThresholds
    posture: PostureThresholds
    holds: HoldThresholds
    reps: RepThresholds
    measures: MeasureThresholds
    silhouette: SilhouetteThresholds


@cache
def engine_thresholds() -> EngineThresholds:
    """Return the validated table (loaded once)."""
    source = resources.files("spinecoach.domain.data").joinpath("thresholds.toml")
    try:
        return EngineThresholds.model_validate(tomllib.loads(source.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError, OSError) as exc:
        raise ConfigError(f"thresholds.toml is invalid: {exc}") from exc
