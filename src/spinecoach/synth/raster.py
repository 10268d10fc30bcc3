"""A small z-buffered rasteriser of shaded, tapered capsules (numpy only).

A :class:`Capsule` is a cone frustum between two spheres (a sphere when both ends coincide).
Each is drawn only inside its projected bounding box: for every pixel the nearest point of the
projected axis is found, the local radius interpolated, and the visible surface depth and
normal reconstructed as for a cylinder seen side-on (exact for spheres and for segments
parallel to the image, a close approximation otherwise).  Shading is Lambert with ambient
light and a soft one-pixel anti-aliased edge; depth is in metres from the camera.

The work is done on the box as dense float32 arrays (views into the canvas, updated through
masks) rather than on gathered pixel lists: dense arithmetic is several times cheaper than
numpy's fancy indexing, and rendering is the bottleneck of building a corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spinecoach.synth.body import FloatArray
from spinecoach.synth.scene3d import Camera

F32 = NDArray[np.float32]
Grid = NDArray[np.floating[Any]]  # float32 at run time; numpy's stubs widen it
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


@dataclass(frozen=True)
class Lighting:
    """A key light (unit direction in picture axes: x right, y down, z toward the camera),
    the ambient share and a gain on the result; the default is the fixed scenarios' light."""

    direction: tuple[float, float, float] = (
        float(LIGHT_DIR[0]),
        float(LIGHT_DIR[1]),
        float(LIGHT_DIR[2]),
    )
    ambient: float = AMBIENT
    gain: float = 1.0


DEFAULT_LIGHTING = Lighting()
SPARSE_SHARE = 0.3  # below this share of its box, a capsule is drawn on gathered pixels


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


def _bbox(
    cam: Camera, ua: float, va: float, ub: float, vb: float, rpx: float
) -> tuple[int, int, int, int]:
    x0 = max(int(np.floor(min(ua, ub) - rpx - 1)), 0)
    x1 = min(int(np.ceil(max(ua, ub) + rpx + 1)), cam.width)
    y0 = max(int(np.floor(min(va, vb) - rpx - 1)), 0)
    y1 = min(int(np.ceil(max(va, vb) + rpx + 1)), cam.height)
    return x0, x1, y0, y1


@dataclass(frozen=True)
class _Footprint:
    """The pixel box a capsule may cover, with per-pixel axis coordinates (all box-shaped).

    ``t`` is the position along the projected axis (0..1), ``dx``/``dy`` the offset from it,
    ``d2`` the squared distance, ``r_px`` the local radius and ``depth_m`` the two ends' depths.
    """

    box: tuple[int, int, int, int]
    t: Grid
    dx: Grid
    dy: Grid
    d2: Grid
    r_px: Grid
    depth_m: FloatArray


def _footprint(
    cam: Camera, cap: Capsule, u: FloatArray, v: FloatArray, d: FloatArray
) -> _Footprint | None:
    """The capsule's pixel box and per-pixel axis coordinates (ends already projected)."""
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
    return _Footprint(box, t, dx, dy, d2, r_px, d)


Projected = tuple[Capsule, FloatArray, FloatArray, FloatArray]


def _project_ends(cam: Camera, caps: list[Capsule]) -> list[Projected]:
    """Project every capsule's two ends in one call."""
    if not caps:
        return []
    ends = np.array([(c.a, c.b) for c in caps], dtype=float).reshape(-1, 3)
    u, v, d = cam.project(ends)
    return [
        (c, u[2 * k : 2 * k + 2], v[2 * k : 2 * k + 2], d[2 * k : 2 * k + 2])
        for k, c in enumerate(caps)
    ]


