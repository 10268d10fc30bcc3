"""``spinecoach analyze INPUT... --exercise ID``: analyse recordings or landmark tables.

One input prints its summary (or its JSON report).  Several inputs, or a directory (its video
files), are analysed as a batch on one pool of pose workers: one report per file, a summary
table at the end; ``--json``, ``--annotate`` and ``--save-landmarks`` then name directories.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinecoach.cli import command, exit_code_for
from spinecoach.domain.exercises import exercise_ids, get_exercise
from spinecoach.errors import InputError

if TYPE_CHECKING:
    from spinecoach.compose import FileResult, FileTask
    from spinecoach.pose.pool import PosePool
    from spinecoach.session.analysis_report import AnalysisReport


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", type=Path, nargs="+",
                   help="video files, landmark tables (.csv / .npy) or directories of videos")
    p.add_argument("--exercise", "-e", required=True, help=f"one of: {', '.join(exercise_ids())}")
    p.add_argument("--json", metavar="PATH",
                   help="write the JSON report to PATH ('-' = stdout; a directory for several "
                        "inputs, '-' then prints a list)")
    p.add_argument("--frames", action="store_true", help="add per-frame phases/angles/faults")
    p.add_argument("--annotate", metavar="OUT.mp4", type=Path,
                   help="write an annotated video (a directory for several inputs)")
    p.add_argument("--save-landmarks", metavar="OUT.csv", type=Path,
                   help="write the detected landmarks as CSV (a directory for several inputs)")
    p.add_argument("--fps", type=float, help="frame rate of a landmark table without times")
    p.add_argument("--layout", choices=("coco17", "body17"),
                   help="point order of a .npy table with 17 points (see the README)")
    p.add_argument("--max-fps", type=float, default=15.0,
                   help="analyse at most this many frames per second (0 = every frame; "
                        "default 15, plenty for these slow exercises)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="pose worker processes (default: the cores available; 1 = run pose "
                        "in this process)")
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
            sys.stderr.write(f"\ranalysing [{bar:<25}] {pct:3d}% ({min(done, total)}/{total}"
                             " frames)")
            sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled and self.last >= 0:
            sys.stderr.write("\n")
            sys.stderr.flush()


@command("analyze", "Analyse recorded videos (or landmark tables) of one exercise.", _configure)
def analyze(args: argparse.Namespace) -> int:
    """Run the analysis and print / write the report(s)."""
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers must be at least 1, got {args.workers}")
    inputs = _expand(args.input)
    if len(inputs) == 1 and not args.input[0].is_dir():
        return _analyze_one(args, inputs[0])
    return _analyze_many(args, inputs)


def _early_pool(args: argparse.Namespace, inputs: list[Path]) -> PosePool | None:
    """Start the pose workers before the analysis modules load, when there is video to do.

    MediaPipe then starts in the workers while this process imports the engine and opens
    the first file (about a third of a second of start-up saved).
    """
    from spinecoach.pose import LANDMARK_SUFFIXES
    from spinecoach.pose.pool import PosePool, available_cores

    workers = args.workers or available_cores()
    if workers < 2 or all(p.suffix.lower() in LANDMARK_SUFFIXES for p in inputs):
        return None
    lumbar = any(f.code == "lumbar_arch" for f in get_exercise(args.exercise).faults)
    pool = PosePool(workers, warm=(lumbar,))
    pool.start()
    return pool


def _analyze_one(args: argparse.Namespace, path: Path) -> int:
    bar = _ProgressBar(not args.quiet)
    pool = _early_pool(args, [path])
    try:
        from spinecoach.compose import analyze_file

        run = analyze_file(
            path, args.exercise, fps=args.fps, keep_frames=args.frames,
            annotate_path=args.annotate, save_landmarks=args.save_landmarks,
            progress=bar, max_fps=args.max_fps, layout=args.layout, workers=args.workers,
            pool=pool,
        )
    finally:
        bar.finish()
        if pool is not None:
            pool.close()
    from spinecoach.compose import report_summary

    report = run.report
    if args.save:
        _save(args, path, run.analysis)
    if args.json == "-":
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    elif args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.json != "-" and not args.quiet:
        sys.stdout.write(report_summary(report) + "\n")
    return 0


def _analyze_many(args: argparse.Namespace, inputs: list[Path]) -> int:
    pool = _early_pool(args, inputs)
    try:
        return _run_batch(args, inputs, pool)
    finally:
        if pool is not None:
            pool.close()


def _run_batch(args: argparse.Namespace, inputs: list[Path], pool: PosePool | None) -> int:
    from spinecoach.compose import analyze_files

    tasks = _tasks(args, inputs)
    done = [0]
    lock = threading.Lock()

    def on_result(result: FileResult) -> None:
        with lock:
            done[0] += 1
            if not args.quiet:
                sys.stderr.write(f"[{done[0]}/{len(tasks)}] {_outcome(result)}\n")
                sys.stderr.flush()

    results = analyze_files(tasks, fps=args.fps, keep_frames=args.frames, max_fps=args.max_fps,
                            layout=args.layout, workers=args.workers, pool=pool,
                            on_result=on_result)
    reports = [r.run.report if r.run else None for r in results]
    for result, report in zip(results, reports, strict=True):
        if result.run is not None and args.save:
            _save(args, result.task.path, result.run.analysis)
        if report is not None and args.json not in (None, "-"):
            _json_path(Path(args.json), result.task.path, inputs).write_text(
                json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.json == "-":
        listing = [_listed(r) for r in results]
        sys.stdout.write(json.dumps(listing, indent=2) + "\n")
    elif not args.quiet:
        sys.stdout.write(batch_table(results) + "\n")
    for result in results:
        if result.error is not None:
            sys.stderr.write(f"spinecoach: error: {result.error}\n")
    errors = [r.error for r in results if r.error is not None]
    return exit_code_for(errors[0]) if errors else 0


def _expand(inputs: list[Path]) -> list[Path]:
    """The files to analyse: each input file, and each directory's video files by name."""
    from spinecoach.pose import VIDEO_SUFFIXES

    paths: list[Path] = []
    for item in inputs:
        if not item.is_dir():
            paths.append(item)
            continue
        found = sorted(p for p in item.iterdir()
                       if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES)
        if not found:
            raise InputError(f"{item}: no video files in this directory")
        paths.extend(found)
    return paths


