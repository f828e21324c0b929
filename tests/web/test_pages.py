"""The pages without a browser: sign-in, CSRF, cookies, roles, forms with bad input."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.core.validation import parse_case
from osseous.plan.engine import assess
from osseous.plan.triage import QUESTIONS
from osseous.registry import security
from osseous.registry.db import Database
from osseous.report.patient_texts import FAQ, GLOSSARY, INVESTIGATIONS, TREATMENTS, PatientText

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def web(db: Database) -> Iterator[TestClient]:
    seed_demo(db)
    with db.session() as s:
        security.create_user(s, "res", "correct horse battery", "researcher")
        security.create_user(s, "coord", "correct horse battery", "coordinator")
    with TestClient(create_app(db)) as c:
        yield c


def csrf(c: TestClient, path: str = "/app/login") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', c.get(path).text)
    assert found
    return found.group(1)


def sign_in(c: TestClient, user: str = "demo", password: str = "demo-osseous",
            lands: str = "/app/cases") -> None:
    r = c.post("/app/login", data={"csrf": csrf(c), "username": user, "password": password,
                                   "next": "/app/cases"})
    assert r.status_code == 200 and r.url.path == lands, r.text[:300]


def test_pages_need_sign_in(web: TestClient) -> None:
    r = web.get("/app/cases/demo-breast-01", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/app/login")
    assert web.get("/", follow_redirects=False).headers["location"] == "/app/cases"


def test_session_cookie_flags(web: TestClient) -> None:
    r = web.post("/app/login", data={"csrf": csrf(web), "username": "demo",
                                     "password": "demo-osseous"}, follow_redirects=False)
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("osseous_session"))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


def test_wrong_password(web: TestClient) -> None:
    r = web.post("/app/login", data={"csrf": csrf(web), "username": "demo", "password": "x"})
    assert r.status_code == 401 and "Wrong username or password" in r.text


def test_forms_need_the_csrf_token(web: TestClient) -> None:
    r = web.post("/app/login", data={"username": "demo", "password": "demo-osseous"})
    assert r.status_code == 403
    sign_in(web)
    r = web.post("/app/cases/demo-breast-01/decisions", data={
        "recommendation_id": "x", "decision": "accepted", "csrf": "forged"})
    assert r.status_code == 403 and "did not come from this site" in r.text


def test_roles_on_pages(web: TestClient) -> None:
    r = web.post("/app/login", data={"csrf": csrf(web), "username": "res",
                                     "password": "correct horse battery",
                                     "next": "/app/cases"})
    # researchers land on the aggregate analytics and have no patient pages
    assert r.status_code == 200 and r.url.path == "/app/analytics"
    assert 'href="/app/cases"' not in r.text
    assert web.get("/app/cases/demo-breast-01").status_code == 403
    assert web.get("/app/cases").status_code == 403
    web.cookies.clear()
    sign_in(web, "coord", "correct horse battery")
    assert web.get("/app/cases/demo-breast-01").status_code == 200
    r = web.post("/app/cases/new", data={"csrf": csrf(web, "/app/cases"), "id": "x"})
    assert r.status_code == 403


def test_editor_keeps_input_and_names_fields(web: TestClient) -> None:
    sign_in(web)
    token = csrf(web, "/app/cases/new")
    r = web.post("/app/cases/new", data={
        "csrf": token, "id": "bad one", "pseudonym": "P-X", "patient.karnofsky": "75",
        "patient.age_years": "sixty", "lesions[0]._kind": "spine", "lesions[0].id": "T4",
        "lesions[0].worst_pain": "12"})
    assert r.status_code == 422
    page = r.text
    assert "Nothing was saved" in page
    assert "must be a whole number" in page and "multiple of 10" in page
    assert "less than or equal to 10" in page
    assert 'value="sixty"' in page and 'value="bad one"' in page
    assert web.get("/app/cases?q=bad").text.count("bad one") == 0


def test_partial_case_is_saved_and_assessed(web: TestClient) -> None:
    sign_in(web)
    r = web.post("/app/cases/new", data={
        "csrf": csrf(web, "/app/cases/new"), "id": "partial-1", "pseudonym": "P-PARTIAL",
        "cancer.primary": "kidney", "lesions[0]._kind": "spine", "lesions[0].id": "T8",
        "lesions[0].levels": "T8"})
    assert r.status_code == 200 and r.url.path == "/app/cases/partial-1"
    assert "Missing information" in r.text and "incomplete" in r.text


def test_import_from_the_page(web: TestClient) -> None:
    sign_in(web)
    doc = json.loads((ROOT / "examples" / "cases" / "renal-mescc.json").read_text())
    doc["id"] = "imported-1"
    r = web.post("/app/import", data={"csrf": csrf(web, "/app/cases")},
                 files={"file": ("case.json", json.dumps(doc), "application/json")})
    assert r.status_code == 200 and r.url.path == "/app/cases/imported-1"
    assert "Metastatic spinal cord compression" in r.text
    bad = {**doc, "id": "imported-2", "patient": {"ecog": 9}}
    r = web.post("/app/import", data={"csrf": csrf(web, "/app/cases")},
                 files={"file": ("case.json", json.dumps(bad), "application/json")})
    assert r.status_code == 422 and "patient.ecog" in r.text


def test_case_list_filters(web: TestClient) -> None:
    sign_in(web)
    web.get("/app/cases/renal-mescc")  # shown once: its assessment is stored
    r = web.get("/app/cases", params={"severity": "critical"})
    assert "renal-mescc" in r.text and "demo-breast-01" not in r.text
    r = web.get("/app/cases", params={"primary": "myeloma"})
    assert "myeloma-hypercalcemia" in r.text and "renal-mescc" not in r.text


def test_calculator_from_a_case_and_by_hand(web: TestClient) -> None:
    sign_in(web)
    r = web.get("/app/calculators/mirels", params={"case": "demo-breast-01"})
    assert "12" in r.text and "high" in r.text
    r = web.post("/app/calculators/sins", data={
        "csrf": csrf(web, "/app/calculators/sins"), "lesions[0]._kind": "spine",
        "lesions[0].id": "x", "lesions[0].levels": "C7", "lesions[0].pain_character":
        "mechanical", "lesions[0].appearance": "lytic", "lesions[0].alignment": "subluxation",
        "lesions[0].collapse": "over-50", "lesions[0].posterolateral": "bilateral"})
    assert "<strong>18</strong>" in r.text and "unstable" in r.text


def test_follow_up_rejects_bad_numbers(web: TestClient) -> None:
    sign_in(web)
    r = web.post("/app/cases/demo-breast-01/follow-up", data={
        "csrf": csrf(web, "/app/cases/demo-breast-01/follow-up"), "kind": "pain",
        "date": "2026-11-20", "lesion": "L1", "worst_pain": "lots", "omed_mg_per_day": "60"})
    assert r.status_code == 422 and "must be a number" in r.text
    assert 'value="lots"' in r.text and 'value="60"' in r.text  # nothing typed is lost
    r = web.post("/app/cases/demo-breast-01/follow-up", data={
        "csrf": csrf(web, "/app/cases/demo-breast-01/follow-up"), "kind": "pain",
        "date": "2026-11-20", "lesion": "L1", "worst_pain": "12"})
    assert r.status_code == 422 and "less than or equal to 10" in r.text


def test_page_security_headers(web: TestClient) -> None:
    r = web.get("/app/login")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert web.get("/static/osseous.css").status_code == 200


def test_refused_decision_keeps_what_was_typed(web: TestClient) -> None:
    sign_in(web)
    page = web.get("/app/cases/demo-breast-01").text
    rec = re.search(r'name="recommendation_id" value="([^"]+)">\s*<input type="hidden" '
                    r'name="lesion" value="([^"]*)"', page)
    assert rec
    r = web.post("/app/cases/demo-breast-01/decisions", data={
        "csrf": csrf(web, "/app/cases/demo-breast-01"), "recommendation_id": rec.group(1),
        "lesion": rec.group(2), "decision": "declined", "reason": "",
        "specialty": "radiation oncology"})
    assert r.status_code == 422
    assert "required when the board declined" in r.text
    assert 'value="radiation oncology"' in r.text


def test_editor_adds_a_radiotherapy_course_and_keeps_the_stored_ones(web: TestClient) -> None:
    sign_in(web)
    page = web.get("/app/cases/reirradiation-spine/edit").text
    assert "Recorded: 20" in page  # the stored course is listed
    version = re.search(r'name="_version" value="(\d+)"', page)
    assert version
    from osseous.web import forms

    values = {k: v for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
              if not k.endswith("._remove") and k != "add"}  # unticked, not clicked
    values.update({"csrf": csrf(web, "/app/cases/reirradiation-spine/edit"),
                   "_version": version.group(1)})
    lesion = next(k.split(".")[0] for k, v in values.items() if k.endswith(".id") and v == "L3")
    values.update({f"{lesion}.new_course.dose_gy": "8", f"{lesion}.new_course.fractions": "1",
                   f"{lesion}.new_course.date": "2026-11-10",
                   f"{lesion}.new_course.technique": "conventional"})
    for select in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', page,
                             flags=re.S):
        name, options = select
        chosen = re.findall(r'<option value="([^"]*)" selected>', options)
        if chosen:
            values[name] = chosen if name.endswith((".levels", ".visceral_sites")) else chosen[0]
    r = web.post("/app/cases/reirradiation-spine/edit", data=values)
    assert r.status_code == 200, r.text[:500]
    assert forms.COURSE  # the course fields exist
    edited = web.get("/app/cases/reirradiation-spine/edit").text
    assert "20 Gy in 5" in edited.replace(".0", "") and "8 Gy in 1" in edited.replace(".0", "")


# ---- the work-up in the assessment view ------------------------------------------------------

def test_workup_lists_what_to_find_out_next(web: TestClient) -> None:
    sign_in(web)
    page = web.get("/app/cases/incomplete-data").text
    assert "Work-up: what to find out next" in page
    # after the alerts, next to what is missing
    assert page.index('id="alerts-h"') < page.index('id="workup-h"') < page.index(
        'id="needs-h"')
    workup = page[page.index('id="workup"'):page.index('id="needs-h"')]
    rows = re.findall(r'<tr class="workup-(\w+)">(.*?)</tr>', workup, flags=re.S)
    order = {"emergency": 0, "urgent": 1, "routine": 2}
    ranks = [order[urgency] for urgency, _ in rows]
    assert ranks == sorted(ranks) and ranks[0] == 1  # most urgent first
    cells = next(cells for _, cells in rows if "MRI of the whole spine" in cells)
    assert "icon-urgent" in cells and "</svg> urgent" in cells  # an icon and a word
    assert "MRI of the whole spine" in cells and "<td>T5</td>" in cells
    assert "the epidural compression (ESCC) grade decides" in cells
    # what it decides in words; the sources kept for checking
    assert "the cord-compression alert" in cells and "radiotherapy to the spine" in cells
    assert "nice-ng234-2023" in cells and "rt.spine" not in cells
    assert "Serum calcium" in workup and "the whole patient" in workup
    assert "Nothing is missing" not in workup
    assert "calcium 14 days" in workup  # the maximum age of each laboratory result


def test_workup_of_a_complete_case_says_nothing_is_missing(web: TestClient) -> None:
    sign_in(web)
    page = web.get("/app/cases/nsclc-egfr").text
    assert "Work-up: what to find out next" in page
    assert "Nothing is missing and nothing is out of date" in page
    assert "Missing information" not in page and 'class="list workup"' not in page


def test_workup_of_an_assessment_stored_before_it_existed(web: TestClient,
                                                         db: Database) -> None:
    from sqlalchemy import select

    from osseous.registry.models import Assessment

    sign_in(web)
    web.get("/app/cases/incomplete-data")  # stored the first time it is shown
    with db.session() as s:
        row = s.scalars(select(Assessment).where(Assessment.case_id == "incomplete-data")).one()
        row.document = {k: v for k, v in row.document.items() if k != "workup"}
    page = web.get("/app/cases/incomplete-data").text
    assert "Not available: this assessment was stored by an earlier version" in page


# ---- symptom triage --------------------------------------------------------------------------

def _triage(web: TestClient, **answers: str) -> tuple[int, str]:
    r = web.post("/app/triage", data={"csrf": csrf(web, "/app/triage"), **answers})
    return r.status_code, r.text


def _result(page: str) -> str:
    found = re.search(r'<section[^>]*id="triage-result".*?</section>', page, flags=re.S)
    assert found, "no triage result on the page"
    return found.group(0)


def test_triage_needs_sign_in_and_is_in_the_navigation(web: TestClient) -> None:
    r = web.get("/app/triage", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/app/login?next=/app/triage"
    sign_in(web, "coord", "correct horse battery")  # coordinators take calls too
    assert '<a href="/app/triage">Symptom triage</a>' in web.get("/app/cases").text
    page = web.get("/app/triage").text
    assert page.count('type="radio"') == 3 * len(QUESTIONS)
    for qid, question in QUESTIONS.items():
        assert f"<legend>{escape(question)}</legend>" in page
        # nothing is assumed: every question starts as not asked
        assert (f'id="q-{qid}-unknown" name="{qid}" value="unknown" checked>'
                f'<label for="q-{qid}-unknown">Not asked</label>') in page
    assert 'id="triage-result"' not in page


@pytest.mark.parametrize(("answers", "concern"), [
    ({"bladder_or_bowel_change": "yes"}, "Suspected spinal cord compression"),
    ({"cannot_bear_weight": "yes"}, "Suspected pathological fracture"),
    ({"confusion": "yes", "thirst": "yes"}, "Possible hypercalcaemia"),
])
def test_triage_reaches_each_emergency(web: TestClient, answers: dict[str, str],
                                       concern: str) -> None:
    sign_in(web)
    status, page = _triage(web, **answers)
    assert status == 200
    result = _result(page)
    assert 'role="alert"' in result
    assert re.search(r'class="overall">Overall: <span class="urg urg-word urg-emergency">'
                     r'<svg class="icon icon-emergency"[^>]*>.*?</svg> emergency</span>', result)
    article = result[result.index(f"<h3>{concern}</h3>"):]
    article = article[:article.index("</article>")]
    assert "icon-emergency" in article and "</svg> emergency" in article  # drawn, not a glyph
    assert "What to do now" in article and "Why" in article
    for qid in answers:  # the answers that raised it, in words
        assert f"<li>{escape(QUESTIONS[qid])} <strong>Yes</strong></li>" in article
    assert re.search(r"Sources: [a-z0-9-]+(, [a-z0-9-]+)*</p>", article)
    # what was answered stays ticked
    for qid, value in answers.items():
        assert f'id="q-{qid}-{value}" name="{qid}" value="{value}" checked>' in page


def test_triage_says_unknown_is_not_no(web: TestClient) -> None:
    sign_in(web)
    status, page = _triage(web)  # nothing answered
    assert status == 200
    result = _result(page)
    assert "urg-unknown" in result and "?</span> unknown" in result
    assert "Unknown is not no." in result and "some were not asked" in result
    for question in QUESTIONS.values():
        assert f"<li>{escape(question)} <em>(unknown)</em></li>" in result
    # one red flag and the rest not asked: the concern, and the questions still to ask
    status, page = _triage(web, new_or_worse_back_pain="yes", thirst="no")
    result = _result(page)
    assert "icon-urgent" in result and "</svg> urgent" in result and "Not yet asked" in result
    assert escape(QUESTIONS["limb_weakness"]) in result
    assert f"{escape(QUESTIONS['thirst'])} <em>" not in result  # answered no: not unknown
    # every question answered no: routine, and nothing left to ask
    status, page = _triage(web, **{q: "no" for q in QUESTIONS})
    result = _result(page)
    assert "◷</span> routine" in result and "No red-flag symptom reported" in result
    assert "Not yet asked" not in result


def test_triage_refuses_a_tampered_answer(web: TestClient) -> None:
    sign_in(web)
    status, page = _triage(web, thirst="maybe", limb_weakness="yes")
    assert status == 400
    assert "Nothing was triaged" in page and 'id="triage-result"' not in page
    assert '<a href="#q-thirst">thirst</a>' in page and "not &#39;maybe&#39;" in page
    assert 'aria-describedby="q-thirst-err"' in page
    assert 'id="q-limb_weakness-yes" name="limb_weakness" value="yes" checked>' in page
    r = web.post("/app/triage", data={"limb_weakness": "yes", "csrf": "forged"})
    assert r.status_code == 403


# ---- patient information ---------------------------------------------------------------------

TOPICS = [*TREATMENTS, *INVESTIGATIONS]


@pytest.mark.parametrize("topic", TOPICS)
def test_each_treatment_and_test_has_a_printable_page(web: TestClient, topic: str) -> None:
    sign_in(web)
    r = web.get(f"/app/information/{topic}")
    assert r.status_code == 200
    text = TREATMENTS.get(topic) or INVESTIGATIONS[topic]
    page = r.text
    assert f"<h1>{escape(text.title)}</h1>" in page
    for field in fields(PatientText):
        assert escape(getattr(text, field.name)) in page, field.name
    assert "When to contact your care team" in page and "Words used on this page" in page
    assert '<link rel="stylesheet" href="/static/print.css" media="print">' in page
    assert 'class="no-print"' in page


def test_faq_glossary_and_index(web: TestClient) -> None:
    sign_in(web)
    index = web.get("/app/information").text
    for topic in [*TOPICS, "faq", "glossary"]:
        assert f'href="/app/information/{topic}"' in index
    faq = web.get("/app/information/faq").text
    for question, answer in FAQ:
        assert f"<h2>{escape(question)}</h2><p>{escape(answer)}</p>" in faq
    glossary = web.get("/app/information/glossary").text
    terms = re.findall(r"<dt[^>]*>([^<]+)</dt>", glossary)
    assert [str(escape(t)) for t in sorted(GLOSSARY, key=str.lower)] == terms
    for term, meaning in GLOSSARY.items():
        assert f"{escape(term)}</dt><dd>{escape(meaning)}</dd>" in glossary


def test_information_pages_need_sign_in_and_unknown_topics_are_404(web: TestClient) -> None:
    r = web.get("/app/information/radiotherapy", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/app/login")
    sign_in(web)
    r = web.get("/app/information/homeopathy")
    assert r.status_code == 404 and "no patient information on" in r.text


def test_printing_leaves_out_the_menus() -> None:
    css = (ROOT / "src" / "osseous" / "web" / "static" / "print.css").read_text()
    rule = re.search(r"^(.*)\{ display: none !important; \}$", css, flags=re.M)
    assert rule
    hidden = {s.strip() for s in rule.group(1).split(",")}
    assert {".top", "nav", ".no-print"} <= hidden


def test_patient_summary_links_to_each_family_and_the_faq(web: TestClient) -> None:
    sign_in(web)
    page = web.get("/app/cases/demo-breast-01/patient-summary").text
    linked = re.findall(r'href="/app/information/([^"]+)"', page)
    doc = json.loads((ROOT / "examples" / "cases" / "demo-breast-01.json").read_text())
    assessment = assess(parse_case(doc).case)
    families = list(dict.fromkeys(r["modality"] for r in assessment["recommendations"]
                                  if r["strength"] != "not-recommended"))
    assert families and linked == [*families, "faq", "glossary"]
    for family in families:
        assert escape(TREATMENTS[family].title) in page
    for topic in linked:
        assert web.get(f"/app/information/{topic}").status_code == 200


def test_overdue_duties_on_the_case_list_and_the_case_page(web: TestClient) -> None:
    sign_in(web)
    doc = json.loads((ROOT / "examples" / "cases" / "demo-breast-01.json").read_text())
    doc.update(id="monitor-1", labs=[], medications=[
        {"drug": "zoledronic-acid", "status": "active", "last_dose": "2026-10-01"}])
    doc["patient"] = {**doc["patient"], "dental": {"last_exam": "2026-10-01"}}
    r = web.post("/app/import", data={"csrf": csrf(web, "/app/cases")},
                 files={"file": ("case.json", json.dumps(doc), "application/json")})
    assert r.status_code == 200
    page = r.text
    assert "Monitoring and follow-up due" in page
    assert "Serum creatinine before the next zoledronic acid dose" in page
    assert "2026-10-29" in page and "overdue" in page
    listing = web.get("/app/cases", params={"q": "monitor-1"}).text
    assert "1 overdue:" in listing
    assert "Serum creatinine before the next zoledronic acid dose" in listing
    quiet = web.get("/app/cases", params={"q": "demo-breast-01"}).text
    assert "overdue:" not in quiet
