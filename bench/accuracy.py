"""Accuracy benchmark: the engine against the naive recipe, on the tuning and test splits.

Run by hand (not in CI):

    .venv/bin/python bench/accuracy.py                 # both splits, write BENCHMARKS.md
    .venv/bin/python bench/accuracy.py --split tuning  # tuning only, print, write nothing
    .venv/bin/python bench/accuracy.py --split tuning --exercise bridge --verbose
    .venv/bin/python bench/accuracy.py --cached-only --write --frame-rate live  # live rate

The splits are fixed in ``bench/splits.toml``.  Rendered clips come from
``spinecoach synth --random SEED`` (exact truth); real clips from ../shared/data (the
manifest's truth, transcribed in ``real_clips.py``).  BlazePose runs once per clip (cached by
``corpus.py``); the engine and the naive recipe replay the same landmark stream, so the
comparison is of the analysis, metric by metric, in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmd import write_section  # noqa: E402
from corpus import (  # noqa: E402
    Stream,
    is_cached,
    load_stream,
    real_clips,
    rendered_path,
    seed_path,
    seeds,
    truth_of,
)
from frame_rate import replay  # noqa: E402
from naive import analyze_naive  # noqa: E402
from real_clips import DATA, REAL_CLIPS, RealClip, measured  # noqa: E402
from score import ClipScore, score_clip, summarise  # noqa: E402
from tables import table_cases, table_f1  # noqa: E402

from spinecoach.domain.exercises import get_exercise  # noqa: E402
from spinecoach.errors import NoPersonError  # noqa: E402
from spinecoach.session.analysis import analyze_poses  # noqa: E402
from spinecoach.session.analysis_report import SourceInfo  # noqa: E402

Analyser = Callable[[Stream, str, str], dict[str, Any]]


def run_engine(stream: Stream, exercise: str, name: str) -> dict[str, Any]:
    """The engine's report on a cached stream (as ``analyze`` would give it)."""
    info = SourceInfo(name, stream.fps, stream.file_frames, stream.duration_s)
    try:
        return analyze_poses(stream.frames, get_exercise(exercise), info).report
    except NoPersonError:
        return {"reps": 0, "repetitions": [], "holds": [], "hold_good_form_s": 0.0,
                "faults": [], "stopped": None}


def run_naive(stream: Stream, exercise: str, name: str) -> dict[str, Any]:
    """The naive recipe's report on the same stream."""
    del name
    return analyze_naive(stream.frames, exercise)


METHODS: dict[str, Analyser] = {"engine": run_engine, "naive": run_naive}


def _prepare(seed: int) -> int:
    """Render the clip and compute its poses (run in a worker process)."""
    path = rendered_path(seed)
    load_stream(path, truth_of(path)["exercise"])
    return seed


def prepare_rendered(seed_list: Iterable[int], workers: int) -> None:
    """Render and pose every clip not yet cached, in parallel."""
    todo = list(seed_list)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for i, seed in enumerate(pool.map(_prepare, todo), 1):
            print(f"  prepared {i}/{len(todo)} (seed {seed})", flush=True)


def score_rendered(
    split: str, exercise: str | None, verbose: bool, limit: int | None, cached_only: bool,
    rate: str = "cached",
) -> dict[str, list[ClipScore]]:
    """Score both methods on the split's rendered clips."""
    out: dict[str, list[ClipScore]] = {m: [] for m in METHODS}
    for seed in list(seeds(split))[:limit]:
        path = seed_path(seed)
        if cached_only:
            truth_file = Path(f"{path}.truth.json")
            if not truth_file.exists() or not is_cached(path, truth_of(path)["exercise"]):
                continue
        path = rendered_path(seed)
        truth = truth_of(path)
        if exercise is not None and truth["exercise"] != exercise:
            continue
        stream = replay(load_stream(path, truth["exercise"]), rate, seed)
        for method, fn in METHODS.items():
            s = score_clip(f"seed {seed}", fn(stream, truth["exercise"], path.name), truth)
            out[method].append(s)
            if verbose and method == "engine" and not s.passed:
                print(f"  {seed} {truth['exercise']:<10} {truth.get('scenario', '?'):<22} "
                      f"{s.problems()}", flush=True)
    return out


