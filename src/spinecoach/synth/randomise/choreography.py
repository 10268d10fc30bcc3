"""From a :class:`MovementSpec` to a keyframed script with exact events, plus the sway.

The truth follows :mod:`spinecoach.synth.scenarios`: a repetition runs from leaving the start
pose to being back in it, ``peak_s`` is the middle of its plateau and ``hold_s`` the plateau's
length; rep-level faults span the whole rep; pose faults (plank sag, pike, knees down, the hip
hinge's lumbar arch) span from the half-way point of the ramp in to the half-way point of the
ramp out, and the hip-hinge stop is at the arch's onset; holds are the good-form plateaus.
Getting into position (``setup``) and the ball squat's walk out of the picture are recorded
as intervals of their own.

The sway is a slow, small wobble (two sines, at most ``sway_deg``) added to the exercise's key
angle, faded out where the body rests on the floor or the heel touches it, so that a hold is
never perfectly still.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from spinecoach.synth.body import BodyShape
from spinecoach.synth.poses import (
    Stance,
    bridge_hip_ext_deg,
    bridge_phi_for,
    bridge_rest_phi,
    heel_touch_hip_deg,
)
from spinecoach.synth.randomise.spec import MovementSpec, RepSpec
from spinecoach.synth.timeline import Fault, Rep, Script

WALK_FWD_MPS = 1.44
WALK_BACK_MPS = 1.0
GAIT_DEG_PER_M = 225.0
PROVISIONAL_EXIT_M = 3.0
EXTENDED_KNEE_DEG = 170.0
TARGET_NAME = {
    "hip-hinge": "touch_knee_deg",
    "bridge": "top_hip_ext_deg",
    "plank": "line_dev_deg",
    "ball-squat": "bottom_thigh_deg",
}


@dataclass
class Choreography:
    """A script, the sway added on top of it, and the events beyond reps/holds/faults."""

    exercise: str
    script: Script
    move: MovementSpec
    shape: BodyShape
    stance: Stance
    setup: tuple[float, float] | None = None
    walk_out: tuple[float, float] | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    walk_out_m: float = 0.0
    _sway_ref: dict[str, float] = field(default_factory=dict)

    def sway(self, t_s: float) -> float:
        """The sway at ``t_s`` (degrees of the key angle; at most ``sway_deg``)."""
        m = self.move
        w = 2.0 * math.pi * m.sway_hz * t_s + math.radians(m.sway_phase)
        return m.sway_deg * (0.7 * math.sin(w) + 0.3 * math.sin(1.73 * w + 1.1))

    def at(self, t_s: float) -> dict[str, float]:
        """Parameters at ``t_s``: the script's plus the sway."""
        p = self.script.at(t_s)
        s = self.sway(t_s)
        if s == 0.0:
            return p
        ref = self._sway_ref
        if self.exercise == "bridge":
            lift = (p["phi"] - ref["rest"]) / (ref["top"] - ref["rest"])
            p["phi"] += s / ref["slope"] * min(max(lift, 0.0), 1.0)
        elif self.exercise == "plank":
            p["dev"] += s * p["rise"] * (1.0 - p["kneel"])
        elif self.exercise == "ball-squat":
            p["thigh"] += s * (1.0 - p["walk"])
        else:
            for k in ("l", "r"):
                span = ref["touch"] - ref["tabletop"]
                away = (ref["touch"] - p[f"hip_{k}"]) / span
                p[f"hip_{k}"] += s * min(max(away, 0.0), 1.0)
        return p


def _params(exercise: str, rep: RepSpec) -> dict[str, Any]:
    return {
        "target": TARGET_NAME[exercise],
        "target_deg": rep.target_deg,
        "in_s": rep.in_s,
        "hold_s": rep.hold_s,
        "out_s": rep.out_s,
        "rest_s": rep.rest_s,
        "fault": rep.fault,
    }


def _rest_or_tail(sc: Script, move: MovementSpec, i: int) -> None:
    sc.hold(move.tail_s if i == len(move.reps) - 1 else move.reps[i].rest_s)


