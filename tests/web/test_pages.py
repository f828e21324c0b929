"""The pages without a browser: sign-in, CSRF, cookies, roles, forms with bad input."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.cli.registry_cmds import seed_demo
from osseous.registry import security
from osseous.registry.db import Database

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


def sign_in(c: TestClient, user: str = "demo", password: str = "demo-osseous") -> None:
    r = c.post("/app/login", data={"csrf": csrf(c), "username": user, "password": password,
                                   "next": "/app/cases"})
    assert r.status_code == 200 and r.url.path == "/app/cases", r.text[:300]


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
                                     "password": "correct horse battery"})
    assert r.status_code == 401  # researchers have no patient pages
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

    values = {k: v for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page)}
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
