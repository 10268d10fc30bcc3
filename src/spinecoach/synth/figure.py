"""The person's look: capsules for the body, the face, hands and feet, clothes and skin colours.

The figure wears a red T-shirt and navy trousers, is barefoot, has dark hair, and its face has
eyes (white and iris), brows, a nose, a mouth and ears, enough for BlazePose's face-anchored
person detector.  Radii are in metres for a 1.70 m adult.
"""

from __future__ import annotations

from spinecoach.synth.body import (
    HEAD_RADIUS_M,
    HEEL_SPHERE,
    TOE_SPHERE,
    anterior,
    foot_point,
)
from spinecoach.synth.kinematics import FrameState
from spinecoach.synth.poses import BALL_RADIUS_M
from spinecoach.synth.raster import Capsule, sphere
from spinecoach.synth.scene3d import Placement

Color = tuple[float, float, float]
SKIN: Color = (0.86, 0.64, 0.50)
SKIN_DARK: Color = (0.76, 0.53, 0.41)
SHIRT: Color = (0.72, 0.20, 0.18)
TROUSERS: Color = (0.16, 0.19, 0.30)
HAIR: Color = (0.17, 0.11, 0.07)
EYE_WHITE: Color = (0.95, 0.95, 0.93)
IRIS: Color = (0.10, 0.07, 0.05)
LIPS: Color = (0.62, 0.30, 0.30)
BALL: Color = (0.42, 0.70, 0.38)
TRUNK_HALF_M = 0.075


def _trunk(st: FrameState, place: Placement) -> list[Capsule]:
    pts = st.body.points
    caps: list[Capsule] = []
    for sgn in (-1.0, 1.0):
        lat = sgn * TRUNK_HALF_M
        hip, lumbar = place.world(pts["hip"], lat), place.world(pts["lumbar"], lat)
        chest, shoulder = place.world(pts["chest"], lat), place.world(pts["shoulder"], lat)
        caps += [
            sphere(hip, 0.115, TROUSERS),
            Capsule(hip, lumbar, 0.115, 0.102, TROUSERS),
            Capsule(lumbar, chest, 0.10, 0.112, SHIRT),
            Capsule(chest, shoulder, 0.112, 0.095, SHIRT),
        ]
    return caps


def _limbs(st: FrameState, place: Placement) -> list[Capsule]:
    j = st.joints
    caps: list[Capsule] = []
    for side in ("left", "right"):
        sh, el, wr = j[f"{side}_shoulder"], j[f"{side}_elbow"], j[f"{side}_wrist"]
        mid_arm = 0.5 * (sh + el)
        hip, knee, ankle = j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"]
        caps += [
            sphere(sh, 0.058, SHIRT),
            Capsule(sh, mid_arm, 0.052, 0.046, SHIRT),
            Capsule(mid_arm, el, 0.040, 0.036, SKIN),
            Capsule(el, wr, 0.035, 0.026, SKIN),
            Capsule(hip, knee, 0.085, 0.056, TROUSERS),
            Capsule(knee, ankle, 0.056, 0.040, TROUSERS),
            sphere(ankle, 0.036, SKIN),
            Capsule(wr, j[f"{side}_index"], 0.027, 0.022, SKIN),
            Capsule(wr, j[f"{side}_pinky"], 0.024, 0.018, SKIN),
            Capsule(wr, j[f"{side}_thumb"], 0.016, 0.013, SKIN_DARK),
        ]
        caps += _foot(st, place, side)
    return caps


def _foot(st: FrameState, place: Placement, side: str) -> list[Capsule]:
    key = side[0]
    body = st.body
    ankle2, foot2 = body.points[f"{key}_ankle"], body.dirs[f"{key}_foot"]
    lat = st.joints[f"{side}_ankle"][2] * place.right_z
    heel = place.world(foot_point(ankle2, foot2, body.mirrored, HEEL_SPHERE), lat)
    toe = place.world(foot_point(ankle2, foot2, body.mirrored, TOE_SPHERE), lat)
    return [Capsule(heel, toe, HEEL_SPHERE[2], TOE_SPHERE[2], SKIN)]


def _head(st: FrameState, place: Placement) -> list[Capsule]:
    j = st.joints
    c = j["head_centre"]
    sup = place.direction(st.body.dirs["head"])
    ant = place.direction(anterior(st.body.dirs["head"], st.body.mirrored))
    r = HEAD_RADIUS_M
    neck_base = 0.5 * (j["left_shoulder"] + j["right_shoulder"])
    caps = [
        Capsule(neck_base, c - 0.6 * r * sup, 0.058, 0.05, SKIN),
        sphere(c, r, SKIN),
        Capsule(c - 0.2 * r * sup, c + 0.35 * r * ant - 0.62 * r * sup, 0.8 * r, 0.55 * r, SKIN),
        sphere(c - 0.32 * r * ant + 0.13 * r * sup, 1.02 * r, HAIR),
        Capsule(c + 0.82 * r * ant - 0.05 * r * sup, j["nose"], 0.2 * r, 0.14 * r, SKIN),
        Capsule(j["left_mouth"], j["right_mouth"], 0.07 * r, 0.07 * r, LIPS),
    ]
    for side in ("left", "right"):
        eye = j[f"{side}_eye"]
        caps += [
            sphere(j[f"{side}_ear"], 0.24 * r, SKIN_DARK),
            sphere(eye - 0.05 * r * ant, 0.17 * r, EYE_WHITE),
            sphere(eye + 0.06 * r * ant, 0.09 * r, IRIS),
            Capsule(
                j[f"{side}_eye_inner"] + 0.22 * r * sup + 0.04 * r * ant,
                j[f"{side}_eye_outer"] + 0.24 * r * sup + 0.04 * r * ant,
                0.05 * r,
                0.05 * r,
                HAIR,
            ),
        ]
    return caps


def figure_capsules(st: FrameState, place: Placement) -> list[Capsule]:
    """Return every capsule of the person (and the ball) for one frame."""
    caps: list[Capsule] = []
    if st.ball_centre is not None:
        caps.append(sphere(st.ball_centre, BALL_RADIUS_M, BALL, person=False))
    caps += _trunk(st, place) + _limbs(st, place) + _head(st, place)
    return caps
