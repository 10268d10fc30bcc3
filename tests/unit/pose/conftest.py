"""Fixtures for the pose adapter tests: test media generated at test time (never committed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from spinecoach.domain.landmarks import N_LANDMARKS
from spinecoach.domain.pose import PoseSequence

BAR_COLOURS = np.array(
    [
        (255, 255, 255),
        (255, 255, 0),
        (0, 255, 255),
        (0, 255, 0),
        (255, 0, 255),
        (255, 0, 0),
        (0, 0, 255),
        (0, 0, 0),
    ],
    dtype=np.uint8,
)


def colour_bars(width: int, height: int, shift: int = 0) -> np.ndarray:
    """SMPTE-like vertical colour bars, rolled by ``shift`` pixels (so frames differ)."""
    columns = (np.arange(width) * len(BAR_COLOURS)) // width
    image = np.broadcast_to(BAR_COLOURS[columns], (height, width, 3))
    return np.ascontiguousarray(np.roll(image, shift, axis=1))


def write_video(
    path: Path,
    n_frames: int = 10,
    *,
    width: int = 64,
    height: int = 48,
    pts_ms: Sequence[int] | None = None,
    options: dict[str, str] | None = None,
    rotation_deg: int | None = None,
    codec: str = "libx264",
) -> Path:
    """Write ``n_frames`` of colour bars; ``pts_ms`` gives each frame's time in ms."""
    import av

    tb = Fraction(1, 1000)
    with av.open(str(path), mode="w", options=options or {}) as container:
        stream = container.add_stream(codec, rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = tb
        stream.codec_context.time_base = tb
        if rotation_deg is not None:
            stream.set_display_rotation(rotation_deg)
        for i in range(n_frames):
            frame = av.VideoFrame.from_ndarray(colour_bars(width, height, 2 * i), format="rgb24")
            frame.pts = pts_ms[i] if pts_ms is not None else round(i * 1000 / 30)
            frame.time_base = tb
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


@pytest.fixture
def make_video(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``make_video("name.mp4", n_frames, **options)`` -> path in tmp_path."""

    def factory(name: str, n_frames: int = 10, **kwargs: object) -> Path:
        return write_video(tmp_path / name, n_frames, **kwargs)  # type: ignore[arg-type]

    return factory


def random_sequence(
    n_frames: int = 12, *, seed: int = 0, fps: float = 30.0, width: int = 640, height: int = 480
) -> PoseSequence:
    """A random PoseSequence with a few missing landmarks."""
    rng = np.random.default_rng(seed)
    landmarks = rng.random((n_frames, N_LANDMARKS, 4))
    landmarks[:, :, 2] -= 0.5
    landmarks[1, 5] = np.nan
    landmarks[2] = np.nan
    t_s = np.arange(n_frames) / fps + rng.random() * 1e-3
    return PoseSequence(t_s, landmarks, width, height)


@pytest.fixture
def sequence() -> PoseSequence:
    """A small random recording."""
    return random_sequence()


@pytest.fixture
def make_sequence() -> Callable[..., PoseSequence]:
    """Factory for random recordings (see :func:`random_sequence`)."""
    return random_sequence
