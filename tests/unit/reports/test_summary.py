"""summarise() on a known history, and the sentences and JSON built from it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from spinecoach.reports.data import HistoryData
from spinecoach.reports.serialise import summary_to_dict
from spinecoach.reports.summary import HistorySummary, summarise
from spinecoach.reports.symptoms import Direction
from spinecoach.reports.text import render_text

FIRST_DAY = date(2026, 10, 26)  # the sample's first day (conftest)
LAST_DAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_the_sample_history_in_numbers(summary: HistorySummary) -> None:
    # 28 days less 4 Sundays and 4 skipped weekdays = 20 sessions
    assert summary.sessions_total == 20 and summary.sessions_done == 20
    assert [(w.planned, w.done) for w in summary.weeks] == [(5, 5), (5, 4), (5, 5), (5, 6)]
    assert summary.adherence == 19 / 20
    assert summary.back_pain is not None and summary.leg_pain is not None
    assert (summary.back_pain.baseline, summary.back_pain.current) == (6.0, 3.0)
    assert summary.back_pain.direction is Direction.IMPROVED
    assert (summary.leg_pain.baseline, summary.leg_pain.current) == (5.0, 2.0)
    assert (summary.centralisations, summary.peripheralisations) == (3, 1)
    assert summary.stop_counts == {"peripheralisation": 1}
    assert [r.flare for r in summary.pain_responses].count(True) == 0
    plank = summary.trends["plank"]
    assert (plank.first, plank.last, len(plank.points)) == (10.0, 23.0, 20)
    assert summary.trends["bridge"].last == 100.0
    assert [d.exercise_id for d in summary.doses] == ["ball-squat", "bridge", "hip-hinge", "plank"]
    assert summary.latest_screening is not None and summary.latest_screening[1] == "ok"


def test_the_period_limits_everything(history: HistoryData) -> None:
    last_week = summarise(history, start=LAST_DAY - timedelta(days=6), end=LAST_DAY, now=NOW,
                          tz=UTC)
    assert last_week.sessions_total == 6 and len(last_week.weeks) == 1
    assert last_week.stops == [] and last_week.peripheralisations == 0
    assert last_week.back_pain is not None and not last_week.back_pain.meaningful
    empty = summarise(history, start=date(2027, 1, 1), end=date(2027, 1, 7), now=NOW, tz=UTC)
    assert empty.sessions_total == 0 and empty.back_pain is None
    assert all(not t.points for t in empty.trends.values())
    assert "not enough check-ins" in render_text(empty)
    assert "No sessions recorded in this period yet" in render_text(empty)


def test_text_and_json_say_the_same(summary: HistorySummary) -> None:
    text = render_text(summary)
    assert "history for Jane Doe: 26 Oct 2026 - 22 Nov 2026" in text
    assert ("Exercised on 19 of 20 planned days (the plan is 5 days a week; this period has "
            "28 days); 20 of 20 sessions finished.") in text
    assert "80 of 80 planned exercises and 80 of 180 sets done (44% of the sets planned)" in text
    assert "Back pain 6 → 3 (-3 points, -50%): improved." in text
    assert "2 points or 30%" in text and "Ostelo" in text
    assert "2026-11-02   # ! . . # # ." in text
    assert "Prone elbow planks, best good-form hold: 10 → 23 s over 20 session(s)." in text
    assert "Ball wall squats: Leg symptoms spread further down the leg." in text
    assert "does not replace a clinician" in text
    document = json.loads(json.dumps(summary_to_dict(summary)))
    assert document["user"] == "Jane Doe"
    assert document["adherence"]["fraction"] == 0.95
    assert document["adherence"]["sets"] == {"planned": 180, "done": 80, "fraction": 0.444}
    assert document["adherence"]["days"][0]["exercises"][0] == {
        "exercise_id": "hip-hinge", "name": "Supine hip hinges (heel taps)",
        "sets_planned": 2, "sets_done": 1}
    assert document["pain"]["back"]["direction"] == "improved"
    assert document["pain"]["thresholds"] == {"points": 2.0, "fraction": 0.3,
                                              "source": "Ostelo et al. 2008"}
    assert document["leg_symptoms"]["peripheralisations"] == 1
    assert len(document["adherence"]["calendar"]) == 28
    assert document["exercises"]["plank"]["points"][-1]["value"] == 23.0
    assert document["period"] == {"start": FIRST_DAY.isoformat(), "end": LAST_DAY.isoformat()}
