"""A randomised room, ray-cast once per camera: walls, floor, mat, furniture, wall items.

The room is ray-cast at the pixel centres of a (possibly turned and tilted) camera and returns
the colour and the depth along the camera's axis of every pixel; the depth starts the frame's
z-buffer, so a passer-by is hidden behind the side wall and the floor clips what sinks into it.
Boxes (furniture, an occluding object) are ray-cast only inside their projected bounding box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spinecoach.synth.randomise.spec import LightSpec, RoomSpec, WallItemSpec
from spinecoach.synth.raster import F32, Canvas
from spinecoach.synth.scene3d import Camera

Color = tuple[float, float, float]
Bool = NDArray[np.bool_]
CEILING_M = 2.5
SKIRTING_M = 0.08
DOOR_TOP_M = 2.0
FLOOR, CEILING, BACK, SIDE = 0, 1, 2, 3


@dataclass(frozen=True)
class WorldBox:
    """An axis-aligned box in world metres with its colour; ``face_tint`` shades faces."""

    lo: tuple[float, float, float]
    hi: tuple[float, float, float]
    color: Color
    kind: str = "box"


@dataclass(frozen=True)
class RoomGeometry:
    """The room placed in world coordinates around one clip's person."""

    back_z: float
    side_x: float | None
    door_z: tuple[float, float] | None
    mat: tuple[float, float, float, float] | None
    boxes: tuple[WorldBox, ...]
    spheres: tuple[tuple[tuple[float, float, float], float, Color], ...]
    items: tuple[WallItemSpec, ...]
    light_x: float


def _hash(a: F32, b: F32, seed: float) -> F32:
    """A cheap pseudo-random value in 0..1 per integer cell ``(a, b)``."""
    x = np.sin(a * np.float32(12.9898) + b * np.float32(78.233) + np.float32(seed))
    out: F32 = (x * np.float32(43758.5453)) % np.float32(1.0)
    return out


def _mix(a: Color, b: Color, w: F32) -> F32:
    ca, cb = np.asarray(a, np.float32), np.asarray(b, np.float32)
    out: F32 = ca + w[..., None] * (cb - ca)
    return out


def _floor_rgb(room: RoomSpec, hx: F32, hz: F32) -> F32:
    c1, c2, s = room.floor_color, room.floor_color2, np.float32(room.floor_scale_m)
    if room.floor in ("wood", "laminate"):
        row = np.floor(hz / s)
        board = np.floor(hx / np.float32(1.2) + _hash(row, row, 3.0))
        tone = _hash(row, board, 1.0)
        rgb = _mix(c1, c2, tone)
        amp = np.float32(0.06 if room.floor == "wood" else 0.025)
        grain = amp * np.sin(hx * np.float32(9.0) + row * np.float32(2.3) + tone * 6.0)
        seam = (np.abs(hz / s - np.round(hz / s)) < 0.03) | (
            np.abs(
                hx / np.float32(1.2)
                + _hash(row, row, 3.0)
                - np.round(hx / np.float32(1.2) + _hash(row, row, 3.0))
            )
            < 0.004
        )
        shade = 1.0 + grain - np.float32(0.22) * seam
    elif room.floor == "tiles":
        i, j = np.floor(hx / s), np.floor(hz / s)
        rgb = _mix(c1, c1, np.zeros_like(hx)) * (1.0 + 0.04 * (_hash(i, j, 2.0) - 0.5))[..., None]
        gx = np.abs(hx / s - np.round(hx / s)) * s
        gz = np.abs(hz / s - np.round(hz / s)) * s
        grout = (np.minimum(gx, gz) < 0.004)[..., None]
        rgb = np.where(grout, np.asarray(c2, np.float32), rgb)
        shade = np.ones_like(hx)
    elif room.floor == "carpet":
        fine = _hash(np.floor(hx / 0.012), np.floor(hz / 0.012), 5.0)
        mottle = 0.5 + 0.25 * np.sin(hx * 2.1 + 0.3) * np.sin(hz * 2.7 + 1.1)
        rgb = _mix(c1, c2, mottle.astype(np.float32) * 0.5)
        shade = 1.0 + np.float32(0.07) * (fine - 0.5)
    else:
        mottle = 0.5 + 0.5 * np.sin(hx * 0.9 + 1.0) * np.sin(hz * 1.3)
        rgb = _mix(c1, c2, (0.3 * mottle).astype(np.float32))
        shade = np.ones_like(hx)
    out: F32 = rgb * shade[..., None]
    return out


