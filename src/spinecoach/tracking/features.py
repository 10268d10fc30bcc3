"""Per-frame features: what the trackers judge, computed from one smoothed pose.

All geometry is done in pixels (normalised x, y times the image size), on the side of the
body nearer the camera.  The near side is the one whose key joints BlazePose sees better; it
is re-chosen every frame when the difference is clear, so a left/right label swap changes the
side used instead of mixing one leg's hip with the other leg's knee.

Every measure is relative to the person (angles, or heights in their own trunk or thigh
lengths), so the camera's distance, the image size and the person's size do not matter.
A measure whose joints are not seen is NaN; which joints an exercise *needs* is the
tracker's business (a bridge needs no ankle), so nothing here turns a frame "untracked".

View (said to the user as setup advice; see ``thresholds.toml`` ``[view]``):
- *side-on*: the shoulders (and the hips) nearly overlap compared with the trunk length;
- *oblique*: in between: reps and holds are counted, form angles are not judged;
- *front*: about a trunk length apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from spinecoach.domain.codes import AngleName
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
from spinecoach.domain.thresholds import EngineThresholds

KEY_JOINTS = ("shoulder", "hip", "knee", "ankle")  # used to choose the near side
NEAR_JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
ARM_JOINTS = ("elbow", "wrist")  # chosen on their own: the model may swap the arms' labels


Measure = AngleName
"""The per-frame measures (report ``frames[].angles`` keys): the domain's :class:`AngleName`."""


@dataclass
class Features:
    """What one frame shows; NaN where it cannot be measured."""

    detected: bool
    side: Side
    visible: frozenset[str]  # near-side joints seen and inside the image
    side_on_ratio: float  # NaN when the far side is not seen (then it is side-on)
    view: str  # "side", "oblique" or "front"
    posture: str  # this frame's evidence: "supine", "prone", "standing" or "unknown"
    torso_px: float
    thigh_px: float
    angles: dict[str, float] = field(default_factory=dict)
    ankle_lift: tuple[float, float] = (math.nan, math.nan)  # per Side, in thigh lengths
    knee_by_side: tuple[float, float] = (math.nan, math.nan)
    camera_height_ratio: float = math.nan  # lying down: far/near joint height gap / torso
    near_px: dict[str, Point] = field(default_factory=dict)  # near-side joints, pixels
    feet_px: Point = (math.nan, math.nan)  # between the two ankles (or the near one), pixels
    image_width: int = 0

    def missing(self, required: tuple[str, ...]) -> tuple[str, ...]:
        """The joints of ``required`` not seen on this frame."""
        return tuple(j for j in required if j not in self.visible)

    def measure(self, name: Measure) -> float:
        """One measure, NaN when unknown."""
        return self.angles.get(name, math.nan)


Points = list[Point]
"""The 33 landmarks of one frame as (x, y) pixel tuples (plain floats: per-point work on numpy
scalars costs more than the geometry itself)."""


def _pt(pts: Points, lm: Landmark) -> Point:
    return pts[lm]


def _finite(p: Point) -> bool:
    return math.isfinite(p[0]) and math.isfinite(p[1])


def _visibility(raw: FloatArray) -> list[float]:
    """Each landmark's visibility score (0 where unknown)."""
    return [0.0 if math.isnan(v) else v for v in raw[:, 3].tolist()]


def choose_side(vis: list[float], previous: Side, margin: float) -> Side:
    """Return the side whose key joints are better seen (sticky unless clearly better)."""
    score = [sum(vis[sided(j, s)] for j in KEY_JOINTS) for s in (Side.LEFT, Side.RIGHT)]
    diff = score[Side.LEFT] - score[Side.RIGHT]
    if abs(diff) < margin:
        return previous
    return Side.LEFT if diff > 0 else Side.RIGHT


def arm_side(vis: list[float], side: Side, margin: float) -> Side:
    """The side whose elbow and wrist are better seen (the body's near side unless clearly not).

    Side-on, the pose model sometimes labels the near arm "left" and the near leg "right";
    an arm is one chain (elbow, wrist), so taking it whole from the better-seen side never
    mixes joints of two limbs.
    """
    score = [sum(vis[sided(j, s)] for j in ARM_JOINTS) for s in (Side.LEFT, Side.RIGHT)]
    return side.other if score[side.other] - score[side] > margin else side


