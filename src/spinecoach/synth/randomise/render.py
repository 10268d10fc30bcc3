"""Pixels of a randomised clip: room, person, passer-by, object, then the camera's own marks.

Per frame: the room (ray-cast once per framing) starts colour and depth; the person and any
passer-by are drawn with the clip's key light, the occluding object ray-cast in front; then,
as a phone or webcam would, the picture is digitally zoomed, exposed and white-balanced for
the light's colour, optionally blurred, and gets sensor noise before H.264 compression.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

from spinecoach.synth.figure import figure_capsules
from spinecoach.synth.randomise.room import draw_box, render_room
from spinecoach.synth.randomise.scene import Scene
from spinecoach.synth.randomise.spec import LightSpec
from spinecoach.synth.raster import F32, Canvas, Capsule, Lighting, draw_many, render_mask
from spinecoach.synth.scene3d import Camera

U8 = NDArray[np.uint8]
NOISE_PAD = 48
MASK_SCALE = 0.25


def figure_lighting(light: LightSpec) -> Lighting:
    """The key light on the person, in picture axes."""
    a = math.radians(light.azimuth_deg)
    side = math.sqrt(max(1.0 - light.frontal**2, 0.0))
    direction = (math.sin(a) * side, -math.cos(a) * side, light.frontal)
    return Lighting(direction, light.ambient, light.intensity)


def white_balance(color_k: float) -> tuple[float, float, float]:
    """The colour cast left by a camera's white balance under light of ``color_k`` kelvin."""
    mired, neutral = 1e6 / color_k, 1e6 / 4800.0
    if mired >= neutral:
        w = min((mired - neutral) / (1e6 / 2700.0 - neutral), 1.0)
        return 1.0 + 0.12 * w, 1.0, 1.0 - 0.20 * w
    w = min((neutral - mired) / (neutral - 1e6 / 6500.0), 1.0)
    return 1.0 - 0.08 * w, 1.0, 1.0 + 0.08 * w


def frame_gain(light: LightSpec) -> F32:
    """Exposure times white balance, per channel."""
    out: F32 = np.asarray(white_balance(light.color_k), np.float32) * np.float32(
        2.0**light.exposure_ev
    )
    return out


def digital_zoom(img: F32, factor: float) -> F32:
    """Enlarge the centre of ``img`` by ``factor`` (bilinear), as a phone's zoom does."""
    h, w = img.shape[:2]

    def taps(n: int) -> tuple[NDArray[np.intp], F32]:
        src = (np.arange(n, dtype=np.float32) + 0.5 - n / 2) / np.float32(factor) + n / 2 - 0.5
        i0 = np.clip(np.floor(src).astype(np.intp), 0, n - 2)
        return i0, np.clip(src - i0, 0.0, 1.0).astype(np.float32)

    y0, wy = taps(h)
    x0, wx = taps(w)
    rows = img[y0] * (1.0 - wy)[:, None, None] + img[y0 + 1] * wy[:, None, None]
    out: F32 = rows[:, x0] * (1.0 - wx)[None, :, None] + rows[:, x0 + 1] * wx[None, :, None]
    return out


LUMA = np.asarray([0.299, 0.587, 0.114], np.float32)


def _blur_plane(plane: F32, k: F32) -> F32:
    """Separable convolution of one (H, W) plane with the symmetric kernel ``k``."""
    radius = len(k) // 2
    out = plane
    for axis in (0, 1):
        n = out.shape[axis]
        widths = [(radius, radius) if a == axis else (0, 0) for a in (0, 1)]
        pad = np.pad(out, widths, mode="edge")

        def tap(i: int, pad: F32 = pad, n: int = n, axis: int = axis) -> F32:
            return pad[i : i + n] if axis == 0 else pad[:, i : i + n]

        acc = tap(radius) * k[radius]
        tmp = np.empty_like(acc)
        for i in range(radius):  # the kernel is symmetric: add the pair, then weigh it
            np.add(tap(i), tap(2 * radius - i), out=tmp)
            tmp *= k[i]
            acc += tmp
        out = acc
    return out


