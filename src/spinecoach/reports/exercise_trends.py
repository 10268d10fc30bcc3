"""Per-exercise numbers over time, one value per session.

=============== ============================================================== ====
exercise        value per session                                              unit
=============== ============================================================== ====
``plank``       the best good-form hold (timed only while the body line held)  s
``bridge``      share of reps that reached a 3 s good-form hold at the top     %
``ball-squat``  mean thigh angle above horizontal at the bottom (lower =       deg
                deeper; the article's target is just shy of horizontal)
``hip-hinge``   share of heel taps done in good form (lower back kept still)   %
=============== ============================================================== ====

Each metric is a pure function of one session's sets, repetitions and holds, registered with
:func:`trend_metric`; a session without the data for a metric gives no point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from spinecoach.domain.thresholds import engine_thresholds
from spinecoach.reports.adherence import done_sessions
from spinecoach.reports.data import HistoryData
from spinecoach.session.records import HoldRecord, RepetitionRecord, SetRecord

BRIDGE_TARGET_HOLD_S = 3.0
# One tolerance everywhere: a hold the engine does not flag as too short reached its target.
HOLD_TOLERANCE_S = engine_thresholds().holds.tolerance_s
SQUAT_DEPTH_METRIC = "thigh_deg_at_peak"


@dataclass(frozen=True)
class SessionSets:
    """One session's sets of one exercise with their repetitions and holds."""

    sets: Sequence[SetRecord]
    reps: Sequence[RepetitionRecord]
    holds: Sequence[HoldRecord]


MetricFn = Callable[[SessionSets], float | None]


@dataclass(frozen=True)
class TrendMetric:
    """How one exercise is summarised per session."""

    exercise_id: str
    label: str
    """What is measured, without the exercise's name (shown beside it, or after it)."""
    short_label: str
    unit: str
    compute: MetricFn


_METRICS: dict[str, TrendMetric] = {}


def trend_metric(
    exercise_id: str, label: str, short_label: str, unit: str
) -> Callable[[MetricFn], MetricFn]:
    """Register ``fn`` as the per-session trend value of ``exercise_id``."""

    def register(fn: MetricFn) -> MetricFn:
        _METRICS[exercise_id] = TrendMetric(exercise_id, label, short_label, unit, fn)
        return fn

    return register


def trend_metrics() -> dict[str, TrendMetric]:
    """The registered metrics by exercise id."""
    return dict(_METRICS)


@trend_metric("plank", "best good-form hold", "Planks: best hold", "s")
def plank_best_hold_s(data: SessionSets) -> float | None:
    """The longest good-form hold (tracked holds, else reps, else the typed-in hold)."""
    if data.holds:
        return max(h.good_form_s for h in data.holds)
    if data.reps:
        return max(r.hold_s for r in data.reps)
    typed = [s.hold_done_s for s in data.sets if s.hold_done_s is not None]
    return max(typed) if typed else None


@trend_metric("bridge", "reps reaching a 3 s good-form hold", "Bridges: 3 s holds", "%")
def bridge_hold_quality_pct(data: SessionSets) -> float | None:
    """Percent of bridge reps whose good-form hold reached 3 s."""
    if not data.reps:
        return None
    reached = sum(1 for r in data.reps if r.hold_s >= BRIDGE_TARGET_HOLD_S - HOLD_TOLERANCE_S)
    return 100.0 * reached / len(data.reps)


@trend_metric(
    "ball-squat", "thigh angle at the bottom (lower = deeper)", "Ball squats: depth", "deg"
)
def squat_depth_deg(data: SessionSets) -> float | None:
    """Mean thigh elevation above horizontal at the bottom of the squats."""
    values = [r.metrics[SQUAT_DEPTH_METRIC] for r in data.reps if SQUAT_DEPTH_METRIC in r.metrics]
    return sum(values) / len(values) if values else None


@trend_metric("hip-hinge", "reps in good form (control)", "Heel taps: control", "%")
def heel_tap_control_pct(data: SessionSets) -> float | None:
    """Percent of heel taps done in good form."""
    if not data.reps:
        return None
    return 100.0 * sum(1 for r in data.reps if r.good_form) / len(data.reps)


@dataclass(frozen=True)
class TrendPoint:
    """One session's value."""

    at: datetime
    session_id: int
    value: float


@dataclass(frozen=True)
class ExerciseTrend:
    """One exercise's values over the period."""

    exercise_id: str
    label: str
    short_label: str
    unit: str
    points: list[TrendPoint]

    @property
    def first(self) -> float | None:
        """The first value, or None."""
        return self.points[0].value if self.points else None

    @property
    def last(self) -> float | None:
        """The latest value, or None."""
        return self.points[-1].value if self.points else None


def exercise_trends(data: HistoryData) -> dict[str, ExerciseTrend]:
    """Every registered exercise's trend over the done sessions of ``data``."""
    sets_by_session = data.sets_by_session()
    reps_by_set = data.reps_by_set()
    holds_by_set = data.holds_by_set()
    trends = {
        key: ExerciseTrend(key, metric.label, metric.short_label, metric.unit, [])
        for key, metric in sorted(_METRICS.items())
    }
    for session in done_sessions(data.sessions):
        if session.id is None:
            continue
        for exercise_id, trend in trends.items():
            sets = [s for s in sets_by_session.get(session.id, []) if s.exercise_id == exercise_id]
            if not sets:
                continue
            ids = [s.id for s in sets if s.id is not None]
            bundle = SessionSets(
                sets=sets,
                reps=[r for i in ids for r in reps_by_set.get(i, [])],
                holds=[h for i in ids for h in holds_by_set.get(i, [])],
            )
            value = _METRICS[exercise_id].compute(bundle)
            if value is not None:
                trend.points.append(TrendPoint(session.started_at, session.id, value))
    return trends