def _split(cam: Camera, item: Projected) -> list[Capsule] | None:
    """Split a long, slanted capsule so that the boxes hug it (same union); None if short."""
    cap, u, v, d = item
    r_px = max(cap.ra, cap.rb) * cam.f_px / float(d.min())
    span_u, span_v = abs(float(u[1] - u[0])), abs(float(v[1] - v[0]))
    n = int(min(span_u, span_v) // (3.0 * r_px)) + 1
    if n <= 1:
        return None
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


def _pieces(cam: Camera, caps: list[Capsule]) -> list[Projected]:
    """All pieces of ``caps`` in drawing order, each with its projected ends."""
    first = _project_ends(cam, caps)
    splits = [_split(cam, item) for item in first]
    extra = _project_ends(cam, [p for parts in splits if parts for p in parts])
    out: list[Projected] = []
    k = 0
    for item, parts in zip(first, splits, strict=True):
        if parts is None:
            out.append(item)
        else:
            out.extend(extra[k : k + len(parts)])
            k += len(parts)
    return out


def draw(
    canvas: Canvas,
    cam: Camera,
    cap: Capsule,
    shade: bool = True,
    lighting: Lighting = DEFAULT_LIGHTING,
) -> None:
    """Draw one capsule into ``canvas`` (z-buffered), touching only pixels it covers."""
    draw_many(canvas, cam, [cap], shade, lighting)


def draw_many(
    canvas: Canvas,
    cam: Camera,
    caps: list[Capsule],
    shade: bool = True,
    lighting: Lighting = DEFAULT_LIGHTING,
    coverage: bool = True,
) -> None:
    """Draw capsules in order (z-buffered); ``coverage=False`` skips the person coverage."""
    for cap, u, v, d in _pieces(cam, caps):
        _draw_piece(canvas, cam, cap, u, v, d, shade, lighting, coverage)


def _draw_piece(
    canvas: Canvas,
    cam: Camera,
    cap: Capsule,
    u: FloatArray,
    v: FloatArray,
    d: FloatArray,
    shade: bool,
    lighting: Lighting,
    coverage: bool,
) -> None:
    fp = _footprint(cam, cap, u, v, d)
    if fp is None:
        return
    x0, x1, y0, y1 = fp.box
    zbuf = canvas.depth[y0:y1, x0:x1]
    nearest = float(d.min()) - max(cap.ra, cap.rb)
    if float(zbuf.max()) < nearest:
        return  # everything in the box is already nearer than any point of the capsule
    # Pixels already nearer than the capsule's nearest point cannot change: leave them out.
    cand = (fp.d2 < (fp.r_px + 0.5) ** 2) & (zbuf >= nearest)
    n = int(np.count_nonzero(cand))
    if n == 0:
        return
    if n < SPARSE_SHARE * cand.size:
        _draw_sparse(canvas, fp, cap, cand, shade, lighting, coverage)
        return
    t, r_px = fp.t, fp.r_px
    dist = np.sqrt(fp.d2)
    alpha = np.minimum(r_px - dist + 0.5, 1.0)
    with np.errstate(invalid="ignore"):
        nz = np.sqrt(np.maximum(1.0 - (dist / r_px) ** 2, 0.0))
    r_m = np.float32(cap.ra) + t * np.float32(cap.rb - cap.ra)
    depth = np.float32(d[0]) + t * np.float32(d[1] - d[0]) - nz * r_m
    win = cand & (depth < zbuf)
    if not win.any():
        return
    np.copyto(zbuf, depth, where=win & (alpha >= 0.5))
    alpha = np.where(win, alpha, np.float32(0.0))
    if cap.person and coverage:
        person = canvas.person[y0:y1, x0:x1]
        np.maximum(person, alpha, out=person)
    if not shade:
        return
    light = _light(fp.dx, fp.dy, r_px, nz, lighting)
    color = np.asarray(cap.color, dtype=np.float32) * light[..., None]
    rgb = canvas.rgb[y0:y1, x0:x1]
    rgb += alpha[..., None] * (color - rgb)


def _light(dx: Grid, dy: Grid, r_px: Grid, nz: Grid, lighting: Lighting) -> Grid:
    lx, ly, lz = (np.float32(c) for c in lighting.direction)
    lam = (dx * lx + dy * ly) / r_px + nz * lz
    amb = lighting.ambient
    light: Grid = np.float32(amb) + np.float32(1.0 - amb) * np.clip(lam, 0.0, 1.0)
    if lighting.gain != 1.0:
        light *= np.float32(lighting.gain)
    return light


def _draw_sparse(
    canvas: Canvas,
    fp: _Footprint,
    cap: Capsule,
    cand: NDArray[np.bool_],
    shade: bool,
    lighting: Lighting,
    coverage: bool,
) -> None:
    """The same arithmetic as the dense path, on the few pixels that may change."""
    x0, x1, y0, y1 = fp.box
    iy, ix = np.nonzero(cand)
    t, r_px, d2, d = fp.t[iy, ix], fp.r_px[iy, ix], fp.d2[iy, ix], fp.depth_m
    dist = np.sqrt(d2)
    alpha = np.minimum(r_px - dist + 0.5, 1.0)
    with np.errstate(invalid="ignore"):
        nz = np.sqrt(np.maximum(1.0 - (dist / r_px) ** 2, 0.0))
    r_m = np.float32(cap.ra) + t * np.float32(cap.rb - cap.ra)
    depth = np.float32(d[0]) + t * np.float32(d[1] - d[0]) - nz * r_m
    zbuf = canvas.depth[y0:y1, x0:x1]
    win = depth < zbuf[iy, ix]
    if not win.any():
        return
    iy, ix, alpha, depth, nz, r_px = iy[win], ix[win], alpha[win], depth[win], nz[win], r_px[win]
    solid = alpha >= 0.5
    zbuf[iy[solid], ix[solid]] = depth[solid]
    if cap.person and coverage:
        person = canvas.person[y0:y1, x0:x1]
        person[iy, ix] = np.maximum(person[iy, ix], alpha)
    if not shade:
        return
    dx, dy = fp.dx[iy, ix], fp.dy[iy, ix]
    light = _light(dx, dy, r_px, nz, lighting)
    color = np.asarray(cap.color, dtype=np.float32) * light[:, None]
    rgb = canvas.rgb[y0:y1, x0:x1]
    old = rgb[iy, ix]
    rgb[iy, ix] = old + alpha[:, None] * (color - old)


def render_mask(caps: list[Capsule], cam: Camera) -> F32:
    """Return the person coverage (0..1) of ``caps`` seen by ``cam``, without shading."""
    canvas = Canvas.blank(np.zeros((cam.height, cam.width, 3), dtype=np.float32))
    draw_many(canvas, cam, [cap for cap in caps if cap.person], shade=False)
    return canvas.person
