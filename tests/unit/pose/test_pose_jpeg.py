"""The JPEG codec of the live WebSocket."""

from __future__ import annotations

import time

import numpy as np
import pytest

from spinecoach.errors import InputError
from spinecoach.pose.jpeg import decode_jpeg, encode_jpeg, jpeg_size


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


def _claiming(size: tuple[int, int]) -> bytes:
    """A real small JPEG whose frame header claims another size."""
    data = bytearray(encode_jpeg(np.full((16, 16, 3), 90, dtype=np.uint8)))
    pos = 2
    while data[pos + 1] not in (0xC0, 0xC2):
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    data[pos + 5:pos + 7] = size[1].to_bytes(2, "big")
    data[pos + 7:pos + 9] = size[0].to_bytes(2, "big")
    return bytes(data)


def test_the_size_is_read_from_the_header() -> None:
    assert jpeg_size(encode_jpeg(np.zeros((48, 64, 3), dtype=np.uint8))) == (64, 48)
    assert jpeg_size(_claiming((15_500, 15_500))) == (15_500, 15_500)


def test_a_huge_frame_is_refused_before_it_is_decoded() -> None:
    started = time.perf_counter()
    with pytest.raises(InputError, match="15500 x 15500 pixels"):
        decode_jpeg(_claiming((15_500, 15_500)))
    assert time.perf_counter() - started < 0.5


def test_a_full_hd_frame_is_still_decoded() -> None:
    image = np.zeros((1080, 1920, 3), dtype=np.uint8)
    assert decode_jpeg(encode_jpeg(image)).shape == (1080, 1920, 3)


def test_a_jpeg_without_a_frame_header_is_refused() -> None:
    with pytest.raises(InputError, match="no frame header"):
        decode_jpeg(b"\xff\xd8\xff\xe0\x00\x04ab\xff\xd9")