def gaussian_blur(img: F32, sigma: float) -> F32:
    """Blur the picture's brightness with a Gaussian of ``sigma`` pixels (edges repeated).

    Only the luma is blurred (the colour is then shifted by the luma's change): the video's
    4:2:0 chroma is coarse anyway, and a third of the work keeps blurred clips cheap.
    """
    radius = max(1, math.ceil(2.0 * sigma))
    k = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2).astype(np.float32)
    k /= k.sum()
    luma = img @ LUMA
    delta = _blur_plane(luma, k)
    delta -= luma
    img += delta[..., None]
    return img


def _noise_bank(height: int, width: int, sigma: float, seed: int) -> F32:
    rng = np.random.default_rng([seed, 99])
    shape = (2, height + NOISE_PAD, width + NOISE_PAD, 3)
    return (rng.standard_normal(shape, dtype=np.float32) * np.float32(sigma) + 0.5).astype(
        np.float32
    )


def near_first(cam: Camera, caps: list[Capsule]) -> list[Capsule]:
    """Sort capsules nearest first: hidden ones are then rejected before any shading."""
    ends = np.array([(c.a, c.b) for c in caps], dtype=float).reshape(-1, 3)
    z_near = cam.to_camera(ends)[:, 2].reshape(-1, 2).max(axis=1)  # camera z: -depth
    order = np.argsort(-z_near, kind="stable")
    return [caps[int(k)] for k in order]


def render_scene_frames(scene: Scene, indices: Sequence[int] | None = None) -> Iterator[U8]:
    """Yield the clip's RGB uint8 frames, rendered lazily."""
    spec = scene.spec
    cam_spec, light = spec.camera, spec.light
    rooms: dict[int, Canvas] = {}
    lighting = figure_lighting(light)
    level = light.intensity * (light.ambient + 0.65 * (1.0 - light.ambient)) / 0.72
    gain255 = frame_gain(light) * np.float32(255.0)
    h, w = cam_spec.height, cam_spec.width
    noise = _noise_bank(h, w, cam_spec.noise_sigma, spec.seed)
    rng = np.random.default_rng([spec.seed, 98])
    clip = scene.clip
    for i in range(len(clip.states)) if indices is None else indices:
        seg = int(scene.segment[i])
        cam = scene.aimed[seg].camera
        if seg not in rooms:
            rooms[seg] = render_room(cam, spec.room, scene.geo, light)
        base = rooms[seg]
        # The person's coverage is not needed for pixels: the room's (unused) array takes it.
        canvas = Canvas(base.rgb.copy(), base.depth.copy(), base.person)
        caps = figure_capsules(clip.states[i], clip.place, scene.look)
        if scene.walker is not None and (walking := scene.walker.states[i]) is not None:
            caps += figure_capsules(walking[0], walking[1], scene.walker.look, person=False)
        draw_many(canvas, cam, near_first(cam, caps), True, lighting, coverage=False)
        box = scene.occluder[i]
        if box is not None:
            draw_box(canvas, cam, box, level)
        img = canvas.rgb
        if scene.zoom[i] != 1.0:
            img = digital_zoom(img, float(scene.zoom[i]))
        if cam_spec.blur_sigma > 0.0:
            img = gaussian_blur(img, cam_spec.blur_sigma)
        dy, dx = (int(k) for k in rng.integers(0, NOISE_PAD, size=2))
        grain = noise[int(rng.integers(0, 2)), dy : dy + h, dx : dx + w]
        np.multiply(img, gain255, out=img)
        np.add(img, grain, out=img)
        np.clip(img, 0.0, 255.0, out=img)
        yield img.astype(np.uint8)


def scene_masks(scene: Scene) -> list[NDArray[np.float32]]:
    """The person's silhouette per frame at 1/4 resolution (float32 0..1), unoccluded."""
    masks = []
    clip = scene.clip
    for i, st in enumerate(clip.states):
        fine = scene.camera(i).scaled(2 * MASK_SCALE)
        m = render_mask(figure_capsules(st, clip.place, scene.look), fine)
        hh, ww = (m.shape[0] // 2) * 2, (m.shape[1] // 2) * 2
        small = m[:hh, :ww].reshape(hh // 2, 2, ww // 2, 2).mean(axis=(1, 3))
        masks.append(small.astype(np.float32))
    return masks
