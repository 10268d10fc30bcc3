"""Drawing the coach's view on a frame (used by ``annotate`` and the web app's live loop).

:func:`draw_overlay` draws, on a copy of an RGB image: the skeleton (``SKELETON_EDGES``; the
person's left side orange, right side blue, grey while tracking is lost), the key angles next
to their joints (or in the panel when a key names no joint), a panel with the phase and the
rep counter (per side when the exercise counts sides), a ring for the hold timer
(``hold_s / target_hold_s``), and a banner with the most important message: a stop, "I can't
see you - move into the frame" when tracking is lost, the set-up problem, the cue, or the
active faults.  OpenCV's built-in fonts are ASCII only, so text is transliterated (an em dash
becomes " - ").
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

import numpy as np

from spinecoach.domain.landmarks import SIDED_JOINTS, SKELETON_EDGES, Landmark, Side, sided
from spinecoach.domain.pose import FloatArray, PoseFrame
from spinecoach.session.ports import Image
from spinecoach.tracking.base import LOST_MESSAGE
from spinecoach.tracking.state import FrameState, Tracking

__all__ = ["LOST_MESSAGE", "draw_overlay"]

MIN_VISIBILITY = 0.5

_Colour = tuple[int, int, int]
_LEFT: _Colour = (255, 140, 0)
_RIGHT: _Colour = (0, 160, 255)
_CENTRE: _Colour = (235, 235, 235)
_LOST: _Colour = (150, 150, 150)
_WHITE: _Colour = (255, 255, 255)
_GOOD: _Colour = (40, 200, 90)
_WARN: _Colour = (245, 170, 0)
_BAD: _Colour = (220, 40, 40)
_PANEL: _Colour = (20, 20, 20)


def _cv2() -> Any:
    """Import OpenCV lazily."""
    import cv2

    return cv2


def _ascii(text: str) -> str:
    """Transliterate ``text`` to what OpenCV's Hershey fonts can draw."""
    text = text.replace("\u2014", " - ").replace("\u2013", "-").replace("\u2019", "'")
    text = text.replace("\u00b0", " deg")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


class _Canvas:
    """An RGB image plus a scale factor so sizes follow the image height."""

    def __init__(self, image: Image) -> None:
        self.image = image
        self.cv2 = _cv2()
        self.scale = max(0.35, image.shape[0] / 720.0)
        self.font = self.cv2.FONT_HERSHEY_SIMPLEX

    def px(self, value: float) -> int:
        """A length in pixels for a design length at 720p."""
        return max(1, int(round(value * self.scale)))

    def text_size(self, text: str, size: float) -> tuple[int, int]:
        """(width, height) of ``text`` at font ``size`` (720p units)."""
        (width, height), _ = self.cv2.getTextSize(text, self.font, size * self.scale, self.px(2))
        return int(width), int(height)

    def text(self, text: str, origin: tuple[int, int], size: float, colour: _Colour) -> None:
        """Draw ``text`` with a dark drop shadow so it reads on any background."""
        text = _ascii(text)
        offset = self.px(2)
        shadow_origin = (origin[0] + offset, origin[1] + offset)
        for at, col in ((shadow_origin, _PANEL), (origin, colour)):
            self.cv2.putText(
                self.image,
                text,
                at,
                self.font,
                size * self.scale,
                col,
                self.px(2),
                self.cv2.LINE_AA,
            )

    def box(
        self,
        top_left: tuple[int, int],
        bottom_right: tuple[int, int],
        colour: _Colour,
        alpha: float,
    ) -> None:
        """Fill a rectangle blended over the image with opacity ``alpha``."""
        height, width = self.image.shape[:2]
        x0, y0 = max(0, top_left[0]), max(0, top_left[1])
        x1, y1 = min(width, bottom_right[0]), min(height, bottom_right[1])
        if x1 <= x0 or y1 <= y0:
            return
        region = self.image[y0:y1, x0:x1]
        self.cv2.convertScaleAbs(region, dst=region, alpha=1.0 - alpha)
        self.cv2.add(region, (*(c * alpha for c in colour), 0.0), dst=region)


