"""Tests for reading and writing landmark tables."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from spinecoach.domain.landmarks import Landmark
from spinecoach.domain.pose import PoseSequence
from spinecoach.errors import LandmarkFileError
from spinecoach.pose.landmark_io import read_landmarks, write_landmarks_csv


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_csv_round_trip_is_exact(tmp_path: Path, sequence: PoseSequence) -> None:
    path = write_landmarks_csv(sequence, tmp_path / "poses.csv")
    back = read_landmarks(path)
    np.testing.assert_array_equal(back.t_s, sequence.t_s)
    np.testing.assert_array_equal(back.landmarks, sequence.landmarks)  # NaN == NaN here
    assert (back.width, back.height) == (sequence.width, sequence.height)


def test_written_header_uses_landmark_columns(tmp_path: Path, sequence: PoseSequence) -> None:
    path = write_landmarks_csv(sequence, tmp_path / "poses.csv")
    header = path.read_text().splitlines()[0].split(",")
    assert header[:4] == ["frame", "t_s", "width", "height"]
    assert f"{Landmark.LEFT_HIP.column}_x" in header
    assert len(header) == 4 + 33 * 4


def test_missing_columns_become_nan_and_missing_v_means_visible(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "partial.csv",
        ["frame", "left_hip_x", "left_hip_y", "left_knee_x", "left_knee_v", "label"],
        [[0, 0.5, 0.6, 0.4, 0.9, "up"], [1, "", 0.61, 0.41, 0.8, "down"]],
    )
    seq = read_landmarks(path, fps=10)
    np.testing.assert_allclose(seq.t_s, [0.0, 0.1])
    assert seq.landmarks.shape == (2, 33, 4)
    hip, knee = seq.landmarks[:, Landmark.LEFT_HIP], seq.landmarks[:, Landmark.LEFT_KNEE]
    np.testing.assert_array_equal(hip[0], [0.5, 0.6, np.nan, 1.0])
    assert np.isnan(hip[1, 0]) and np.isnan(hip[1, 3])  # empty cell: missing, not visible
    assert np.isnan(knee[:, 1]).all() and np.isnan(knee[:, 2]).all()
    np.testing.assert_array_equal(knee[:, 3], [0.9, 0.8])
    assert np.isnan(seq.landmarks[:, Landmark.NOSE]).all()


def test_width_height_columns_and_t_s(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "sized.csv",
        ["t_s", "width", "height", "nose_x", "nose_y"],
        [[0.0, 1920, 1080, 0.1, 0.2], [0.05, 1920, 1080, 0.1, 0.2], [0.2, 1920, 1080, 0.1, 0.2]],
    )
    seq = read_landmarks(path)
    np.testing.assert_allclose(seq.t_s, [0.0, 0.05, 0.2])
    assert (seq.width, seq.height) == (1920, 1080)


def test_size_parameters_used_without_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", ["nose_x"], [[0.1]])
    seq = read_landmarks(path, fps=30, width=640, height=480)
    assert (seq.width, seq.height) == (640, 480)


@pytest.mark.parametrize(
    ("header", "rows", "fps", "message"),
    [
        (["nose_x", "lknee_x"], [[0.1, 0.2]], 30, "lknee_x"),
        (["nose_x", "nose_x"], [[0.1, 0.2]], 30, "twice"),
        (["a", "b"], [[1, 2]], 30, "no landmark columns"),
        (["nose_x", "nose_y"], [[0.1, 0.2], [0.1, "abc"]], 30, "row 3 column 'nose_y'"),
        (["nose_x"], [[0.1]], None, "fps"),
        (["frame", "nose_x"], [[0, 0.1]], None, "fps"),
        (["t_s", "nose_x"], [[0.1, 0.1], [0.1, 0.2]], None, "does not increase"),
        (["t_s", "nose_x"], [[0.0, 0.1], ["", 0.2]], None, "missing t_s"),
        (["nose_x"], [], 30, "no frames"),
        (["width", "nose_x"], [[-5, 0.1]], 30, "positive"),
    ],
)
def test_malformed_csv_raises_a_specific_error(
    tmp_path: Path, header: list[str], rows: list[list[object]], fps: float | None, message: str
) -> None:
    path = _write(tmp_path / "bad.csv", header, rows)
    with pytest.raises(LandmarkFileError, match=message):
        read_landmarks(path, fps=fps)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(LandmarkFileError, match="empty"):
        read_landmarks(tmp_path / "empty.csv", fps=30)
    with pytest.raises(LandmarkFileError, match="no such file"):
        read_landmarks(tmp_path / "missing.csv", fps=30)
    with pytest.raises(LandmarkFileError, match="unknown landmark file type"):
        read_landmarks(tmp_path / "poses.json", fps=30)


def test_npy_with_and_without_visibility(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    four = rng.random((5, 33, 4))
    np.save(tmp_path / "four.npy", four)
    seq = read_landmarks(tmp_path / "four.npy", fps=25, width=800, height=600)
    np.testing.assert_array_equal(seq.landmarks, four)
    np.testing.assert_allclose(seq.t_s, np.arange(5) / 25)
    assert (seq.width, seq.height) == (800, 600)

    three = rng.random((4, 33, 3))
    three[1, 2] = np.nan
    np.save(tmp_path / "three.npy", three)
    seq3 = read_landmarks(tmp_path / "three.npy", fps=30)
    np.testing.assert_array_equal(seq3.landmarks[..., :3], three)
    assert seq3.landmarks[0, :, 3].tolist() == [1.0] * 33
    assert np.isnan(seq3.landmarks[1, 2, 3])


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.zeros((5, 17, 3)), r"shape \(5, 17, 3\)"),
        (np.zeros((5, 33)), "shape"),
        (np.zeros((0, 33, 4)), "no frames"),
        (np.array([["a"] * 4] * 33)[None], "dtype"),
    ],
)
def test_malformed_npy(tmp_path: Path, array: np.ndarray, message: str) -> None:
    np.save(tmp_path / "bad.npy", array)
    with pytest.raises(LandmarkFileError, match=message):
        read_landmarks(tmp_path / "bad.npy", fps=30)


def test_npy_needs_fps_and_a_real_array(tmp_path: Path) -> None:
    np.save(tmp_path / "ok.npy", np.zeros((2, 33, 4)))
    with pytest.raises(LandmarkFileError, match="fps"):
        read_landmarks(tmp_path / "ok.npy")
    (tmp_path / "junk.npy").write_bytes(b"not numpy at all")
    with pytest.raises(LandmarkFileError, match="not a readable"):
        read_landmarks(tmp_path / "junk.npy", fps=30)


def test_real_third_party_csv_reads_with_fps() -> None:
    shared = Path(__file__).resolve().parents[4] / "shared" / "data" / "lbp_exercise_refs"
    path = shared / "keypoints" / "ngoquocbao_squat_stage_test.csv"
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    seq = read_landmarks(path, fps=30)
    assert len(seq) == 853
    assert np.isfinite(seq.landmarks[:, Landmark.LEFT_KNEE, :]).all()
    assert np.isnan(seq.landmarks[:, Landmark.LEFT_WRIST]).all()


def test_17_point_arrays_are_read_with_their_layout(tmp_path):
    from spinecoach.errors import LandmarkFileError
    from spinecoach.pose.landmark_io import LAYOUTS, read_landmarks

    rng = np.random.default_rng(3)
    array = rng.uniform(0.2, 0.8, (5, 17, 3))
    path = tmp_path / "other_tool.npy"
    np.save(path, array)
    seq = read_landmarks(path, fps=30, layout="coco17")
    order = list(LAYOUTS["coco17"])
    assert np.allclose(seq.landmarks[:, order, :2], array[..., :2])
    assert np.allclose(seq.landmarks[:, order, 3], array[..., 2])  # the score is visibility
    others = [i for i in range(33) if i not in order]
    assert np.isnan(seq.landmarks[:, others, 0]).all()
    with pytest.raises(LandmarkFileError, match="--layout"):
        read_landmarks(path, fps=30)
    with pytest.raises(LandmarkFileError, match="unknown layout"):
        read_landmarks(path, fps=30, layout="openpose25")