# --------------------------------------------------------------------------- hip hinge
def _hinge(ch: Choreography) -> None:
    m, shape = ch.move, ch.shape
    hip0, knee0 = float(m.tabletop_hip_deg or 90.0), float(m.tabletop_knee_deg or 90.0)
    ch._sway_ref = {"tabletop": hip0, "touch": heel_touch_hip_deg(knee0, shape)}
    table = {"hip_l": hip0, "hip_r": hip0, "knee_l": knee0, "knee_r": knee0, "arch": 0.0}
    if m.setup == "get_into_position":
        flat = heel_touch_hip_deg(EXTENDED_KNEE_DEG, shape)
        sc = Script(
            {
                "hip_l": flat,
                "hip_r": flat,
                "knee_l": EXTENDED_KNEE_DEG,
                "knee_r": EXTENDED_KNEE_DEG,
                "arch": 0.0,
            }
        )
        sc.move(m.setup_s / 2.0, hip_l=hip0, knee_l=knee0)
        sc.move(m.setup_s / 2.0, hip_r=hip0, knee_r=knee0)
        ch.setup = (0.0, sc.t_s)
    else:
        sc = Script(table)
    ch.script = sc
    sc.hold(m.lead_s)
    for i, rep in enumerate(m.reps):
        k = "l" if rep.side == "left" else "r"
        start = sc.t_s
        touch = heel_touch_hip_deg(rep.target_deg, shape)
        touch_start = sc.move(rep.in_s, **{f"hip_{k}": touch, f"knee_{k}": rep.target_deg})
        arch = next((f for f in rep.pose_faults if f.code == "lumbar_arch"), None)
        if arch is None:
            sc.hold(rep.hold_s)
        else:
            sc.hold(arch.at_s)
            onset = sc.t_s + arch.ramp_s / 2.0
            sc.move(arch.ramp_s, arch=arch.value)
            sc.hold(arch.dur_s)
            end_arch = sc.move(arch.ramp_s, arch=0.0) - arch.ramp_s / 2.0
            sc.hold(touch_start + rep.hold_s - sc.t_s)
            sc.stop = ("lumbar_arch", onset)
            sc.faults.append(Fault("lumbar_arch", onset, end_arch))
        touch_end = sc.t_s
        end = sc.move(rep.out_s, **{f"hip_{k}": hip0, f"knee_{k}": knee0})
        _rest_or_tail(sc, m, i)
        params = _params(ch.exercise, rep) | {"touch_hip_deg": round(touch, 3)}
        sc.reps.append(
            Rep(
                start, (touch_start + touch_end) / 2, end, rep.side, touch_end - touch_start, params
            )
        )
        if rep.fault is not None:
            sc.faults.append(Fault(rep.fault, start, end))
        elif arch is None:
            sc.holds.append((touch_start, touch_end))


# --------------------------------------------------------------------------- bridge
def _bridge(ch: Choreography) -> None:
    m, shape, stance = ch.move, ch.shape, ch.stance
    rest = bridge_rest_phi(shape)
    top = bridge_phi_for(0.0, shape, stance)
    slope = bridge_hip_ext_deg(top + 0.5, shape, stance) - bridge_hip_ext_deg(
        top - 0.5, shape, stance
    )
    ch._sway_ref = {"rest": rest, "top": top, "slope": slope}
    setup = m.setup == "get_into_position"
    sc = Script({"phi": rest, "feet": 0.0 if setup else 1.0})
    ch.script = sc
    if setup:
        ch.setup = (0.0, sc.move(m.setup_s, feet=1.0))
    sc.hold(m.lead_s)
    for i, rep in enumerate(m.reps):
        top_phi = bridge_phi_for(rep.target_deg, shape, stance)
        start = sc.t_s
        up = sc.move(rep.in_s, phi=top_phi)
        up_end = sc.hold(rep.hold_s)
        end = sc.move(rep.out_s, phi=rest)
        _rest_or_tail(sc, m, i)
        sc.reps.append(
            Rep(start, (up + up_end) / 2, end, None, rep.hold_s, _params(ch.exercise, rep))
        )
        if rep.fault is not None:
            sc.faults.append(Fault(rep.fault, start, end))
        if rep.fault in (None, "hold_too_short"):
            sc.holds.append((up, up_end))


