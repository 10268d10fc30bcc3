"""What real cameras do to the engine: lost tracking, label swaps, glitches, bad views."""


import numpy as np

from spinecoach.domain.exercises import get_exercise
from spinecoach.domain.landmarks import MIRROR_INDEX, Landmark
from spinecoach.domain.pose import PoseFrame
from spinecoach.synth.replay import analyse, frames_of
from spinecoach.tracking.engine import create_tracker
from spinecoach.tracking.state import Tracking


def _states(exercise, frames):
    tracker = create_tracker(get_exercise(exercise))
    return [tracker.update(f) for f in frames], tracker


def test_lost_tracking_never_counts_never_cues_and_is_reported():
    truth, frames = frames_of("bridge", "good")
    # Nobody in the frame for 1.5 s in the middle of the second rep.
    for f in frames:
        if 9.0 <= f.t_s < 10.5:
            f.landmarks[:] = np.nan
    states, _ = _states("bridge", frames)
    lost = [s for s in states if s.tracking is Tracking.LOST]
    assert lost and all(s.cue is None and s.rep is None for s in lost)
    assert all(s.setup_problem == "I can't see you. Move into the frame." for s in lost)
    report = analyse("bridge", frames)
    assert any(a <= 9.05 and b >= 10.4 for a, b in report["tracking"]["untracked"])
    assert report["reps"] == truth["reps"] - 1  # the interrupted rep is not counted


LEG_JOINTS = [Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, Landmark.LEFT_ANKLE,
              Landmark.RIGHT_ANKLE, Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL,
              Landmark.LEFT_FOOT_INDEX, Landmark.RIGHT_FOOT_INDEX]


def _hide_legs(frames, start_s, end_s):
    for f in frames:
        if start_s <= f.t_s < end_s:  # an object in front of the legs: the person still seen
            f.landmarks[LEG_JOINTS] = np.nan


def test_knees_hidden_for_a_while_mid_rep_still_count_the_rep():
    # Issue 7: a box or a basket in front of the knees for 1-3 s lost the rep under way (and
    # then called its hold, seen only in part, too short).  The person is still seen, so the
    # rep carries on and is counted once it is back at rest; its hold is not judged.
    truth, frames = frames_of("bridge", "good")
    top = truth["holds"][1]
    _hide_legs(frames, top["start_s"] + 0.5, top["start_s"] + 2.5)
    report = analyse("bridge", frames)
    assert report["reps"] == truth["reps"]
    assert any(b - a >= 1.5 for a, b in report["tracking"]["untracked"])
    assert not report["faults"], report["faults"]
    squat_truth, squat = frames_of("ball-squat", "good")
    _hide_legs(squat, squat_truth["holds"][0]["start_s"] + 0.5,
               squat_truth["holds"][0]["start_s"] + 2.5)
    squat_report = analyse("ball-squat", squat)
    assert squat_report["reps"] == squat_truth["reps"]
    assert not squat_report["faults"], squat_report["faults"]


def test_knees_hidden_too_long_mid_rep_lose_it():
    truth, frames = frames_of("bridge", "good")
    top = truth["holds"][1]
    _hide_legs(frames, top["start_s"] - 0.5, top["end_s"] + 0.5)  # 4.5 s: over 3 s
    assert analyse("bridge", frames)["reps"] == truth["reps"] - 1


def test_one_frame_misread_deeper_does_not_hide_a_shallow_squat():
    truth, frames = frames_of("ball-squat", "too_shallow")
    clean = analyse("ball-squat", frames)
    assert sum(f["code"] == "too_shallow" for f in clean["faults"]) == 2
    for rep in truth["repetitions"][1:3]:  # the two shallow ones
        mid = next(i for i, f in enumerate(frames) if f.t_s >= rep["peak_s"])
        level = frames[mid].landmarks[[Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE], 1]
        # one frame puts the hips as low as the knees (thighs level, which would be deep
        # enough): the pose model's single-frame slip
        frames[mid].landmarks[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 1] = level
    glitched = analyse("ball-squat", frames)
    assert sum(f["code"] == "too_shallow" for f in glitched["faults"]) == 2, glitched["faults"]


def test_a_single_garbage_frame_does_not_split_a_plank_hold(rng):
    truth, frames = frames_of("plank", "good")
    clean = analyse("plank", frames)
    mid = next(i for i, f in enumerate(frames) if f.t_s >= 8.0)
    frames[mid].landmarks[:, :2] += rng.normal(0, 0.05, (33, 2))
    glitched = analyse("plank", frames)
    assert len(glitched["holds"]) == len(clean["holds"]) == 1
    assert abs(glitched["hold_good_form_s"] - clean["hold_good_form_s"]) < 0.15
    assert not glitched["faults"]


