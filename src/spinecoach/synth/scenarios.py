"""The scenario scripts: one choreography per exercise and scenario, with exact events.

Conventions of the recorded truth:

- A repetition runs from leaving the start pose to being back in it; ``peak_s`` is the middle
  of the plateau at the target (heel on the floor, hips up, squat bottom); ``hold_s`` is the
  plateau's length.
- Rep-level faults (``knee_angle``, ``too_fast``, ``hold_too_short``, ``incomplete_extension``,
  ``over_extension``, ``too_shallow``, ``too_deep``) span the whole faulty repetition.
- Pose faults that come and go (plank ``hip_sag``/``hip_pike``/``knees_down``, hip-hinge
  ``lumbar_arch``) span from the half-way point of the ramp into the faulty pose to the
  half-way point of the ramp out of it; the hip-hinge ``stop`` is at the start of that span.
- ``holds`` are the plateaus at the target pose in good form (plank: the intervals with a
  straight body line; hip-hinge: heel taps of faultless reps).
"""

from __future__ import annotations

from collections.abc import Callable

from spinecoach.synth.poses import (
    STANDING_THIGH_DEG,
    bridge_phi_for,
    bridge_rest_phi,
    heel_touch_hip_deg,
)
from spinecoach.synth.timeline import Fault, Rep, Script

SCENARIOS: dict[str, tuple[str, ...]] = {
    "hip-hinge": ("good", "knee_angle", "too_fast", "lumbar_arch"),
    "bridge": ("good", "hold_too_short", "incomplete_extension", "over_extension"),
    "plank": ("good", "hip_sag", "hip_pike", "knees_down"),
    "ball-squat": ("good", "too_shallow", "too_deep", "hold_too_short", "out_of_frame"),
}

DEFAULT_REPS = {"hip-hinge": 6, "bridge": 4, "plank": 0, "ball-squat": 3}
RAMP_S = 0.5
ScriptBuilder = Callable[[str, int], Script]


def _hip_hinge_arch(sc: Script, hold_s: float) -> None:
    ramp = 0.4
    onset = sc.t_s + ramp / 2.0
    sc.move(ramp, arch=1.0)
    sc.hold(hold_s)
    end = sc.move(ramp, arch=0.0) - ramp / 2.0
    sc.stop = ("lumbar_arch", onset)
    sc.faults.append(Fault("lumbar_arch", onset, end))


def hip_hinge_script(scenario: str, reps: int) -> Script:
    """Alternate heel taps (left leg first) from the supine tabletop."""
    sc = Script({"hip_l": 90.0, "hip_r": 90.0, "knee_l": 90.0, "knee_r": 90.0, "arch": 0.0})
    sc.hold(1.0)
    for i in range(reps):
        side = "l" if i % 2 == 0 else "r"
        wide = scenario == "knee_angle" and i in (1, 4)
        fast = scenario == "too_fast" and i in (2, 3)
        arch = scenario == "lumbar_arch" and i == 3
        knee = 145.0 if wide else 90.0
        down_s, touch_s, up_s = (0.3, 0.1, 0.3) if fast else (1.2, 0.3, 1.2)
        start = sc.t_s
        touch_start = sc.move(
            down_s, **{f"hip_{side}": heel_touch_hip_deg(knee), f"knee_{side}": knee}
        )
        if arch:
            _hip_hinge_arch(sc, 1.5)
        else:
            sc.hold(touch_s)
        touch_end = sc.t_s
        end = sc.move(up_s, **{f"hip_{side}": 90.0, f"knee_{side}": 90.0})
        sc.hold(0.5)
        label = "left" if side == "l" else "right"
        sc.reps.append(
            Rep(start, (touch_start + touch_end) / 2, end, label, touch_end - touch_start)
        )
        if wide:
            sc.faults.append(Fault("knee_angle", start, end))
        if fast:
            sc.faults.append(Fault("too_fast", start, end))
        if not (wide or fast or arch):
            sc.holds.append((touch_start, touch_end))
    sc.hold(1.0)
    return sc


def _plateau_rep(
    sc: Script, move: dict[str, float], back: dict[str, float], up_s: float, hold_s: float
) -> tuple[float, float, float, float]:
    start = sc.t_s
    top = sc.move(up_s, **move)
    top_end = sc.hold(hold_s)
    end = sc.move(up_s, **back)
    return start, top, top_end, end


