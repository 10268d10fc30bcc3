"""Placing the room around one clip's person: walls, mat, furniture, wall items, a doorway.

Positions in the spec are relative to the person's centre; here they become world metres.
Furniture stands against the back wall, and is left out where it would reach the person or
cross the side wall; a side wall gets a doorway when a passer-by has to come through it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from spinecoach.synth.body import FloatArray
from spinecoach.synth.poses import ExerciseModel
from spinecoach.synth.randomise.room import RoomGeometry, WorldBox
from spinecoach.synth.randomise.spec import RandomSpec, RoomSpec, WallItemSpec
from spinecoach.synth.scene3d import Placement


def _furniture(
    room: RoomSpec, cx: float, back_z: float, side_x: float | None, inner: float
) -> tuple[list[WorldBox], list[tuple[tuple[float, float, float], float, Any]]]:
    boxes: list[WorldBox] = []
    spheres: list[tuple[tuple[float, float, float], float, Any]] = []
    for f in room.furniture:
        x0, x1 = cx + f.x_m - f.width_m / 2, cx + f.x_m + f.width_m / 2
        z0, z1 = back_z + 0.01, back_z + 0.01 + f.depth_m
        if z1 > -inner:
            continue
        if side_x is not None and (side_x - x0) * (side_x - x1) <= 0:
            continue
        if side_x is not None and (side_x - cx) * (side_x - x0) < 0:
            continue
        c = f.color
        if f.kind == "sofa":
            boxes += [
                WorldBox((x0, 0.0, z0), (x1, 0.45 * f.height_m, z1), c, "sofa"),
                WorldBox((x0, 0.0, z0), (x1, f.height_m, z0 + 0.22), c, "sofa"),
                WorldBox((x0, 0.0, z0), (x0 + 0.18, 0.7 * f.height_m, z1), c, "sofa"),
                WorldBox((x1 - 0.18, 0.0, z0), (x1, 0.7 * f.height_m, z1), c, "sofa"),
            ]
        elif f.kind == "chair":
            boxes += [
                WorldBox((x0, 0.0, z0), (x1, 0.46, z1), c, "chair"),
                WorldBox((x0, 0.0, z0), (x1, f.height_m, z0 + 0.05), c, "chair"),
            ]
        elif f.kind == "plant":
            pot_h = 0.35 * f.height_m
            pot = (0.55, 0.3, 0.2) if sum(c) > 1.5 else c
            boxes.append(WorldBox((x0, 0.0, z0), (x1, pot_h, z1), pot, "plant"))
            r = min(0.5 * max(f.width_m, 0.6 * (f.height_m - pot_h)), 0.32)
            green = (0.16, 0.36 + 0.2 * (c[1] - 0.5), 0.14)
            spheres.append((((x0 + x1) / 2, pot_h + r * 0.9, (z0 + z1) / 2), r, green))
        else:
            boxes.append(WorldBox((x0, 0.0, z0), (x1, f.height_m, z1), c, f.kind))
    return boxes, spheres


def room_geometry(
    spec: RandomSpec, model: ExerciseModel, place: Placement, person: FloatArray
) -> RoomGeometry:
    """Place the room around the person (``person``: the points framing must keep)."""
    room = spec.room
    lo, hi = person.min(axis=0), person.max(axis=0)
    cx = 0.5 * float(lo[0] + hi[0])
    back_z = -room.back_wall_m
    side_x: float | None = None
    if model.side_wall_s is not None:
        side_x = float(place.world(np.array([model.side_wall_s, 0.0]))[0])
    elif room.side_wall:
        edge = float(hi[0]) if room.side_wall_side > 0 else float(lo[0])
        side_x = edge + room.side_wall_side * room.side_wall_gap_m
    mat = None
    if room.mat:
        half = max(0.5 * float(hi[0] - lo[0]) + 0.12, 0.85)
        mat = (cx - half, cx + half, -0.33, 0.33)
        if side_x is not None:
            mat = (
                max(mat[0], side_x + 0.02) if side_x < cx else mat[0],
                min(mat[1], side_x - 0.02) if side_x > cx else mat[1],
                mat[2],
                mat[3],
            )
    inner = float(max(abs(lo[2]), abs(hi[2]))) + 0.15
    boxes, spheres = _furniture(room, cx, back_z, side_x, inner)
    items = tuple(replace(it, x_m=cx + it.x_m) for it in room.wall_items)
    items = tuple(it for it in items if side_x is None or _item_inside(it, side_x, cx))
    door = None
    p = spec.disturbances.passer
    if p is not None and side_x is not None:
        door = (p.z_m - 0.45, p.z_m + 0.45)
    return RoomGeometry(back_z, side_x, door, mat, tuple(boxes), tuple(spheres), items, cx)


def _item_inside(it: WallItemSpec, side_x: float, cx: float) -> bool:
    edge = it.x_m + (it.width_m / 2 if side_x > cx else -it.width_m / 2)
    return (side_x - edge) * (side_x - cx) > 0
