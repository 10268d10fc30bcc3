"""Per-exercise pose models: a few named parameters -> :class:`SegmentAngles`.

Each exercise is drawn in the canonical frame (head or toes toward ``+s``) and described by
an :class:`ExerciseModel`: whether the body is mirrored (lying on the back), how far each
joint sits from the mid-plane, where the camera stands, the props, and a pose function of a
small parameter dictionary (``hip_l`` ..., ``phi`` ..., ``dev`` ...).  Geometric constraints
(feet planted in the bridge, toes on the floor in the plank, feet flat in the squat) are solved
here so that the scenario scripts only move meaningful parameters.

Every function takes the person's :class:`BodyShape` and the exercise's :class:`Stance` (foot
placement and the like); their defaults are the reference adult and set-up of the fixed
scenarios.  Heights of the body above the floor where it rests on it scale with the girth
(``radius``) or the foot, so a heavy or a small person lies on the floor, not in it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache, partial

import numpy as np

from spinecoach.synth.body import (
    DEFAULT_SHAPE,
    SHANK_M,
    THIGH_M,
    BodyShape,
    FloatArray,
    SegmentAngles,
    angle_of,
    forward_kinematics,
    interior_angle_deg,
    lowest_foot_h,
    two_link_ik,
    unit,
)

Params = Mapping[str, float]

FLAT_ANKLE_H = 0.068
SUPINE_HIP_H = 0.105
BALL_RADIUS_M = 0.30
PLANK_ELBOW_H = 0.045
PLANK_TOE_ANKLE_H = 0.175
KNEEL_KNEE_H = 0.06
SQUAT_ANKLE_S = 0.20
BRIDGE_SHOULDER_H = 0.11
STANDING_THIGH_DEG = 77.0
SQUAT_TRUNK_DEG = 95.0
WALK_HIP_H = 0.87


@dataclass(frozen=True)
class Stance:
    """How an exercise is set up beyond the body (defaults: the fixed scenarios).

    ``bridge_knee_deg`` is the knee angle at the top of a straight bridge (larger = heels
    further from the buttocks); ``squat_ankle_s`` the ankles' distance ahead of the line the
    hips slide down (metres), ``squat_stand_thigh_deg`` the thigh's incline when standing
    against the ball and ``squat_trunk_deg`` the trunk's direction (90 = upright, more =
    leaning back on the ball).
    """

    bridge_knee_deg: float = 90.0
    squat_ankle_s: float = SQUAT_ANKLE_S
    squat_stand_thigh_deg: float = STANDING_THIGH_DEG
    squat_trunk_deg: float = SQUAT_TRUNK_DEG
    ball_radius_m: float = BALL_RADIUS_M


DEFAULT_STANCE = Stance()


def flat_ankle_h(shape: BodyShape) -> float:
    """Height of the ankle joint above the floor with the sole flat on it."""
    return FLAT_ANKLE_H * shape.foot_scale


def supine_hip_h(shape: BodyShape) -> float:
    """Height of the hip joint of a person lying on the back (or front)."""
    return SUPINE_HIP_H * shape.radius


def foot_angle(shank_deg: float, mirrored: bool, plantarflex_deg: float) -> float:
    """Return the foot direction for a shank direction and a plantar flexion."""
    if mirrored:
        return shank_deg - 90.0 + plantarflex_deg
    return shank_deg + 90.0 - plantarflex_deg


def bisect(fn: Callable[[float], float], lo: float, hi: float, iters: int = 60) -> float:
    """Find a root of a monotonic ``fn`` on ``[lo, hi]`` by bisection."""
    f_lo = fn(lo)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        f_mid = fn(mid)
        if (f_mid < 0.0) == (f_lo < 0.0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def signed_line_dev_deg(end_a: FloatArray, mid: FloatArray, end_b: FloatArray) -> float:
    """Return ``180 - angle(a, mid, b)``, positive when ``mid`` is above the a-b line."""
    dev = 180.0 - interior_angle_deg(end_a, mid, end_b)
    span = end_b - end_a
    cross = span[0] * (mid[1] - end_a[1]) - span[1] * (mid[0] - end_a[0])
    above = cross > 0.0 if span[0] > 0.0 else cross < 0.0
    return dev if above else -dev


# --------------------------------------------------------------------------- hip hinge
def hip_hinge_pose(p: Params, shape: BodyShape = DEFAULT_SHAPE) -> SegmentAngles:
    """Supine tabletop; ``hip_l/r`` = thigh angle (= hip_deg), ``knee_l/r``, ``arch`` 0..1."""
    angles: dict[str, float] = {}
    for side in ("l", "r"):
        thigh = p[f"hip_{side}"]
        shank = thigh + 180.0 - p[f"knee_{side}"]
        angles[f"thigh_{side}"] = thigh
        angles[f"shank_{side}"] = shank
        angles[f"foot_{side}"] = foot_angle(shank, True, 25.0)
    return SegmentAngles(
        hip_s=0.0,
        hip_h=supine_hip_h(shape),
        trunk=0.0,
        head=-2.0,
        upper_arm_l=92.0,
        upper_arm_r=92.0,
        forearm_l=90.0,
        forearm_r=90.0,
        hand_l=90.0,
        hand_r=90.0,
        lumbar_lift_m=0.08 * shape.torso_m * p.get("arch", 0.0),
        **angles,
    )


@cache
def heel_touch_hip_deg(knee_deg: float, shape: BodyShape = DEFAULT_SHAPE) -> float:
    """Return the hip angle at which the heel of a leg with this knee angle touches the floor."""

    def gap(hip_deg: float) -> float:
        pose = {"hip_l": hip_deg, "hip_r": 90.0, "knee_l": knee_deg, "knee_r": 90.0}
        body = forward_kinematics(hip_hinge_pose(pose, shape), True, shape)
        return lowest_foot_h(body, "l") - 0.004

    return bisect(gap, 95.0, 179.0)


# --------------------------------------------------------------------------- bridge
BRIDGE_SHOULDER = np.array([0.0, BRIDGE_SHOULDER_H])
BRIDGE_EXTENDED_KNEE_DEG = 172.0


def _bridge_shoulder(shape: BodyShape) -> FloatArray:
    return np.array([0.0, BRIDGE_SHOULDER_H * shape.radius])


@cache
def _bridge_top_phi(shape: BodyShape, knee_deg: float) -> float:
    reach = shape.torso_m + shape.thigh_m
    shoulder = _bridge_shoulder(shape)

    def ankle_h(phi: float) -> float:
        knee = shoulder + reach * unit(180.0 - phi)
        shank = shape.shank_m * unit(270.0 - phi + (90.0 - knee_deg))
        return float((knee + shank)[1]) - flat_ankle_h(shape)

    return bisect(ankle_h, 5.0, 60.0)


@cache
def _bridge_ankle(shape: BodyShape, knee_deg: float) -> FloatArray:
    phi = _bridge_top_phi(shape, knee_deg)
    knee = _bridge_shoulder(shape) + (shape.torso_m + shape.thigh_m) * unit(180.0 - phi)
    ankle: FloatArray = knee + shape.shank_m * unit(270.0 - phi + (90.0 - knee_deg))
    return ankle


@cache
def _bridge_extended_leg(shape: BodyShape) -> tuple[FloatArray, float]:
    """The ankle (relative to the resting hip) and foot direction of a leg lying straight."""
    thigh = heel_touch_hip_deg(BRIDGE_EXTENDED_KNEE_DEG, shape)
    shank = thigh + 180.0 - BRIDGE_EXTENDED_KNEE_DEG
    ankle: FloatArray = shape.thigh_m * unit(thigh) + shape.shank_m * unit(shank)
    return ankle, foot_angle(shank, True, 25.0)


def bridge_pose(
    p: Params, shape: BodyShape = DEFAULT_SHAPE, stance: Stance = DEFAULT_STANCE
) -> SegmentAngles:
    """Supine bridge; ``phi`` = trunk elevation (degrees) with shoulders and feet fixed.

    ``feet`` (default 1) slides the feet from the legs lying straight (0) to planted (1).
    """
    phi = p["phi"]
    hip = _bridge_shoulder(shape) - shape.torso_m * unit(-phi)
    ankle = _bridge_ankle(shape, stance.bridge_knee_deg)
    foot = 180.0
    feet = p.get("feet", 1.0)
    if feet < 1.0:
        rel, ext_foot = _bridge_extended_leg(shape)
        rest_hip = _bridge_shoulder(shape) - shape.torso_m * unit(-bridge_rest_phi(shape))
        ankle = rest_hip + rel + feet * (ankle - rest_hip - rel)
        foot = ext_foot + feet * (180.0 - ext_foot)
    knee = two_link_ik(hip, ankle, shape.thigh_m, shape.shank_m, np.array([0.0, 1.0]))
    thigh, shank = angle_of(knee - hip), angle_of(ankle - knee)
    return SegmentAngles(
        hip_s=float(hip[0]),
        hip_h=float(hip[1]),
        trunk=-phi,
        head=-2.0,
        thigh_l=thigh,
        thigh_r=thigh,
        shank_l=shank,
        shank_r=shank,
        foot_l=foot,
        foot_r=foot,
        upper_arm_l=191.0,
        upper_arm_r=191.0,
        forearm_l=182.0,
        forearm_r=182.0,
        hand_l=180.0,
        hand_r=180.0,
    )


def bridge_hip_ext_deg(
    phi: float, shape: BodyShape = DEFAULT_SHAPE, stance: Stance = DEFAULT_STANCE
) -> float:
    """Return the sagittal hip extension (+ = hip above the shoulder-knee line) at ``phi``."""
    body = forward_kinematics(bridge_pose({"phi": phi}, shape, stance), True, shape)
    pts = body.points
    return signed_line_dev_deg(pts["shoulder"], pts["hip"], pts["l_knee"])


@cache
def bridge_phi_for(
    hip_ext_deg: float, shape: BodyShape = DEFAULT_SHAPE, stance: Stance = DEFAULT_STANCE
) -> float:
    """Return the trunk elevation that gives the requested hip extension."""
    lo = min(-0.6, bridge_rest_phi(shape) - 0.01)
    return bisect(lambda phi: bridge_hip_ext_deg(phi, shape, stance) - hip_ext_deg, lo, 60.0)


def bridge_rest_phi(shape: BodyShape = DEFAULT_SHAPE) -> float:
    """Trunk elevation with the hips resting on the floor."""
    drop = supine_hip_h(shape) - BRIDGE_SHOULDER_H * shape.radius
    return math.degrees(math.asin(drop / shape.torso_m))


# --------------------------------------------------------------------------- plank
def _plank_shoulder(shape: BodyShape) -> FloatArray:
    return np.array([0.0, PLANK_ELBOW_H * shape.radius + shape.upper_arm_m])


def _plank_base(
    trunk: float, thigh: float, shank: float, foot: float, head: float, shape: BodyShape
) -> SegmentAngles:
    hip = _plank_shoulder(shape) - shape.torso_m * unit(trunk)
    return SegmentAngles(
        hip_s=float(hip[0]),
        hip_h=float(hip[1]),
        trunk=trunk,
        head=head,
        thigh_l=thigh,
        thigh_r=thigh,
        shank_l=shank,
        shank_r=shank,
        foot_l=foot,
        foot_r=foot,
        upper_arm_l=270.0,
        upper_arm_r=270.0,
        forearm_l=0.0,
        forearm_r=0.0,
        hand_l=0.0,
        hand_r=0.0,
    )


def _plank_on_toes(dev_deg: float, shape: BodyShape) -> SegmentAngles:
    torso, leg = shape.torso_m, shape.thigh_m + shape.shank_m
    shoulder = _plank_shoulder(shape)
    dist = math.sqrt(torso**2 + leg**2 + 2.0 * torso * leg * math.cos(math.radians(dev_deg)))
    toe_ankle_h = PLANK_TOE_ANKLE_H * shape.foot_scale
    beta = math.degrees(math.asin((float(shoulder[1]) - toe_ankle_h) / dist))
    ankle = shoulder - dist * unit(beta)
    prefer = np.array([0.0, -1.0 if dev_deg >= 0.0 else 1.0])
    hip = two_link_ik(shoulder, ankle, torso, leg, prefer)
    trunk = angle_of(shoulder - hip)
    leg_dir = angle_of(ankle - hip)
    return _plank_base(trunk, leg_dir, leg_dir, 290.0, trunk - 8.0, shape)


@cache
def _plank_kneeling(shape: BodyShape) -> SegmentAngles:
    rise = float(_plank_shoulder(shape)[1]) - KNEEL_KNEE_H * shape.radius
    gamma = math.degrees(math.asin(rise / (shape.torso_m + shape.thigh_m)))
    shank = 180.0 + gamma - 60.0
    foot = foot_angle(shank, False, 40.0)
    return _plank_base(gamma, 180.0 + gamma, shank, foot, gamma - 8.0, shape)


@cache
def _plank_lying(shape: BodyShape) -> SegmentAngles:
    rise = float(_plank_shoulder(shape)[1]) - 0.11 * shape.radius
    trunk = math.degrees(math.asin(rise / shape.torso_m))
    return _plank_base(trunk, 183.0, 180.0, foot_angle(180.0, False, 80.0), 12.0, shape)


def plank_pose(p: Params, shape: BodyShape = DEFAULT_SHAPE) -> SegmentAngles:
    """Prone elbow plank; ``rise`` 0..1 from lying, ``dev`` line deviation, ``kneel`` 0..1."""
    pose = _plank_on_toes(p.get("dev", 0.0), shape).lerp(
        _plank_kneeling(shape), p.get("kneel", 0.0)
    )
    pose = _plank_lying(shape).lerp(pose, p.get("rise", 1.0))
    hip = _plank_shoulder(shape) - shape.torso_m * unit(pose.trunk)
    return replace(pose, hip_s=float(hip[0]), hip_h=float(hip[1]))


# --------------------------------------------------------------------------- ball squat
def _squat_stance(thigh_deg: float, shape: BodyShape, stance: Stance) -> SegmentAngles:
    ankle_s, ankle_h = stance.squat_ankle_s, flat_ankle_h(shape)
    thigh_m, shank_m = shape.thigh_m, shape.shank_m
    ankle = np.array([ankle_s, ankle_h])
    knee_s = thigh_m * math.cos(math.radians(thigh_deg))
    knee_h = ankle_h + math.sqrt(max(shank_m**2 - (knee_s - ankle_s) ** 2, 0.0))
    hip = np.array([0.0, knee_h + thigh_m * math.sin(math.radians(thigh_deg))])
    knee = np.array([knee_s, knee_h])
    thigh, shank = angle_of(knee - hip), angle_of(ankle - knee)
    return SegmentAngles(
        hip_s=0.0,
        hip_h=float(hip[1]),
        trunk=stance.squat_trunk_deg,
        head=90.0,
        thigh_l=thigh,
        thigh_r=thigh,
        shank_l=shank,
        shank_r=shank,
        foot_l=0.0,
        foot_r=0.0,
        upper_arm_l=273.0,
        upper_arm_r=273.0,
        forearm_l=276.0,
        forearm_r=276.0,
        hand_l=276.0,
        hand_r=276.0,
    )


def squat_ankle_for(stand_thigh_deg: float, stand_knee_deg: float, shape: BodyShape) -> float:
    """Return the ankles' distance ahead of the hips for a standing thigh incline and knee."""
    down = math.radians(stand_thigh_deg)
    shank_down = math.radians(stand_thigh_deg + 180.0 - stand_knee_deg)
    return shape.thigh_m * math.cos(down) + shape.shank_m * math.cos(shank_down)