def _wall_rgb(room: RoomSpec, along: F32, hy: F32, base: Color) -> F32:
    rgb = np.broadcast_to(np.asarray(base, np.float32), (*along.shape, 3)).copy()
    if room.wall_texture == "stripes":
        band = (np.floor(along / np.float32(0.16)) % 2).astype(np.float32)
        rgb *= (1.0 - 0.06 * band)[..., None]
    elif room.wall_texture == "paper":
        dots = np.sin(along * 60.0) * np.sin(hy * 60.0)
        rgb *= (1.0 - 0.03 * (dots > 0.6))[..., None]
    noise = np.float32(0.02) * np.sin(along * 7.0 + 1.3) * np.sin(hy * 5.0 + 0.4)
    rgb *= (1.0 + noise)[..., None]
    skirting = (hy < SKIRTING_M)[..., None]
    out: F32 = np.where(skirting, np.asarray(room.skirting, np.float32), rgb)
    return out


def _wall_items(rgb: F32, hx: F32, hy: F32, on_back: Bool, items: tuple[WallItemSpec, ...]) -> None:
    for it in items:
        dx, dy = np.abs(hx - it.x_m), np.abs(hy - it.y_m)
        inside = on_back & (dx < it.width_m / 2) & (dy < it.height_m / 2)
        if not inside.any():
            continue
        frame = inside & ((dx > it.width_m / 2 - 0.04) | (dy > it.height_m / 2 - 0.04))
        colour = np.asarray(it.color, np.float32)
        if it.kind == "window":
            sky = colour * (1.0 + 0.08 * (hy - it.y_m) / max(it.height_m, 0.1))[..., None]
            bars = inside & ((dx < 0.02) | (dy < 0.02))
            rgb[inside] = np.clip(sky[inside], 0.0, 1.0)
            rgb[bars | frame] = (0.92, 0.92, 0.9)
        elif it.kind == "door":
            rgb[inside] = colour
            panel = inside & (dx < it.width_m / 2 - 0.12) & (np.abs(dy - 0.45) < 0.4)
            rgb[panel] = colour * 0.9
            handle = (np.abs(hx - it.x_m - 0.3 * it.width_m) < 0.03) & (np.abs(hy - 1.0) < 0.02)
            rgb[handle & inside] = (0.75, 0.72, 0.6)
            rgb[frame] = colour * 0.8
        else:
            stripes = np.sin((hx - it.x_m) * 25.0 + (hy - it.y_m) * 9.0) > 0.3
            rgb[inside] = colour
            rgb[inside & stripes] = colour * 0.7
            rgb[frame] = (0.2, 0.17, 0.14) if sum(it.color) > 1.2 else (0.85, 0.82, 0.75)


def _planes(cam: Camera, d: F32, geo: RoomGeometry) -> tuple[F32, NDArray[np.int8]]:
    px, py, pz = (np.float32(c) for c in cam.position)
    dx, dy, dz = d[..., 0], d[..., 1], d[..., 2]
    inf = np.float32(np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.stack(
            [
                np.where(dy < 0, -py / dy, inf),
                np.where(dy > 0, (np.float32(CEILING_M) - py) / dy, inf),
                np.where(dz < 0, (np.float32(geo.back_z) - pz) / dz, inf),
                np.full_like(dx, inf),
            ]
        )
        if geo.side_x is not None:
            ts = (np.float32(geo.side_x) - px) / dx
            hy, hz = py + ts * dy, pz + ts * dz
            ok = (ts > 0) & (hz > geo.back_z) & (hy >= 0) & (hy <= CEILING_M)
            t[SIDE] = np.where(ok, ts, inf)
    t = np.where(t > 0, t, inf)
    kind = np.argmin(t, axis=0).astype(np.int8)
    out: F32 = np.take_along_axis(t, kind[None].astype(np.intp), axis=0)[0]
    return out, kind


def _shade_room(
    rgb: F32, kind: NDArray[np.int8], hx: F32, t: F32, geo: RoomGeometry, light: LightSpec
) -> None:
    surface = np.asarray([1.0, 0.97, 0.92, 0.84], np.float32)[kind]
    side = math.sin(math.radians(light.azimuth_deg))
    across = np.clip(0.5 - 0.5 * side * (hx - geo.light_x) / 2.5, 0.0, 1.0)
    falloff = 1.0 - np.float32(light.falloff) * across
    distance = 1.0 / (1.0 + 0.025 * t)
    level = light.intensity * (light.ambient + 0.65 * (1.0 - light.ambient)) / 0.72
    rgb *= (surface * falloff * distance * np.float32(level * 1.03))[..., None]


def _window(cam: Camera, lo: tuple[float, ...], hi: tuple[float, ...]) -> tuple[int, ...] | None:
    corners = np.array(
        [[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])]
    )
    u, v, depth = cam.project(corners)
    if depth.min() <= 0.05:
        return 0, cam.width, 0, cam.height
    x0, x1 = max(int(u.min()) - 1, 0), min(int(u.max()) + 2, cam.width)
    y0, y1 = max(int(v.min()) - 1, 0), min(int(v.max()) + 2, cam.height)
    if x0 >= x1 or y0 >= y1:
        return None
    return x0, x1, y0, y1


