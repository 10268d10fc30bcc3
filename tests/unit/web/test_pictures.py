"""Exercise pictures: PNG (via Pillow), rendered once and then read from the cache."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from spinecoach.web.pictures import PictureService, encode_png


def test_png_round_trip() -> None:
    rgb = np.zeros((5, 7, 3), np.uint8)
    rgb[1, 2] = (10, 200, 30)
    data = encode_png(rgb)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert (np.asarray(Image.open(io.BytesIO(data))) == rgb).all()


def test_a_picture_is_rendered_once(tmp_path: Path) -> None:
    calls: list[tuple[str, str]] = []

    def render(exercise_id: str, phase: str) -> np.ndarray:
        calls.append((exercise_id, phase))
        return np.full((4, 4, 3), 128, np.uint8)

    service = PictureService(tmp_path, render)
    assert service.png("bridge", "start") == service.png("bridge", "start")
    assert calls == [("bridge", "start")] and (tmp_path / "bridge-start.png").exists()
