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


def _axis_coords(
    cam: Camera, cap: Capsule
) -> tuple[NDArray[np.intp], F32, F32, F32, F32, F32, FloatArray] | None:
    """Pixels the capsule may cover (flat indices) with their ``t``, dx, dy, dist, r_px.

    The last item is the depth of the two ends.
    """
    u, v, d = cam.project(np.stack([cap.a, cap.b]))
    if d.min() <= 0.05:
        return None
    ra_px, rb_px = cap.ra * cam.f_px / d[0], cap.rb * cam.f_px / d[1]
    box = _bbox(cam, u[0], v[0], u[1], v[1], max(ra_px, rb_px))
    x0, x1, y0, y1 = box
    if x0 >= x1 or y0 >= y1:
        return None
    px = (np.arange(x0, x1, dtype=np.float32) + 0.5 - np.float32(u[0]))[None, :]
    py = (np.arange(y0, y1, dtype=np.float32) + 0.5 - np.float32(v[0]))[:, None]
    ex, ey = np.float32(u[1] - u[0]), np.float32(v[1] - v[0])
    len2 = ex * ex + ey * ey
    if len2 > 1e-6:
        t = np.minimum(np.maximum((px * ex + py * ey) / len2, 0.0), 1.0)
    else:
        t = np.zeros((y1 - y0, x1 - x0), dtype=np.float32)
    dx, dy = px - t * ex, py - t * ey
    d2 = dx * dx + dy * dy
    r_px = np.float32(ra_px) + t * np.float32(rb_px - ra_px)
    cand = d2 < (r_px + 0.5) ** 2
    t, dx, dy, r_px = t[cand], dx[cand], dy[cand], r_px[cand]
    dist = np.sqrt(d2[cand])
    k = np.flatnonzero(cand)
    flat = (k // (x1 - x0) + y0) * cam.width + k % (x1 - x0) + x0
    return flat, t, dx, dy, dist, r_px, d  # type: ignore[return-value]


def _pieces(cam: Camera, cap: Capsule) -> list[Capsule]:
    """Split a long, slanted capsule so that the bounding boxes hug it (same union)."""
    u, v, d = cam.project(np.stack([cap.a, cap.b]))
    r_px = max(cap.ra, cap.rb) * cam.f_px / float(d.min())
    span_u, span_v = abs(float(u[1] - u[0])), abs(float(v[1] - v[0]))
    n = int(min(span_u, span_v) // (3.0 * r_px)) + 1
    if n <= 1:
        return [cap]
    ws = np.linspace(0.0, 1.0, n + 1)
    return [
        Capsule(
            cap.a + w0 * (cap.b - cap.a),
            cap.a + w1 * (cap.b - cap.a),
            cap.ra + w0 * (cap.rb - cap.ra),
            cap.ra + w1 * (cap.rb - cap.ra),
            cap.color,
            cap.person,
        )
        for w0, w1 in zip(ws[:-1], ws[1:], strict=True)
    ]


def draw(canvas: Canvas, cam: Camera, cap: Capsule, shade: bool = True) -> None:
    """Draw one capsule into ``canvas`` (z-buffered), touching only pixels it covers."""
    for piece in _pieces(cam, cap):
        _draw_piece(canvas, cam, piece, shade)


def _draw_piece(canvas: Canvas, cam: Camera, cap: Capsule, shade: bool) -> None:
    coords = _axis_coords(cam, cap)
    if coords is None:
        return
    flat, t, dx, dy, dist, r_px, d = coords
    zbuf, rgb = canvas.depth.reshape(-1), canvas.rgb.reshape(-1, 3)
    alpha = np.minimum(r_px - dist + 0.5, 1.0)
    nz = np.sqrt(np.maximum(1.0 - (dist / r_px) ** 2, 0.0))
    r_m = np.float32(cap.ra) + t * np.float32(cap.rb - cap.ra)
    depth = np.float32(d[0]) + t * np.float32(d[1] - d[0]) - nz * r_m
    win = depth < zbuf[flat]
    if not win.any():
        return
    flat, alpha, depth = flat[win], alpha[win], depth[win]
    solid = alpha >= 0.5
    zbuf[flat[solid]] = depth[solid]
    if cap.person:
        person = canvas.person.reshape(-1)
        person[flat] = np.maximum(person[flat], alpha)
    if not shade:
        return
    lam = (dx[win] * LIGHT_DIR[0] + dy[win] * LIGHT_DIR[1]) / r_px[win] + nz[win] * LIGHT_DIR[2]
    light = AMBIENT + (1.0 - AMBIENT) * np.minimum(np.maximum(lam, 0.0), 1.0)
    color = np.asarray(cap.color, dtype=np.float32)[None, :] * light[:, None]
    old = rgb[flat]
    rgb[flat] = old + alpha[:, None] * (color - old)


def render_mask(caps: list[Capsule], cam: Camera) -> F32:
    """Return the person coverage (0..1) of ``caps`` seen by ``cam``, without shading."""
    canvas = Canvas.blank(np.zeros((cam.height, cam.width, 3), dtype=np.float32))
    for cap in caps:
        if cap.person:
            draw(canvas, cam, cap, shade=False)
    return canvas.person
