"""Per-exercise pose models: a few named parameters -> :class:`SegmentAngles`.

Each exercise is drawn in the canonical frame (head or toes toward ``+s``) and described by
an :class:`ExerciseModel`: whether the body is mirrored (lying on the back), how far each
joint sits from the mid-plane, where the camera stands, the props, and a pose function of a
small parameter dictionary (``hip_l`` ..., ``phi`` ..., ``dev`` ...).  Geometric constraints
(feet planted in the bridge, toes on the floor in the plank, feet flat in the squat) are solved
here so that the scenario scripts only move meaningful parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from spinecoach.synth.body import (
    SHANK_M,
    THIGH_M,
    TORSO_M,
    UPPER_ARM_M,
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
def hip_hinge_pose(p: Params) -> SegmentAngles:
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
        hip_h=SUPINE_HIP_H,
        trunk=0.0,
        head=-2.0,
        upper_arm_l=92.0,
        upper_arm_r=92.0,
        forearm_l=90.0,
        forearm_r=90.0,
        hand_l=90.0,
        hand_r=90.0,
        lumbar_lift_m=0.08 * TORSO_M * p.get("arch", 0.0),
        **angles,
    )


@cache
def heel_touch_hip_deg(knee_deg: float) -> float:
    """Return the hip angle at which the heel of a leg with this knee angle touches the floor."""

    def gap(hip_deg: float) -> float:
        body = forward_kinematics(
            hip_hinge_pose({"hip_l": hip_deg, "hip_r": 90.0, "knee_l": knee_deg, "knee_r": 90.0}),
            True,
        )
        return lowest_foot_h(body, "l") - 0.004

    return bisect(gap, 95.0, 179.0)


# --------------------------------------------------------------------------- bridge
BRIDGE_SHOULDER = np.array([0.0, 0.11])


@cache
def _bridge_top_phi() -> float:
    reach = TORSO_M + THIGH_M

    def ankle_h(phi: float) -> float:
        knee = BRIDGE_SHOULDER + reach * unit(180.0 - phi)
        return float((knee + SHANK_M * unit(270.0 - phi))[1]) - FLAT_ANKLE_H

    return bisect(ankle_h, 5.0, 60.0)


def _bridge_ankle() -> FloatArray:
    phi = _bridge_top_phi()
    knee = BRIDGE_SHOULDER + (TORSO_M + THIGH_M) * unit(180.0 - phi)
    ankle: FloatArray = knee + SHANK_M * unit(270.0 - phi)
    return ankle


def bridge_pose(p: Params) -> SegmentAngles:
    """Supine bridge; ``phi`` = trunk elevation (degrees) with shoulders and feet fixed."""
    phi = p["phi"]
    hip = BRIDGE_SHOULDER - TORSO_M * unit(-phi)
    ankle = _bridge_ankle()
    knee = two_link_ik(hip, ankle, THIGH_M, SHANK_M, np.array([0.0, 1.0]))
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
        foot_l=180.0,
        foot_r=180.0,
        upper_arm_l=191.0,
        upper_arm_r=191.0,
        forearm_l=182.0,
        forearm_r=182.0,
        hand_l=180.0,
        hand_r=180.0,
    )


def bridge_hip_ext_deg(phi: float) -> float:
    """Return the sagittal hip extension (+ = hip above the shoulder-knee line) at ``phi``."""
    body = forward_kinematics(bridge_pose({"phi": phi}), True)
    pts = body.points
    return signed_line_dev_deg(pts["shoulder"], pts["hip"], pts["l_knee"])


@cache
def bridge_phi_for(hip_ext_deg: float) -> float:
    """Return the trunk elevation that gives the requested hip extension."""
    return bisect(lambda phi: bridge_hip_ext_deg(phi) - hip_ext_deg, -0.6, 60.0)


def bridge_rest_phi() -> float:
    """Trunk elevation with the hips resting on the floor."""
    return math.degrees(math.asin((SUPINE_HIP_H - float(BRIDGE_SHOULDER[1])) / TORSO_M))


# --------------------------------------------------------------------------- plank
PLANK_SHOULDER = np.array([0.0, PLANK_ELBOW_H + UPPER_ARM_M])


def _plank_base(
    trunk: float, thigh: float, shank: float, foot: float, head: float
) -> SegmentAngles:
    hip = PLANK_SHOULDER - TORSO_M * unit(trunk)
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


def _plank_on_toes(dev_deg: float) -> SegmentAngles:
    leg = THIGH_M + SHANK_M
    dist = math.sqrt(TORSO_M**2 + leg**2 + 2.0 * TORSO_M * leg * math.cos(math.radians(dev_deg)))
    beta = math.degrees(math.asin((float(PLANK_SHOULDER[1]) - PLANK_TOE_ANKLE_H) / dist))
    ankle = PLANK_SHOULDER - dist * unit(beta)
    prefer = np.array([0.0, -1.0 if dev_deg >= 0.0 else 1.0])
    hip = two_link_ik(PLANK_SHOULDER, ankle, TORSO_M, leg, prefer)
    trunk = angle_of(PLANK_SHOULDER - hip)
    leg_dir = angle_of(ankle - hip)
    return _plank_base(trunk, leg_dir, leg_dir, 290.0, trunk - 8.0)


def _plank_kneeling() -> SegmentAngles:
    gamma = math.degrees(math.asin((float(PLANK_SHOULDER[1]) - KNEEL_KNEE_H) / (TORSO_M + THIGH_M)))
    shank = 180.0 + gamma - 60.0
    return _plank_base(gamma, 180.0 + gamma, shank, foot_angle(shank, False, 40.0), gamma - 8.0)


def _plank_lying() -> SegmentAngles:
    trunk = math.degrees(math.asin((float(PLANK_SHOULDER[1]) - 0.11) / TORSO_M))
    return _plank_base(trunk, 183.0, 180.0, foot_angle(180.0, False, 80.0), 12.0)


def plank_pose(p: Params) -> SegmentAngles:
    """Prone elbow plank; ``rise`` 0..1 from lying, ``dev`` line deviation, ``kneel`` 0..1."""
    pose = _plank_on_toes(p.get("dev", 0.0)).lerp(_plank_kneeling(), p.get("kneel", 0.0))
    pose = _plank_lying().lerp(pose, p.get("rise", 1.0))
    hip = PLANK_SHOULDER - TORSO_M * unit(pose.trunk)
    return replace(pose, hip_s=float(hip[0]), hip_h=float(hip[1]))


# --------------------------------------------------------------------------- ball squat
def _squat_stance(thigh_deg: float) -> SegmentAngles:
    ankle = np.array([SQUAT_ANKLE_S, FLAT_ANKLE_H])
    knee_s = THIGH_M * math.cos(math.radians(thigh_deg))
    knee_h = FLAT_ANKLE_H + math.sqrt(max(SHANK_M**2 - (knee_s - SQUAT_ANKLE_S) ** 2, 0.0))
    hip = np.array([0.0, knee_h + THIGH_M * math.sin(math.radians(thigh_deg))])
    knee = np.array([knee_s, knee_h])
    thigh, shank = angle_of(knee - hip), angle_of(ankle - knee)
    return SegmentAngles(
        hip_s=0.0,
        hip_h=float(hip[1]),
        trunk=95.0,
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


def _walking(x_off_m: float, gait_deg: float) -> SegmentAngles:
    swing = 20.0 * math.sin(math.radians(gait_deg))
    bend_l = 12.0 + 12.0 * math.sin(math.radians(gait_deg + 90.0))
    bend_r = 12.0 + 12.0 * math.sin(math.radians(gait_deg - 90.0))
    thigh_l, thigh_r = 270.0 + swing, 270.0 - swing
    return SegmentAngles(
        hip_s=x_off_m,
        hip_h=0.87,
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


STANDING_THIGH_DEG = 77.0


def squat_pose(p: Params) -> SegmentAngles:
    """Ball wall squat; ``thigh`` = thigh_deg, ``walk`` 0..1 blends to walking at ``x_off``."""
    stance = _squat_stance(p.get("thigh", STANDING_THIGH_DEG))
    walk = p.get("walk", 0.0)
    if walk <= 0.0:
        return stance
    return stance.lerp(_walking(p.get("x_off", 0.0), p.get("gait", 0.0)), walk)


def squat_ball(p: Params) -> FloatArray:
    """Return the ball centre: behind the lower back, which slides down the wall."""
    stance = _squat_stance(min(p.get("thigh", STANDING_THIGH_DEG), STANDING_THIGH_DEG))
    if p.get("walk", 0.0) > 0.0:
        stance = _squat_stance(STANDING_THIGH_DEG)
    lumbar = forward_kinematics(stance, False).points["lumbar"]
    return np.array([float(lumbar[0]) - 0.105 - BALL_RADIUS_M, float(lumbar[1])])


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


def exercise_model(exercise: str) -> ExerciseModel:
    """Return the model of ``exercise`` (one of the four ids)."""
    elbow, wrist = ARM_LATERAL[exercise]
    if exercise == "hip-hinge":
        return ExerciseModel(exercise, True, 0.25, hip_hinge_pose, elbow, wrist, True)
    if exercise == "bridge":
        return ExerciseModel(exercise, True, 0.45, bridge_pose, elbow, wrist, True)
    if exercise == "plank":
        return ExerciseModel(exercise, False, 0.45, plank_pose, elbow, wrist, True)
    wall = float(squat_ball({})[0]) - BALL_RADIUS_M
    return ExerciseModel(exercise, False, 0.85, squat_pose, elbow, wrist, False, squat_ball, wall)
