"""The REST API over SQLite and PostgreSQL: authentication, roles, the resources, status codes,
problem details, optimistic concurrency and the audit trail."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.registry import security
from osseous.registry.db import Database

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "examples" / "cases" / "demo-breast-01.json").read_text())
ROLES = ("clinician", "coordinator", "researcher", "admin")


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with db.session() as s:
        for role in ROLES:
            security.create_user(s, f"{role}-user", "correct horse battery", role)
    with TestClient(create_app(db)) as c:
        yield c


def token(client: TestClient, role: str) -> dict[str, str]:
    r = client.post("/auth/token", json={"username": f"{role}-user",
                                         "password": "correct horse battery"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def new_case(client: TestClient, h: dict[str, str], doc: dict[str, Any] | None = None
             ) -> tuple[str, str]:
    p = client.post("/patients", json={"pseudonym": "P-001", "mrn": "MRN1"}, headers=h)
    assert p.status_code == 201, p.text
    c = client.post("/cases", json={"patient_id": p.json()["id"], "document": doc or DEMO},
                    headers=h)
    assert c.status_code == 201, c.text
    return c.json()["id"], c.headers["ETag"]


def test_public_endpoints(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    assert client.get("/ready").json() == {"status": "ready"}
    assert any(r["id"] == "fisher-2010" for r in client.get("/references").json())
    assert any(r["id"] == "rt.spine" for r in client.get("/rules").json())
    assert client.get("/openapi.json").status_code == 200


def test_no_token_is_401_with_problem_details(client: TestClient) -> None:
    r = client.get("/cases")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"] == "Bearer"
    body = r.json()
    assert body["status"] == 401 and body["title"] and body["detail"]
    assert client.get("/cases", headers={"Authorization": "Bearer oss_nope"}).status_code == 401


def test_wrong_password_is_401_and_audited(client: TestClient) -> None:
    r = client.post("/auth/token", json={"username": "admin-user", "password": "wrong"})
    assert r.status_code == 401
    events = client.get("/audit", headers=token(client, "admin")).json()
    assert any(e["action"] == "login" and e["outcome"] == "denied" for e in events)


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("get", "/cases", {"clinician", "coordinator"}),
    ("get", "/patients", {"clinician", "coordinator"}),
    ("post", "/patients", {"clinician"}),
    ("get", "/users", {"admin"}),
    ("get", "/audit", {"admin"}),
    ("get", "/auth/me", set(ROLES)),
])
def test_each_role_gets_exactly_what_it_should(client: TestClient, method: str, path: str,
                                                allowed: set[str]) -> None:
    for role in ROLES:
        kwargs: dict[str, Any] = {"headers": token(client, role)}
        if method == "post":
            kwargs["json"] = {"pseudonym": f"P-{role}"}
        r = getattr(client, method)(path, **kwargs)
        if role in allowed:
            assert r.status_code in (200, 201), (role, path, r.text)
        else:
            assert r.status_code == 403, (role, path, r.status_code)


def test_refusals_are_audited(client: TestClient) -> None:
    client.get("/cases", headers=token(client, "researcher"))
    events = client.get("/audit", headers=token(client, "admin")).json()
    assert any(e["outcome"] == "denied" and e["username"] == "researcher-user"
               for e in events)


def test_case_lifecycle(client: TestClient) -> None:
    h = token(client, "clinician")
    case_id, tag = new_case(client, h)
    assert tag == '"1"'
    got = client.get(f"/cases/{case_id}", headers=h)
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    assert got.json()["document"]["id"] == case_id
    # edit without If-Match -> 428; with a stale one -> 412; with the current one -> a version
    doc = copy.deepcopy(DEMO)
    doc["patient"]["ecog"] = 2
    assert client.put(f"/cases/{case_id}/document", json=doc, headers=h).status_code == 428
    ok = client.put(f"/cases/{case_id}/document", json=doc, headers={**h, "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
    stale = client.put(f"/cases/{case_id}/document", json=DEMO,
                       headers={**h, "If-Match": '"1"'})
    assert stale.status_code == 412
    versions = client.get(f"/cases/{case_id}/versions", headers=h).json()
    assert [v["number"] for v in versions] == [1, 2]
    assert client.get(f"/cases/{case_id}/document", headers=h).json()["patient"]["ecog"] == 2
    # duplicate create -> 409
    pid = got.json()["patient_id"]
    again = client.post("/cases", json={"patient_id": pid, "document": DEMO}, headers=h)
    assert again.status_code == 409


def test_sub_resources_are_versions_of_the_document(client: TestClient) -> None:
    h = token(client, "clinician")
    case_id, tag = new_case(client, h)
    lesion = {"id": "rib-5", "site": "rib", "worst_pain": 4}
    r = client.post(f"/cases/{case_id}/lesions", json=lesion, headers={**h, "If-Match": tag})
    assert r.status_code == 201, r.text
    tag = r.headers["etag"]
    assert client.get(f"/cases/{case_id}/lesions/rib-5", headers=h).json() == lesion
    r = client.post(f"/cases/{case_id}/treatments", headers={**h, "If-Match": tag},
                    json={"kind": "radiotherapy", "lesion": "rib-5",
                          "course": {"dose_gy": 8, "fractions": 1, "date": "2026-11-01",
                                     "technique": "conventional"}})
    assert r.status_code == 201, r.text
    tag = r.headers["etag"]
    r = client.post(f"/cases/{case_id}/pain-assessments", headers={**h, "If-Match": tag},
                    json={"date": "2026-11-15", "lesion": "rib-5", "worst_pain": 2,
                          "omed_mg_per_day": 60})
    assert r.status_code == 201
    tag = r.headers["etag"]
    r = client.post(f"/cases/{case_id}/events", headers={**h, "If-Match": tag},
                    json={"type": "radiation-to-bone", "date": "2026-11-01", "lesion": "rib-5"})
    assert r.status_code == 201
    treatments = client.get(f"/cases/{case_id}/treatments", headers=h).json()
    assert treatments["radiotherapy"][0]["lesion"] == "rib-5"
    assert len(client.get(f"/cases/{case_id}/versions", headers=h).json()) == 5
    # a lesion that breaks the case format is refused whole, naming the field
    bad = client.post(f"/cases/{case_id}/lesions", json={"id": "x", "site": "spine", "escc": 2},
                      headers={**h, "If-Match": r.headers["etag"]})
    assert bad.status_code == 422
    assert any(e["path"] == "lesions[3].escc" for e in bad.json()["errors"])


def test_stored_assessment_and_decisions(client: TestClient) -> None:
    h = token(client, "clinician")
    case_id, _ = new_case(client, h)
    r = client.post(f"/cases/{case_id}/assessment", headers=h)
    assert r.status_code == 201
    body = r.json()
    assert body["engine_version"] and body["document"]["format"] == "osseous.assessment/1"
    rec = body["document"]["recommendations"][0]
    d = client.post(f"/cases/{case_id}/decisions", headers=h, json={
        "recommendation_id": rec["id"], "lesion": rec["lesion"], "decision": "modified",
        "reason": "20 Gy in 5 chosen for the soft-tissue component",
        "specialty": "radiation oncology", "due_date": "2026-12-01"})
    assert d.status_code == 201, d.text
    assert client.get(f"/cases/{case_id}/decisions", headers=h).json()[0]["decision"] \
        == "modified"
    no_reason = client.post(f"/cases/{case_id}/decisions", headers=h, json={
        "recommendation_id": rec["id"], "lesion": rec["lesion"], "decision": "declined"})
    assert no_reason.status_code == 422


def test_coordinator_manages_the_agenda_but_not_the_document(client: TestClient) -> None:
    case_id, tag = new_case(client, token(client, "clinician"))
    h = token(client, "coordinator")
    r = client.patch(f"/cases/{case_id}/agenda", json={"status": "scheduled",
                                                       "board_date": "2026-12-03"},
                     headers={**h, "If-Match": tag})
    assert r.status_code == 200 and r.json()["status"] == "scheduled"
    listed = client.get("/cases", params={"status": "scheduled"}, headers=h).json()
    assert listed["total"] == 1 and listed["items"][0]["board_date"] == "2026-12-03"
    r = client.put(f"/cases/{case_id}/document", json=DEMO,
                   headers={**h, "If-Match": r.headers["etag"]})
    assert r.status_code == 403


def test_stateless_assess_and_calculators(client: TestClient) -> None:
    h = token(client, "researcher")
    r = client.post("/assess", json=DEMO, headers=h)
    assert r.status_code == 200 and r.json()["recommendations"]
    r = client.post("/scores/bed-eqd2", json={"dose_gy": 8, "fractions": 1, "alpha_beta": 2},
                    headers=h)
    assert r.json()["eqd2_gy"] == 20.0
    r = client.post("/scores/sins", json=DEMO, headers=h)
    assert r.json()[0]["total"] == 11
    bad = client.post("/assess", json={"patient": {"ecog": 7}}, headers=h)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "patient.ecog"
    assert client.post("/scores/sorg", json={}, headers=h).status_code == 404


def test_pagination(client: TestClient) -> None:
    h = token(client, "clinician")
    for i in range(5):
        client.post("/patients", json={"pseudonym": f"P-{i}"}, headers=h)
    page = client.get("/patients", params={"limit": 2, "offset": 2}, headers=h).json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["offset"] == 2
    assert client.get("/patients", params={"limit": 0}, headers=h).status_code == 422


def test_token_revocation_and_expiry(client: TestClient, db: Database) -> None:
    r = client.post("/auth/token", json={"username": "clinician-user",
                                         "password": "correct horse battery", "days": 1})
    h = {"Authorization": f"Bearer {r.json()['token']}"}
    assert client.get("/auth/me", headers=h).status_code == 200
    assert client.delete(f"/auth/tokens/{r.json()['id']}", headers=h).status_code == 204
    assert client.get("/auth/me", headers=h).status_code == 401
    from datetime import timedelta

    from osseous.registry.models import ApiToken

    r = client.post("/auth/token", json={"username": "clinician-user",
                                         "password": "correct horse battery"})
    with db.session() as s:
        row = s.get(ApiToken, r.json()["id"])
        assert row is not None
        row.expires_at = security.utcnow() - timedelta(seconds=1)
    h = {"Authorization": f"Bearer {r.json()['token']}"}
    assert client.get("/auth/me", headers=h).status_code == 401


def test_tokens_are_stored_hashed(client: TestClient, db: Database) -> None:
    r = client.post("/auth/token", json={"username": "clinician-user",
                                         "password": "correct horse battery"})
    plain = r.json()["token"]
    from sqlalchemy import select

    from osseous.registry.models import ApiToken, User

    with db.session() as s:
        hashes = list(s.scalars(select(ApiToken.token_hash)))
        assert plain not in hashes and security.hash_token(plain) in hashes
        pw = s.scalar(select(User.password_hash).where(User.username == "clinician-user"))
        assert pw is not None and pw.startswith("$argon2")


def test_security_headers_and_limits(client: TestClient) -> None:
    h = token(client, "clinician")
    r = client.get("/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    big = b'{"x": "' + b"a" * 1_100_000 + b'"}'
    r = client.post("/assess", content=big, headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 413
    r = client.post("/assess", content=b"<case/>", headers={**h, "Content-Type": "text/xml"})
    assert r.status_code == 415
    r = client.post("/assess", content=b"{not json", headers={**h,
                                                              "Content-Type": "application/json"})
    assert r.status_code == 422 and "Traceback" not in r.text


def test_triage_endpoint(client: TestClient) -> None:
    h = token(client, "clinician")
    r = client.post("/triage", json={"cannot_bear_weight": True}, headers=h)
    assert r.status_code == 200
    assert r.json()["urgency"] == "emergency"
    assert len(r.json()["unanswered"]) == 12
    bad = client.post("/triage", json={"cannot_bear_weight": "yes"}, headers=h)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "cannot_bear_weight"
    assert client.post("/triage", json={}).status_code == 401


def test_monitoring_and_calendar_feed(client: TestClient) -> None:
    h = token(client, "clinician")
    doc = {**DEMO, "labs": [], "medications": [{"drug": "zoledronic-acid", "status": "active",
                                                "last_dose": "2026-10-01"}],
           "patient": {**DEMO["patient"], "dental": {"last_exam": "2026-10-01"}}}
    case_id, _ = new_case(client, h, doc)
    r = client.get(f"/cases/{case_id}/monitoring", params={"as_of": "2026-11-20"}, headers=h)
    assert r.status_code == 200, r.text
    duty = next(d for d in r.json()["duties"] if d["id"] == "zoledronic-acid-creatinine")
    assert (duty["due"], duty["status"]) == ("2026-10-29", "overdue")
    ics = client.get("/monitoring.ics", params={"as_of": "2026-11-20"}, headers=h)
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "OVERDUE: Serum creatinine before the next zoledronic acid dose" in ics.text
    mine = client.get("/monitoring.ics", params={"clinician": "clinician-user",
                                                 "as_of": "2026-11-20"}, headers=h)
    assert "zoledronic" in mine.text
    other = client.get("/monitoring.ics", params={"clinician": "someone-else"}, headers=h)
    assert "BEGIN:VEVENT" not in other.text
    assert client.get(f"/cases/{case_id}/monitoring", params={"as_of": "soon"},
                      headers=h).status_code == 422
    assert client.get("/cases/nope/monitoring", headers=h).status_code == 404


def test_analytics_report_by_role(client: TestClient) -> None:
    h = token(client, "clinician")
    followed = {**DEMO, "id": "followed-01",
                "patient": {**DEMO.get("patient", {}), "last_known_alive": "2026-10-01"},
                "cancer": {**DEMO["cancer"],
                           "bone_metastases": {**(DEMO["cancer"].get("bone_metastases") or {}),
                                               "diagnosed_on": "2026-01-01"}}}
    new_case(client, h, followed)
    r = client.get("/analytics?scores=false", headers=token(client, "researcher"))
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["format"] == "osseous.cohort-report/1" and "prognosis" not in doc
    # a researcher reads no figure of fewer than 5 patients; a clinician reads the counts
    assert doc["outcomes"]["overall"]["patients"] is None
    assert doc["decisions"]["overall"]["decided"] == 0
    counts = client.get("/analytics?scores=false", headers=h).json()
    assert counts["outcomes"]["overall"]["patients"] == 1
    assert client.get("/analytics", headers=token(client, "admin")).status_code == 403
    assert client.get("/analytics").status_code == 401
    assert client.get("/analytics?scores=maybe", headers=h).status_code == 422
    full = client.get("/analytics", headers=h).json()
    assert full["prognosis"]["format"] == "osseous.prognosis/1"