def _pixels(pose: PoseFrame, height: int, width: int) -> dict[Landmark, tuple[int, int]]:
    """Pixel positions of the landmarks that are present and visible enough."""
    points: dict[Landmark, tuple[int, int]] = {}
    landmarks = pose.landmarks
    for landmark in Landmark:
        x, y, _, visibility = landmarks[landmark]
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        if math.isfinite(visibility) and visibility < MIN_VISIBILITY:
            continue
        points[landmark] = (round(x * width), round(y * height))
    return points


def _side_colour(landmark: Landmark) -> _Colour:
    """Orange for the person's left, blue for the right, white for the face midline."""
    if landmark.name.startswith("LEFT_"):
        return _LEFT
    if landmark.name.startswith("RIGHT_"):
        return _RIGHT
    return _CENTRE


def _draw_skeleton(canvas: _Canvas, points: dict[Landmark, tuple[int, int]], lost: bool) -> None:
    """Draw the skeleton edges and joints."""
    cv2 = canvas.cv2
    for start, end in SKELETON_EDGES:
        if start in points and end in points:
            colour = (
                _LOST if lost else _side_colour(end if start.name[:4] != end.name[:4] else start)
            )
            cv2.line(canvas.image, points[start], points[end], colour, canvas.px(4), cv2.LINE_AA)
    for landmark, point in points.items():
        colour = _LOST if lost else _side_colour(landmark)
        cv2.circle(canvas.image, point, canvas.px(6), _WHITE, -1, cv2.LINE_AA)
        cv2.circle(canvas.image, point, canvas.px(4), colour, -1, cv2.LINE_AA)


def _angle_anchor(key: str, landmarks: FloatArray) -> Landmark | None:
    """The joint of an angle key ``[left_|right_]<joint>_deg`` (``"knee_deg"``), else None.

    Without a side, the better-seen side is used (the trackers measure on the near side).
    Other keys (``"line_dev_deg"``, ``"hip_lift"``) belong to no single joint.
    """
    if not key.endswith("_deg"):
        return None
    name = key.lower().removesuffix("_deg")
    for side in Side:
        prefix = f"{side.label}_"
        if name.startswith(prefix) and name[len(prefix) :] in SIDED_JOINTS:
            return sided(name[len(prefix) :], side)
    if name not in SIDED_JOINTS:
        return None
    left, right = sided(name, Side.LEFT), sided(name, Side.RIGHT)
    left_v, right_v = landmarks[left, 3], landmarks[right, 3]
    return right if np.nan_to_num(right_v) > np.nan_to_num(left_v) else left


def _angle_label(key: str, value: float) -> str:
    """``"knee 92"`` for ``("left_knee_deg", 92.4)``."""
    label = key.removesuffix("_deg").replace("_", " ")
    return f"{label} {value:.0f}" if key.endswith("_deg") else f"{label} {value:.2f}"


def _draw_angles(
    canvas: _Canvas,
    state: FrameState,
    pose: PoseFrame,
    points: dict[Landmark, tuple[int, int]],
) -> list[str]:
    """Draw angles next to their joints; return the labels that found no joint."""
    unplaced: list[str] = []
    for key, value in state.angles.items():
        if not math.isfinite(value) or (state.key_angles and key not in state.key_angles):
            continue
        label = _angle_label(key, value)
        anchor = _angle_anchor(key, pose.landmarks)
        if anchor is None or anchor not in points:
            unplaced.append(label)
            continue
        x, y = points[anchor]
        canvas.text(f"{value:.0f}", (x + canvas.px(12), y - canvas.px(10)), 0.8, _WHITE)
    return unplaced


def _panel_lines(state: FrameState, extra: list[str]) -> list[str]:
    """The text lines of the status panel."""
    lines = [f"phase: {state.phase.value}"]
    if any(state.reps_by_side.values()):  # sided exercises once a side has counted
        sides = "  ".join(
            f"{side[:1].upper()} {n}" for side, n in sorted(state.reps_by_side.items())
        )
        lines.append(f"reps: {state.reps}  ({sides})")
    else:
        lines.append(f"reps: {state.reps}")
    return lines + extra


def _draw_panel(canvas: _Canvas, lines: list[str]) -> None:
    """Draw the status panel in the top-left corner."""
    size = 0.75
    line_h = canvas.text_size("Ag", size)[1] + canvas.px(14)
    width = max(canvas.text_size(_ascii(line), size)[0] for line in lines) + canvas.px(24)
    pad = canvas.px(10)
    canvas.box((pad, pad), (pad + width, pad + line_h * len(lines) + canvas.px(10)), _PANEL, 0.55)
    for i, line in enumerate(lines):
        canvas.text(line, (pad + canvas.px(12), pad + line_h * (i + 1)), size, _WHITE)


