"""Accuracy benchmark: generated clips (exact truth) and real clips (the manifest's truth).

Run by hand:  .venv/bin/python bench/accuracy.py [--quick] [--no-real] [--no-generated]
Writes the "Accuracy" section of BENCHMARKS.md.  Generated clips are rendered into a cache
directory (``$SPINECOACH_BENCH_CACHE`` or /tmp/spinecoach-bench) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmd import write_section  # noqa: E402
from real_clips import DATA, REAL_CLIPS, measured  # noqa: E402

from spinecoach.compose import analyze_file  # noqa: E402
from spinecoach.synth.scoring import score_generated, total_hold_s  # noqa: E402

CACHE = Path(os.environ.get("SPINECOACH_BENCH_CACHE", "/tmp/spinecoach-bench"))


def generated_cases(quick: bool) -> list[tuple[str, str, str, tuple[int, int]]]:
    """Every exercise x scenario, both facings at 640x480, plus a 1280x720 'good' per exercise."""
    from spinecoach.synth import SCENARIOS

    cases = []
    for exercise, scenarios in SCENARIOS.items():
        for scenario in scenarios:
            for facing in ("left",) if quick else ("left", "right"):
                cases.append((exercise, scenario, facing, (640, 480)))
        if not quick:
            cases.append((exercise, "good", "right", (1280, 720)))
    return cases


def render_cached(exercise: str, scenario: str, facing: str, size: tuple[int, int]) -> Path:
    """Render a clip once and reuse it."""
    from spinecoach.synth import render_clip

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{exercise}_{scenario}_{facing}_{size[0]}x{size[1]}.mp4"
    truth = Path(str(path) + ".truth.json")
    if not (path.exists() and truth.exists()):
        render_clip(exercise, scenario, path, width=size[0], height=size[1], facing=facing)
    return path


def run_generated(quick: bool) -> tuple[list[str], int, int]:
    """Analyse the generated clips; return table rows and pass counts."""
    rows, passed = [], 0
    cases = generated_cases(quick)
    for exercise, scenario, facing, size in cases:
        path = render_cached(exercise, scenario, facing, size)
        truth = json.loads(Path(str(path) + ".truth.json").read_text())
        report = analyze_file(path, exercise).report
        score = score_generated(report, truth)
        passed += score.passed
        faults = ", ".join(sorted({f["code"] for f in report["faults"]})) or "-"
        true_faults = ", ".join(sorted({f["code"] for f in truth["faults"]})) or "-"
        problems = "; ".join(
            [f"missed {m}" for m in score.missed_faults]
            + [f"false {f}" for f in score.false_faults]
            + ([] if score.stop_ok else ["stop differs"])
            + ([] if score.by_side_ok else [f"by side {report.get('reps_by_side')}"])
        ) or "-"
        rows.append(
            f"| {exercise} | {scenario} | {facing} {size[0]}x{size[1]} | {truth['reps']} | "
            f"{report['reps']} | {total_hold_s(truth['holds']):.2f} | "
            f"{report['hold_good_form_s']:.2f} | {true_faults} | {faults} | "
            f"{'pass' if score.passed else 'FAIL'} | {problems} |"
        )
        print(rows[-1], flush=True)
    return rows, passed, len(cases)


def run_real() -> tuple[list[str], int, int]:
    """Analyse the real clips; return table rows and pass counts (scored clips only)."""
    rows, passed, scored = [], 0, 0
    for clip in REAL_CLIPS:
        path = DATA / clip.path
        report: dict[str, Any] = analyze_file(path, clip.exercise).report
        value = measured(report, clip.metric)
        tol = clip.tolerance
        ok = None if tol is None else abs(value - clip.truth) <= tol + 1e-9
        scored += ok is not None
        passed += bool(ok)
        verdict = "not scored" if ok is None else ("pass" if ok else "FAIL")
        untracked = sum(b - a for a, b in report["tracking"]["untracked"])
        faults = ", ".join(sorted({f["code"] for f in report["faults"]})) or "-"
        rows.append(
            f"| {Path(clip.path).name} | {clip.exercise} | {clip.metric} | {clip.truth:g} | "
            f"{value:.1f} | {clip.confidence} | {verdict} | {untracked:.1f} | {faults} | "
            f"{clip.note} |"
        )
        print(rows[-1], flush=True)
    return rows, passed, scored


def main() -> None:
    """Run the benchmark and write BENCHMARKS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--no-generated", action="store_true")
    args = parser.parse_args()
    started = time.time()
    parts = []
    if not args.no_generated:
        rows, ok, n = run_generated(args.quick)
        parts.append(
            f"### Generated clips (real MediaPipe on rendered video): {ok}/{n} pass\n\n"
            "Pass = reps exact, good-form hold total within 0.3 s, every true fault found "
            "(same code, overlapping within 0.5 s), no fault invented, stop rule as true.\n\n"
            "| exercise | scenario | view | true reps | reps | true hold s | hold s | "
            "true faults | faults | result | problems |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n"
            + "\n".join(rows))
    if not args.no_real and DATA.exists():
        rows, ok, n = run_real()
        parts.append(
            f"### Real clips (../shared/data, truth from its MANIFEST): {ok}/{n} scored pass\n\n"
            "Targets: reps exact for H, within one for M; holds within 1 s; L not scored.\n\n"
            "| clip | exercise | metric | truth | measured | conf | result | untracked s | "
            "faults | note |\n|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows))
    elif not args.no_real:
        parts.append("Real clips skipped: ../shared/data is absent.")
    parts.append(f"_Run took {time.time() - started:.0f} s on this machine._")
    write_section("Accuracy", "\n\n".join(parts))


if __name__ == "__main__":
    main()
