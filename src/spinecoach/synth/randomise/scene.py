"""A randomised clip put together: person, room, cameras, passer-by and occluding object.

Everything that does not need pixels lives here: the frames' states and the cameras of every
frame (a cut switches framing, a zoom scales the focal length about the picture's centre),
with the room (:mod:`.layout`) and the passer-by and object (:mod:`.props`) placed around the
person; :mod:`.truth` turns a scene into its truth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from spinecoach.synth.body import BodyShape, FloatArray
from spinecoach.synth.figure import Look
from spinecoach.synth.kinematics import Clip, frame_state, framing_points
from spinecoach.synth.poses import ExerciseModel, exercise_model
from spinecoach.synth.randomise.camera import Aimed, Framing, frame_person, max_zoom, zoomed
from spinecoach.synth.randomise.choreography import Choreography, build_choreography
from spinecoach.synth.randomise.layout import room_geometry
from spinecoach.synth.randomise.movement import stance_for
from spinecoach.synth.randomise.props import Walker, make_occluder, make_walker
from spinecoach.synth.randomise.room import RoomGeometry, WorldBox
from spinecoach.synth.randomise.spec import CameraSpec, RandomSpec
from spinecoach.synth.scene3d import Camera, Placement, landmark_world, project_landmarks


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

    def camera(self, i: int) -> Camera:
        """The exact camera of frame ``i`` (the framing's camera, zoomed)."""
        return zoomed(self.aimed[int(self.segment[i])].camera, float(self.zoom[i]))


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
        occluder = make_occluder(spec, states, t_s, cam_pos, near_z, geo.light_x)
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
    walker = make_walker(spec, t_s, geo.light_x)
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
