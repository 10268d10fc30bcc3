"""The accuracy corpus: rendered clips by seed and the shared real clips, with cached poses.

Running BlazePose is ~90 % of an analysis, so every clip's landmark stream (and, for the hip
hinge, its segmentation masks) is computed once, with the same sampling as ``analyze``, and
cached under ``$SPINECOACH_BENCH_CACHE`` (default /tmp/spinecoach-bench).  The engine and the
naive recipe then both replay the same stream, which isolates what the analysis does from
what the pose model saw.  The cache key holds the file's size and mtime, the sampling rate,
whether masks were computed and the mediapipe version, so a change to any of them recomputes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from spinecoach.compose import DEFAULT_MAX_FPS, default_estimator, needs_mask
from spinecoach.domain.pose import PoseFrame
from spinecoach.pose.mediapipe_estimator import REVISION

BENCH = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("SPINECOACH_BENCH_CACHE", "/tmp/spinecoach-bench"))
SPLITS = tomllib.loads((BENCH / "splits.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Stream:
    """One clip's poses as the engine sees them."""

    frames: list[PoseFrame]
    fps: float  # the file's frame rate
    file_frames: int
    duration_s: float


def _mediapipe_version() -> str:
    from importlib.metadata import version

    return version("mediapipe")


def _key(path: Path, segmentation: bool, max_fps: float, revision: str = REVISION) -> str:
    st = path.stat()
    text = f"{path.name}|{st.st_size}|{st.st_mtime_ns}|{segmentation}|{max_fps}|" \
           f"{_mediapipe_version()}"
    if revision:  # the first estimator had no revision; its keys stay valid
        text += f"|{revision}"
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _estimate(path: Path, segmentation: bool, max_fps: float) -> dict[str, Any]:
    from spinecoach.pose.video import open_video

    source = open_video(path, max_fps=max_fps or None)
    estimator = default_estimator(segmentation)
    t_s, lms, masks = [], [], []
    try:
        for frame in source:
            pose = estimator.estimate(frame.image, frame.t_s)
            t_s.append(pose.t_s)
            lms.append(pose.landmarks)
            if segmentation:
                m = pose.mask if pose.mask is not None else np.zeros((1, 1), np.float32)
                masks.append(np.round(m * 255).astype(np.uint8))
        info = source.info
    finally:
        estimator.close()
        source.close()
    frames = info.frame_count or len(t_s)
    duration = info.duration_s or (frames / info.fps if info.fps else 0.0)
    data: dict[str, Any] = {
        "t_s": np.array(t_s), "landmarks": np.array(lms).reshape(-1, 33, 4),
        "size": np.array([source.width, source.height]),
        "meta": np.array([info.fps, frames, duration]),
    }
    if segmentation:
        data["masks"] = np.array(masks, dtype=object)
    return data


def _cache_file(path: Path, exercise: str, max_fps: float) -> Path:
    seg = needs_mask(exercise)
    cached = CACHE / f"poses-{path.stem}-{_key(path, seg, max_fps)}.npz"
    if not cached.exists():
        _adopt_unchanged(CACHE / f"poses-{path.stem}-{_key(path, seg, max_fps, '')}.npz",
                         cached)
    return cached


def _adopt_unchanged(before: Path, cached: Path) -> None:
    """Reuse a stream of the estimator before the crop search when it cannot differ.

    The crop search (``REVISION`` "crops-1") only acts on a frame where the whole picture
    shows nobody; on a stream with a person on every frame it makes exactly the same graph
    calls in the same order, so the landmarks are bit-for-bit the same.  Such streams are
    linked under the new key; any other is recomputed.
    """
    if REVISION != "crops-1" or not before.exists():
        return
    with np.load(before, allow_pickle=True) as z:
        found_everywhere = not np.isnan(z["landmarks"][:, 0, 0]).any()
    if found_everywhere:
        os.link(before, cached)


def is_cached(path: Path, exercise: str, max_fps: float = DEFAULT_MAX_FPS) -> bool:
    """True when the clip's pose stream is already cached."""
    return path.exists() and _cache_file(path, exercise, max_fps).exists()


def load_stream(path: Path, exercise: str, max_fps: float = DEFAULT_MAX_FPS) -> Stream:
    """Return the clip's pose stream, from the cache or by running BlazePose once."""
    seg = needs_mask(exercise)
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = _cache_file(path, exercise, max_fps)
    if not cached.exists():
        data = _estimate(path, seg, max_fps)
        tmp = cached.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **data)
        tmp.replace(cached)
    z = np.load(cached, allow_pickle=True)
    w, h = (int(v) for v in z["size"])
    masks = list(z["masks"]) if "masks" in z.files else None
    frames = [
        PoseFrame(float(t), z["landmarks"][i], w, h,
                  None if masks is None or masks[i].size <= 1
                  else masks[i].astype(np.float32) / 255.0)
        for i, t in enumerate(z["t_s"])
    ]
    fps, n, duration = (float(v) for v in z["meta"])
    return Stream(frames, fps, int(n), duration)


@cache
def renderer_id() -> str:
    """A hash of the renderer's source, so renders from another renderer are never reused.

    Computed once per process (the code that is loaded, even if the files change later).
    """
    import spinecoach.synth as synth

    root = Path(synth.__file__).parent
    digest = hashlib.sha1()
    for f in sorted(root.rglob("*.py")):
        digest.update(f.relative_to(root).as_posix().encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:12]


def rendered_dir() -> Path:
    """Where this renderer's clips are cached (``$SPINECOACH_BENCH_RENDERS`` overrides)."""
    override = os.environ.get("SPINECOACH_BENCH_RENDERS")
    return Path(override.split(":")[0]) if override else CACHE / f"rendered-{renderer_id()}"


def seed_path(seed: int) -> Path:
    """The clip of ``seed``: in the first of ``$SPINECOACH_BENCH_RENDERS``'s folders (a
    colon-separated list, for a preview corpus built by several renderer versions) that
    holds it, else where this renderer puts it."""
    override = os.environ.get("SPINECOACH_BENCH_RENDERS")
    for folder in override.split(":") if override else []:
        path = Path(folder) / f"random-{seed}.mp4"
        if Path(f"{path}.truth.json").exists():
            return path
    return rendered_dir() / f"random-{seed}.mp4"


def rendered_path(seed: int) -> Path:
    """Render the random clip of ``seed`` once (with its truth) and return its path."""
    path = seed_path(seed)
    if not (path.exists() and Path(f"{path}.truth.json").exists()):
        from spinecoach.synth.randomise import render_random

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"tmp-{os.getpid()}-{path.name}")
        render_random(seed, tmp)
        Path(f"{tmp}.truth.json").replace(Path(f"{path}.truth.json"))
        tmp.replace(path)
    return path


def truth_of(path: Path) -> dict[str, Any]:
    """The renderer's exact truth beside a rendered clip."""
    return dict(json.loads(Path(f"{path}.truth.json").read_text(encoding="utf-8")))


def seeds(split: str) -> range:
    """The rendered seeds of ``split`` ("tuning" or "test")."""
    lo, hi = SPLITS["rendered"][f"{split}_seeds"]
    return range(lo, hi)


def real_clips(split: str) -> list[str]:
    """The real clip paths (relative to the data folder) of ``split``."""
    return list(SPLITS["real"][split])