def score_real(split: str, exercise: str | None) -> list[dict[str, Any]]:
    """Per real clip: truth, engine, naive."""
    by_path = {c.path: c for c in REAL_CLIPS}
    rows = []
    for rel in real_clips(split):
        clip: RealClip = by_path[rel]
        if exercise is not None and clip.exercise != exercise:
            continue
        stream = load_stream(DATA / rel, clip.exercise)
        row: dict[str, Any] = {"clip": clip, "split": split}
        for method, fn in METHODS.items():
            report = fn(stream, clip.exercise, Path(rel).name)
            value = measured(report, clip.metric)
            tol = clip.tolerance
            row[method] = value
            row[f"{method}_ok"] = None if tol is None else abs(value - clip.truth) <= tol + 1e-9
            row[f"{method}_faults"] = sorted({f["code"] for f in report["faults"]})
        rows.append(row)
    return rows


def _metric_table(results: dict[str, dict[str, list[ClipScore]]]) -> str:
    keys = list(summarise([]).keys())
    cols = [(split, m) for split in results for m in METHODS]
    head = "| metric | " + " | ".join(f"{m} ({split})" for split, m in cols) + " |"
    lines = [head, "|---|" + "---|" * len(cols)]
    sums = {c: summarise(results[c[0]][c[1]]) for c in cols}
    for key in keys:
        lines.append(f"| {key} | " + " | ".join(sums[c][key] for c in cols) + " |")
    return "\n".join(lines)


def _per_exercise(results: dict[str, dict[str, list[ClipScore]]]) -> str:
    lines = ["| split | exercise | clips | engine: all targets | naive: all targets | "
             "engine reps exact | naive reps exact |", "|---|---|---|---|---|---|---|"]
    for split, by_method in results.items():
        for ex in ("hip-hinge", "bridge", "plank", "ball-squat"):
            e = [s for s in by_method["engine"] if s.exercise == ex]
            n = [s for s in by_method["naive"] if s.exercise == ex]
            se, sn = summarise(e), summarise(n)
            lines.append(f"| {split} | {ex} | {len(e)} | {se['all targets met']} | "
                         f"{sn['all targets met']} | {se['reps exact']} | {sn['reps exact']} |")
    return "\n".join(lines)


