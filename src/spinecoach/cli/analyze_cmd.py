"""``spinecoach analyze INPUT --exercise ID``: analyse a recording or a landmark table."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from spinecoach.cli import command
from spinecoach.domain.exercises import exercise_ids

if TYPE_CHECKING:
    from spinecoach.session.analysis_report import AnalysisReport


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", type=Path, help="a video file, or a landmark table (.csv / .npy)")
    p.add_argument("--exercise", "-e", required=True, help=f"one of: {', '.join(exercise_ids())}")
    p.add_argument("--json", metavar="PATH", help="write the JSON report to PATH ('-' = stdout)")
    p.add_argument("--frames", action="store_true", help="add per-frame phases/angles/faults")
    p.add_argument("--annotate", metavar="OUT.mp4", type=Path, help="write an annotated video")
    p.add_argument("--save-landmarks", metavar="OUT.csv", type=Path,
                   help="write the detected landmarks as CSV")
    p.add_argument("--fps", type=float, help="frame rate of a landmark table without times")
    p.add_argument("--max-fps", type=float, default=15.0,
                   help="analyse at most this many frames per second (0 = every frame; "
                        "default 15, plenty for these slow exercises)")
    p.add_argument("--save", action="store_true", help="save the result as a session")
    p.add_argument("--user", default=None, help="user to save the session for")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")


class _ProgressBar:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.last = -1

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled or not total:
            return
        pct = min(100, int(100 * done / total))
        if pct != self.last:
            self.last = pct
            bar = "#" * (pct // 4)
            sys.stderr.write(f"\ranalysing [{bar:<25}] {pct:3d}% ({done}/{total} frames)")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()


@command("analyze", "Analyse a recorded video (or landmark table) of one exercise.", _configure)
def analyze(args: argparse.Namespace) -> int:
    """Run the analysis and print / write the report."""
    from spinecoach.compose import analyze_file, report_summary

    run = analyze_file(
        args.input, args.exercise, fps=args.fps, keep_frames=args.frames,
        annotate_path=args.annotate, save_landmarks=args.save_landmarks,
        progress=_ProgressBar(not args.quiet), max_fps=args.max_fps,
    )
    report = run.report
    if args.save:
        _save(args, run.analysis)
    if args.json == "-":
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    elif args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.json != "-" and not args.quiet:
        sys.stdout.write(report_summary(report) + "\n")
    return 0


def _save(args: argparse.Namespace, report: AnalysisReport) -> None:
    """Store the analysis as a session (the service checks the safety guard first)."""
    from datetime import UTC, datetime

    from spinecoach.session import services
    from spinecoach.settings import load_settings
    from spinecoach.storage import open_repository

    now = datetime.now(UTC)
    with open_repository(load_settings()) as repo:
        user = services.ensure_user(repo, args.user or services.DEFAULT_USER_NAME, now)
        assert user.id is not None
        session = services.save_analysis(repo, user.id, report, source_path=str(args.input),
                                         now=now)
    sys.stdout.write(f"Saved as session {session.id}.\n")
