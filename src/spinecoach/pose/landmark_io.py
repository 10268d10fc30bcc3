"""Landmark tables as input and output, so poses from other tools can be analysed.

Two formats are read by :func:`read_landmarks`, chosen by the file suffix:

``.csv``
    One row per frame, columns ``<name>_x, <name>_y, <name>_z, <name>_v`` where ``<name>`` is
    a BlazePose landmark in lower case (``left_hip_x``; see ``Landmark.column``).  Landmarks or
    components that are absent become NaN (a missing ``_v`` column means "visible", 1.0, when
    the landmark's ``x`` is present).  An empty cell is NaN.  Optional columns: ``t_s``
    (seconds), ``frame`` (index, timed with ``fps``), ``width`` and ``height`` (pixels, taken
    from the first row).  Other columns without a landmark suffix (``label``...) are ignored;
    a column that looks like a landmark but names none (``lknee_x``) is an error, so a typo
    never silently drops a joint.
``.npy``
    An array of shape ``(frames, 33, 4)`` (x, y, z, visibility) or ``(frames, 33, 3)`` (no
    visibility: v = 1), timed with ``fps``.  Tools that keep fewer points save arrays of
    shape ``(frames, 17, 3)`` (x, y, score) or ``(frames, 17, 2)``; their point order is
    named with ``layout`` (see :data:`LAYOUTS`): ``coco17`` (nose, eyes, ears, shoulders,
    elbows, wrists, hips, knees, ankles) or ``body17`` (nose, shoulders, elbows, wrists, hips,
    knees, ankles, heels, foot tips).  What the missing points would have judged is said in
    the analysis report.

:func:`write_landmarks_csv` writes the CSV format with ``t_s`` and ``frame`` columns; numbers
are written with ``repr`` precision so a round trip is exact.

This module is deliberately free of OpenCV and MediaPipe.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from spinecoach.domain.landmarks import COMPONENTS, N_LANDMARKS, Landmark
from spinecoach.domain.pose import FloatArray, PoseSequence
from spinecoach.errors import LandmarkFileError

__all__ = ["read_landmarks", "read_landmarks_csv", "read_landmarks_npy", "write_landmarks_csv"]

_TIME_COLUMNS = ("t_s", "frame", "width", "height")
_L, _R = Landmark, Landmark
LAYOUTS: dict[str, tuple[Landmark, ...]] = {
    "coco17": (
        _L.NOSE, _L.LEFT_EYE, _R.RIGHT_EYE, _L.LEFT_EAR, _R.RIGHT_EAR, _L.LEFT_SHOULDER,
        _R.RIGHT_SHOULDER, _L.LEFT_ELBOW, _R.RIGHT_ELBOW, _L.LEFT_WRIST, _R.RIGHT_WRIST,
        _L.LEFT_HIP, _R.RIGHT_HIP, _L.LEFT_KNEE, _R.RIGHT_KNEE, _L.LEFT_ANKLE, _R.RIGHT_ANKLE,
    ),
    "body17": (
        _L.NOSE, _L.LEFT_SHOULDER, _R.RIGHT_SHOULDER, _L.LEFT_ELBOW, _R.RIGHT_ELBOW,
        _L.LEFT_WRIST, _R.RIGHT_WRIST, _L.LEFT_HIP, _R.RIGHT_HIP, _L.LEFT_KNEE, _R.RIGHT_KNEE,
        _L.LEFT_ANKLE, _R.RIGHT_ANKLE, _L.LEFT_HEEL, _R.RIGHT_HEEL, _L.LEFT_FOOT_INDEX,
        _R.RIGHT_FOOT_INDEX,
    ),
}
_BY_NAME = {lm.column: lm for lm in Landmark}


def read_landmarks(
    path: str | Path, *, fps: float | None = None, width: int = 1280, height: int = 720,
    layout: str | None = None,
) -> PoseSequence:
    """Read a landmark table (``.csv`` or ``.npy``) into a :class:`PoseSequence`.

    Parameters
    ----------
    path
        The file; the suffix chooses the format (see the module docstring).
    fps
        Frame rate used to time the rows when the file has no ``t_s`` column (CSV with a
        ``frame`` column or none, and every ``.npy``).
    width, height
        Pixel size of the images the landmarks came from, unless the CSV has ``width`` /
        ``height`` columns.  Angles are computed in pixels, so the aspect ratio matters.
    layout
        The point order of a ``.npy`` array with fewer than 33 points (:data:`LAYOUTS`).

    Returns
    -------
    PoseSequence
        ``t_s`` (N,) and ``landmarks`` (N, 33, 4) with NaN for what was missing.

    Raises
    ------
    LandmarkFileError
        If the file is missing, of an unknown type, malformed, or cannot be timed.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_landmarks_csv(path, fps=fps, width=width, height=height)
    if suffix == ".npy":
        return read_landmarks_npy(path, fps=fps, width=width, height=height, layout=layout)
    raise LandmarkFileError(f"{path}: unknown landmark file type {suffix!r} (use .csv or .npy)")


