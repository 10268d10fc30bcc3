"""The upload analyzer keeps one pose pool for every upload (with the probe fake)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from spinecoach.pose.pool import PosePool
from spinecoach.pose.replay import ProbeEstimator
from spinecoach.web.jobs import EngineAnalyzer


def write_video(path: Path, frames: int) -> Path:
    rng = np.random.default_rng(0)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(frames):
            image = rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(stream.encode(None))
    return path


def test_uploads_share_one_pool_until_closed(tmp_path: Path) -> None:
    started: list[PosePool] = []

    def start() -> PosePool:
        pool = PosePool(2, estimator_factory=ProbeEstimator)
        started.append(pool)
        return pool

    analyzer = EngineAnalyzer(pool_factory=start)
    video = write_video(tmp_path / "bars.mp4", 12)
    progress: list[float] = []
    reports = [analyzer(video, "bridge", progress.append) for _ in range(2)]
    assert len(started) == 1 and not started[0].broken
    assert all(r.run is not None and r.run.pose_workers == 2 for r in reports)
    assert reports[0].tracking == reports[1].tracking and progress[-1] == 1.0
    analyzer.close()
    assert started[0].broken  # closed; the next upload starts a new pool
    analyzer(video, "bridge", progress.append)
    assert len(started) == 2
    analyzer.close()
