"""One patient's day through the API: the summary, the history and the report say the same."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_exercise_complete_leads_to_the_next_exercise_with_sets_left(
        screened: TestClient) -> None:
    plan = _plan(screened)
    order = list(plan)
    sid = screened.post("/api/sessions").json()["id"]
    _checkin(screened, "before", 2, 1, sid)

    def next_of(exercise: str) -> str | None:
        page = screened.get(f"/session/{sid}/timer/{exercise}").text
        found = re.search(r'data-next-id="([^"]*)"', page)
        assert found is not None
        return found.group(1) or None

    first, last = order[0], order[-1]
    assert next_of(first) == order[1]
    assert next_of(last) == first  # wraps round to one not done yet
    for exercise in order[1:]:  # everything but the first done in full
        for _ in range(plan[exercise]):
            body = {"exercise_id": exercise, "reps": 5, "hold_s": [3.0]}
            if exercise == "plank":
                body = {"exercise_id": exercise, "reps": 1, "hold_s": [10.0]}
            response = screened.post(f"/api/sessions/{sid}/manual-sets", json=body)
            assert response.status_code == 201, response.text
    assert next_of(order[1]) == first
    assert next_of(first) is None  # the last one left: the page offers the after check-in


def _checkin(client: TestClient, when: str, back: int, leg: int,
             session_id: int | None = None) -> None:
    body: dict[str, object] = {"when": when, "back_pain": back, "leg_pain": leg,
                               "leg_extent": "thigh"}
    if session_id is not None:
        body["session_id"] = session_id
    response = client.post("/api/checkins", json=body)
    assert response.status_code == 200, response.text


def _bridge_sets(client: TestClient, sid: int, n: int) -> None:
    for _ in range(n):
        response = client.post(f"/api/sessions/{sid}/manual-sets",
                               json={"exercise_id": "bridge", "reps": 8, "hold_s": [3]})
        assert response.status_code == 201, response.text


def _plan(client: TestClient) -> dict[str, int]:
    return {i["exercise"]["id"]: i["sets"] for i in client.get("/api/today").json()["items"]}


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_day_reads_the_same_in_summary_history_and_report(screened: TestClient) -> None:
    plan = _plan(screened)
    planned_sets = sum(plan.values())
    _checkin(screened, "baseline", 4, 2)
    sid = screened.post("/api/sessions").json()["id"]
    _checkin(screened, "before", 4, 2, sid)
    _bridge_sets(screened, sid, plan["bridge"])
    _checkin(screened, "after", 3, 1, sid)
    summary = screened.post(f"/api/sessions/{sid}/finish").json()

    day = summary["day"]
    assert (day["exercises_done"], day["exercises_planned"]) == (1, len(plan))
    assert (day["sets_done"], day["sets_planned"]) == (plan["bridge"], planned_sets)
    assert day["skipped"] == ["Supine hip hinges (heel taps)", "Prone elbow planks",
                              "Ball wall squats"]
    sentence = (f"Today you did 1 of 4 exercises ({plan['bridge']} of {planned_sets} sets). "
                "Not done: Supine hip hinges (heel taps), Prone elbow planks, Ball wall squats.")
    assert day["text"] == sentence
    assert [s["label"] for s in summary["sets"]] == [
        f"Bridges, set {n} of {plan['bridge']}" for n in range(1, plan["bridge"] + 1)]

    page = _text(screened.get(f"/summary/{sid}").text)
    assert sentence in page
    assert "Back pain 4 \u2192 3 \u00b7 leg pain 2 \u2192 1" in page
    assert f"Bridges, set 1 of {plan['bridge']}" in page
    assert f"Well done: all {plan['bridge']} sets of Bridges." in page  # what went well
    assert "Well done: all" not in page.replace("Well done: all " f"{plan['bridge']} sets of "
                                                "Bridges.", "")

    during = {"when": "during", "session_id": sid, "exercise_id": "bridge", "back_pain": 5,
              "leg_pain": 4, "leg_extent": "thigh"}  # a quick check between sets
    assert screened.post("/api/checkins", json=during).status_code == 200
    history = screened.get("/api/history").json()
    # the pain chart and the trend read the same check-ins: before and after, not during
    assert [p["value"] for p in history["back_pain"]] == [4, 4, 3]
    notes = " ".join(history["notes"])
    assert "Back pain 4 \u2192 3 (-1 point" in notes
    assert "Leg pain 2 \u2192 1 (-1 point" in notes
    together = (f"1 of 4 planned exercises and {plan['bridge']} of {planned_sets} sets done")
    assert together in notes
    assert "Not done: Supine hip hinges (heel taps), Prone elbow planks, Ball wall squats." \
        in notes

    report = _text(screened.get("/api/report.html").text)
    assert "Back pain 4 \u2192 3 (-1 point" in report and "Leg pain 2 \u2192 1" in report
    assert together in report
    for exercise_id in ("ball-squat", "hip-hinge"):
        assert exercise_id not in report


def test_a_second_session_on_the_same_day_remembers_what_is_done(screened: TestClient) -> None:
    plan = _plan(screened)
    first = screened.post("/api/sessions").json()["id"]
    _checkin(screened, "before", 2, 1, first)
    _bridge_sets(screened, first, 1)
    _checkin(screened, "after", 2, 1, first)
    screened.post(f"/api/sessions/{first}/finish")

    second = screened.post("/api/sessions").json()["id"]
    _checkin(screened, "before", 2, 1, second)
    hub = _text(screened.get(f"/session/{second}").text)
    assert f"Done so far today: 1 of {plan['bridge']} sets" in hub
    assert plan["bridge"] >= 2
    for mode in ("coach", "timer"):  # the set pages carry on from set 2
        page = screened.get(f"/session/{second}/{mode}/bridge").text
        assert 'data-first-set="2"' in page and '<span id="set-no">2</span>' in page
        assert f"1 of {plan['bridge']} sets already done today: carry on with set 2." in page
    _bridge_sets(screened, second, 1)
    summary = screened.get(f"/api/sessions/{second}").json()
    assert summary["sets"][0]["label"] == f"Bridges, set 2 of {plan['bridge']}"
    assert summary["day"]["sets_done"] == 2


def test_a_plank_row_in_the_summary_shows_its_hold_not_a_rep_count(
        screened: TestClient) -> None:
    sid = screened.post("/api/sessions").json()["id"]
    _checkin(screened, "before", 2, 1, sid)
    response = screened.post(f"/api/sessions/{sid}/manual-sets",
                             json={"exercise_id": "plank", "reps": 1, "hold_s": [12.0]})
    assert response.status_code == 201, response.text
    _bridge_sets(screened, sid, 1)
    rows = {_text(r).split(",")[0]: _text(r) for r in
            re.findall(r"<tr>.*?</tr>", screened.get(f"/summary/{sid}").text, re.S)}
    assert re.search(r"by hand – 12\.0 s", rows["Prone elbow planks"])
    assert re.search(r"by hand 8 3\.0 s", rows["Bridges"])