def bridge_script(scenario: str, reps: int) -> Script:
    """Bridges: up 1 s, hold, down 1 s, rest 1.5 s; reps 2 and 3 carry the fault."""
    rest = bridge_rest_phi()
    sc = Script({"phi": rest})
    sc.hold(1.5)
    for i in range(reps):
        bad = scenario != "good" and i in (1, 2)
        ext = {"incomplete_extension": -30.0, "over_extension": 20.0}.get(scenario, 0.0)
        hold_s = 1.0 if bad and scenario == "hold_too_short" else 3.5
        top_phi = bridge_phi_for(ext if bad else 0.0)
        start, top, top_end, end = _plateau_rep(sc, {"phi": top_phi}, {"phi": rest}, 1.0, hold_s)
        sc.hold(1.5)
        sc.reps.append(Rep(start, (top + top_end) / 2, end, None, hold_s))
        if bad:
            sc.faults.append(Fault(scenario, start, end))
        if not bad or scenario == "hold_too_short":
            sc.holds.append((top, top_end))
    return sc


def plank_script(scenario: str, reps: int) -> Script:
    """Get into the plank, hold (with one faulty interval in the fault scenarios), come down."""
    del reps
    sc = Script({"rise": 0.0, "dev": 0.0, "kneel": 0.0})
    sc.hold(1.0)
    t_in = sc.move(1.5, rise=1.0)
    if scenario == "good":
        sc.holds.append((t_in, sc.hold(12.0)))
    else:
        fault_pose = {"hip_sag": {"dev": 18.0}, "hip_pike": {"dev": -22.0}}.get(
            scenario, {"kneel": 1.0}
        )
        fault_s = 3.0 if scenario == "knees_down" else 4.0
        sc.holds.append((t_in, sc.hold(4.0)))
        onset = sc.t_s + RAMP_S / 2.0
        sc.move(RAMP_S, **fault_pose)
        sc.hold(fault_s)
        back = sc.move(RAMP_S, dev=0.0, kneel=0.0)
        sc.faults.append(Fault(scenario, onset, back - RAMP_S / 2.0))
        sc.holds.append((back, sc.hold(4.0)))
    sc.move(1.5, rise=0.0)
    sc.hold(1.0)
    return sc


def _walk_out_and_back(sc: Script) -> None:
    sc.move(0.6, walk=1.0, gait=sc.current["gait"] + 90.0)
    sc.move_linear(2.5, x_off=3.6, gait=sc.current["gait"] + 810.0)
    sc.hold(2.5)
    sc.move_linear(2.5, x_off=0.0, gait=sc.current["gait"] - 810.0)
    sc.move(0.6, walk=0.0, gait=sc.current["gait"] - 90.0)
    sc.hold(1.0)


def squat_script(scenario: str, reps: int) -> Script:
    """Ball squats: down 1.5 s, hold, up 1.5 s, rest 2 s; reps 2 and 3 carry the fault."""
    sc = Script({"thigh": STANDING_THIGH_DEG, "walk": 0.0, "x_off": 0.0, "gait": 0.0})
    sc.hold(1.5)
    rep_faults = ("too_shallow", "too_deep", "hold_too_short")
    for i in range(reps):
        if scenario == "out_of_frame" and i == 2:
            _walk_out_and_back(sc)
        bad = scenario in rep_faults and i in (1, 2)
        bottom = {"too_shallow": 50.0, "too_deep": -12.0}.get(scenario, 18.0) if bad else 18.0
        hold_s = 1.0 if bad and scenario == "hold_too_short" else 3.5
        stand = {"thigh": STANDING_THIGH_DEG}
        start, top, top_end, end = _plateau_rep(sc, {"thigh": bottom}, stand, 1.5, hold_s)
        sc.hold(2.0)
        sc.reps.append(Rep(start, (top + top_end) / 2, end, None, hold_s))
        if bad:
            sc.faults.append(Fault(scenario, start, end))
        if not bad or scenario == "hold_too_short":
            sc.holds.append((top, top_end))
    return sc


BUILDERS: dict[str, ScriptBuilder] = {
    "hip-hinge": hip_hinge_script,
    "bridge": bridge_script,
    "plank": plank_script,
    "ball-squat": squat_script,
}


def build_script(exercise: str, scenario: str, reps: int | None = None) -> Script:
    """Return the script of ``exercise``/``scenario`` (ids already validated)."""
    return BUILDERS[exercise](scenario, DEFAULT_REPS[exercise] if reps is None else reps)
