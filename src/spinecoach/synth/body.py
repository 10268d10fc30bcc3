"""The synthetic person: anthropometry and planar forward kinematics.

Everything here lives in the *canonical sagittal plane*: ``s`` is the horizontal image axis
(metres, increasing to the right of a camera that films the person from the side) and ``h``
is the height above the floor (metres).  A pose is given as absolute segment angles
(:class:`SegmentAngles`, degrees counter-clockwise from ``+s``) plus the position of the hip
centre; :func:`forward_kinematics` turns it into joint positions (:class:`Body2D`).

Segment lengths follow Winter's anthropometric table (fractions of the stature ``H``):
hip-to-shoulder 0.288 H, thigh 0.245 H, shank 0.246 H, upper arm 0.186 H, forearm 0.146 H,
hand 0.108 H, foot 0.152 H.  :class:`BodyShape` holds one person's lengths and girth; its
default is the 1.70 m reference adult every fixed scenario uses.

``mirrored`` says how the body's front relates to its long axis: a person standing and facing
``+s`` is not mirrored (front = long axis turned clockwise by 90 degrees), a person lying on
their back with the head at ``+s`` is mirrored (front = up).  It fixes which way noses, toes
and kneecaps point, and which side of the body is nearer the camera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

STATURE_M = 1.70
TORSO_M = 0.288 * STATURE_M
THIGH_M = 0.245 * STATURE_M
SHANK_M = 0.246 * STATURE_M
UPPER_ARM_M = 0.186 * STATURE_M
FOREARM_M = 0.146 * STATURE_M
HAND_M = 0.108 * STATURE_M
FOOT_M = 0.152 * STATURE_M
NECK_TO_HEAD_M = 0.20
HEAD_RADIUS_M = 0.095
LUMBAR_FRACTION = 0.35
CHEST_FRACTION = 0.70

# Foot geometry relative to the ankle joint, in (along the foot, along the sole normal) metres.
HEEL_SPHERE = (-0.035, -0.025, 0.042)
TOE_SPHERE = (0.14, -0.04, 0.028)
HEEL_LANDMARK = (-0.07, -0.035)
TOE_LANDMARK = (0.16, -0.045)


@dataclass(frozen=True)
class BodyShape:
    """One person's segment lengths (metres), girth and overall size.

    ``size`` is the stature relative to the 1.70 m reference and scales widths and radii with
    the frame; ``girth`` scales the radii of trunk and limbs on top of it (slim < 1 < heavy).
    The foot's contact geometry scales with ``foot_m``.
    """

    torso_m: float = TORSO_M
    thigh_m: float = THIGH_M
    shank_m: float = SHANK_M
    upper_arm_m: float = UPPER_ARM_M
    forearm_m: float = FOREARM_M
    hand_m: float = HAND_M
    foot_m: float = FOOT_M
    neck_to_head_m: float = NECK_TO_HEAD_M
    head_radius_m: float = HEAD_RADIUS_M
    size: float = 1.0
    girth: float = 1.0

    @classmethod
    def from_proportions(
        cls,
        stature_m: float,
        proportions: dict[str, float] | None = None,
        girth: float = 1.0,
        head: float = 1.0,
    ) -> BodyShape:
        """Scale Winter's table to ``stature_m``; ``proportions`` multiply single segments.

        Keys of ``proportions``: ``torso``, ``thigh``, ``shank``, ``upper_arm``, ``forearm``,
        ``hand``, ``foot``, ``neck`` (each 1.0 when absent).
        """
        k = dict(proportions or {})
        size = stature_m / STATURE_M
        return cls(
            torso_m=TORSO_M * size * k.get("torso", 1.0),
            thigh_m=THIGH_M * size * k.get("thigh", 1.0),
            shank_m=SHANK_M * size * k.get("shank", 1.0),
            upper_arm_m=UPPER_ARM_M * size * k.get("upper_arm", 1.0),
            forearm_m=FOREARM_M * size * k.get("forearm", 1.0),
            hand_m=HAND_M * size * k.get("hand", 1.0),
            foot_m=FOOT_M * size * k.get("foot", 1.0),
            neck_to_head_m=NECK_TO_HEAD_M * size * k.get("neck", 1.0),
            head_radius_m=HEAD_RADIUS_M * math.sqrt(size) * head,
            size=size,
            girth=girth,
        )

    @property
    def radius(self) -> float:
        """Scale of the trunk and limb radii relative to the reference adult."""
        return self.size * self.girth

    @property
    def breadth(self) -> float:
        """Scale of lateral widths (shoulders, hips, knees) relative to the reference adult."""
        return self.size * math.sqrt(self.girth)

    @property
    def foot_scale(self) -> float:
        """Foot length relative to the reference adult."""
        return self.foot_m / FOOT_M

    def foot_geometry(self, offset: tuple[float, ...]) -> tuple[float, ...]:
        """Scale one of the reference foot offsets (``HEEL_SPHERE`` ...) to this foot."""
        k = self.foot_scale
        return tuple(x * k for x in offset)


DEFAULT_SHAPE = BodyShape()


def unit(angle_deg: float) -> FloatArray:
    """Return the unit vector at ``angle_deg`` (counter-clockwise from ``+s``)."""
    a = math.radians(angle_deg)
    return np.array([math.cos(a), math.sin(a)])


def rotate(vec: FloatArray, angle_deg: float) -> FloatArray:
    """Rotate a 2D vector counter-clockwise by ``angle_deg``."""
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([c * vec[0] - s * vec[1], s * vec[0] + c * vec[1]])


def angle_of(vec: FloatArray) -> float:
    """Return the direction of a 2D vector in degrees, in ``[0, 360)``."""
    return math.degrees(math.atan2(float(vec[1]), float(vec[0]))) % 360.0


def anterior(superior: FloatArray, mirrored: bool) -> FloatArray:
    """Return the body's front direction for a segment whose long axis is ``superior``."""
    return rotate(superior, 90.0 if mirrored else -90.0)