# --------------------------------------------------------------------------- plank
def _plank(ch: Choreography) -> None:
    m = ch.move
    first = m.reps[0]
    in_position = m.setup == "in_position"
    rise0 = 1.0 if in_position else 0.0
    sc = Script({"rise": rise0, "dev": first.target_deg if in_position else 0.0, "kneel": 0.0})
    ch.script = sc
    if not in_position:
        sc.hold(m.lead_s)
    for i, rep in enumerate(m.reps):
        start = sc.t_s
        t_in = (
            sc.t_s if (i == 0 and in_position) else sc.move(rep.in_s, rise=1.0, dev=rep.target_deg)
        )
        seg = t_in
        for pf in rep.pose_faults:
            t_f = t_in + pf.at_s
            sc.hold(t_f - sc.t_s)
            sc.holds.append((seg, t_f))
            onset = t_f + pf.ramp_s / 2.0
            if pf.code == "knees_down":
                sc.move(pf.ramp_s, kneel=1.0)
            else:
                sc.move(pf.ramp_s, dev=pf.value)
            sc.hold(pf.dur_s)
            seg = sc.move(pf.ramp_s, dev=rep.target_deg, kneel=0.0)
            sc.faults.append(Fault(pf.code, onset, seg - pf.ramp_s / 2.0))
        hold_end = sc.hold(t_in + rep.hold_s - sc.t_s)
        sc.holds.append((seg, hold_end))
        end = sc.move(rep.out_s, rise=0.0)
        _rest_or_tail(sc, m, i)
        ch.attempts.append(
            {"start_s": start, "on_toes_s": t_in, "hold_end_s": hold_end, "end_s": end}
            | _params(ch.exercise, rep)
        )


# --------------------------------------------------------------------------- ball squat
def _walk_out_and_back(sc: Script, move: MovementSpec, dist: float) -> tuple[float, float]:
    start = sc.t_s
    g = sc.current["gait"]
    sc.move(0.6, walk=1.0, gait=g + 90.0)
    g += 90.0
    sc.move_linear(dist / WALK_FWD_MPS, x_off=dist, gait=g + GAIT_DEG_PER_M * dist)
    sc.hold(move.walk_out_s)
    sc.move_linear(dist / WALK_FWD_MPS, x_off=0.0, gait=g)
    sc.move(0.6, walk=0.0, gait=g - 90.0)
    return start, sc.hold(1.0)


def _squat(ch: Choreography) -> None:
    m = ch.move
    stand = float(m.stand_thigh_deg or 77.0)
    base = {"thigh": stand, "walk": 0.0, "x_off": 0.0, "gait": 0.0}
    if m.setup == "get_into_position":
        walk_s = max(m.setup_s - 0.6, 0.5)
        dist = walk_s * WALK_BACK_MPS
        sc = Script(base | {"walk": 1.0, "x_off": dist})
        sc.move_linear(walk_s, x_off=0.0, gait=-GAIT_DEG_PER_M * dist)
        sc.move(0.6, walk=0.0, gait=sc.current["gait"] - 90.0)
        ch.setup = (0.0, sc.t_s)
    else:
        sc = Script(base)
    ch.script = sc
    sc.hold(m.lead_s)
    for i, rep in enumerate(m.reps):
        if m.walk_out_before == i:
            ch.walk_out = _walk_out_and_back(sc, m, ch.walk_out_m)
        start = sc.t_s
        down = sc.move(rep.in_s, thigh=rep.target_deg)
        down_end = sc.hold(rep.hold_s)
        end = sc.move(rep.out_s, thigh=stand)
        _rest_or_tail(sc, m, i)
        sc.reps.append(
            Rep(start, (down + down_end) / 2, end, None, rep.hold_s, _params(ch.exercise, rep))
        )
        if rep.fault is not None:
            sc.faults.append(Fault(rep.fault, start, end))
        if rep.fault in (None, "hold_too_short"):
            sc.holds.append((down, down_end))


BUILDERS = {"hip-hinge": _hinge, "bridge": _bridge, "plank": _plank, "ball-squat": _squat}


def build_choreography(
    exercise: str,
    move: MovementSpec,
    shape: BodyShape,
    stance: Stance,
    exit_m: float = PROVISIONAL_EXIT_M,
) -> Choreography:
    """Write the script of ``move`` for ``exercise`` with its exact events.

    ``exit_m`` is how far the ball-squatter must walk to be out of the picture (the scene
    works it out from the camera); the walk goes ``walk_out_m`` further.
    """
    ch = Choreography(exercise, Script({}), move, shape, stance)
    ch.walk_out_m = exit_m + move.walk_out_m
    BUILDERS[exercise](ch)
    return ch
