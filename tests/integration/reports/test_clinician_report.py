"""The one-page clinician report, rendered for real: PDF text read back with pdftotext, HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from spinecoach.reports.data import load_history
from spinecoach.reports.html import write_html
from spinecoach.reports.pdf import write_pdf
from spinecoach.reports.sample import build_sample_history
from spinecoach.reports.summary import HistorySummary, summarise
from spinecoach.session.in_memory import InMemoryRepository

FIRST_DAY = date(2026, 10, 26)
LAST_DAY = date(2026, 11, 22)


def _summary(name: str) -> HistorySummary:
    repo = InMemoryRepository()
    user = build_sample_history(repo, name=name, first_day=FIRST_DAY)
    return summarise(load_history(repo, user), start=FIRST_DAY, end=LAST_DAY,
                     now=datetime(2026, 11, 23, 9, tzinfo=UTC), tz=UTC)


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout


def test_the_pdf_is_one_page_with_the_names_numbers_and_disclaimer(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    write_pdf(_summary("Zoë Ødegård"), out)
    assert out.read_bytes().startswith(b"%PDF")
    text = _pdf_text(out)
    flat = " ".join(text.split())
    assert text.count("\f") <= 1  # one page
    assert "Zoë Ødegård" in flat
    assert "Period: 26 Oct 2026 to 22 Nov 2026" in flat
    assert "Made on 23 Nov 2026, 09:00" in flat
    assert "Exercised on 19 of 20 planned days (the plan" in flat
    assert "80 of 180 sets done" in flat
    assert "Back pain 6 → 3 (-3 points, -50%): improved." in flat
    assert "Leg pain 5 → 2 (-3 points, -60%): improved." in flat
    assert "2 points or 30% of the starting level (Ostelo et al. 2008)" in flat
    assert "3 centralisation(s), 1 peripheralisation(s)" in flat
    assert re.search(r"Prone elbow planks best good-form hold 10\.0 s 23\.0 s 20 3 holds "
                     r"of 10 s", flat)
    assert "Ball wall squats Leg symptoms spread further down the leg." in flat
    for exercise_id in ("ball-squat", "hip-hinge", "bridge", "plank "):
        assert exercise_id not in flat  # names, never ids
    assert "spinecoach does not replace a clinician." in flat
    # the charts are drawn into the page (their labels are in the images, not the text layer)
    assert out.read_bytes().count(b"/Subtype /Image") >= 3


def test_the_html_is_self_contained_printable_and_escaped(tmp_path: Path) -> None:
    summary = _summary("Ann <script>alert(1)</script>")
    out = tmp_path / "report.html"
    write_html(summary, out)
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<title>spinecoach report: Ann" in html
    assert "<script>" not in html and "Ann &lt;script&gt;" in html
    assert html.count("<svg") == 3
    assert "@page" in html and "@media print" in html
    assert not re.search(r"""<(link|img|script)\b|src=["']http""", html)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Back pain 6 → 3 (-3 points, -50%): improved." in text
    assert "Exercised on 19 of 20 planned days (the plan" in text
    assert "spinecoach does not replace a clinician." in text
    # chart text stays text in the inline SVG (searchable, sharp in print)
    assert "Pain (0-10) at check-ins" in html and "Planks: best hold (s)" in html


def test_a_user_without_any_data_still_gets_a_report(tmp_path: Path) -> None:
    from spinecoach.session.records import User

    repo = InMemoryRepository()
    user = repo.add_user(User(name="New Person", created_at=datetime(2026, 11, 1, tzinfo=UTC)))
    summary = summarise(load_history(repo, user), start=LAST_DAY, end=LAST_DAY,
                        now=datetime(2026, 11, 23, 9, tzinfo=UTC), tz=UTC)
    write_pdf(summary, tmp_path / "empty.pdf")
    flat = " ".join(_pdf_text(tmp_path / "empty.pdf").split())
    assert "New Person" in flat and "not enough check-ins" in flat
    assert "spinecoach does not replace a clinician." in flat
    assert "No exercise sessions yet in this period." in flat
    write_html(summary, tmp_path / "empty.html")
    html = (tmp_path / "empty.html").read_text()
    assert "No check-ins yet" in html and "No exercise sessions yet in this period." in html
    assert html.count("<svg") == 2


def test_the_report_names_the_clinician_and_writes_dates_plainly(tmp_path: Path) -> None:
    repo = InMemoryRepository()
    user = build_sample_history(repo, name="me", first_day=FIRST_DAY)
    summary = summarise(load_history(repo, user), start=FIRST_DAY, end=date(2026, 12, 1),
                        now=datetime(2026, 12, 1, 15, tzinfo=UTC), tz=UTC,
                        user_name="Ann Example", clinician="Dr Lee (lee@example.org)")
    write_pdf(summary, tmp_path / "r.pdf")
    flat = " ".join(_pdf_text(tmp_path / "r.pdf").split())
    assert "Patient: Ann Example" in flat and "Patient: me" not in flat
    assert "For: Dr Lee (lee@example.org)" in flat
    assert "to 1 Dec 2026" in flat and "Made on 1 Dec 2026, 15:00" in flat
    write_html(summary, tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text()
    assert "2026-Dec" not in html and "Dec-02" not in html


def test_a_check_in_late_on_the_last_day_is_inside_the_chart() -> None:
    from matplotlib.dates import date2num

    from spinecoach.domain.checkin import CheckInWhen, SymptomLocation
    from spinecoach.reports import charts
    from spinecoach.session.records import CheckIn, User

    repo = InMemoryRepository()
    user = repo.add_user(User(name="Ann", created_at=datetime(2026, 12, 1, 8, tzinfo=UTC)))
    assert user.id is not None
    for hour, when, back in ((15, CheckInWhen.BEFORE, 4), (16, CheckInWhen.DURING, 6),
                             (17, CheckInWhen.AFTER, 3)):
        repo.add_checkin(CheckIn(user_id=user.id, taken_at=datetime(2026, 12, 1, hour,
                                                                     tzinfo=UTC),
                                 when=when, back_pain=back, leg_pain=1,
                                 furthest_symptom=SymptomLocation.THIGH, numbness=False,
                                 tingling=False, weakness=False))
    summary = summarise(load_history(repo, user), start=date(2026, 12, 1),
                        end=date(2026, 12, 1), now=datetime(2026, 12, 1, 18, tzinfo=UTC),
                        tz=UTC)
    ax = charts.pain_chart(summary).axes[0]
    low, high = ax.get_xlim()
    back = ax.get_lines()[0]
    assert list(back.get_ydata()) == [4, 3]  # the quick check during a set is not drawn
    assert all(low <= date2num(t) <= high for t in back.get_xdata())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1 Dec"]
