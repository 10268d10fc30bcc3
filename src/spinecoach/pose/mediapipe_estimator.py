"""MediaPipe BlazePose as a :class:`~spinecoach.session.ports.PoseEstimator`.

We use the legacy ``mediapipe.solutions.pose.Pose`` graph with ``model_complexity=1`` (the
"full" model, shipped inside the mediapipe wheel: it runs offline; complexity 0 and 2 try to
download their models and fail, so they are never used).  ``static_image_mode=False`` lets the
model track the person from frame to frame (one detector run, then a cheap ROI tracker).

``smooth_landmarks=False``: MediaPipe's own smoothing (a one-euro filter plus visibility
smoothing) adds lag that a coach counting reps and timing holds cannot afford; the ``signals``
layer smooths with less lag and knows about gaps.  The integration tests measure both settings
(see ``tests/integration/pose/test_mediapipe_estimator.py``).

The legacy graph times frames with its own counter, so it does not need ``t_s``; it is only
stamped on the returned :class:`~spinecoach.domain.pose.PoseFrame`.

Tracking state: in video mode the graph's only memory is the region of interest taken from
the previous frame's landmarks (none after a frame without a person, when it runs the person
detector again).  :meth:`MediaPipeEstimator.reset_tracking` forgets it by showing the graph one
blank frame; the next landmarks are bit-for-bit those of a freshly built graph (a test checks
this), which is what lets pose run on chunks of a video in several processes with results
that do not depend on how many (see :mod:`spinecoach.pose.stream`).

Small people: BlazePose's person detector sees the whole picture shrunk to 224x224, so a
person far from the camera, or lying across a portrait picture, is often never found (one
rendered plank in portrait was missed on every frame), although the landmark model handles
them well once it has a region.  With ``search_crops=True`` (the default), a frame on which
the whole picture shows nobody is tried again on one square crop (the candidates, in turn,
frame after frame: the short side's square at the middle, start and end of the long side,
then squares of three quarters of the short side at the same places).  Once a crop finds the
person, the following frames are processed in that crop, where the graph tracks as usual,
until the person is lost there; then the whole picture is tried again.  Landmarks and masks
are mapped back to the whole picture.  While the person is found on the whole picture nothing
changes: results are bit-for-bit those without the search, and the search costs one extra
inference on a frame without a person.  :data:`REVISION` names the estimator's behaviour, so
caches of its output can tell when it changed.

The model's C++ start-up chatter (TFLite's "Created TensorFlow Lite XNNPACK delegate", absl
warnings) is written straight to file descriptor 2.  With ``quiet=True`` (the default) stderr
is pointed at ``/dev/null`` while the graph starts (construction, which runs one blank warm-up
frame so that the graph's own threads finish opening the models inside the window, and the
first real frame: about 0.1 s in all); anything else the process writes to stderr in that
window is lost, so pass ``quiet=False`` when debugging.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.landmarks import N_LANDMARKS
from spinecoach.domain.pose import PoseFrame, PoseSequence, empty_pose
from spinecoach.errors import MissingExtraError
from spinecoach.session.ports import ClosedOnExit, FrameSource, Image, PoseEstimator

__all__ = [
    "REVISION", "MediaPipeEstimator", "estimate_source", "search_windows", "shrink_image",
    "shrunk_size", "to_sequence",
]

INSTALL_HINT = "pip install 'mediapipe==0.10.14'"
DEFAULT_MAX_SIDE_PX = 1280
_BLANK = np.zeros((64, 64, 3), dtype=np.uint8)
REVISION = "crops-1"  # changes whenever the estimator's output for a given picture changes
# Crop sides tried when the whole picture shows nobody, as fractions of its short side.
_CROP_FRACTIONS = (1.0, 0.75)

Window = tuple[int, int, int]  # x0, y0, side of a square crop, in the picture's pixels


def search_windows(width: int, height: int) -> list[Window]:
    """The square crops tried, in order, when a ``width`` x ``height`` picture shows nobody.

    For each side in :data:`_CROP_FRACTIONS` (of the short side): the middle of the long side,
    then its start and its end, each centred on the short side.  Crops equal to the whole
    picture and repeats are left out.
    """
    short = min(width, height)
    out: list[Window] = []
    for fraction in _CROP_FRACTIONS:
        side = max(1, round(short * fraction))
        span_x, span_y = width - side, height - side
        along_x = width >= height
        for where in (0.5, 0.0, 1.0):
            x0 = round(span_x * (where if along_x else 0.5))
            y0 = round(span_y * (0.5 if along_x else where))
            window = (x0, y0, side)
            if (side, side) != (width, height) and window not in out:
                out.append(window)
    return out


def _import_mediapipe_pose(lean: bool = False) -> Any:
    """Import ``mediapipe.solutions.pose`` or raise :class:`MissingExtraError`.

    Also installs one targeted warning filter: mediapipe 0.10.14 calls a protobuf API that
    warns "SymbolDatabase.GetPrototype() is deprecated" on every graph output.

    Parameters
    ----------
    lean
        Load the pose solution without running the ``__init__`` of the ``mediapipe`` and
        ``mediapipe.python.solutions`` packages, which import every solution, the Tasks API,
        OpenCV and matplotlib (0.6 s of CPU against 0.07 s).  The packages are then left as
        bare namespaces, so ``mediapipe.solutions`` no longer exists in this process: only the
        pose worker processes of :mod:`spinecoach.pose.pool`, which load nothing else, use it.
    """
    warnings.filterwarnings(
        "ignore", message=r"SymbolDatabase\.GetPrototype\(\) is deprecated", category=UserWarning
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if lean and "mediapipe" not in sys.modules:
                _register_bare_packages()
            from mediapipe.python.solutions import pose as mp_pose
    except ImportError as exc:
        raise MissingExtraError(
            f"MediaPipe is needed for pose estimation but cannot be imported ({exc}); "
            f"install it with: {INSTALL_HINT}"
        ) from exc
    return mp_pose


def _register_bare_packages() -> None:
    """Put ``mediapipe`` and its ``solutions`` package in ``sys.modules`` without their code."""
    import importlib.util
    import types

    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        return  # not installed: the import that follows raises ImportError
    root = Path(next(iter(spec.submodule_search_locations)))
    for name, folder in (("mediapipe", root), ("mediapipe.python.solutions",
                                               root / "python" / "solutions")):
        package = types.ModuleType(name, "namespace only (see _import_mediapipe_pose)")
        package.__path__ = [str(folder)]
        sys.modules[name] = package


@contextlib.contextmanager
def _quiet_stderr(enabled: bool) -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the duration (no-op when not enabled)."""
    if not enabled:
        yield
        return
    try:
        sys.stderr.flush()
        saved_fd = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        os.close(devnull)


