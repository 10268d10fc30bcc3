"""``spinecoach synth EXERCISE`` / ``synth --random SEED``: render a synthetic clip and its truth.

``synth EXERCISE --scenario S`` renders one of the fixed scenarios; ``synth --random SEED``
renders the domain-randomised clip of a seed (exercise, scenario, body, room, light, camera,
video format and disturbances all drawn from it; ``--exercise`` forces the exercise).
"""

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
    parser.add_argument(
        "exercise", nargs="?", default=None, help="hip-hinge, bridge, plank or ball-squat"
    )
    parser.add_argument(
        "--random",
        type=int,
        default=None,
        metavar="SEED",
        help="render the randomised clip of SEED (everything about it is drawn from SEED)",
    )
    parser.add_argument(
        "--exercise",
        dest="exercise_opt",
        default=None,
        metavar="ID",
        help="with --random: force the exercise",
    )
    parser.add_argument(
        "--preview",
        action="store_true",
        help="with --random: a quick look at quarter size and 6 fps (its truth is exact)",
    )
    parser.add_argument("--scenario", default="good", help="scenario name (default: good)")
    parser.add_argument("--out", type=Path, default=None, help="output video path")
    parser.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    parser.add_argument("--size", default="640x480", help="WIDTHxHEIGHT (default 640x480)")
    parser.add_argument("--facing", default="left", choices=("left", "right"))
    parser.add_argument("--format", dest="fmt", default="mp4", choices=tuple(_EXTENSIONS))
    parser.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    parser.add_argument("--reps", type=int, default=None, help="number of repetitions")


def _run_random(args: argparse.Namespace) -> int:
    from spinecoach.synth.randomise import preview_spec, random_spec, render_random

    exercise = args.exercise_opt or args.exercise
    out = args.out or Path(f"random-{args.random}.mp4")
    spec = random_spec(args.random, exercise)
    truth = render_random(preview_spec(spec) if args.preview else spec, out)
    sys.stdout.write(
        f"wrote {out} (seed {args.random}: {truth.exercise} {truth.scenario}, "
        f"{truth.width}x{truth.height} {truth.fps:g} fps, {truth.duration_s:.1f} s, "
        f"{truth.reps} reps, {len(truth.faults)} faults) and {out}.truth.json\n"
    )
    return 0


@command("synth", "Render a synthetic exercise video with exact ground truth.", configure)
def run(args: argparse.Namespace) -> int:
    """Render the clip and say where it and its truth went."""
    from spinecoach.synth import render_clip

    if args.random is not None:
        return _run_random(args)
    if args.exercise is None:
        raise InputError("give an EXERCISE (or --random SEED)")
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
