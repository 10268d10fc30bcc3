"""A patient's whole day in real Chromium, checked against the database and the clip's truth.

Signed in by the one-time link ``serve`` printed -> screening and baseline -> your details ->
today -> before check-in (the baseline's answers stand) -> bridges with the camera (a rendered
clip as the webcam): countdown, set 1, quick check, rest, "I'm ready", set 2, exercise
complete with the camera off -> planks without the camera -> after check-in -> summary ->
history -> report -> a recorded video checked (its annotated copy plays in the page) and
saved to the history.  Every step writes a screenshot (``$SPINECOACH_E2E_SHOTS``).
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from spinecoach.domain.checkin import CheckInWhen
from spinecoach.session.records import SessionMode
from spinecoach.settings import load_settings
from spinecoach.storage import open_repository

from .conftest import Server, answer_all_no, launch, watch_policy

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def bridge_webcam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from spinecoach.synth import render_clip

    out = tmp_path_factory.mktemp("webcam") / "bridge.mjpeg"
    render_clip("bridge", "good", out, fmt="mjpeg", repetitions=2)
    return out


def _text(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    return " ".join((page.text_content(selector) or "").split())


def _screen_and_baseline(page, server: Server, shots) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    page.wait_for_selector("#screening-form")
    answer_all_no(page)
    page.click("text=Check my answers")
    page.wait_for_selector("#baseline:not([hidden])")
    page.fill("#back_pain", "4")
    page.fill("#leg_pain", "2")
    page.select_option("#leg_extent", "thigh")
    shots(page, "01-baseline")
    page.click("#checkin-form button[type=submit]")
    page.wait_for_url(re.compile(r"/today$"))


def _details(page, server: Server, shots) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/profile")
    page.fill("#display_name", "Ann Example")
    page.fill("#clinician_name", "Dr Lee")
    page.fill("#clinician_email", "lee@example.org")
    page.click("#profile-form button[type=submit]")
    page.wait_for_selector("#profile-saved:not([hidden])")
    shots(page, "02-details")


def _quick_check(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#set-feel:not([hidden])", timeout=60_000)
    page.fill("#back_pain", "3")
    page.fill("#leg_pain", "1")
    page.check("input[name=spreading][value=no]")
    page.click("#set-feel button[type=submit]")


def _camera_set(page, shots, n: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}
    page.wait_for_selector("#coach[data-stage=countdown]", timeout=90_000)
    seen["countdown"] = _text(page, "#stage-message")
    seen["countdown_reps"] = page.text_content("#reps") or ""
    shots(page, f"0{2 + 2 * n}-bridge-set{n}-countdown")
    page.wait_for_selector("#coach[data-stage=set]", timeout=60_000)
    try:
        page.wait_for_function(
            "() => Number(document.getElementById('reps').textContent) >= 1", timeout=120_000)
    except Exception as exc:  # keep what the page showed: this step has timed out under load
        shots(page, f"0{3 + 2 * n}-bridge-set{n}-no-rep")
        raise AssertionError(
            f"set {n}: no rep counted in 120 s; the page showed fps={_text(page, '#fps')!r}, "
            f"tracking={_text(page, '#tracking')!r}, message={_text(page, '#stage-message')!r}, "
            f"reps={_text(page, '#reps')!r}") from exc
    shots(page, f"0{3 + 2 * n}-bridge-set{n}-counting")
    page.click("#end-set")
    _quick_check(page)
    return seen


def test_a_whole_day(server: Server, bridge_webcam: Path, shots,
                     tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    from spinecoach.synth import render_clip

    clip = tmp_path / "recorded-bridges.mp4"
    truth = render_clip("bridge", "good", clip, repetitions=2)
    with sync_playwright() as p:
        browser = launch(p, ["--use-fake-ui-for-media-stream",
                             "--use-fake-device-for-media-stream",
                             f"--use-file-for-fake-video-capture={bridge_webcam}"])
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        server.sign_in(page)  # the one-time link serve printed
        blocked = watch_policy(page)
        _screen_and_baseline(page, server, shots)
        _details(page, server, shots)
        plan = {i["exercise"]["id"]: i for i in
                page.request.get(server.url + "/api/today").json()["items"]}
        page.goto(server.url + "/today")
        page.click("#start-session")
        page.wait_for_selector("#checkin-form")
        before_prefilled = (page.input_value("#back_pain"), page.input_value("#leg_pain"))
        page.click("#checkin-form button[type=submit]")  # the baseline's answers stand
        page.wait_for_url(re.compile(r"/session/\d+$"))
        session_url = page.url

        # bridges with the camera: two sets, a rest between them that "I'm ready" ends
        page.click("#plan-bridge >> text=With camera")
        page.wait_for_function(
            "() => document.getElementById('tracking').textContent === 'I can see you'",
            timeout=90_000)
        page.click("#start-set")
        first = _camera_set(page, shots, 1)
        page.wait_for_selector("#coach[data-stage=rest]", timeout=60_000)
        shots(page, "05b-rest")
        set_line = page.text_content("#set-no")
        page.click("#skip-rest")  # "I'm ready": the next set's countdown starts by itself
        second = _camera_set(page, shots, 2) if plan["bridge"]["sets"] >= 2 else first
        page.wait_for_selector("#exercise-complete", timeout=60_000)
        complete_text = _text(page, "#exercise-complete")
        shots(page, "09-exercise-complete")
        camera_off = page.evaluate("() => document.getElementById('video').srcObject === null")
        next_step = (_text(page, "#next-exercise"), page.get_attribute("#next-exercise", "href"),
                     page.get_attribute("#next-other-mode", "href"))
        page.click("#to-session")
        page.wait_for_url(session_url)
        hub = _text(page, "#plan-bridge")
        shots(page, "10-session-after-bridges")

        # planks without the camera: one hold typed in
        page.click("#plan-plank >> text=Without camera")
        page.click("#timer-start")
        page.wait_for_function(
            "() => document.getElementById('timer-phase').textContent === 'Hold'",
            timeout=30_000)
        timer_unit = _text(page, "#timer-unit")
        shots(page, "11-plank-timer")
        page.click("#timer-done")
        page.fill("#manual-reps", "1")
        page.fill("#manual-hold", "10")
        page.fill("#manual-pain", "3")
        page.click("#manual-form button[type=submit]")
        page.wait_for_selector("#set-feel:not([hidden])")
        page.fill("#leg_pain", "1")
        page.check("input[name=spreading][value=no]")
        page.click("#set-feel button[type=submit]")
        page.wait_for_selector("#timer-result:not([hidden])")
        page.wait_for_selector("#set-feel", state="hidden")
        page.goto(session_url)

        # after the session
        page.click("#finish-session")
        page.wait_for_selector("#checkin-form")
        page.fill("#back_pain", "3")
        page.fill("#leg_pain", "1")
        page.click("#checkin-form button[type=submit]")
        page.wait_for_url(re.compile(r"/summary/\d+$"))
        page.wait_for_selector("#summary-notes:not([hidden])")
        summary = _text(page, "main")
        notes_tone = page.get_attribute("#summary-notes", "class") or ""
        shots(page, "12-summary")

        page.goto(server.url + "/history")
        page.wait_for_selector("#notes-card:not([hidden])")
        page.wait_for_load_state("networkidle")
        notes = _text(page, "#notes")
        shots(page, "13-history")
        page.goto(server.url + "/api/report.html")
        report = _text(page, "body")
        shots(page, "14-report")
        pdf = page.request.get(server.url + "/api/report.pdf", timeout=60_000).body()
        assert httpx.get(server.url + "/api/report.pdf", timeout=60).status_code == 401

        # a recorded video, checked and saved to the history
        page.goto(server.url + "/upload")
        page.select_option("#exercise", "bridge")
        page.set_input_files("#video-file", str(clip))
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("#upload-result:not([hidden])", timeout=300_000)
        video_result = _text(page, "#upload-result")
        page.wait_for_function(  # the annotated H.264 copy plays in the page
            "() => { const v = document.getElementById('result-video');"
            " return v && v.readyState >= 1 && v.duration > 0 && v.videoWidth > 0; }",
            timeout=30_000)
        timeline_bars = page.locator("#result-timeline rect").count()
        shots(page, "15-video-result")
        page.click("#save-analysis")
        page.wait_for_selector("#save-result:not([hidden])")
        saved_text = _text(page, "#save-result")
        shots(page, "16-video-saved")
        browser.close()

    assert blocked == [], "the pages broke their own content security policy"
    bridge_sets, plank_sets = plan["bridge"]["sets"], plan["plank"]["sets"]
    planned_sets = sum(item["sets"] for item in plan.values())
    # the check-ins: asked before and after; the baseline's answers carried into "before"
    assert before_prefilled == ("4", "2")
    # the live flow
    for seen in (first, second):
        assert "Get into position" in seen["countdown"] and "Press Start set" not in seen[
            "countdown"]
        assert seen["countdown_reps"] == "0"  # set 2's countdown no longer shows set 1's count
    assert first["countdown"].startswith("Set 1 of") and set_line == "2"
    assert camera_off
    # "exercise complete" leads on to the plan's next exercise (in the same mode, or not)
    order = list(plan)
    after = order[order.index("bridge") + 1]
    session_path = session_url.removeprefix(server.url)
    assert next_step == (f"Next: {plan[after]['exercise']['name']}",
                         f"{session_path}/coach/{after}", f"{session_path}/timer/{after}")
    assert f"Done today: {bridge_sets} of {bridge_sets} sets" in hub
    assert "seconds left to hold" in timer_unit

    repo = open_repository(load_settings({"SPINECOACH_DATA_DIR": str(server.data_dir)}))
    user = repo.find_user("me")
    assert user is not None and user.id is not None
    live, video = sorted(repo.sessions(user.id), key=lambda s: s.mode is SessionMode.VIDEO)
    sets = repo.sets_of(live.id or 0)
    bridges = [s for s in sets if s.exercise_id == "bridge"]
    assert len(bridges) == bridge_sets and all(s.reps_done for s in bridges)
    # the webcam clip has fewer reps than the plan: "complete" says so, not "all done"
    planned_reps = plan["bridge"]["reps"] * bridge_sets
    done_reps = sum(s.reps_done or 0 for s in bridges)
    assert done_reps < planned_reps
    assert f"with {done_reps} of the {planned_reps} planned reps" in complete_text
    assert [(s.exercise_id, s.reps_done, s.hold_done_s) for s in sets
            if s.exercise_id == "plank"] == [("plank", 1, 10.0)]
    checkins = [(c.when, c.back_pain, c.leg_pain) for c in repo.checkins(user.id)]
    assert checkins[0] == (CheckInWhen.BEFORE, 4, 2) and checkins[-1] == (CheckInWhen.AFTER, 3, 1)
    assert all(c[1:] == (3, 1) for c in checkins if c[0] is CheckInWhen.DURING)

    # summary, history and report say the same, with names, never ids
    done_sets = bridge_sets + 1
    day = (f"Today you did 2 of 4 exercises ({done_sets} of {planned_sets} sets). "
           "Not done: Supine hip hinges (heel taps), Ball wall squats.")
    assert day in summary
    assert "Pain 0 to 3 is fine" in summary  # pain 3 after: green, not an amber warning
    assert notes_tone.split() == ["notice", "ok"], notes_tone
    assert f"Bridges, set 1 of {bridge_sets}" in summary
    assert f"Prone elbow planks, set 1 of {plank_sets}" in summary
    together = f"2 of 4 planned exercises and {done_sets} of {planned_sets} sets done"
    for text in (notes, report):
        assert "Back pain 4 \u2192 3" in text and "Leg pain 2 \u2192 1" in text
        assert together in text
    assert "Patient: Ann Example" in report and "For: Dr Lee (lee@example.org)" in report
    assert not re.search(r"\b(ball-squat|hip-hinge)\b", report + summary + notes)
    assert pdf.startswith(b"%PDF")

    # the recorded video: the clip's truth, shown and saved
    assert f"{truth.reps} repetitions" in video_result
    assert timeline_bars >= truth.reps
    assert "Saved to your history" in saved_text
    (video_set,) = repo.sets_of(video.id or 0)
    assert video.mode is SessionMode.VIDEO and video_set.reps_done == truth.reps
    left = [p.name for p in (server.data_dir / "uploads").glob("*")]
    assert all(name.endswith(".annotated.mp4") for name in left)  # the upload itself is gone
