"""The editor adds and removes rows without saving, adds a laboratory panel in one go, and
refuses a result dated after today with the message by the field and a summary on top."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.registry.db import Database
from tests.web.test_pages import csrf, sign_in


@pytest.fixture
def web(db: Database) -> Iterator[TestClient]:
    seed_demo(db)
    with TestClient(create_app(db)) as c:
        sign_in(c)
        yield c


def _editor_form(web: TestClient, case: str) -> dict[str, str]:
    """The editor's fields as the browser would send them (selected options, values)."""
    page = web.get(f"/app/cases/{case}/edit").text
    data: dict[str, str] = {
        name: html.unescape(value) for tag, name, value in re.findall(
            r'(<input[^>]*) name="([^"]+)" value="([^"]*)"', page)
        if 'type="checkbox"' not in tag}  # an unticked box is not sent
    for name, body in re.findall(r'<select[^>]* name="([^"]+)"[^>]*>(.*?)</select>', page,
                                 re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        if chosen:
            data[name] = html.unescape(chosen.group(1))
    data["csrf"] = csrf(web, f"/app/cases/{case}/edit")
    return data


def test_adding_rows_saves_nothing(web: TestClient) -> None:
    before = web.get("/app/cases/demo-breast-01").text
    data = _editor_form(web, "demo-breast-01")
    r = web.post("/app/cases/demo-breast-01/edit", data={**data, "add": "lab-panel"})
    assert r.status_code == 200 and "Nothing is saved until" in r.text
    # three new lab rows, their analytes chosen
    for k, analyte in enumerate(("calcium", "albumin", "creatinine")):
        assert re.search(rf'name="labs\[{3 + k}\]\.analyte".*?<option value="{analyte}" '
                         r'selected>', r.text, re.S)
    assert web.get("/app/cases/demo-breast-01").text.count("version 1") == before.count(
        "version 1")
    r = web.post("/app/cases/demo-breast-01/edit", data={**data, "add": "spine"})
    drawn = re.sub(r"<template.*?</template>", "", r.text, flags=re.S)  # the script's rows
    assert drawn.count("<h3>Spinal lesion</h3>") == 2


def test_a_whole_panel_in_one_save_and_a_row_removed(web: TestClient) -> None:
    data = _editor_form(web, "demo-breast-01")
    today = date.today().isoformat()
    for k, (analyte, value, unit) in enumerate((("calcium", "9.1", "mg/dL"),
                                                ("albumin", "3.9", "g/dL"),
                                                ("creatinine", "0.9", "mg/dL"))):
        data.update({f"labs[{3 + k}].analyte": analyte, f"labs[{3 + k}].value": value,
                     f"labs[{3 + k}].unit": unit, f"labs[{3 + k}].date": today})
    data["medications[1]._remove"] = "yes"  # letrozole
    r = web.post("/app/cases/demo-breast-01/edit", data=data)
    assert r.status_code == 200 and r.url.path == "/app/cases/demo-breast-01"
    doc = web.get("/app/cases/demo-breast-01/edit").text
    assert doc.count(f'value="{today}"') >= 3
    assert "letrozole" not in doc and "oxycodone" in doc


def test_a_result_after_today_is_refused_by_the_field(web: TestClient) -> None:
    data = _editor_form(web, "demo-breast-01")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    data["labs[0].date"] = tomorrow
    r = web.post("/app/cases/demo-breast-01/edit", data=data)
    assert r.status_code == 422
    assert "cannot be after today" in r.text
    assert 'id="f-labs-0-date-err"' in r.text  # next to the field
    summary = r.text[r.text.index('class="error-summary"'):]
    assert 'href="#f-labs-0-date"' in summary[:2000] and "autofocus" in r.text
    assert f'value="{tomorrow}"' in r.text  # what was typed is kept


def test_a_pain_assessment_after_today_is_refused(web: TestClient) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    r = web.post("/app/cases/demo-breast-01/follow-up", data={
        "csrf": csrf(web, "/app/cases/demo-breast-01/follow-up"), "kind": "pain",
        "date": tomorrow, "lesion": "L1", "worst_pain": "5"})
    assert r.status_code == 422 and "cannot be after today" in r.text


def test_a_pain_assessment_is_corrected_then_deleted(web: TestClient) -> None:
    url = "/app/cases/demo-breast-01/follow-up"
    web.post(url, data={"csrf": csrf(web, url), "kind": "pain", "date": "2026-11-01",
                        "lesion": "L1", "worst_pain": "6"})
    page = web.get(url).text
    assert "Pain assessment of L1: worst pain 6/10" in page  # on the timeline
    web.post(url, data={"csrf": csrf(web, url), "kind": "pain", "date": "2026-11-01",
                        "lesion": "L1", "worst_pain": "4", "replace": "0"})
    page = web.get(url).text
    assert "worst pain 4/10" in page and "worst pain 6/10" not in page
    r = web.post(f"{url}/pain/0/delete", data={"csrf": csrf(web, url)})
    assert r.status_code == 200 and "worst pain 4/10" not in r.text
    assert web.post(f"{url}/pain/7/delete", data={"csrf": csrf(web, url)}).status_code == 404


def test_pain_assessments_in_the_editor(web: TestClient) -> None:
    """Pain rows are edited with the case; a date after today is refused at the field, and a
    row's analgesics recorded elsewhere are kept when the row is saved again."""
    data = _editor_form(web, "demo-breast-01")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    data.update({"pain_assessments[0].date": tomorrow, "pain_assessments[0].lesion": "L1",
                 "pain_assessments[0].worst_pain": "6"})
    r = web.post("/app/cases/demo-breast-01/edit", data=data)
    assert r.status_code == 422 and 'id="f-pain-assessments-0-date-err"' in r.text
    assert 'href="#f-pain-assessments-0-date"' in r.text
    data["pain_assessments[0].date"] = date.today().isoformat()
    r = web.post("/app/cases/demo-breast-01/edit", data=data)
    assert r.status_code == 200 and r.url.path == "/app/cases/demo-breast-01"
    follow_up = web.get("/app/cases/demo-breast-01/follow-up").text
    assert date.today().isoformat() in follow_up
    again = _editor_form(web, "demo-breast-01")
    assert again["pain_assessments[0].worst_pain"] == "6"
    assert again["pain_assessments[0]._from"] == "0"  # tied to the stored row


def test_a_pain_assessment_offers_the_case_s_lesions(web: TestClient) -> None:
    page = web.get("/app/cases/demo-breast-01/edit").text
    offered = page.split('<datalist id="lesion-names">')[1].split("</datalist>")[0]
    assert '<option value="L1">' in offered and '<option value="left-femur">' in offered
    assert 'name="pain_assessments[0].lesion" value="" list="lesion-names"' in page
    data = _editor_form(web, "demo-breast-01")
    data.update({"pain_assessments[0].date": date.today().isoformat(),
                 "pain_assessments[0].lesion": "L9", "pain_assessments[0].worst_pain": "5"})
    r = web.post("/app/cases/demo-breast-01/edit", data=data)  # a name that is no lesion
    assert r.status_code == 422 and 'id="f-pain-assessments-0-lesion-err"' in r.text
