"""The kinds of input that defeated the first engine on unseen data, on exact landmarks.

Each test builds the case from the generator's exact landmarks (no MediaPipe) and asserts
what a person would expect; the randomised renders in ``bench/`` measure the same kinds with
the real pose model.
"""

import numpy as np
import pytest

from spinecoach.domain.landmarks import Landmark
from spinecoach.domain.pose import PoseFrame
from spinecoach.synth.replay import analyse, frames_of

COCO_17 = [Landmark.NOSE, Landmark.LEFT_EYE, Landmark.RIGHT_EYE, Landmark.LEFT_EAR,
           Landmark.RIGHT_EAR, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER,
           Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW, Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST,
           Landmark.LEFT_HIP, Landmark.RIGHT_HIP, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE,
           Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]


def _only(frames, keep):
    out = []
    for f in frames:
        lm = np.full_like(f.landmarks, np.nan)
        lm[keep] = f.landmarks[keep]
        out.append(PoseFrame(f.t_s, lm, f.width, f.height))
    return out


def test_a_bridge_is_counted_when_the_ankles_are_never_seen():
    truth, frames = frames_of("bridge", "good")
    for f in frames:
        f.landmarks[[Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE, Landmark.LEFT_HEEL,
                     Landmark.RIGHT_HEEL, Landmark.LEFT_FOOT_INDEX,
                     Landmark.RIGHT_FOOT_INDEX]] = np.nan
    report = analyse("bridge", frames)
    assert report["reps"] == truth["reps"]
    assert not report["tracking"]["untracked"]
    assert any("ankles were not seen" in note for note in report["limitations"])


@pytest.mark.parametrize("code", ["hip_sag", "hip_pike"])
def test_short_17_point_plank_runs_are_judged_frame_by_frame(code):
    """Another tool's table: 1-2 s runs, no heels or feet, every frame of the fault labelled."""
    truth, frames = frames_of("plank", code)
    fault = next(f for f in truth["faults"] if f["code"] == code)
    a, b = fault["start_s"] + 0.5, fault["start_s"] + 2.0
    run = [f for f in frames if a <= f.t_s < b]
    run = [PoseFrame(f.t_s - a, f.landmarks, f.width, f.height) for f in _only(run, COCO_17)]
    report = analyse("plank", run, keep_frames=True)
    judged = [set(fr["faults"]) for fr in report["frames"]]
    assert sum(code in j for j in judged) >= 0.9 * len(judged)
    good = [f for f in frames if truth["holds"][0]["start_s"] + 0.5 <= f.t_s
            < truth["holds"][0]["start_s"] + 2.0]
    clean = analyse("plank", _only(good, COCO_17), keep_frames=True)
    assert not any(fr["faults"] for fr in clean["frames"])


def test_a_jump_in_time_during_a_hold_is_not_hold_time():
    truth, frames = frames_of("plank", "good")
    mid = next(i for i, f in enumerate(frames) if f.t_s >= 6.0)
    shifted = frames[:mid] + [PoseFrame(f.t_s + 20.0, f.landmarks, f.width, f.height)
                              for f in frames[mid:]]
    report = analyse("plank", shifted)
    true_hold = sum(h["end_s"] - h["start_s"] for h in truth["holds"])
    assert report["hold_good_form_s"] <= true_hold + 0.3


def test_holds_measured_just_under_target_are_not_faults_but_a_short_pause_is():
    _, frames = frames_of("bridge", "good")
    report = analyse("bridge", frames)
    # The good scenario holds 3.5 s; thin the frames around the top so the measured hold
    # falls a little short of 3 s: within the measurement tolerance, no fault.
    assert all(not r["faults"] for r in report["repetitions"])
    truth, frames = frames_of("ball-squat", "hold_too_short")
    report = analyse("ball-squat", frames)
    flagged = [r["index"] for r in report["repetitions"] if "hold_too_short" in r["faults"]]
    assert flagged == [2, 3]  # the 1 s pauses at the bottom


