"""JPEG frames of the live WebSocket: encode (tests, benchmarks, clients) and decode (server).

OpenCV (imported lazily) does the work; :func:`decode_jpeg` checks the markers first so a
truncated or foreign upload is an :class:`~spinecoach.errors.InputError`, not a crash, and
reads the size from the header (:func:`jpeg_size`) before decoding, so a small file that
claims a huge picture (a 15,500 x 15,500 JPEG fits in 4 MB and decodes to 700 MB) is refused
without a byte of it being decoded.
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


MAX_FRAME_PIXELS = 4096 * 2160  # a 4K camera frame; webcams send 640 x 480 to 1920 x 1080
_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD,
                          0xCE, 0xCF})
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM, RSTn: no length field


def jpeg_size(data: bytes) -> tuple[int, int]:
    """Return ``(width, height)`` from a JPEG's frame header, without decoding it.

    Raises
    ------
    InputError
        When no frame header is found before the image data.
    """
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise InputError("malformed JPEG image: bad marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if marker in _SOF_MARKERS and pos + 9 <= len(data):
            height = int.from_bytes(data[pos + 5:pos + 7], "big")
            width = int.from_bytes(data[pos + 7:pos + 9], "big")
            return width, height
        if marker in (0xD9, 0xDA) or length < 2:  # end of image or scan data before a size
            break
        pos += 2 + length
    raise InputError("malformed JPEG image: no frame header")


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
    width, height = jpeg_size(data)
    if width * height > MAX_FRAME_PIXELS:
        raise InputError(f"the frame is {width} x {height} pixels; please send at most "
                         f"{MAX_FRAME_PIXELS:,} pixels (e.g. 1920 x 1080)")
    if width == 0 or height == 0:
        raise InputError("malformed JPEG image: it has no pixels")
    array = np.frombuffer(data, dtype=np.uint8)
    bgr = cv2.imdecode(array, cv2.IMREAD_COLOR)
    if bgr is None or bgr.ndim != 3 or bgr.size == 0:
        raise InputError("malformed JPEG image: it cannot be decoded")
    rgb: Image = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return rgb
