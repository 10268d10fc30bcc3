"""Pairing a phone under ``serve --network``: the page, its QR code, the one-time link, /ca.crt.

The laptop's browser is a ``TestClient`` on ``https://localhost``; the phone is a second
client of the same app that reaches it at the LAN address of the certificate.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from cryptography import x509
from fastapi.testclient import TestClient

from spinecoach.session import accounts
from spinecoach.session.in_memory import InMemoryRepository
from spinecoach.session.records import Role
from spinecoach.web.auth import cookie_name
from spinecoach.web.pairing import NetworkServing, qr_svg
from spinecoach.web.routes_auth import PAIRING_USED
from spinecoach.web.testing import sign_in_by_link

from .conftest import LAN_URL, Clock

_PAIR_URL = re.compile(r'<code id="pair-url">([^<]+)</code>')


def _phone(laptop: TestClient) -> TestClient:
    """A second browser (no cookies) that reaches the server at its LAN address."""
    return TestClient(laptop.app, base_url=LAN_URL)


def _pairing_url(laptop: TestClient, query: str = "") -> str:
    page = laptop.get(f"/phone{query}")
    assert page.status_code == 200, page.text
    found = _PAIR_URL.search(page.text)
    assert found is not None, page.text
    return found.group(1).replace("&amp;", "&")


def _path(url: str) -> str:
    assert url.startswith(LAN_URL + "/pair/"), url
    return url[len(LAN_URL):]


def _who(client: TestClient) -> str:
    me = client.get("/api/me")
    assert me.status_code == 200, me.text
    return str(me.json()["name"])


def test_the_pairing_page_shows_a_qr_code_of_a_one_time_link(laptop: TestClient,
                                                             network: NetworkServing) -> None:
    page = laptop.get("/phone")
    assert page.status_code == 200
    assert 'src="/phone/qr.svg"' in page.text
    assert network.certificates.ca_fingerprint() in page.text
    assert f"{LAN_URL}/ca.crt" in page.text
    url = _pairing_url(laptop)  # a second visit: a new code
    image = laptop.get("/phone/qr.svg")
    assert image.status_code == 200 and image.headers["content-type"] == "image/svg+xml"
    assert image.content == qr_svg(url)  # the QR code is of this browser's current code
    assert "no-store" in image.headers["cache-control"]
    assert "script" not in image.text.lower()
    ca_image = laptop.get("/phone/qr.svg?show=ca")
    assert ca_image.content == qr_svg(f"{LAN_URL}/ca.crt")
    assert laptop.get("/phone/qr.svg?show=other").status_code == 422


def test_the_pairing_link_signs_the_phone_into_the_same_account(
        laptop: TestClient, repo: InMemoryRepository, clock: Clock) -> None:
    accounts.add_account(repo, "kim", Role.PATIENT, clock())
    sign_in_by_link(laptop, "kim")  # the laptop is kim's now, not the first account's
    url = _pairing_url(laptop, "?next=/session/5/coach/bridge")
    assert url.endswith("?next=/session/5/coach/bridge")
    phone = _phone(laptop)
    paired = phone.get(_path(url), follow_redirects=False)
    assert paired.status_code == 303
    assert paired.headers["location"] == "/session/5/coach/bridge"
    cookie = paired.headers["set-cookie"].lower()
    assert cookie.startswith(cookie_name(laptop.app.state.context.settings))  # type: ignore[attr-defined]
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert _who(phone) == "kim"
    assert _who(laptop) == "kim"  # the laptop stays signed in


def test_a_pairing_link_works_once(laptop: TestClient) -> None:
    path = _path(_pairing_url(laptop))
    phone = _phone(laptop)
    assert phone.get(path, follow_redirects=False).status_code == 303
    other = _phone(laptop)
    again = other.get(path, follow_redirects=False)
    assert again.status_code == 404
    assert PAIRING_USED in again.text.replace("&#34;", '"').replace("&quot;", '"')
    name = cookie_name(laptop.app.state.context.settings)  # type: ignore[attr-defined]
    assert not any(h.startswith(name) for h in again.headers.get_list("set-cookie"))
    assert other.get("/api/me").status_code == 401


def test_a_pairing_link_expires(laptop: TestClient, clock: Clock) -> None:
    path = _path(_pairing_url(laptop))
    clock.now += accounts.SIGNIN_LINK_LIFETIME + timedelta(seconds=1)
    phone = _phone(laptop)
    assert phone.get(path, follow_redirects=False).status_code == 404
    assert phone.get("/api/me").status_code == 401
    assert laptop.get("/phone/qr.svg").status_code == 404  # the code on show expired too


def test_a_new_code_stops_the_one_before(laptop: TestClient) -> None:
    first = _path(_pairing_url(laptop))
    second = _path(_pairing_url(laptop))
    phone = _phone(laptop)
    assert phone.get(first, follow_redirects=False).status_code == 404
    assert phone.get(second, follow_redirects=False).status_code == 303


@pytest.mark.parametrize("token", ["nonsense", "x" * 300, "%00", "a%2Fb"])
def test_a_wrong_code_gets_the_sign_in_page_and_no_hint(laptop: TestClient, token: str) -> None:
    phone = _phone(laptop)
    answer = phone.get(f"/pair/{token}", follow_redirects=False)
    assert answer.status_code == 404
    assert "Sign in" in answer.text and "already been used or has expired" in answer.text
    assert token not in answer.text
    assert phone.get("/api/me").status_code == 401


def test_a_pairing_link_goes_on_only_to_this_server(laptop: TestClient) -> None:
    url = _pairing_url(laptop, "?next=//evil.example/x")
    assert "?next" not in url
    path = _path(url)
    answer = _phone(laptop).get(f"{path}?next=https://evil.example/",
                                follow_redirects=False)
    assert answer.headers["location"] == "/"


def test_the_ca_certificate_is_public_and_only_the_public_part(laptop: TestClient,
                                                              network: NetworkServing) -> None:
    phone = _phone(laptop)  # not signed in
    answer = phone.get("/ca.crt")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/x-x509-ca-cert"
    assert "attachment" in answer.headers["content-disposition"]
    certificate = x509.load_pem_x509_certificate(answer.content)
    assert answer.content == network.certificates.ca_pem()
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert b"PRIVATE" not in answer.content


def test_the_certificates_names_are_served_and_others_are_not(laptop: TestClient) -> None:
    for host in ("192.168.1.20:8000", "kims-laptop.local:8000", "kims-laptop", "localhost"):
        assert laptop.get("/ca.crt", headers={"host": host}).status_code == 200, host
    assert laptop.get("/ca.crt", headers={"host": "evil.example:8000"}).status_code == 421
    assert laptop.get("/ca.crt", headers={"host": "192.168.1.21:8000"}).status_code == 421


def test_without_network_the_page_says_how_to_start_it(client: TestClient) -> None:
    page = client.get("/phone")
    assert page.status_code == 200
    assert "spinecoach serve --network" in page.text and "qr.svg" not in page.text
    assert client.get("/phone/qr.svg").status_code == 404
    answer = client.get("/ca.crt")
    assert answer.status_code == 404 and "serve --network" in answer.json()["detail"]


def test_cookies_are_secure_only_over_https(client: TestClient, laptop: TestClient) -> None:
    def session_cookie(test_client: TestClient) -> str:
        ctx = test_client.app.state.context  # type: ignore[attr-defined]
        token = accounts.issue_signin_link(ctx.repo, ctx.repo.users()[0], ctx.clock())
        answer = test_client.get(f"/signin?token={token}", follow_redirects=False)
        return answer.headers["set-cookie"].lower()

    assert "secure" in session_cookie(laptop)
    assert "secure" not in session_cookie(client)


def test_the_pages_link_to_the_pairing_page(laptop: TestClient) -> None:
    from .conftest import clear_answers

    assert laptop.post("/api/screening", json={"answers": clear_answers(laptop)}).is_success
    assert 'href="/phone"' in laptop.get("/today").text
    sid = laptop.post("/api/sessions").json()["id"]
    target = f'href="/phone?next=/session/{sid}/coach/bridge"'
    assert target in laptop.get(f"/session/{sid}").text
    assert target in laptop.get(f"/session/{sid}/coach/bridge").text


def test_pages_without_a_session_go_to_sign_in(laptop: TestClient) -> None:
    phone = _phone(laptop)
    for path in ("/phone", "/watch"):
        answer = phone.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")
    answer = phone.get("/phone/qr.svg", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")
    assert phone.get("/pair/../../etc/passwd").status_code == 404


def test_a_clinician_is_sent_to_their_patients(laptop: TestClient, repo: InMemoryRepository,
                                               clock: Clock) -> None:
    accounts.add_account(repo, "dr-lee", Role.CLINICIAN, clock())
    sign_in_by_link(laptop, "dr-lee")
    answer = laptop.get("/phone", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/patients"


@pytest.mark.parametrize("path", [
    "/phone?next=" + "/a" * 300,  # too long for an easy QR code: the phone goes to the start
    "/phone?next=%00%ED%A0%80",
    "/phone?next=javascript:alert(1)",
    "/phone/qr.svg?show=%00",
    "/pair/%ED%A0%80",
    "/pair/" + "y" * 5000,
    "/pair/a?next=%ED%A0%80",
    "/watch?x=1",
])
def test_odd_input_is_never_a_server_error(laptop: TestClient, path: str) -> None:
    answer = laptop.get(path, follow_redirects=False)
    assert answer.status_code < 500, answer.text
    if path.startswith("/phone?"):
        assert answer.status_code == 200
        assert _PAIR_URL.search(answer.text) is not None
        assert "?next" not in _pairing_url(laptop, path.removeprefix("/phone"))
        assert laptop.get("/phone/qr.svg").status_code == 200
