"""Ports: the small protocols that adapters implement and the core depends on.

Adapters (``pose``, ``storage``) implement these; ``web`` and ``cli`` build them and pass them
in.  Each real adapter has a fake beside it (e.g. ``pose.replay.ReplayEstimator``).
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Protocol, Self

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.pose import PoseFrame

Image = NDArray[np.uint8]


class Frame(Protocol):
    """One decoded video frame: RGB uint8 ``image`` (H, W, 3) captured at ``t_s``."""

    @property
    def t_s(self) -> float:
        """Capture time in seconds."""

    @property
    def image(self) -> Image:
        """RGB pixels."""


class FrameSource(Protocol):
    """A source of timestamped RGB frames: a video file or a webcam."""

    @property
    def fps(self) -> float:
        """Nominal frame rate (may be an average for variable-frame-rate files)."""

    @property
    def frame_count(self) -> int | None:
        """Number of frames if known in advance, else None (webcams)."""

    @property
    def width(self) -> int:
        """Frame width in pixels."""

    @property
    def height(self) -> int:
        """Frame height in pixels."""

    def __iter__(self) -> Iterator[Frame]:
        """Yield frames in capture order."""

    def close(self) -> None:
        """Release the underlying file or device."""


class PoseEstimator(Protocol):
    """Finds a person's BlazePose landmarks in an image."""

    def estimate(self, image: Image, t_s: float) -> PoseFrame:
        """Return the pose in ``image`` (all-NaN landmarks when nobody is found).

        ``t_s`` must increase from call to call (video mode tracking).
        """

    def close(self) -> None:
        """Release the model."""


class ClosedOnExit:
    """Base of every adapter holding a resource: ``with adapter:`` calls its ``close()``.

    ``close`` must be safe to call twice (a ``with`` block may follow an explicit close).
    """

    def close(self) -> None:
        """Release the resource (overridden by each adapter)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
