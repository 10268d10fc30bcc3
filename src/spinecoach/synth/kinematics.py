"""From a scenario script to per-frame 3D joints, the camera, true landmarks and the truth."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.landmarks import Side
from spinecoach.synth.body import Body2D, FloatArray, forward_kinematics
from spinecoach.synth.poses import BALL_RADIUS_M, ExerciseModel, exercise_model
from spinecoach.synth.scenarios import build_script
from spinecoach.synth.scene3d import (
    Camera,
    Placement,
    frame_camera,
    landmark_world,
    project_landmarks,
    world_joints,
)
from spinecoach.synth.timeline import Rep, Script
from spinecoach.synth.truth import (
    OWN_ANGLE,
    GroundTruth,
    clean_series,
    intervals_where,
    true_angles,
)


@dataclass(frozen=True)
class FrameState:
    """One frame of the person and props in world coordinates."""

    params: dict[str, float]
    body: Body2D
    joints: dict[str, FloatArray]
    ball_centre: FloatArray | None
    ball_radius_m: float = BALL_RADIUS_M


@dataclass(frozen=True)
class Clip:
    """A fully simulated clip: script, frames, camera and true landmarks."""

    exercise: str
    scenario: str
    fps: float
    facing: str
    model: ExerciseModel
    place: Placement
    script: Script
    t_s: FloatArray
    states: list[FrameState]
    camera: Camera

    @property
    def width(self) -> int:
        """Image width in pixels."""
        return self.camera.width

    @property
    def height(self) -> int:
        """Image height in pixels."""
        return self.camera.height


def frame_state(model: ExerciseModel, place: Placement, params: dict[str, float]) -> FrameState:
    """Pose the person for one parameter set."""
    body = forward_kinematics(model.pose(params), model.mirrored, model.shape)
    joints = world_joints(body, place, model.elbow_lateral_m, model.wrist_lateral_m)
    ball = None if model.ball is None else place.world(model.ball(params))
    return FrameState(params, body, joints, ball, model.stance.ball_radius_m)


def framing_points(states: list[FrameState], model: ExerciseModel, place: Placement) -> FloatArray:
    """Return world points the framing must keep in view (the person, the ball, the wall)."""
    pts: list[FloatArray] = []
    top = model.shape.head_radius_m + 0.03
    for st in states:
        if st.params.get("walk", 0.0) > 0.0:
            continue
        pts.extend(st.joints.values())
        head = st.joints["head_centre"]
        pts.extend([head + [0, top, 0], head * [1, 0, 1]])
        if st.ball_centre is not None:
            r = st.ball_radius_m
            pts.extend([st.ball_centre - r, st.ball_centre + r])
    if model.side_wall_s is not None:
        pts.append(place.world(np.array([model.side_wall_s - 0.1, 0.0])))
    return np.array(pts)


def build_clip(
    exercise: str,
    scenario: str,
    *,
    fps: float,
    width: int,
    height: int,
    facing: str,
    reps: int | None = None,
) -> Clip:
    """Simulate a clip (ids and parameters already validated)."""
    model = exercise_model(exercise)
    place = Placement(model.mirrored, 1.0 if facing == "right" else -1.0)
    script = build_script(exercise, scenario, reps)
    n = max(1, math.ceil(script.duration_s * fps - 1e-9))
    t_s = np.arange(n) / fps
    states = [frame_state(model, place, script.at(float(t))) for t in t_s]
    camera = frame_camera(
        framing_points(states, model, place), width, height, model.camera_height_m
    )
    return Clip(exercise, scenario, fps, facing, model, place, script, t_s, states, camera)


def clip_landmarks(clip: Clip) -> FloatArray:
    """Return the ``(N, 33, 4)`` true landmarks of every frame."""
    return np.stack(
        [project_landmarks(landmark_world(st.joints), clip.camera) for st in clip.states]
    )


def _r(t_s: float) -> float:
    """Round a time to the microsecond (keeps the JSON free of float noise)."""
    return round(float(t_s), 6)


def _rep_truth(r: Rep) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start_s": _r(r.start_s),
        "peak_s": _r(r.peak_s),
        "end_s": _r(r.end_s),
        "side": r.side,
        "hold_s": _r(r.hold_s),
    }
    if r.params is not None:
        out["params"] = dict(r.params)
    return out


def clip_truth(clip: Clip, landmarks: FloatArray) -> GroundTruth:
    """Return the ground truth of a simulated clip."""
    sc = clip.script
    near = Side.LEFT if clip.place.near_side == "left" else Side.RIGHT
    angles = true_angles(landmarks, clip.width, clip.height, near, clip.exercise)
    per_frame = {"t_s": clean_series(clip.t_s, 4)}
    per_frame.update({k: clean_series(v) for k, v in angles.items()})
    if clip.exercise == "hip-hinge":
        lift = np.array(
            [st.body.points["lumbar"][1] - st.body.points["hip"][1] for st in clip.states]
        )
        per_frame[OWN_ANGLE["hip-hinge"]] = clean_series(lift / clip.model.shape.torso_m, 4)
    missing: NDArray[np.bool_] = np.asarray(~np.isfinite(landmarks[:, :, 0]).all(axis=1))
    by_side = None
    if clip.exercise == "hip-hinge":
        by_side = {s: sum(r.side == s for r in sc.reps) for s in ("left", "right")}
    return GroundTruth(
        exercise=clip.exercise,
        scenario=clip.scenario,
        fps=clip.fps,
        frames=len(clip.t_s),
        duration_s=len(clip.t_s) / clip.fps,
        width=clip.width,
        height=clip.height,
        facing=clip.facing,
        near_side=clip.place.near_side,
        reps=len(sc.reps),
        reps_by_side=by_side,
        repetitions=[_rep_truth(r) for r in sc.reps],
        holds=[{"start_s": _r(a), "end_s": _r(b)} for a, b in sc.holds],
        faults=[
            {"code": f.code, "start_s": _r(f.start_s), "end_s": _r(f.end_s)} for f in sc.faults
        ],
        stop=None if sc.stop is None else {"code": sc.stop[0], "at_s": _r(sc.stop[1])},
        out_of_frame=[
            [_r(a), _r(b)] for a, b in intervals_where(missing, clip.t_s, 1.0 / clip.fps)
        ],
        per_frame=per_frame,
    )
