"""The "get into position" countdown before a live set: the tracker watches, nothing counts.

The live coach starts the tracker when the countdown starts, so it sees the person settle
into the start position (and learns their rest level), but a set only counts from "go"
(``count_from_s``, on the client's clock):

* a repetition **begun** before "go" is not counted, not stored and not flagged, and the
  reps shown after "go" leave it out;
* a good-form hold that began before "go" counts from "go" only when the set is one long
  hold (a plank held as the countdown ends: ``holds_are_reps=False``); in a set of reps
  with holds (bridges, squats) it belongs to a rep begun before "go" and is left out too;
* no cue and no fault is shown before "go" (the countdown speaks instead);
* a stop rule still stops at any time: safety never waits for a countdown.

:class:`CountdownGate` is pure: it takes each :class:`~spinecoach.tracking.state.FrameState`
and returns the one to show and record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from spinecoach.tracking.state import FrameState, HoldEvent, RepEvent


@dataclass
class CountdownGate:
    """Leave out of a set what began before ``count_from_s`` (see the module docstring)."""

    count_from_s: float = 0.0
    holds_are_reps: bool = True
    _dropped: Counter[str | None] = field(default_factory=Counter, init=False)
    _hold_offset_s: float = field(default=0.0, init=False)
    _in_countdown: bool = field(default=False, init=False)

    def counting(self, t_s: float) -> bool:
        """Whether a frame at ``t_s`` is after "go"."""
        return t_s >= self.count_from_s

    def apply(self, state: FrameState) -> FrameState:
        """The state to show and record for this frame."""
        rep = self._rep(state.rep)
        counting = self.counting(state.t_s)
        if counting and self._in_countdown:
            self._hold_offset_s = state.hold_s  # a hold already running counts from "go"
        self._in_countdown = not counting
        if state.hold_s < self._hold_offset_s or state.hold_s == 0.0:
            self._hold_offset_s = 0.0
        hold = self._hold(state.hold)
        by_side = {side: n - self._dropped.get(side, 0) for side, n in state.reps_by_side.items()}
        reps = state.reps - sum(self._dropped.values())
        if not counting:
            return replace(state, rep=None, hold=None, reps=max(0, reps),
                           reps_by_side={k: max(0, v) for k, v in by_side.items()},
                           hold_s=0.0, faults=(), cue=None, frame_faults=())
        return replace(state, rep=rep, hold=hold, reps=max(0, reps),
                       reps_by_side={k: max(0, v) for k, v in by_side.items()},
                       hold_s=max(0.0, state.hold_s - self._hold_offset_s))

    def _rep(self, rep: RepEvent | None) -> RepEvent | None:
        if rep is None or rep.start_s >= self.count_from_s:
            return rep
        self._dropped[rep.side] += 1
        return None

    def _hold(self, hold: HoldEvent | None) -> HoldEvent | None:
        if hold is None or hold.start_s >= self.count_from_s:
            return hold
        if hold.end_s <= self.count_from_s or self.holds_are_reps:
            return None
        return HoldEvent(start_s=self.count_from_s, end_s=hold.end_s)
