"""Seeded random clips: the spec of a seed, its exact landmarks and truth, its video."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.pose import PoseSequence
from spinecoach.errors import InputError, UnknownExerciseError
from spinecoach.synth.randomise.draw import Draw
from spinecoach.synth.randomise.movement import MOVERS, movement_length_s
from spinecoach.synth.randomise.render import render_scene_frames, scene_masks
from spinecoach.synth.randomise.sample import (
    dark_floor,
    sample_body,
    sample_camera,
    sample_disturbances,
    sample_light,
    sample_look,
    sample_room,
)
from spinecoach.synth.randomise.scene import Scene, build_scene, scene_landmarks
from spinecoach.synth.randomise.spec import GENERATOR, RandomSpec
from spinecoach.synth.randomise.truth import scene_truth
from spinecoach.synth.scenarios import SCENARIOS
from spinecoach.synth.truth import GroundTruth
from spinecoach.synth.video import FORMATS, write_video

GOOD_SHARE = 0.4
U8 = NDArray[np.uint8]


def _check(seed: int, exercise: str | None) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**63:
        raise InputError(f"the seed must be a whole number from 0 to 2**63 - 1, got {seed!r}")
    if exercise is not None and exercise not in SCENARIOS:
        raise UnknownExerciseError(
            f"unknown exercise {exercise!r}; choose one of {', '.join(SCENARIOS)}"
        )


def random_spec(seed: int, exercise: str | None = None) -> RandomSpec:
    """Draw every parameter of the clip of ``seed`` (the same on any machine).

    Parameters
    ----------
    seed
        A whole number ``>= 0``; each section of the spec (body, room, look, light, camera,
        movement, disturbances) has its own generator seeded by ``(seed, section)``.
    exercise
        Force the exercise (default: drawn uniformly); the scenario is then drawn for it:
        ``good`` 40 %, the rest spread evenly over its faults (and the walk out of frame).

    Raises
    ------
    InputError, UnknownExerciseError
        For a negative or non-integer seed or an unknown exercise.
    """
    _check(seed, exercise)
    seed = int(seed)
    choice = Draw(seed, "choice")
    drawn = choice.choice(tuple(SCENARIOS))
    ex = exercise or drawn
    faults = SCENARIOS[ex][1:]
    scenario = "good" if choice.chance(GOOD_SHARE) else choice.choice(faults)
    facing = choice.choice(("left", "right"))
    body = sample_body(Draw(seed, "body"))
    room = sample_room(Draw(seed, "room"), ex)
    look_draw = Draw(seed, "look")
    look = sample_look(look_draw, room)
    if look.contrast == "dark":
        room = dark_floor(look_draw, room)
    light = sample_light(Draw(seed, "light"))
    camera = sample_camera(Draw(seed, "camera"))
    shape = body.shape()
    movement = MOVERS[ex](Draw(seed, "movement"), scenario, shape)
    duration_s = movement_length_s(ex, movement, shape)
    disturbances = sample_disturbances(
        Draw(seed, "disturbances"), Draw(seed, "passer"), ex, camera, room, duration_s
    )
    return RandomSpec(
        seed,
        GENERATOR,
        ex,
        scenario,
        facing,
        body,
        look,
        room,
        light,
        camera,
        movement,
        disturbances,
    )


def preview_spec(spec: RandomSpec, scale: float = 0.25, fps: float = 6.0) -> RandomSpec:
    """The same clip at a smaller size and frame rate, for a quick look (and quick tests).

    Everything but the video format is unchanged; the truth of a preview is exact for it.
    """
    cam = spec.camera
    width, height = (max(32, 2 * round(x * scale / 2)) for x in (cam.width, cam.height))
    return replace(spec, camera=replace(cam, width=width, height=height, fps=fps))


def _spec(seed_or_spec: int | RandomSpec, exercise: str | None) -> RandomSpec:
    if isinstance(seed_or_spec, RandomSpec):
        return seed_or_spec
    return random_spec(seed_or_spec, exercise)


def simulate_random(
    seed: int | RandomSpec, exercise: str | None = None, with_masks: bool = False
) -> tuple[GroundTruth, PoseSequence, list[NDArray[np.float32]] | None]:
    """Simulate the clip of ``seed`` (or of a spec) without pixels.

    Returns
    -------
    tuple
        ``(GroundTruth, PoseSequence, masks or None)`` like :func:`spinecoach.synth.simulate`:
        exact BlazePose-layout landmarks of every frame through that frame's camera
        (visibility 1, or NaN and 0 outside the picture; occluded landmarks keep their place
        and are listed in the truth), and with ``with_masks`` the person's unoccluded
        silhouette at 1/4 resolution.
    """
    scene = build_scene(_spec(seed, exercise))
    landmarks = scene_landmarks(scene)
    truth = scene_truth(scene, landmarks)
    poses = PoseSequence(scene.clip.t_s.copy(), landmarks, scene.clip.width, scene.clip.height)
    return truth, poses, scene_masks(scene) if with_masks else None


def random_frames(
    seed: int | RandomSpec, exercise: str | None = None, frames: Sequence[int] | None = None
) -> Iterator[U8]:
    """Yield the RGB uint8 frames of the clip of ``seed`` (all, or the given indices)."""
    scene = build_scene(_spec(seed, exercise))
    n = len(scene.clip.states)
    if frames is not None and any(not 0 <= i < n for i in frames):
        raise InputError(f"frame indices must be in 0..{n - 1}")
    return render_scene_frames(scene, frames)


def render_random(
    seed: int | RandomSpec, out_path: Path, exercise: str | None = None, fmt: str = "mp4"
) -> GroundTruth:
    """Render the clip of ``seed`` (or of a spec) to ``out_path`` and its truth beside it.

    The video is H.264 at the spec's CRF (``mp4``; ``y4m`` and ``mjpeg`` also work); the
    truth goes to ``<out_path>.truth.json`` with the full spec under ``"random"``.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown video format {fmt!r}; choose one of {', '.join(FORMATS)}")
    scene: Scene = build_scene(_spec(seed, exercise))
    landmarks = scene_landmarks(scene)
    truth = scene_truth(scene, landmarks)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    cam = scene.spec.camera
    write_video(out_path, render_scene_frames(scene), cam.fps, cam.width, cam.height, fmt, cam.crf)
    Path(f"{out_path}.truth.json").write_text(truth.to_json(indent=1), encoding="utf-8")
    return truth