def _rays(cam: Camera, win: tuple[int, ...]) -> F32:
    x0, x1, y0, y1 = win
    uu, vv = np.meshgrid(
        np.arange(x0, x1, dtype=np.float32) + 0.5, np.arange(y0, y1, dtype=np.float32) + 0.5
    )
    dirs = np.stack(
        [(uu - cam.cx) / cam.f_px, -(vv - cam.cy) / cam.f_px, -np.ones_like(uu)], axis=-1
    )
    if cam.rotation is not None:
        dirs = dirs @ np.asarray(cam.rotation, np.float32)
    out: F32 = dirs.astype(np.float32)
    return out


def box_hits(cam: Camera, box: WorldBox, d: F32) -> tuple[F32, NDArray[np.intp], F32]:
    """Ray-box hits of directions ``d``: entry distance (inf if missed), face axis, sign."""
    origin = np.asarray(cam.position, np.float32)
    lo, hi = np.asarray(box.lo, np.float32), np.asarray(box.hi, np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = (lo - origin) / d
        t2 = (hi - origin) / d
    near, far = np.minimum(t1, t2), np.maximum(t1, t2)
    near = np.nan_to_num(near, nan=-np.inf)
    far = np.nan_to_num(far, nan=np.inf)
    t_in, t_out = near.max(axis=-1), far.min(axis=-1)
    axis = near.argmax(axis=-1)
    hit = (t_out >= t_in) & (t_in > 0.05)
    sign = -np.sign(np.take_along_axis(d, axis[..., None], axis=-1)[..., 0])
    return np.where(hit, t_in, np.float32(np.inf)).astype(np.float32), axis, sign


FACE_SHADE = {
    (0, 1.0): 0.8,
    (0, -1.0): 0.72,
    (1, 1.0): 1.0,
    (1, -1.0): 0.5,
    (2, 1.0): 0.9,
    (2, -1.0): 0.6,
}


def _box_colour(box: WorldBox, axis: NDArray[np.intp], sign: F32, hit_y: F32) -> F32:
    shade = np.full(axis.shape, 0.9, np.float32)
    for (ax, sg), k in FACE_SHADE.items():
        shade[(axis == ax) & (sign == sg)] = k
    if box.kind == "shelf":
        with np.errstate(invalid="ignore"):
            boards = np.abs((hit_y % 0.35) - 0.02) < 0.02
        shade *= np.where(boards, 0.7, 1.0).astype(np.float32)
    out: F32 = np.asarray(box.color, np.float32) * shade[..., None]
    return out


def draw_box(canvas: Canvas, cam: Camera, box: WorldBox, level: float) -> None:
    """Ray-cast a box into ``canvas`` (z-buffered), only inside its projected window."""
    win = _window(cam, box.lo, box.hi)
    if win is None:
        return
    x0, x1, y0, y1 = win
    d = _rays(cam, win)
    t, axis, sign = box_hits(cam, box, d)
    zbuf = canvas.depth[y0:y1, x0:x1]
    win_px = t < zbuf
    if not win_px.any():
        return
    hit_y = np.float32(cam.position[1]) + t * d[..., 1]
    colour = _box_colour(box, axis, sign, hit_y) * np.float32(level)
    rgb = canvas.rgb[y0:y1, x0:x1]
    rgb[win_px] = colour[win_px]
    zbuf[win_px] = t[win_px]


def _draw_sphere(
    canvas: Canvas, cam: Camera, c: tuple[float, ...], r: float, colour: Color, level: float
) -> None:
    win = _window(cam, tuple(x - r for x in c), tuple(x + r for x in c))
    if win is None:
        return
    x0, x1, y0, y1 = win
    d = _rays(cam, win)
    oc = np.asarray(cam.position, np.float32) - np.asarray(c, np.float32)
    a = (d * d).sum(-1)
    b = (d * oc).sum(-1)
    disc = b * b - a * (float(oc @ oc) - r * r)
    with np.errstate(invalid="ignore"):
        t = np.where(disc >= 0, (-b - np.sqrt(disc)) / a, np.inf).astype(np.float32)
    zbuf = canvas.depth[y0:y1, x0:x1]
    hit = (t > 0.05) & (t < zbuf)
    if not hit.any():
        return
    hit_y = np.float32(cam.position[1]) + t * d[..., 1]
    shade = 0.7 + 0.3 * np.clip((hit_y - (c[1] - r)) / (2 * r), 0, 1)
    rgb = canvas.rgb[y0:y1, x0:x1]
    rgb[hit] = (np.asarray(colour, np.float32) * shade[..., None] * np.float32(level))[hit]
    zbuf[hit] = t[hit]


def render_room(cam: Camera, room: RoomSpec, geo: RoomGeometry, light: LightSpec) -> Canvas:
    """Return the empty room seen by ``cam``: colour, depth, and no person yet."""
    d = _rays(cam, (0, cam.width, 0, cam.height))
    t, kind = _planes(cam, d, geo)
    origin = np.asarray(cam.position, np.float32)
    t_safe: F32 = np.where(np.isfinite(t), t, np.float32(50.0)).astype(np.float32)
    hit: F32 = (origin + t_safe[..., None] * d).astype(np.float32)
    hx, hy, hz = hit[..., 0], hit[..., 1], hit[..., 2]
    rgb = np.empty((cam.height, cam.width, 3), np.float32)
    floor = kind == FLOOR
    rgb[floor] = _floor_rgb(room, hx[floor], hz[floor])
    if geo.mat is not None:
        x0, x1, z0, z1 = geo.mat
        on_mat = floor & (hx > x0) & (hx < x1) & (hz > z0) & (hz < z1)
        edge = on_mat & (
            (hx - x0 < 0.015) | (x1 - hx < 0.015) | (hz - z0 < 0.015) | (z1 - hz < 0.015)
        )
        tex = 1.0 + 0.03 * np.sin(hz[on_mat] * 180.0)
        rgb[on_mat] = np.asarray(room.mat_color, np.float32) * tex[..., None]
        rgb[edge] *= 0.85
    back = kind == BACK
    rgb[back] = _wall_rgb(room, hx[back], hy[back], room.wall)
    _wall_items(rgb, hx, hy, back, geo.items)
    side = kind == SIDE
    rgb[side] = _wall_rgb(room, hz[side], hy[side], room.side_wall_color)
    depth = t.copy()
    if geo.door_z is not None:
        door = side & (hz > geo.door_z[0]) & (hz < geo.door_z[1]) & (hy < DOOR_TOP_M)
        rgb[door] = np.asarray(room.side_wall_color, np.float32) * 0.18
        depth[door] = t[door] + 4.0
    ceiling = kind == CEILING
    rgb[ceiling] = np.minimum(np.asarray(room.wall, np.float32) * 1.08 + 0.05, 1.0)
    _shade_room(rgb, kind, hx, t_safe, geo, light)
    canvas = Canvas(rgb, depth.astype(np.float32), np.zeros(t.shape, np.float32))
    level = light.intensity * (light.ambient + 0.65 * (1.0 - light.ambient)) / 0.72
    for box in geo.boxes:
        draw_box(canvas, cam, box, level)
    for centre, radius, colour in geo.spheres:
        _draw_sphere(canvas, cam, centre, radius, colour, level)
    return canvas
