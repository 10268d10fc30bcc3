"""A small z-buffered rasteriser of shaded, tapered capsules (numpy only).

A :class:`Capsule` is a cone frustum between two spheres (a sphere when both ends coincide).
Each is drawn only inside its projected bounding box: for every pixel the nearest point of the
projected axis is found, the local radius interpolated, and the visible surface depth and
normal reconstructed as for a cylinder seen side-on (exact for spheres and for segments
parallel to the image, a close approximation otherwise).  Shading is Lambert with ambient
light and a soft one-pixel anti-aliased edge; depth is in metres from the camera.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spinecoach.synth.body import FloatArray
from spinecoach.synth.scene3d import Camera

F32 = NDArray[np.float32]
LIGHT_DIR = np.array([0.25, -0.75, 0.62]) / np.linalg.norm([0.25, -0.75, 0.62])
AMBIENT = 0.38


@dataclass(frozen=True)
class Capsule:
    """A tapered capsule from ``a`` (radius ``ra``) to ``b`` (radius ``rb``), world metres."""

    a: FloatArray
    b: FloatArray
    ra: float
    rb: float
    color: tuple[float, float, float]
    person: bool = True


def sphere(
    c: FloatArray, r: float, color: tuple[float, float, float], person: bool = True
) -> Capsule:
    """Return a sphere as a degenerate capsule."""
    return Capsule(c, c, r, r, color, person)


@dataclass
class Canvas:
    """Colour (H, W, 3) float32 in 0..1, depth (H, W) and person coverage (H, W)."""

    rgb: F32
    depth: F32
    person: F32

    @classmethod
    def blank(cls, background: F32) -> Canvas:
        """Start a frame from a background image."""
        h, w = background.shape[:2]
        return cls(
            background.copy(),
            np.full((h, w), np.inf, dtype=np.float32),
            np.zeros((h, w), dtype=np.float32),
        )


def _bbox(cam: Camera, ua: float, va: float, ub: float, vb: float, rpx: float) -> tuple[int, ...]:
    x0 = max(int(np.floor(min(ua, ub) - rpx - 1)), 0)
    x1 = min(int(np.ceil(max(ua, ub) + rpx + 1)), cam.width)
    y0 = max(int(np.floor(min(va, vb) - rpx - 1)), 0)
    y1 = min(int(np.ceil(max(va, vb) + rpx + 1)), cam.height)
    return x0, x1, y0, y1


def draw(canvas: Canvas, cam: Camera, cap: Capsule, shade: bool = True) -> None:
    """Draw one capsule into ``canvas`` (z-buffered)."""
    u, v, d = cam.project(np.stack([cap.a, cap.b]))
    if d.min() <= 0.05:
        return
    ra_px, rb_px = cap.ra * cam.f_px / d[0], cap.rb * cam.f_px / d[1]
    x0, x1, y0, y1 = _bbox(cam, u[0], v[0], u[1], v[1], max(ra_px, rb_px))
    if x0 >= x1 or y0 >= y1:
        return
    px = (np.arange(x0, x1, dtype=np.float32) + 0.5 - np.float32(u[0]))[None, :]
    py = (np.arange(y0, y1, dtype=np.float32) + 0.5 - np.float32(v[0]))[:, None]
    ex, ey = np.float32(u[1] - u[0]), np.float32(v[1] - v[0])
    len2 = ex * ex + ey * ey
    if len2 > 1e-6:
        t = np.clip((px * ex + py * ey) / len2, 0.0, 1.0)
    else:
        t = np.zeros((y1 - y0, x1 - x0), dtype=np.float32)
    dx, dy = px - t * ex, py - t * ey
    r_px = np.float32(ra_px) + t * np.float32(rb_px - ra_px)
    dist = np.sqrt(dx * dx + dy * dy)
    alpha = np.clip(r_px - dist + 0.5, 0.0, 1.0)
    nz = np.sqrt(np.clip(1.0 - (dist / r_px) ** 2, 0.0, 1.0))
    r_m = np.float32(cap.ra) + t * np.float32(cap.rb - cap.ra)
    depth = np.float32(d[0]) + t * np.float32(d[1] - d[0]) - nz * r_m
    zbuf = canvas.depth[y0:y1, x0:x1]
    win = (alpha > 0.0) & (depth < zbuf)
    if not win.any():
        return
    zbuf[win & (alpha >= 0.5)] = depth[win & (alpha >= 0.5)]
    if cap.person:
        cov = canvas.person[y0:y1, x0:x1]
        cov[win] = np.maximum(cov[win], alpha[win])
    if not shade:
        return
    lam = (dx * LIGHT_DIR[0] + dy * LIGHT_DIR[1]) / r_px + nz * LIGHT_DIR[2]
    light = AMBIENT + (1.0 - AMBIENT) * np.clip(lam, 0.0, 1.0)
    a = np.where(win, alpha, 0.0)[..., None]
    color = np.asarray(cap.color, dtype=np.float32)[None, None, :] * light[..., None]
    sub = canvas.rgb[y0:y1, x0:x1]
    sub += a * (color - sub)


def render_mask(caps: list[Capsule], cam: Camera) -> F32:
    """Return the person coverage (0..1) of ``caps`` seen by ``cam``, without shading."""
    canvas = Canvas.blank(np.zeros((cam.height, cam.width, 3), dtype=np.float32))
    for cap in caps:
        if cap.person:
            draw(canvas, cam, cap, shade=False)
    return canvas.person
