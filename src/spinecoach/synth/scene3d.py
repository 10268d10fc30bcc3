"""From the sagittal plane to 3D, the pinhole camera, and BlazePose landmarks.

World coordinates (metres): ``X`` to the right of the image, ``Y`` up, ``Z`` toward the camera;
the person's mid-plane is ``Z = 0``, the floor ``Y = 0``.  The fixed scenarios' camera stands
at ``Z = CAMERA_DISTANCE_M`` looking along ``-Z`` with its axis horizontal (framing uses a
shifted principal point, like a shift lens), so vertical lines stay vertical.  A camera may
also carry a rotation (yaw, tilt, roll: the randomised clips); its own axes are then ``x``
right, ``y`` up and ``z`` toward the viewer, like the world's.

Facing: the canonical drawing has the head (lying) or nose and toes (standing) toward ``+X``
(``facing="right"``); ``facing="left"`` turns the person half a turn about the vertical axis
(``X -> -X``, ``Z -> -Z``), so the other side of the body comes nearer the camera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spinecoach.domain.landmarks import N_LANDMARKS, Landmark
from spinecoach.synth.body import (
    HAND_M,
    HEEL_LANDMARK,
    TOE_LANDMARK,
    Body2D,
    FloatArray,
    anterior,
    foot_point,
)

CAMERA_DISTANCE_M = 3.0
BACK_WALL_Z = -1.6
HIP_HALF_M = 0.09
KNEE_HALF_M = 0.10
SHOULDER_HALF_M = 0.17


@dataclass(frozen=True)
class Placement:
    """Maps canonical sagittal points plus a lateral offset to world coordinates."""

    mirrored: bool
    facing_sign: float  # +1 for facing right, -1 for facing left
    origin: tuple[float, float, float] = (0.0, 0.0, 0.0)  # world point of the sagittal origin

    @property
    def right_z(self) -> float:
        """World ``Z`` of a unit step toward the person's own right."""
        return (-1.0 if self.mirrored else 1.0) * self.facing_sign

    def world(self, sh: FloatArray, lateral_m: float = 0.0) -> FloatArray:
        """Return the world point of a sagittal point moved ``lateral_m`` to the person's right."""
        ox, oy, oz = self.origin
        return np.array([ox + self.facing_sign * sh[0], oy + sh[1], oz + self.right_z * lateral_m])

    def direction(self, sh: FloatArray) -> FloatArray:
        """Return the world direction of a sagittal direction."""
        return np.array([self.facing_sign * sh[0], sh[1], 0.0])

    @property
    def near_side(self) -> str:
        """``"left"`` or ``"right"``: the side of the body nearer the camera."""
        return "right" if self.right_z > 0 else "left"