def walking_pose(
    x_off_m: float, gait_deg: float, shape: BodyShape = DEFAULT_SHAPE
) -> SegmentAngles:
    """A person walking toward ``+s`` with the hips at ``x_off_m``, at gait phase ``gait_deg``."""
    swing = 20.0 * math.sin(math.radians(gait_deg))
    bend_l = 12.0 + 12.0 * math.sin(math.radians(gait_deg + 90.0))
    bend_r = 12.0 + 12.0 * math.sin(math.radians(gait_deg - 90.0))
    thigh_l, thigh_r = 270.0 + swing, 270.0 - swing
    leg_scale = (shape.thigh_m + shape.shank_m) / (THIGH_M + SHANK_M)
    return SegmentAngles(
        hip_s=x_off_m,
        hip_h=WALK_HIP_H * leg_scale,
        trunk=90.0,
        head=90.0,
        thigh_l=thigh_l,
        thigh_r=thigh_r,
        shank_l=thigh_l - bend_l,
        shank_r=thigh_r - bend_r,
        foot_l=thigh_l - bend_l + 90.0,
        foot_r=thigh_r - bend_r + 90.0,
        upper_arm_l=270.0 - 0.6 * swing,
        upper_arm_r=270.0 + 0.6 * swing,
        forearm_l=275.0 - 0.6 * swing,
        forearm_r=275.0 + 0.6 * swing,
        hand_l=275.0 - 0.6 * swing,
        hand_r=275.0 + 0.6 * swing,
    )