def two_link_ik(
    root: FloatArray, tip: FloatArray, len_a_m: float, len_b_m: float, prefer: FloatArray
) -> FloatArray:
    """Return the middle joint of a two-link chain from ``root`` to ``tip``.

    Of the two solutions the one on the side of ``prefer`` (a direction) is returned; an
    unreachable tip gives the fully stretched chain.
    """
    span = tip - root
    dist = float(np.hypot(*span))
    dist = min(max(dist, 1e-9), len_a_m + len_b_m - 1e-9)
    along = (len_a_m**2 - len_b_m**2 + dist**2) / (2.0 * dist)
    across = math.sqrt(max(len_a_m**2 - along**2, 0.0))
    axis = span / max(float(np.hypot(*span)), 1e-9)
    perp = np.array([-axis[1], axis[0]])
    if float(perp @ prefer) < 0.0:
        perp = -perp
    result: FloatArray = root + along * axis + across * perp
    return result


def interior_angle_deg(a: FloatArray, b: FloatArray, c: FloatArray) -> float:
    """Return the angle a-b-c at ``b`` in degrees (0..180)."""
    u, v = a - b, c - b
    cos = float(u @ v) / max(float(np.hypot(*u) * np.hypot(*v)), 1e-12)
    return math.degrees(math.acos(min(1.0, max(-1.0, cos))))


@dataclass(frozen=True)
class SegmentAngles:
    """A pose as absolute segment directions (degrees) and the hip centre (metres).

    ``*_l`` / ``*_r`` are the person's own left and right.  ``lumbar_lift_m`` pushes the
    lumbar spine toward the front of the body (an arch / lordosis).
    """

    hip_s: float
    hip_h: float
    trunk: float
    head: float
    thigh_l: float
    thigh_r: float
    shank_l: float
    shank_r: float
    foot_l: float
    foot_r: float
    upper_arm_l: float
    upper_arm_r: float
    forearm_l: float
    forearm_r: float
    hand_l: float
    hand_r: float
    lumbar_lift_m: float = 0.0

    def lerp(self, other: SegmentAngles, w: float) -> SegmentAngles:
        """Blend toward ``other`` by weight ``w`` (angles take the short way round)."""
        changes: dict[str, float] = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if f.name in ("hip_s", "hip_h", "lumbar_lift_m"):
                changes[f.name] = a + w * (b - a)
            else:
                diff = (b - a + 180.0) % 360.0 - 180.0
                changes[f.name] = a + w * diff
        return replace(self, **changes)


