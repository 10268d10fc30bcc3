"""Drawing how the person moves: stance, repetitions with their targets and tempo, sway.

The classes are kept apart from the clinical limits (a single 2D camera measures angles to
about 5 degrees), with the slow sway inside each class's range:

=============  ==========================  ============================================
exercise       good                        faults
=============  ==========================  ============================================
bridge         top hip_ext -5..+4 deg,     incomplete_extension -35..-22, over_extension
               hold 3.0 (30 %) or 3..5 s   +16..+26, hold_too_short 0.5..1.6 s
plank          line -4..+4 deg, 6..20 s    hip_sag +14..+25, hip_pike -30..-18,
                                           knees_down (knees on the floor 2..5 s)
ball-squat     bottom thigh 10..28 deg,    too_shallow 45..60, too_deep -20..-6,
               hold 3.0 (30 %) or 2.9..5 s hold_too_short 0.5..1.6 s
hip-hinge      knee 80..100 deg, a rep of  knee_angle (knee 135..155 at the touch),
               1.4..4 s                    too_fast (a rep of 0.5..0.9 s), lumbar_arch
=============  ==========================  ============================================

A faulty clip has one or two faulty repetitions (or intervals) among good ones; the lumbar
arch happens once (it is the stop).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from spinecoach.synth.body import BodyShape, forward_kinematics, interior_angle_deg
from spinecoach.synth.poses import (
    Stance,
    bridge_hip_ext_deg,
    bridge_rest_phi,
    squat_ankle_for,
    squat_pose,
)
from spinecoach.synth.randomise.choreography import build_choreography
from spinecoach.synth.randomise.draw import Draw
from spinecoach.synth.randomise.spec import MovementSpec, PoseFaultSpec, RepSpec

MAX_CLIP_S = 26.0
GOOD_HOLD_TARGET_S = 3.0
BRIDGE_GOOD = (-5.0, 4.0)
BRIDGE_INCOMPLETE = (-35.0, -22.0)
BRIDGE_OVER = (16.0, 26.0)
PLANK_GOOD = (-4.0, 4.0)
PLANK_SAG = (14.0, 25.0)
PLANK_PIKE = (-30.0, -18.0)
SQUAT_GOOD = (10.0, 28.0)
SQUAT_SHALLOW = (45.0, 60.0)
SQUAT_DEEP = (-20.0, -6.0)
HINGE_KNEE_GOOD = (80.0, 100.0)
HINGE_KNEE_WIDE = (135.0, 155.0)
SHORT_HOLD = (0.5, 1.6)
MIN_BRIDGE_LIFT_DEG = 12.0
MIN_SQUAT_KNEE_DEG = 48.0


def _within(d: Draw, band: tuple[float, float], margin: float) -> float:
    """A value inside ``band`` keeping ``margin`` from both ends (the sway)."""
    lo, hi = band
    return d.uniform(lo + margin, hi - margin)


def _fault_indices(d: Draw, n: int, lo: int = 0) -> set[int]:
    """One or two faulty reps among ``n`` (at least one good rep stays)."""
    k = 1 if n - lo <= 2 or d.chance(0.5) else 2
    return set(d.sample(list(range(lo, n)), min(k, n - 1)))


def _sway(d: Draw) -> tuple[float, float, float]:
    amp = d.uniform(0.0, 0.3) if d.chance(0.2) else d.uniform(0.3, 2.0)
    return amp, d.uniform(0.15, 0.45), d.uniform(0.0, 360.0, 1)


def _good_hold(d: Draw, lo: float) -> float:
    return GOOD_HOLD_TARGET_S if d.chance(0.3) else d.uniform(lo, 5.0, 2)


def _common(d: Draw, setup_p: float, setup_s: tuple[float, float]) -> dict[str, Any]:
    setup = d.chance(setup_p)
    sway, hz, phase = _sway(d)
    return {
        "setup": "get_into_position" if setup else "in_position",
        "setup_s": d.uniform(*setup_s) if setup else 0.0,
        "lead_s": d.uniform(0.3, 2.0),
        "tail_s": d.uniform(0.3, 2.0),
        "sway_deg": sway,
        "sway_hz": hz,
        "sway_phase": phase,
    }


# --------------------------------------------------------------------------- hip hinge
def _hinge_rep(d: Draw, side: str, fault: str | None) -> RepSpec:
    if fault == "too_fast":
        total = d.uniform(0.5, 0.9)
        hold = round(total * d.uniform(0.06, 0.15), 3)
    else:
        total = d.uniform(1.4, 4.0)
        hold = round(min(d.uniform(0.1, 0.6), 0.3 * total), 3)
    in_s = round((total - hold) * d.uniform(0.4, 0.6), 3)
    out_s = round(total - hold - in_s, 3)
    knee = _within(d, HINGE_KNEE_WIDE if fault == "knee_angle" else HINGE_KNEE_GOOD, 1.0)
    rest = d.uniform(0.2, 1.5)
    if fault != "lumbar_arch":
        return RepSpec(knee, in_s, hold, out_s, rest, side, fault)
    arch = PoseFaultSpec(
        "lumbar_arch",
        d.uniform(0.0, 0.3),
        d.uniform(0.3, 0.6),
        d.uniform(1.0, 2.0),
        d.uniform(0.8, 1.0),
    )
    hold = round(arch.at_s + 2 * arch.ramp_s + arch.dur_s + d.uniform(0.0, 0.3), 3)
    return RepSpec(_within(d, HINGE_KNEE_GOOD, 1.0), in_s, hold, out_s, rest, side, None, (arch,))


def hinge_movement(d: Draw, scenario: str, shape: BodyShape) -> MovementSpec:
    """Alternating heel taps from a tabletop whose hip and knee angles vary a little."""
    common = _common(d, 0.35, (1.6, 3.0))
    n = d.integer(4, 8)
    first = d.choice(("left", "right"))
    other = "right" if first == "left" else "left"
    if scenario == "lumbar_arch":
        bad = {d.integer(2, n - 1)}
    elif scenario == "good":
        bad = set()
    else:
        bad = _fault_indices(d, n, 1)
    reps = tuple(
        _hinge_rep(d, first if i % 2 == 0 else other, scenario if i in bad else None)
        for i in range(n)
    )
    move = MovementSpec(
        reps=reps,
        tabletop_hip_deg=d.uniform(85.0, 95.0),
        tabletop_knee_deg=_within(d, HINGE_KNEE_GOOD, 2.0),
        **common,
    )
    return fit_length("hip-hinge", move, shape)


# --------------------------------------------------------------------------- bridge
def bridge_rest_ext_deg(shape: BodyShape, knee_deg: float) -> float:
    """The hip extension with the hips resting on the floor (the start of every bridge)."""
    return bridge_hip_ext_deg(bridge_rest_phi(shape), shape, Stance(bridge_knee_deg=knee_deg))


def bridge_movement(d: Draw, scenario: str, shape: BodyShape) -> MovementSpec:
    """Bridges with the heels near or far from the buttocks (the knee angle at the top)."""
    common = _common(d, 0.35, (1.0, 2.2))
    sway = float(common["sway_deg"])
    knee = d.uniform(75.0, 110.0)
    # The hips must rise at least MIN_BRIDGE_LIFT_DEG to the lowest incomplete top.
    while knee > 70.0 and bridge_rest_ext_deg(shape, knee) > (
        BRIDGE_INCOMPLETE[1] - MIN_BRIDGE_LIFT_DEG - 2.0 * sway
    ):
        knee = round(knee - 3.0, 3)
    rest_ext = bridge_rest_ext_deg(shape, knee)
    n = d.integer(2, 4)
    bad = set() if scenario == "good" else _fault_indices(d, n)
    reps = []
    for i in range(n):
        fault = scenario if i in bad else None
        if fault == "incomplete_extension":
            lo = max(BRIDGE_INCOMPLETE[0], rest_ext + MIN_BRIDGE_LIFT_DEG)
            target = _within(d, (lo, BRIDGE_INCOMPLETE[1]), sway)
        elif fault == "over_extension":
            target = _within(d, BRIDGE_OVER, sway)
        else:
            target = _within(d, BRIDGE_GOOD, sway)
        hold = d.uniform(*SHORT_HOLD, 2) if fault == "hold_too_short" else _good_hold(d, 3.0)
        reps.append(
            RepSpec(
                target,
                d.uniform(0.7, 2.0),
                hold,
                d.uniform(0.7, 2.0),
                d.uniform(0.8, 3.0),
                None,
                fault,
            )
        )
    move = MovementSpec(reps=tuple(reps), bridge_knee_deg=knee, **common)
    return fit_length("bridge", move, shape)


# --------------------------------------------------------------------------- plank
def _plank_fault(d: Draw, code: str, sway: float) -> tuple[float, float, float]:
    ramp, dur = d.uniform(0.3, 0.8), d.uniform(2.0, 5.0)
    if code == "hip_sag":
        value = _within(d, PLANK_SAG, sway)
    elif code == "hip_pike":
        value = _within(d, PLANK_PIKE, sway)
    else:
        value = 0.0
    return ramp, dur, value


def plank_movement(d: Draw, scenario: str, shape: BodyShape) -> MovementSpec:
    """One or two plank attempts of 6..20 s; faulty intervals of 2..5 s inside them."""
    common = _common(d, 0.7, (0.0, 0.0))
    common["setup_s"] = 0.0
    sway = float(common["sway_deg"])
    n = 2 if d.chance(0.25) else 1
    n_faults = 0 if scenario == "good" else (2 if d.chance(0.4) else 1)
    per_attempt = [0] * n
    for j in range(n_faults):
        per_attempt[j % n if n > 1 else 0] += 1
    reps = []
    for i in range(n):
        faults = []
        t = d.uniform(1.5, 4.0)
        for _ in range(per_attempt[i]):
            ramp, dur, value = _plank_fault(d, scenario, sway)
            faults.append(PoseFaultSpec(scenario, round(t, 3), ramp, dur, value))
            t += 2 * ramp + dur + d.uniform(1.5, 3.0)
        lo, hi = (6.0, 14.0) if n > 1 else (6.0, 20.0)
        hold = max(d.uniform(lo, hi), round(t + d.uniform(0.0, 2.0), 3))
        in_s = d.uniform(1.0, 2.5)
        if i == 0 and common["setup"] == "in_position":
            in_s = 0.0
        reps.append(
            RepSpec(
                _within(d, PLANK_GOOD, sway),
                in_s,
                round(hold, 3),
                d.uniform(0.8, 2.0),
                d.uniform(1.5, 4.0),
                None,
                None,
                tuple(faults),
            )
        )
    return fit_length("plank", MovementSpec(reps=tuple(reps), **common), shape)


# --------------------------------------------------------------------------- ball squat
def squat_knee_at(thigh_deg: float, shape: BodyShape, stance: Stance) -> tuple[float, bool]:
    """The knee angle at a thigh elevation, and whether the feet can stay planted."""
    ankle_s = stance.squat_ankle_s
    knee_s = shape.thigh_m * math.cos(math.radians(thigh_deg))
    reach = abs(knee_s - ankle_s) <= shape.shank_m - 0.02
    body = forward_kinematics(squat_pose({"thigh": thigh_deg}, shape, stance), False, shape)
    pts = body.points
    return interior_angle_deg(pts["hip"], pts["l_knee"], pts["l_ankle"]), reach


def squat_stance(
    stand_thigh: float, stand_knee: float, trunk: float, ball_r: float, shape: BodyShape
) -> Stance:
    """The :class:`Stance` of a ball squat with this standing thigh incline and knee."""
    return Stance(
        squat_ankle_s=squat_ankle_for(stand_thigh, stand_knee, shape),
        squat_stand_thigh_deg=stand_thigh,
        squat_trunk_deg=trunk,
        ball_radius_m=ball_r,
    )


def _squat_target(d: Draw, fault: str | None, sway: float, stand: float) -> float:
    if fault == "too_shallow":
        return _within(d, (SQUAT_SHALLOW[0], min(SQUAT_SHALLOW[1], stand - 15.0)), sway)
    if fault == "too_deep":
        return _within(d, SQUAT_DEEP, sway)
    return _within(d, SQUAT_GOOD, sway)


def squat_movement(d: Draw, scenario: str, shape: BodyShape) -> MovementSpec:
    """Ball squats with feet from under the hips (thigh ~90 deg standing) to well ahead."""
    common = _common(d, 0.3, (1.5, 2.8))
    sway = float(common["sway_deg"])
    shallow = scenario == "too_shallow"
    stand = d.uniform(SQUAT_SHALLOW[0] + 15.0 + 2 * sway if shallow else 55.0, 90.0)
    stand_knee = d.uniform(165.0, 180.0)
    trunk = round(95.0 + 0.25 * (77.0 - stand) + d.uniform(-2.0, 2.0), 3)
    ball_r = d.uniform(0.26, 0.33)
    n = 3 if scenario != "out_of_frame" and d.chance(0.5) else 2
    rep_faults = ("too_shallow", "too_deep", "hold_too_short")
    bad = _fault_indices(d, n) if scenario in rep_faults else set()
    targets = [_squat_target(d, scenario if i in bad else None, sway, stand) for i in range(n)]
    floor = SQUAT_SHALLOW[0] + 15.0 + 2 * sway if shallow else 55.0
    deepest = min(targets) - sway
    # Feet too far back for the deepest rep: move them forward (a lower standing thigh).
    while stand > floor:
        knee, ok = squat_knee_at(
            deepest, shape, squat_stance(stand, stand_knee, trunk, ball_r, shape)
        )
        if ok and knee >= MIN_SQUAT_KNEE_DEG:
            break
        stand = round(max(stand - 2.0, floor), 3)
    reps = []
    for i, target in enumerate(targets):
        fault = scenario if i in bad else None
        hold = d.uniform(*SHORT_HOLD, 2) if fault == "hold_too_short" else _good_hold(d, 2.9)
        reps.append(
            RepSpec(
                target,
                d.uniform(1.0, 2.5),
                hold,
                d.uniform(1.0, 2.5),
                d.uniform(1.0, 3.0),
                None,
                fault,
            )
        )
    walk_before = d.integer(1, n - 1) if scenario == "out_of_frame" else None
    move = MovementSpec(
        reps=tuple(reps),
        stand_thigh_deg=stand,
        stand_knee_deg=stand_knee,
        trunk_deg=trunk,
        ball_radius_m=ball_r,
        walk_out_before=walk_before,
        walk_out_m=d.uniform(0.5, 1.5) if walk_before is not None else 0.0,
        walk_out_s=d.uniform(1.0, 2.5) if walk_before is not None else 0.0,
        **common,
    )
    return fit_length("ball-squat", move, shape)


# --------------------------------------------------------------------------- length
def stance_for(exercise: str, m: MovementSpec, shape: BodyShape) -> Stance:
    """The :class:`Stance` a movement spec asks for."""
    if exercise == "bridge" and m.bridge_knee_deg is not None:
        return Stance(bridge_knee_deg=m.bridge_knee_deg)
    if exercise == "ball-squat":
        return squat_stance(
            float(m.stand_thigh_deg or 77.0),
            float(m.stand_knee_deg or 172.0),
            float(m.trunk_deg or 95.0),
            float(m.ball_radius_m or 0.30),
            shape,
        )
    return Stance()


def movement_length_s(exercise: str, move: MovementSpec, shape: BodyShape) -> float:
    """The exact length of the clip a movement makes."""
    stance = stance_for(exercise, move, shape)
    return build_choreography(exercise, move, shape, stance).script.duration_s


def _trim_once(exercise: str, move: MovementSpec) -> MovementSpec | None:
    """One step toward a shorter clip: drop a good rep, else shorten pauses and holds."""
    reps = list(move.reps)
    keep = 1 if exercise == "plank" else 2
    walk = move.walk_out_before
    droppable = [
        i
        for i, r in enumerate(reps)
        if r.fault is None and not r.pose_faults and (walk is None or i > walk)
    ]
    faulty = len(reps) - sum(r.fault is None and not r.pose_faults for r in reps)
    # A faulty clip keeps a good rep among its faulty ones.
    if len(reps) > keep and droppable and (faulty == 0 or len(droppable) > 1):
        del reps[droppable[-1]]
        return replace(move, reps=tuple(reps))
    short = [replace(r, rest_s=min(r.rest_s, 1.0), hold_s=_shorter_hold(exercise, r)) for r in reps]
    lead, tail = min(move.lead_s, 0.8), min(move.tail_s, 0.8)
    out = replace(move, reps=tuple(short), lead_s=lead, tail_s=tail)
    return None if out == move else out


def _shorter_hold(exercise: str, rep: RepSpec) -> float:
    if exercise == "plank":
        need = max((f.at_s + 2 * f.ramp_s + f.dur_s for f in rep.pose_faults), default=0.0)
        return round(max(need + 1.0, 6.0, rep.hold_s * 0.8), 3) if rep.hold_s > 6.0 else rep.hold_s
    if exercise in ("bridge", "ball-squat") and rep.fault is None and rep.hold_s > 3.5:
        return 3.5
    return rep.hold_s


def fit_length(exercise: str, move: MovementSpec, shape: BodyShape) -> MovementSpec:
    """Shorten ``move`` (deterministically) until its clip is at most :data:`MAX_CLIP_S`."""
    while movement_length_s(exercise, move, shape) > MAX_CLIP_S:
        shorter = _trim_once(exercise, move)
        if shorter is None:
            break
        move = shorter
    return move


MOVERS: dict[str, Callable[[Draw, str, BodyShape], MovementSpec]] = {
    "hip-hinge": hinge_movement,
    "bridge": bridge_movement,
    "plank": plank_movement,
    "ball-squat": squat_movement,
}
