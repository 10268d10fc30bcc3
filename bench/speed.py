"""Speed benchmark: ``spinecoach analyze`` against the naive recipe, measured in one run.

Run by hand (about 15 minutes on 2 cores; longer when the machine is busy):

    .venv/bin/python bench/speed.py [--rounds 3] [--part all|speed|chunks] [--no-batch]

Writes the "Speed" and "Parallel pose: what the chunks change" sections of BENCHMARKS.md.
Machines differ and this one is shared, so every figure that matters is a ratio of two runs
made side by side: each configuration runs as its own command (start-up included) and the
configurations take turns, ``--rounds`` times;
the table gives the median wall time of each and the ratios of the medians, and the load
average is recorded before and after.  Parts:

* whole commands on a 720p 30 fps clip (rendered by the project's generator and cached):
  the naive recipe (``bench/naive_recipe.py``), ``analyze`` with its defaults, and with every
  frame on 1 worker and on 2;
* where the time goes: start-up, decoding, colour conversion, the mask, pose, the analysis;
* batches of 10 clips in one command against 10 commands one after another;
* what the chunks (re-detecting the person every 128 analysed frames, see
  ``spinecoach.pose.stream``) change against tracking straight through each file: landmark
  error against the exact truth of rendered clips, the reports of the golden clips, and
  every fixed rendered scenario and real clip scored both ways.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchmd import write_section  # noqa: E402

CACHE = Path(os.environ.get("SPINECOACH_BENCH_CACHE", "/tmp/spinecoach-bench"))
PYTHON = sys.executable
SPINECOACH = [PYTHON, "-m", "spinecoach.cli"]
CLIP_SPEC = ("bridge", "good", "right", (1280, 720))
BATCH_SPECS = [("ball-squat", s, f, (640, 480))
               for s in ("good", "too_shallow", "too_deep", "hold_too_short", "out_of_frame")
               for f in ("left", "right")]
GOLDEN = [  # the clips of tests/integration/analysis/test_analysis_blazepose.py
    ("bridge", "hold_too_short", "left", 2), ("ball-squat", "out_of_frame", "right", None),
    ("plank", "hip_sag", "right", None), ("hip-hinge", "lumbar_arch", "right", None)]


def render(exercise: str, scenario: str, facing: str, size: tuple[int, int],
           repetitions: int | None = None) -> Path:
    """Render a clip once into the cache and reuse it."""
    from spinecoach.synth import render_clip

    CACHE.mkdir(parents=True, exist_ok=True)
    reps = "" if repetitions is None else f"_{repetitions}reps"
    path = CACHE / f"{exercise}_{scenario}_{facing}_{size[0]}x{size[1]}{reps}.mp4"
    if not (path.exists() and Path(f"{path}.truth.json").exists()):
        render_clip(exercise, scenario, path, width=size[0], height=size[1], facing=facing,
                    repetitions=repetitions)
    return path


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(command: Sequence[str]) -> float:
    """Run ``command`` to the end and return its wall time in seconds (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(list(command), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


@dataclass
class Rounds:
    """Wall times of several configurations that took turns."""

    times: dict[str, list[float]] = field(default_factory=dict)
    loads: list[str] = field(default_factory=list)

    def run(self, configs: dict[str, Callable[[], float]], rounds: int) -> None:
        """Run every configuration once per round, in turn."""
        for round_no in range(rounds):
            self.loads.append(load_average())
            for name, config in configs.items():
                seconds = config()
                self.times.setdefault(name, []).append(seconds)
                print(f"round {round_no + 1}: {name}: {seconds:.2f} s", flush=True)

    def median(self, name: str) -> float:
        """Median wall time of one configuration."""
        return statistics.median(self.times[name])

    def spread(self, name: str) -> str:
        """All the times of one configuration, for the table."""
        return ", ".join(f"{t:.1f}" for t in self.times[name])


# -- whole commands ------------------------------------------------------------------------


def command_rounds(clip: Path, rounds: int) -> tuple[Rounds, dict[str, Any]]:
    """The naive recipe and ``analyze`` configurations on ``clip``, taking turns."""
    out = CACHE / "speed_report.json"
    analyze = [*SPINECOACH, "analyze", str(clip), "-e", CLIP_SPEC[0], "-q", "--json", str(out)]
    configs = {
        "naive recipe (every frame, 1 process)": lambda: timed(
            [PYTHON, str(HERE / "naive_recipe.py"), str(clip)]),
        "analyze, defaults (15 fps, 2 workers)": lambda: timed(analyze),
        "analyze, 15 fps, --workers 1": lambda: timed([*analyze, "--workers", "1"]),
        "analyze, every frame, --workers 1": lambda: timed(
            [*analyze, "--max-fps", "0", "--workers", "1"]),
        "analyze, every frame, --workers 2": lambda: timed(
            [*analyze, "--max-fps", "0", "--workers", "2"]),
    }
    result = Rounds()
    result.run(configs, rounds)
    report: dict[str, Any] = json.loads(out.read_text())
    return result, report


def commands_table(result: Rounds, duration_s: float) -> str:
    """Markdown for the whole-command rounds."""
    rows = ["| run | wall s (median) | each round | real-time factor |", "|---|---|---|---|"]
    for name in result.times:
        median = result.median(name)
        rows.append(f"| {name} | {median:.2f} | {result.spread(name)} | "
                    f"{duration_s / median:.2f}x |")
    return "\n".join(rows)


# -- where the time goes --------------------------------------------------------------------


def startup_costs() -> dict[str, float]:
    """Seconds for the pieces of start-up, each in a fresh process (median of 3)."""
    snippets = {
        "interpreter alone": "pass",
        "CLI and analysis imports": "import spinecoach.cli as c; c.build_parser(); "
                                    "import spinecoach.compose, spinecoach.tracking.engine",
        "PyAV import": "import av",
        "MediaPipe import, as the naive recipe does it": "import mediapipe",
        "MediaPipe pose only (the workers' lean import)":
            "from spinecoach.pose.mediapipe_estimator import _import_mediapipe_pose as f; "
            "f(True)",
        "lean import + BlazePose graph (one worker's start)":
            "from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator as M; "
            "M(lean_import=True)",
        "pose pool of 2 workers, started and warm":
            "from spinecoach.compose import start_pose_pool as s\n"
            "if __name__ == '__main__':\n"
            "    p = s(2); import numpy as np\n"
            "    j = p.open_job(segmentation=False, frame_bytes=48, slots=4)\n"
            "    [j.send(i, np.zeros((4, 4, 3), np.uint8), i / 30, new_chunk=True) "
            "for i in range(2)]\n"
            "    j.finish(2); [j.take(i) for i in range(2)]; j.close(); p.close()",
    }
    costs = {}
    for name, code in snippets.items():
        costs[name] = statistics.median(timed([PYTHON, "-c", code]) for _ in range(3))
        print(f"start-up: {name}: {costs[name]:.2f} s", flush=True)
    return costs


def decode_costs(clip: Path) -> dict[str, float]:
    """Milliseconds per file frame: decoding alone, and with the RGB conversion."""
    import av
    import numpy as np

    costs = {}
    for name, convert in (("decode", False), ("decode + RGB conversion", True)):
        start = time.process_time()
        with av.open(str(clip)) as container:
            frames = 0
            for frame in container.decode(video=0):
                frames += 1
                if convert:
                    frame.to_ndarray(format="rgb24")
        costs[name] = 1000 * (time.process_time() - start) / frames
    image = np.zeros((720, 1280, 3), np.uint8)
    target = np.empty_like(image)
    start = time.perf_counter()
    for _ in range(200):
        np.copyto(target, image)
    costs["copy into shared memory (720p)"] = 1000 * (time.perf_counter() - start) / 200
    return costs


def pose_costs(clip: Path) -> dict[str, float]:
    """Milliseconds per 720p frame for BlazePose, without and with the mask (CPU time)."""
    from itertools import islice

    from spinecoach.pose.mediapipe_estimator import MediaPipeEstimator
    from spinecoach.pose.video import open_video

    with open_video(clip, max_fps=15) as source:
        frames = [f for f in islice(source, 150)]
    costs = {}
    for segmentation in (False, True):
        with MediaPipeEstimator(segmentation=segmentation) as estimator:
            estimator.estimate(frames[0].image, 0.0)
            start = time.process_time()
            for frame in frames[1:]:
                estimator.estimate(frame.image, frame.t_s)
            name = "BlazePose + mask (hip hinge only)" if segmentation else "BlazePose"
            costs[name] = 1000 * (time.process_time() - start) / (len(frames) - 1)
            if not segmentation:
                start = time.process_time()
                for _ in range(20):
                    estimator.reset_tracking()
                    estimator.estimate(frames[1].image, frames[1].t_s)
                per = 1000 * (time.process_time() - start) / 20
                costs["chunk start (reset + re-detect)"] = per - costs[name]
    return costs


def in_run_costs(clip: Path) -> list[str]:
    """Rows: decode / pose / analysis per analysed frame as measured inside analyze_file."""
    from spinecoach.compose import analyze_file

    rows = []
    for label, max_fps, workers in (("15 fps, 2 workers", 15.0, 2),
                                    ("every frame, 1 worker", None, 1),
                                    ("every frame, 2 workers", None, 2)):
        run = analyze_file(clip, CLIP_SPEC[0], max_fps=max_fps, workers=workers)
        n = run.timings.frames
        rows.append(f"| {label} | {n} | {1000 * run.timings.pose_s / n:.1f} | "
                    f"{1000 * run.timings.analysis_s / n:.3f} | "
                    f"{run.report['run']['wall_s']:.2f} |")
        print(rows[-1], flush=True)
    return rows


def replay_analysis_ms(clip: Path) -> float:
    """Milliseconds per frame of the analysis alone, on replayed landmarks (5 runs)."""
    from spinecoach.compose import estimate_file_poses
    from spinecoach.domain.exercises import get_exercise
    from spinecoach.session.analysis import analyze_poses
    from spinecoach.session.analysis_report import SourceInfo

    with estimate_file_poses(clip, CLIP_SPEC[0], workers=2) as stream:
        poses = list(stream)
    spec = get_exercise(CLIP_SPEC[0])
    info = SourceInfo("replay", 15.0, len(poses), poses[-1].t_s, kind="landmarks")
    start = time.perf_counter()
    for _ in range(5):
        analyze_poses(poses, spec, info)
    return 1000 * (time.perf_counter() - start) / (5 * len(poses))


# -- batch ---------------------------------------------------------------------------------


def batch_rounds(paths: list[Path], exercise: str, rounds: int) -> Rounds:
    """One batch command against one command per file, one after another."""
    folder = CACHE / "batch_reports"

    def one_by_one() -> float:
        start = time.perf_counter()
        for path in paths:
            subprocess.run([*SPINECOACH, "analyze", str(path), "-e", exercise, "-q"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start

    configs = {
        f"{len(paths)} commands, one after another": one_by_one,
        f"one command, {len(paths)} files": lambda: timed(
            [*SPINECOACH, "analyze", *map(str, paths), "-e", exercise, "-q", "--json",
             str(folder)]),
    }
    result = Rounds()
    result.run(configs, rounds)
    return result


# -- what the chunks change ------------------------------------------------------------------


def landmark_errors(path: Path, exercise: str, scenario: str, facing: str,
                    size: tuple[int, int], reps: int | None = None) -> dict[str, Any]:
    """Body-joint pixel error against the exact truth, straight vs chunked, one clip."""
    import numpy as np

    from spinecoach.compose import estimate_file_poses
    from spinecoach.domain.landmarks import MIRROR_INDEX, Landmark
    from spinecoach.pose.stream import STRAIGHT
    from spinecoach.synth import simulate

    body = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP,
            Landmark.RIGHT_HIP, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, Landmark.LEFT_ANKLE,
            Landmark.RIGHT_ANKLE]
    _, truth, _ = simulate(exercise, scenario, width=size[0], height=size[1], facing=facing,
                           repetitions=reps)
    streams = {}
    for name, options in (("straight", {"workers": 1, "chunking": STRAIGHT}),
                          ("chunked", {"workers": 2})):
        with estimate_file_poses(path, exercise, **options) as stream:  # type: ignore[arg-type]
            streams[name] = list(stream)
    scale = np.array(size, dtype=float)
    index = np.searchsorted(truth.t_s, [p.t_s for p in streams["straight"]] , side="left")
    index = np.clip(index, 0, len(truth) - 1)
    true_xy = truth.landmarks[index][:, body, :2] * scale
    errors = {}
    for name, poses in streams.items():
        found = np.stack([p.landmarks for p in poses])
        direct = np.linalg.norm(found[:, body, :2] * scale - true_xy, axis=-1)
        mirrored = np.linalg.norm(found[:, list(MIRROR_INDEX)][:, body, :2] * scale - true_xy,
                                  axis=-1)
        pick = np.nanmean(mirrored, axis=1) < np.nanmean(direct, axis=1)
        errors[name] = np.where(pick[:, None], mirrored, direct)
    diff = np.linalg.norm(
        (np.stack([p.landmarks for p in streams["straight"]])
         - np.stack([p.landmarks for p in streams["chunked"]]))[:, body, :2] * scale, axis=-1)
    from spinecoach.pose.stream import DEFAULT_CHUNKING

    first = np.arange(len(diff)) % DEFAULT_CHUNKING.frames == 0
    first[0] = False
    return {"straight": errors["straight"], "chunked": errors["chunked"], "diff": diff,
            "chunk_start": first}


def chunk_effect() -> tuple[str, list[str]]:
    """Landmark errors on the 720p clip and the golden clips, and the golden reports."""
    import numpy as np

    from spinecoach.compose import analyze_file
    from spinecoach.pose.stream import STRAIGHT

    rows, report_rows = [], []
    specs = [(*CLIP_SPEC, None)] + [(e, s, f, (640, 480), r) for e, s, f, r in GOLDEN]
    for exercise, scenario, facing, size, reps in specs:
        path = render(exercise, scenario, facing, size, reps)
        err = landmark_errors(path, exercise, scenario, facing, size, reps)
        s, c, d = err["straight"], err["chunked"], err["diff"]
        start = err["chunk_start"]
        rows.append(
            f"| {exercise} {scenario} {facing} {size[0]}x{size[1]} | {np.nanmedian(s):.1f} | "
            f"{np.nanmedian(c):.1f} | {np.nanpercentile(s, 95):.1f} | "
            f"{np.nanpercentile(c, 95):.1f} | {np.nanmedian(d):.1f} | "
            f"{np.nanmedian(d[start]) if start.any() else float('nan'):.1f} |")
        print(rows[-1], flush=True)
        if size != (640, 480):
            continue
        straight = analyze_file(path, exercise, workers=1, chunking=STRAIGHT).report
        chunked = analyze_file(path, exercise, workers=2).report
        report_rows.append(golden_row(exercise, scenario, facing, straight, chunked))
        print(report_rows[-1], flush=True)
    return "\n".join(rows), report_rows


def accuracy_set_effect() -> tuple[str, list[str]]:
    """Every fixed rendered scenario and every real clip, straight vs chunks."""
    from real_clips import DATA, REAL_CLIPS, measured

    from spinecoach.compose import analyze_file
    from spinecoach.pose.stream import STRAIGHT
    from spinecoach.synth.scoring import score_generated

    passed = {"straight": 0, "chunks": 0}
    differ: list[str] = []
    cases = fixed_cases()
    for exercise, scenario, facing, size in cases:
        path = render(exercise, scenario, facing, size)
        truth = json.loads(Path(f"{path}.truth.json").read_text())
        reports = {"straight": analyze_file(path, exercise, workers=1, chunking=STRAIGHT).report,
                   "chunks": analyze_file(path, exercise).report}
        scores = {k: score_generated(r, truth).passed for k, r in reports.items()}
        for key, ok in scores.items():
            passed[key] += ok
        row = golden_row(exercise, scenario, f"{facing} {size[0]}x{size[1]}",
                         reports["straight"], reports["chunks"])
        print(row, scores, flush=True)
        if "DIFFERENT" in row:
            differ.append(row.replace(" | DIFFERENT |", f" | {_verdicts(scores)} |"))
    real = {"straight": 0, "chunks": 0}
    scored = 0
    for clip in REAL_CLIPS if DATA.exists() else ():
        values = {"straight": measured(analyze_file(DATA / clip.path, clip.exercise, workers=1,
                                                    chunking=STRAIGHT).report, clip.metric),
                  "chunks": measured(analyze_file(DATA / clip.path, clip.exercise).report,
                                     clip.metric)}
        if clip.tolerance is None:
            continue
        scored += 1
        for key, value in values.items():
            real[key] += abs(value - clip.truth) <= clip.tolerance + 1e-9
        if values["straight"] != values["chunks"]:
            differ.append(f"| {Path(clip.path).name} (real, {clip.metric}, truth "
                          f"{clip.truth:g}) | {values['straight']:.1f} | {values['chunks']:.1f}"
                          " | - |")
        print(clip.path, values, flush=True)
    summary = (f"Rendered clips passing (reps exact, hold within 0.3 s, faults and stop as "
               f"true: `score_generated`): straight "
               f"{passed['straight']}/{len(cases)}, chunks {passed['chunks']}/{len(cases)}; "
               f"real clips scored: straight {real['straight']}/{scored}, chunks "
               f"{real['chunks']}/{scored}.")
    return summary, differ


def fixed_cases() -> list[tuple[str, str, str, tuple[int, int]]]:
    """Every exercise x fixed scenario, both facings at 640x480, and 'good' at 1280x720."""
    from spinecoach.synth import SCENARIOS

    cases = [(exercise, scenario, facing, (640, 480))
             for exercise, scenarios in SCENARIOS.items() for scenario in scenarios
             for facing in ("left", "right")]
    return cases + [(exercise, "good", "right", (1280, 720)) for exercise in SCENARIOS]


def _verdicts(scores: dict[str, bool]) -> str:
    return ", ".join(f"{k} {'pass' if ok else 'FAIL'}" for k, ok in scores.items())


def golden_row(exercise: str, scenario: str, facing: str, straight: dict[str, Any],
               chunked: dict[str, Any]) -> str:
    """One golden clip: the straight and chunked reports side by side, and whether equal."""

    def holds(report: dict[str, Any]) -> list[tuple[float, float]]:
        return [(h["start_s"], h["end_s"]) for h in report["holds"]]

    def faults(report: dict[str, Any]) -> list[str]:
        return [f["code"] for f in report["faults"]]

    a, b = holds(straight), holds(chunked)
    holds_ok = len(a) == len(b) and all(
        abs(x - y) <= 1 / 15 + 1e-9 for p, q in zip(a, b, strict=True)
        for x, y in zip(p, q, strict=True))
    equal = (straight["reps"] == chunked["reps"] and holds_ok
             and faults(straight) == faults(chunked))

    def text(report: dict[str, Any]) -> str:
        shown = ", ".join(f"{x:.2f}-{y:.2f}" for x, y in holds(report)) or "-"
        return f"{report['reps']} reps; holds {shown}; faults {', '.join(faults(report)) or '-'}"

    return (f"| {exercise} {scenario} {facing} | {text(straight)} | {text(chunked)} | "
            f"{'equal' if equal else 'DIFFERENT'} |")


# -- the report ------------------------------------------------------------------------------


def main() -> None:
    """Measure and write BENCHMARKS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--part", choices=("all", "speed", "chunks"), default="all",
                        help="speed: the timed parts (want a quiet machine); chunks: what "
                             "the chunks change (does not depend on the load)")
    parser.add_argument("--no-batch", action="store_true")
    parser.add_argument("--no-accuracy-set", action="store_true",
                        help="chunks: only the landmarks and the golden clips (the whole "
                             "accuracy set, straight and chunked, takes an hour or more)")
    args = parser.parse_args()
    if args.part in ("all", "speed"):
        write_section("Speed", speed_section(args.rounds, batches=not args.no_batch))
    if args.part in ("all", "chunks"):
        started = time.time()
        parts = [chunks_text(*chunk_effect())]
        if not args.no_accuracy_set:
            parts.append(accuracy_set_text(*accuracy_set_effect()))
        parts.append(f"_The comparison took {time.time() - started:.0f} s._")
        write_section("Parallel pose: what the chunks change", "\n\n".join(parts))


def speed_section(rounds: int, *, batches: bool) -> str:
    """Run the timed parts and return the section's text."""
    started, load_before = time.time(), load_average()
    compiled = compile_sources()
    clip = render(*CLIP_SPEC)
    duration_s = clip_seconds(clip)
    commands, report = command_rounds(clip, rounds)
    parts = [machine_text(load_before, clip, duration_s) + compiled,
             ratios_text(commands, duration_s, report), breakdown_text(clip)]
    if batches:
        parts.append(batches_text(rounds))
    parts.append(f"_Load average (1 / 5 / 15 min) before: {load_before}; after: "
                 f"{load_average()}.  The run took {time.time() - started:.0f} s._")
    return "\n\n".join(parts)


def compile_sources() -> str:
    """Byte-compile spinecoach's sources, as a first run leaves them; the note saying so.

    With PYTHONDONTWRITEBYTECODE set (as on this machine) nothing writes ``__pycache__``,
    and every command and pose worker would compile the sources again (~0.1 s each), while
    the naive recipe's libraries come compiled from their wheels.
    """
    import compileall

    import spinecoach

    compileall.compile_dir(str(Path(spinecoach.__file__).parent), quiet=1)
    return ("  Bytecode compiled first (as a first run leaves it; PYTHONDONTWRITEBYTECODE="
            f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r} here).")


def machine_text(load: str, clip: Path, duration_s: float) -> str:
    """Where and on what the benchmark ran."""
    from importlib.metadata import version

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return (f"Clip: {clip.name} (generated), {duration_s:.1f} s, 1280x720, 30 fps.  Machine: "
            f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, mediapipe "
            f"{version('mediapipe')} (BlazePose full, CPU), PyAV {version('av')}.  The machine "
            f"is shared with other workers; load average (1 / 5 / 15 min) at the start: {load}.")


def ratios_text(result: Rounds, duration_s: float, report: dict[str, Any]) -> str:
    """The whole-command table and the ratios that decide the issue."""
    names = list(result.times)
    naive, default, default1, every1, every2 = (result.median(n) for n in names)
    loads = "; ".join(result.loads)
    return (
        "### Whole commands, start-up included\n\n"
        f"Each run is a fresh process; the {len(names)} runs took turns, "
        f"{len(result.loads)} rounds (load average at each round's start: {loads}).\n\n"
        + commands_table(result, duration_s)
        + f"\n\n- **analyze with its defaults: {naive / default:.2f}x the naive recipe** "
        f"(target >= 3x), {duration_s / default:.2f}x real time.\n"
        f"- **Second core, every frame: {every1 / every2:.2f}x** (1 worker / 2 workers; "
        "target >= 1.7x); at the default 15 fps: "
        f"{default1 / default:.2f}x.\n"
        f"- The default report: {report['reps']} reps, run note `{json.dumps(report['run'])}`."
    )


def breakdown_text(clip: Path) -> str:
    """Where the time goes."""
    startup = startup_costs()
    decode = decode_costs(clip)
    pose = pose_costs(clip)
    in_run = in_run_costs(clip)
    replay_ms = replay_analysis_ms(clip)
    lines = ["### Where the time goes", "",
             "Start-up (fresh processes, median of 3; the pool's workers start in parallel "
             "with the parent's decoding):", "",
             "| piece | s |", "|---|---|"]
    lines += [f"| {name} | {seconds:.2f} |" for name, seconds in startup.items()]
    lines += ["", "Per frame (CPU time, one process):", "", "| step | ms/frame |", "|---|---|"]
    lines += [f"| {name} (per file frame) | {ms:.2f} |" for name, ms in decode.items()]
    lines += [f"| {name} (per analysed 720p frame) | {ms:.1f} |" for name, ms in pose.items()]
    lines += ["", "Inside `analyze_file` (pose summed over the workers):", "",
              "| run | frames analysed | pose ms/frame | analysis ms/frame | wall s |",
              "|---|---|---|---|---|", *in_run, "",
              f"Analysis alone (smoothing, features, state machine, report; replayed "
              f"landmarks, 5 runs): **{replay_ms:.3f} ms per frame** (target < 0.5 ms)."]
    return "\n".join(lines)


def batches_text(rounds: int) -> str:
    """Two batches of 10 clips: the real plank recordings and rendered ball-squat sets."""
    from real_clips import DATA, REAL_CLIPS

    batches = [("the 10 real plank recordings of ../shared/data (1080p60 to 640x360, "
                "portrait and landscape)", "plank",
                [DATA / c.path for c in REAL_CLIPS if c.exercise == "plank"][:10]),
               ("the 10 rendered ball-squat sets (5 fixed scenarios x 2 facings, 640x480, "
                "30 fps)", "ball-squat", [render(*spec) for spec in BATCH_SPECS])]
    parts = ["### Batches of 10 clips", "",
             "One command for the 10 files against 10 commands one after another, all with "
             "the defaults; each way took turns with the other.", ""]
    for label, exercise, paths in batches:
        if not all(p.exists() for p in paths):
            parts.append(f"Skipped {label}: files missing.")
            continue
        result = batch_rounds(paths, exercise, rounds)
        one_by_one, batch = (result.median(n) for n in result.times)
        seconds = [clip_seconds(p) for p in paths]
        parts += [f"**{label}, {min(seconds):.0f}-{max(seconds):.0f} s each, "
                  f"{sum(seconds):.0f} s in all: the batch takes {batch / one_by_one:.2f}x the "
                  "time of the separate commands** (target <= 0.6x).", "",
                  "| run | wall s (median) | each round |", "|---|---|---|"]
        parts += [f"| {name} | {result.median(name):.2f} | {result.spread(name)} |"
                  for name in result.times]
        parts.append("")
    return "\n".join(parts).rstrip()


def clip_seconds(path: Path) -> float:
    """A video's duration in seconds."""
    from spinecoach.pose.video import probe_video

    info = probe_video(path)
    return info.duration_s or (info.frame_count or 0) / (info.fps or 30.0)


def chunks_text(landmarks: str, reports: list[str]) -> str:
    """What the chunks change."""
    return (
        "### Landmarks and the golden clips\n\n"
        "Pose runs on chunks of 128 analysed frames that start by re-detecting the person "
        "(with one overlap frame, dropped); the one-process path does the same, so the "
        "landmarks do not depend on `--workers` (bit for bit, tested).  Against tracking "
        "straight through the file (the earlier one-process path), body joints "
        "(shoulders, hips, knees, ankles; pixels, against the renderer's exact joints):\n\n"
        "| clip | median error, straight | median error, chunks | p95 straight | p95 chunks "
        "| median straight-vs-chunks | the same on the first frame of a chunk |\n"
        "|---|---|---|---|---|---|---|\n" + landmarks
        + "\n\nReports of the golden scenarios (straight one process vs the default "
        "chunks on 2 workers; equal = same reps, holds within 1/15 s, same faults):\n\n"
        "| clip | straight | chunks | |\n|---|---|---|---|\n" + "\n".join(reports))


def accuracy_set_text(summary: str, differ: list[str]) -> str:
    """The accuracy benchmark's clips, straight vs chunks."""
    table = ("| clip | straight | chunks | scores |\n|---|---|---|---|\n" + "\n".join(differ)
             if differ else "No report differs.")
    return ("### Every fixed rendered scenario and real clip\n\n" + summary
            + "  Clips whose reports differ (same rule as above):\n\n" + table)


if __name__ == "__main__":
    main()