def _check_options(
    mask_scale: float, detection: float, tracking: float, max_side_px: int | None
) -> None:
    """Raise ValueError for an out-of-range :class:`MediaPipeEstimator` option."""
    if not 0.0 < mask_scale <= 1.0:
        raise ValueError(f"mask_scale must be in (0, 1], got {mask_scale}")
    for name, value in (("min_detection_confidence", detection),
                        ("min_tracking_confidence", tracking)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {value}")
    if max_side_px is not None and max_side_px < 256:
        raise ValueError(f"max_side_px must be at least 256 (the model's input), got {max_side_px}")


def shrink_image(image: Image, max_side_px: int | None = DEFAULT_MAX_SIDE_PX) -> Image:
    """Shrink ``image`` (area interpolation) so its longer side is at most ``max_side_px``.

    Returns ``image`` itself when it is small enough or ``max_side_px`` is None.  The estimator
    does this to every image; a caller that moves frames between processes does it first, to
    move less, and passes the original size as ``full_size`` to
    :meth:`MediaPipeEstimator.estimate`.
    """
    height, width = image.shape[:2]
    size = shrunk_size(width, height, max_side_px)
    if size == (width, height):
        return image
    import cv2

    small: Image = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), np.uint8)
    return small


def shrunk_size(
    width: int, height: int, max_side_px: int | None = DEFAULT_MAX_SIDE_PX
) -> tuple[int, int]:
    """``(width, height)`` of a picture after :func:`shrink_image`."""
    if max_side_px is None or max(height, width) <= max_side_px:
        return width, height
    factor = max_side_px / max(height, width)
    return max(1, round(width * factor)), max(1, round(height * factor))