def _draw_hold_ring(canvas: _Canvas, hold_s: float, target_hold_s: float | None) -> None:
    """Draw the hold timer as a ring in the top-right corner."""
    if target_hold_s is None and hold_s <= 0:
        return
    cv2 = canvas.cv2
    radius = canvas.px(46)
    centre = (canvas.image.shape[1] - radius - canvas.px(24), radius + canvas.px(24))
    fraction = 1.0 if not target_hold_s else min(1.0, max(0.0, hold_s / target_hold_s))
    done = target_hold_s is not None and hold_s >= target_hold_s
    cv2.circle(canvas.image, centre, radius, _PANEL, canvas.px(12), cv2.LINE_AA)
    if fraction > 0:
        cv2.ellipse(
            canvas.image,
            centre,
            (radius, radius),
            -90,
            0,
            360 * fraction,
            _GOOD if done else _WARN,
            canvas.px(10),
            cv2.LINE_AA,
        )
    label = f"{hold_s:.1f}" if target_hold_s is None else f"{hold_s:.1f}/{target_hold_s:.0f}"
    width, height = canvas.text_size(label, 0.6)
    canvas.text(label, (centre[0] - width // 2, centre[1] + height // 2), 0.6, _WHITE)
    canvas.text(
        "hold s",
        (centre[0] - canvas.text_size("hold s", 0.5)[0] // 2, centre[1] + radius + canvas.px(26)),
        0.5,
        _WHITE,
    )


def _banner_message(state: FrameState) -> tuple[str, _Colour] | None:
    """The single most important message for the banner and its colour."""
    if state.stop is not None:
        return f"STOP: {state.stop.message}", _BAD
    if state.tracking is Tracking.LOST:
        return state.setup_problem or LOST_MESSAGE, _BAD
    if state.tracking is Tracking.SETUP:
        return state.setup_problem or "Get into the start position, side-on to the camera", _WARN
    if state.cue:
        return state.cue, _WARN
    if state.faults:
        return ", ".join(f.replace("_", " ") for f in state.faults), _WARN
    return None


def _draw_banner(canvas: _Canvas, message: str, colour: _Colour) -> None:
    """Draw ``message`` in a coloured banner across the bottom of the image."""
    height, width = canvas.image.shape[:2]
    size = 0.9
    text = _ascii(message)
    while size > 0.4 and canvas.text_size(text, size)[0] > width - canvas.px(40):
        size -= 0.05
    text_w, text_h = canvas.text_size(text, size)
    bar_h = text_h + canvas.px(30)
    canvas.box((0, height - bar_h), (width, height), colour, 0.75)
    canvas.text(text, ((width - text_w) // 2, height - (bar_h - text_h) // 2), size, _WHITE)


def draw_overlay(image: Image, pose: PoseFrame, state: FrameState | None = None) -> Image:
    """Draw the coach's overlay on a copy of ``image``.

    Parameters
    ----------
    image
        RGB uint8 (H, W, 3).  Not modified.
    pose
        The landmarks found in ``image`` (normalised coordinates are scaled to its size).
    state
        The tracker's state for this frame; None draws the skeleton only.

    Returns
    -------
    numpy.ndarray
        A new RGB uint8 image with the overlay.
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an RGB uint8 (H, W, 3) image, got {image.shape} {image.dtype}")
    canvas = _Canvas(np.array(image, dtype=np.uint8, copy=True, order="C"))
    height, width = canvas.image.shape[:2]
    points = _pixels(pose, height, width)
    lost = state is not None and state.tracking is Tracking.LOST
    _draw_skeleton(canvas, points, lost)
    if state is None:
        return canvas.image
    unplaced = [] if lost else _draw_angles(canvas, state, pose, points)
    _draw_panel(canvas, _panel_lines(state, unplaced))
    _draw_hold_ring(canvas, state.hold_s, state.target_hold_s)
    banner = _banner_message(state)
    if banner is not None:
        _draw_banner(canvas, *banner)
    return canvas.image
