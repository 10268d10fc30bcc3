"""The naive reference recipe: what hobby "AI trainer" projects do, as a benchmark baseline.

BlazePose landmarks straight from the model (no smoothing, no gating beyond "is the joint
there"), the side with the higher summed visibility, 2D angles in pixels and fixed angle
thresholds with an up/down state per exercise.  Written on 2026-12-01 from the usual recipe,
before any result was looked at, and never tuned: it is the yardstick the engine must beat,
metric by metric, on the same landmark streams.

The output has the fields of the engine's report that the scorer reads (``reps``,
``repetitions``, ``holds``, ``hold_good_form_s``, ``faults``, ``stopped``, ``frames``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from spinecoach.domain.pose import PoseFrame

# Landmark indices (BlazePose 33).
L_SHOULDER, R_SHOULDER, L_HIP, R_HIP = 11, 12, 23, 24
L_KNEE, R_KNEE, L_ANKLE, R_ANKLE = 25, 26, 27, 28
MIN_VIS = 0.5

# The usual fixed thresholds (degrees, interior angles).
SQUAT_UP_KNEE = 160.0  # knee straighter than this = standing
SQUAT_DOWN_KNEE = 100.0  # knee bent more than this = bottom of the squat
SQUAT_SHALLOW_KNEE = 140.0  # went below this but never reached "down" = too shallow
BRIDGE_UP_HIP = 160.0  # shoulder-hip-knee straighter than this = bridge top
BRIDGE_DOWN_HIP = 140.0  # below this = hips down
PLANK_GOOD_BODY = 165.0  # shoulder-hip-ankle straighter than this = straight line
PLANK_MAX_TILT = 30.0  # shoulder-ankle line flatter than this = lying in a plank
PLANK_KNEE_DOWN = 150.0  # knee bent more than this = knees down
HINGE_DOWN_HIP = 130.0  # shoulder-hip-knee opened past this = heel lowered
HINGE_UP_HIP = 110.0  # back below this = leg back in tabletop
HINGE_MAX_KNEE = 125.0
MIN_REP_S = 1.2
TARGET_HOLD_S = 3.0


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    ba, bc = a - b, c - b
    n = float(np.linalg.norm(ba) * np.linalg.norm(bc))
    if not n > 0:
        return math.nan
    cos = float(np.dot(ba, bc)) / n
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _points(frame: PoseFrame) -> tuple[dict[str, np.ndarray], float] | None:
    lm = frame.landmarks
    if not np.isfinite(lm[:, 0]).any():
        return None
    vis = np.nan_to_num(lm[:, 3], nan=0.0)
    left = vis[[L_SHOULDER, L_HIP, L_KNEE, L_ANKLE]].sum()
    right = vis[[R_SHOULDER, R_HIP, R_KNEE, R_ANKLE]].sum()
    ids = (L_SHOULDER, L_HIP, L_KNEE, L_ANKLE) if left >= right else (
        R_SHOULDER, R_HIP, R_KNEE, R_ANKLE)
    scale = np.array([frame.width, frame.height], dtype=float)
    pts = {}
    for name, i in zip(("shoulder", "hip", "knee", "ankle"), ids, strict=True):
        if not (np.isfinite(lm[i, 0]) and vis[i] >= MIN_VIS):
            return None
        pts[name] = lm[i, :2] * scale
    return pts, 0.0


@dataclass
class _Out:
    reps: list[dict[str, Any]] = field(default_factory=list)
    holds: list[tuple[float, float]] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)
    frames: list[dict[str, Any]] = field(default_factory=list)

    def fault(self, code: str, a: float, b: float) -> None:
        self.faults.append({"code": code, "start_s": a, "end_s": b})

    def report(self, exercise: str) -> dict[str, Any]:
        holds = [{"start_s": a, "end_s": b, "duration_s": b - a} for a, b in self.holds]
        return {
            "exercise": exercise, "reps": len(self.reps), "repetitions": self.reps,
            "holds": holds, "hold_good_form_s": sum(h["duration_s"] for h in holds),
            "faults": self.faults, "stopped": None, "frames": self.frames,
        }


def _rep(out: _Out, a: float, peak: float, b: float, hold_s: float, faults: list[str],
         side: str | None = None) -> None:
    out.reps.append({"index": len(out.reps) + 1, "start_s": a, "peak_s": peak, "end_s": b,
                     "hold_s": hold_s, "side": side, "faults": faults,
                     "good_form": not faults})
    for code in faults:
        out.fault(code, a, b)


def _hold_rep(  # noqa: C901 - the recipe as hobby projects write it: one loop
    frames: Sequence[PoseFrame], exercise: str, down_is_target: bool
) -> _Out:
    """Squat (knee angle) and bridge (hip angle): a two-state counter with a timed target."""
    out = _Out()
    state = "start"
    rep_start = target_start = 0.0
    best = math.nan
    for f in frames:
        got = _points(f)
        if got is None:
            out.frames.append({"t_s": f.t_s, "faults": []})
            continue
        p, _ = got
        if down_is_target:
            value = _angle(p["hip"], p["knee"], p["ankle"])
            at_start, at_target = value > SQUAT_UP_KNEE, value < SQUAT_DOWN_KNEE
            moving = value < SQUAT_SHALLOW_KNEE
        else:
            value = _angle(p["shoulder"], p["hip"], p["knee"])
            at_start, at_target = value < BRIDGE_DOWN_HIP, value > BRIDGE_UP_HIP
            moving = value > BRIDGE_DOWN_HIP
        frame_faults = []
        if down_is_target and p["hip"][1] > p["knee"][1]:
            frame_faults.append("too_deep")  # hip lower than the knee
        out.frames.append({"t_s": f.t_s, "faults": frame_faults})
        t = f.t_s
        if state == "start" and moving:
            state, rep_start, best = "moving", t, value
        if state == "moving":
            best = min(best, value) if down_is_target else max(best, value)
            if at_target:
                state, target_start = "target", t
            elif at_start:
                if exercise == "ball-squat":
                    out.fault("too_shallow", rep_start, t)
                else:
                    out.fault("incomplete_extension", rep_start, t)
                state = "start"
        elif state == "target" and not at_target:
            out.holds.append((target_start, t))
            state = "returning"
        elif state == "returning" and at_start:
            hold = out.holds[-1][1] - out.holds[-1][0]
            faults = ["hold_too_short"] if hold < TARGET_HOLD_S else []
            if down_is_target and any("too_deep" in fr["faults"] for fr in out.frames
                                      if rep_start <= fr["t_s"] <= t):
                faults.append("too_deep")
            _rep(out, rep_start, target_start, t, hold, faults)
            state = "start"
        elif state == "returning" and at_target:
            state = "target"
            target_start = t
    return out


def _plank(frames: Sequence[PoseFrame]) -> _Out:  # noqa: C901 - one loop, as hobby projects do
    out = _Out()
    hold_start: float | None = None
    last_t = 0.0
    active: dict[str, float] = {}
    for f in frames:
        last_t = f.t_s
        got = _points(f)
        frame_faults: list[str] = []
        good = False
        if got is not None:
            p, _ = got
            dx, dy = p["ankle"] - p["shoulder"]
            tilt = abs(math.degrees(math.atan2(dy, abs(dx)))) if dx or dy else 90.0
            if tilt < PLANK_MAX_TILT:
                body = _angle(p["shoulder"], p["hip"], p["ankle"])
                knee = _angle(p["hip"], p["knee"], p["ankle"])
                # Is the hip below (sag) or above (pike) the shoulder-ankle line?
                t_ = np.dot(p["hip"] - p["shoulder"], p["ankle"] - p["shoulder"]) / max(
                    1e-9, float(np.dot(p["ankle"] - p["shoulder"], p["ankle"] - p["shoulder"])))
                line_y = p["shoulder"][1] + t_ * (p["ankle"][1] - p["shoulder"][1])
                if knee < PLANK_KNEE_DOWN:
                    frame_faults.append("knees_down")
                elif body < PLANK_GOOD_BODY:
                    frame_faults.append("hip_sag" if p["hip"][1] > line_y else "hip_pike")
                else:
                    good = True
        out.frames.append({"t_s": f.t_s, "faults": frame_faults})
        for code in list(active):
            if code not in frame_faults:
                out.fault(code, active.pop(code), f.t_s)
        for code in frame_faults:
            active.setdefault(code, f.t_s)
        if good and hold_start is None:
            hold_start = f.t_s
        elif not good and hold_start is not None:
            out.holds.append((hold_start, f.t_s))
            hold_start = None
    if hold_start is not None:
        out.holds.append((hold_start, last_t))
    for code, a in active.items():
        out.fault(code, a, last_t)
    return out


def _hip_hinge(frames: Sequence[PoseFrame]) -> _Out:
    """Heel taps: per leg, the hip opens past a threshold and comes back."""
    out = _Out()
    legs = {"left": (L_SHOULDER, L_HIP, L_KNEE, L_ANKLE),
            "right": (R_SHOULDER, R_HIP, R_KNEE, R_ANKLE)}
    state = {"left": "up", "right": "up"}
    start = {"left": 0.0, "right": 0.0}
    wide = {"left": False, "right": False}
    for f in frames:
        lm = f.landmarks
        scale = np.array([f.width, f.height], dtype=float)
        out.frames.append({"t_s": f.t_s, "faults": []})
        for side, ids in legs.items():
            if not all(np.isfinite(lm[i, 0]) and lm[i, 3] >= MIN_VIS for i in ids):
                continue
            s, h, k, a = (lm[i, :2] * scale for i in ids)
            hip, knee = _angle(s, h, k), _angle(h, k, a)
            if state[side] == "up" and hip > HINGE_DOWN_HIP:
                state[side], start[side], wide[side] = "down", f.t_s, False
            if state[side] == "down":
                wide[side] |= knee > HINGE_MAX_KNEE
                if hip < HINGE_UP_HIP:
                    faults = []
                    if f.t_s - start[side] < MIN_REP_S:
                        faults.append("too_fast")
                    if wide[side]:
                        faults.append("knee_angle")
                    _rep(out, start[side], start[side], f.t_s, 0.0, faults, side)
                    state[side] = "up"
    return out


def analyze_naive(frames: Sequence[PoseFrame], exercise: str) -> dict[str, Any]:
    """Run the naive recipe over a landmark stream; return a report-like dict."""
    if exercise == "ball-squat":
        out = _hold_rep(frames, exercise, down_is_target=True)
    elif exercise == "bridge":
        out = _hold_rep(frames, exercise, down_is_target=False)
    elif exercise == "plank":
        out = _plank(frames)
    elif exercise == "hip-hinge":
        out = _hip_hinge(frames)
    else:
        raise ValueError(f"unknown exercise {exercise!r}")
    return out.report(exercise)
