"""The one-page clinician report as self-contained, printable HTML (charts as inline SVG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spinecoach.errors import InputError
from spinecoach.files import write_private
from spinecoach.reports import charts
from spinecoach.reports.summary import HistorySummary
from spinecoach.reports.text import (
    THRESHOLD_NOTE,
    describe_adherence,
    describe_pain_change,
    describe_shifts,
    plain_date,
)

MAX_LISTED = 6  # stops and programme changes listed (most recent first)

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>spinecoach report: {{ s.user_name }}</title>
<style>
@page { size: A4; margin: 12mm; }
body { font: 10pt/1.35 "DejaVu Sans", Arial, sans-serif; color: #222; max-width: 190mm;
       margin: 0 auto; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 11pt; margin: 4mm 0 1mm; }
.meta { color: #555; margin: 0 0 3mm; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
td, th { border-bottom: 1px solid #ddd; padding: 1mm 2mm; text-align: left;
         vertical-align: top; }
.charts { display: flex; gap: 3mm; } .charts svg { width: 100%; height: auto; }
.chart { flex: 1; } .wide svg { width: 100%; height: auto; }
.disclaimer { border: 1px solid #b00; padding: 2mm 3mm; margin-top: 4mm; font-weight: bold; }
.note { color: #555; font-size: 8.5pt; }
@media print { .charts, table, .disclaimer { break-inside: avoid; } }
</style></head>
<body>
<h1>spinecoach: home exercise report</h1>
<p class="meta">{{ header }}</p>
<table>
<tr><th>Adherence</th><td>{{ adherence }}</td></tr>
<tr><th>Back pain</th><td>{{ back }}</td></tr>
<tr><th>Leg pain</th><td>{{ leg }}</td></tr>
<tr><th>Leg symptoms</th><td>{{ shifts }}</td></tr>
<tr><th>Screening</th><td>{{ screening }}</td></tr>
</table>
<p class="note">{{ threshold }}</p>
<div class="charts"><div class="chart">{{ pain_svg }}</div>
<div class="chart">{{ adherence_svg }}</div></div>
<h2>Exercises</h2>
<table><tr><th>Exercise</th><th>Measure</th><th>First</th><th>Latest</th><th>Sessions</th>
<th>Current dose</th></tr>
{% for row in exercises %}<tr><td>{{ row.exercise }}</td><td>{{ row.label }}</td>
<td>{{ row.first }}</td><td>{{ row.last }}</td><td>{{ row.n }}</td><td>{{ row.dose }}</td></tr>
{% endfor %}</table>
<div class="wide">{{ trends_svg }}</div>
{% if stops %}<h2>Stops ({{ s.stops|length }})</h2><table>
{% for at, exercise, message in stops %}<tr><td>{{ at }}</td><td>{{ exercise }}</td>
<td>{{ message }}</td></tr>{% endfor %}</table>{% endif %}
{% if changes %}<h2>Programme changes</h2><table>
{% for at, exercise, reason in changes %}<tr><td>{{ at }}</td><td>{{ exercise }}</td>
<td>{{ reason }}</td></tr>{% endfor %}</table>{% endif %}
<p class="disclaimer">{{ s.disclaimer }}</p>
</body></html>
"""


def _value(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{value:.1f} {unit}"


def report_header(summary: HistorySummary, generated: str) -> str:
    """The line under the title: who, for whom, which period, when it was made."""
    parts = [f"Patient: {summary.user_name}"]
    if summary.clinician:
        parts.append(f"For: {summary.clinician}")
    parts.append(f"Period: {plain_date(summary.start)} to {plain_date(summary.end)}")
    parts.append(f"Made on {generated}")
    return " \u00b7 ".join(parts)


def report_context(summary: HistorySummary) -> dict[str, Any]:
    """The values the HTML and PDF reports show (charts excluded)."""
    doses = {d.exercise_id: d.dose for d in summary.doses}
    latest = summary.latest_screening
    moment = summary.local(summary.generated_at)
    generated = f"{plain_date(moment)}, {moment:%H:%M}"
    return {
        "s": summary,
        "generated": generated,
        "header": report_header(summary, generated),
        "adherence": describe_adherence(summary),
        "back": describe_pain_change(summary.back_pain, "back"),
        "leg": describe_pain_change(summary.leg_pain, "leg"),
        "shifts": describe_shifts(summary),
        "screening": "none recorded"
        if latest is None
        else f"{latest[1]} on {plain_date(summary.local(latest[0]))}",
        "threshold": THRESHOLD_NOTE,
        "exercises": [
            {
                "exercise": summary.name(key),
                "label": t.label,
                "first": _value(t.first, t.unit),
                "last": _value(t.last, t.unit),
                "n": len(t.points),
                "dose": doses.get(key, "-"),
            }
            for key, t in summary.trends.items()
        ],
        "stops": [
            (f"{plain_date(summary.local(s.at))} {summary.local(s.at):%H:%M}",
             summary.name(s.exercise_id) if s.exercise_id else "Whole session", s.message)
            for s in reversed(summary.stops[-MAX_LISTED:])
        ],
        "changes": [
            (plain_date(summary.local(at)), summary.name(exercise), reason)
            for at, exercise, reason in reversed(summary.programme_changes[-MAX_LISTED:])
        ],
    }


def render_html(summary: HistorySummary) -> str:
    """Render the report as one self-contained HTML document."""
    from jinja2 import Environment
    from markupsafe import Markup

    environment = Environment(autoescape=True)
    context = report_context(summary)
    context["pain_svg"] = Markup(charts.to_svg(charts.pain_chart(summary)))
    context["adherence_svg"] = Markup(charts.to_svg(charts.adherence_chart(summary)))
    trends = charts.trends_chart(summary)
    context["trends_svg"] = Markup(charts.to_svg(trends)) if trends is not None else Markup(
        '<p class="note">No exercise sessions yet in this period.</p>')
    return environment.from_string(_TEMPLATE).render(**context)


def write_html(summary: HistorySummary, out: Path) -> None:
    """Write the HTML report to ``out``."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_private(out, render_html(summary))
    except OSError as exc:
        raise InputError(f"cannot write the report to {out}: {exc}") from exc
