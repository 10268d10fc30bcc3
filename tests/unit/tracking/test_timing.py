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
    assert len(events) == 1 and events[0].start_s == 0.0
    assert events[0].end_s == pytest.approx(119 / FPS)


def test_cues_are_rate_limited_but_stops_always_pass():
    cues = CueLimiter(cooldown_s=4.0)
    assert cues.offer("Slower.", 0.0) == "Slower."
    assert cues.offer("Lift your hips.", 1.0) is None
    assert cues.offer("Stop.", 1.5, urgent=True) == "Stop."
    assert cues.offer("Lift your hips.", 6.0) == "Lift your hips."
    assert cues.offer("Lift your hips.", 10.5) is None  # same cue again too soon
