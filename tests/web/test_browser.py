"""The tumour-board pages in a real browser: Playwright driving Debian's Chromium against a
real `osseous serve` process. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("OSSEOUS_REQUIRE_BROWSER") != "1",
    reason="Debian's chromium is not installed (scripts/ensure-browser installs it)")


def _sign_in(page: object, base: str) -> None:
    page.goto(base + "/app/cases")  # type: ignore[attr-defined]
    page.get_by_label("Username").fill("demo")  # type: ignore[attr-defined]
    page.get_by_label("Password").fill("demo-osseous")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/app/cases")  # type: ignore[attr-defined]


def test_a_board_session_end_to_end(server: str, browser: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800},  # type: ignore[attr-defined]
                                  accept_downloads=True)
    page = context.new_page()
    _sign_in(page, server)
    assert page.get_by_role("link", name="demo-breast-01").is_visible()

    # a new case with one spinal and one femoral lesion
    page.get_by_role("link", name="New case").click()
    page.fill("#f-id", "e2e-case")
    page.fill("#f-pseudonym", "P-E2E")
    page.fill("#f-patient-age-years", "abc")  # bad input first
    page.select_option("#f-cancer-primary", "breast")
    page.get_by_role("button", name="Save and assess").click()
    error = page.locator("#f-patient-age-years-err")
    assert "whole number" in error.inner_text()
    assert page.input_value("#f-patient-age-years") == "abc"  # nothing the user typed is lost
    assert page.input_value("#f-id") == "e2e-case"
    page.fill("#f-patient-age-years", "61")
    page.fill("#f-patient-weight-kg", "70")
    page.select_option("#f-patient-sex", "female")
    page.select_option("#f-patient-ecog", "1")
    page.select_option("#f-patient-surgical-candidate", "yes")
    page.fill("#f-patient-estimated-survival-months", "18")
    spine = "#f-lesions-0-"
    page.fill(spine + "id", "L1")
    page.select_option(spine + "levels", ["L1"])
    page.select_option(spine + "pain-character", "mechanical")
    page.fill(spine + "worst-pain", "7")
    page.select_option(spine + "appearance", "lytic")
    page.select_option(spine + "alignment", "normal")
    page.select_option(spine + "collapse", "under-50")
    page.select_option(spine + "posterolateral", "unilateral")
    page.select_option(spine + "escc", "1b")
    page.select_option(spine + "neurological-deficit", "none")
    femur = "#f-lesions-1-"
    page.fill(femur + "id", "left-femur")
    page.select_option(femur + "site", "femur")
    page.fill(femur + "region", "peritrochanteric")
    page.select_option(femur + "pain-severity", "functional")
    page.fill(femur + "worst-pain", "6")
    page.select_option(femur + "appearance", "lytic")
    page.select_option(femur + "size-fraction", ">2/3")
    page.get_by_role("button", name="Save and assess").click()
    page.wait_for_url("**/app/cases/e2e-case")

    # the scores and the plan
    body = page.locator("main").inner_text()
    assert "SINS 11: potentially unstable" in body
    assert "Mirels score 12: high fracture risk" in body
    assert "Impending" in body and "Problems, most urgent first" in body
    page.screenshot(path=str(ARTIFACTS / "assessment-1280x800.png"), full_page=True)

    # a decision: nothing is chosen for the user
    option = page.locator("li.option").first
    option.locator("details.decide summary").click()
    form = option.locator("form.decision")
    assert form.locator("input[name=decision]:checked").count() == 0
    form.get_by_label("accepted", exact=True).check()
    form.locator("input[name=specialty]").fill("radiation oncology")
    form.get_by_role("button", name="Record decision").click()
    page.wait_for_url("**/app/cases/e2e-case#problem-*")
    assert "Accepted on" in page.locator("li.option").first.inner_text()
    assert "accepted" in page.locator("#decisions").inner_text()

    # follow-up: a radiotherapy course and two pain assessments
    page.get_by_role("link", name="Follow-up").click()
    page.fill("#rt-date", "2026-10-01")
    page.select_option("#rt-lesion", "L1")
    page.fill("#rt-dose", "8")
    page.fill("#rt-fx", "1")
    page.get_by_role("button", name="Add course").click()
    for when, pain in (("2026-09-30", "7"), ("2026-11-01", "2")):
        page.fill("#p-date", when)
        page.select_option("#p-lesion", "L1")
        page.fill("#p-pain", pain)
        page.fill("#p-omed", "60")
        page.get_by_role("button", name="Add pain assessment").click()
    assert page.locator("svg.chart").count() == 1
    assert "partial" in page.locator("main").inner_text()

    # the board summary PDF
    page.get_by_role("link", name="Back to the assessment").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Board summary (PDF)").click()
    pdf_path = ARTIFACTS / "board-summary.pdf"
    info.value.save_as(str(pdf_path))
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages)
    assert "Tumour board summary" in text and "e2e-case" in text and "accepted" in text

    # the patient summary, and a tablet-width view
    page.get_by_role("link", name="Patient summary").click()
    assert "Your care plan" in page.locator("h1").inner_text()
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(server + "/app/cases/e2e-case")
    page.screenshot(path=str(ARTIFACTS / "assessment-768x1024.png"), full_page=True)
    assert (ARTIFACTS / "assessment-1280x800.png").stat().st_size > 10_000
    context.close()


def test_keyboard_sign_in_and_no_access_without_it(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/app/cases/demo-breast-01")
    assert "/app/login" in page.url
    page.keyboard.press("Tab")  # the skip link, then the form by keyboard alone
    page.focus("#username")
    page.keyboard.type("demo")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-osseous")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url and url.endswith("/demo-breast-01"))
    page.wait_for_load_state("load")
    labels_missing = page.evaluate(
        "() => [...document.querySelectorAll('input:not([type=hidden]), select')]"
        ".filter(e => !e.labels || e.labels.length === 0).map(e => e.name)")
    assert labels_missing == []
    page.close()


def test_filters_update_the_list_in_place(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    _sign_in(page, server)
    page.select_option("#primary", "myeloma")  # HTMX swaps the table without a reload
    page.wait_for_function("() => document.querySelector('#case-table caption')"
                           ".textContent.startsWith('1 case')")
    assert "myeloma-hypercalcemia" in page.locator("#case-table").inner_text()
    assert "primary=myeloma" in page.url
    page.close()


def test_triage_in_the_browser(server: str, browser: object) -> None:
    from osseous.plan.triage import QUESTIONS

    page = browser.new_page()  # type: ignore[attr-defined]
    _sign_in(page, server)
    page.get_by_role("link", name="Symptom triage").click()
    page.wait_for_url("**/app/triage")
    question = page.get_by_role("group", name=QUESTIONS["bladder_or_bowel_change"])
    assert question.get_by_label("Not asked").is_checked()  # nothing is assumed
    question.get_by_label("Yes").check()
    page.get_by_role("group", name=QUESTIONS["thirst"]).get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Triage these answers").click()
    page.wait_for_load_state("load")
    result = page.locator("#triage-result")
    assert result.get_attribute("role") == "alert"
    overall = result.locator(".overall")
    assert overall.evaluate("e => getComputedStyle(e).fontSize") == "32px"  # large words
    assert "emergency" in overall.inner_text().lower()  # shown in capitals
    text = result.inner_text().lower()
    assert "suspected spinal cord compression" in text and "mri of the whole spine" in text
    assert "unknown is not no" in text
    assert QUESTIONS["limb_weakness"].lower() in text  # not yet asked
    # the answers stay as they were given, and every control has a label
    assert page.get_by_role("group", name=QUESTIONS["bladder_or_bowel_change"]).get_by_label(
        "Yes").is_checked()
    labels_missing = page.evaluate(
        "() => [...document.querySelectorAll('input:not([type=hidden]), select')]"
        ".filter(e => !e.labels || e.labels.length === 0).map(e => e.name)")
    assert labels_missing == []
    page.close()


def test_patient_information_prints_without_the_menus(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    _sign_in(page, server)
    page.get_by_role("link", name="Patient information").click()
    page.get_by_role("link", name="Radiotherapy: X-rays that are aimed at the bone to treat "
                                  "it").click()
    page.wait_for_url("**/app/information/radiotherapy")
    assert page.get_by_role("navigation", name="Main").is_visible()
    page.emulate_media(media="print")
    assert page.get_by_role("heading", level=1).is_visible()
    assert not page.locator("header.top").is_visible()
    assert not page.locator(".no-print").is_visible()
    page.close()


def test_analytics_page_shows_its_plots(server: str, browser: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    _sign_in(page, server)
    page.get_by_role("link", name="Analytics").click()
    page.wait_for_url("**/app/analytics")
    page.get_by_role("link", name="synthetic demonstration cohort").click()
    page.wait_for_url("**/app/analytics?source=synthetic")
    images = page.locator("img.chart")
    assert images.count() >= 5
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
        # a decoded image has a natural width; a broken one has 0
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=images.nth(i).element_handle(), timeout=30_000)
    assert page.get_by_role("table").first.is_visible()
    assert page.get_by_text("Harrell's C").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "analytics.png"), full_page=True)
    context.close()
