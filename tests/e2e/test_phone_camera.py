"""The phone as the camera, end to end, over HTTPS with the server's own certificate.

``spinecoach serve --network`` (bound to 127.0.0.1) makes its CA and server certificate;
Chromium trusts exactly that server certificate by its key (``--ignore-certificate-errors-
spki-list``, no blanket ignore).  The laptop signs in by the printed link and opens the
pairing page from the session; the test decodes the QR code on screen (OpenCV), an emulated
Pixel 7 opens it, is signed in to the same account, lands on the bridge's coaching page and
streams the fake webcam, while the laptop's page shows the set's live counts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import Server, fake_webcam_args, launch, watch_policy

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCREEN_AND_START = """async () => {  // the safety check and a session, as the pages do it
  const csrf = document.querySelector('meta[name=csrf-token]').content;
  const post = (url, body) => fetch(url, {method: 'POST', body: JSON.stringify(body),
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}});
  const questions = await (await fetch('/api/screening/questions?full=true')).json();
  const answers = {};
  for (const q of questions) {
    answers[q.id] = q.kind === 'yes_no' ? false : q.kind === 'number' ? 40
      : Object.keys(q.choices)[0];
  }
  const screened = await (await post('/api/screening', {answers})).json();
  if (!screened.may_exercise) return null;
  return (await (await post('/api/sessions', {})).json()).id;
}"""


def _server_key_pin(server: Server) -> str:
    from cryptography import x509

    from spinecoach.web.certificates import spki_sha256_base64

    pem = (server.data_dir / "tls" / "server.crt").read_bytes()
    return spki_sha256_base64(x509.load_pem_x509_certificate(pem))


def _decode_qr(png: bytes) -> str:
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    image = cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    # the ArUco-based detector reads every code; the classic one misses about 1 in 50
    decoded, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    return str(decoded)


def _number(page, selector: str) -> int:  # type: ignore[no-untyped-def]
    return int(page.text_content(selector) or "-1")


def test_the_phone_streams_and_the_laptop_watches(network_server: Server, bridge_webcam: Path,
                                                  shots) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    server = network_server
    pin = f"--ignore-certificate-errors-spki-list={_server_key_pin(server)}"
    with sync_playwright() as p:
        browser = launch(p, [pin, *fake_webcam_args(bridge_webcam)])
        laptop = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        laptop_blocked = watch_policy(laptop)
        server.sign_in(laptop)
        assert laptop.url.startswith("https://127.0.0.1:")
        session_id = laptop.evaluate(SCREEN_AND_START)
        assert session_id, "the safety check did not let the session start"
        laptop.goto(f"{server.url}/session/{session_id}")
        laptop.click("#plan-bridge >> text=With my phone")
        laptop.wait_for_selector("#pair-qr")
        laptop.wait_for_function("() => document.getElementById('pair-qr').naturalWidth > 0")
        shots(laptop, "1-pairing-page")
        pairing_url = _decode_qr(laptop.locator("#pair-qr").screenshot())
        shown_url = laptop.text_content("#pair-url")

        phone_context = browser.new_context(**p.devices["Pixel 7"])
        phone = phone_context.new_page()
        phone_blocked = watch_policy(phone)
        phone.goto(pairing_url)
        phone.wait_for_url(re.compile(rf"/session/{session_id}/coach/bridge$"))
        cookies = [c for c in phone_context.cookies() if c["name"].startswith("spinecoach_session")]
        laptop.wait_for_selector("#phone[data-seen~=paired]", timeout=10_000)
        ca = phone.evaluate("""async () => {  // what the phone downloads to trust the server
          const r = await fetch('/ca.crt');
          return {status: r.status, type: r.headers.get('content-type'), body: await r.text()};
        }""")
        phone.wait_for_selector("#start-set:not([disabled])", timeout=30_000)
        phone.wait_for_function(
            "() => document.getElementById('tracking').textContent === 'I can see you'",
            timeout=45_000)
        laptop.wait_for_selector("#phone[data-seen~=check]", timeout=10_000)
        phone.click("#start-set")
        laptop.wait_for_selector("#phone[data-seen~=countdown]", timeout=10_000)
        phone.wait_for_selector("#coach[data-stage=set]", timeout=20_000)
        laptop.wait_for_selector("#phone[data-stage=set]", timeout=10_000)
        phone.wait_for_function("() => Number(document.getElementById('reps').textContent) >= 1",
                                timeout=45_000)
        laptop.wait_for_function(
            "() => Number(document.getElementById('watch-reps').textContent) >= 1",
            timeout=10_000)
        shots(laptop, "2-watching")
        shots(phone, "2-phone")
        phone_reps = _number(phone, "#reps")
        watch_reps = _number(laptop, "#watch-reps")
        states = int(laptop.get_attribute("#phone", "data-states") or "0")
        title = laptop.text_content("#watch-title") or ""
        pairing_hidden = laptop.locator("#pairing").is_hidden()
        phone.click("#end-set")
        phone.wait_for_selector("#set-result:not([hidden])", timeout=20_000)
        laptop.wait_for_selector("#phone[data-stage=done]", timeout=10_000)
        saved = int(phone.get_attribute("#set-result", "data-reps") or "-1")
        watch_status = laptop.text_content("#watch-status") or ""
        watch_final = _number(laptop, "#watch-reps")
        shots(laptop, "3-set-done")
        used_again = phone_context.new_page()
        used_again.goto(pairing_url)
        reused = used_again.text_content("main") or ""
        browser.close()

    assert pairing_url.startswith(f"{server.url}/pair/"), pairing_url
    assert pairing_url == shown_url
    assert len(cookies) == 1 and cookies[0]["secure"] and cookies[0]["httpOnly"]
    assert cookies[0]["sameSite"] == "Strict"
    assert pairing_url.endswith(f"?next=/session/{session_id}/coach/bridge")
    assert ca["status"] == 200 and ca["type"] == "application/x-x509-ca-cert"
    assert ca["body"].encode() == (server.data_dir / "tls" / "ca.crt").read_bytes()
    assert "Bridges: Set 1 of" in title
    assert pairing_hidden, "the QR code stays on the big screen during the set"
    assert states >= 10, "the watch page received hardly any of the set's states"
    # the big screen counts what the phone counts (it may be one state behind, never ahead)
    assert phone_reps >= 1 and phone_reps - 1 <= watch_reps <= phone_reps
    assert saved >= 1 and watch_final == saved
    assert f"Set done: {saved} rep" in watch_status
    assert "already been used or has expired" in reused
    assert laptop_blocked == [] and phone_blocked == [], "a page broke the security policy"


CAMERA_AND_SOCKET = """async () => {
  const out = {secure: window.isSecureContext};
  try {
    const stream = await navigator.mediaDevices.getUserMedia({video: true});
    out.camera = stream.getVideoTracks().length;
  } catch (err) { out.camera = `${err.name}: ${err.message}`; }
  out.socket = await new Promise((resolve) => {
    const ws = new WebSocket(`wss://${location.host}/ws/watch`);
    ws.onmessage = (m) => resolve(JSON.parse(m.data).type);
    ws.onerror = () => resolve('error');
    setTimeout(() => resolve('timeout'), 10000);
  });
  return out;
}"""


def test_an_untrusted_certificate_warns_then_works_after_proceeding(
        network_server: Server, bridge_webcam: Path) -> None:
    """What the README promises for a phone that has not trusted the CA (in Chromium): a
    warning first; after "proceed" the page is a secure context, the camera starts and the
    live socket connects.  The machine's own name is used (mapped to 127.0.0.1 in the
    browser), because 127.0.0.1 and localhost count as secure whatever their certificate."""
    from cryptography import x509
    from playwright.sync_api import Error, sync_playwright

    server = network_server
    pem = (server.data_dir / "tls" / "server.crt").read_bytes()
    alt = x509.load_pem_x509_certificate(pem).extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    names = [n for n in alt.get_values_for_type(x509.DNSName) if n != "localhost"]
    if not names:
        pytest.skip("this machine's name cannot be in a certificate")
    name = names[0]
    link = server.new_link().replace("://127.0.0.1:", f"://{name}:")
    with sync_playwright() as p:
        browser = launch(p, [f"--host-resolver-rules=MAP {name} 127.0.0.1",
                             *fake_webcam_args(bridge_webcam)])
        page = browser.new_page()
        with pytest.raises(Error, match="ERR_CERT_AUTHORITY_INVALID"):
            page.goto(link)
        page.wait_for_selector("#details-button")  # the browser's own warning page
        warning = page.title()
        page.click("#details-button")
        page.click("#proceed-link")
        page.wait_for_url(re.compile(r"/screening$"))
        found = page.evaluate(CAMERA_AND_SOCKET)
        browser.close()
    assert "Privacy error" in warning
    assert found == {"secure": True, "camera": 1, "socket": "watching"}, found
