"""Placing a real-looking camera: a centred principal point, turned and tilted to frame.

Given the points that must stay in view, :func:`aim_camera` finds the distance at which the
person fills the requested share of the frame's limiting side, puts the camera at the
requested height and azimuth (yaw off side-on), and turns and tilts it so that the person
lands at the requested place in the free space; roll turns the picture about its centre.
A framing that would need the camera more than :data:`MAX_DISTANCE_M` away takes a wider
lens instead.  The tilt follows from the aiming (a camera above a person on the floor looks
down), and the allowed height shrinks at short distances so that the tilt stays within
about :data:`MAX_TILT_DEG`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spinecoach.synth.body import FloatArray
from spinecoach.synth.scene3d import Camera, rotation_matrix

MAX_TILT_DEG = 14.0
MAX_DISTANCE_M = 5.0
MAX_FOV_DEG = 90.0
MARGIN = 0.03
FLOOR_HEIGHTS_M = (0.04, 1.0)
SQUAT_HEIGHTS_M = (0.6, 1.3)


@dataclass(frozen=True)
class Framing:
    """What the camera is asked to do (fractions as in :class:`CameraSpec`)."""

    width: int
    height: int
    fov_deg: float
    fill: float
    offset_x: float
    offset_y: float
    height_frac: float
    yaw_deg: float
    roll_deg: float
    standing: bool


@dataclass(frozen=True)
class Aimed:
    """A resolved camera and how it came out."""

    camera: Camera
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    distance_m: float
    height_m: float
    fill: float
    box: tuple[float, float, float, float]

    def describe(self) -> dict[str, float | list[float]]:
        """The camera as JSON-ready numbers (for the truth)."""
        half = 0.5 * max(self.camera.width, self.camera.height)
        return {
            "position_m": [round(float(x), 4) for x in self.camera.position],
            "yaw_deg": round(self.yaw_deg, 3),
            "pitch_deg": round(self.pitch_deg, 3),
            "roll_deg": round(self.roll_deg, 3),
            "f_px": round(self.camera.f_px, 3),
            "fov_deg": round(math.degrees(2 * math.atan(half / self.camera.f_px)), 3),
            "distance_m": round(self.distance_m, 4),
            "height_m": round(self.height_m, 4),
            "fill": round(self.fill, 4),
            "person_box_px": [round(float(x), 1) for x in self.box],
        }


def focal_px(width: int, height: int, fov_deg: float) -> float:
    """Focal length in pixels for a field of view across the long side."""
    return 0.5 * max(width, height) / math.tan(math.radians(fov_deg) / 2.0)


def _height_range(standing: bool, centre_y: float, dist: float) -> tuple[float, float]:
    lo, hi = SQUAT_HEIGHTS_M if standing else FLOOR_HEIGHTS_M
    reach = math.tan(math.radians(MAX_TILT_DEG - 2.0)) * dist
    hi = min(hi, centre_y + reach)
    lo = max(lo, centre_y - reach) if standing else lo
    return lo, max(lo, hi)


def _box(cam: Camera, pts: FloatArray) -> tuple[float, float, float, float]:
    u, v, _ = cam.project(pts)
    return float(u.min()), float(v.min()), float(u.max()), float(v.max())


def _camera(fr: Framing, f: float, pos: FloatArray, yaw: float, pitch: float) -> Camera:
    rot = rotation_matrix(yaw, pitch, fr.roll_deg)
    rows = tuple((float(r[0]), float(r[1]), float(r[2])) for r in rot)
    position = (float(pos[0]), float(pos[1]), float(pos[2]))
    return Camera(f, fr.width / 2.0, fr.height / 2.0, position, fr.width, fr.height, rows)


def aim_camera(points: FloatArray, fr: Framing, offset_scale: float = 1.0) -> Aimed:
    """Return the camera that frames ``points`` (M, 3) as ``fr`` asks."""
    f = focal_px(fr.width, fr.height, fr.fov_deg)
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = 0.5 * (lo + hi)
    ext_x, ext_y = float(hi[0] - lo[0]), float(hi[1] - lo[1])
    dist = f * max(ext_x / fr.width, ext_y / fr.height) / fr.fill
    if dist > MAX_DISTANCE_M:
        # A room is not that deep: a wider lens (phones have them) frames from nearer.
        f = max(f * MAX_DISTANCE_M / dist, focal_px(fr.width, fr.height, MAX_FOV_DEG))
        dist = f * max(ext_x / fr.width, ext_y / fr.height) / fr.fill
    d_yaw = d_pitch = 0.0
    yaw_rad = math.radians(fr.yaw_deg)
    for _ in range(8):
        h_lo, h_hi = _height_range(fr.standing, float(centre[1]), dist)
        cam_h = h_lo + fr.height_frac * (h_hi - h_lo)
        pos = np.array(
            [centre[0] + dist * math.sin(yaw_rad), cam_h, centre[2] + dist * math.cos(yaw_rad)]
        )
        aim_pitch = math.degrees(math.atan2(float(centre[1]) - cam_h, dist))
        cam = _camera(fr, f, pos, fr.yaw_deg + d_yaw, aim_pitch + d_pitch)
        u0, v0, u1, v1 = _box(cam, points)
        fill = max((u1 - u0) / fr.width, (v1 - v0) / fr.height)
        free_u = max(fr.width * (1.0 - 2 * MARGIN) - (u1 - u0), 0.0)
        free_v = max(fr.height * (1.0 - 2 * MARGIN) - (v1 - v0), 0.0)
        want_u = fr.width / 2.0 + fr.offset_x * offset_scale * free_u / 2.0
        want_v = fr.height / 2.0 + fr.offset_y * offset_scale * free_v / 2.0
        err_u, err_v = 0.5 * (u0 + u1) - want_u, 0.5 * (v0 + v1) - want_v
        # Turning the camera toward -X (more yaw) moves the picture's content to the right;
        # tilting it up moves the content down.
        d_yaw -= math.degrees(math.atan(err_u / f))
        d_pitch -= math.degrees(math.atan(err_v / f))
        dist *= fill / fr.fill
    h_lo, h_hi = _height_range(fr.standing, float(centre[1]), dist)
    cam_h = h_lo + fr.height_frac * (h_hi - h_lo)
    pos = np.array(
        [centre[0] + dist * math.sin(yaw_rad), cam_h, centre[2] + dist * math.cos(yaw_rad)]
    )
    pitch = math.degrees(math.atan2(float(centre[1]) - cam_h, dist)) + d_pitch
    cam = _camera(fr, f, pos, fr.yaw_deg + d_yaw, pitch)
    box = _box(cam, points)
    fill = max((box[2] - box[0]) / fr.width, (box[3] - box[1]) / fr.height)
    return Aimed(cam, fr.yaw_deg + d_yaw, pitch, fr.roll_deg, dist, cam_h, fill, box)


def fits(aimed: Aimed, margin: float = 0.01) -> bool:
    """Whether the framed points are inside the picture with a margin."""
    cam, (u0, v0, u1, v1) = aimed.camera, aimed.box
    mu, mv = margin * cam.width, margin * cam.height
    return u0 >= mu and v0 >= mv and u1 <= cam.width - mu and v1 <= cam.height - mv


def frame_person(points: FloatArray, fr: Framing) -> Aimed:
    """Aim, then back off (less offset, then less fill) until the person is in the picture."""
    aimed = aim_camera(points, fr)
    scale = 1.0
    fill = fr.fill
    for _ in range(12):
        if fits(aimed) and abs(aimed.pitch_deg) <= MAX_TILT_DEG + 1.0:
            break
        if scale > 0.3:
            scale *= 0.7
        else:
            fill *= 0.93
        aimed = aim_camera(
            points,
            Framing(
                fr.width,
                fr.height,
                fr.fov_deg,
                fill,
                fr.offset_x,
                fr.offset_y,
                fr.height_frac,
                fr.yaw_deg,
                fr.roll_deg,
                fr.standing,
            ),
            scale,
        )
    return aimed


def zoomed(cam: Camera, factor: float) -> Camera:
    """The camera of a digital zoom by ``factor`` about the picture's centre."""
    return Camera(
        cam.f_px * factor, cam.cx, cam.cy, cam.position, cam.width, cam.height, cam.rotation
    )


def max_zoom(cam: Camera, points: FloatArray, margin: float = 0.02) -> float:
    """The largest digital zoom that keeps ``points`` inside the picture."""
    u, v, _ = cam.project(points)
    half_w, half_h = cam.width * (0.5 - margin), cam.height * (0.5 - margin)
    du = float(np.abs(u - cam.cx).max())
    dv = float(np.abs(v - cam.cy).max())
    return min(half_w / max(du, 1e-6), half_h / max(dv, 1e-6))
