"""Accounts and isolation in the web app: sessions, CSRF, one-time links, passwords, roles.

Every test drives the real app (real core, in-memory repository) through its HTTP surface,
signed in the way a user is: by the one-time link ``spinecoach serve`` opens, or by the
sign-in form with a password.
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from starlette.testclient import WebSocketDenialResponse

from spinecoach.session import accounts
from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.session.records import Role
from spinecoach.web.auth import CSRF_HEADER, cookie_name
from spinecoach.web.testing import sign_in_by_link

from .conftest import Clock, clear_answers

PASSWORD = "correct horse battery"


def _signed_out(client: TestClient) -> TestClient:
    client.cookies.clear()
    client.headers.pop(CSRF_HEADER, None)
    return client


def _finished_session(client: TestClient) -> int:
    assert client.post("/api/screening", json={"answers": clear_answers(client)}).is_success
    session_id = int(client.post("/api/sessions").json()["id"])
    manual = {"exercise_id": "bridge", "reps": 8, "pain": 2}
    assert client.post(f"/api/sessions/{session_id}/manual-sets", json=manual).status_code == 201
    assert client.post(f"/api/sessions/{session_id}/finish").status_code == 200
    return session_id


def _add(repo: InMemoryRepository, clock: Clock, name: str, role: Role = Role.PATIENT,
         password: str | None = None) -> int:
    user = accounts.add_account(repo, name, role, clock(), password)
    assert user.id is not None
    return user.id


def _form(client: TestClient, next_path: str = "/") -> dict[str, str]:
    page = client.get(f"/signin?next={next_path}")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert page.status_code == 200 and found is not None
    return {"csrf": found.group(1), "next": next_path}


def _session_cookie(response: Response, client: TestClient) -> list[str]:
    """The parts of the session cookie's Set-Cookie header, in lower case."""
    name = cookie_name(client.app.state.context.settings)  # type: ignore[attr-defined]
    headers = response.headers.get_list("set-cookie")
    (cookie,) = [h for h in headers if h.startswith(f"{name}=")]
    return [p.strip().lower() for p in cookie.split(";")]


def _sign_in(client: TestClient, name: str, password: str, next_path: str = "/") -> Response:
    fields = _form(client, next_path) | {"username": name, "password": password}
    return client.post("/signin", data=fields, follow_redirects=False)


# -- without a session ---------------------------------------------------------------------

def test_the_export_without_a_session_is_401(client: TestClient) -> None:
    _signed_out(client)
    response = client.get("/api/export.json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Please sign in first."}


