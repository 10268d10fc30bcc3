"""Check-in forms start from the last answers and never count an untouched slider as 0."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from .conftest import Clock


def _sliders(html: str) -> dict[str, tuple[str, str]]:
    found = re.findall(r'id="(back_pain|leg_pain)"[^>]*value="(\d+)" data-answered="(\w+)"', html)
    return {name: (value, answered) for name, value, answered in found}


def test_a_first_checkin_has_nothing_answered(screened: TestClient) -> None:
    html = screened.get("/screening").text
    assert _sliders(html) == {"back_pain": ("0", "false"), "leg_pain": ("0", "false")}


def test_the_before_checkin_right_after_the_baseline_keeps_its_answers(
        screened: TestClient, clock: Clock) -> None:
    screened.post("/api/checkins", json={"when": "baseline", "back_pain": 4, "leg_pain": 2,
                                         "leg_extent": "thigh", "tingling": True})
    clock.now += timedelta(minutes=5)
    html = screened.get("/checkin?when=before").text
    assert _sliders(html) == {"back_pain": ("4", "true"), "leg_pain": ("2", "true")}
    assert "These are the answers you gave at" in html
    assert re.search(r'<option value="thigh"\s+selected', html)
    assert re.search(r'name="tingling"\s+checked', html)
    clock.now += timedelta(hours=3)  # later: prefilled, but each must be answered again
    html = screened.get("/checkin?when=before").text
    assert _sliders(html) == {"back_pain": ("4", "false"), "leg_pain": ("2", "false")}
    assert "Please set each one to how you feel now" in html


def test_during_a_session_only_what_the_stop_rules_need_is_asked(screened: TestClient) -> None:
    screened.post("/api/checkins", json={"when": "baseline", "back_pain": 3, "leg_pain": 1})
    sid = screened.post("/api/sessions").json()["id"]
    html = screened.get(f"/session/{sid}/coach/bridge").text
    form = html[html.index('id="set-feel"'):]
    assert _sliders(form) == {"back_pain": ("3", "false"), "leg_pain": ("1", "false")}
    assert 'name="spreading" value="no"' in form and 'id="symptom-details" hidden' in form
    assert html.count('id="checkin-form"') == 1


def test_the_after_checkin_is_never_taken_as_answered(screened: TestClient,
                                                      clock: Clock) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    screened.post("/api/checkins", json={"when": "before", "session_id": sid,
                                         "back_pain": 5, "leg_pain": 3})
    clock.now += timedelta(minutes=10)
    html = screened.get(f"/checkin?when=after&session={sid}").text
    assert _sliders(html) == {"back_pain": ("5", "false"), "leg_pain": ("3", "false")}
