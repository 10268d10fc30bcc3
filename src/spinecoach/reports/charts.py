"""Charts for the history report, drawn with matplotlib's Agg canvas (no display needed).

Figures are built with :class:`matplotlib.figure.Figure` directly (never ``pyplot``), so no
global backend or figure state is touched and nothing happens at import time.  Each chart
function takes a :class:`~spinecoach.reports.summary.HistorySummary` and returns a figure;
:func:`to_png` and :func:`to_svg` turn a figure into bytes / markup.  A chart with nothing to
draw says so in words ("No check-ins yet") instead of drawing empty axes; dates are written
plainly (``1 Dec``), one tick per day at most, never with an offset label.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from spinecoach.reports.summary import HistorySummary
from spinecoach.reports.symptoms import ShiftKind, trend_checkins

_BACK = "#1f77b4"
_LEG = "#d62728"
_DONE = "#2ca02c"
_PLANNED = "#c7c7c7"


def _figure(width_in: float, height_in: float, ncols: int = 1) -> tuple[Any, list[Any]]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), layout="constrained")
    axes = figure.subplots(1, ncols, squeeze=False)[0]
    return figure, list(axes)


def _style(ax: Any, title: str) -> None:
    ax.set_title(title, fontsize=9, loc="left")
    ax.tick_params(labelsize=7)
    ax.grid(True, axis="y", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


MAX_DATE_TICKS = 6


def _date_axis(ax: Any, start: datetime, end: datetime) -> None:
    """Each day is one slot from midnight to midnight, labelled at its middle (``1 Dec``),
    at most :data:`MAX_DATE_TICKS` labels, never an offset label."""
    days = (end - start).days + 1
    step = max(1, -(-days // MAX_DATE_TICKS))
    noons = [start + timedelta(days=i, hours=12) for i in range(0, days, step)]
    ax.set_xticks(noons, [f"{d.day} {d:%b}" for d in noons])
    ax.set_xlim(start, end + timedelta(days=1))


def _period(summary: HistorySummary) -> tuple[datetime, datetime]:
    start = datetime.combine(summary.start, datetime.min.time())
    return start, datetime.combine(summary.end, datetime.min.time())


def _empty(width_in: float, height_in: float, title: str, text: str) -> Any:
    """A figure that says in words that there is nothing to draw yet (no axes)."""
    figure, (ax,) = _figure(width_in, height_in)
    ax.set_axis_off()
    ax.set_title(title, fontsize=9, loc="left")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=8, color="#555555",
            transform=ax.transAxes)
    return figure


def pain_chart(summary: HistorySummary) -> Any:
    """Back and leg pain (0-10) at each check-in, with leg-symptom shifts marked."""
    checkins = trend_checkins(summary.checkins)  # before and after sessions, as the trend
    if not checkins:
        return _empty(3.6, 2.2, "Pain (0-10) at check-ins", "No check-ins yet")
    figure, (ax,) = _figure(3.6, 2.2)
    _style(ax, "Pain (0-10) at check-ins")
    times = [summary.local(c.taken_at) for c in checkins]
    ax.plot(times, [c.back_pain for c in checkins], "o-", color=_BACK, ms=3,
            lw=1.2, label="back")
    ax.plot(times, [c.leg_pain for c in checkins], "s-", color=_LEG, ms=3,
            lw=1.2, label="leg")
    for kind, marker, colour in (
        (ShiftKind.CENTRALISATION, "^", _DONE),
        (ShiftKind.PERIPHERALISATION, "v", _LEG),
    ):
        times = [summary.local(s.at) for s in summary.shifts if s.kind is kind]
        if times:
            ax.plot(times, [10.3] * len(times), marker, color=colour, ms=5, ls="none",
                    label=kind.value)
    ax.set_ylim(0, 10.8)
    ax.set_yticks(range(0, 11, 2))
    _date_axis(ax, *_period(summary))
    ax.legend(fontsize=6, loc="best", frameon=False, ncols=2)
    return figure


def adherence_chart(summary: HistorySummary) -> Any:
    """Exercise days done against days planned, per week."""
    figure, (ax,) = _figure(3.6, 2.2)
    _style(ax, "Exercise days per week: done / planned")
    labels = [w.week_start.strftime("%d %b") for w in summary.weeks]
    positions = list(range(len(labels)))
    ax.bar(positions, [w.planned for w in summary.weeks], color=_PLANNED, width=0.7,
           label="planned")
    ax.bar(positions, [w.done for w in summary.weeks], color=_DONE, width=0.45, label="done")
    ax.set_xticks(positions, labels, rotation=0)
    ax.set_ylim(0, 7.5)
    ax.legend(fontsize=7, loc="upper right", frameon=False, ncols=2)
    return figure


def trends_chart(summary: HistorySummary) -> Any | None:
    """One small panel per exercise done in the period; None when none was done."""
    trends = [t for t in summary.trends.values() if t.points]
    if not trends:
        return None
    figure, axes = _figure(7.4, 1.9, ncols=max(2, len(trends)))
    for ax in axes[len(trends):]:
        ax.set_axis_off()
    for ax, trend in zip(axes, trends, strict=False):
        _style(ax, f"{trend.short_label} ({trend.unit})")
        ax.plot([summary.local(p.at) for p in trend.points],
                [p.value for p in trend.points], "o-", ms=3, lw=1.2, color=_BACK)
        top = max(p.value for p in trend.points)
        ax.set_ylim(0, 105 if trend.unit == "%" else max(1.0, top * 1.25))
        _date_axis(ax, *_period(summary))
    return figure


def to_png(figure: Any, dpi: int = 150) -> bytes:
    """Render a figure as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def to_svg(figure: Any) -> str:
    """Render a figure as inline SVG markup (text kept as text, no XML prologue)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(figure)
    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "spinecoach"}):
        figure.savefig(buffer, format="svg")
    markup = buffer.getvalue()
    return markup[markup.index("<svg") :]
