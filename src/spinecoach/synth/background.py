"""The static room: a wooden floor, a painted back wall with a skirting board, an exercise mat
and (for the ball squat) the side wall the ball leans on.  Ray-cast once per clip."""

from __future__ import annotations

import numpy as np

from spinecoach.synth.raster import F32
from spinecoach.synth.scene3d import BACK_WALL_Z, Camera

WALL = np.array([0.84, 0.82, 0.76], dtype=np.float32)
SIDE_WALL = np.array([0.74, 0.73, 0.69], dtype=np.float32)
SKIRTING = np.array([0.93, 0.93, 0.91], dtype=np.float32)
WOOD = np.array([0.60, 0.45, 0.30], dtype=np.float32)
MAT = np.array([0.22, 0.48, 0.52], dtype=np.float32)
MAT_HALF_X = 1.05
MAT_HALF_Z = 0.35


def _value_noise(x: F32, y: F32, scale: float, seed: int) -> F32:
    """Cheap smooth pseudo-random texture of world coordinates."""
    k = np.float32(scale)
    a = np.sin(x * 12.9898 * k + y * 78.233 * k + seed) * 0.5
    b = np.sin(x * 3.1 * k - y * 5.7 * k + 1.7 * seed) * 0.5
    result: F32 = (a + b).astype(np.float32)
    return result


def render_background(cam: Camera, side_wall_x: float | None, mat: bool, seed: int) -> F32:
    """Return the room as seen by ``cam``: (H, W, 3) float32 in 0..1."""
    px, py, pz = cam.position
    uu, vv = np.meshgrid(
        np.arange(cam.width, dtype=np.float32) + 0.5, np.arange(cam.height, dtype=np.float32) + 0.5
    )
    dx = (uu - cam.cx) / cam.f_px
    dy = -(vv - cam.cy) / cam.f_px
    t_wall = np.float32(pz - BACK_WALL_Z)  # the ray direction has dz = -1
    with np.errstate(divide="ignore", invalid="ignore"):
        t_floor = np.where(dy < 0, -py / dy, np.inf).astype(np.float32)
        t_side = np.full_like(dx, np.inf)
        if side_wall_x is not None:
            t_side = np.where(dx * (side_wall_x - px) > 0, (side_wall_x - px) / dx, np.inf)
            t_side = np.where(py + t_side * dy >= 0, t_side, np.inf).astype(np.float32)
    t = np.minimum(np.minimum(t_floor, t_side), t_wall)
    hx, hy, hz = px + t * dx, py + t * dy, pz - t
    img = np.empty((cam.height, cam.width, 3), dtype=np.float32)
    wall_tex = 1.0 + 0.025 * _value_noise(hx, hy, 7.0, seed)
    wall = WALL * wall_tex[..., None]
    wall = np.where((hy < 0.10)[..., None], SKIRTING, wall)
    img[:] = wall * (0.93 + 0.07 * np.clip(hy / 2.0, 0, 1))[..., None]
    side = t_side <= np.minimum(t_floor, t_wall)
    img[side] = (SIDE_WALL * (1.0 + 0.02 * _value_noise(hz, hy, 5.0, seed))[..., None])[side]
    floor = t_floor <= np.minimum(t_side, t_wall)
    plank = np.floor(hz / 0.14)
    grain = 0.06 * np.sin(hx * 9.0 + plank * 2.3) + 0.05 * np.sin(plank * 12.7 + seed)
    seam = (np.abs(hz / 0.14 - np.round(hz / 0.14)) < 0.02).astype(np.float32)
    wood = WOOD * (1.0 + grain - 0.25 * seam)[..., None]
    if mat:
        on_mat = (np.abs(hx - px) < MAT_HALF_X) & (np.abs(hz) < MAT_HALF_Z)
        wood = np.where(on_mat[..., None], MAT * (1.0 + 0.02 * grain)[..., None], wood)
    fade = np.clip(1.0 - (pz - hz) / 14.0, 0.75, 1.0)
    img[floor] = (wood * fade[..., None])[floor]
    result: F32 = np.clip(img, 0.0, 1.0)
    return result
