"""The pose data that flows from the pose adapters into the core.

A :class:`PoseFrame` is one timestamped pose in BlazePose layout (see ``landmarks``); a
:class:`PoseSequence` is a whole recording as arrays, for batch analysis and replay.
Frames where the model found nobody carry an all-NaN array.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.landmarks import N_LANDMARKS

FloatArray = NDArray[np.float64]


def empty_pose() -> FloatArray:
    """Return an all-NaN ``(33, 4)`` pose: nobody detected."""
    return np.full((N_LANDMARKS, 4), np.nan)


@dataclass(frozen=True)
class PoseFrame:
    """One pose at one instant.

    Attributes
    ----------
    t_s
        Capture time in seconds from the start of the recording / stream.
    landmarks
        ``(33, 4)`` array of x, y (normalised to width/height), z, visibility; NaN = missing.
    width, height
        Pixel size of the image the landmarks were found in (angles are computed in pixels,
        so the aspect ratio matters).
    mask
        Optional segmentation mask (H', W') float32 in 0..1, when the estimator provides one.
    """

    t_s: float
    landmarks: FloatArray
    width: int
    height: int
    mask: NDArray[np.float32] | None = field(default=None, compare=False, repr=False)

    @property
    def detected(self) -> bool:
        """True if the model found a person in this frame."""
        return bool(np.isfinite(self.landmarks[:, 0]).any())


@dataclass(frozen=True)
class PoseSequence:
    """A recording's poses as arrays: ``t_s`` (N,) and ``landmarks`` (N, 33, 4)."""

    t_s: FloatArray
    landmarks: FloatArray
    width: int
    height: int

    def __post_init__(self) -> None:
        """Check the shapes agree."""
        if self.landmarks.ndim != 3 or self.landmarks.shape[1:] != (N_LANDMARKS, 4):
            raise ValueError(f"landmarks must have shape (N, 33, 4), got {self.landmarks.shape}")
        if self.t_s.shape != (self.landmarks.shape[0],):
            raise ValueError("t_s and landmarks disagree on the number of frames")

    def __len__(self) -> int:
        """Number of frames."""
        return int(self.t_s.shape[0])

    def frames(self) -> list[PoseFrame]:
        """Return the sequence as a list of :class:`PoseFrame`."""
        return [
            PoseFrame(float(t), self.landmarks[i], self.width, self.height)
            for i, t in enumerate(self.t_s)
        ]
