"""Other web pages and other names cannot reach the record (issue 11's probe, fixed).

DNS rebinding (a foreign ``Host``), cross-site form posts and WebSockets (a foreign
``Origin``, ``Referer`` or ``Sec-Fetch-Site``), the security headers, and request bodies
counted while they stream in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from spinecoach.settings import Settings
from spinecoach.web.security import local_host_names

EVIL = "http://evil.example"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url="sqlite://", speech="browser",
                    max_upload_mb=1)


@pytest.mark.parametrize("path", ["/api/export.json", "/api/health", "/today", "/",
                                  "/static/api.js", "/openapi.json"])
def test_a_rebound_host_is_refused_on_every_route(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"host": "evil.example", "origin": EVIL})
    assert response.status_code == 421
    assert "127.0.0.1" in response.json()["detail"]


def test_a_rebound_host_is_refused_on_the_websocket_handshake(screened: TestClient) -> None:
    with pytest.raises(WebSocketDenialResponse) as denied:
        with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge",
                                        headers={"host": "evil.example:8000", "origin": EVIL}):
            pass
    assert denied.value.status_code == 421


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST",
                                  "app.localhost"])
def test_local_names_are_served(client: TestClient, host: str) -> None:
    assert client.get("/api/health", headers={"host": host}).status_code == 200


def test_the_bound_address_is_served_too() -> None:
    assert "192.168.1.20" in local_host_names("192.168.1.20")
    assert "evil.example" not in local_host_names("0.0.0.0")


@pytest.mark.parametrize("headers", [
    {"origin": EVIL},
    {"origin": "null"},
    {"origin": "null", "sec-fetch-site": "cross-site"},  # a sandboxed frame of another site
    {"origin": "null", "sec-fetch-site": "same-site"},
    {"origin": "http://localhost:9999"},  # another local server is another origin
    {"origin": "http://evil.example", "host": "localhost"},
    {"referer": "http://evil.example/page.html"},
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},
])
def test_state_changes_from_another_site_are_refused(client: TestClient,
                                                     headers: dict[str, str]) -> None:
    response = client.post("/api/sessions", headers=headers)
    assert response.status_code == 403
    assert "another web site" in response.json()["detail"]


def test_a_cross_site_form_post_is_refused(screened: TestClient) -> None:
    # what a foreign page's <form method=post> sends: form encoding, its own Origin
    started = screened.post("/api/sessions", data={"x": "1"}, headers={"origin": EVIL})
    assert started.status_code == 403
    assert screened.get("/api/history").json()["sessions_total"] == 0


def test_a_cross_site_multipart_upload_is_refused(client: TestClient) -> None:
    response = client.post("/api/analyses", data={"exercise_id": "bridge"},
                           files={"video": ("clip.mp4", b"\0" * 100, "video/mp4")},
                           headers={"origin": EVIL})
    assert response.status_code == 403


def test_a_cross_site_websocket_is_refused(screened: TestClient) -> None:
    with pytest.raises(WebSocketDenialResponse) as denied:
        with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge",
                                        headers={"origin": EVIL, "host": "evil.example"}):
            pass
    assert denied.value.status_code == 421
    with pytest.raises(WebSocketDenialResponse) as denied:
        with screened.websocket_connect("ws://localhost/ws/coach?exercise=bridge",
                                        headers={"origin": EVIL}):
            pass
    assert denied.value.status_code == 403


def test_cross_site_reads_of_the_api_are_refused(client: TestClient) -> None:
    assert client.get("/api/export.json",
                      headers={"sec-fetch-site": "cross-site"}).status_code == 403
    # a link followed from another site to a page still opens it
    assert client.get("/today", headers={"sec-fetch-site": "cross-site"}).status_code == 200


@pytest.mark.parametrize("headers", [
    {"origin": "http://localhost"},
    {"origin": "http://127.0.0.1"},
    {"sec-fetch-site": "same-origin"},
    {"origin": "null", "sec-fetch-site": "same-origin"},  # our own form under no-referrer
    {"referer": "http://localhost/today"},
    {},  # not from a browser at all (curl, scripts)
])
def test_same_origin_state_changes_work(screened: TestClient,
                                        headers: dict[str, str]) -> None:
    assert screened.post("/api/sessions", headers=headers).status_code == 201


def test_every_response_has_the_security_headers(client: TestClient) -> None:
    for path in ("/screening", "/api/export.json", "/api/export.zip", "/api/nothing-here",
                 "/static/api.js"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    for path in ("/api/export.json", "/api/export.zip", "/api/history", "/screening"):
        assert client.get(path).headers["cache-control"] == "no-store"


def test_the_report_keeps_its_inline_styles_but_no_script(client: TestClient) -> None:
    csp = client.get("/api/report.html").headers["content-security-policy"]
    assert "style-src 'unsafe-inline'" in csp and "script" not in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp


def test_the_pages_have_no_inline_script(client: TestClient, screened: TestClient) -> None:
    session = screened.post("/api/sessions").json()["id"]
    for path in ("/screening", "/today", "/checkin", f"/session/{session}",
                 f"/session/{session}/coach/bridge", f"/session/{session}/timer/bridge",
                 f"/summary/{session}", "/history", "/upload"):
        html = client.get(path).text
        for tag in html.split("<script")[1:]:
            assert 'src="/static/' in tag.split(">")[0], (path, tag[:80])
        assert " onerror=" not in html and " onclick=" not in html and " onload=" not in html


def test_a_json_body_over_the_limit_is_refused_before_it_is_read(client: TestClient) -> None:
    body = b'{"answers": {"a": "' + b"x" * (2 << 20) + b'"}}'
    response = client.post("/api/screening", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def test_a_chunked_body_is_counted_while_it_streams(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"answers": {"a": "'
        for _ in range(64):
            yield b"x" * (64 << 10)
        yield b'"}}'

    response = client.post("/api/screening", content=chunks(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "content-length" not in response.request.headers


def test_a_chunked_upload_over_the_limit_stops_early(client: TestClient,
                                                     settings: Settings) -> None:
    limit = settings.max_upload_mb << 20

    def chunks() -> Iterator[bytes]:
        boundary = b"--b\r\n"
        yield boundary + b'Content-Disposition: form-data; name="exercise_id"\r\n\r\nbridge\r\n'
        yield boundary + (b'Content-Disposition: form-data; name="video"; filename="a.mp4"\r\n'
                          b"Content-Type: video/mp4\r\n\r\n")
        for _ in range(limit // (1 << 20) + 2):
            yield b"\0" * (1 << 20)
        yield b"\r\n--b--\r\n"

    response = client.post("/api/analyses", content=chunks(),
                           headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert "video is larger than" in response.json()["detail"]
    uploads = settings.data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_the_body_stops_being_read_at_the_limit() -> None:
    """What the probe saw: 287 MB spooled before a 413.  Now reading stops at the limit."""
    import asyncio

    from spinecoach.web.security import Guard, SecurityMiddleware

    chunk, chunks_sent = b"\0" * (64 << 10), 0
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        nonlocal chunks_sent
        chunks_sent += 1
        return {"type": "http.request", "body": chunk, "more_body": chunks_sent < 1000}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def spooling_app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        while (await receive()).get("more_body"):  # like a multipart parser spooling to disk
            pass

    middleware = SecurityMiddleware(spooling_app, Guard(frozenset({"localhost"}),
                                                        max_upload_bytes=1 << 20))
    scope = {"type": "http", "method": "POST", "path": "/api/analyses", "scheme": "http",
             "server": ("localhost", 80), "headers": [(b"host", b"localhost"),
                                                      (b"transfer-encoding", b"chunked")]}
    asyncio.run(middleware(scope, receive, send))
    assert sent[0]["status"] == 413
    assert chunks_sent == 17  # 1 MB and one chunk more, of the 62.5 MB offered


def test_an_https_origin_is_not_this_http_server(client: TestClient) -> None:
    assert client.post("/api/sessions",
                       headers={"origin": "https://localhost"}).status_code == 403
