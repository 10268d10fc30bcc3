"""JPEG frames of the live WebSocket: encode (tests, benchmarks, clients) and decode (server).

OpenCV (imported lazily) does the work; :func:`decode_jpeg` checks the markers first so a
truncated or foreign upload is an :class:`~spinecoach.errors.InputError`, not a crash.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spinecoach.errors import InputError
from spinecoach.session.ports import Image


def _cv2() -> Any:
    """Import OpenCV lazily."""
    import cv2

    return cv2


def encode_jpeg(image: Image, *, quality: int = 80) -> bytes:
    """Encode an RGB uint8 image as JPEG bytes (``quality`` 0..100)."""
    cv2 = _cv2()
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an RGB uint8 (H, W, 3) image, got {image.shape} {image.dtype}")
    ok, buffer = cv2.imencode(
        ".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, int(quality)]
    )
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(buffer.tobytes())


def decode_jpeg(data: bytes) -> Image:
    """Decode JPEG bytes to an RGB uint8 (H, W, 3) image.

    Raises
    ------
    InputError
        If ``data`` is empty or not a decodable JPEG.
    """
    cv2 = _cv2()
    if not data:
        raise InputError("empty image data")
    if data[:3] != b"\xff\xd8\xff":
        raise InputError("not a JPEG image (missing the JPEG start marker)")
    if data.rfind(b"\xff\xd9") < 3:
        raise InputError("malformed JPEG image: truncated (no end-of-image marker)")
    array = np.frombuffer(data, dtype=np.uint8)
    bgr = cv2.imdecode(array, cv2.IMREAD_COLOR)
    if bgr is None or bgr.ndim != 3 or bgr.size == 0:
        raise InputError("malformed JPEG image: it cannot be decoded")
    rgb: Image = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return rgb