def _tasks(args: argparse.Namespace, inputs: list[Path]) -> list[FileTask]:
    from spinecoach.compose import FileTask

    names = _unique_stems(inputs)
    for folder in (args.annotate, args.save_landmarks):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
    if args.json not in (None, "-"):
        Path(args.json).mkdir(parents=True, exist_ok=True)
    return [
        FileTask(path, args.exercise,
                 annotate_path=args.annotate / f"{names[path]}.annotated.mp4"
                 if args.annotate else None,
                 save_landmarks=args.save_landmarks / f"{names[path]}.landmarks.csv"
                 if args.save_landmarks else None)
        for path in inputs
    ]


def _unique_stems(inputs: list[Path]) -> dict[Path, str]:
    """A distinct output name per input (``clip``, ``clip-2``, ... when stems repeat)."""
    names: dict[Path, str] = {}
    used: set[str] = set()
    for path in inputs:
        name, n = path.stem, 1
        while name in used:
            n += 1
            name = f"{path.stem}-{n}"
        used.add(name)
        names[path] = name
    return names


def _json_path(folder: Path, path: Path, inputs: list[Path]) -> Path:
    return folder / f"{_unique_stems(inputs)[path]}.json"


def _listed(result: FileResult) -> dict[str, Any]:
    return {"input": str(result.task.path),
            "report": result.run.report if result.run else None,
            "error": str(result.error) if result.error else None}


def _outcome(result: FileResult) -> str:
    if result.run is None:
        return f"{result.task.path.name}: error: {result.error}"
    report = result.run.report
    return (f"{result.task.path.name}: {report['reps']} reps, "
            f"{report['hold_good_form_s']:.1f} s held ({result.wall_s:.1f} s)")


def batch_table(results: list[FileResult]) -> str:
    """The summary table of a batch: one row per file."""
    header = ("file", "reps", "held s", "faults", "stop", "untracked s", "time s")
    rows = [header]
    for result in results:
        name = result.task.path.name
        if result.run is None:
            rows.append((name, "-", "-", f"error: {result.error}", "-", "-",
                         f"{result.wall_s:.1f}"))
            continue
        report = result.run.report
        faults = ", ".join(sorted({f["code"] for f in report["faults"]})) or "-"
        stop = report["stopped"]["code"] if report["stopped"] else "-"
        untracked = sum(b - a for a, b in report["tracking"]["untracked"])
        rows.append((name, str(report["reps"]), f"{report['hold_good_form_s']:.1f}", faults,
                     stop, f"{untracked:.1f}", f"{result.wall_s:.1f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _save(args: argparse.Namespace, path: Path, report: AnalysisReport) -> None:
    """Store the analysis as a session (the service checks the safety guard first)."""
    from datetime import UTC, datetime

    from spinecoach.session import accounts, services
    from spinecoach.settings import load_settings
    from spinecoach.storage import open_repository

    now = datetime.now(UTC)
    with open_repository(load_settings()) as repo:
        user = accounts.record_owner(repo, args.user, now)
        assert user.id is not None
        session = services.save_analysis(repo, user.id, report, source_path=str(path), now=now)
    sys.stdout.write(f"Saved as session {session.id}.\n")
