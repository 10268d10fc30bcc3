"""Per-frame judgements on landmark tables with fewer points, as other pose tools save them.

Other tools export 17 BlazePose points (no heels or feet: nose, eyes, ears, shoulders,
elbows, wrists, hips, knees, ankles) as short runs of 1-2 s with a label per frame.  Such
tables are built here from the split's rendered plank clips: their real BlazePose stream is
cut into short runs inside intervals whose truth is known (good line, hip sag, hip pike),
every other landmark is dropped, and each run is analysed on its own, as a separate file
would be.  A per-frame F1 compares ``frames[].faults`` (faults judged on that frame alone)
with the labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from corpus import Stream, is_cached, load_stream, seed_path, seeds, truth_of

from spinecoach.domain.exercises import get_exercise
from spinecoach.domain.landmarks import Landmark
from spinecoach.domain.pose import PoseFrame
from spinecoach.errors import NoPersonError
from spinecoach.session.analysis import analyze_poses
from spinecoach.session.analysis_report import SourceInfo

KEEP_17 = [Landmark.NOSE, Landmark.LEFT_EYE, Landmark.RIGHT_EYE, Landmark.LEFT_EAR,
           Landmark.RIGHT_EAR, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER,
           Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW, Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST,
           Landmark.LEFT_HIP, Landmark.RIGHT_HIP, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE,
           Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]
CODES = ("hip_sag", "hip_pike")
RUN_S = (1.0, 2.0)
MARGIN_S = 0.3  # runs keep this far from the edges of a labelled interval


@dataclass(frozen=True)
class TableCase:
    """One short labelled run."""

    name: str
    split: str
    frames: list[PoseFrame]
    labels: list[str]  # "good", "hip_sag" or "hip_pike" per frame


def _subset(frame: PoseFrame, t0: float) -> PoseFrame:
    lm = np.full_like(frame.landmarks, np.nan)
    lm[KEEP_17] = frame.landmarks[KEEP_17]
    return replace(frame, t_s=frame.t_s - t0, landmarks=lm, mask=None)


def _runs(stream: Stream, label: str, a: float, b: float, rng: np.random.Generator,
          name: str, split: str) -> list[TableCase]:
    cases = []
    t = a + MARGIN_S
    while True:
        length = float(rng.uniform(*RUN_S))
        if t + length > b - MARGIN_S:
            return cases
        frames = [f for f in stream.frames if t <= f.t_s < t + length]
        if len(frames) >= 5:
            t0 = frames[0].t_s
            cases.append(TableCase(f"{name}@{t:.1f}", split, [_subset(f, t0) for f in frames],
                                   [label] * len(frames)))
        t += length + 0.5


def table_cases(splits: tuple[str, ...]) -> list[TableCase]:
    """Short 17-point plank runs cut from every rendered plank clip of ``splits``."""
    cases: list[TableCase] = []
    for split in splits:
        for seed in seeds(split):
            path = seed_path(seed)
            if not Path(f"{path}.truth.json").exists():
                continue
            truth = truth_of(path)
            if truth["exercise"] != "plank" or not is_cached(path, "plank"):
                continue
            stream = load_stream(path, "plank")
            rng = np.random.default_rng(seed)
            for h in truth["holds"]:
                cases += _runs(stream, "good", h["start_s"], h["end_s"], rng, str(seed), split)
            for f in truth["faults"]:
                if f["code"] in CODES:
                    cases += _runs(stream, f["code"], f["start_s"], f["end_s"], rng,
                                   str(seed), split)
    return cases


def _frame_faults(method: str, fn: Callable[..., dict[str, Any]],
                  case: TableCase) -> list[set[str]]:
    if method == "engine":
        info = SourceInfo(case.name, 0.0, len(case.frames), case.frames[-1].t_s,
                          kind="landmarks")
        try:
            report = analyze_poses(case.frames, get_exercise("plank"), info,
                                   keep_frames=True).report
        except NoPersonError:
            return [set() for _ in case.frames]
    else:
        report = fn(Stream(case.frames, 0.0, len(case.frames), 0.0), "plank", case.name)
    return [set(fr["faults"]) for fr in report["frames"]]


def _f1(tp: int, fp: int, fn_: int) -> str:
    if tp == 0:
        return "0.00" if fp or fn_ else "-"
    precision, recall = tp / (tp + fp), tp / (tp + fn_)
    return f"{2 * precision * recall / (precision + recall):.2f}"


def table_f1(cases: list[TableCase], methods: Mapping[str, Callable[..., dict[str, Any]]]) -> str:
    """Per-frame F1 of hip sag and hip pike, per split and method, as a markdown section."""
    if not cases:
        return "### Landmark tables (17 points, short runs)\n\nNo rendered plank clips cached."
    lines = ["| split | method | runs | frames | hip_sag F1 | hip_pike F1 |",
             "|---|---|---|---|---|---|"]
    for split in dict.fromkeys(c.split for c in cases):
        mine = [c for c in cases if c.split == split]
        for method, fn in methods.items():
            counts = {code: [0, 0, 0] for code in CODES}
            for case in mine:
                for got, label in zip(_frame_faults(method, fn, case), case.labels, strict=True):
                    for code in CODES:
                        truth, said = label == code, code in got
                        counts[code][0] += truth and said
                        counts[code][1] += said and not truth
                        counts[code][2] += truth and not said
            n = sum(len(c.frames) for c in mine)
            lines.append(f"| {split} | {method} | {len(mine)} | {n} | "
                         f"{_f1(*counts['hip_sag'])} | {_f1(*counts['hip_pike'])} |")
    return ("### Landmark tables (17 points, short runs, per-frame labels)\n\n"
            "Short runs (1-2 s) cut from the split's rendered planks inside intervals of known "
            "truth, reduced to 17 points (no heels or feet), each analysed on its own; per-frame "
            "F1 of `frames[].faults` against the labels.\n\n" + "\n".join(lines))
