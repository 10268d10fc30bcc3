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


def _ramp_then_level(fps: float = 30.0) -> list[tuple[float, float]]:
    """A signal rising to 60 by t = 1.0 s, then held at 60 (+-0.3 of noise) to t = 4.0 s."""
    out = []
    for i in range(int(4.0 * fps) + 1):
        t = i / fps
        x = 60.0 * min(1.0, t) ** 0.5 if t < 1.0 else 60.0 + 0.3 * ((-1) ** i)
        out.append((t, x))
    return out


def test_a_late_detected_hold_start_moves_back_onto_the_level() -> None:
    from spinecoach.tracking.state import HoldEvent
    from spinecoach.tracking.timing import LevelTrace

    trace = LevelTrace()
    for t, x in _ramp_then_level():
        trace.add(t, x, faulty=False)
    hold = trace.refine(HoldEvent(1.3, 3.9), min_band=1.5, band_mads=3.0, max_shift_s=0.5)
    assert 0.9 <= hold.start_s <= 1.05
    assert hold.end_s == 3.9  # the end is left where it was
    early = trace.refine(HoldEvent(0.8, 3.9), min_band=1.5, band_mads=3.0, max_shift_s=0.5)
    assert 0.9 <= early.start_s <= 1.05  # an early start moves forward onto the level


def test_the_start_never_moves_across_a_fault_or_too_far() -> None:
    from spinecoach.tracking.state import HoldEvent
    from spinecoach.tracking.timing import LevelTrace

    trace = LevelTrace()
    for t, x in _ramp_then_level():
        trace.add(t, x, faulty=1.1 <= t <= 1.2)
    hold = trace.refine(HoldEvent(1.5, 3.9), min_band=1.5, band_mads=3.0, max_shift_s=0.5)
    assert hold.start_s > 1.2
    far = trace.refine(HoldEvent(2.0, 3.9), min_band=1.5, band_mads=3.0, max_shift_s=0.2)
    assert far.start_s >= 1.8
