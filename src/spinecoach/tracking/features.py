"""Per-frame features: what the trackers judge, computed from one smoothed pose.

All geometry is done in pixels (normalised x, y times the image size), on the side of the
body nearer the camera.  The near side is the one whose key joints BlazePose sees better; it
is re-chosen every frame when the difference is clear, so a left/right label swap changes the
side used instead of mixing one leg's hip with the other leg's knee.

View checks (said to the user as setup problems instead of producing wrong numbers):
- *side-on*: the distance between the two shoulders (and the two hips) is small compared with
  the trunk length when seen from the side; from the front it is about as long as the trunk.
  Oblique views (in between) still count reps and holds but form angles are not judged there
  (2D angles of limbs pointing at the camera collapse); front views are a setup problem;
- *whole body in frame*: every key joint of the near side is visible and not at the edge,
  where BlazePose invents joints it cannot see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from spinecoach.domain.geometry import (
    Point,
    angle_deg,
    distance,
    elevation_deg,
    height_above_line,
    signed_line_deviation_deg,
)
from spinecoach.domain.landmarks import Landmark, Side, sided
from spinecoach.domain.pose import FloatArray

KEY_JOINTS = ("shoulder", "hip", "knee", "ankle")
EDGE_MARGIN = 0.01  # key joints closer than this to the image edge are not trusted
SIDE_MAX_RATIO = 0.35  # shoulder (and hip) separation / trunk length: below = side-on
OBLIQUE_MAX_RATIO = 0.65  # below = oblique (reps and holds counted, angles not judged)
SIDE_SWITCH_MARGIN = 0.15  # visibility-sum difference needed to change the near side


@dataclass
class Features:
    """What one frame shows; NaN where it cannot be measured."""

    detected: bool
    side: Side
    in_frame: bool  # every key joint of the near side visible and inside the image
    missing: tuple[str, ...]  # key joints that are not (for the setup message)
    side_on_ratio: float  # NaN when the far side is not seen (then it is side-on)
    posture: str  # "supine", "prone", "standing" or "unknown"
    torso_px: float
    angles: dict[str, float] = field(default_factory=dict)
    ankle_lift: tuple[float, float] = (math.nan, math.nan)  # per Side, in thigh lengths
    knee_by_side: tuple[float, float] = (math.nan, math.nan)
    hip_above_floor: float = math.nan  # hip height above the elbow-toes line / torso length
    camera_height_ratio: float = math.nan  # lying down: far/near joint height gap / torso
    near_px: dict[str, Point] = field(default_factory=dict)  # near-side key joints, pixels
    image_width: int = 0

    @property
    def view(self) -> str:
        """``"side"``, ``"oblique"`` or ``"front"``; side when the far side is not seen."""
        ratio = self.side_on_ratio
        if not ratio >= SIDE_MAX_RATIO:  # also NaN: the far side is hidden, so side-on
            return "side"
        return "oblique" if ratio < OBLIQUE_MAX_RATIO else "front"


def _pt(px: FloatArray, lm: Landmark) -> Point:
    return (float(px[lm, 0]), float(px[lm, 1]))


def _finite(p: Point) -> bool:
    return math.isfinite(p[0]) and math.isfinite(p[1])


def choose_side(raw: FloatArray, previous: Side) -> Side:
    """Return the side whose key joints are better seen (sticky unless clearly better)."""
    vis = np.nan_to_num(raw[:, 3], nan=0.0)
    score = [sum(float(vis[sided(j, s)]) for j in KEY_JOINTS) for s in (Side.LEFT, Side.RIGHT)]
    diff = score[Side.LEFT] - score[Side.RIGHT]
    if abs(diff) < SIDE_SWITCH_MARGIN:
        return previous
    return Side.LEFT if diff > 0 else Side.RIGHT


def _missing_joints(px: FloatArray, norm: FloatArray, side: Side) -> tuple[str, ...]:
    missing = []
    for joint in KEY_JOINTS:
        lm = sided(joint, side)
        x, y = norm[lm, 0], norm[lm, 1]
        inside = EDGE_MARGIN <= x <= 1 - EDGE_MARGIN and EDGE_MARGIN <= y <= 1 - EDGE_MARGIN
        if not (np.isfinite(px[lm, 0]) and inside):
            missing.append(joint)
    return tuple(missing)


def _side_on_ratio(px: FloatArray, torso_px: float) -> float:
    ratios = []
    for left, right in (
        (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
        (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    ):
        d = distance(_pt(px, left), _pt(px, right))
        if math.isfinite(d):
            ratios.append(d / torso_px)
    return float(np.mean(ratios)) if ratios else math.nan


def _camera_height_ratio(px: FloatArray, torso_px: float) -> float:
    """Vertical gap between the left and right shoulders (and hips), in trunk lengths.

    Lying down and filmed from the floor, the far side sits right behind the near side (a
    small gap); a camera looking down from above shows the far side higher in the image.
    """
    gaps = []
    for left, right in (
        (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
        (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    ):
        gap = abs(float(px[left, 1]) - float(px[right, 1]))
        if math.isfinite(gap):
            gaps.append(gap / torso_px)
    return float(np.mean(gaps)) if gaps else math.nan


def _posture(shoulder: Point, hip: Point, knee: Point, px: FloatArray, torso_px: float) -> str:
    trunk_elev = elevation_deg(hip, shoulder)
    if math.isnan(trunk_elev):
        return "unknown"
    if trunk_elev > 50:
        return "standing"
    if trunk_elev > 40:
        return "unknown"
    knee_up = height_above_line(knee, shoulder, hip) / torso_px
    nose, ear = _pt(px, Landmark.NOSE), _mean_ear(px)
    face_up = ear[1] - nose[1]  # > 0: nose above the ears in the image
    if math.isfinite(face_up) and abs(face_up) > 0.08 * torso_px:
        return "supine" if face_up > 0 else "prone"
    if math.isfinite(knee_up):
        return "supine" if knee_up > 0.3 else "prone"
    return "unknown"


def _mean_ear(px: FloatArray) -> Point:
    ears = px[[Landmark.LEFT_EAR, Landmark.RIGHT_EAR], :2]
    ok = np.isfinite(ears[:, 0])
    if not ok.any():
        return (math.nan, math.nan)
    m = ears[ok].mean(axis=0)
    return (float(m[0]), float(m[1]))


def compute_features(
    smoothed: FloatArray, raw: FloatArray, width: int, height: int, previous_side: Side
) -> Features:
    """Compute the features of one frame.

    Parameters
    ----------
    smoothed
        (33, 4) gated and smoothed pose (NaN = unknown), normalised coordinates.
    raw
        (33, 4) pose as the model gave it (for visibility scores).
    width, height
        Image size in pixels.
    previous_side
        The near side chosen on the previous frame.
    """
    detected = bool(np.isfinite(raw[:, 0]).any())
    side = choose_side(raw, previous_side) if detected else previous_side
    px = smoothed[:, :2] * np.array([width, height], dtype=float)
    shoulder, hip = _pt(px, sided("shoulder", side)), _pt(px, sided("hip", side))
    knee, ankle = _pt(px, sided("knee", side)), _pt(px, sided("ankle", side))
    torso_px = distance(shoulder, hip)
    missing = _missing_joints(px, smoothed, side) if detected else KEY_JOINTS
    feats = Features(
        detected=detected,
        side=side,
        in_frame=detected and not missing,
        missing=missing,
        side_on_ratio=_side_on_ratio(px, torso_px) if torso_px > 0 else math.nan,
        posture=_posture(shoulder, hip, knee, px, torso_px) if torso_px > 0 else "unknown",
        torso_px=torso_px,
        camera_height_ratio=_camera_height_ratio(px, torso_px) if torso_px > 0 else math.nan,
        near_px={"shoulder": shoulder, "hip": hip, "knee": knee, "ankle": ankle},
        image_width=width,
    )
    if torso_px > 0:
        _add_angles(feats, px, shoulder, hip, knee, ankle)
    return feats


def _add_angles(
    feats: Features, px: FloatArray, shoulder: Point, hip: Point, knee: Point, ankle: Point
) -> None:
    up = (0.0, -1.0)
    down = (0.0, 1.0)
    feats.angles = {
        "knee_deg": angle_deg(hip, knee, ankle),
        "hip_deg": angle_deg(shoulder, hip, knee),
        "line_dev_deg": signed_line_deviation_deg(shoulder, hip, ankle, down),
        "hip_ext_deg": signed_line_deviation_deg(shoulder, hip, knee, up),
        "thigh_deg": elevation_deg(knee, hip),
        "tilt_deg": abs(elevation_deg(ankle, shoulder)),
    }
    elbow = _pt(px, sided("elbow", feats.side))
    elbow = elbow if _finite(elbow) else _pt(px, sided("wrist", feats.side))
    toes = _pt(px, sided("foot_index", feats.side))
    toes = toes if _finite(toes) else ankle
    feats.hip_above_floor = height_above_line(hip, elbow, toes) / feats.torso_px
    feats.angles["hip_height"] = feats.hip_above_floor
    lifts, knees = [], []
    for s in (Side.LEFT, Side.RIGHT):
        s_hip, s_knee = _pt(px, sided("hip", s)), _pt(px, sided("knee", s))
        s_ankle = _pt(px, sided("ankle", s))
        thigh = distance(s_hip, s_knee)
        ref_hip = s_hip if _finite(s_hip) else hip
        lift = height_above_line(s_ankle, shoulder, ref_hip) / thigh if thigh > 0 else math.nan
        lifts.append(lift)
        knees.append(angle_deg(s_hip, s_knee, s_ankle))
    feats.ankle_lift = (lifts[0], lifts[1])
    feats.knee_by_side = (knees[0], knees[1])
