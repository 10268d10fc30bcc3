"""Charts for the history report, drawn with matplotlib's Agg canvas (no display needed).

Figures are built with :class:`matplotlib.figure.Figure` directly (never ``pyplot``), so no
global backend or figure state is touched and nothing happens at import time.  Each chart
function takes a :class:`~spinecoach.reports.summary.HistorySummary` and returns a figure;
:func:`to_png` and :func:`to_svg` turn a figure into bytes / markup.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from spinecoach.reports.summary import HistorySummary
from spinecoach.reports.symptoms import ShiftKind

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


def _date_axis(ax: Any, start: datetime, end: datetime) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(maxticks=6)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    formatter = ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(formatter)
    ax.set_xlim(start, end)


def _period(summary: HistorySummary) -> tuple[datetime, datetime]:
    start = datetime.combine(summary.start, datetime.min.time())
    return start, datetime.combine(summary.end, datetime.min.time()) + timedelta(days=1)


def pain_chart(summary: HistorySummary) -> Any:
    """Back and leg pain (0-10) at each check-in, with leg-symptom shifts marked."""
    figure, (ax,) = _figure(3.6, 2.2)
    _style(ax, "Pain (0-10) at check-ins")
    times = [summary.local(c.taken_at) for c in summary.checkins]
    ax.plot(times, [c.back_pain for c in summary.checkins], "o-", color=_BACK, ms=3,
            lw=1.2, label="back")
    ax.plot(times, [c.leg_pain for c in summary.checkins], "s-", color=_LEG, ms=3,
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


def trends_chart(summary: HistorySummary) -> Any:
    """One small panel per exercise: its value per session over the period."""
    trends = list(summary.trends.values())
    figure, axes = _figure(7.4, 1.9, ncols=max(1, len(trends)))
    for ax, trend in zip(axes, trends, strict=False):
        _style(ax, f"{trend.short_label} ({trend.unit})")
        if trend.points:
            ax.plot([summary.local(p.at) for p in trend.points],
                    [p.value for p in trend.points], "o-", ms=3, lw=1.2, color=_BACK)
        else:
            ax.text(0.5, 0.5, "no sessions", ha="center", va="center", fontsize=7,
                    transform=ax.transAxes, color="#777777")
        if trend.unit == "%":
            ax.set_ylim(0, 105)
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
