"""The passer-by and the occluding object, frame by frame, and what the object hides.

The passer-by walks a straight path behind the person, from beyond one side of the picture
to beyond the other; the object stands on the line of sight to its target and slides in and
out.  Which landmarks it hides is decided by ray tests against the box (exact, no pixels).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np
from numpy.typing import NDArray

from spinecoach.synth.body import BodyShape, FloatArray, SegmentAngles
from spinecoach.synth.figure import Look
from spinecoach.synth.kinematics import FrameState, frame_state
from spinecoach.synth.poses import ExerciseModel, walking_pose
from spinecoach.synth.randomise.choreography import GAIT_DEG_PER_M
from spinecoach.synth.randomise.room import WorldBox
from spinecoach.synth.randomise.spec import OcclusionSpec, RandomSpec
from spinecoach.synth.scene3d import Placement

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


def _walker_pose(p: dict[str, float], shape: BodyShape) -> SegmentAngles:
    return walking_pose(0.0, p["gait"], shape)


def make_walker(spec: RandomSpec, t_s: FloatArray, cx: float) -> Walker | None:
    """The passer-by of ``spec`` at every time of ``t_s`` (``None`` without one)."""
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


def make_occluder(
    spec: RandomSpec,
    scene_states: list[FrameState],
    t_s: FloatArray,
    cam_pos: tuple[float, float, float],
    near_z: float,
    centre_x: float,
) -> list[WorldBox | None]:
    """The occluding object's box per frame (``None`` while it is away).

    It stands between the camera (at ``cam_pos`` when it arrives) and its target, at least
    :data:`OCCLUDER_GAP_M` in front of the person's nearest point ``near_z``.
    """
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
