"""What the trackers report: per-frame state and the events of a set.

This is the contract between the analysis core and its users (the ``analyze`` command, the
live WebSocket, storage).  ``FrameState`` is emitted for every processed frame; ``RepEvent``,
``HoldEvent`` and ``StopEvent`` are emitted once, on the frame where they complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Tracking(StrEnum):
    """Whether the current frame can be judged."""

    OK = "ok"
    LOST = "lost"  # nobody detected, or key landmarks invisible / out of frame
    SETUP = "setup"  # a person is there but the view cannot be judged (not side-on, cut off)


class Phase(StrEnum):
    """Phases shared by the four exercises; ``UNTRACKED`` never counts and never cues."""

    UNTRACKED = "untracked"
    SETUP = "setup"  # waiting for the start position
    START = "start"  # in the start position (tabletop / hips down / standing)
    MOVING = "moving"  # between start and target (lowering a heel, lifting hips, squatting)
    TARGET = "target"  # at the target position (heel down / bridge top / squat bottom / plank)
    RETURNING = "returning"


@dataclass(frozen=True)
class RepEvent:
    """One completed repetition."""

    index: int
    start_s: float
    peak_s: float
    end_s: float
    side: str | None  # "left"/"right" for hip hinges, else None
    hold_s: float  # good-form seconds held at the target (0 when no hold is asked)
    good_form: bool
    faults: tuple[str, ...]
    metrics: dict[str, float] = field(default_factory=dict)  # e.g. {"knee_deg_at_peak": 92.0}


@dataclass(frozen=True)
class Attempt:
    """One plank attempt: from getting up on forearms and toes to coming down."""

    start_s: float
    end_s: float
    good_form_s: float
    faults: tuple[str, ...]


@dataclass(frozen=True)
class HoldEvent:
    """One interval held in good form (a bridge top, a squat bottom, a plank)."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        """Length of the interval."""
        return self.end_s - self.start_s


@dataclass(frozen=True)
class FaultEvent:
    """One debounced fault interval; ``end_s`` is None while it is still active."""

    code: str
    start_s: float
    end_s: float | None
    message: str


@dataclass(frozen=True)
class StopEvent:
    """A stop rule fired (e.g. ``lumbar_arch`` for hip hinges)."""

    code: str
    at_s: float
    message: str


@dataclass(frozen=True)
class FrameState:
    """The analysis state after one frame; what the live coach sends to the browser."""

    t_s: float
    phase: Phase
    tracking: Tracking
    setup_problem: str | None
    reps: int
    reps_by_side: dict[str, int]
    hold_s: float  # good-form seconds in the current hold
    target_hold_s: float | None
    faults: tuple[str, ...]  # active, debounced fault codes
    cue: str | None  # at most one cue, rate-limited; never on an untracked frame
    angles: dict[str, float]
    rep: RepEvent | None = None  # set on the frame a rep completes
    hold: HoldEvent | None = None  # set on the frame a good-form hold interval ends
    stop: StopEvent | None = None  # set on the frame a stop rule fires
    frame_faults: tuple[str, ...] = ()  # faults judged on this frame alone (not debounced)
    key_angles: tuple[str, ...] = ()  # the measures that matter for this exercise (overlay)
