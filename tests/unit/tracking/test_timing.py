import pytest

from spinecoach.tracking.timing import CueLimiter, Debouncer, HoldTimer

FPS = 30


def _feed(obj, pattern, t0=0.0):
    events = []
    for i, flag in enumerate(pattern):
        event = obj.update(flag, t0 + i / FPS)
        if event is not None:
            events.append(event)
    return events


def test_one_frame_blip_is_not_a_fault():
    deb = Debouncer("hip_sag", "m", min_s=0.3, release_s=0.3)
    events = _feed(deb, [False] * 5 + [True] + [False] * 30)
    assert events == [] and not deb.active


def test_fault_interval_is_back_dated_to_its_first_frame():
    deb = Debouncer("hip_sag", "m", min_s=0.3, release_s=0.3)
    events = _feed(deb, [False] * 30 + [True] * 60 + [False] * 30)
    assert len(events) == 1
    assert events[0].start_s == pytest.approx(1.0)
    assert events[0].end_s == pytest.approx(89 / FPS)


def test_hold_survives_one_bad_frame_but_not_a_real_break():
    timer = HoldTimer(grace_s=0.35)
    events = _feed(timer, [True] * 60 + [False] + [True] * 59)
    assert events == [] and timer.holding
    # The forgiven frame is measurement noise inside a steady hold: its time counts.
    assert timer.current_s() == pytest.approx(119 / FPS, abs=0.05)
    events = _feed(timer, [False] * 30, t0=120 / FPS)
    assert len(events) == 1 and events[0].start_s == 0.0  # the stream's first frame
    # Frames are samples: the hold ended between its last good frame and the next one.
    assert events[0].end_s == pytest.approx(119.5 / FPS)


def _feed_times(timer, frames):
    return [e for e in (timer.update(good, t) for t, good in frames) if e is not None]


def test_a_low_frame_rate_is_not_a_break():
    # 3 frames a second with a 0.9 s pause: consecutive good frames are one hold
    times = [0.0, 0.33, 0.67, 1.0, 1.9, 2.23, 2.57, 2.9, 3.23]
    frames = [(0.0, False)] + [(t + 0.33, True) for t in times] + [(3.9, False), (4.2, False)]
    timer = HoldTimer(grace_s=0.35)
    events = _feed_times(timer, frames)
    assert len(events) == 1
    # from the first good frame to half-way to the next frame that was not good
    assert events[0].start_s == pytest.approx(0.33)
    assert events[0].end_s == pytest.approx(3.56 + 0.17)


def test_at_a_low_frame_rate_one_bad_frame_is_forgiven_and_two_are_a_break():
    good = [(i / 3, True) for i in range(6)]
    timer = HoldTimer(grace_s=0.35)
    assert _feed_times(timer, good + [(2.0, False)] + [(2.0 + i / 3, True) for i in range(1, 4)]) \
        == []
    assert timer.current_s() == pytest.approx(3.0)
    events = _feed_times(timer, [(3.33, False), (3.67, False), (4.0, True)])
    assert len(events) == 1 and events[0].end_s == pytest.approx(3.0 + 0.165)
    assert timer.holding and timer.start_s == pytest.approx(4.0)


def test_a_break_needs_two_frames_but_a_long_one_closes_at_once_when_seen():
    timer = HoldTimer(grace_s=0.35)
    _feed_times(timer, [(0.0, True), (1.0, True)])
    # a single frame that is not good, 1 s after the last good one: not yet a break ...
    assert _feed_times(timer, [(2.0, False)]) == []
    # ... but the next one (bad) is, and the hold ends half-way to the first bad frame
    events = _feed_times(timer, [(3.0, False)])
    assert [(e.start_s, e.end_s) for e in events] == [(0.0, pytest.approx(1.175))]


def test_cues_are_rate_limited_but_stops_always_pass():
    cues = CueLimiter(cooldown_s=4.0)
    assert cues.offer("Slower.", 0.0) == "Slower."
    assert cues.offer("Lift your hips.", 1.0) is None
    assert cues.offer("Stop.", 1.5, urgent=True) == "Stop."
    assert cues.offer("Lift your hips.", 6.0) == "Lift your hips."
    assert cues.offer("Lift your hips.", 10.5) is None  # same cue again too soon