class MediaPipeEstimator(ClosedOnExit):
    """BlazePose (full) landmarks for each image; see the module docstring.

    Parameters
    ----------
    segmentation
        Also return the person's segmentation mask in :attr:`PoseFrame.mask`.
    mask_scale
        Scale factor applied to the mask (0 < mask_scale <= 1); a quarter-size mask is enough
        for silhouette geometry and keeps memory low.
    min_detection_confidence, min_tracking_confidence
        MediaPipe's thresholds (0..1) for finding a person and for keeping the track.
    max_side_px
        Images whose longer side exceeds this are shrunk (area interpolation, see
        :func:`shrink_image`) before inference; the model works at 256x256 internally, and
        handing it a full-HD frame costs about 30 ms instead of 20 ms at 720p.  Landmarks are
        normalised, so they are unaffected; ``width`` / ``height`` and the mask size still
        refer to the input image.  None disables shrinking.
    quiet
        Silence the model's native start-up logs (see the module docstring).
    lean_import
        Import MediaPipe's pose solution alone (see :func:`_import_mediapipe_pose`); for
        processes that do nothing but pose estimation.
    search_crops
        Look for a person the whole picture misses in square crops (see the module
        docstring).

    Raises
    ------
    MissingExtraError
        If MediaPipe cannot be imported.
    ValueError
        If a parameter is out of range.
    """

    def __init__(
        self,
        *,
        segmentation: bool = False,
        mask_scale: float = 0.25,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        max_side_px: int | None = DEFAULT_MAX_SIDE_PX,
        quiet: bool = True,
        lean_import: bool = False,
        search_crops: bool = True,
    ) -> None:
        _check_options(mask_scale, min_detection_confidence, min_tracking_confidence, max_side_px)
        mp_pose = _import_mediapipe_pose(lean_import)
        self._segmentation = segmentation
        self._mask_scale = mask_scale
        self._max_side_px = max_side_px
        self._quiet_pending = quiet
        with _quiet_stderr(quiet):
            self._model: Any = mp_pose.Pose(
                static_image_mode=False,
                model_complexity=1,
                smooth_landmarks=False,
                enable_segmentation=segmentation,
                smooth_segmentation=False,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )
            # The graph opens its calculators (and TFLite prints) on its own threads; one
            # blank frame waits for them, so the chatter falls inside the quiet window.
            self._model.process(_BLANK)
        self._tracking = False
        self._search_crops = search_crops
        self._window: Window | None = None  # the crop the person is tracked in, if any
        self._next_candidate = 0  # which search window the next empty frame tries

    @property
    def segmentation(self) -> bool:
        """True when the estimator returns segmentation masks."""
        return self._segmentation

    def estimate(
        self, image: Image, t_s: float, *, full_size: tuple[int, int] | None = None
    ) -> PoseFrame:
        """Find the person's landmarks in ``image``.

        Parameters
        ----------
        image
            RGB uint8 array of shape (H, W, 3).
        t_s
            Capture time in seconds (stamped on the result).
        full_size
            ``(width, height)`` of the picture that ``image`` was shrunk from with
            :func:`shrink_image`, if it was: the result then refers to that picture (its size,
            and the mask scaled from it), exactly as if the full picture had been passed.

        Returns
        -------
        PoseFrame
            Landmarks (33, 4): x, y normalised to the image, z, visibility; all NaN when nobody
            is found.  ``mask`` holds the scaled segmentation mask when segmentation is on.

        Raises
        ------
        ValueError
            If ``image`` is not an (H, W, 3) uint8 array, or the estimator is closed.
        """
        if self._model is None:
            raise ValueError("MediaPipeEstimator is closed")
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(
                f"expected an RGB uint8 (H, W, 3) image, got {image.shape} {image.dtype}"
            )
        width, height = full_size or (int(image.shape[1]), int(image.shape[0]))
        pixels = shrink_image(np.ascontiguousarray(image), self._max_side_px)
        px_h, px_w = pixels.shape[:2]
        results, window = None, self._window
        if window is not None:  # the person was last seen in this crop
            results = self._process(_crop(pixels, window))
            if results.pose_landmarks is None:
                self._window = window = None
        if window is None:
            results = self._process(pixels)
            nobody = results.pose_landmarks is None
            candidates = search_windows(px_w, px_h) if nobody and self._search_crops else []
            if candidates:
                tried = candidates[self._next_candidate % len(candidates)]
                self._next_candidate += 1
                in_crop = self._process(_crop(pixels, tried))
                if in_crop.pose_landmarks is not None:
                    results, self._window = in_crop, tried
                    window = tried
        assert results is not None
        self._tracking = results.pose_landmarks is not None
        landmarks = _landmarks_array(results.pose_landmarks)
        if window is not None and self._tracking:
            landmarks = _uncrop_landmarks(landmarks, window, px_w, px_h)
        mask = None
        if self._segmentation and results.segmentation_mask is not None:
            if window is None:
                mask = self._scale_mask(results.segmentation_mask, width, height)
            else:
                mask = self._uncrop_mask(results.segmentation_mask, window, px_w, px_h,
                                         width, height)
        return PoseFrame(float(t_s), landmarks, width, height, mask)

    def _process(self, pixels: Image) -> Any:
        """One run of the graph (quiet on the first one, see the module docstring)."""
        with _quiet_stderr(self._quiet_pending):
            results = self._model.process(np.ascontiguousarray(pixels))
        self._quiet_pending = False
        return results

    def _uncrop_mask(
        self, mask: NDArray[np.float32], window: Window, px_w: int, px_h: int,
        width: int, height: int,
    ) -> NDArray[np.float32]:
        """The crop's mask placed in an empty mask of the whole picture (scaled as usual)."""
        full = np.zeros((max(1, round(height * self._mask_scale)),
                         max(1, round(width * self._mask_scale))), np.float32)
        x0, y0, side = window
        fx, fy = full.shape[1] / px_w, full.shape[0] / px_h
        left, top = round(x0 * fx), round(y0 * fy)
        right = min(full.shape[1], round((x0 + side) * fx))
        bottom = min(full.shape[0], round((y0 + side) * fy))
        if right > left and bottom > top:
            import cv2

            part = cv2.resize(np.asarray(mask, np.float32), (right - left, bottom - top),
                              interpolation=cv2.INTER_AREA)
            full[top:bottom, left:right] = part
        return full

    def reset_tracking(self) -> None:
        """Forget the previous frame's region of interest: the next frame re-detects the person.

        Costs one inference on a blank frame, and nothing when the last frame showed nobody
        (the graph re-detects then anyway).  Afterwards the estimator gives bit-for-bit the
        results of a newly built one.

        Raises
        ------
        ValueError
            If the estimator is closed.
        """
        if self._model is None:
            raise ValueError("MediaPipeEstimator is closed")
        if self._tracking:
            self._model.process(_BLANK)
            self._tracking = False
        self._window = None
        self._next_candidate = 0

    def _scale_mask(
        self, mask: NDArray[np.float32], width: int, height: int
    ) -> NDArray[np.float32]:
        """Resize the mask to ``mask_scale`` times the input image size, as float32."""
        mask = np.asarray(mask, dtype=np.float32)
        size = (max(1, round(width * self._mask_scale)), max(1, round(height * self._mask_scale)))
        if (mask.shape[1], mask.shape[0]) == size:
            return mask.copy()
        import cv2

        scaled = np.asarray(cv2.resize(mask, size, interpolation=cv2.INTER_AREA), np.float32)
        return scaled

    def close(self) -> None:
        """Release the model (idempotent)."""
        if self._model is not None:
            self._model.close()
            self._model = None


