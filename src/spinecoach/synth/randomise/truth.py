"""The truth of a randomised clip: the usual events plus the spec and every disturbance.

On top of :func:`spinecoach.synth.kinematics.clip_truth` (reps, holds, faults, stop, out of
frame, per-frame angles), the truth holds ``random`` (the spec), ``cameras`` (each framing as
resolved), ``cut``, ``zoom``, ``setup``, ``walk_out``, ``occlusion`` (when the object is in
the picture, when it hides landmarks and which), ``passer`` (when they are in the picture)
and, for the plank, ``attempts``.  Each repetition gets ``params``: how it was performed and
the angle measured in the picture at its peak.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from spinecoach.domain.landmarks import Landmark
from spinecoach.synth.body import FloatArray
from spinecoach.synth.kinematics import clip_truth
from spinecoach.synth.randomise.props import occluded_landmarks
from spinecoach.synth.randomise.scene import Scene
from spinecoach.synth.scene3d import landmark_world
from spinecoach.synth.truth import OWN_ANGLE, GroundTruth, intervals_where


def _intervals(mask: NDArray[np.bool_], scene: Scene) -> list[list[float]]:
    return [
        [round(a, 6), round(b, 6)]
        for a, b in intervals_where(mask, scene.clip.t_s, 1.0 / scene.clip.fps)
    ]


def _occlusion_truth(scene: Scene) -> tuple[dict[str, Any] | None, list[int] | None]:
    occ = scene.spec.disturbances.occlusion
    if occ is None:
        return None, None
    bits = []
    hidden_any = np.zeros(len(scene.clip.t_s), dtype=bool)
    names: set[str] = set()
    for i, (st, box) in enumerate(zip(scene.clip.states, scene.occluder, strict=True)):
        if box is None:
            bits.append(0)
            continue
        hidden = occluded_landmarks(scene.camera(i).position, landmark_world(st.joints), box)
        bits.append(int(sum(1 << k for k in np.flatnonzero(hidden))))
        hidden_any[i] = bool(hidden.any())
        names.update(Landmark(int(k)).name.lower() for k in np.flatnonzero(hidden))
    present = np.array([b is not None for b in scene.occluder])
    box = next(b for b in scene.occluder if b is not None)
    return {
        "target": occ.target,
        "object": occ.kind,
        "object_present": _intervals(present, scene),
        "hidden": _intervals(hidden_any, scene),
        "landmarks": sorted(names),
        "height_m": round(box.hi[1], 4),
    }, bits


def _passer_truth(scene: Scene) -> dict[str, Any] | None:
    w = scene.walker
    if w is None:
        return None
    seen = np.zeros(len(scene.clip.t_s), dtype=bool)
    for i, entry in enumerate(w.states):
        if entry is None:
            continue
        pts = np.array(list(entry[0].joints.values()))
        u, v, depth = scene.camera(i).project(pts)
        cam = scene.camera(i)
        seen[i] = bool(
            ((u >= 0) & (u < cam.width) & (v >= 0) & (v < cam.height) & (depth > 0)).any()
        )
    p = scene.spec.disturbances.passer
    return {"in_picture": _intervals(seen, scene), "z_m": p.z_m if p else None}


def _measured(truth: GroundTruth, exercise: str, t_s: float, side: str | None) -> float | None:
    key = "knee_deg" if exercise == "hip-hinge" else OWN_ANGLE[exercise]
    if exercise == "hip-hinge" and side != truth.near_side:
        return None
    t = np.asarray(truth.per_frame["t_s"], dtype=float)
    value = truth.per_frame[key][int(np.argmin(np.abs(t - t_s)))]
    return None if value is None else round(float(value), 3)


def scene_truth(scene: Scene, landmarks: FloatArray) -> GroundTruth:
    """The clip's truth: the usual events plus the spec and every disturbance."""
    truth = clip_truth(scene.clip, landmarks)
    ex = scene.spec.exercise
    for rep in truth.repetitions:
        if "params" in rep:
            rep["params"]["measured_deg"] = _measured(truth, ex, rep["peak_s"], rep["side"])
    occlusion, bits = _occlusion_truth(scene)
    if bits is not None:
        truth.per_frame["occluded_landmarks"] = list(bits)
    cut = scene.spec.disturbances.cut
    ch = scene.choreo
    truth.extra = {
        "random": scene.spec.to_dict(),
        "cameras": [a.describe() for a in scene.aimed],
        "cut": None if cut is None else {"at_s": cut.at_s},
        "zoom": scene.zoom_used,
        "setup": None if ch.setup is None else {"start_s": ch.setup[0], "end_s": ch.setup[1]},
        "walk_out": None
        if ch.walk_out is None
        else {"start_s": round(ch.walk_out[0], 6), "end_s": round(ch.walk_out[1], 6)},
        "occlusion": occlusion,
        "passer": _passer_truth(scene),
        "attempts": [
            {k: (round(v, 6) if isinstance(v, float) else v) for k, v in a.items()}
            for a in ch.attempts
        ],
    }
    return truth
