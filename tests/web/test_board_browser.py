"""The board's screen in Debian's Chromium: the work queue on a fresh start, a meeting over
three cases with decisions captured, what the patient summary says after a decline, the PDFs
(text checked, every page rendered to PNG), the calculators against the CLI, and the layout at
390, 768 and 1440 px (screenshots kept in test-artifacts/)."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from osseous.cli.main import app as cli
from tests.leaks import leaks
from tests.web.test_browser import ARTIFACTS, CHROMIUM, _sign_in
from tests.web.test_calculators import CASES, FORMULA_CASES, _pain_case

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no chromium")
WIDTHS = ((390, 844), (768, 1024), (1440, 900))
BOARD = (date.today() + timedelta(days=7)).isoformat()


def _page(browser: Any, server: str, width: int = 1440, height: int = 900) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height},
                                  accept_downloads=True)
    page = context.new_page()
    _sign_in(page, server)
    return page


def _pdf_text_and_pngs(path: Path, stem: str) -> str:
    """The PDF's text; each page rendered to PNG beside it (looked at, and kept)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(ARTIFACTS / stem)],
                   check=True, timeout=120)
    pngs = sorted(ARTIFACTS.glob(f"{stem}-*.png"))
    assert len(pngs) == len(reader.pages) and all(p.stat().st_size > 5_000 for p in pngs)
    return "\n".join(p.extract_text() for p in reader.pages)


def test_a_fresh_start_shows_the_critical_case_first(server: str, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser, server)
    first = page.locator("table.queue tbody tr").first
    assert "emergency" in first.locator("td").first.inner_text().lower()
    assert "critical alert" in first.inner_text().lower()
    text = first.inner_text()
    assert "not yet assessed" not in page.locator("table.queue").inner_text()
    assert re.search(r"compression|calcium", text, re.I)
    page.context.close()


def test_a_board_meeting_over_three_cases(server: str, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser, server)
    page.goto(f"{server}/app/board/{BOARD}")
    for case_id, presenter in (("renal-mescc", "Dr Ahmed"), ("demo-breast-01", "Dr Berg"),
                               ("myeloma-hypercalcemia", "Dr Chen")):
        page.fill("#add-case", case_id)
        page.fill("#add-presenter", presenter)
        page.get_by_role("button", name="Add to the agenda").click()
        page.wait_for_load_state("load")
    page.fill("#chair", "Dr Dahl")
    page.fill("#attendees", "Dr Ahmed, radiation oncology\nDr Berg, medical oncology\n"
                            "Dr Chen, spinal surgery\nN. Evans, nurse coordinator")
    page.get_by_role("button", name="Save attendees").click()
    page.wait_for_load_state("load")
    assert page.locator("table.list tbody tr").count() == 3
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"board-agenda-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})

    page.get_by_role("link", name="Start the meeting: case 1").click()
    seen = []
    for step in range(1, 4):
        page.wait_for_url(f"**/app/board/{BOARD}/case/{step}*")
        seen.append(page.locator("h1").inner_text().split()[0])
        assert f"Case {step} of 3" in page.locator("nav.meeting-bar").inner_text()
        option = page.locator("li.option").first
        title = option.locator(".opt-head strong").inner_text()
        option.locator("details.decide summary").click()
        form = option.locator("form.decision")
        if step == 2:  # a decline needs a reason: refused first, message by the field
            form.get_by_label("declined", exact=True).check()
            form.get_by_role("button", name="Record decision").click()
            page.wait_for_load_state("load")
            error = page.locator(".error-summary").first
            assert "Reason" in error.inner_text() and error.is_visible()
            assert page.evaluate("document.activeElement.name") == "reason"
            form = page.locator("form.decision:has(.error-summary)")
            form.locator("input[name=reason]").fill("patient prefers to wait")
        else:
            form.get_by_label("accepted", exact=True).check()
        form.locator("input[name=owner]").fill("Dr Ahmed")
        form.get_by_role("button", name="Record decision").click()
        page.wait_for_url(f"**/app/board/{BOARD}/case/{step}#problem-*")
        decided = page.locator("li.option").first.locator(".decided").inner_text()
        assert date.today().isoformat() in decided and "demo" in decided
        table = page.locator("#decisions").inner_text()
        assert title in table  # the option's title, not its rule id
        if step == 1:
            for width, height in WIDTHS:
                page.set_viewport_size({"width": width, "height": height})
                page.screenshot(path=str(ARTIFACTS / f"case-page-{width}.png"), full_page=False)
            page.set_viewport_size({"width": 1440, "height": 900})
        page.locator("nav.meeting-bar button").click()
    page.wait_for_url(f"**/app/board/{BOARD}")
    assert seen[0] in ("renal-mescc", "demo-breast-01", "myeloma-hypercalcemia")
    assert len(set(seen)) == 3

    # reversing a decision warns first, then records when confirmed
    page.goto(f"{server}/app/board/{BOARD}/case/1")
    option = page.locator("li.option").first
    option.locator("details.decide summary").click()
    form = option.locator("form.decision")
    form.get_by_label("declined", exact=True).check()
    form.locator("input[name=reason]").fill("new scan")
    form.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state("load")
    warning = page.locator(".warning-box")
    assert "reverses the decision of" in warning.inner_text()
    page.get_by_role("button", name="Yes, record the new decision").click()
    page.wait_for_url(f"**/app/board/{BOARD}/case/1#problem-*")
    assert "Declined on" in page.locator("li.option").first.locator(".decided").inner_text()

    # the minutes
    page.goto(f"{server}/app/board/{BOARD}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Minutes (PDF)").click()
    path = ARTIFACTS / "minutes.pdf"
    info.value.save_as(str(path))
    text = _pdf_text_and_pngs(path, "minutes")
    assert f"Tumour board minutes: {BOARD}" in text
    assert "Dr Chen, spinal surgery" in text and "Chair: Dr Dahl" in text
    assert "patient prefers to wait" in text and "declined" in text
    assert re.search(r"page 1 of \d+", text) and "printed" in text
    assert leaks(text) == []
    page.context.close()


