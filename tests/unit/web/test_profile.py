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


def test_a_profile_change_without_its_csrf_token_is_403(client: TestClient) -> None:
    from spinecoach.web.auth import CSRF_HEADER

    token = client.headers.pop(CSRF_HEADER)
    response = client.put("/api/profile", json={"display_name": "Ann"})
    assert response.status_code == 403 and "security token" in response.json()["detail"]
    wrong = client.put("/api/profile", json={"display_name": "Ann"},
                       headers={CSRF_HEADER: "x" + token})
    assert wrong.status_code == 403
    assert client.get("/api/profile").json()["display_name"] is None  # nothing was stored


def test_a_clinician_reads_a_linked_patients_profile_but_cannot_change_it(
        client: TestClient) -> None:
    from spinecoach.session import accounts
    from spinecoach.session.records import Role
    from spinecoach.web.auth import CSRF_HEADER
    from spinecoach.web.testing import sign_in_by_link

    assert client.put("/api/profile", json={"display_name": "Ann"}).status_code == 200
    ctx = client.app.state.context  # type: ignore[attr-defined]
    (patient,) = ctx.repo.users()
    accounts.add_account(ctx.repo, "dr-sam", Role.CLINICIAN, ctx.clock())
    accounts.add_account(ctx.repo, "kim", Role.PATIENT, ctx.clock())
    accounts.link_patient(ctx.repo, patient.name, "dr-sam", ctx.clock())
    client.cookies.clear()
    client.headers.pop(CSRF_HEADER, None)
    sign_in_by_link(client, "dr-sam")
    who = f"?patient={patient.id}"
    assert client.get(f"/api/profile{who}").json()["display_name"] == "Ann"
    page = client.get(f"/profile{who}").text  # read, with nothing to press that would fail
    assert "<dd>Ann</dd>" in page and f"Only {patient.name} can change" in page
    assert "profile-form" not in page and ">Save<" not in page and "profile.js" not in page
    refused = client.put(f"/api/profile{who}", json={"display_name": "Someone else"})
    assert refused.status_code == 403 and "not change" in refused.json()["detail"]
    assert client.put("/api/profile", json={"display_name": "Dr Sam"}).status_code in (400, 403)
    assert client.get(f"/api/profile{who}").json()["display_name"] == "Ann"

    client.cookies.clear()
    client.headers.pop(CSRF_HEADER, None)
    sign_in_by_link(client, "kim")  # another patient sees only their own (empty) profile
    assert client.get("/api/profile").json()["display_name"] is None
    assert client.get(f"/api/profile{who}").status_code == 404


def test_the_header_greets_the_person_by_the_name_they_gave(client: TestClient) -> None:
    from spinecoach.session import accounts
    from spinecoach.session.records import Role
    from spinecoach.web.auth import CSRF_HEADER
    from spinecoach.web.testing import sign_in_by_link

    ctx = client.app.state.context  # type: ignore[attr-defined]
    (patient,) = ctx.repo.users()
    assert f"Signed in as {patient.name}<" in client.get("/today").text  # no name given yet
    assert client.put("/api/profile", json={"display_name": "Ann Example"}).status_code == 200
    assert "Signed in as Ann Example<" in client.get("/today").text
    accounts.add_account(ctx.repo, "dr-sam", Role.CLINICIAN, ctx.clock())
    accounts.link_patient(ctx.repo, patient.name, "dr-sam", ctx.clock())
    client.cookies.clear()
    client.headers.pop(CSRF_HEADER, None)
    sign_in_by_link(client, "dr-sam")  # reading Ann's record, the clinician is still named
    page = client.get(f"/history?patient={patient.id}").text
    assert "Signed in as dr-sam<" in page
