"""Plot what the engine measured on one clip, for tuning (tuning-split clips only).

    .venv/bin/python bench/plot_clip.py --seed 1003 [--out /tmp/clip.png]
    .venv/bin/python bench/plot_clip.py --real videos/squat/cabani_squat_side.mp4 \
        --exercise ball-squat

Draws every per-frame measure of the report's ``frames`` against time, the phase, the
reported reps, holds and faults, and (for renders) the truth's reps, holds and faults.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from corpus import SPLITS, load_stream, rendered_path, seeds, truth_of  # noqa: E402
from real_clips import DATA  # noqa: E402

from spinecoach.domain.exercises import get_exercise  # noqa: E402
from spinecoach.session.analysis import analyze_poses  # noqa: E402
from spinecoach.session.analysis_report import SourceInfo  # noqa: E402


def _spans(ax: Any, items: list[dict[str, Any]], color: str, y: float, label: str) -> None:
    for i, it in enumerate(items):
        ax.plot([it["start_s"], it["end_s"]], [y, y], color=color, lw=6, solid_capstyle="butt",
                label=label if i == 0 else None)


def main() -> None:
    """Draw the plot."""
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int)
    p.add_argument("--real")
    p.add_argument("--exercise")
    p.add_argument("--out", default="/tmp/clip.png")
    p.add_argument("--allow-test", action="store_true", help="needed to plot a test clip")
    args = p.parse_args()
    truth: dict[str, Any] | None = None
    if args.seed is not None:
        if args.seed in seeds("test") and not args.allow_test:
            sys.exit("that seed is in the test split: do not tune on it")
        path = rendered_path(args.seed)
        truth = truth_of(path)
        exercise = truth["exercise"]
    else:
        if args.real in SPLITS["real"]["test"] and not args.allow_test:
            sys.exit("that clip is in the test split: do not tune on it")
        path, exercise = DATA / args.real, args.exercise
    stream = load_stream(path, exercise)
    info = SourceInfo(path.name, stream.fps, stream.file_frames, stream.duration_s)
    report = analyze_poses(stream.frames, get_exercise(exercise), info, keep_frames=True).report
    frames = report["frames"]
    t = [f["t_s"] for f in frames]
    keys = sorted({k for f in frames for k in f["angles"]})
    fig, axes = plt.subplots(len(keys) + 1, 1, figsize=(14, 1.6 * (len(keys) + 1)), sharex=True)
    for ax, key in zip(axes, keys, strict=False):
        ax.plot(t, [f["angles"].get(key, float("nan")) for f in frames], ".-", ms=2, lw=0.8)
        ax.set_ylabel(key, fontsize=7)
        ax.grid(alpha=0.3)
    ax = axes[-1]
    phases = sorted({f["phase"] for f in frames})
    ax.plot(t, [phases.index(f["phase"]) for f in frames], drawstyle="steps-post", lw=0.8)
    ax.set_yticks(range(len(phases)), phases, fontsize=6)
    top = len(phases)
    _spans(ax, report["repetitions"], "tab:blue", top + 0.5, "reps")
    _spans(ax, report["holds"], "tab:green", top + 1.0, "holds")
    _spans(ax, report["faults"], "tab:red", top + 1.5, "faults")
    if truth is not None:
        _spans(ax, truth["repetitions"], "navy", top + 2.5, "true reps")
        _spans(ax, truth["holds"], "darkgreen", top + 3.0, "true holds")
        _spans(ax, truth["faults"], "darkred", top + 3.5, "true faults")
    ax.legend(fontsize=6, loc="upper right", ncol=6)
    title = f"{path.name} {exercise}: reps {report['reps']}"
    if truth is not None:
        title += f" (true {truth['reps']}, {truth.get('scenario')})"
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(args.out, dpi=80)
    print(args.out, report["reps"], [f["code"] for f in report["faults"]])


if __name__ == "__main__":
    main()
