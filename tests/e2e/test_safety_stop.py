"""A red flag in the browser: the emergency advice is shown and nothing can start."""

from __future__ import annotations

import httpx
import pytest

from spinecoach.web.testing import http_client_signed_in

from .conftest import Server, answer_all_no, launch

pytestmark = [pytest.mark.e2e]


def test_cauda_equina_sign_says_emergency_and_blocks(server: Server, shots) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p, [])
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        server.sign_in(page)
        page.goto(server.url + "/")
        answer_all_no(page)
        page.check("input[name=saddle_numbness][value=yes]")
        page.click("text=Check my answers")
        page.wait_for_selector("#screening-result .notice.stop")
        shots(page, "1-emergency")
        result = page.text_content("#screening-result") or ""
        page.goto(server.url + "/today")
        today = page.text_content("main") or ""
        start_buttons = page.locator("#start-session").count()
        shots(page, "2-today-blocked")
        browser.close()
    assert "emergency" in result.lower()
    assert "No exercise today" in today and start_buttons == 0
    assert httpx.post(server.url + "/api/sessions").status_code == 401  # no session
    client = http_client_signed_in(server.new_link())
    assert client.post("/api/sessions").status_code == 409  # signed in: still blocked
    client.close()