def squat_pose(
    p: Params, shape: BodyShape = DEFAULT_SHAPE, stance: Stance = DEFAULT_STANCE
) -> SegmentAngles:
    """Ball wall squat; ``thigh`` = thigh_deg, ``walk`` 0..1 blends to walking at ``x_off``."""
    pose = _squat_stance(p.get("thigh", stance.squat_stand_thigh_deg), shape, stance)
    walk = p.get("walk", 0.0)
    if walk <= 0.0:
        return pose
    return pose.lerp(walking_pose(p.get("x_off", 0.0), p.get("gait", 0.0), shape), walk)


def squat_ball(
    p: Params, shape: BodyShape = DEFAULT_SHAPE, stance: Stance = DEFAULT_STANCE
) -> FloatArray:
    """Return the ball centre: behind the lower back, which slides down the wall."""
    stand = stance.squat_stand_thigh_deg
    pose = _squat_stance(min(p.get("thigh", stand), stand), shape, stance)
    if p.get("walk", 0.0) > 0.0:
        pose = _squat_stance(stand, shape, stance)
    lumbar = forward_kinematics(pose, False, shape).points["lumbar"]
    gap = 0.105 * shape.radius + stance.ball_radius_m
    return np.array([float(lumbar[0]) - gap, float(lumbar[1])])


