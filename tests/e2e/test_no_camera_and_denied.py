"""No-camera mode (timer with spoken counts, manual entry) and the camera-denied path."""

from __future__ import annotations

import re
import time

import pytest

from spinecoach.settings import load_settings
from spinecoach.storage import open_repository

from .conftest import Server, answer_all_no, launch, watch_policy

pytestmark = [pytest.mark.e2e]


def _to_session(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/screening")
    answer_all_no(page)
    page.click("text=Check my answers")
    page.wait_for_selector("#baseline:not([hidden])")
    # an untouched slider is "not answered yet": Save asks for it instead of storing 0/10
    page.click("#checkin-form button[type=submit]")
    page.wait_for_selector("#checkin-error:not([hidden])")
    assert page.text_content("#back_pain_out") == "not answered yet"
    page.fill("#back_pain", "4")
    page.fill("#leg_pain", "2")
    page.click("#checkin-form button[type=submit]")
    page.wait_for_url(re.compile(r"/today$"))
    page.click("#start-session")
    page.wait_for_selector("#checkin-form")
    # minutes after the baseline its answers stand: one press starts the session
    assert page.input_value("#back_pain") == "4"
    page.click("#checkin-form button[type=submit]")
    page.wait_for_url(re.compile(r"/session/\d+$"))


def test_no_camera_timer_and_manual_entry(server: Server, shots) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p, [])
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        server.sign_in(page)
        blocked = watch_policy(page)
        spoken: list[str] = []
        page.on("request", lambda r: spoken.append(r.url) if "/api/speech" in r.url else None)
        _to_session(page, server)
        page.click("#plan-bridge >> text=Without camera")
        page.wait_for_selector("#timer-start")
        _start_timer(page)
        page.wait_for_function(
            "() => document.getElementById('timer-phase').textContent === 'Hold'",
            timeout=60_000)
        shots(page, "1-timer-running")
        page.click("#timer-done")
        page.wait_for_selector("#manual-form:not([hidden])")
        page.fill("#manual-reps", "5")
        page.fill("#manual-hold", "3")
        page.fill("#manual-pain", "2")
        page.fill("#manual-note", "Felt steady.")
        shots(page, "2-manual-entry")
        page.click("#manual-form button[type=submit]")
        page.wait_for_selector("#timer-result:not([hidden])")
        shown = page.get_attribute("#timer-result", "data-reps")
        # the same quick check as after a camera set; back pain starts from the set's pain
        page.wait_for_selector("#set-feel:not([hidden])")
        quick_back = (page.input_value("#back_pain"), page.text_content("#back_pain_out"))
        page.fill("#leg_pain", "2")
        page.check("input[name=spreading][value=yes]")
        page.select_option("#leg_extent", "below_knee")
        page.click("#set-feel button[type=submit]")
        page.wait_for_selector("#timer-stopped")
        stop_text = page.text_content("#timer-stopped") or ""
        shots(page, "3-saved-and-stopped")
        page.click("#timer-result >> text=Back to the session")
        page.wait_for_url(re.compile(r"/session/\d+$"))
        page.click("#finish-session")
        page.wait_for_selector("#checkin-form")
        page.fill("#back_pain", "3")
        page.fill("#leg_pain", "1")
        page.select_option("#leg_extent", "buttock")
        page.click("#checkin-form button[type=submit]")
        page.wait_for_url(re.compile(r"/summary/\d+$"))
        summary = page.text_content("main") or ""
        shots(page, "3b-summary")
        page.goto(server.url + "/history")
        page.wait_for_load_state("networkidle")
        shots(page, "4-history")
        browser.close()

    assert blocked == [], "the pages broke their own content security policy"
    assert shown == "5"
    assert quick_back == ("2", "2")
    # symptoms spreading below the knee stop the exercise, timer or camera alike
    assert "Please stop this exercise for today" in stop_text
    assert "Bridges, set 1 of" in summary and "by hand" in summary
    assert "Today you did 1 of 4 exercises" in summary
    assert "Not done: Supine hip hinges (heel taps), Prone elbow planks, Ball wall squats." \
        in summary
    assert spoken, "no count was spoken through /api/speech"
    repo = open_repository(load_settings({"SPINECOACH_DATA_DIR": str(server.data_dir)}))
    user = repo.find_user("me")
    assert user is not None and user.id is not None
    sets = repo.sets_of(repo.sessions(user.id)[-1].id or 0)
    assert [(s.exercise_id, s.reps_done, s.hold_done_s, s.pain_during, s.note)
            for s in sets] == [("bridge", 5, 3.0, 2, "Felt steady.")]


