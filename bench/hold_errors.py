"""Where hold timing goes wrong: per true hold, the start and end error of the engine's hold.

    .venv/bin/python bench/hold_errors.py --exercise ball-squat            # tuning split
    .venv/bin/python bench/hold_errors.py --exercise bridge --rate live

For every true hold of the split's rendered clips already rendered and posed (the cache that
``bench/accuracy.py`` builds), the engine's holds overlapping it give: the start error (first
overlapping hold's start minus the true start; negative = early), the end error (last
overlapping hold's end minus the true end), how many pieces it came in, and the scorer's
error (good-form seconds inside it against its length).  Tuning split only, unless
``--allow-test`` (the test split is scored, never looked at clip by clip while tuning).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import run_engine  # noqa: E402
from corpus import is_cached, load_stream, seed_path, seeds, truth_of  # noqa: E402
from frame_rate import replay  # noqa: E402
from score import HOLD_TARGET_S  # noqa: E402


def main() -> None:
    """Print the table and the summary."""
    p = argparse.ArgumentParser()
    p.add_argument("--exercise", required=True)
    p.add_argument("--split", default="tuning", choices=("tuning", "test"))
    p.add_argument("--allow-test", action="store_true")
    p.add_argument("--rate", default="cached")
    p.add_argument("--all", action="store_true", help="print every hold, not only misses")
    args = p.parse_args()
    if args.split == "test" and not args.allow_test:
        sys.exit("the test split is not for tuning: pass --allow-test to look anyway")
    starts, ends, errors = [], [], []
    pieces_over_one = missing = 0
    for seed in seeds(args.split):
        path = seed_path(seed)
        if not Path(f"{path}.truth.json").exists():
            continue
        truth = truth_of(path)
        if truth["exercise"] != args.exercise or not is_cached(path, args.exercise):
            continue
        stream = replay(load_stream(path, args.exercise), args.rate, seed)
        report = run_engine(stream, args.exercise, path.name)
        for t in truth.get("holds", []):
            got = [h for h in report["holds"]
                   if h["start_s"] < t["end_s"] and t["start_s"] < h["end_s"]]
            inside = sum(min(h["end_s"], t["end_s"]) - max(h["start_s"], t["start_s"])
                         for h in got)
            length = t["end_s"] - t["start_s"]
            scored = sum(h["end_s"] - h["start_s"] for h in got)
            err = abs(scored - length)
            errors.append(err)
            if not got:
                missing += 1
                print(f"{seed} {t['start_s']:7.2f}-{t['end_s']:6.2f}  no hold  "
                      f"(scenario {truth.get('scenario', '?')})")
                continue
            ds, de = got[0]["start_s"] - t["start_s"], got[-1]["end_s"] - t["end_s"]
            starts.append(ds)
            ends.append(de)
            pieces_over_one += len(got) > 1
            if args.all or err > HOLD_TARGET_S:
                print(f"{seed} {t['start_s']:7.2f}-{t['end_s']:6.2f}  start {ds:+.2f}  "
                      f"end {de:+.2f}  pieces {len(got)}  inside {inside:.2f}/{length:.2f}  "
                      f"err {err:.2f}")
    if not errors:
        sys.exit("no cached clip of that exercise in the split")
    within = sum(e <= HOLD_TARGET_S for e in errors)
    print(f"\n{len(errors)} holds: within {HOLD_TARGET_S} s {within}"
          f" ({100 * within / len(errors):.1f} %), "
          f"none found {missing}, broken into pieces {pieces_over_one}")
    if starts:
        print(f"start error median {statistics.median(starts):+.2f} s "
              f"(quartiles {statistics.quantiles(starts, n=4)[0]:+.2f} / "
              f"{statistics.quantiles(starts, n=4)[2]:+.2f}); "
              f"end error median {statistics.median(ends):+.2f} s "
              f"(quartiles {statistics.quantiles(ends, n=4)[0]:+.2f} / "
              f"{statistics.quantiles(ends, n=4)[2]:+.2f})")


if __name__ == "__main__":
    main()