def test_rep_durations_run_from_movement_onset_to_offset():
    truth, frames = frames_of("hip-hinge", "good")
    report = analyse("hip-hinge", frames)
    for got, true in zip(report["repetitions"], truth["repetitions"], strict=True):
        true_s = true["end_s"] - true["start_s"]
        # The ankle's height changes slowly as the thigh leaves vertical, so the measured
        # onset is a little late: the duration reads up to ~20 % short, never long.
        assert 0.75 * true_s <= got["metrics"]["duration_s"] <= true_s + 0.2
    assert not any("too_fast" in r["faults"] for r in report["repetitions"])


def test_a_squat_while_the_feet_walk_on_is_not_counted():
    """Knees bending while the person walks (out of the frame, say) is a step, not a squat."""
    truth, frames = frames_of("ball-squat", "good")
    first = truth["repetitions"][0]
    a, b = first["start_s"], first["end_s"]
    walked = []
    for f in frames:
        lm = f.landmarks.copy()
        if f.t_s >= a:  # the whole body moves on sideways through the first squat
            lm[:, 0] += 0.3 * min(1.0, (f.t_s - a) / (b - a))
        walked.append(PoseFrame(f.t_s, lm, f.width, f.height))
    assert analyse("ball-squat", frames)["reps"] == truth["reps"]
    assert analyse("ball-squat", walked)["reps"] == truth["reps"] - 1


def test_the_pose_model_misplacing_the_feet_for_two_frames_is_not_a_step():
    """In a deep squat (or behind an object) the foot estimate can jump by most of a thigh
    length for a frame or two and come back: the squat still counts."""
    from spinecoach.domain.landmarks import Landmark

    truth, frames = frames_of("ball-squat", "good")
    first = truth["repetitions"][0]
    middle = 0.5 * (first["start_s"] + first["end_s"])
    feet = [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE, Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL,
            Landmark.LEFT_FOOT_INDEX, Landmark.RIGHT_FOOT_INDEX]
    wobbled, jumped = [], 0
    for f in frames:
        lm = f.landmarks.copy()
        if f.t_s >= middle and jumped < 2:  # two frames with the feet placed far off
            lm[feet, 0] += 0.15  # three quarters of a thigh length
            jumped += 1
        wobbled.append(PoseFrame(f.t_s, lm, f.width, f.height))
    assert analyse("ball-squat", wobbled)["reps"] == truth["reps"]


def test_the_foot_estimate_climbing_for_half_a_second_is_not_a_step():
    """Standing up from the ball, the pose model can put the foot up the shin for a third of
    a second or more (seen on a render: a whole thigh length up, a fifth of one sideways):
    feet rise, they do not walk on, so the squat still counts."""
    from spinecoach.domain.landmarks import Landmark

    truth, frames = frames_of("ball-squat", "good")
    first = truth["repetitions"][0]
    a = first["end_s"] - 1.0
    feet = [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE, Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL,
            Landmark.LEFT_FOOT_INDEX, Landmark.RIGHT_FOOT_INDEX]
    climbed = []
    for f in frames:
        lm = f.landmarks.copy()
        if a <= f.t_s < a + 0.6:
            lm[feet, 1] -= 0.2  # about a thigh length up
            lm[feet, 0] += 0.04
        climbed.append(PoseFrame(f.t_s, lm, f.width, f.height))
    assert analyse("ball-squat", climbed)["reps"] == truth["reps"]


def test_the_rest_level_is_the_persons_own_when_it_sits_above_the_typical_one():
    """A tabletop higher than the exercise file's typical one: reps start where they start,
    and the rest level (the baseline the lumbar-arch rule learns from) is theirs."""
    from spinecoach.domain.thresholds import engine_thresholds
    from spinecoach.tracking.excursion import Excursion

    th = engine_thresholds().reps
    ex = Excursion(enter=0.3, min_amplitude=0.4, return_fraction=0.5,
                   onset_fraction=th.onset_fraction, rest=-1.0,
                   rest_creep_per_s=th.rest_creep_per_s, rearm_after_s=th.rearm_after_s,
                   settle_timeout_s=th.settle_timeout_s, prelude_s=th.prelude_s,
                   count_held_start=False)
    reps = []
    for i in range(150):  # 30 fps: 2 s at their rest, a 1.5 s tap, 1.5 s back at rest
        t = i / 30
        value = -0.88 + (0.9 * np.sin(np.pi * (t - 2.0) / 1.5) if 2.0 <= t < 3.5 else 0.0)
        rep = ex.update(value, t)
        if rep is not None:
            reps.append(rep)
    assert ex.rest == pytest.approx(-0.88, abs=0.01)
    assert len(reps) == 1
    assert 1.9 <= reps[0].onset_s <= 2.2


