"""The profile: editable in the app, used by the report (no more "Patient: me")."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


def _report(client: TestClient) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", client.get("/api/report.html").text).split())


def test_without_a_profile_the_report_says_no_name_was_given(client: TestClient) -> None:
    assert client.get("/api/profile").json()["display_name"] is None
    report = _report(client)
    assert "Patient: name not given" in report and "Patient: me" not in report


def test_the_report_uses_the_saved_profile(client: TestClient) -> None:
    saved = client.put("/api/profile", json={
        "display_name": "  Ann   Example ", "clinician_name": "Dr Lee",
        "clinician_email": "lee@example.org"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["display_name"] == "Ann Example"
    assert client.get("/api/profile").json()["clinician_email"] == "lee@example.org"
    report = _report(client)
    assert "Patient: Ann Example" in report
    assert "For: Dr Lee (lee@example.org)" in report
    page = client.get("/profile").text
    assert 'value="Ann Example"' in page and 'value="lee@example.org"' in page
    client.put("/api/profile", json={"display_name": "Ann Example"})  # clinician removed
    assert "For:" not in _report(client)


@pytest.mark.parametrize("body", [
    {"display_name": ""}, {"display_name": "   "}, {"display_name": "x" * 101},
    {"display_name": "Ann", "clinician_email": "not an email"},
    {"display_name": "Ann", "units": "furlongs"}, {"display_name": "Ann", "shoe_size": 9},
])
def test_a_bad_profile_is_refused_with_words_never_a_500(client: TestClient,
                                                        body: dict[str, object]) -> None:
    response = client.put("/api/profile", json=body)
    assert response.status_code in (400, 422), response.text
    assert response.json()["detail"]
    assert client.get("/api/profile").json()["display_name"] is None
