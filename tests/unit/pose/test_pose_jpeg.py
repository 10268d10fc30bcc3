"""The JPEG codec of the live WebSocket."""

from __future__ import annotations

import numpy as np
import pytest

from spinecoach.errors import InputError
from spinecoach.pose.jpeg import decode_jpeg, encode_jpeg


def test_jpeg_round_trip() -> None:
    image = np.zeros((48, 64, 3), np.uint8)
    image[:, :32] = (200, 30, 30)
    data = encode_jpeg(image, quality=95)
    assert data[:3] == b"\xff\xd8\xff"
    back = decode_jpeg(data)
    assert back.shape == image.shape and back.dtype == np.uint8
    assert np.abs(back.astype(int) - image.astype(int)).mean() < 4
    assert back[10, 5, 0] > 150 and back[10, 5, 2] < 80  # RGB order kept


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", b"\xff\xd8\xff\xe0" + b"\x00" * 50, b"\x89PNG\r\n\x1a\n" + b"\x00" * 20],
)
def test_malformed_jpeg_raises_input_error(data: bytes) -> None:
    with pytest.raises(InputError):
        decode_jpeg(data)


def test_truncated_jpeg_raises_input_error() -> None:
    data = encode_jpeg(np.full((64, 64, 3), 128, np.uint8))
    with pytest.raises(InputError):
        decode_jpeg(data[: len(data) // 2])