def _tap_detector():
    from spinecoach.domain.thresholds import engine_thresholds
    from spinecoach.tracking.excursion import Excursion

    th = engine_thresholds().reps
    return Excursion(enter=0.2, min_amplitude=0.4, return_fraction=0.5,
                     onset_fraction=th.onset_fraction, rest=-1.0,
                     rest_creep_per_s=th.rest_creep_per_s, rearm_after_s=th.rearm_after_s,
                     settle_timeout_s=th.settle_timeout_s,
                     return_confirm_s=th.return_confirm_s, prelude_s=th.prelude_s,
                     count_held_start=False)


def _count(ex, samples):
    return [rep for t, v in samples if (rep := ex.update(v, t)) is not None]


def test_a_few_frames_of_confused_legs_at_the_bottom_do_not_split_a_tap():
    """Side-on, the pose model can put both ankles half-way for two frames while one heel
    is down (seen on renders): that is one tap, not a return and a second tap."""
    fps = 15.0
    samples = []
    for i in range(int(7 * fps)):
        t = i / fps
        value = -1.0  # tabletop (heights are flipped so that lowering rises)
        if 1.0 <= t < 5.0:  # a slow 4 s tap: down, a long pause near the floor, back up
            value = -1.0 + min(1.0, (t - 1.0) / 1.0, (5.0 - t) / 1.0) * 1.0
        if 2.5 <= t < 2.5 + 2 / fps:  # two confused frames: both ankles half-way
            value = -0.6
        samples.append((round(t, 4), value))
    reps = _count(_tap_detector(), samples)
    assert len(reps) == 1
    assert reps[0].onset_s == pytest.approx(1.0, abs=0.15)
    assert reps[0].offset_s == pytest.approx(5.0, abs=0.15)


def test_taps_back_to_back_are_still_two():
    """The next leg going down right after the first came back up is a second tap."""
    fps = 15.0
    samples = []
    for i in range(int(7 * fps)):
        t = i / fps
        value = -1.0
        for start in (1.0, 3.0):  # two 1.6 s taps, 0.4 s apart
            if start <= t < start + 1.6:
                value = -1.0 + min(1.0, (t - start) / 0.6, (start + 1.6 - t) / 0.6)
        samples.append((round(t, 4), value))
    reps = _count(_tap_detector(), samples)
    assert len(reps) == 2


def test_a_tabletop_lower_than_the_typical_one_becomes_the_rest_after_the_first_tap():
    """The recording starts mid-tap (rest still the exercise's typical level) and the person's
    own tabletop sits well below it: after the first tap settles there, that is their rest,
    so the next taps are counted one by one instead of chained."""
    ex = _tap_detector()
    fps = 15.0
    own_rest = -0.68  # flipped: their tabletop is lower than the typical -1.0
    samples = []
    for i in range(int(16 * fps)):
        t = i / fps
        value = own_rest
        if t < 1.0:  # already on the way down when the recording starts
            value = own_rest + 0.9 * (0.5 + t / 2.0)
        elif t < 2.0:  # coming back up
            value = own_rest + 0.9 * (2.0 - t)
        for start in (6.0, 10.0):  # two more 2 s taps from their own tabletop
            if start <= t < start + 2.0:
                value = own_rest + 0.9 * min(1.0, (t - start) / 0.8, (start + 2.0 - t) / 0.8)
        samples.append((round(t, 4), value))
    reps = _count(ex, samples)
    assert ex.rest == pytest.approx(own_rest, abs=0.05)
    assert len(reps) == 3
    assert reps[1].onset_s == pytest.approx(6.0, abs=0.2)
    assert reps[2].onset_s == pytest.approx(10.0, abs=0.2)