def test_every_api_route_answers_401_without_a_session(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    _signed_out(client)
    checked = 0
    for path, operations in schema["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            response = client.request(method.upper(), concrete)
            assert response.status_code == 401, (method, path, response.text)
            checked += 1
    assert checked > 20


def test_a_page_without_a_session_goes_to_the_sign_in_page(client: TestClient) -> None:
    _signed_out(client)
    response = client.get("/history?days=7", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fhistory%3Fdays%3D7"
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and "Sign in" in page.text


def test_the_websocket_without_a_session_is_refused_with_401(client: TestClient) -> None:
    _signed_out(client)
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect("ws://localhost/ws/coach?exercise=bridge"):
            pass
    assert denied.value.status_code == 401


def test_a_made_up_cookie_is_no_session(client: TestClient) -> None:
    name = cookie_name(client.app.state.context.settings)  # type: ignore[attr-defined]
    _signed_out(client).cookies.set(name, "not-a-session")
    assert client.get("/api/today").status_code == 401


def test_an_expired_session_is_401(client: TestClient, clock: Clock) -> None:
    assert client.get("/api/today").status_code == 200
    clock.now += accounts.SESSION_LIFETIME + timedelta(seconds=1)
    assert client.get("/api/today").status_code == 401


# -- CSRF ----------------------------------------------------------------------------------

def test_a_change_without_its_csrf_token_is_403(client: TestClient) -> None:
    token = client.headers.pop(CSRF_HEADER)
    answers = {"answers": clear_answers(client)}
    response = client.post("/api/screening", json=answers)
    assert response.status_code == 403 and "security token" in response.json()["detail"]
    wrong = client.post("/api/screening", json=answers, headers={CSRF_HEADER: "x" + token})
    assert wrong.status_code == 403
    assert client.get("/api/status").json()["screened"] is False  # nothing was stored
    right = client.post("/api/screening", json=answers, headers={CSRF_HEADER: token})
    assert right.status_code == 200


def test_an_upload_without_its_csrf_token_is_403(client: TestClient) -> None:
    client.headers.pop(CSRF_HEADER)
    response = client.post("/api/analyses", data={"exercise_id": "bridge"},
                           files={"video": ("clip.mp4", b"\0" * 64, "video/mp4")})
    assert response.status_code == 403


def test_sign_out_needs_the_csrf_token_then_ends_the_session(client: TestClient) -> None:
    token = client.headers.pop(CSRF_HEADER)
    refused = client.post("/signout", data={"csrf": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/api/today").status_code == 200
    done = client.post("/signout", data={"csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/signin?signed_out=true"
    assert "max-age=0" in done.headers["set-cookie"].lower()
    assert client.get("/api/today").status_code == 401
    assert "You are signed out." in client.get("/signin?signed_out=true").text


# -- the one-time link and the cookie ----------------------------------------------------

def test_a_one_time_link_works_once(client: TestClient, repo: InMemoryRepository,
                                    clock: Clock) -> None:
    _signed_out(client)
    token = accounts.issue_signin_link(repo, repo.users()[0], clock())
    first = client.get(f"/signin?token={token}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/"  # no token in it
    assert client.get("/api/today").status_code == 200
    _signed_out(client)
    again = client.get(f"/signin?token={token}", follow_redirects=False)
    assert again.status_code == 400 and "already been used" in again.text
    name = cookie_name(client.app.state.context.settings)  # type: ignore[attr-defined]
    assert not any(h.startswith(f"{name}=") for h in again.headers.get_list("set-cookie"))
    assert client.get("/api/today").status_code == 401


def test_an_expired_one_time_link_is_refused(client: TestClient, repo: InMemoryRepository,
                                             clock: Clock) -> None:
    _signed_out(client)
    token = accounts.issue_signin_link(repo, repo.users()[0], clock())
    clock.now += accounts.SIGNIN_LINK_LIFETIME
    assert client.get(f"/signin?token={token}", follow_redirects=False).status_code == 400
    assert client.get("/api/today").status_code == 401


def test_the_session_cookie_is_httponly_strict_and_not_secure_over_http(
        client: TestClient, repo: InMemoryRepository, clock: Clock) -> None:
    token = accounts.issue_signin_link(repo, repo.users()[0], clock())
    parts = _session_cookie(client.get(f"/signin?token={token}", follow_redirects=False),
                            client)
    assert {"httponly", "samesite=strict", "path=/"} <= set(parts)
    assert "secure" not in parts


def test_the_session_cookie_is_secure_over_https(client: TestClient, repo: InMemoryRepository,
                                                 clock: Clock) -> None:
    token = accounts.issue_signin_link(repo, repo.users()[0], clock())
    secure = TestClient(client.app, base_url="https://localhost")
    parts = _session_cookie(secure.get(f"/signin?token={token}", follow_redirects=False),
                            client)
    assert {"httponly", "samesite=strict", "secure"} <= set(parts)


def test_only_a_hash_of_the_session_token_is_stored(client: TestClient,
                                                    repo: InMemoryRepository) -> None:
    token = client.cookies.get(cookie_name(client.app.state.context.settings))  # type: ignore[attr-defined]
    assert token is not None
    assert repo.find_web_session(token) is None
    assert repo.find_web_session(accounts.hash_token(token)) is not None


# -- passwords and the rate limit --------------------------------------------------------

def test_an_account_with_a_password_signs_in_with_the_form(
        client: TestClient, repo: InMemoryRepository, clock: Clock) -> None:
    _add(repo, clock, "kim", password=PASSWORD)
    _signed_out(client)
    wrong = _sign_in(client, "kim", "not the password")
    assert wrong.status_code == 401 and "do not match" in wrong.text
    right = _sign_in(client, "kim", PASSWORD, next_path="/history")
    assert right.status_code == 303 and right.headers["location"] == "/history"
    assert client.get("/api/me").json()["name"] == "kim"


def test_an_account_without_a_password_cannot_sign_in_with_one(
        client: TestClient, repo: InMemoryRepository) -> None:
    _signed_out(client)
    name = repo.users()[0].name
    assert _sign_in(client, name, "").status_code == 401
    assert _sign_in(client, name, PASSWORD).status_code == 401


def test_the_sign_in_form_needs_its_own_csrf_token(client: TestClient,
                                                   repo: InMemoryRepository,
                                                   clock: Clock) -> None:
    _add(repo, clock, "kim", password=PASSWORD)
    _signed_out(client)
    response = client.post("/signin", data={"username": "kim", "password": PASSWORD},
                           follow_redirects=False)
    assert response.status_code == 403 and "expired" in response.text
    assert client.get("/api/today").status_code == 401


def test_failed_sign_ins_are_limited_per_account(client: TestClient, repo: InMemoryRepository,
                                                 clock: Clock) -> None:
    _add(repo, clock, "kim", password=PASSWORD)
    _signed_out(client)
    for _ in range(5):
        assert _sign_in(client, "kim", "guess").status_code == 401
    limited = _sign_in(client, "kim", PASSWORD)  # even the right password waits
    assert limited.status_code == 429
    assert "Too many sign-in attempts. Please wait 15 minutes" in limited.text
    assert 0 < int(limited.headers["retry-after"]) <= 900
    assert client.get("/api/today").status_code == 401
    clock.now += timedelta(minutes=15, seconds=1)
    assert _sign_in(client, "kim", PASSWORD).status_code == 303


def test_failed_sign_ins_are_limited_per_address(client: TestClient, repo: InMemoryRepository,
                                                 clock: Clock) -> None:
    _add(repo, clock, "kim", password=PASSWORD)
    _signed_out(client)
    for i in range(20):  # a different made-up name each time: the address is what counts
        assert _sign_in(client, f"nobody{i}", "guess").status_code == 401
    assert _sign_in(client, "kim", PASSWORD).status_code == 429


def test_guesses_sent_all_at_once_are_limited_too(client: TestClient,
                                                  repo: InMemoryRepository, clock: Clock,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Each attempt counts before its (slow) password check, so 30 guesses sent at once get
    5 checks, not 30 (checking the count first and adding to it after the hash let every one
    of them through, the right password among them)."""
    _add(repo, clock, "kim", password=PASSWORD)
    _signed_out(client)
    real = accounts.authenticate

    def slow_authenticate(*args: object) -> object:
        time.sleep(0.05)  # the password hash takes a while: the guesses overlap
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(accounts, "authenticate", slow_authenticate)
    fields = _form(client)
    cookies = dict(client.cookies)

    async def guess_all() -> list[int]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1",
                                     cookies=cookies) as ac:
            async def one(i: int) -> int:
                password = PASSWORD if i == 29 else f"guess {i}"
                response = await ac.post("/signin", data=fields | {
                    "username": "kim", "password": password})
                return response.status_code
            return list(await asyncio.gather(*(one(i) for i in range(30))))

    codes = asyncio.run(guess_all())
    assert codes.count(429) == 25, codes
    assert codes.count(401) + codes.count(303) == 5, codes


def test_a_right_password_gives_its_address_count_back(client: TestClient,
                                                       repo: InMemoryRepository,
                                                       clock: Clock) -> None:
    """Counted before the check, a successful sign-in is not left counted against its
    address: 20 right sign-ins in a row from one address are all let in."""
    _add(repo, clock, "kim", password=PASSWORD)
    for _ in range(21):
        _signed_out(client)
        assert _sign_in(client, "kim", PASSWORD).status_code == 303


def test_next_cannot_send_the_browser_to_another_site(client: TestClient,
                                                      repo: InMemoryRepository,
                                                      clock: Clock) -> None:
    _add(repo, clock, "kim", password=PASSWORD)
    _signed_out(client)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        fields = _form(_signed_out(client)) | {"username": "kim", "password": PASSWORD,
                                               "next": target}  # as a hostile page would
        response = client.post("/signin", data=fields, follow_redirects=False)
        assert response.headers["location"] == "/"
        assert client.get(f"/signin?next={target}", follow_redirects=False).headers[
            "location"] == "/"  # signed in: sent on, but only to this server


# -- isolation -----------------------------------------------------------------------------

def test_one_patient_cannot_read_another_patients_record(
        client: TestClient, repo: InMemoryRepository, clock: Clock) -> None:
    first = repo.users()[0]
    session_id = _finished_session(client)
    job = client.post("/api/analyses", data={"exercise_id": "bridge"},
                      files={"video": ("clip.mp4", b"\0" * 64, "video/mp4")}).json()
    kim = _add(repo, clock, "kim")
    sign_in_by_link(_signed_out(client), "kim")
    for path in (f"/api/sessions/{session_id}", f"/summary/{session_id}",
                 f"/session/{session_id}", f"/api/analyses/{job['id']}",
                 f"/api/export.json?patient={first.id}", f"/api/history?patient={first.id}",
                 f"/api/report.html?patient={first.id}"):
        response = client.get(path)
        assert response.status_code == 404, (path, response.text)
    assert client.post(f"/api/sessions/{session_id}/finish").status_code == 404
    manual = {"exercise_id": "bridge", "reps": 8, "pain": 2}
    assert client.post(f"/api/sessions/{session_id}/manual-sets", json=manual).status_code == 404
    with client.websocket_connect(
            f"ws://localhost/ws/coach?exercise=bridge&session={session_id}") as ws:
        refused = ws.receive_json()
    assert refused["code"] == "bad_request"
    assert refused["message"] == f"There is no session {session_id}."
    checkin = {"when": "after", "back_pain": 1, "leg_pain": 0, "leg_extent": "none",
               "session_id": session_id}
    assert client.post("/api/checkins", json=checkin).status_code == 404
    own = client.get("/api/export.json").json()
    assert own["user"] == "kim" and own["tables"]["sessions"] == []
    assert client.get(f"/api/export.json?patient={kim}").status_code == 200
    assert len(repo.sets_of(session_id)) == 1  # the other record is untouched


def test_a_clinician_reads_linked_patients_records_but_cannot_change_them(
        client: TestClient, repo: InMemoryRepository, clock: Clock) -> None:
    first = repo.users()[0]
    session_id = _finished_session(client)
    sam = _add(repo, clock, "dr-sam", Role.CLINICIAN)
    other = _add(repo, clock, "lee")
    accounts.link_patient(repo, first.name, "dr-sam", clock())
    sign_in_by_link(_signed_out(client), "dr-sam")
    assert client.get("/", follow_redirects=False).headers["location"] == "/patients"
    me = client.get("/api/me").json()
    assert me == {"id": sam, "name": "dr-sam", "role": "clinician",
                  "patients": [{"id": first.id, "name": first.name}]}
    picker = client.get("/patients").text
    assert f"/api/report.html?patient={first.id}" in picker
    who = f"patient={first.id}"
    assert client.get(f"/api/sessions/{session_id}?{who}").json()["id"] == session_id
    assert len(client.get(f"/api/history?{who}").json()["sessions"]) == 1
    assert client.get(f"/api/export.json?{who}").json()["user"] == first.name
    assert client.get(f"/api/report.html?{who}").status_code == 200
    progress = client.get(f"/history?{who}")
    assert progress.status_code == 200
    assert f'href="/api/report.pdf?{who}"' in progress.text  # the page's links keep the patient
    assert f'href="/profile?{who}"' in picker
    # the patient's own pages (forms a clinician could not send) lead to their progress
    for page in ("/screening", "/today", "/checkin", f"/session/{session_id}",
                 f"/session/{session_id}/coach/bridge", f"/session/{session_id}/timer/bridge",
                 "/upload"):
        sent = client.get(f"{page}?{who}", follow_redirects=False)
        assert sent.status_code == 303, (page, sent.status_code)
        assert sent.headers["location"] == f"/history?{who}", page
    for method, path in (("POST", f"/api/sessions?{who}"),
                         ("POST", f"/api/sessions/{session_id}/finish?{who}"),
                         ("POST", f"/api/checkins?{who}")):
        body = {"when": "before", "back_pain": 1, "leg_pain": 0, "leg_extent": "none"}
        response = client.request(method, path, json=body if "checkins" in path else None)
        assert response.status_code == 403, (path, response.text)
        assert "not change" in response.json()["detail"]
    assert client.get(f"/api/export.json?patient={other}").status_code == 404  # not linked
    missing = client.get("/api/history")
    assert missing.status_code == 400 and "Choose one of your patients" in missing.json()["detail"]
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect("ws://localhost/ws/coach?exercise=bridge"):
            pass
    assert denied.value.status_code == 403
    assert len(repo.sessions(first.id or 0)) == 1


def test_a_new_password_signs_the_account_out_everywhere(
        client: TestClient, repo: InMemoryRepository) -> None:
    assert client.get("/api/today").status_code == 200
    accounts.set_password(repo, repo.users()[0].name, PASSWORD)
    assert client.get("/api/today").status_code == 401


def test_the_pages_carry_the_csrf_token_and_a_sign_out_button(client: TestClient) -> None:
    page = client.get("/today").text
    assert f'<meta name="csrf-token" content="{client.headers[CSRF_HEADER]}">' in page
    assert 'action="/signout"' in page and "Sign out" in page
