"""Default adapters for a real server: the tracker, MediaPipe, JPEG decoding, the database.

Everything is imported lazily, inside the functions, so importing :mod:`spinecoach.web` stays
cheap and a missing part fails with a clear message only when it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spinecoach.session.ports import Image, PoseEstimator
from spinecoach.settings import Settings
from spinecoach.web.live import Tracker

if TYPE_CHECKING:
    from spinecoach.storage import SqlRepository


def key_angle(exercise_id: str) -> str | None:
    """The measure the exercise's tracker shows first (what a result page plots), or None."""
    tracker = new_tracker(exercise_id, None)
    angles = getattr(tracker, "key_angles", ())
    return str(angles[0]) if angles else None


def new_tracker(exercise_id: str, target_hold_s: float | None) -> Tracker:
    """Create the exercise's tracker for one set."""
    from spinecoach.domain.exercises import get_exercise
    from spinecoach.tracking.engine import create_tracker

    tracker: Tracker = create_tracker(get_exercise(exercise_id), target_hold_s=target_hold_s)
    return tracker


def mediapipe_estimator(exercise_id: str) -> PoseEstimator:
    """Create a BlazePose estimator for one set (video mode).

    The segmentation mask costs time, so it is computed only for an exercise whose tracker
    uses it: the hip hinge's lumbar-arch stop rule is judged from the body silhouette.
    """
    from spinecoach.compose import default_estimator, needs_mask

    return default_estimator(needs_mask(exercise_id))


def decode_jpeg(data: bytes) -> Image:
    """Decode a JPEG into RGB pixels (raises ``InputError`` when it is not one)."""
    from spinecoach.pose.jpeg import decode_jpeg as decode

    image: Image = decode(data)
    return image


def open_database(settings: Settings) -> SqlRepository:
    """Open (create and migrate on first use) the configured database."""
    from spinecoach.storage import open_repository

    return open_repository(settings)