def _visible(norm: list[list[float]], sides: dict[str, Side], edge: float) -> frozenset[str]:
    seen = set()
    for joint in NEAR_JOINTS:
        x, y = norm[sided(joint, sides[joint])]
        if math.isfinite(x) and edge <= x <= 1 - edge and edge <= y <= 1 - edge:
            seen.add(joint)
    return frozenset(seen)


def _pair_gaps(px: Points, torso_px: float, axis: int | None) -> float:
    """Mean left-right shoulder and hip separation in trunk lengths (``axis`` None = 2D)."""
    gaps = []
    for left, right in ((Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
                        (Landmark.LEFT_HIP, Landmark.RIGHT_HIP)):
        a, b = _pt(px, left), _pt(px, right)
        d = distance(a, b) if axis is None else abs(a[axis] - b[axis])
        if math.isfinite(d):
            gaps.append(d / torso_px)
    return sum(gaps) / len(gaps) if gaps else math.nan


def _view(ratio: float, th: EngineThresholds) -> str:
    if not ratio >= th.view.side_max_ratio:  # also NaN: the far side is hidden, so side-on
        return "side"
    return "oblique" if ratio < th.view.oblique_max_ratio else "front"


def _posture(shoulder: Point, hip: Point, knee: Point, px: Points, torso_px: float,
             th: EngineThresholds) -> str:
    trunk_elev = elevation_deg(hip, shoulder)
    if math.isnan(trunk_elev):
        return "unknown"
    if trunk_elev > th.posture.standing_min_deg:
        return "standing"
    if trunk_elev > th.posture.lying_max_deg:
        return "unknown"
    nose, ear = _pt(px, Landmark.NOSE), _mean_ear(px)
    face_up = ear[1] - nose[1]  # > 0: nose above the ears in the image
    if math.isfinite(face_up) and abs(face_up) > th.posture.face_min_torso * torso_px:
        return "supine" if face_up > 0 else "prone"
    knee_up = height_above_line(knee, shoulder, hip) / torso_px
    if math.isfinite(knee_up):
        # Knees well above the trunk line say "on the back"; knees on the line say nothing
        # (a bridge top, a plank and lying flat all have them there).
        return "supine" if knee_up > th.posture.knee_up_min_torso else "unknown"
    return "unknown"


def _mean_ear(px: Points) -> Point:
    ears = [p for p in (px[Landmark.LEFT_EAR], px[Landmark.RIGHT_EAR]) if math.isfinite(p[0])]
    if not ears:
        return (math.nan, math.nan)
    return (sum(p[0] for p in ears) / len(ears), sum(p[1] for p in ears) / len(ears))


def compute_features(
    smoothed: FloatArray, raw: FloatArray, width: int, height: int, previous_side: Side,
    thresholds: EngineThresholds,
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
    thresholds
        The engine-wide thresholds table.
    """
    detected = bool(np.isfinite(raw[:, 0]).any())
    margin = thresholds.view.side_switch_margin
    vis = _visibility(raw) if detected else []
    side = choose_side(vis, previous_side, margin) if detected else previous_side
    norm = smoothed[:, :2].tolist()
    px: Points = [(x * width, y * height) for x, y in norm]
    arms = arm_side(vis, side, margin) if detected else side
    sides = {j: arms if j in ARM_JOINTS else side for j in NEAR_JOINTS}
    near = {j: _pt(px, sided(j, sides[j])) for j in NEAR_JOINTS}
    shoulder, hip, knee = near["shoulder"], near["hip"], near["knee"]
    torso_px = distance(shoulder, hip)
    ok = torso_px > 0
    ratio = _pair_gaps(px, torso_px, None) if ok else math.nan
    feats = Features(
        detected=detected,
        side=side,
        visible=_visible(norm, sides, thresholds.view.edge_margin) if detected
        else frozenset(),
        side_on_ratio=ratio,
        view=_view(ratio, thresholds),
        posture=_posture(shoulder, hip, knee, px, torso_px, thresholds) if ok else "unknown",
        torso_px=torso_px,
        thigh_px=distance(hip, knee),
        camera_height_ratio=_pair_gaps(px, torso_px, 1) if ok else math.nan,
        near_px=near,
        feet_px=_feet(px, near["ankle"]),
        image_width=width,
    )
    if ok:
        _add_measures(feats, px, thresholds.measures.planted_foot_gap_thigh)
    return feats


def _feet(px: Points, near_ankle: Point) -> Point:
    """The midpoint of the two ankles when both are seen, else the near ankle."""
    left, right = _pt(px, Landmark.LEFT_ANKLE), _pt(px, Landmark.RIGHT_ANKLE)
    if _finite(left) and _finite(right):
        return ((left[0] + right[0]) / 2, (left[1] + right[1]) / 2)
    return near_ankle


def _or(p: Point, fallback: Point) -> Point:
    return p if _finite(p) else fallback


def _add_measures(feats: Features, px: Points, gap_thigh: float) -> None:
    n = feats.near_px
    shoulder, hip, knee, ankle = n["shoulder"], n["hip"], n["knee"], n["ankle"]
    torso = feats.torso_px
    elbow = _or(n["elbow"], n["wrist"])
    toes = _or(n["foot_index"], ankle)
    a = feats.angles
    a[Measure.KNEE_DEG] = angle_deg(hip, knee, ankle)
    a[Measure.HIP_DEG] = angle_deg(shoulder, hip, knee)
    leg_end = _or(ankle, knee)  # with the feet out of frame the straight leg's knee will do
    a[Measure.LINE_DEV_DEG] = signed_line_deviation_deg(shoulder, hip, leg_end, (0.0, 1.0))
    a[Measure.THIGH_DEG] = elevation_deg(knee, hip)
    a[Measure.TILT_DEG] = abs(elevation_deg(leg_end, shoulder))
    a[Measure.HIP_FLOOR] = height_above_line(hip, elbow, toes) / torso
    a[Measure.KNEE_FLOOR] = height_above_line(knee, elbow, toes) / torso
    a[Measure.HIP_OVER_ANKLE] = (ankle[1] - hip[1]) / torso
    lifts, knees = [], []
    for s in (Side.LEFT, Side.RIGHT):
        s_hip, s_knee = _pt(px, sided("hip", s)), _pt(px, sided("knee", s))
        s_ankle = _pt(px, sided("ankle", s))
        thigh = distance(s_hip, s_knee)
        ref_hip = _or(s_hip, hip)
        lifts.append(height_above_line(s_ankle, shoulder, ref_hip) / thigh if thigh > 0
                     else math.nan)
        knees.append(angle_deg(s_hip, s_knee, s_ankle))
    feats.ankle_lift = (lifts[0], lifts[1])
    feats.knee_by_side = (knees[0], knees[1])
    _add_bridge_measures(feats, px, gap_thigh)


def _add_bridge_measures(feats: Features, px: Points, gap_thigh: float) -> None:
    """Hip extension and hip lift on the *planted* leg.

    In a marching bridge one knee comes up to the chest: its thigh no longer lines up with
    the trunk, so the leg whose ankle is lower in the image (the foot on the floor) is used
    when the two ankles are clearly apart; otherwise the near leg.
    """
    n = feats.near_px
    shoulder, hip, knee, ankle = n["shoulder"], n["hip"], n["knee"], n["ankle"]
    far = feats.side.other
    far_knee, far_ankle = _pt(px, sided("knee", far)), _pt(px, sided("ankle", far))
    if _finite(far_ankle) and _finite(ankle) and _finite(far_knee) and feats.thigh_px > 0:
        if far_ankle[1] - ankle[1] > gap_thigh * feats.thigh_px:  # the near foot is lifted
            knee, ankle = far_knee, far_ankle
    foot = _or(n["heel"], ankle) if ankle == n["ankle"] else ankle
    feats.angles[Measure.HIP_EXT_DEG] = signed_line_deviation_deg(
        shoulder, hip, knee, (0.0, -1.0))
    thigh = distance(hip, knee)
    feats.angles[Measure.HIP_LIFT] = (height_above_line(hip, shoulder, foot) / thigh
                                      if thigh > 0 else math.nan)
