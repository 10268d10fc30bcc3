"""A jump in the client's ``t_s`` during a hold is untracked time, never good-form time.

Issue 11's probe: a 20 s gap in a live hold became a 23.4 s hold, 100,000 s gave 100,003 s.
The hold timer now closes a hold at its last good frame when frames stop for longer than
its grace, so the time of a gap is never counted or stored.
"""

from __future__ import annotations

import random

import pytest

from spinecoach.domain.exercises import get_exercise
from spinecoach.domain.pose import PoseFrame
from spinecoach.synth import simulate
from spinecoach.tracking.engine import create_tracker


@pytest.mark.parametrize("exercise", ["bridge", "plank", "ball-squat"])
@pytest.mark.parametrize("gap_s", [20.0, 100_000.0])
def test_a_gap_in_time_is_not_held(exercise: str, gap_s: float) -> None:
    _, poses, _ = simulate(exercise, "good", fps=30.0)
    frames = [PoseFrame(float(t), row, poses.width, poses.height)
              for t, row in zip(poses.t_s, poses.landmarks, strict=True)]
    plain = create_tracker(get_exercise(exercise), target_hold_s=None)
    states = [plain.update(f) for f in frames]
    longest = max(s.hold_s for s in states)
    mid_hold = next(k for k, s in enumerate(states) if s.hold_s > 1.0)

    tracker = create_tracker(get_exercise(exercise), target_hold_s=None)
    held, stored = [], []
    for k, frame in enumerate(frames):
        shifted = PoseFrame(frame.t_s + (gap_s if k > mid_hold else 0.0), frame.landmarks,
                            frame.width, frame.height)
        state = tracker.update(shifted)
        held.append(state.hold_s)
        if state.hold is not None:
            stored.append(state.hold.duration_s)
    assert max(held) <= longest + 0.05
    assert all(d <= longest + 0.05 for d in stored)


@pytest.mark.parametrize("exercise", ["bridge", "plank", "ball-squat"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_loaded_machines_frame_rate_keeps_reps_and_holds(exercise: str, seed: int) -> None:
    # Live on a loaded machine only the newest frame is analysed when the pose model is
    # free: 3-5 frames a second with a pause now and then (the bridge browser test beside
    # the pose tests).  Every step over 0.35 s used to break the hold and every gap over
    # 0.5 s lost the rep: clean 3.5 s bridges read 1.6-2.4 s, too short.  (Not yet met,
    # measured by bench/accuracy.py --frame-rate live: 2 frames a second, and pauses over
    # 1.6 s, which empty the stillness window.)
    rng = random.Random(seed)
    _, poses, _ = simulate(exercise, "good", fps=30.0)
    frames = [PoseFrame(float(t), row, poses.width, poses.height)
              for t, row in zip(poses.t_s, poses.landmarks, strict=True)]
    plain = create_tracker(get_exercise(exercise), target_hold_s=None)
    for f in frames:
        plain.update(f)
    full = plain.finish()

    slow = create_tracker(get_exercise(exercise), target_hold_s=None)
    due = 0.0
    for f in frames:
        if f.t_s >= due:
            slow.update(f)
            due = f.t_s + (rng.uniform(0.6, 0.9) if rng.random() < 0.05
                           else rng.uniform(0.2, 0.35))
    sparse = slow.finish()
    assert len(sparse.reps) == len(full.reps)
    # each rep's hold as at 30 frames a second, within 1 s, and never newly "too short".
    # Not yet better: at 3-5 frames a second holds read up to 0.8 s short (the three-sample
    # speed window straddles the way up, so stillness is seen late), and the first rep,
    # begun 1.5 s after the first frame, up to 1 s short (live, the camera check and the
    # countdown come first).
    for a, b in zip(full.reps[1:], sparse.reps[1:], strict=True):
        assert abs(a.hold_s - b.hold_s) <= 1.0, (a, b)
        assert ("hold_too_short" in b.faults) == ("hold_too_short" in a.faults), (a, b)
    if not full.reps:  # a plank: one long hold
        assert sum(h.duration_s for h in sparse.holds) >= sum(
            h.duration_s for h in full.holds) - 0.6