def test_a_declined_option_is_not_offered_to_the_patient(server: str, browser: Any) -> None:
    page = _page(browser, server)
    page.goto(f"{server}/app/cases/prostate-crpc-radium")
    option = page.locator("li.option", has_text="radium-223").first
    if option.count() == 0:
        option = page.locator("li.option").nth(0)
    title = option.locator(".opt-head strong").inner_text()
    option.locator("details.decide summary").click()
    form = option.locator("form.decision")
    form.get_by_label("declined", exact=True).check()
    form.locator("input[name=reason]").fill("patient declined")
    form.get_by_role("button", name="Record decision").click()
    page.wait_for_url("**#problem-*")
    page.get_by_role("link", name="Patient summary").click()
    summary = page.locator("main").inner_text()
    assert title not in summary
    assert "Still being discussed" in summary
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"patient-summary-{width}.png"), full_page=False)

    # the board PDF of the same case says what was declined
    page.goto(f"{server}/app/cases/prostate-crpc-radium")
    with page.expect_download() as info:
        page.get_by_role("link", name="Board summary (PDF)").click()
    path = ARTIFACTS / "board-summary-declined.pdf"
    info.value.save_as(str(path))
    text = _pdf_text_and_pngs(path, "board-summary")
    assert "Tumour board summary" in text and "patient declined" in text
    assert "Latest laboratory results" in text and "Lesions" in text and "page 1 of" in text
    assert leaks(text) == []
    page.context.close()


