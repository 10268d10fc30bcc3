"""The countdown gate: what begins before "go" does not count; safety does not wait."""

from __future__ import annotations

from spinecoach.session.countdown import CountdownGate
from spinecoach.tracking.state import FrameState, HoldEvent, Phase, RepEvent, StopEvent, Tracking


def _state(t_s: float, *, reps: int = 0, hold_s: float = 0.0, rep: RepEvent | None = None,
           hold: HoldEvent | None = None, stop: StopEvent | None = None,
           by_side: dict[str, int] | None = None) -> FrameState:
    return FrameState(t_s=t_s, phase=Phase.TARGET, tracking=Tracking.OK, setup_problem=None,
                      reps=reps, reps_by_side=by_side or {}, hold_s=hold_s, target_hold_s=10.0,
                      faults=("hip_sag",), cue="Lift your hips.", angles={}, rep=rep,
                      hold=hold, stop=stop)


def _rep(start_s: float, end_s: float, side: str | None = None) -> RepEvent:
    return RepEvent(1, start_s, start_s, end_s, side, 0.0, False, ("too_fast",))


def test_nothing_shows_before_go_and_a_rep_begun_then_is_left_out() -> None:
    gate = CountdownGate(count_from_s=5.0)
    before = gate.apply(_state(4.0, hold_s=1.0))
    assert (before.reps, before.hold_s, before.faults, before.cue) == (0, 0.0, (), None)
    early = gate.apply(_state(6.0, reps=1, rep=_rep(3.0, 6.0)))
    assert early.rep is None and early.reps == 0
    later = gate.apply(_state(9.0, reps=2, rep=_rep(6.5, 9.0)))
    assert later.rep is not None and later.reps == 1 and later.faults == ("hip_sag",)


def test_per_side_counts_leave_out_the_early_rep_of_that_side() -> None:
    gate = CountdownGate(count_from_s=5.0)
    gate.apply(_state(6.0, reps=1, rep=_rep(4.0, 6.0, "left"), by_side={"left": 1}))
    state = gate.apply(_state(8.0, reps=2, rep=_rep(6.5, 8.0, "right"),
                              by_side={"left": 1, "right": 1}))
    assert state.reps == 1 and state.reps_by_side == {"left": 0, "right": 1}


def test_a_plank_held_at_go_counts_from_go() -> None:
    gate = CountdownGate(count_from_s=5.0, holds_are_reps=False)
    gate.apply(_state(4.9, hold_s=2.9))
    assert gate.apply(_state(5.0, hold_s=3.0)).hold_s == 0.0
    assert gate.apply(_state(8.0, hold_s=6.0)).hold_s == 3.0
    ended = gate.apply(_state(9.0, hold=HoldEvent(2.0, 9.0)))
    assert ended.hold == HoldEvent(5.0, 9.0) and ended.hold_s == 0.0


def test_a_stop_rule_fires_during_the_countdown_too() -> None:
    gate = CountdownGate(count_from_s=5.0)
    stop = StopEvent("lumbar_arch", 2.0, "Your lower back is arching.")
    assert gate.apply(_state(2.0, stop=stop)).stop == stop


def test_without_a_countdown_everything_counts() -> None:
    state = _state(0.0, reps=1, rep=_rep(0.0, 0.0), hold_s=1.0)
    assert CountdownGate().apply(state) == state


def test_the_hold_of_a_bridge_begun_before_go_is_left_out() -> None:
    gate = CountdownGate(count_from_s=5.0)
    assert gate.apply(_state(6.0, hold=HoldEvent(4.0, 6.0))).hold is None
    assert gate.apply(_state(9.0, hold=HoldEvent(7.0, 9.0))).hold == HoldEvent(7.0, 9.0)