def _check_size(path: Path, width: float, height: float) -> tuple[int, int]:
    """Validate an image size and return it as ints."""
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        raise LandmarkFileError(
            f"{path}: image width and height must be positive, got {width} x {height}"
        )
    return int(width), int(height)


def _times_from_fps(path: Path, n_frames: int, fps: float | None, what: str) -> FloatArray:
    """Time ``n_frames`` rows at ``fps`` or raise a clear error when it is missing."""
    if fps is None:
        raise LandmarkFileError(f"{path}: {what}; pass fps= (e.g. --fps 30) to time the frames")
    if not math.isfinite(fps) or fps <= 0:
        raise LandmarkFileError(f"{path}: fps must be a positive number, got {fps}")
    return np.arange(n_frames, dtype=np.float64) / fps


def read_landmarks_npy(
    path: str | Path, *, fps: float | None = None, width: int = 1280, height: int = 720,
    layout: str | None = None,
) -> PoseSequence:
    """Read a ``(frames, points, channels)`` ``.npy`` array; see :func:`read_landmarks`."""
    path = Path(path)
    try:
        array = np.load(path, allow_pickle=False)
    except FileNotFoundError as exc:
        raise LandmarkFileError(f"{path}: no such file") from exc
    except (OSError, ValueError, EOFError) as exc:
        raise LandmarkFileError(f"{path}: not a readable .npy array ({exc})") from exc
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise LandmarkFileError(f"{path}: array dtype {array.dtype} is not real numbers")
    order = _npy_order(path, array.shape, layout)
    if array.shape[0] == 0:
        raise LandmarkFileError(f"{path}: the array holds no frames")
    landmarks = np.full((array.shape[0], N_LANDMARKS, 4), np.nan)
    values = array.astype(np.float64)
    channels = array.shape[2]
    if len(order) == N_LANDMARKS:
        landmarks[..., :channels] = values  # x, y, z (, v)
    else:
        landmarks[:, list(order), :2] = values[..., :2]  # x, y (, score)
        if channels == 3:
            landmarks[:, list(order), 3] = values[..., 2]
    if channels < 4 and not (len(order) < N_LANDMARKS and channels == 3):
        landmarks[..., 3] = np.where(np.isfinite(landmarks[..., 0]), 1.0, np.nan)
    t_s = _times_from_fps(path, array.shape[0], fps, ".npy files carry no timestamps")
    w, h = _check_size(path, width, height)
    return PoseSequence(t_s, landmarks, w, h)


def _npy_order(path: Path, shape: tuple[int, ...], layout: str | None) -> tuple[Landmark, ...]:
    """The landmarks an array's points stand for, or a clear error."""
    names = ", ".join(LAYOUTS)
    if len(shape) == 3 and shape[1] == N_LANDMARKS and shape[2] in (3, 4) and layout is None:
        return tuple(Landmark)
    if len(shape) == 3 and layout in LAYOUTS and shape[1] == len(LAYOUTS[layout]) \
            and shape[2] in (2, 3):
        return LAYOUTS[layout]
    if layout is not None and layout not in LAYOUTS:
        raise LandmarkFileError(f"{path}: unknown layout {layout!r}; choose one of: {names}")
    raise LandmarkFileError(
        f"{path}: array has shape {shape}; expected (frames, 33, 4) or (frames, 33, 3) in "
        f"BlazePose landmark order, or (frames, 17, 3 or 2) with --layout ({names})"
    )


def _parse_header(path: Path, header: Sequence[str]) -> dict[str, int]:
    """Map known column names to their positions; reject look-alike landmark typos."""
    columns: dict[str, int] = {}
    for position, raw in enumerate(header):
        name = raw.strip().lower()
        if not name:
            continue
        if name in columns:
            raise LandmarkFileError(f"{path}: bad header: column {name!r} appears twice")
        stem, _, component = name.rpartition("_")
        if name in _TIME_COLUMNS or (component in COMPONENTS and stem in _BY_NAME):
            columns[name] = position
        elif component in COMPONENTS and stem:
            raise LandmarkFileError(
                f"{path}: bad header: column {raw.strip()!r} names no BlazePose landmark "
                f"(expected e.g. 'left_hip_x')"
            )
    if not any(name.rpartition("_")[0] in _BY_NAME for name in columns):
        raise LandmarkFileError(
            f"{path}: bad header: no landmark columns (expected '<landmark>_x', '<landmark>_y', "
            "... e.g. 'left_hip_x')"
        )
    return columns


