"""The shared per-frame pipeline of every exercise tracker.

``update(frame)`` runs: visibility gating -> One Euro smoothing (reset after a long loss or a
camera cut) -> :func:`features.compute_features` -> the frame's own fault judgement
(:meth:`ExerciseTracker.frame_faults`, evaluated on every frame whatever the phase, reported
as ``frames[].faults``) -> the tracking status -> the exercise's state machine
(:meth:`ExerciseTracker.judge`) -> debounced faults, holds, cues and events.

Tracking is switched off only when what the exercise *needs* is missing: the joints in
``required`` (a bridge needs no ankle), a view it cannot count from, or a posture other than
the exercise's held for a while at rest.  A posture check never switches tracking off in the
middle of a movement (a bridge top looks like lying face down to a naive posture test).
Untracked frames never count, never time a hold and never cue; an untracked stretch longer
than ``lost_after_s`` abandons the rep in progress.  A jump in ``t_s`` longer than
``max_frame_gap_s`` (a dropped stream, an edited file) is untracked time, never hold time; a
shorter one is the frame rate (a loaded machine analyses a webcam at a few frames a second).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from spinecoach.domain.codes import FaultCode
from spinecoach.domain.exercises.spec import ExerciseSpec
from spinecoach.domain.landmarks import N_LANDMARKS, Landmark, Side
from spinecoach.domain.pose import FloatArray, PoseFrame
from spinecoach.domain.thresholds import EngineThresholds, engine_thresholds
from spinecoach.signals.filters import LandmarkSmoother, gate_by_visibility
from spinecoach.tracking.features import Features, compute_features
from spinecoach.tracking.state import (
    Attempt,
    FaultEvent,
    FrameState,
    HoldEvent,
    Phase,
    RepEvent,
    StopEvent,
    Tracking,
)
from spinecoach.tracking.timing import CueLimiter, Debouncer, HoldTimer

LOST_MESSAGE = "I can't see you. Move into the frame."
_TRUNK = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
_MOVING = (Phase.MOVING, Phase.TARGET, Phase.RETURNING)
_POSTURE_HINTS = {
    "supine": "Lie on your back, side-on to the camera.",
    "prone": "Get down on your forearms, side-on to the camera.",
    "standing": "Stand up, side-on to the camera.",
}


@dataclass
class Judgement:
    """What an exercise tracker concludes from one tracked frame."""

    phase: Phase
    hold_good: bool = False  # the hold timer runs on this frame
    faults: set[str] = field(default_factory=set)  # continuous faults that count on this frame
    rep: RepEvent | None = None
    rep_faults: tuple[str, ...] = ()  # rep-level faults of ``rep`` (reported over its span)


@dataclass
class TrackerResult:
    """Everything a tracker found over a whole recording or set."""

    reps: list[RepEvent] = field(default_factory=list)
    holds: list[HoldEvent] = field(default_factory=list)
    faults: list[FaultEvent] = field(default_factory=list)
    stop: StopEvent | None = None
    untracked: list[list[float]] = field(default_factory=list)
    setup_problems: dict[str, float] = field(default_factory=dict)  # message -> frames
    frames: int = 0
    detected_frames: int = 0
    side_votes: list[int] = field(default_factory=lambda: [0, 0])
    form_not_judged_s: float = 0.0  # tracked seconds in a view where form is not judged
    attempts: list[Attempt] = field(default_factory=list)  # plank attempts


class ExerciseTracker:
    """Base class: subclasses implement :meth:`judge` and :meth:`frame_faults`.

    Subclasses are registered by ``@register_tracker(kind)`` in ``tracking.registry``.
    """

    continuous_faults: tuple[FaultCode, ...] = ()
    key_angles: tuple[str, ...] = ()  # what an overlay shows; the report keeps every measure
    required: tuple[str, ...] = ("shoulder", "hip", "knee", "ankle")  # near-side joints needed
    counts_from_front = False  # True: a front view still counts (form is not judged)
    # Joints that help but are not needed, and what is not judged without them (said in the
    # report when they were missing on most tracked frames, e.g. a 17-point landmark table).
    optional: dict[str, str] = {}
    # Rep-based exercises: a continuous fault seen only outside any counted rep (getting into
    # position, a movement that turned out not to be a rep) is not reported.  Stop rules are
    # always kept.
    faults_within_reps = False

    def __init__(self, spec: ExerciseSpec, *, target_hold_s: float | None = None,
                 thresholds: EngineThresholds | None = None) -> None:
        """Create a tracker for ``spec``; ``target_hold_s`` overrides the file's hold target."""
        self.spec = spec
        self.th = thresholds or engine_thresholds()
        timing = spec.timing
        self.target_hold_s = target_hold_s
        self.smoother = LandmarkSmoother.from_thresholds(self.th.signals)
        self._seen = np.zeros(N_LANDMARKS, dtype=bool)  # landmarks let through last frame
        self.side = Side.LEFT
        self.cues = CueLimiter(timing.cue_cooldown_s)
        self.hold = HoldTimer(timing.hold_grace_s)
        self.debouncers = {
            code: Debouncer(code, spec.fault(code).message, timing.fault_min_s,
                            timing.fault_release_s)
            for code in self.continuous_faults
        }
        self.result = TrackerResult()
        self.rep_count = 0
        self.reps_by_side = {"left": 0, "right": 0}
        self.phase = Phase.SETUP
        self.mask: np.ndarray | None = None
        self.form_judged = True
        self._untracked_since: float | None = None
        self._nobody_seen = False  # the untracked run under way had a frame with nobody seen
        self._last_tracked_s: float | None = None
        self._prev_trunk: FloatArray | None = None
        self._prev_frame_t_s: float | None = None
        self._rep_hold_closed_s = 0.0
        self._posture_wrong_since: float | None = None
        self._view = "side"  # the view believed (a new one must last switch_after_s)
        self._view_candidate: tuple[str, float] | None = None
        self._tracked_frames = 0
        self._optional_missing = dict.fromkeys(self.optional, 0)

    # -- to implement -------------------------------------------------------------------
    def judge(self, feats: Features, frame_faults: set[str], t_s: float) -> Judgement:
        """Judge one tracked frame; ``frame_faults`` is this frame's own fault judgement."""
        raise NotImplementedError

    def frame_faults(self, feats: Features) -> set[str]:
        """Faults that this frame's geometry shows on its own (no history, any phase)."""
        return set()

    def abandon_rep(self) -> None:
        """Forget the rep under way (after a long tracking loss)."""

    def on_cut(self) -> None:
        """Hook: the camera cut to a new framing (windows over image positions restart)."""

    def notes(self) -> list[str]:
        """Limitations of this analysis to tell the user (e.g. a rule not judged)."""
        return []

    def missing_joint_notes(self) -> list[str]:
        """What was not judged because optional joints were missing on most frames."""
        n = self._tracked_frames
        return [self.optional[j] for j, missing in self._optional_missing.items()
                if n and missing > n / 2]

    def adjust_hold(self, hold: HoldEvent) -> HoldEvent:
        """Hook: correct a closed hold interval before it is recorded."""
        return hold

    def finish_open(self, t_s: float) -> Judgement | None:
        """At the end of the input, return a judgement completing a rep that counts anyway."""
        return None

    # -- setup checks ---------------------------------------------------------------------
    def setup_problem(self, feats: Features, t_s: float) -> str | None:
        """Return why this frame cannot be counted, or None."""
        missing = feats.missing(self.required)
        if missing:
            joints = ", ".join(j.replace("_", " ") for j in missing)
            return f"I can't see your {joints}. Move so your whole body is in the frame."
        if feats.view == "front" and not self.counts_from_front:
            return "Turn side-on to the camera so I can see your body from the side."
        return self._posture_problem(feats, t_s)

    def _posture_problem(self, feats: Features, t_s: float) -> str | None:
        if feats.posture in (self.spec.posture, "unknown") or self.phase in _MOVING:
            self._posture_wrong_since = None
            return None
        if self._posture_wrong_since is None:
            self._posture_wrong_since = t_s
        if t_s - self._posture_wrong_since < self.th.posture.mismatch_after_s:
            return None
        return _POSTURE_HINTS[self.spec.posture]

    # -- the pipeline ---------------------------------------------------------------------
    def update(self, frame: PoseFrame) -> FrameState:
        """Process one frame and return the state after it."""
        t_s = frame.t_s
        self.result.frames += 1
        gap = (t_s - self._prev_frame_t_s) if self._prev_frame_t_s is not None else 0.0
        self._prev_frame_t_s = t_s
        self.mask = frame.mask
        gated = gate_by_visibility(frame.landmarks, self.spec.timing.min_visibility,
                                   self.th.signals.outside_margin, self._seen,
                                   self.th.signals.keep_visibility)
        self._seen = np.isfinite(gated[:, 0])
        self._detect_cut(gated)
        xy = self.smoother.update(gated[:, :2], t_s)
        smoothed = gated.copy()
        smoothed[:, :2] = xy
        feats = compute_features(smoothed, frame.landmarks, frame.width, frame.height,
                                 self.side, self.th)
        self.side = feats.side
        feats.view = self._stable_view(feats.view, t_s)
        if gap > self.spec.timing.max_frame_gap_s:
            self._lose_rep(t_s)  # the stream jumped: what happened in between is unknown
        if not feats.detected:
            return self._untracked(t_s, Tracking.LOST, LOST_MESSAGE, feats, set())
        self.result.detected_frames += 1
        faults = self.frame_faults(feats) if feats.view == "side" else set()
        problem = self.setup_problem(feats, t_s)
        if problem is not None:
            return self._untracked(t_s, Tracking.SETUP, problem, feats, faults)
        return self._tracked(t_s, feats, faults, gap)

    def _stable_view(self, view: str, t_s: float) -> str:
        """The view with hysteresis: one frame read as oblique does not change it."""
        if view == self._view:
            self._view_candidate = None
        elif self._view_candidate is None or self._view_candidate[0] != view:
            self._view_candidate = (view, t_s)
        elif t_s - self._view_candidate[1] >= self.th.view.switch_after_s:
            self._view, self._view_candidate = view, None
        return self._view

    def _detect_cut(self, gated: FloatArray) -> None:
        trunk = gated[_TRUNK, :2]
        seen = np.isfinite(trunk[:, 0])
        if not seen.any():
            return  # compare the next trunk seen with the last one (a cut often drops a frame)
        if self._prev_trunk is not None:
            both = seen & np.isfinite(self._prev_trunk[:, 0])
            torso = _torso_norm(trunk)
            if both.any() and torso > 0:
                jump = float(np.abs(trunk[both] - self._prev_trunk[both]).mean()) / torso
                if jump > self.th.signals.cut_jump:
                    self.smoother.reset()
                    self._seen[:] = False  # a new view: each joint must be seen clearly again
                    self.on_cut()
        self._prev_trunk = trunk

    def _lose_rep(self, t_s: float) -> None:
        self._end_open_rep()
        self._close_intervals()
        self.abandon_rep()
        self.phase = Phase.SETUP

    def _untracked(self, t_s: float, tracking: Tracking, problem: str, f: Features,
                   frame_faults: set[str]) -> FrameState:
        if self._untracked_since is None:
            self._untracked_since = t_s
            self._nobody_seen = False
            self.result.untracked.append([t_s, t_s])
        else:
            self.result.untracked[-1][1] = t_s
        self._nobody_seen |= tracking is Tracking.LOST
        if tracking is Tracking.SETUP:
            self.result.setup_problems[problem] = self.result.setup_problems.get(problem, 0) + 1
        hold_event = self.hold.update(False, t_s)  # a frame not seen is not a good one
        if hold_event is not None:
            hold_event = self._record_hold(hold_event)
        timing = self.spec.timing
        after = timing.lost_after_s if self._nobody_seen or timing.occluded_after_s is None \
            else timing.occluded_after_s
        if t_s - self._untracked_since >= after:
            self._lose_rep(t_s)
        state = self._state(t_s, Phase.UNTRACKED, tracking, problem, f,
                            Judgement(Phase.UNTRACKED), frame_faults)
        return replace(state, hold=hold_event) if hold_event is not None else state

    def _close_intervals(self) -> None:
        hold = self.hold.close()
        if hold is not None:
            self._record_hold(hold)
        for deb in self.debouncers.values():
            event = deb.close()
            if event is not None:
                self.result.faults.append(event)

    def _record_hold(self, hold: HoldEvent) -> HoldEvent:
        hold = self.adjust_hold(hold)
        self.result.holds.append(hold)
        self._rep_hold_closed_s += hold.duration_s
        return hold

    def _tracked(self, t_s: float, feats: Features, frame_faults: set[str],
                 gap_s: float) -> FrameState:
        self._untracked_since = None
        self._last_tracked_s = t_s
        self._tracked_frames += 1
        for joint in self._optional_missing:
            self._optional_missing[joint] += joint not in feats.visible
        self.result.side_votes[feats.side] += 1
        self.form_judged = feats.view == "side"
        if not self.form_judged and 0 < gap_s <= self.spec.timing.max_frame_gap_s:
            self.result.form_not_judged_s += gap_s
        judgement = self.judge(feats, frame_faults if self.form_judged else set(), t_s)
        self.phase = judgement.phase
        cue, stop = self._debounce(judgement, t_s)
        hold_event = self.hold.update(judgement.hold_good, t_s)
        if hold_event is not None:
            hold_event = self._record_hold(hold_event)
        if judgement.rep is not None:
            cue = self._record_rep(judgement) or cue
        state = self._state(t_s, judgement.phase, Tracking.OK, None, feats, judgement,
                            frame_faults)
        return replace(state, cue=cue, hold=hold_event, stop=stop)

    def _debounce(self, judgement: Judgement, t_s: float) -> tuple[str | None, StopEvent | None]:
        cue = stop = None
        for code, deb in self.debouncers.items():
            was_active = deb.active
            event = deb.update(code in judgement.faults, t_s)
            if event is not None:
                self.result.faults.append(event)
            if deb.active and not was_active:
                rule = self.spec.fault(code)
                cue = self.cues.offer(rule.cue, t_s, urgent=rule.stops_set) or cue
                if rule.stops_set and self.result.stop is None:
                    stop = StopEvent(code, deb.first_true_s or t_s, rule.message)
                    self.result.stop = stop
        return cue, stop

    def _record_rep(self, judgement: Judgement) -> str | None:
        rep = judgement.rep
        assert rep is not None
        self.rep_count += 1
        if rep.side is not None:
            self.reps_by_side[rep.side] += 1
        self.result.reps.append(rep)
        for code in judgement.rep_faults:
            self.result.faults.append(
                FaultEvent(code, rep.start_s, rep.end_s, self.spec.fault(code).message)
            )
        if judgement.rep_faults:
            return self.cues.offer(self.spec.fault(judgement.rep_faults[0]).cue, rep.end_s)
        return None

    def current_hold_s(self) -> float:
        """Good-form seconds held in the current rep or plank attempt."""
        return self._rep_hold_closed_s + self.hold.current_s()

    def reset_rep_hold(self) -> None:
        """Start counting hold seconds for a new rep."""
        self._rep_hold_closed_s = 0.0

    def hold_short(self, hold_s: float) -> bool:
        """True when ``hold_s`` falls short of the target by more than measurement error."""
        target = self.effective_target_hold_s
        return target is not None and hold_s < target - self.th.holds.tolerance_s

    def _state(
        self, t_s: float, phase: Phase, tracking: Tracking, problem: str | None,
        feats: Features, judgement: Judgement, frame_faults: set[str],
    ) -> FrameState:
        active = tuple(code for code, deb in self.debouncers.items() if deb.active)
        return FrameState(
            t_s=t_s, phase=phase, tracking=tracking, setup_problem=problem,
            reps=self.rep_count, reps_by_side=dict(self.reps_by_side),
            hold_s=round(self.current_hold_s(), 3), target_hold_s=self.effective_target_hold_s,
            faults=active, cue=None,
            angles={str(k): round(v, 1 if k.endswith("_deg") else 3)
                    for k, v in feats.angles.items() if math.isfinite(v)},
            rep=judgement.rep, frame_faults=tuple(sorted(frame_faults)),
            key_angles=self.key_angles,
        )

    @property
    def effective_target_hold_s(self) -> float | None:
        """The hold target in force (override, else the exercise file's)."""
        if self.target_hold_s is not None:
            return self.target_hold_s
        return getattr(self.spec.criteria, "target_hold_s", None)

    def finish(self) -> TrackerResult:
        """Close every open interval at the end of the input and return the result."""
        self._end_open_rep()
        self._close_intervals()
        if self.faults_within_reps:
            self.result.faults = [f for f in self.result.faults if self._inside_a_rep(f)]
        return self.result

    def _inside_a_rep(self, fault: FaultEvent) -> bool:
        if self.spec.fault(fault.code).stops_set:
            return True
        end = fault.end_s if fault.end_s is not None else fault.start_s
        slack = self.spec.timing.fault_min_s + self.spec.timing.fault_release_s
        return any(rep.start_s - slack <= end and fault.start_s <= rep.end_s + slack
                   for rep in self.result.reps)

    def _end_open_rep(self) -> None:
        if self._last_tracked_s is None:
            return
        judgement = self.finish_open(self._last_tracked_s)
        if judgement is not None and judgement.rep is not None:
            self._record_rep(judgement)


def _torso_norm(trunk: FloatArray) -> float:
    """Shoulder-to-hip distance (normalised image units) of whichever side is seen."""
    lengths = [float(np.hypot(*(trunk[i] - trunk[i + 2]))) for i in (0, 1)]
    finite = [x for x in lengths if math.isfinite(x)]
    return max(finite) if finite else math.nan


def vote_side(votes: list[int], previous: str | None, share: float) -> str:
    """Return the side of a hip-hinge rep from per-frame votes, with an alternation check."""
    left, right = votes
    total = left + right
    if total and max(left, right) / total >= share:
        return "left" if left > right else "right"
    if previous is not None:
        return "right" if previous == "left" else "left"
    return "left" if left >= right else "right"
