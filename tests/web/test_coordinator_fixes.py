"""What a tumour-board coordinator stumbled on, driving the pages: each fix held here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.registry import security
from osseous.registry.db import Database
from tests.web.test_pages import csrf, sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "osseous" / "web" / "templates"
DAY = (date.today() + timedelta(days=5)).isoformat()


@pytest.fixture
def coordinator(db: Database) -> Iterator[TestClient]:
    seed_demo(db)
    with db.session() as s:
        security.create_user(s, "coord", "correct horse battery", "coordinator")
    with TestClient(create_app(db)) as c:
        sign_in(c, "coord", "correct horse battery")
        yield c


def test_no_template_has_inline_script() -> None:
    """The Content-Security-Policy (script-src 'self') refuses inline handlers: the "Open the
    meeting of" form relied on one and sent people to a 400."""
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text()
        assert not re.search(r"\son[a-z]+=", text), path.name
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path.name


def test_open_the_meeting_of_a_date(coordinator: TestClient) -> None:
    r = coordinator.get("/app/board/go", params={"day": DAY}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/app/board/{DAY}"
    assert coordinator.get("/app/board/go", params={"day": "next friday"}).status_code == 400
    page = coordinator.get("/app/board").text
    assert 'action="/app/board/go"' in page and 'name="day"' in page


def test_an_unknown_case_on_the_agenda_is_named_on_the_page(coordinator: TestClient) -> None:
    page = coordinator.get(f"/app/board/{DAY}").text
    offered = re.findall(r'<option value="([^"]+)">', page.split('id="cases-offered"')[1])
    assert "renal-mescc" in offered and offered[0] in ("renal-mescc", "myeloma-hypercalcemia",
                                                       "hypocalcemia-denosumab-renal")
    r = coordinator.post(f"/app/board/{DAY}/agenda", data={
        "csrf": csrf(coordinator, f"/app/board/{DAY}"), "case_id": "renal mescc"})
    assert r.status_code == 404 and "No case is named" in r.text and "Agenda" in r.text
    r = coordinator.post(f"/app/board/{DAY}/agenda", data={
        "csrf": csrf(coordinator, f"/app/board/{DAY}"), "case_id": "renal-mescc"})
    assert r.status_code == 200 and "renal-mescc" in r.text
    after = coordinator.get(f"/app/board/{DAY}").text
    assert '<option value="renal-mescc">' not in after  # on the agenda: no longer offered


def test_the_list_says_how_urgent_each_case_is(coordinator: TestClient) -> None:
    page = coordinator.get("/app/cases").text
    rows = re.findall(r'<tr class="rank-(\d)">\s*<td>(.*?)</td>.*?<td class="alert-text">(.*?)'
                      r'</td>', page, re.S)
    words = {"0": "emergency", "1": "urgent", "2": "routine", "3": "nothing open"}
    assert rows
    for rank, cell, _alert in rows:
        urgency = re.sub(r"<[^>]+>", "", cell).strip()  # the words shown
        assert urgency == words[rank], (rank, urgency)
    assert any("Critical alert:" in alert for _, _, alert in rows)


def test_a_coordinator_follows_and_marks_discussed_but_does_not_decide(
        coordinator: TestClient) -> None:
    coordinator.post(f"/app/board/{DAY}/agenda", data={
        "csrf": csrf(coordinator, f"/app/board/{DAY}"), "case_id": "renal-mescc"})
    step = coordinator.get(f"/app/board/{DAY}/case/1").text
    assert "decisions are recorded by a clinician" in step
    assert "Discussed: back to the agenda" in step and 'name="decision"' not in step
    r = coordinator.post(f"/app/board/{DAY}/case/1/discussed",
                         data={"csrf": csrf(coordinator, f"/app/board/{DAY}/case/1")},
                         follow_redirects=False)
    assert r.status_code == 303
    assert "discussed" in coordinator.get("/app/cases", params={"q": "renal-mescc"}).text


def test_laboratory_results_in_words(coordinator: TestClient) -> None:
    page = coordinator.get("/app/cases/renal-mescc").text
    labs = page.split("Latest laboratory results")[1].split("</table>")[0]
    assert ">LDH<" in labs and ">CRP<" in labs and ">INR<" in labs
    assert "×10³/µL" in labs and "10*3" not in labs and ">ldh<" not in labs


def test_after_a_decision_the_page_returns_to_that_problem(db: Database) -> None:
    """Recording a decision sent the board back to the top of the problems, whatever the
    problem decided; it now returns to that problem's place on the page."""
    seed_demo(db)
    with TestClient(create_app(db)) as c:
        sign_in(c)
        page = c.get("/app/cases/renal-mescc").text
        form = page.split('class="decision"')[2]  # the second option's form
        fields = dict(re.findall(r'name="(recommendation_id|lesion|problem)" value="([^"]*)"',
                                 form))
        r = c.post("/app/cases/renal-mescc/decisions", data={
            **fields, "decision": "accepted", "csrf": csrf(c, "/app/cases/renal-mescc")},
            follow_redirects=False)
        assert r.status_code == 303
        anchor = r.headers["location"].split("#")[1]
        assert anchor.startswith("problem-") and f'id="{anchor}"' in page