def _real_table(rows: list[dict[str, Any]]) -> str:
    def verdict(ok: bool | None) -> str:
        return "not scored" if ok is None else ("pass" if ok else "FAIL")

    lines = ["| split | clip | exercise | metric | truth | conf | engine | naive | engine "
             "result | naive result | engine faults | note |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c: RealClip = r["clip"]
        lines.append(
            f"| {r['split']} | {Path(c.path).name} | {c.exercise} | {c.metric} | "
            f"{c.truth:g} | {c.confidence} | {r['engine']:.1f} | {r['naive']:.1f} | "
            f"{verdict(r['engine_ok'])} | {verdict(r['naive_ok'])} | "
            f"{', '.join(r['engine_faults']) or '-'} | {c.note} |")
    return "\n".join(lines)


def _real_summary(rows: list[dict[str, Any]]) -> str:
    lines = ["| split | scored clips | engine pass | naive pass |", "|---|---|---|---|"]
    for split in dict.fromkeys(r["split"] for r in rows):
        scored = [r for r in rows if r["split"] == split and r["engine_ok"] is not None]
        lines.append(f"| {split} | {len(scored)} | {sum(r['engine_ok'] for r in scored)} | "
                     f"{sum(r['naive_ok'] for r in scored)} |")
    return "\n".join(lines)


def _frame_rate(value: str) -> str:
    if value in ("cached", "live"):
        return value
    try:
        ok = 0 < float(value) <= 60
    except ValueError:
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError("'cached', 'live' or frames a second (above 0, up to 60)")
    return value


def main() -> None:
    """Run the benchmark."""
    p = argparse.ArgumentParser()
    p.add_argument("--split", choices=("tuning", "test", "both"), default="both")
    p.add_argument("--exercise")
    p.add_argument("--no-real", action="store_true")
    p.add_argument("--no-rendered", action="store_true")
    p.add_argument("--no-tables", action="store_true")
    p.add_argument("--limit", type=int, help="at most this many seeds per split")
    p.add_argument("--workers", type=int, default=2, help="processes rendering and posing")
    p.add_argument("--verbose", action="store_true", help="print every engine miss")
    p.add_argument("--cached-only", action="store_true",
                   help="score only clips already rendered and posed (while a corpus builds)")
    p.add_argument("--write", action="store_true",
                   help="write BENCHMARKS.md even with --cached-only or a --no-* option "
                        "(with --cached-only the section says how many of each split's "
                        "seeds were scored)")
    p.add_argument("--frame-rate", default="cached", type=_frame_rate,
                   help="replay the rendered clips' landmarks at this rate: 'cached' (as "
                        "posed, 12-15 a second), 'live' (2-5 a second with pauses, as on a "
                        "loaded machine; see bench/frame_rate.py) or frames a second; "
                        "real clips and tables are left out, and BENCHMARKS.md gets its own "
                        "section")
    args = p.parse_args()
    if args.frame_rate != "cached":
        args.no_real = args.no_tables = True
    splits = ("tuning", "test") if args.split == "both" else (args.split,)
    # Only a whole run rewrites the section (a partial one would drop the parts left out),
    # unless --write asks for it.
    partial = args.cached_only or args.no_real or args.no_rendered or args.no_tables
    write = (args.split == "both" and args.exercise is None and args.limit is None
             and (not partial or args.write))
    started = time.time()
    parts = []
    if not args.no_rendered:
        if not args.cached_only:
            for split in splits:
                prepare_rendered(list(seeds(split))[:args.limit], args.workers)
        results = {s: score_rendered(s, args.exercise, args.verbose, args.limit,
                                     args.cached_only, args.frame_rate) for s in splits}
        scored = "; ".join(f"{split} {len(results[split]['engine'])} of {len(seeds(split))} "
                           "seeds" for split in splits)
        rate_note = ("" if args.frame_rate == "cached" else
                     f", analysed at the '{args.frame_rate}' frame rate (bench/frame_rate.py)")
        partial = (f" Scored the clips already rendered and posed ({scored}): the seeds left "
                   "out were not yet rendered, whatever their result."
                   if args.cached_only and any(len(results[split]["engine"]) < len(seeds(split))
                                               for split in splits) else "")
        parts.append(
            "### Rendered clips (real BlazePose on randomised renders, exact truth)\n\n"
            "Seeds from `bench/splits.toml`; the engine and the naive recipe replay the same "
            f"landmark stream{rate_note}.{partial}\n\n" + _metric_table(results) + "\n\n"
            + _per_exercise(results))
    if not args.no_real and DATA.exists():
        rows = [r for s in splits for r in score_real(s, args.exercise)]
        parts.append(
            "### Real clips (../shared/data; truth from its MANIFEST, seen by eye)\n\n"
            "Targets: reps exact for H, within one for M; plank holds within 1 s; L clips "
            "and wall sits are reported, not scored.\n\n" + _real_summary(rows) + "\n\n"
            + _real_table(rows))
    elif not args.no_real:
        parts.append("Real clips skipped: ../shared/data is absent.")
    if not args.no_tables:
        parts.append(table_f1(table_cases(splits), METHODS))
    parts.append(f"_Run took {time.time() - started:.0f} s on this machine._")
    text = "\n\n".join(parts)
    print(text)
    if write:
        write_section("Accuracy" if args.frame_rate == "cached"
                      else f"Accuracy at the '{args.frame_rate}' frame rate", text)


if __name__ == "__main__":
    main()