@dataclass(frozen=True)
class Body2D:
    """Joint positions of one pose in the canonical sagittal plane (metres).

    ``points`` maps names (``hip``, ``lumbar``, ``chest``, ``shoulder``, ``head`` and, per side
    ``l_``/``r_``: ``knee``, ``ankle``, ``elbow``, ``wrist``) to 2D positions; ``dirs`` maps
    ``head`` and per side ``foot``/``hand`` to unit directions.
    """

    points: dict[str, FloatArray]
    dirs: dict[str, FloatArray]
    mirrored: bool
    shape: BodyShape = DEFAULT_SHAPE


def forward_kinematics(
    a: SegmentAngles, mirrored: bool, shape: BodyShape = DEFAULT_SHAPE
) -> Body2D:
    """Compute joint positions from segment angles."""
    hip = np.array([a.hip_s, a.hip_h])
    trunk_dir = unit(a.trunk)
    front = anterior(trunk_dir, mirrored)
    torso = shape.torso_m
    shoulder = hip + torso * trunk_dir
    pts: dict[str, FloatArray] = {
        "hip": hip,
        "lumbar": hip + LUMBAR_FRACTION * torso * trunk_dir + a.lumbar_lift_m * front,
        "chest": hip + CHEST_FRACTION * torso * trunk_dir + 0.4 * a.lumbar_lift_m * front,
        "shoulder": shoulder,
        "head": shoulder + shape.neck_to_head_m * unit(a.head),
    }
    dirs: dict[str, FloatArray] = {"head": unit(a.head)}
    for side in ("l", "r"):
        knee = hip + shape.thigh_m * unit(getattr(a, f"thigh_{side}"))
        elbow = shoulder + shape.upper_arm_m * unit(getattr(a, f"upper_arm_{side}"))
        pts[f"{side}_knee"] = knee
        pts[f"{side}_ankle"] = knee + shape.shank_m * unit(getattr(a, f"shank_{side}"))
        pts[f"{side}_elbow"] = elbow
        pts[f"{side}_wrist"] = elbow + shape.forearm_m * unit(getattr(a, f"forearm_{side}"))
        dirs[f"{side}_foot"] = unit(getattr(a, f"foot_{side}"))
        dirs[f"{side}_hand"] = unit(getattr(a, f"hand_{side}"))
    return Body2D(points=pts, dirs=dirs, mirrored=mirrored, shape=shape)


def sole_normal(foot_dir: FloatArray, mirrored: bool) -> FloatArray:
    """Return the direction from the sole to the top of the foot."""
    return -anterior(foot_dir, mirrored)


def foot_point(
    ankle: FloatArray, foot_dir: FloatArray, mirrored: bool, offset: tuple[float, ...]
) -> FloatArray:
    """Return a point of the foot given as (along the foot, along the sole normal) metres."""
    result: FloatArray = ankle + offset[0] * foot_dir + offset[1] * sole_normal(foot_dir, mirrored)
    return result


def lowest_foot_h(body: Body2D, side: str) -> float:
    """Return the height of the lowest skin point of one foot (heel or toe sphere)."""
    ankle, foot = body.points[f"{side}_ankle"], body.dirs[f"{side}_foot"]
    spheres = [body.shape.foot_geometry(sph) for sph in (HEEL_SPHERE, TOE_SPHERE)]
    heights = [float(foot_point(ankle, foot, body.mirrored, sph)[1]) - sph[2] for sph in spheres]
    return min(heights)
