"""The public functions of :mod:`spinecoach.synth`: simulate, render frames, clips and stills."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.pose import PoseSequence
from spinecoach.errors import InputError, UnknownExerciseError
from spinecoach.synth.background import render_background
from spinecoach.synth.figure import figure_capsules
from spinecoach.synth.kinematics import Clip, build_clip, clip_landmarks, clip_truth, frame_state
from spinecoach.synth.raster import Canvas, draw_many, render_mask
from spinecoach.synth.scenarios import SCENARIOS
from spinecoach.synth.truth import GroundTruth
from spinecoach.synth.video import write_video

U8 = NDArray[np.uint8]
MASK_SCALE = 0.25
NOISE_SIGMA = 2.5
FACINGS = ("left", "right")


def validate(
    exercise: str, scenario: str, facing: str, width: int, height: int, fps: float
) -> None:
    """Raise a clear :class:`InputError` for an unknown id or a nonsensical parameter."""
    if exercise not in SCENARIOS:
        raise UnknownExerciseError(
            f"unknown exercise {exercise!r}; choose one of {', '.join(SCENARIOS)}"
        )
    if scenario not in SCENARIOS[exercise]:
        raise InputError(
            f"unknown scenario {scenario!r} for {exercise}; "
            f"choose one of {', '.join(SCENARIOS[exercise])}"
        )
    if facing not in FACINGS:
        raise InputError(f"facing must be 'left' or 'right', got {facing!r}")
    if not (32 <= width <= 4096 and 32 <= height <= 4096):
        raise InputError(f"image size {width}x{height} is out of range (32..4096)")
    if not 1.0 <= fps <= 240.0:
        raise InputError(f"fps must be between 1 and 240, got {fps}")


def _clip(
    exercise: str,
    scenario: str,
    fps: float,
    width: int,
    height: int,
    facing: str,
    repetitions: int | None,
) -> Clip:
    validate(exercise, scenario, facing, width, height, fps)
    if repetitions is not None and not 1 <= repetitions <= 50:
        raise InputError(f"repetitions must be between 1 and 50, got {repetitions}")
    return build_clip(
        exercise, scenario, fps=fps, width=width, height=height, facing=facing, reps=repetitions
    )


def clip_masks(clip: Clip) -> list[NDArray[np.float32]]:
    """Return the person's silhouette per frame at 1/4 resolution (float32 0..1)."""
    fine = clip.camera.scaled(2 * MASK_SCALE)
    masks = []
    for st in clip.states:
        m = render_mask(figure_capsules(st, clip.place), fine)
        h, w = (m.shape[0] // 2) * 2, (m.shape[1] // 2) * 2
        masks.append(m[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3)).astype(np.float32))
    return masks


def simulate(
    exercise: str,
    scenario: str = "good",
    *,
    fps: float = 30.0,
    width: int = 640,
    height: int = 480,
    facing: str = "left",
    seed: int = 0,
    with_masks: bool = False,
    repetitions: int | None = None,
) -> tuple[GroundTruth, PoseSequence, list[NDArray[np.float32]] | None]:
    """Simulate a clip without shading: its truth, true landmarks and optional masks.

    Parameters
    ----------
    exercise, scenario
        Ids from :data:`SCENARIOS`.
    fps, width, height
        Frame rate and the image size the landmarks are normalised to.
    facing
        ``"left"`` or ``"right"``: the image side of the head (lying) or nose/toes (standing).
    seed
        Accepted for symmetry with :func:`render_clip`; the kinematics are exact.
    with_masks
        Also return the person's silhouette per frame, float32 0..1 at 1/4 resolution.
    repetitions
        Number of repetitions (default: 6 heel taps, 4 bridges, 3 squats; ignored by plank).

    Returns
    -------
    tuple
        ``(GroundTruth, PoseSequence, masks or None)``; the sequence holds BlazePose-layout
        landmarks with visibility 1, or NaN and visibility 0 outside the image.

    Raises
    ------
    UnknownExerciseError, InputError
        For an unknown exercise or scenario, or nonsensical parameters.
    """
    del seed
    clip = _clip(exercise, scenario, fps, width, height, facing, repetitions)
    landmarks = clip_landmarks(clip)
    truth = clip_truth(clip, landmarks)
    poses = PoseSequence(clip.t_s.copy(), landmarks, clip.width, clip.height)
    return truth, poses, clip_masks(clip) if with_masks else None


NOISE_PAD = 48


