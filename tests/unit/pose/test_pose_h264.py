"""The one H.264 writer: timed by ``t_s``, or by frame number for a constant-rate clip."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from spinecoach.pose.h264 import H264Writer


def _decoded_times(path: Path) -> list[float]:
    with av.open(str(path)) as container:
        return [float(frame.time) for frame in container.decode(video=0)]


@pytest.mark.parametrize("fps", [30.0, 29.97])
def test_constant_rate_frames_are_timed_by_their_number(tmp_path: Path, fps: float) -> None:
    image = np.full((48, 64, 3), 90, np.uint8)
    path = tmp_path / "clip.mp4"
    with H264Writer(path, fps, 64, 48, constant_rate=True, container_format="mp4") as writer:
        for _ in range(8):
            writer.write_raw(image, t_s=123.0)  # ignored: the frame number decides
    rate = 30.0 if fps == 30.0 else 30000 / 1001
    assert _decoded_times(path) == pytest.approx([i / rate for i in range(8)], abs=1e-6)


def test_frames_are_timed_by_t_s_by_default(tmp_path: Path) -> None:
    image = np.full((48, 64, 3), 90, np.uint8)
    path = tmp_path / "live.mp4"
    with H264Writer(path, 30.0, 64, 48) as writer:
        for t_s in (0.0, 0.05, 0.05, 0.2):
            writer.write_raw(image, t_s=t_s)
    assert _decoded_times(path) == pytest.approx([0.0, 0.05, 0.051, 0.2])