def _cli(name: str, data: dict[str, Any], tmp: Path) -> Any:
    source = tmp / f"{name}.json"
    source.write_text(json.dumps(data))
    result = CliRunner().invoke(cli, ["score", name, "--input", str(source), "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_calculators_in_the_browser_agree_with_the_cli(server: str, browser: Any,
                                                       tmp_path: Path) -> None:
    page = _page(browser, server)
    # chosen by clicking: the result follows each choice (HTMX), no submit
    page.goto(f"{server}/app/calculators/sins")
    typed, doc = CASES["sins"]
    page.select_option("select[name='lesions[0].levels']", typed["lesions[0].levels"])
    for name, value in typed.items():
        if name.endswith(".levels"):
            continue
        page.locator(f"input[name='{name}'][value='{value}']").check()
    expected = _cli("sins", doc, tmp_path)
    page.wait_for_function(
        "t => document.querySelector('.calc-total') && "
        "document.querySelector('.calc-total').textContent.includes(t)",
        arg=str(expected["total"]))
    assert "potentially unstable" in page.locator("#result").inner_text()
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"calculator-sins-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    # the pain response, chosen and typed: the category follows without a submit
    page.goto(f"{server}/app/calculators/pain-response")
    page.select_option("select[name='pain_assessments[0].worst_pain']", "7")
    page.fill("input[name='pain_assessments[0].omed_mg_per_day']", "60")
    page.select_option("select[name='pain_assessments[1].worst_pain']", "4")
    page.fill("input[name='pain_assessments[1].omed_mg_per_day']", "60")
    expected = _cli("pain-response", _pain_case((7, 60), (4, 60)), tmp_path)
    assert expected["band"] == "partial"
    page.wait_for_function(
        "() => document.querySelector('.calc-total') && "
        "document.querySelector('.calc-total').textContent.includes('Partial response')")
    assert "SC.20 trial" in page.locator("#result").inner_text()
    page.screenshot(path=str(ARTIFACTS / "calculator-pain-response-1440.png"), full_page=True)
    # every other calculator, its inputs given as a link would give them
    from urllib.parse import urlencode

    for name, (typed, doc) in CASES.items():
        page.goto(f"{server}/app/calculators/{name}?{urlencode(typed)}")
        expected = _cli(name, doc, tmp_path)
        shown = page.locator(".calc-total").first.inner_text()
        want = expected.get("grade") if name == "escc" else expected["total"]
        want = f"{want:g}" if isinstance(want, float) else str(want)
        assert want in shown, (name, shown, want)
    from starlette.datastructures import FormData

    from osseous.web.calculators import run_formula

    for name, typed in FORMULA_CASES.items():
        page.goto(f"{server}/app/calculators/{name}?{urlencode(typed)}")
        params = run_formula(name, FormData(list(typed.items())))[1]
        expected = _cli(name, params, tmp_path)
        shown = page.locator("#result").inner_text()
        for key in ("bed_gy", "eqd2_gy", "dose_mg", "activity_mbq", "rise_mg_dl"):
            if expected.get(key) is not None:
                assert f"{expected[key]:g}" in shown, (name, key)
    page.context.close()


def test_the_case_list_at_three_widths(server: str, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in WIDTHS:
        page = _page(browser, server, width, height)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is wider than the screen at {width} px"
        hidden = page.evaluate("(() => { const w = document.querySelector('#case-table "
                               ".table-wrap'); return w.scrollWidth - w.clientWidth; })()")
        assert hidden <= 1, f"the list's columns scroll sideways at {width} px"
        page.screenshot(path=str(ARTIFACTS / f"case-list-{width}.png"), full_page=False)
        page.goto(f"{server}/app/cases/renal-mescc")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the case page is wider than the screen at {width} px"
        page.context.close()


def test_every_calculator_fits_a_phone(server: str, browser: Any) -> None:
    """Long addresses in the evidence widened six calculator pages beyond 390 px."""
    from osseous.web.calculators import FORMULA_INPUTS, SCORE_INPUTS

    page = _page(browser, server, 390, 844)
    for name in [*SCORE_INPUTS, *FORMULA_INPUTS]:
        page.goto(f"{server}/app/calculators/{name}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} is {overflow} px wider than a phone"
    page.screenshot(path=str(ARTIFACTS / "calculator-radium-223-dose-390.png"), full_page=True)
    page.context.close()


def test_every_page_fits_a_phone(server: str, browser: Any) -> None:
    """Tables of the follow-up and the analytics widened those pages beyond 390 px."""
    from tests.web.test_plain_words import EXAMPLES

    pages = ["/app/cases", "/app/board", "/app/calculators", "/app/triage",
             "/app/information", "/app/information/glossary", "/app/analytics",
             "/app/analytics?source=synthetic"]
    for case in EXAMPLES:
        pages += [f"/app/cases/{case}", f"/app/cases/{case}/follow-up",
                  f"/app/cases/{case}/patient-summary", f"/app/cases/{case}/edit"]
    page = _page(browser, server, 390, 844)
    wide = []
    for path in pages:
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            wide.append((path, overflow))
    assert wide == []
    page.context.close()