def _knee_bend(seconds: float) -> list[PoseFrame]:
    """Standing, the first third of the generator's way down to a squat and back squeezed
    into ``seconds`` (a bend of a shallow squat's depth), then standing again."""
    truth, frames = frames_of("ball-squat", "good")
    rep = truth["repetitions"][0]
    stand = [f for f in frames if f.t_s < rep["start_s"]]
    down = [f for f in frames
            if rep["start_s"] <= f.t_s <= rep["start_s"] + 0.3 * (rep["peak_s"] - rep["start_s"])]
    bend = down + down[::-1]
    dt = 1 / 30
    out = [PoseFrame(i * dt, f.landmarks, f.width, f.height) for i, f in enumerate(stand)]
    t0 = len(out) * dt
    n = max(2, round(seconds / dt))
    for i in range(n):
        f = bend[round(i * (len(bend) - 1) / (n - 1))]
        out.append(PoseFrame(t0 + i * dt, f.landmarks, f.width, f.height))
    t1 = t0 + n * dt
    out += [PoseFrame(t1 + i * dt, f.landmarks, f.width, f.height)
            for i, f in enumerate(stand + stand)]
    return out


def test_a_knee_bend_over_and_back_within_a_second_is_a_step_not_a_squat():
    """Walking to the ball or out of the picture bends the knees for half a second: not a
    rep (it was counted as a shallow squat); the same bend over 1.5 s is a (shallow) rep."""
    assert analyse("ball-squat", _knee_bend(0.6))["reps"] == 0
    assert analyse("ball-squat", _knee_bend(1.5))["reps"] == 1


def test_a_rep_under_way_when_the_recording_begins_is_marked_as_seen_in_part():
    """A recording that starts on the way down of a quick squat sees only the rest of it
    (0.5 s on a real clip): the rep is marked as begun before the prelude ended, so the
    shortest-rep rule (a step, not a squat) does not drop it; a later rep is not marked."""
    from spinecoach.domain.thresholds import engine_thresholds
    from spinecoach.tracking.excursion import Excursion

    th = engine_thresholds().reps
    ex = Excursion(enter=12.0, min_amplitude=25.0, return_fraction=0.5, rest=0.0,
                   onset_fraction=th.onset_fraction, rest_creep_per_s=th.rest_creep_per_s,
                   rearm_after_s=th.rearm_after_s,
                   prelude_s=th.prelude_s, return_confirm_s=th.return_confirm_s,
                   settle_timeout_s=th.settle_timeout_s)

    def signal(t: float) -> float:  # mid-descent at t=0, bottom at 0.3 s, up by 0.9 s;
        if t < 0.3:                 # a quick bend from rest at 3.0 s
            return 20.0 + 133.0 * t
        if t < 0.9:
            return max(0.0, 60.0 - 100.0 * (t - 0.3))
        if 3.0 <= t < 3.25:
            return 200.0 * (t - 3.0)
        if 3.25 <= t < 3.6:
            return max(0.0, 50.0 - 150.0 * (t - 3.25))
        return 0.0

    reps = [r for i in range(150) if (r := ex.update(signal(i / 30), i / 30)) is not None]
    assert [r.began_before for r in reps] == [True, False]


def test_legs_held_down_when_the_recording_begins_are_not_a_heel_tap():
    """A recording that starts with the legs down (getting into tabletop, one leg then the
    other) is away from rest and, while the first leg rises, moves a little further out on
    the pose model's jitter; coming up to tabletop is not the end of a tap.  A tap already
    on its way down when the recording begins (it goes on moving out) still counts."""
    def held_then_tabletop(t: float) -> float:  # down for 1.5 s, creeping 0.16 further
        if t < 1.5:                              # out over 0.8 s (under enter), then up
            return 0.2 * min(t, 0.8)
        return max(-1.0, -(t - 1.5) / 0.8)

    def mid_tap(t: float) -> float:  # already half-way down at t=0, floor at 0.6 s, back up
        if t < 0.6:
            return -0.5 + 0.5 * t / 0.6
        return max(-1.0, -(t - 1.2) / 0.6) if t >= 1.2 else 0.0

    held = _count(_tap_detector(), [(i / 15, held_then_tabletop(i / 15)) for i in range(75)])
    tap = _count(_tap_detector(), [(i / 15, mid_tap(i / 15)) for i in range(75)])
    assert held == []
    assert len(tap) == 1 and tap[0].began_before
