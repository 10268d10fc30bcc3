"""Signing in in a real browser: the one-time link, its cookie, sign-out, the password form,
and a page of another site in the same browser that gets nothing."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from spinecoach.settings import load_settings
from spinecoach.storage import open_repository

from .conftest import Server, launch

pytestmark = [pytest.mark.e2e]
PASSWORD = "correct horse battery"


def test_the_printed_link_signs_in_once_and_sign_out_ends_it(server: Server, shots) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    link = server.printed_link
    assert link is not None and link.startswith(f"{server.url}/signin?token=")
    with sync_playwright() as p:
        browser = launch(p, [])
        mine = browser.new_context(viewport={"width": 1000, "height": 800})
        page = mine.new_page()
        server.sign_in(page)  # opens the printed link
        page.wait_for_url(re.compile(r"/screening$"))  # a new user: the safety check first
        shots(page, "1-signed-in")
        (cookie,) = [c for c in mine.cookies() if c["name"].startswith("spinecoach_session")]
        script_sees = page.evaluate("() => document.cookie")
        signed_in_as = page.text_content(".signout .who") or ""

        other = browser.new_context(viewport={"width": 1000, "height": 800})
        again = other.new_page()
        again.goto(link)  # the same link a second time, in another browser profile
        used = again.text_content("main") or ""
        shots(again, "2-link-used")
        again.goto(server.url + "/today")
        redirected_to = again.url
        export_status = again.evaluate("async () => (await fetch('/api/export.json')).status")

        page.click(".signout button")
        page.wait_for_url(re.compile(r"/signin\?signed_out=true$"))
        signed_out = page.text_content("main") or ""
        shots(page, "3-signed-out")
        page.goto(server.url + "/today")
        after_sign_out = page.url
        browser.close()

    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]
    assert cookie["name"] not in script_sees  # HttpOnly: no script can read it
    assert signed_in_as == "Signed in as me"
    assert "already been used" in used
    assert redirected_to == f"{server.url}/signin?next=%2Ftoday"
    assert export_status == 401
    assert "You are signed out." in signed_out
    assert after_sign_out == f"{server.url}/signin?next=%2Ftoday"


class _ForeignSite:
    """Another web site open in the same browser: its page tries to read and change the
    record (a form POST, a credentialed fetch)."""

    def __init__(self, target: str) -> None:
        page = f"""<!doctype html><title>a page of another site</title>
<form id="f" method="post" action="{target}/api/sessions"><button>win a prize</button></form>
<script>
  window.readResult = fetch("{target}/api/export.json", {{credentials: "include"}})
    .then(r => "read " + r.status, e => "blocked: " + e.message);
</script>""".encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def foreign_site(server: Server) -> Iterator[_ForeignSite]:
    site = _ForeignSite(server.url)
    yield site
    site.close()


def test_a_password_signs_in_and_another_site_gets_nothing(
        server: Server, foreign_site: _ForeignSite, shots) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    server.run_cli("users", "add", "kim", "--password-stdin", stdin=PASSWORD + "\n")
    with sync_playwright() as p:
        browser = launch(p, [])
        context = browser.new_context(viewport={"width": 1000, "height": 800})
        page = context.new_page()
        page.goto(server.url + "/history")
        page.wait_for_url(re.compile(r"/signin\?next=%2Fhistory$"))
        page.fill("#username", "kim")
        page.fill("#password", "not it")
        page.click("form.signin button[type=submit]")
        wrong = page.text_content("#signin-error") or ""
        page.fill("#username", "kim")
        page.fill("#password", PASSWORD)
        page.click("form.signin button[type=submit]")
        page.wait_for_url(re.compile(r"/history$"))
        who = page.text_content(".signout .who") or ""
        shots(page, "1-password-signed-in")

        attacker = context.new_page()  # same browser, same cookies, another site's page
        attacker.goto(foreign_site.url)
        read = attacker.evaluate("() => window.readResult")
        attacker.click("#f button")
        attacker.wait_for_load_state()
        refused = attacker.text_content("body") or ""
        shots(attacker, "2-foreign-post-refused")
        browser.close()

    assert "do not match" in wrong
    assert who == "Signed in as kim"
    assert read.startswith("blocked")  # the record was not readable from that page
    assert "came from another web site" in refused
    repo = open_repository(load_settings({"SPINECOACH_DATA_DIR": str(server.data_dir)}))
    kim = repo.find_user("kim")
    assert kim is not None and repo.sessions(kim.id or 0) == []  # nothing was started
    repo.close()


def test_a_clinician_reads_a_linked_patients_progress_and_cannot_change_it(
        server: Server, shots) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    server.run_cli("users", "add", "dr-lee", "--role", "clinician")
    server.run_cli("users", "link", "me", "dr-lee")
    with sync_playwright() as p:
        browser = launch(p, [])
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        page.goto(server.new_link("dr-lee"))
        page.wait_for_url(re.compile(r"/patients$"))
        shots(page, "1-patients")
        page.click("table.patients >> text=Progress")
        page.wait_for_url(re.compile(r"/history\?patient=\d+$"))
        page.wait_for_selector("#calendar span")  # /api/history?patient=... answered
        days = page.locator("#calendar span").count()
        report = page.get_attribute("#report-link", "href") or ""
        shots(page, "2-patient-progress")
        change = page.evaluate("""async () => {
          const csrf = document.querySelector('meta[name="csrf-token"]').content;
          const r = await fetch('/api/sessions?patient=1', {method: 'POST',
                                headers: {'X-CSRF-Token': csrf}});
          return [r.status, (await r.json()).detail];
        }""")
        browser.close()
    assert days == 28
    assert report == "/api/report.pdf?patient=1"
    assert change == [403, "A clinician can read a patient's record but not change it."]
