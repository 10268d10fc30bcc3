"""Pictures of each exercise position, drawn with the project's own synthetic figure.

Rendering takes a moment, so each picture is rendered once, on first request, and cached as a
PNG (encoded by Pillow) in the data directory.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from spinecoach.errors import MissingExtraError
from spinecoach.session.ports import Image

PictureRenderer = Callable[[str, str], Image]


def encode_png(rgb: Image) -> bytes:
    """Encode an RGB uint8 ``(H, W, 3)`` array as PNG bytes."""
    from PIL import Image as PillowImage

    buffer = io.BytesIO()
    PillowImage.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8), mode="RGB").save(
        buffer, format="PNG")
    return buffer.getvalue()


def synth_renderer(exercise_id: str, phase: str) -> Image:
    """Render a position with :func:`spinecoach.synth.render_pose_image` (imported lazily)."""
    try:
        from spinecoach.synth import render_pose_image
    except ImportError as exc:
        raise MissingExtraError("the synthetic figure renderer is not installed") from exc
    image: Image = render_pose_image(exercise_id, phase, width=480, height=320, facing="left")
    return image


class PictureService:
    """Renders and caches exercise pictures."""

    def __init__(self, cache_dir: Path, renderer: PictureRenderer = synth_renderer) -> None:
        self.cache_dir = cache_dir
        self.renderer = renderer
        self._lock = threading.Lock()

    def png(self, exercise_id: str, phase: str) -> bytes:
        """Return the PNG of ``exercise_id`` at ``phase`` (``start`` or ``target``)."""
        path = self.cache_dir / f"{exercise_id}-{phase}.png"
        with self._lock:
            if path.exists():
                return path.read_bytes()
            data = encode_png(self.renderer(exercise_id, phase))
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            return data
