"""Tiny renders: images are non-empty and the written videos decode with the right length."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import av
import numpy as np
import pytest

from spinecoach.cli import main
from spinecoach.errors import InputError
from spinecoach.synth import render_clip, render_frames, render_pose_image


def test_render_frames_are_images_with_a_person() -> None:
    frames = list(islice(render_frames("ball-squat", width=160, height=120), 10))
    assert len(frames) == 10
    for frame in frames:
        assert frame.shape == (120, 160, 3) and frame.dtype == np.uint8
        assert frame.std() > 20.0
    # The person's red shirt is in the picture.
    red = (frames[0][..., 0].astype(int) - frames[0][..., 1]) > 80
    assert red.sum() > 20


@pytest.mark.parametrize("fmt", ["mp4", "y4m", "mjpeg"])
def test_render_clip_decodes(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"clip.{fmt}"
    truth = render_clip("plank", "good", out, fps=5.0, width=160, height=120, fmt=fmt)
    with av.open(str(out)) as container:
        n = sum(1 for _ in container.decode(video=0))
    assert n == truth.frames == round(truth.duration_s * 5.0)
    saved = json.loads(Path(f"{out}.truth.json").read_text())
    assert saved["frames"] == truth.frames and saved["exercise"] == "plank"


def test_odd_size_rejected_for_mp4(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        render_clip("plank", "good", tmp_path / "x.mp4", width=161, height=120, fps=2.0)


@pytest.mark.parametrize("phase", ["start", "target"])
def test_render_pose_image(phase: str) -> None:
    img = render_pose_image("bridge", phase, 200, 150, "right")
    assert img.shape == (150, 200, 3) and img.std() > 20.0


def test_pose_images_differ_between_phases() -> None:
    start = render_pose_image("ball-squat", "start", 160, 120).astype(int)
    target = render_pose_image("ball-squat", "target", 160, 120).astype(int)
    assert np.abs(start - target).mean() > 2.0


def test_cli_synth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b.y4m"
    code = main(
        [
            "synth",
            "bridge",
            "--scenario",
            "hold_too_short",
            "--out",
            str(out),
            "--size",
            "96x64",
            "--fps",
            "2",
            "--format",
            "y4m",
            "--reps",
            "1",
        ]
    )
    assert code == 0
    assert out.exists() and Path(f"{out}.truth.json").exists()
    assert "wrote" in capsys.readouterr().out


def test_cli_unknown_exercise(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "yoga"]) == 2
    assert "unknown exercise" in capsys.readouterr().err


def test_render_selected_frames_and_seed() -> None:
    a = next(render_frames("plank", width=96, height=64, frames=[40], seed=1)).astype(int)
    b = next(render_frames("plank", width=96, height=64, frames=[40], seed=2)).astype(int)
    diff = np.abs(a - b)
    assert 0.5 < diff.mean() < 6.0  # only the sensor noise differs
    with pytest.raises(InputError):
        next(render_frames("plank", width=96, height=64, frames=[10**6]))
