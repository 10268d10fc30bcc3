"""The ground truth of a synthetic clip and the true angles computed from true landmarks.

Angles are measured exactly as the analysis defines them: in image pixels, on the body side
nearer the camera (``GroundTruth.near_side``):

- ``knee_deg``: interior angle hip-knee-ankle (180 = straight leg);
- ``hip_deg``: interior angle shoulder-hip-knee (180 = straight);
- ``line_dev_deg`` (plank): 180 - angle(shoulder, hip, ankle), + when the hip is below the
  shoulder-ankle line (sag), - above (pike);
- ``hip_ext_deg`` (bridge): 180 - angle(shoulder, hip, knee), + when the hip is above the
  shoulder-knee line (over-extension), - below;
- ``thigh_deg`` (ball squat): elevation of the hip above the knee, seen along the thigh
  (90 = thigh vertical, 0 = horizontal, negative = hip below the knee);
- ``lumbar_gap_torso`` (hip hinge): the lower back's lift off the floor / torso length.

A frame whose landmarks needed for an angle are out of the image has NaN (``null`` in JSON).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.landmarks import Side, sided
from spinecoach.synth.body import FloatArray

OWN_ANGLE = {
    "hip-hinge": "lumbar_gap_torso",
    "bridge": "hip_ext_deg",
    "plank": "line_dev_deg",
    "ball-squat": "thigh_deg",
}


def _interior_deg(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    u, v = a - b, c - b
    cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    result: FloatArray = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    return result


def _signed_dev_deg(a: FloatArray, mid: FloatArray, c: FloatArray) -> FloatArray:
    """180 - angle(a, mid, c) in an up-is-positive frame, + when ``mid`` is above line a-c."""
    dev = 180.0 - _interior_deg(a, mid, c)
    span = c - a
    cross = span[:, 0] * (mid[:, 1] - a[:, 1]) - span[:, 1] * (mid[:, 0] - a[:, 0])
    above = np.where(span[:, 0] > 0, cross > 0, cross < 0)
    result: FloatArray = np.where(above, dev, -dev)
    return result


def true_angles(
    landmarks: FloatArray, width: int, height: int, near: Side, exercise: str
) -> dict[str, FloatArray]:
    """Return the per-frame true angles from ``(N, 33, 4)`` landmarks (pixels, y up)."""

    def pt(joint: str) -> FloatArray:
        lm = landmarks[:, sided(joint, near), :2]
        return np.stack([lm[:, 0] * width, -lm[:, 1] * height], axis=-1)

    shoulder, hip, knee, ankle = pt("shoulder"), pt("hip"), pt("knee"), pt("ankle")
    out = {
        "knee_deg": _interior_deg(hip, knee, ankle),
        "hip_deg": _interior_deg(shoulder, hip, knee),
    }
    if exercise == "bridge":
        out["hip_ext_deg"] = _signed_dev_deg(shoulder, hip, knee)
    elif exercise == "plank":
        out["line_dev_deg"] = -_signed_dev_deg(shoulder, hip, ankle)
    elif exercise == "ball-squat":
        rise = hip[:, 1] - knee[:, 1]
        out["thigh_deg"] = np.degrees(np.arctan2(rise, np.abs(knee[:, 0] - hip[:, 0])))
    return out


def intervals_where(mask: NDArray[np.bool_], t_s: FloatArray, dt_s: float) -> list[list[float]]:
    """Return ``[start_s, end_s]`` runs of a boolean per-frame mask (end = last frame + dt)."""
    runs: list[list[float]] = []
    start: float | None = None
    for flag, t in zip(mask, t_s, strict=True):
        if flag and start is None:
            start = float(t)
        elif not flag and start is not None:
            runs.append([start, float(t)])
            start = None
    if start is not None:
        runs.append([start, float(t_s[-1]) + dt_s])
    return runs


@dataclass
class GroundTruth:
    """Exact truth of a synthetic clip (times in seconds from the first frame)."""

    exercise: str
    scenario: str
    fps: float
    frames: int
    duration_s: float
    width: int
    height: int
    facing: str
    near_side: str
    reps: int
    reps_by_side: dict[str, int] | None
    repetitions: list[dict[str, Any]]
    holds: list[dict[str, float]]
    faults: list[dict[str, Any]]
    stop: dict[str, Any] | None
    out_of_frame: list[list[float]]
    per_frame: dict[str, list[float | None]] = field(repr=False)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the truth as plain JSON-ready data (``extra`` keys join the top level)."""
        data = asdict(self)
        extra = data.pop("extra")
        data.update(extra)
        return data

    def to_json(self, indent: int | None = None) -> str:
        """Return the truth as JSON (NaN angles become ``null``)."""
        return json.dumps(self.to_dict(), indent=indent)


def clean_series(values: FloatArray, digits: int = 3) -> list[float | None]:
    """Round a series for JSON, turning NaN into ``None``."""
    return [None if not math.isfinite(float(v)) else round(float(v), digits) for v in values]
