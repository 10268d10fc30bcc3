"""``spinecoach synth EXERCISE``: render a synthetic clip with its exact ground truth."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spinecoach.cli import command
from spinecoach.errors import InputError

_EXTENSIONS = {"mp4": "mp4", "y4m": "y4m", "mjpeg": "mjpeg"}


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(part) for part in text.lower().split("x"))
    except ValueError as exc:
        raise InputError(f"--size must look like 640x480, got {text!r}") from exc
    return w, h


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``synth`` arguments."""
    parser.add_argument("exercise", help="hip-hinge, bridge, plank or ball-squat")
    parser.add_argument("--scenario", default="good", help="scenario name (default: good)")
    parser.add_argument("--out", type=Path, default=None, help="output video path")
    parser.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    parser.add_argument("--size", default="640x480", help="WIDTHxHEIGHT (default 640x480)")
    parser.add_argument("--facing", default="left", choices=("left", "right"))
    parser.add_argument("--format", dest="fmt", default="mp4", choices=tuple(_EXTENSIONS))
    parser.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    parser.add_argument("--reps", type=int, default=None, help="number of repetitions")


@command("synth", "Render a synthetic exercise video with exact ground truth.", configure)
def run(args: argparse.Namespace) -> int:
    """Render the clip and say where it and its truth went."""
    from spinecoach.synth import render_clip

    width, height = _parse_size(args.size)
    out = args.out or Path(f"{args.exercise}-{args.scenario}-{args.facing}.{_EXTENSIONS[args.fmt]}")
    truth = render_clip(
        args.exercise,
        args.scenario,
        out,
        fps=args.fps,
        width=width,
        height=height,
        facing=args.facing,
        seed=args.seed,
        fmt=args.fmt,
        repetitions=args.reps,
    )
    sys.stdout.write(
        f"wrote {out} ({truth.frames} frames, {truth.duration_s:.1f} s, {truth.reps} reps, "
        f"{len(truth.faults)} faults) and {out}.truth.json\n"
    )
    return 0
