"""The person's look: capsules for the body, the face, hands and feet, clothes and skin colours.

The reference figure (:data:`DEFAULT_LOOK`) wears a red T-shirt and navy trousers, is
barefoot, has dark hair, and its face has eyes (white and iris), brows, a nose, a mouth and
ears, enough for BlazePose's face-anchored person detector.  A :class:`Look` changes colours,
sleeves, trouser legs and footwear.  Radii are in metres for a 1.70 m adult and scale with
the body's girth (:attr:`BodyShape.radius`) and head.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinecoach.synth.body import (
    HEEL_SPHERE,
    TOE_SPHERE,
    FloatArray,
    anterior,
    foot_point,
)
from spinecoach.synth.kinematics import FrameState
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
SLEEVES = ("short", "long")
LEGS = ("long", "shorts")
FEET = ("bare", "socks", "shoes")


@dataclass(frozen=True)
class Look:
    """Colours (RGB 0..1) and clothes of one figure."""

    skin: Color = SKIN
    skin_dark: Color = SKIN_DARK
    top: Color = SHIRT
    bottom: Color = TROUSERS
    hair: Color = HAIR
    lips: Color = LIPS
    ball: Color = BALL
    sleeves: str = "short"
    legs: str = "long"
    feet: str = "bare"
    footwear: Color = SKIN


DEFAULT_LOOK = Look()


def _trunk(st: FrameState, place: Placement, look: Look) -> list[Capsule]:
    pts = st.body.points
    k = st.body.shape.radius
    caps: list[Capsule] = []
    for sgn in (-1.0, 1.0):
        lat = sgn * TRUNK_HALF_M * st.body.shape.breadth
        hip, lumbar = place.world(pts["hip"], lat), place.world(pts["lumbar"], lat)
        chest, shoulder = place.world(pts["chest"], lat), place.world(pts["shoulder"], lat)
        caps += [
            sphere(hip, 0.115 * k, look.bottom),
            Capsule(hip, lumbar, 0.115 * k, 0.102 * k, look.bottom),
            Capsule(lumbar, chest, 0.10 * k, 0.112 * k, look.top),
            Capsule(chest, shoulder, 0.112 * k, 0.095 * k, look.top),
        ]
    return caps


def _limbs(st: FrameState, place: Placement, look: Look) -> list[Capsule]:
    j = st.joints
    k = st.body.shape.radius
    arm = look.top if look.sleeves == "long" else look.skin
    caps: list[Capsule] = []
    for side in ("left", "right"):
        sh, el, wr = j[f"{side}_shoulder"], j[f"{side}_elbow"], j[f"{side}_wrist"]
        mid_arm = 0.5 * (sh + el)
        hip, knee, ankle = j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"]
        caps += [
            sphere(sh, 0.058 * k, look.top),
            Capsule(sh, mid_arm, 0.052 * k, 0.046 * k, look.top),
            Capsule(mid_arm, el, 0.040 * k, 0.036 * k, arm),
            Capsule(el, wr, 0.035 * k, 0.026 * k, arm),
            *_leg(hip, knee, ankle, k, look),
            Capsule(wr, j[f"{side}_index"], 0.027 * k, 0.022 * k, look.skin),
            Capsule(wr, j[f"{side}_pinky"], 0.024 * k, 0.018 * k, look.skin),
            Capsule(wr, j[f"{side}_thumb"], 0.016 * k, 0.013 * k, look.skin_dark),
        ]
        caps += _foot(st, place, side, look)
    return caps


def _leg(
    hip: FloatArray, knee: FloatArray, ankle: FloatArray, k: float, look: Look
) -> list[Capsule]:
    ankle_colour = look.skin if look.feet == "bare" else look.footwear
    if look.legs == "shorts":
        hem = hip + 0.6 * (knee - hip)
        r_hem = 0.085 + 0.6 * (0.056 - 0.085)
        thigh = [
            Capsule(hip, hem, 0.085 * k, r_hem * k, look.bottom),
            Capsule(hem, knee, r_hem * k * 0.97, 0.054 * k, look.skin),
        ]
        shank = Capsule(knee, ankle, 0.054 * k, 0.038 * k, look.skin)
    else:
        thigh = [Capsule(hip, knee, 0.085 * k, 0.056 * k, look.bottom)]
        shank = Capsule(knee, ankle, 0.056 * k, 0.040 * k, look.bottom)
    return [*thigh, shank, sphere(ankle, 0.036 * k, ankle_colour)]


def _foot(st: FrameState, place: Placement, side: str, look: Look) -> list[Capsule]:
    key = side[0]
    body = st.body
    ankle2, foot2 = body.points[f"{key}_ankle"], body.dirs[f"{key}_foot"]
    lat = st.joints[f"{side}_ankle"][2] * place.right_z
    heel_sph, toe_sph = body.shape.foot_geometry(HEEL_SPHERE), body.shape.foot_geometry(TOE_SPHERE)
    heel = place.world(foot_point(ankle2, foot2, body.mirrored, heel_sph), lat)
    toe = place.world(foot_point(ankle2, foot2, body.mirrored, toe_sph), lat)
    colour = look.skin if look.feet == "bare" else look.footwear
    grow = 1.15 if look.feet == "shoes" else 1.0
    return [Capsule(heel, toe, heel_sph[2] * grow, toe_sph[2] * grow, colour)]


def _head(st: FrameState, place: Placement, look: Look) -> list[Capsule]:
    j = st.joints
    c = j["head_centre"]
    sup = place.direction(st.body.dirs["head"])
    ant = place.direction(anterior(st.body.dirs["head"], st.body.mirrored))
    r = st.body.shape.head_radius_m
    k = st.body.shape.radius
    neck_base = 0.5 * (j["left_shoulder"] + j["right_shoulder"])
    skin = look.skin
    caps = [
        Capsule(neck_base, c - 0.6 * r * sup, 0.058 * k, 0.05 * k, skin),
        sphere(c, r, skin),
        Capsule(c - 0.2 * r * sup, c + 0.35 * r * ant - 0.62 * r * sup, 0.8 * r, 0.55 * r, skin),
        sphere(c - 0.32 * r * ant + 0.13 * r * sup, 1.02 * r, look.hair),
        Capsule(c + 0.82 * r * ant - 0.05 * r * sup, j["nose"], 0.2 * r, 0.14 * r, skin),
        Capsule(j["left_mouth"], j["right_mouth"], 0.07 * r, 0.07 * r, look.lips),
    ]
    for side in ("left", "right"):
        eye = j[f"{side}_eye"]
        caps += [
            sphere(j[f"{side}_ear"], 0.24 * r, look.skin_dark),
            sphere(eye - 0.05 * r * ant, 0.17 * r, EYE_WHITE),
            sphere(eye + 0.06 * r * ant, 0.09 * r, IRIS),
            Capsule(
                j[f"{side}_eye_inner"] + 0.22 * r * sup + 0.04 * r * ant,
                j[f"{side}_eye_outer"] + 0.24 * r * sup + 0.04 * r * ant,
                0.05 * r,
                0.05 * r,
                look.hair,
            ),
        ]
    return caps


def figure_capsules(
    st: FrameState, place: Placement, look: Look = DEFAULT_LOOK, person: bool = True
) -> list[Capsule]:
    """Return every capsule of the person (and the ball) for one frame.

    ``person=False`` marks the figure as not the exercising person (a passer-by): it is drawn
    but not part of the person's mask.
    """
    caps: list[Capsule] = []
    if st.ball_centre is not None:
        caps.append(sphere(st.ball_centre, st.ball_radius_m, look.ball, person=False))
    caps += _trunk(st, place, look) + _limbs(st, place, look) + _head(st, place, look)
    if not person:
        caps = [Capsule(c.a, c.b, c.ra, c.rb, c.color, False) for c in caps]
    return caps