def _crop(pixels: Image, window: Window) -> Image:
    x0, y0, side = window
    return pixels[y0:y0 + side, x0:x0 + side]


def _uncrop_landmarks(
    landmarks: NDArray[np.float64], window: Window, px_w: int, px_h: int
) -> NDArray[np.float64]:
    """Landmarks normalised to a crop, normalised to the whole picture instead.

    x and y are shifted and scaled; z, which MediaPipe scales like x, is scaled by the crop's
    width over the picture's; visibility is unchanged.
    """
    x0, y0, side = window
    out = landmarks.copy()
    out[:, 0] = (x0 + landmarks[:, 0] * side) / px_w
    out[:, 1] = (y0 + landmarks[:, 1] * side) / px_h
    out[:, 2] = landmarks[:, 2] * side / px_w
    return out


def _landmarks_array(pose_landmarks: Any) -> NDArray[np.float64]:
    """Convert MediaPipe's landmark list to a (33, 4) array (all NaN when None)."""
    if pose_landmarks is None:
        return empty_pose()
    points = pose_landmarks.landmark
    if len(points) != N_LANDMARKS:
        return empty_pose()
    return np.array([(p.x, p.y, p.z, p.visibility) for p in points], dtype=np.float64)


def estimate_source(
    source: FrameSource,
    estimator: PoseEstimator | None = None,
    *,
    segmentation: bool = False,
) -> Iterator[PoseFrame]:
    """Estimate the pose in every frame of ``source``, lazily.

    Parameters
    ----------
    source
        Frames to analyse (a video file, a webcam, a :class:`~spinecoach.pose.replay.
        ReplaySource`).  It is not closed here.
    estimator
        The estimator to use.  If None, a :class:`MediaPipeEstimator` is created (with
        ``segmentation``) and closed when the iteration ends.
    segmentation
        Passed to the :class:`MediaPipeEstimator` created when ``estimator`` is None.

    Yields
    ------
    PoseFrame
        One per frame, in order, stamped with the frame's ``t_s``.
    """
    owned = estimator is None
    active: PoseEstimator = (
        MediaPipeEstimator(segmentation=segmentation) if estimator is None else estimator
    )
    try:
        for frame in source:
            yield active.estimate(frame.image, frame.t_s)
    finally:
        if owned:
            active.close()


def to_sequence(frames: list[PoseFrame]) -> PoseSequence:
    """Stack pose frames into a :class:`PoseSequence` (masks are dropped).

    Raises
    ------
    ValueError
        If ``frames`` is empty or the frames disagree on the image size.
    """
    if not frames:
        raise ValueError("no frames to stack")
    sizes = {(f.width, f.height) for f in frames}
    if len(sizes) != 1:
        raise ValueError(f"frames have different image sizes: {sorted(sizes)}")
    t_s = np.array([f.t_s for f in frames], dtype=np.float64)
    landmarks = np.stack([f.landmarks for f in frames]).astype(np.float64)
    width, height = sizes.pop()
    return PoseSequence(t_s, landmarks, width, height)
