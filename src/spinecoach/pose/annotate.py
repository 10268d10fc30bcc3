"""Annotated videos: the coach's overlay (:mod:`spinecoach.pose.overlay`) drawn on each frame,
encoded by :class:`~spinecoach.pose.h264.H264Writer` in an ``.mp4`` that browsers play."""

from __future__ import annotations

from spinecoach.domain.pose import PoseFrame
from spinecoach.pose.h264 import H264Writer
from spinecoach.pose.overlay import LOST_MESSAGE, draw_overlay
from spinecoach.session.ports import Image
from spinecoach.tracking.state import FrameState

__all__ = ["AnnotatedVideoWriter", "LOST_MESSAGE", "draw_overlay"]


class AnnotatedVideoWriter(H264Writer):
    """Write frames with the coach's overlay to a browser-playable H.264 ``.mp4``."""

    def write(self, image_rgb: Image, pose: PoseFrame, state: FrameState | None = None) -> None:
        """Draw the overlay for ``pose`` / ``state`` on ``image_rgb`` and encode it.

        The frame is timed by ``pose.t_s``.
        """
        self.write_raw(draw_overlay(image_rgb, pose, state), pose.t_s)
