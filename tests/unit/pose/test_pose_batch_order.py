"""A batch starts its longest file first and still answers in the order it was given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spinecoach import compose
from spinecoach.compose import FileResult, FileTask, analyze_files, expected_work
from spinecoach.pose.video import read_header

from .conftest import write_video


def test_expected_work_grows_with_length_and_size(tmp_path: Path) -> None:
    short = write_video(tmp_path / "short.mp4", 15)
    long = write_video(tmp_path / "long.mp4", 60)
    big = write_video(tmp_path / "big.mp4", 15, width=640, height=480)
    assert expected_work(short, 15.0) < expected_work(long, 15.0)
    assert expected_work(short, 15.0) < expected_work(big, 15.0)  # more to decode
    assert expected_work(tmp_path / "table.csv", 15.0) == 0.0  # no pose work
    (tmp_path / "junk.mp4").write_bytes(b"not a video")
    assert expected_work(tmp_path / "junk.mp4", 15.0) == 0.0  # fails at once anyway


def test_read_header_gives_size_rate_and_length(tmp_path: Path) -> None:
    info = read_header(write_video(tmp_path / "v.mp4", 30, width=96, height=64))
    assert (info.width, info.height) == (96, 64)
    assert info.fps == pytest.approx(30.0, abs=0.1)
    assert info.duration_s == pytest.approx(1.0, abs=0.1)


def test_the_longest_file_starts_first_and_results_keep_the_task_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [write_video(tmp_path / f"{name}.mp4", n)
             for name, n in (("a_short", 10), ("b_long", 90), ("c_mid", 40))]
    started: list[str] = []

    def fake_task(task: FileTask, options: dict[str, Any]) -> FileResult:
        started.append(task.path.stem)  # one at a time: one worker, no pool
        return FileResult(task, wall_s=float(len(started)))

    monkeypatch.setattr(compose, "_analyze_task", fake_task)
    results = analyze_files([FileTask(p, "plank") for p in paths], workers=1)
    assert started == ["b_long", "c_mid", "a_short"]
    assert [r.task.path.stem for r in results] == ["a_short", "b_long", "c_mid"]