def test_camera_denied_offers_the_timer(server: Server, shots) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p, ["--use-fake-device-for-media-stream", "--deny-permission-prompts"])
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        server.sign_in(page)
        _to_session(page, server)
        page.click("#plan-plank >> text=With camera")
        page.wait_for_selector("#camera-error:not([hidden])", timeout=20_000)
        shots(page, "1-denied")
        text = page.text_content("#camera-error") or ""
        assert page.is_disabled("#start-set")
        href = page.get_attribute("#camera-error a", "href") or ""
        page.goto(server.url + href)
        page.wait_for_selector("#timer-start")
        browser.close()
    assert re.search(r"/session/\d+/timer/plank$", href)
    assert "did not allow the camera" in text or "could not be started" in text
    assert server.process.poll() is None


def test_start_set_waits_until_the_camera_sees_the_person(server: Server, shots) -> None:  # type: ignore[no-untyped-def]
    """Chromium's built-in fake camera shows a test pattern, no person: Start set stays off
    while the check cannot see anyone, then offers "Start anyway" (the user may know better)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p, ["--use-fake-ui-for-media-stream",
                             "--use-fake-device-for-media-stream"])
        page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
        server.sign_in(page)
        _to_session(page, server)
        page.click("#plan-bridge >> text=With camera")
        page.wait_for_function("() => document.getElementById('fps').textContent !== '0'",
                               timeout=30_000)  # the check is answering frames
        disabled_while_checking = page.is_disabled("#start-set")
        badge = page.text_content("#tracking")
        page.wait_for_selector("#start-set:not([disabled])", timeout=30_000)
        label = page.text_content("#start-set")
        shots(page, "1-start-anyway")
        browser.close()
    assert badge != "I can see you"
    assert disabled_while_checking
    assert label == "Start anyway"


def test_upload_that_is_not_a_video_shows_a_clear_message(server: Server, shots,
                                                          tmp_path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    notes = tmp_path / "notes.txt"
    notes.write_text("not a video")
    with sync_playwright() as p:
        browser = launch(p, [])
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        server.sign_in(page)
        page.goto(server.url + "/upload")
        page.set_input_files("#video-file", str(notes))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#upload-error:not([hidden])")
        shots(page, "1-not-a-video")
        message = page.text_content("#upload-error") or ""
        browser.close()
    assert "does not look like a video" in message
    assert server.process.poll() is None


@pytest.mark.slow
def test_upload_a_video_shows_progress_and_result(server: Server, shots,
                                                  tmp_path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    from spinecoach.synth import render_clip

    clip = tmp_path / "bridge.mp4"
    truth = render_clip("bridge", "good", clip, repetitions=2)
    with sync_playwright() as p:
        browser = launch(p, [])
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        server.sign_in(page)
        page.goto(server.url + "/upload")
        page.select_option("#exercise", "bridge")
        page.set_input_files("#video-file", str(clip))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#upload-progress:not([hidden])")
        shots(page, "1-progress")
        page.wait_for_selector("#upload-result:not([hidden])", timeout=180_000)
        shots(page, "2-result")
        result = page.text_content("#upload-result") or ""
        browser.close()
    assert f"{truth.reps} repetitions" in result
    # the upload is gone; only the annotated copy the page plays is kept while serving
    left = [p.name for p in (server.data_dir / "uploads").glob("*")]
    assert all(name.endswith(".annotated.mp4") for name in left)


def test_the_quick_check_between_sets_needs_every_answer(server: Server, shots) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    unanswered = """async () => {
      const { unanswered } = await import('/static/api.js');
      return unanswered(document.getElementById('checkin-form'));
    }"""
    with sync_playwright() as p:
        browser = launch(p, [])
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        server.sign_in(page)
        _to_session(page, server)
        page.goto(page.url + "/coach/bridge")
        page.evaluate("() => { document.getElementById('set-feel').hidden = false; }")
        first = page.evaluate(unanswered)
        prefilled = (page.input_value("#back_pain"), page.text_content("#back_pain_out"))
        page.fill("#back_pain", "4")
        page.fill("#leg_pain", "2")
        page.check("input[name=spreading][value=yes]")
        details_shown = page.is_visible("#leg_extent")
        shots(page, "1-quick-check-spreading")
        vague = page.evaluate(unanswered)  # "yes" alone says nothing the stop rules can use
        page.select_option("#leg_extent", "foot")
        ready = page.evaluate(unanswered)
        browser.close()
    assert prefilled == ("4", "not answered yet")  # the last answer, but not taken as given
    assert len(first) == 3 and "whether symptoms are spreading" in first
    assert details_shown
    assert vague == ["how far down the symptoms go now, or which new sign you have"]
    assert ready == []


def _start_timer(page) -> None:  # type: ignore[no-untyped-def]
    """Press Start until the timer speaks: on a loaded machine the button can be in the page
    before timer.js has bound it, and that first press does nothing (the button hides itself
    once the timer runs, so a second press never restarts it)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + 60.0
    while True:
        start = page.locator("#timer-start")
        if start.is_visible():
            start.click()
        try:
            page.wait_for_function(
                "() => document.getElementById('timer-say').textContent !== ''", timeout=5_000)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
