"""The one-page clinician report as PDF (reportlab), with the same charts and sentences as HTML.

Fonts: DejaVu Sans from matplotlib's own data (so any name prints, not only Latin-1),
registered on first use.  Everything is placed in one frame that shrinks to fit, so the report
is always exactly one A4 page.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from spinecoach.errors import InputError
from spinecoach.files import write_private
from spinecoach.reports import charts
from spinecoach.reports.html import report_context
from spinecoach.reports.summary import HistorySummary

FONT = "SpinecoachSans"
FONT_BOLD = "SpinecoachSans-Bold"
_PAGE_MARGIN_PT = 36.0


def _register_fonts() -> tuple[str, str]:
    from matplotlib import get_data_path
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT, FONT_BOLD
    folder = Path(get_data_path()) / "fonts" / "ttf"
    try:
        pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    except OSError:  # pragma: no cover - matplotlib always ships DejaVu
        return "Helvetica", "Helvetica-Bold"
    return FONT, FONT_BOLD


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = _register_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=8.5, leading=11)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=15, leading=19),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=10, leading=13,
                             spaceBefore=5, spaceAfter=2),
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=7.5, textColor="#555555"),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5),
        "disclaimer": ParagraphStyle("disclaimer", parent=base, fontName=bold, borderWidth=1,
                                     borderColor="#bb0000", borderPadding=5, spaceBefore=8),
    }


def _table(rows: list[list[str]], widths: list[float], st: dict[str, Any]) -> Any:
    from reportlab.platypus import Paragraph, Table, TableStyle

    cells = [[Paragraph(escape(str(c)), st["cell"]) for c in row] for row in rows]
    table = Table(cells, colWidths=widths)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, "#dddddd"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def _image(figure: Any, width_pt: float) -> Any:
    from reportlab.platypus import Image

    width_in, height_in = figure.get_size_inches()
    png = io.BytesIO(charts.to_png(figure, dpi=200))
    return Image(png, width=width_pt, height=width_pt * height_in / width_in)


def _story(summary: HistorySummary, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Table

    st = _styles()
    ctx = report_context(summary)
    key_rows = [["Adherence", ctx["adherence"]], ["Back pain", ctx["back"]],
                ["Leg pain", ctx["leg"]], ["Leg symptoms", ctx["shifts"]],
                ["Screening", ctx["screening"]]]
    exercise_rows = [["Exercise", "Measure", "First", "Latest", "Sessions", "Current dose"]]
    exercise_rows += [[r["exercise"], r["label"], r["first"], r["last"], str(r["n"]), r["dose"]]
                      for r in ctx["exercises"]]
    half = width / 2 - 4
    story: list[Any] = [
        Paragraph("spinecoach: home exercise report", st["title"]),
        Paragraph(escape(ctx["header"]), st["body"]),
        _table(key_rows, [width * 0.18, width * 0.82], st),
        Paragraph(escape(ctx["threshold"]), st["note"]),
        Table([[_image(charts.pain_chart(summary), half),
                _image(charts.adherence_chart(summary), half)]], colWidths=[half + 4] * 2),
        Paragraph("Exercises", st["h2"]),
        _table(exercise_rows, [w * width for w in (0.18, 0.32, 0.1, 0.1, 0.1, 0.2)], st),
    ]
    trends = charts.trends_chart(summary)
    story.append(_image(trends, width) if trends is not None else Paragraph(
        "No exercise sessions yet in this period.", st["note"]))
    for title, rows in (("Stops", ctx["stops"]), ("Programme changes", ctx["changes"])):
        if rows:
            story.append(Paragraph(title, st["h2"]))
            widths = [width * f for f in (0.15, 0.2, 0.65)]
            story.append(_table([list(r) for r in rows], widths, st))
    story.append(Paragraph(escape(summary.disclaimer), st["disclaimer"]))
    return story


def render_pdf(summary: HistorySummary) -> bytes:
    """Render the one-page report as PDF bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import KeepInFrame, SimpleDocTemplate

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=_PAGE_MARGIN_PT, rightMargin=_PAGE_MARGIN_PT,
        topMargin=_PAGE_MARGIN_PT, bottomMargin=_PAGE_MARGIN_PT,
        title=f"spinecoach report: {summary.user_name}", author="spinecoach",
    )
    width, height = document.width, document.height
    frame = KeepInFrame(width, height - 6, _story(summary, width), mode="shrink")
    document.build([frame])
    return buffer.getvalue()


def write_pdf(summary: HistorySummary, out: Path) -> None:
    """Write the PDF report to ``out``."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_private(out, render_pdf(summary))
    except OSError as exc:
        raise InputError(f"cannot write the report to {out}: {exc}") from exc