def test_left_right_label_swaps_do_not_change_the_count():
    truth, frames = frames_of("ball-squat", "good")
    for f in frames:
        if 3.0 <= f.t_s < 12.0:  # the model swaps sides for a while, mid-rep
            f.landmarks[:] = f.landmarks[list(MIRROR_INDEX)]
    report = analyse("ball-squat", frames)
    assert report["reps"] == truth["reps"]
    assert not report["faults"]


def test_invented_shoulders_at_the_frame_edge_are_untracked():
    _, frames = frames_of("bridge", "good")
    for f in frames:
        if 9.0 <= f.t_s < 11.0:  # close-up: torso out of frame, the model guesses at the edge
            for lm in (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER):
                f.landmarks[lm, 0] = 0.0
    states, _ = _states("bridge", frames)
    edge = [s for s in states if 9.1 <= s.t_s < 10.9]
    assert edge and all(s.tracking is Tracking.SETUP for s in edge)
    assert all("shoulder" in (s.setup_problem or "") for s in edge)
    assert all(s.cue is None for s in edge)


def _seen_from_the_front(frames):
    front = []
    for f in frames:
        lm = f.landmarks.copy()
        mid_x = (lm[Landmark.LEFT_HIP, 0] + lm[Landmark.RIGHT_HIP, 0]) / 2
        torso = abs(lm[Landmark.LEFT_SHOULDER, 1] - lm[Landmark.LEFT_HIP, 1])
        for left, right in ((Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
                            (Landmark.LEFT_HIP, Landmark.RIGHT_HIP)):
            lm[left, 0] = mid_x + 0.4 * torso
            lm[right, 0] = mid_x - 0.4 * torso
        front.append(PoseFrame(f.t_s, lm, f.width, f.height))
    return front


def test_a_front_view_is_a_setup_problem_not_a_wrong_number():
    _, frames = frames_of("bridge", "good")
    states, _ = _states("bridge", _seen_from_the_front(frames))
    assert all(s.tracking is Tracking.SETUP for s in states[20:])
    assert "side-on" in (states[-1].setup_problem or "")
    assert states[-1].reps == 0


def test_squats_seen_from_the_front_are_counted_but_depth_is_not_judged():
    truth, frames = frames_of("ball-squat", "too_deep")
    report = analyse("ball-squat", _seen_from_the_front(frames))
    assert report["reps"] == truth["reps"]
    assert not report["faults"]  # too deep cannot be seen from the front
    assert report["tracking"]["form_not_judged_s"] > 0.8 * frames[-1].t_s


def test_cues_are_one_at_a_time_and_rate_limited():
    _, frames = frames_of("plank", "hip_sag")
    states, _ = _states("plank", frames)
    cue_times = [s.t_s for s in states if s.cue]
    assert cue_times, "the sag must be cued"
    assert all(b - a >= 4.0 for a, b in zip(cue_times, cue_times[1:], strict=False))
    assert all(s.tracking is Tracking.OK for s in states if s.cue)


def test_lumbar_arch_stops_the_set_and_without_a_mask_says_it_was_not_judged():
    truth, frames = frames_of("hip-hinge", "lumbar_arch", masks=True)
    states, _ = _states("hip-hinge", frames)
    stops = [s for s in states if s.stop]
    assert len(stops) == 1 and stops[0].stop.code == "lumbar_arch"
    assert abs(stops[0].t_s - truth["stop"]["at_s"]) < 1.0
    assert stops[0].cue and "Stop" in stops[0].cue
    no_mask = analyse("hip-hinge", frames_of("hip-hinge", "lumbar_arch", masks=False)[1])
    assert no_mask["stopped"] is None
    assert any("NOT judged" in note for note in no_mask["limitations"])


def test_engine_is_frame_rate_independent():
    for fps in (15.0, 60.0):
        truth, frames = frames_of("bridge", "hold_too_short", fps=fps)
        report = analyse("bridge", frames)
        assert report["reps"] == truth["reps"]
        assert {f["code"] for f in report["faults"]} == {"hold_too_short"}


def test_frames_output_has_per_frame_faults_before_debouncing():
    _, frames = frames_of("plank", "hip_pike")
    report = analyse("plank", frames, keep_frames=True)
    assert len(report["frames"]) == len(frames)
    flagged = [f for f in report["frames"] if "hip_pike" in f["faults"]]
    fault = report["faults"][0]
    # Frames are judged alone, so they flag the pike as the line passes the limit; the
    # report's interval starts once the body holds the pike (the line no longer moving fast).
    assert flagged and flagged[0]["t_s"] <= fault["start_s"] <= flagged[0]["t_s"] + 0.6
    assert all(set(f) >= {"t_s", "phase", "angles", "faults"} for f in report["frames"])