def _noise_bank(height: int, width: int, seed: int) -> NDArray[np.float32]:
    """Two padded frames of Gaussian sensor noise (in 0..255 units); frames take offset views."""
    rng = np.random.default_rng(seed)
    shape = (2, height + NOISE_PAD, width + NOISE_PAD, 3)
    return (rng.standard_normal(shape) * NOISE_SIGMA + 0.5).astype(np.float32)


def _to_uint8(rgb: NDArray[np.float32], grain: NDArray[np.float32]) -> U8:
    """Scale a 0..1 image to 0..255, add the sensor noise and round, in place where possible."""
    np.multiply(rgb, 255.0, out=rgb)
    np.add(rgb, grain, out=rgb)
    np.clip(rgb, 0.0, 255.0, out=rgb)
    return rgb.astype(np.uint8)


def _frames(clip: Clip, seed: int, indices: Sequence[int] | None = None) -> Iterator[U8]:
    background = render_background(
        clip.camera,
        None
        if clip.model.side_wall_s is None
        else float(clip.place.world(np.array([clip.model.side_wall_s, 0.0]))[0]),
        clip.model.has_mat,
        seed,
    )
    noise = _noise_bank(clip.height, clip.width, seed)
    rng = np.random.default_rng(seed + 1)
    for i in range(len(clip.states)) if indices is None else indices:
        canvas = Canvas.blank(background)
        draw_many(canvas, clip.camera, figure_capsules(clip.states[i], clip.place))
        dy, dx = (int(k) for k in rng.integers(0, NOISE_PAD, size=2))
        grain = noise[int(rng.integers(0, 2)), dy : dy + clip.height, dx : dx + clip.width]
        yield _to_uint8(canvas.rgb, grain)


def render_frames(
    exercise: str,
    scenario: str = "good",
    *,
    fps: float = 30.0,
    width: int = 640,
    height: int = 480,
    facing: str = "left",
    seed: int = 0,
    repetitions: int | None = None,
    frames: Sequence[int] | None = None,
) -> Iterator[U8]:
    """Yield the clip's RGB uint8 frames ``(height, width, 3)``, rendered lazily.

    ``frames`` selects frame indices to render (default: all, in order); the sensor noise
    then differs from a full render, the picture does not.
    """
    clip = _clip(exercise, scenario, fps, width, height, facing, repetitions)
    if frames is not None and any(not 0 <= i < len(clip.states) for i in frames):
        raise InputError(f"frame indices must be in 0..{len(clip.states) - 1}")
    return _frames(clip, seed, frames)


def render_clip(
    exercise: str,
    scenario: str,
    out_path: Path,
    *,
    fps: float = 30.0,
    width: int = 640,
    height: int = 480,
    facing: str = "left",
    seed: int = 0,
    fmt: str = "mp4",
    repetitions: int | None = None,
) -> GroundTruth:
    """Render a clip to ``out_path`` (``mp4``, ``y4m`` or ``mjpeg``) and its truth beside it.

    The truth goes to ``<out_path>.truth.json`` (e.g. ``clip.mp4.truth.json``).
    """
    clip = _clip(exercise, scenario, fps, width, height, facing, repetitions)
    truth = clip_truth(clip, clip_landmarks(clip))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    write_video(out_path, _frames(clip, seed), fps, clip.width, clip.height, fmt)
    Path(f"{out_path}.truth.json").write_text(truth.to_json(indent=1), encoding="utf-8")
    return truth


def _phase_params(clip: Clip, phase: str) -> dict[str, float]:
    sc = clip.script
    if phase == "start":
        return sc.values[0]
    if phase != "target":
        raise InputError(f"phase must be 'start' or 'target', got {phase!r}")
    if sc.reps:
        return sc.at(sc.reps[0].peak_s)
    return sc.at(sum(sc.holds[0]) / 2.0)


def render_pose_image(
    exercise: str,
    phase: str = "target",
    width: int = 640,
    height: int = 480,
    facing: str = "left",
    seed: int = 0,
) -> U8:
    """Return one still RGB picture of ``exercise`` in its ``start`` or ``target`` position."""
    clip = _clip(exercise, "good", 30.0, width, height, facing, None)
    state = frame_state(clip.model, clip.place, _phase_params(clip, phase))
    single = Clip(
        clip.exercise,
        clip.scenario,
        clip.fps,
        clip.facing,
        clip.model,
        clip.place,
        clip.script,
        clip.t_s[:1],
        [state],
        clip.camera,
    )
    return next(_frames(single, seed))
