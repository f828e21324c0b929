"""A table of malformed requests: every one is refused with a 4xx problem, and nothing is
stored (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from osseous.api.app import create_app
from osseous.registry import security
from osseous.registry.db import Database
from osseous.registry.models import Case, CaseVersion, Patient

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "examples" / "cases" / "demo-breast-01.json").read_text())
INJECTIONS = ["'; DROP TABLE cases; --", "<script>alert(1)</script>", "\x00", "x" * 5000,
              "Robert'); DELETE FROM patients;--", "{{7*7}}", "../../etc/passwd"]


def _doc(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(DEMO)
    for path, value in changes.items():
        target = doc
        keys = path.split(".")
        for k in keys[:-1]:
            target = target[int(k)] if k.isdigit() else target[k]
        last = keys[-1]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return doc


BAD_DOCUMENTS = [
    _doc(**{"patient.ecog": "1"}),                       # wrong type
    _doc(**{"patient.karnofsky": 75}),                   # not a step of 10
    _doc(**{"patient.weight_kg": -64}),                  # negative
    _doc(**{"lesions.0.worst_pain": 11}),                # pain above 10
    _doc(**{"labs.0.unit": "mmol"}),                     # wrong unit
    _doc(**{"labs.0.analyte": "unobtainium"}),           # unknown analyte
    _doc(**{"cancer.primary": "brain"}),                 # invalid enum
    _doc(**{"lesions.0.escc": 2}),                       # grade as a number
    _doc(**{"lesions.0.levels": ["L6"]}),                # no such level
    _doc(**{"assessed_on": "20/11/2026"}),               # malformed date
    _doc(**{"format": "osseous.case/2"}),                # another format
    _doc(**{"lesions.1.collapse": "none"}),              # wrong lesion family
    *[_doc(**{"id": text}) if len(text) < 200 else _doc(**{"cancer.primary": text})
      for text in INJECTIONS[:2]],
    *[_doc(**{"cancer.primary": text}) for text in INJECTIONS],
    *[_doc(**{"lesions.0.site": text}) for text in INJECTIONS],
]


@pytest.fixture
def client(db: Database) -> Iterator[tuple[TestClient, dict[str, str], Database]]:
    with db.session() as s:
        user = security.create_user(s, "clin", "correct horse battery", "clinician")
        plain, _ = security.create_token(s, user, "t", 1)
    with TestClient(create_app(db)) as c:
        yield c, {"Authorization": f"Bearer {plain}"}, db


def _stored(db: Database) -> tuple[int, int, int]:
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Patient)) or 0,
                s.scalar(select(func.count()).select_from(Case)) or 0,
                s.scalar(select(func.count()).select_from(CaseVersion)) or 0)


def test_malformed_case_documents_store_nothing(client: Any) -> None:
    c, h, db = client
    patient = c.post("/patients", json={"pseudonym": "P-1"}, headers=h).json()["id"]
    before = _stored(db)
    for doc in BAD_DOCUMENTS:
        r = c.post("/cases", json={"patient_id": patient, "document": doc}, headers=h)
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
        assert r.headers["content-type"] == "application/problem+json"
        assert "Traceback" not in r.text
    assert _stored(db) == before


@pytest.mark.parametrize(("body", "status"), [
    ({"pseudonym": "P-2", "colour": "blue"}, 422),        # unknown field
    ({"pseudonym": 12}, 422),                              # wrong type
    ({"pseudonym": INJECTIONS[0]}, 422),                   # not a pseudonym
    ({"pseudonym": INJECTIONS[1]}, 422),
    ({"pseudonym": "x" * 65}, 422),                        # too long
    ({}, 422),                                             # missing
])
def test_malformed_patient_requests(client: Any, body: dict[str, Any], status: int) -> None:
    c, h, db = client
    r = c.post("/patients", json=body, headers=h)
    assert r.status_code == status
    assert _stored(db)[0] == 0


def test_raw_bodies(client: Any) -> None:
    c, h, db = client
    json_h = {**h, "Content-Type": "application/json"}
    for content, headers, status in [
        (b"{", json_h, 422), (b"[]", json_h, 422), (b"null", json_h, 422),
        (b'{"pseudonym": "P"}', {**h, "Content-Type": "text/plain"}, 415),
        (b'{"pseudonym": "' + b"a" * 2_000_000 + b'"}', json_h, 413),
    ]:
        r = c.post("/patients", content=content, headers=headers)
        assert r.status_code == status, (content[:20], r.status_code)
    assert _stored(db)[0] == 0


def test_injection_strings_in_queries_are_inert(client: Any) -> None:
    c, h, db = client
    for text in INJECTIONS[:2] + INJECTIONS[4:]:
        assert c.get("/patients", params={"q": text}, headers=h).status_code == 200
        assert c.get(f"/cases/{text}", headers=h).status_code in (404, 422)
    assert c.get("/cases", params={"status": "done"}, headers=h).status_code == 422
    assert _stored(db) == (0, 0, 0)
