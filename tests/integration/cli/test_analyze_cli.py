"""``spinecoach analyze``: outputs and every error path (one line, non-zero exit, no traceback)."""

import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from spinecoach.cli import main
from spinecoach.pose.landmark_io import write_landmarks_csv
from spinecoach.synth import simulate

SPINECOACH = [sys.executable, "-m", "spinecoach.cli"]


def _blank_video(path: Path, frames: int = 20) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for _ in range(frames):
            img = np.full((120, 160, 3), 90, np.uint8)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        out.mux(stream.encode(None))
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SPINECOACH, "analyze", *args], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def bridge_csv(tmp_path: Path) -> tuple[Path, dict]:
    truth, seq, _ = simulate("bridge", "hold_too_short")
    return write_landmarks_csv(seq, tmp_path / "bridge.csv"), truth.to_dict()


def test_landmark_table_gives_the_json_report(bridge_csv, capsys):
    path, truth = bridge_csv
    assert main(["analyze", str(path), "--exercise", "bridge", "--json", "-", "--frames"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["exercise"] == "bridge" and report["reps"] == truth["reps"]
    assert report["source"]["kind"] == "landmarks"
    for key in ("tracking", "repetitions", "holds", "hold_good_form_s", "faults", "stopped",
                "frames"):
        assert key in report
    assert {f["code"] for f in report["faults"]} == {"hold_too_short"}
    rep = report["repetitions"][0]
    assert set(rep) >= {"start_s", "peak_s", "end_s", "side", "hold_s", "good_form", "faults"}


def test_summary_is_readable(bridge_csv, capsys):
    path, _ = bridge_csv
    assert main(["analyze", str(path), "-e", "bridge"]) == 0
    out = capsys.readouterr().out
    assert "Repetitions: 4" in out and "hold_too_short" in out


@pytest.mark.parametrize(
    ("make", "exercise", "message"),
    [
        (lambda p: p / "missing.mp4", "bridge", "missing.mp4"),
        (lambda p: (p / "notes.mp4").write_text("not a video") and p / "notes.mp4",
         "bridge", "notes.mp4"),
        (lambda p: (p / "empty.mp4").write_bytes(b"") or p / "empty.mp4", "plank", "empty.mp4"),
        (lambda p: p / "x.csv", "situps", "unknown exercise 'situps'"),
    ],
    ids=["missing", "not-a-video", "empty", "unknown-exercise"],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, make, exercise, message):
    path = make(tmp_path)
    result = _run(str(path), "--exercise", exercise, "-q")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("spinecoach:")]
    assert len(lines) == 1 and message in lines[0]


def test_csv_without_times_or_fps_names_the_problem(tmp_path):
    path = tmp_path / "poses.csv"
    path.write_text("left_hip_x,left_hip_y\n0.5,0.5\n0.5,0.6\n")
    result = _run(str(path), "-e", "bridge")
    assert result.returncode == 2 and "fps" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_video_with_nobody_in_it_says_so(tmp_path):
    result = _run(str(_blank_video(tmp_path / "empty_room.mp4")), "-e", "plank", "-q")
    assert result.returncode == 2
    assert "no person was found" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def two_tables(tmp_path: Path) -> list[Path]:
    paths = []
    for scenario in ("good", "hold_too_short"):
        _, seq, _ = simulate("bridge", scenario)
        paths.append(write_landmarks_csv(seq, tmp_path / f"bridge_{scenario}.csv"))
    return paths


def test_several_inputs_give_one_report_each_and_a_table(two_tables, tmp_path, capsys):
    out = tmp_path / "reports"
    assert main(["analyze", *map(str, two_tables), "-e", "bridge", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "bridge_good.csv" in table and "bridge_hold_too_short.csv" in table
    assert table.splitlines()[0].split()[:3] == ["file", "reps", "held"]
    reports = {p.name: json.loads(p.read_text()) for p in out.iterdir()}
    assert set(reports) == {"bridge_good.json", "bridge_hold_too_short.json"}
    single = json.loads(_run(str(two_tables[1]), "-e", "bridge", "--json", "-").stdout)
    batch = reports["bridge_hold_too_short.json"]
    assert single.pop("run")["pose_workers"] == 0 and batch.pop("run")["pose_workers"] == 0
    assert single == batch


def test_json_dash_lists_every_input(two_tables, capsys):
    assert main(["analyze", *map(str, two_tables), "-e", "bridge", "--json", "-"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [Path(item["input"]).name for item in listing] == [p.name for p in two_tables]
    assert all(item["report"]["reps"] == 4 and item["error"] is None for item in listing)


def test_a_bad_file_in_a_batch_fails_alone(two_tables, tmp_path):
    result = _run(str(two_tables[0]), str(tmp_path / "missing.mp4"), "-e", "bridge")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("spinecoach:")]
    assert len(errors) == 1 and "missing.mp4" in errors[0]
    assert "bridge_good.csv" in result.stdout and "error" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--workers", "0"], "--workers must be at least 1"),
    (["DIR"], "no video files in this directory"),
])
def test_bad_batch_options_are_one_line_and_exit_2(two_tables, tmp_path, args, message):
    args = [str(tmp_path) if a == "DIR" else a for a in args]
    inputs = [] if str(tmp_path) in args else [str(two_tables[0])]
    result = _run(*inputs, *args, "-e", "bridge")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert message in result.stderr


@pytest.mark.slow
def test_a_directory_of_videos_is_a_batch_equal_to_single_runs(tmp_path):
    from spinecoach.synth import render_clip

    folder = tmp_path / "sets"
    for scenario in ("good", "hold_too_short"):
        render_clip("bridge", scenario, folder / f"{scenario}.mp4", repetitions=1)
    out = tmp_path / "reports"
    result = _run(str(folder), "-e", "bridge", "--json", str(out), "--workers", "2")
    assert result.returncode == 0, result.stderr
    for name in ("good", "hold_too_short"):
        batch = json.loads((out / f"{name}.json").read_text())
        single = json.loads(_run(str(folder / f"{name}.mp4"), "-e", "bridge", "--workers", "1",
                                 "--json", "-").stdout)
        assert batch.pop("run")["pose_workers"] == 2 and single.pop("run")["pose_workers"] == 1
        assert batch == single
