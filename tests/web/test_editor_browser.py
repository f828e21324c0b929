"""The editor's rows in Debian's Chromium: rows of labs, medicines, pain assessments and
lesions are added and removed in the browser without a request to the server, and saved in
one go; without script the same buttons still add rows through the server."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.web.test_browser import ARTIFACTS, CHROMIUM, _sign_in

pytestmark = pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(),
                                reason="no chromium")
CASE = "demo-breast-01"


def _requests_to_the_app(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(f"{r.method} {r.url}")
            if "/app/" in r.url else None)
    return seen


def test_rows_are_added_and_removed_without_the_server(server: str, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, server)
    page.goto(f"{server}/app/cases/{CASE}/edit")
    seen = _requests_to_the_app(page)
    today = date.today().isoformat()

    page.get_by_role("button", name="Add calcium, albumin and creatinine").click()
    for k, analyte in enumerate(("calcium", "albumin", "creatinine")):
        assert page.locator(f"select[name='labs[{3 + k}].analyte']").input_value() == analyte
    # the cursor is on the first new value; its label is tied to it (ids are unique)
    assert page.evaluate("document.activeElement.name") == "labs[3].value"
    assert page.locator("label[for='f-labs-3-value']").count() == 1
    for k, (value, unit) in enumerate((("9.1", "mg/dL"), ("3.9", "g/dL"), ("0.9", "mg/dL"))):
        page.fill(f"input[name='labs[{3 + k}].value']", value)
        page.select_option(f"select[name='labs[{3 + k}].unit']", unit)
        page.fill(f"input[name='labs[{3 + k}].date']", today)

    page.get_by_role("button", name="Add a medicine").click()
    page.fill("input[name='medications[2].drug']", "paracetamol")
    page.select_option("select[name='medications[2].status']", "active")

    # the blank pain row is row 0; a second one is added
    page.get_by_role("button", name="Add a pain assessment").click()
    for i, (pain, omed) in enumerate((("7", "30"), ("4", "30"))):
        when = (date.today() - timedelta(days=30 * (1 - i))).isoformat()
        page.fill(f"input[name='pain_assessments[{i}].date']", when)
        page.fill(f"input[name='pain_assessments[{i}].lesion']", "L1")
        page.fill(f"input[name='pain_assessments[{i}].worst_pain']", pain)
        page.fill(f"input[name='pain_assessments[{i}].omed_mg_per_day']", omed)

    page.get_by_role("button", name="Add a spinal lesion").click()
    added = page.locator(".row.lesion").last
    assert added.locator("h3").inner_text() == "Spinal lesion" and added.is_visible()
    added.get_by_role("button", name="Remove this lesion").click()
    assert not added.is_visible()

    letrozole = page.locator(".row", has=page.locator("input[value='letrozole']"))
    letrozole.get_by_role("button", name="Remove this row").click()
    assert not letrozole.is_visible()
    assert "Nothing is saved until" in page.locator("#rows-status").inner_text()
    page.screenshot(path=str(ARTIFACTS / "editor-rows-1280.png"), full_page=True)
    assert seen == [], seen  # not one request to the server so far

    page.get_by_role("button", name="Save and assess").click()
    page.wait_for_url(f"**/app/cases/{CASE}")
    page.goto(f"{server}/app/cases/{CASE}/edit")
    assert page.locator("input[value='letrozole']").count() == 0
    assert page.locator("input[value='paracetamol']").count() == 1
    assert page.locator(f"input[name^='labs['][value='{today}']").count() >= 3
    page.goto(f"{server}/app/cases/{CASE}/follow-up")
    recorded = page.locator("section[aria-labelledby='pain-h'] tbody tr")
    assert recorded.count() == 2  # both pain rows were saved, in the one save
    assert (date.today() - timedelta(days=30)).isoformat() in recorded.first.inner_text()
    context.close()


def test_without_script_the_buttons_ask_the_server(server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, server)
    page.goto(f"{server}/app/cases/{CASE}/edit")
    before = page.locator("fieldset[data-list='medications'] > .row").count()
    page.get_by_role("button", name="Add a medicine").click()
    page.wait_for_load_state()
    assert "Nothing is saved until" in page.locator("main").inner_text()
    assert page.locator("fieldset[data-list='medications'] > .row").count() == before + 1
    # the box, not the script's button, removes a row without script
    assert page.locator("button.remove-row").count() == 0
    assert page.get_by_label("remove this row").first.is_visible()
    context.close()