def _parse_rows(path: Path, rows: list[list[str]], columns: dict[str, int]) -> FloatArray:
    """Parse the known columns of every row into a float table (empty cell = NaN)."""
    names = list(columns)
    table = np.full((len(rows), len(names)), np.nan)
    for row_index, row in enumerate(rows):
        line = row_index + 2  # 1-based, after the header
        for col_index, name in enumerate(names):
            position = columns[name]
            cell = row[position].strip() if position < len(row) else ""
            if not cell:
                continue
            try:
                table[row_index, col_index] = float(cell)
            except ValueError:
                raise LandmarkFileError(
                    f"{path}: non-numeric value {cell[:20]!r} at row {line} column {name!r}"
                ) from None
    return table


def _landmarks_from_table(table: FloatArray, names: list[str]) -> FloatArray:
    """Arrange the parsed columns into an (N, 33, 4) array."""
    landmarks = np.full((table.shape[0], N_LANDMARKS, 4), np.nan)
    has_v: set[Landmark] = set()
    for col_index, name in enumerate(names):
        stem, _, component = name.rpartition("_")
        if stem not in _BY_NAME:
            continue
        landmark = _BY_NAME[stem]
        landmarks[:, landmark, COMPONENTS.index(component)] = table[:, col_index]
        if component == "v":
            has_v.add(landmark)
    for landmark in set(Landmark) - has_v:
        present = np.isfinite(landmarks[:, landmark, 0])
        landmarks[present, landmark, 3] = 1.0
    return landmarks


def _csv_times(path: Path, table: FloatArray, names: list[str], fps: float | None) -> FloatArray:
    """Return ``t_s`` from a ``t_s`` column, a ``frame`` column and fps, or fps alone."""
    if "t_s" in names:
        t_s = table[:, names.index("t_s")]
        what = "t_s"
    elif "frame" in names:
        step_s = _times_from_fps(path, 2, fps, "the file has a 'frame' column but no 't_s'")[1]
        t_s = table[:, names.index("frame")] * step_s
        what = "frame"
    else:
        return _times_from_fps(path, table.shape[0], fps, "the file has no 't_s' or 'frame' column")
    if not np.isfinite(t_s).all():
        row = int(np.flatnonzero(~np.isfinite(t_s))[0]) + 2
        raise LandmarkFileError(f"{path}: missing {what} value at row {row}")
    if t_s.size > 1 and not (np.diff(t_s) > 0).all():
        row = int(np.flatnonzero(np.diff(t_s) <= 0)[0]) + 3
        raise LandmarkFileError(f"{path}: {what} does not increase at row {row}")
    return np.asarray(t_s, dtype=np.float64)


def read_landmarks_csv(
    path: str | Path, *, fps: float | None = None, width: int = 1280, height: int = 720
) -> PoseSequence:
    """Read a landmark CSV; see :func:`read_landmarks` for the format and errors."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError as exc:
        raise LandmarkFileError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LandmarkFileError(f"{path}: not a readable CSV file ({exc})") from exc
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise LandmarkFileError(f"{path}: the file is empty")
    columns = _parse_header(path, rows[0])
    if len(rows) == 1:
        raise LandmarkFileError(f"{path}: the file has a header but no frames")
    table = _parse_rows(path, rows[1:], columns)
    names = list(columns)
    t_s = _csv_times(path, table, names, fps)
    if "width" in names:
        width = table[0, names.index("width")]
    if "height" in names:
        height = table[0, names.index("height")]
    w, h = _check_size(path, width, height)
    return PoseSequence(t_s, _landmarks_from_table(table, names), w, h)


def write_landmarks_csv(seq: PoseSequence, path: str | Path) -> Path:
    """Write ``seq`` as a landmark CSV that :func:`read_landmarks` reads back exactly.

    Columns: ``frame, t_s, width, height`` then ``<landmark>_x/_y/_z/_v`` for all 33
    landmarks in BlazePose order.  NaN is written as an empty cell.

    Parameters
    ----------
    seq
        The poses to write.
    path
        Destination file (overwritten).

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    header = ["frame", "t_s", "width", "height"]
    header += [f"{lm.column}_{c}" for lm in Landmark for c in COMPONENTS]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for index in range(len(seq)):
            cells = [str(index), _fmt(seq.t_s[index]), str(seq.width), str(seq.height)]
            cells += [_fmt(value) for value in seq.landmarks[index].ravel()]
            writer.writerow(cells)
    return path


def _fmt(value: float) -> str:
    """Shortest exact text for a float; empty for NaN."""
    number = float(value)
    return "" if math.isnan(number) else repr(number)
