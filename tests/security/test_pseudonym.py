"""A patient's pseudonym follows one rule at every entry point: the API, the web editor, the
web import form, the command line's import and imports without one (derived from the case
id). Bad input is refused with the field named, and nothing is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.cli.main import app as cli
from osseous.core.errors import InvalidInput
from osseous.registry import repository as repo
from osseous.registry import security
from osseous.registry.audit import SYSTEM
from osseous.registry.db import Database
from osseous.registry.models import Patient
from tests.web.test_pages import csrf, sign_in

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "examples" / "cases" / "demo-breast-01.json").read_text())

BAD = ["P 1", "P-1;DROP TABLE patients", "<script>", "a" * 65, "P\u20281", "P\t1", "P/1",
       "P-1\n", "=HYPERLINK(1)", "P\u00a01"]
GOOD = ["P-1", "patient.7", "a" * 64, "Zoë_2", "x@y+z"]


@pytest.mark.parametrize("pseudonym", BAD)
def test_the_rule_refuses(pseudonym: str) -> None:
    assert repo.pseudonym_problem(pseudonym) is not None
    with pytest.raises(InvalidInput) as caught:
        repo.check_pseudonym(pseudonym)
    assert caught.value.problems[0].path == "pseudonym"


@pytest.mark.parametrize("pseudonym", GOOD)
def test_the_rule_accepts(pseudonym: str) -> None:
    assert repo.pseudonym_problem(pseudonym) is None


def test_derived_pseudonyms_follow_the_rule() -> None:
    assert repo.derived_pseudonym("demo-breast-01") == "P-demo-breast-01"
    for case_id in ("urn:uuid:1234", "c" * 128):
        derived = repo.derived_pseudonym(case_id)
        assert repo.pseudonym_problem(derived) is None
        assert derived == repo.derived_pseudonym(case_id)  # the same id, the same patient
    assert repo.derived_pseudonym("a:1") != repo.derived_pseudonym("a:2")


def _patients(db: Database) -> int:
    with db.read_session() as s:
        return s.scalar(select(func.count()).select_from(Patient)) or 0


@pytest.fixture
def web(db: Database) -> Iterator[TestClient]:
    seed_demo(db)
    with db.session() as s:
        security.create_user(s, "clin", "correct horse battery", "clinician")
    with TestClient(create_app(db)) as c:
        yield c


@pytest.mark.parametrize("pseudonym", BAD[:4] + BAD[5:7])
def test_api_web_editor_and_import_refuse_alike(web: TestClient, db: Database,
                                                 pseudonym: str) -> None:
    before = _patients(db)
    r = web.post("/auth/token", json={"username": "clin", "password": "correct horse battery"})
    h = {"Authorization": f"Bearer {r.json()['token']}"}
    api = web.post("/patients", json={"pseudonym": pseudonym}, headers=h)
    assert api.status_code == 422 and api.json()["errors"][0]["path"] == "pseudonym"

    sign_in(web)
    editor = web.post("/app/cases/new", data={
        "csrf": csrf(web, "/app/cases/new"), "id": "new-1", "pseudonym": pseudonym,
        "cancer.primary": "kidney"})
    assert editor.status_code == 422 and "Nothing was saved" in editor.text
    assert "only letters" in editor.text or "at most 64" in editor.text

    doc = {**DEMO, "id": "imported-1"}
    imported = web.post("/app/import", data={"csrf": csrf(web, "/app/cases"),
                                             "pseudonym": pseudonym},
                        files={"file": ("case.json", json.dumps(doc), "application/json")})
    assert imported.status_code == 422 and "pseudonym" in imported.text
    assert _patients(db) == before
    assert web.get("/app/cases/imported-1").status_code == 404
    assert web.get("/app/cases/new-1").status_code == 404


def test_a_good_pseudonym_is_accepted_by_each(web: TestClient, db: Database) -> None:
    sign_in(web)
    r = web.post("/app/cases/new", data={
        "csrf": csrf(web, "/app/cases/new"), "id": "new-1", "pseudonym": "P-NEW.1",
        "cancer.primary": "kidney"})
    assert r.status_code == 200 and r.url.path == "/app/cases/new-1"
    doc = {**DEMO, "id": "imported-1"}
    r = web.post("/app/import", data={"csrf": csrf(web, "/app/cases"), "pseudonym": "Zoë_2"},
                 files={"file": ("case.json", json.dumps(doc), "application/json")})
    assert r.status_code == 200 and r.url.path == "/app/cases/imported-1"
    with db.read_session() as s:
        names = set(s.scalars(select(Patient.pseudonym)))
    assert {"P-NEW.1", "Zoë_2"} <= names


def test_the_command_line_import_refuses_a_bad_pseudonym(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(DEMO))
    url = f"sqlite:///{tmp_path / 'r.db'}"
    result = CliRunner().invoke(cli, ["import", str(path), "--patient", "P 1",
                                      "--database", url])
    assert result.exit_code == 2, result.output
    assert "pseudonym" in result.output
    db = Database(url)
    try:
        assert _patients(db) == 0
    finally:
        db.dispose()


def test_imports_without_one_derive_a_valid_pseudonym(db: Database) -> None:
    with db.session() as s:
        case, outcome = repo.import_case(s, SYSTEM, {**DEMO, "id": "urn:case:1"})
        assert outcome == "created"
        patient = s.get(Patient, case.patient_id)
        assert patient is not None and repo.pseudonym_problem(patient.pseudonym) is None