@dataclass(frozen=True)
class Camera:
    """A pinhole camera at ``position``; pixels are ``(u, v)``, v down.

    Without ``rotation`` it looks along ``-Z``; ``rotation`` (rows of a world-to-camera
    rotation matrix) turns it.  Depth is measured along the camera's axis.
    """

    f_px: float
    cx: float
    cy: float
    position: tuple[float, float, float]
    width: int
    height: int
    rotation: tuple[tuple[float, float, float], ...] | None = None

    def to_camera(self, pts: FloatArray) -> FloatArray:
        """Return ``(..., 3)`` world points in the camera's own axes (origin at the camera)."""
        rel: FloatArray = pts - np.asarray(self.position)
        if self.rotation is None:
            return rel
        out: FloatArray = rel @ np.asarray(self.rotation).T
        return out

    def project(self, pts: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Return pixel ``u``, ``v`` and depth (metres) of ``(N, 3)`` world points."""
        if self.rotation is not None:
            q = self.to_camera(pts)
            depth_r: FloatArray = -q[..., 2]
            u_r: FloatArray = self.cx + self.f_px * q[..., 0] / depth_r
            v_r: FloatArray = self.cy - self.f_px * q[..., 1] / depth_r
            return u_r, v_r, depth_r
        px, py, pz = self.position
        depth = pz - pts[..., 2]
        u = self.cx + self.f_px * (pts[..., 0] - px) / depth
        v = self.cy - self.f_px * (pts[..., 1] - py) / depth
        return u, v, depth

    def ray_directions(self) -> FloatArray:
        """Return the world direction ``(H, W, 3)`` of each pixel centre's ray (camera ``z``=-1)."""
        uu, vv = np.meshgrid(
            np.arange(self.width, dtype=np.float32) + 0.5,
            np.arange(self.height, dtype=np.float32) + 0.5,
        )
        cam = np.stack(
            [(uu - self.cx) / self.f_px, -(vv - self.cy) / self.f_px, -np.ones_like(uu)], axis=-1
        )
        if self.rotation is None:
            return cam.astype(np.float64)
        out: FloatArray = cam.astype(np.float64) @ np.asarray(self.rotation)
        return out

    def scaled(self, k: float) -> Camera:
        """Return the same camera for an image ``k`` times the size."""
        return Camera(
            self.f_px * k,
            self.cx * k,
            self.cy * k,
            self.position,
            max(1, round(self.width * k)),
            max(1, round(self.height * k)),
            self.rotation,
        )


def rotation_matrix(yaw_deg: float, pitch_deg: float, roll_deg: float) -> FloatArray:
    """Return the world-to-camera rotation of a camera turned by yaw, pitch and roll.

    ``yaw`` turns the camera about the vertical (positive: it looks toward ``-X``, i.e. it
    stands on the ``+X`` side), ``pitch`` tilts it up (negative: looking down) and ``roll``
    turns it about its axis (positive: the horizon rises on the right of the picture).
    """
    cy, sy = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    cp, sp = math.cos(math.radians(pitch_deg)), math.sin(math.radians(pitch_deg))
    cr, sr = math.cos(math.radians(roll_deg)), math.sin(math.radians(roll_deg))
    ry = np.array([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
    rx = np.array([[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]])
    rz = np.array([[cr, sr, 0.0], [-sr, cr, 0.0], [0.0, 0.0, 1.0]])
    cam_to_world = ry @ rx @ rz
    out: FloatArray = cam_to_world.T
    return out


def frame_camera(
    points: FloatArray, width: int, height: int, camera_height_m: float, margin: float = 0.14
) -> Camera:
    """Return a camera that frames the world ``points`` (M, 3) with a margin on each side."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    span_x = (hi[0] - lo[0]) * (1.0 + 2.0 * margin)
    span_y = (hi[1] - lo[1]) * (1.0 + 2.0 * margin)
    f_px = min(width / span_x, height / span_y) * CAMERA_DISTANCE_M
    mid_x, mid_y = 0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1])
    cy = height / 2.0 + f_px * (mid_y - camera_height_m) / CAMERA_DISTANCE_M
    return Camera(f_px, width / 2.0, cy, (mid_x, camera_height_m, CAMERA_DISTANCE_M), width, height)


def _head_frame(body: Body2D, place: Placement) -> tuple[FloatArray, ...]:
    sup2 = body.dirs["head"]
    centre = place.world(body.points["head"])
    sup = place.direction(sup2)
    ant = place.direction(anterior(sup2, body.mirrored))
    right = np.array([0.0, 0.0, place.right_z])
    return centre, sup, ant, right


def face_points(body: Body2D, place: Placement) -> dict[str, FloatArray]:
    """Return world positions of the face landmarks and features (eyes, ears, nose, mouth)."""
    c, sup, ant, right = _head_frame(body, place)
    r = body.shape.head_radius_m
    pts = {"nose": c + (r + 0.022) * ant - 0.12 * r * sup, "head_centre": c}
    for name, sgn in (("left", -1.0), ("right", 1.0)):
        lat = sgn * right
        pts[f"{name}_eye"] = c + 0.86 * r * ant + 0.22 * r * sup + 0.36 * r * lat
        pts[f"{name}_eye_inner"] = c + 0.93 * r * ant + 0.22 * r * sup + 0.2 * r * lat
        pts[f"{name}_eye_outer"] = c + 0.72 * r * ant + 0.22 * r * sup + 0.6 * r * lat
        pts[f"{name}_ear"] = c - 0.12 * r * ant + 0.02 * r * sup + 1.0 * r * lat
        pts[f"{name}_mouth"] = c + 0.88 * r * ant - 0.5 * r * sup + 0.25 * r * lat
    return pts


_FACE_ORDER = (
    (Landmark.NOSE, "nose"),
    (Landmark.LEFT_EYE_INNER, "left_eye_inner"),
    (Landmark.LEFT_EYE, "left_eye"),
    (Landmark.LEFT_EYE_OUTER, "left_eye_outer"),
    (Landmark.RIGHT_EYE_INNER, "right_eye_inner"),
    (Landmark.RIGHT_EYE, "right_eye"),
    (Landmark.RIGHT_EYE_OUTER, "right_eye_outer"),
    (Landmark.LEFT_EAR, "left_ear"),
    (Landmark.RIGHT_EAR, "right_ear"),
    (Landmark.MOUTH_LEFT, "left_mouth"),
    (Landmark.MOUTH_RIGHT, "right_mouth"),
)


def hand_points(
    body: Body2D, place: Placement, side: str, wrist: FloatArray
) -> dict[str, FloatArray]:
    """Return world positions of a hand's pinky, index and thumb landmarks."""
    hand = place.direction(body.dirs[f"{side}_hand"])
    thumb_dir = place.direction(anterior(body.dirs[f"{side}_hand"], body.mirrored))
    k = body.shape.hand_m / HAND_M
    return {
        "pinky": wrist + 0.10 * k * hand - 0.02 * k * thumb_dir,
        "index": wrist + 0.12 * k * hand + 0.015 * k * thumb_dir,
        "thumb": wrist + 0.06 * k * hand + 0.035 * k * thumb_dir,
    }


def world_joints(
    body: Body2D, place: Placement, elbow_lat_m: float, wrist_lat_m: float
) -> dict[str, FloatArray]:
    """Return world positions of every named joint (``left_knee`` ..., person's own sides)."""
    pts, shape = body.points, body.shape
    w = shape.breadth
    out: dict[str, FloatArray] = {}
    for name, side, sgn in (("left", "l", -1.0), ("right", "r", 1.0)):
        out[f"{name}_shoulder"] = place.world(pts["shoulder"], sgn * SHOULDER_HALF_M * w)
        out[f"{name}_elbow"] = place.world(pts[f"{side}_elbow"], sgn * elbow_lat_m)
        out[f"{name}_wrist"] = place.world(pts[f"{side}_wrist"], sgn * wrist_lat_m)
        out[f"{name}_hip"] = place.world(pts["hip"], sgn * HIP_HALF_M * w)
        out[f"{name}_knee"] = place.world(pts[f"{side}_knee"], sgn * KNEE_HALF_M * w)
        out[f"{name}_ankle"] = place.world(pts[f"{side}_ankle"], sgn * KNEE_HALF_M * w)
        ankle, foot = pts[f"{side}_ankle"], body.dirs[f"{side}_foot"]
        heel = foot_point(ankle, foot, body.mirrored, shape.foot_geometry(HEEL_LANDMARK))
        toe = foot_point(ankle, foot, body.mirrored, shape.foot_geometry(TOE_LANDMARK))
        out[f"{name}_heel"] = place.world(heel, sgn * KNEE_HALF_M * w)
        out[f"{name}_foot_index"] = place.world(toe, sgn * KNEE_HALF_M * w)
        for key, val in hand_points(body, place, side, out[f"{name}_wrist"]).items():
            out[f"{name}_{key}"] = val
    out.update(face_points(body, place))
    return out


def landmark_world(joints: dict[str, FloatArray]) -> FloatArray:
    """Return the ``(33, 3)`` world positions in BlazePose order."""
    arr = np.empty((N_LANDMARKS, 3))
    for lm, key in _FACE_ORDER:
        arr[lm] = joints[key]
    for lm in Landmark:
        if lm > Landmark.MOUTH_RIGHT:
            arr[lm] = joints[lm.name.lower()]
    return arr


def project_landmarks(world: FloatArray, cam: Camera) -> FloatArray:
    """Return ``(33, 4)`` BlazePose-style landmarks: x, y normalised, z like x, visibility.

    ``z`` is the depth relative to the mid-hip, scaled like ``x`` (negative = nearer the
    camera).  Landmarks outside the image get NaN coordinates and visibility 0.
    """
    u, v, depth = cam.project(world)
    hip_depth = 0.5 * (depth[Landmark.LEFT_HIP] + depth[Landmark.RIGHT_HIP])
    out = np.empty((world.shape[0], 4))
    out[:, 0] = u / cam.width
    out[:, 1] = v / cam.height
    out[:, 2] = (depth - hip_depth) * cam.f_px / hip_depth / cam.width
    out[:, 3] = 1.0
    outside = (out[:, 0] < 0) | (out[:, 0] > 1) | (out[:, 1] < 0) | (out[:, 1] > 1)
    out[outside, :3] = np.nan
    out[outside, 3] = 0.0
    return out