# --------------------------------------------------------------------------- models
ARM_LATERAL = {
    "hip-hinge": (0.17, 0.15),
    "bridge": (0.25, 0.27),
    "plank": (0.17, 0.12),
    "ball-squat": (0.23, 0.23),
}


@dataclass(frozen=True)
class ExerciseModel:
    """How one exercise is posed, placed, filmed and propped."""

    exercise: str
    mirrored: bool
    camera_height_m: float
    pose: Callable[[Params], SegmentAngles]
    elbow_lateral_m: float
    wrist_lateral_m: float
    has_mat: bool
    ball: Callable[[Params], FloatArray] | None = None
    side_wall_s: float | None = None
    shape: BodyShape = DEFAULT_SHAPE
    stance: Stance = DEFAULT_STANCE


def exercise_model(
    exercise: str, shape: BodyShape = DEFAULT_SHAPE, stance: Stance = DEFAULT_STANCE
) -> ExerciseModel:
    """Return the model of ``exercise`` (one of the four ids) for a body and a set-up."""
    elbow, wrist = (x * shape.breadth for x in ARM_LATERAL[exercise])
    if exercise == "hip-hinge":
        pose = partial(hip_hinge_pose, shape=shape)
        return ExerciseModel(
            exercise, True, 0.25, pose, elbow, wrist, True, shape=shape, stance=stance
        )
    if exercise == "bridge":
        pose = partial(bridge_pose, shape=shape, stance=stance)
        return ExerciseModel(
            exercise, True, 0.45, pose, elbow, wrist, True, shape=shape, stance=stance
        )
    if exercise == "plank":
        pose = partial(plank_pose, shape=shape)
        return ExerciseModel(
            exercise, False, 0.45, pose, elbow, wrist, True, shape=shape, stance=stance
        )
    ball = partial(squat_ball, shape=shape, stance=stance)
    wall = float(ball({})[0]) - stance.ball_radius_m
    pose = partial(squat_pose, shape=shape, stance=stance)
    return ExerciseModel(
        exercise, False, 0.85, pose, elbow, wrist, False, ball, wall, shape, stance
    )
