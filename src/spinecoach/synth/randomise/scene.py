"""A randomised clip put together: person, room, cameras, passer-by and occluding object.

Everything that does not need pixels lives here: the frames' states, the cameras of every
frame (a cut switches framing, a zoom scales the focal length about the picture's centre),
the room placed around the person, the passer-by's and the object's positions per frame, the
exact landmarks and the truth with the spec and every disturbance's exact interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.landmarks import Landmark
from spinecoach.synth.body import BodyShape, FloatArray, SegmentAngles
from spinecoach.synth.figure import Look
from spinecoach.synth.kinematics import (
    Clip,
    FrameState,
    clip_truth,
    frame_state,
    framing_points,
)
from spinecoach.synth.poses import (
    ExerciseModel,
    exercise_model,
    walking_pose,
)
from spinecoach.synth.randomise.camera import (
    Aimed,
    Framing,
    frame_person,
    max_zoom,
    zoomed,
)
from spinecoach.synth.randomise.choreography import (
    GAIT_DEG_PER_M,
    Choreography,
    build_choreography,
)
from spinecoach.synth.randomise.movement import stance_for
from spinecoach.synth.randomise.room import RoomGeometry, WorldBox
from spinecoach.synth.randomise.spec import (
    CameraSpec,
    OcclusionSpec,
    RandomSpec,
    RoomSpec,
    WallItemSpec,
)
from spinecoach.synth.scene3d import Placement, landmark_world, project_landmarks
from spinecoach.synth.truth import OWN_ANGLE, GroundTruth, intervals_where

PASSER_PATH_M = 12.0
OCCLUDER_GAP_M = 0.12
TARGET_LANDMARKS = {
    "feet": ("heel", "foot_index", "ankle"),
    "knees": ("knee",),
    "hands": ("wrist", "elbow"),
}


@dataclass
class Walker:
    """The passer-by: its model, look and per-frame state (``None`` while away)."""

    model: ExerciseModel
    look: Look
    states: list[tuple[FrameState, Placement] | None]


@dataclass
class Scene:
    """Everything about a randomised clip except its pixels."""

    spec: RandomSpec
    clip: Clip
    choreo: Choreography
    look: Look
    geo: RoomGeometry
    aimed: list[Aimed]
    segment: NDArray[np.intp]
    zoom: FloatArray
    zoom_used: dict[str, float] | None
    walker: Walker | None
    occluder: list[WorldBox | None]

    def camera(self, i: int) -> Any:
        """The exact camera of frame ``i`` (the framing's camera, zoomed)."""
        return zoomed(self.aimed[int(self.segment[i])].camera, float(self.zoom[i]))


# --------------------------------------------------------------------------- room
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


# --------------------------------------------------------------------------- cameras
def _framing(
    cam: CameraSpec, fill: float, ox: float, oy: float, standing: bool, yaw: float
) -> Framing:
    return Framing(
        cam.width,
        cam.height,
        cam.fov_deg,
        fill,
        ox,
        oy,
        cam.height_frac,
        yaw,
        cam.roll_deg,
        standing,
    )


def _aim(points: FloatArray, fr: Framing, side_x: float | None, cx: float) -> tuple[Aimed, float]:
    """Frame the person; a camera that would stand behind the side wall moves to the other
    side of side-on (the yaw's sign flips).  Returns the camera and the yaw used."""
    aimed = frame_person(points, fr)
    if side_x is None:
        return aimed, fr.yaw_deg
    cam_x = aimed.camera.position[0]
    if (cam_x - side_x) * (cx - side_x) < 0 or abs(cam_x - side_x) < 0.3:
        return frame_person(points, replace(fr, yaw_deg=-fr.yaw_deg)), -fr.yaw_deg
    return aimed, fr.yaw_deg


def _zoom_track(
    spec: RandomSpec,
    t_s: FloatArray,
    segment: NDArray[np.intp],
    aimed: list[Aimed],
    points: FloatArray,
) -> tuple[FloatArray, dict[str, float] | None]:
    z = spec.disturbances.zoom
    factors = np.ones(len(t_s))
    if z is None:
        return factors, None
    seg = int(segment[min(int(np.searchsorted(t_s, z.start_s)), len(t_s) - 1)])
    cap = max_zoom(aimed[seg].camera, points)
    start, end = min(z.start_factor, cap), min(z.end_factor, cap)
    if max(start, end) < 1.08:
        return factors, None
    x = np.clip((t_s - z.start_s) / max(z.end_s - z.start_s, 1e-6), 0.0, 1.0)
    w = 0.5 - 0.5 * np.cos(np.pi * x)
    track = start + w * (end - start)
    mine = segment == seg
    factors[mine] = track[mine]
    used = {
        "start_s": z.start_s,
        "end_s": z.end_s,
        "start_factor": round(start, 4),
        "end_factor": round(end, 4),
        "segment": seg,
    }
    return factors, used


# --------------------------------------------------------------------------- passer, object
def _walker_pose(p: dict[str, float], shape: BodyShape) -> SegmentAngles:
    return walking_pose(0.0, p["gait"], shape)


def _walker(spec: RandomSpec, t_s: FloatArray, cx: float) -> Walker | None:
    p = spec.disturbances.passer
    if p is None:
        return None
    shape = p.body.shape()
    model = ExerciseModel(
        "walker",
        False,
        0.0,
        partial(_walker_pose, shape=shape),
        0.2 * shape.breadth,
        0.2 * shape.breadth,
        False,
        shape=shape,
    )
    states: list[tuple[FrameState, Placement] | None] = []
    for t in t_s:
        walked = (float(t) - p.start_s) * p.speed_mps
        if walked < 0.0 or walked > PASSER_PATH_M:
            states.append(None)
            continue
        x = cx - p.direction * PASSER_PATH_M / 2 + p.direction * walked
        place = Placement(False, p.direction, (x, 0.0, p.z_m))
        states.append((frame_state(model, place, {"gait": GAIT_DEG_PER_M * walked}), place))
    return Walker(model, p.look.look(), states)


def _target_point(states: list[FrameState], t_s: FloatArray, occ: OcclusionSpec) -> FloatArray:
    i = int(np.searchsorted(t_s, 0.5 * (occ.start_s + occ.end_s)))
    joints = states[min(i, len(states) - 1)].joints
    names = [f"{side}_{j}" for j in TARGET_LANDMARKS[occ.target] for side in ("left", "right")]
    out: FloatArray = np.mean([joints[n] for n in names], axis=0)
    return out


def _occluder(
    spec: RandomSpec,
    scene_states: list[FrameState],
    t_s: FloatArray,
    cam_pos: tuple[float, float, float],
    near_z: float,
    centre_x: float,
) -> list[WorldBox | None]:
    occ = spec.disturbances.occlusion
    if occ is None:
        return [None] * len(t_s)
    target = _target_point(scene_states, t_s, occ)
    cam = np.asarray(cam_pos)
    frac = occ.sight_frac
    sight = cam + frac * (target - cam)
    z_far = near_z + OCCLUDER_GAP_M + occ.depth_m / 2
    if sight[2] < z_far and target[2] != cam[2]:
        frac = float((z_far - cam[2]) / (target[2] - cam[2]))
        sight = cam + frac * (target - cam)
    # Sizes are asked for at the person's distance; the object is nearer, so smaller.
    width = occ.width_m * frac
    top = min(max(float(sight[1]) + occ.cover_m * frac, 0.1), 1.1)
    out: list[WorldBox | None] = []
    slide_m = width + 1.2
    # It comes in from the end of the body it covers (feet, head), not across the person.
    off_centre = float(target[0]) - centre_x
    side = occ.from_side if abs(off_centre) < 0.25 else math.copysign(1.0, off_centre)
    for t in t_s:
        if t < occ.start_s or t > occ.end_s:
            out.append(None)
            continue
        x_in = min((t - occ.start_s) / occ.slide_s, (occ.end_s - t) / occ.slide_s, 1.0)
        shift = side * slide_m * (0.5 + 0.5 * math.cos(math.pi * x_in))
        x = float(sight[0]) + shift
        out.append(
            WorldBox(
                (x - width / 2, 0.0, float(sight[2]) - occ.depth_m / 2),
                (x + width / 2, top, float(sight[2]) + occ.depth_m / 2),
                occ.color,
                occ.kind,
            )
        )
    return out


def occluded_landmarks(
    cam_pos: tuple[float, float, float], world: FloatArray, box: WorldBox
) -> NDArray[np.bool_]:
    """Which of the ``(33, 3)`` landmarks the box hides from the camera."""
    origin = np.asarray(cam_pos)
    seg = world - origin
    lo, hi = np.asarray(box.lo), np.asarray(box.hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1, t2 = (lo - origin) / seg, (hi - origin) / seg
    near = np.nan_to_num(np.minimum(t1, t2), nan=-np.inf).max(axis=1)
    far = np.nan_to_num(np.maximum(t1, t2), nan=np.inf).min(axis=1)
    out: NDArray[np.bool_] = (near <= far) & (near > 0.0) & (near < 1.0)
    return out


# --------------------------------------------------------------------------- truth
def _exit_distance(
    aimed: list[Aimed], model: ExerciseModel, place: Placement, shape: BodyShape
) -> float:
    """How far the squatter walks forward before no part of them is in any framing."""
    del shape
    for step in range(4, 80):
        x_off = 0.25 * step
        st = frame_state(
            model,
            place,
            {"walk": 1.0, "x_off": x_off, "gait": 0.0, "thigh": model.stance.squat_stand_thigh_deg},
        )
        pts = np.array(list(st.joints.values()))
        gone = True
        for a in aimed:
            u, v, depth = a.camera.project(pts)
            inside = (
                (u >= -20) & (u <= a.camera.width + 20) & (v >= -20) & (v <= a.camera.height + 20)
            )
            gone = gone and not bool((inside & (depth > 0)).any())
        if gone:
            return x_off
    return 20.0


def _segments_of(spec: RandomSpec, t_s: FloatArray) -> NDArray[np.intp]:
    cut = spec.disturbances.cut
    seg = np.zeros(len(t_s), dtype=np.intp)
    if cut is not None:
        seg[t_s >= cut.at_s] = 1
    return seg


def build_scene(spec: RandomSpec) -> Scene:
    """Simulate every frame of ``spec`` (no pixels)."""
    shape = spec.body.shape()
    stance = stance_for(spec.exercise, spec.movement, shape)
    model = exercise_model(spec.exercise, shape, stance)
    place = Placement(model.mirrored, 1.0 if spec.facing == "right" else -1.0)
    choreo = build_choreography(spec.exercise, spec.movement, shape, stance)
    cam = spec.camera
    n = max(1, math.ceil(choreo.script.duration_s * cam.fps - 1e-9))
    t_s = np.arange(n) / cam.fps
    states = [frame_state(model, place, choreo.at(float(t))) for t in t_s]
    points = framing_points(states, model, place)
    geo = room_geometry(spec, model, place, points)
    standing = spec.exercise == "ball-squat"
    first, yaw = _aim(
        points,
        _framing(cam, cam.fill, cam.offset_x, cam.offset_y, standing, cam.yaw_deg),
        geo.side_x,
        geo.light_x,
    )
    aimed = [first]
    cut = spec.disturbances.cut
    if cut is not None:
        fr = _framing(cam, cut.fill, cut.offset_x, cut.offset_y, standing, yaw)
        aimed.append(_aim(points, fr, geo.side_x, geo.light_x)[0])
    if spec.movement.walk_out_before is not None:
        exit_m = _exit_distance(aimed, model, place, shape)
        choreo = build_choreography(spec.exercise, spec.movement, shape, stance, exit_m)
        n = max(1, math.ceil(choreo.script.duration_s * cam.fps - 1e-9))
        t_s = np.arange(n) / cam.fps
        states = [frame_state(model, place, choreo.at(float(t))) for t in t_s]
    segment = _segments_of(spec, t_s)
    zoom, zoom_used = _zoom_track(spec, t_s, segment, aimed, points)
    occluder: list[WorldBox | None] = [None] * n
    occ = spec.disturbances.occlusion
    if occ is not None:
        near_z = max(float(j[2]) for st in states for j in st.joints.values())
        at = min(int(np.searchsorted(t_s, occ.start_s)), n - 1)
        cam_pos = aimed[int(segment[at])].camera.position
        occluder = _occluder(spec, states, t_s, cam_pos, near_z, geo.light_x)
    clip = Clip(
        spec.exercise,
        spec.scenario,
        cam.fps,
        spec.facing,
        model,
        place,
        choreo.script,
        t_s,
        states,
        aimed[0].camera,
    )
    walker = _walker(spec, t_s, geo.light_x)
    return Scene(
        spec, clip, choreo, spec.look.look(), geo, aimed, segment, zoom, zoom_used, walker, occluder
    )


def scene_landmarks(scene: Scene) -> FloatArray:
    """The ``(N, 33, 4)`` exact landmarks, each frame through its own camera."""
    return np.stack(
        [
            project_landmarks(landmark_world(st.joints), scene.camera(i))
            for i, st in enumerate(scene.clip.states)
        ]
    )


def _intervals(mask: NDArray[np.bool_], scene: Scene) -> list[list[float]]:
    return [
        [round(a, 6), round(b, 6)]
        for a, b in intervals_where(mask, scene.clip.t_s, 1.0 / scene.clip.fps)
    ]


def _occlusion_truth(scene: Scene) -> tuple[dict[str, Any] | None, list[int] | None]:
    occ = scene.spec.disturbances.occlusion
    if occ is None:
        return None, None
    bits = []
    hidden_any = np.zeros(len(scene.clip.t_s), dtype=bool)
    names: set[str] = set()
    for i, (st, box) in enumerate(zip(scene.clip.states, scene.occluder, strict=True)):
        if box is None:
            bits.append(0)
            continue
        hidden = occluded_landmarks(scene.camera(i).position, landmark_world(st.joints), box)
        bits.append(int(sum(1 << k for k in np.flatnonzero(hidden))))
        hidden_any[i] = bool(hidden.any())
        names.update(Landmark(int(k)).name.lower() for k in np.flatnonzero(hidden))
    present = np.array([b is not None for b in scene.occluder])
    box = next(b for b in scene.occluder if b is not None)
    return {
        "target": occ.target,
        "object": occ.kind,
        "object_present": _intervals(present, scene),
        "hidden": _intervals(hidden_any, scene),
        "landmarks": sorted(names),
        "height_m": round(box.hi[1], 4),
    }, bits


def _passer_truth(scene: Scene) -> dict[str, Any] | None:
    w = scene.walker
    if w is None:
        return None
    seen = np.zeros(len(scene.clip.t_s), dtype=bool)
    for i, entry in enumerate(w.states):
        if entry is None:
            continue
        pts = np.array(list(entry[0].joints.values()))
        u, v, depth = scene.camera(i).project(pts)
        cam = scene.camera(i)
        seen[i] = bool(
            ((u >= 0) & (u < cam.width) & (v >= 0) & (v < cam.height) & (depth > 0)).any()
        )
    p = scene.spec.disturbances.passer
    return {"in_picture": _intervals(seen, scene), "z_m": p.z_m if p else None}


def _measured(truth: GroundTruth, exercise: str, t_s: float, side: str | None) -> float | None:
    key = "knee_deg" if exercise == "hip-hinge" else OWN_ANGLE[exercise]
    if exercise == "hip-hinge" and side != truth.near_side:
        return None
    t = np.asarray(truth.per_frame["t_s"], dtype=float)
    value = truth.per_frame[key][int(np.argmin(np.abs(t - t_s)))]
    return None if value is None else round(float(value), 3)


def scene_truth(scene: Scene, landmarks: FloatArray) -> GroundTruth:
    """The clip's truth: the usual events plus the spec and every disturbance."""
    truth = clip_truth(scene.clip, landmarks)
    ex = scene.spec.exercise
    for rep in truth.repetitions:
        if "params" in rep:
            rep["params"]["measured_deg"] = _measured(truth, ex, rep["peak_s"], rep["side"])
    occlusion, bits = _occlusion_truth(scene)
    if bits is not None:
        truth.per_frame["occluded_landmarks"] = list(bits)
    cut = scene.spec.disturbances.cut
    ch = scene.choreo
    truth.extra = {
        "random": scene.spec.to_dict(),
        "cameras": [a.describe() for a in scene.aimed],
        "cut": None if cut is None else {"at_s": cut.at_s},
        "zoom": scene.zoom_used,
        "setup": None if ch.setup is None else {"start_s": ch.setup[0], "end_s": ch.setup[1]},
        "walk_out": None
        if ch.walk_out is None
        else {"start_s": round(ch.walk_out[0], 6), "end_s": round(ch.walk_out[1], 6)},
        "occlusion": occlusion,
        "passer": _passer_truth(scene),
        "attempts": [
            {k: (round(v, 6) if isinstance(v, float) else v) for k, v in a.items()}
            for a in ch.attempts
        ],
    }
    return truth
