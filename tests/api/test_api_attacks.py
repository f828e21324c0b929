"""The API under attack (issue 14): each finding of the security review, reproduced and refused,
on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from osseous.analytics import disclosure
from osseous.api.app import create_app
from osseous.core.case import MAX_ITEMS
from osseous.core.settings import SettingsError, from_environment
from osseous.interop.cds_jwt import JwtVerifier, TrustedIssuer
from osseous.registry import security
from osseous.registry.db import Database
from osseous.registry.models import AuditEvent, CaseVersion
from osseous.report.icalendar import calendar
from tests.interop.test_cds_jwt import FIXTURES as JWT_FIXTURES
from tests.interop.test_cds_jwt import ISS, JKU, sandbox_token

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "examples" / "cases" / "demo-breast-01.json").read_text())
PUBLIC = "https://osseous.hospital.example"
SETTINGS = from_environment({}, public_url=PUBLIC, trusted_proxies=())


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with db.session() as s:
        for role in ("clinician", "coordinator", "researcher"):
            security.create_user(s, f"{role}-user", "correct horse battery", role)
    issuer = TrustedIssuer.from_file(ISS, JWT_FIXTURES / "sandbox" / "jwks.json", (JKU,))
    app = create_app(db, settings=SETTINGS, cds_verifier=JwtVerifier({ISS: issuer}))
    with TestClient(app, base_url=PUBLIC) as c:
        yield c


def token(c: TestClient, role: str = "clinician") -> dict[str, str]:
    r = c.post("/auth/token", json={"username": f"{role}-user",
                                    "password": "correct horse battery"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _audit(db: Database, **where: Any) -> list[AuditEvent]:
    with db.read_session() as s:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, key) == value)
        return list(s.scalars(stmt))


# ---- bad input is a 4xx, never a 500 ---------------------------------------------------------

@pytest.mark.parametrize("body", [
    b'{"patient": {"age_years": NaN}}', b'{"patient": {"age_years": Infinity}}',
    b'{"patient": {"weight_kg": 1e309}}', b'{"x": -Infinity}',
    b'{"cancer": {"histology": "\\ud800"}}', b'{"id": "a\\u0000b"}',
    b"[" * 100_000 + b"]" * 100_000,
])
def test_unprocessable_json_is_refused_at_the_door(client: TestClient, body: bytes,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """Issue: NaN, Infinity or 1e309 in a body that fails validation gave a 500 (without the
    security headers, and an 80-line traceback per request), even unauthenticated."""
    caplog.set_level(logging.ERROR)
    for path, headers in (("/assess", {}), ("/assess", token(client)),
                          ("/patients", token(client))):
        r = client.post(path, content=body, headers={**headers,
                                                     "Content-Type": "application/json"})
        assert r.status_code == 422, (path, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["x-content-type-options"] == "nosniff"
    assert not caplog.records


def test_a_server_error_still_carries_the_security_headers(db: Database) -> None:
    app = create_app(db, settings=SETTINGS)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("an unexpected failure")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500 and "unexpected failure" not in r.text
    assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("key", ["lesions", "labs", "medications", "pain_assessments",
                                 "events"])
def test_case_lists_are_bounded_with_a_422_naming_the_limit(client: TestClient,
                                                            key: str) -> None:
    """Issue: /assess time grew faster than the lesion count (10,000 lesions: 40 s of CPU)."""
    doc = copy.deepcopy(DEMO)
    item = (doc.get(key) or [{"type": "death"} if key == "events" else {}])[0]
    doc[key] = [item] * (MAX_ITEMS[key] + 1)
    t0 = time.perf_counter()
    r = client.post("/assess", json=doc, headers=token(client))
    assert time.perf_counter() - t0 < 2
    assert r.status_code == 422
    assert r.json()["errors"][0] == {"path": key, "message": f"at most {MAX_ITEMS[key]} items "
                                     f"(given {MAX_ITEMS[key] + 1})", "value": None}


def test_text_that_cannot_be_stored_is_refused_and_nothing_is_written(
        client: TestClient, db: Database) -> None:
    """Issue: a lone surrogate stored through the import made every later read a 500."""
    h = token(client)
    patient = client.post("/patients", json={"pseudonym": "P-1"}, headers=h).json()["id"]
    for text in ("\ud800", "a\x00b"):
        doc = {**copy.deepcopy(DEMO), "id": "bad"}
        doc["cancer"]["histology"] = text
        body = json.dumps({"patient_id": patient, "document": doc}).encode()
        r = client.post("/cases", content=body, headers={**h,
                                                         "Content-Type": "application/json"})
        assert r.status_code == 422
    with db.read_session() as s:
        assert s.scalar(select(func.count()).select_from(CaseVersion)) == 0


# ---- audit: refused requests, 404 probes, the client address ---------------------------------

def test_refused_requests_and_probes_are_audited(client: TestClient, db: Database) -> None:
    h = token(client)
    assert client.get("/cases").status_code == 401
    assert client.get("/cases", headers={"Authorization": "Bearer oss_forged"}
                      ).status_code == 401
    assert client.get("/cases/no-such-case", headers=h).status_code == 404
    assert client.get("/patients/00000000-0000-0000-0000-000000000000",
                      headers=h).status_code == 404
    denied = _audit(db, action="authenticate")
    assert [r.detail for r in denied] == ["no bearer token", "token unknown, revoked or expired"]
    probes = _audit(db, outcome="not-found")
    assert [(r.username, r.resource_id) for r in probes] == [
        ("clinician-user", "/cases/no-such-case"),
        ("clinician-user", "/patients/00000000-0000-0000-0000-000000000000")]


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(db: Database) -> None:
    """Issue: X-Forwarded-For from any client was trusted."""
    spoof = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
    with TestClient(create_app(db, settings=SETTINGS), client=("192.0.2.1", 5000)) as c:
        c.get("/cases", headers=spoof)
    assert _audit(db)[-1].client == "192.0.2.1"
    proxied = SETTINGS.with_(trusted_proxies=from_environment(
        {"OSSEOUS_TRUSTED_PROXIES": "10.0.0.0/8, 198.51.100.7"}).trusted_proxies)
    with TestClient(create_app(db, settings=proxied), client=("10.1.2.3", 5000)) as c:
        c.get("/cases", headers=spoof)
    # the last address not added by a trusted proxy
    assert _audit(db)[-1].client == "203.0.113.9"


def test_the_token_check_is_one_indexed_read(client: TestClient, db: Database) -> None:
    h = token(client)
    plain = h["Authorization"].split()[1]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.read_engine, "before_cursor_execute", count)
    try:
        with db.read_session() as s:
            assert security.resolve_token(s, plain) is not None
    finally:
        event.remove(db.read_engine, "before_cursor_execute", count)
    selects = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "token_hash" in selects[0]


def test_revocation_takes_effect_on_the_next_request(client: TestClient) -> None:
    h = token(client)
    me = client.get("/auth/me", headers=h)
    assert me.status_code == 200
    tokens = client.post("/auth/token", json={"username": "clinician-user",
                                              "password": "correct horse battery"}).json()
    other = {"Authorization": f"Bearer {tokens['token']}"}
    assert client.delete(f"/auth/tokens/{tokens['id']}", headers=h).status_code == 204
    assert client.get("/cases", headers=other).status_code == 401


# ---- CDS Hooks: aud, jti across workers, exp, feedback, audit ----------------------------------

def _cds(path: str, aud: str | None = None, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox_token(aud=aud or PUBLIC + path, **claims)}"}


def test_aud_is_the_configured_public_url_whatever_the_host_header(client: TestClient) -> None:
    """Issue: aud was built from Host / X-Forwarded-Proto when OSSEOUS_PUBLIC_URL was unset."""
    assert client.get("/cds-services", headers=_cds("/cds-services")).status_code == 200
    other = "https://another-deployment.example"
    r = client.get("/cds-services", headers={
        **_cds("/cds-services", aud=other + "/cds-services"),
        "Host": "another-deployment.example", "X-Forwarded-Proto": "https"})
    assert r.status_code == 401 and "aud" in r.text


def test_without_a_public_url_every_cds_call_is_refused(db: Database) -> None:
    issuer = TrustedIssuer.from_file(ISS, JWT_FIXTURES / "sandbox" / "jwks.json", (JKU,))
    app = create_app(db, settings=from_environment({}),
                     cds_verifier=JwtVerifier({ISS: issuer}))
    with TestClient(app) as c:
        r = c.get("/cds-services", headers=_cds("/cds-services",
                                                aud="http://testserver/cds-services"))
    assert r.status_code == 401 and "OSSEOUS_PUBLIC_URL" in r.text
    with pytest.raises(SettingsError, match="OSSEOUS_PUBLIC_URL"):
        create_app(db, settings=from_environment({"OSSEOUS_CDS_ISSUERS": "issuers.json"}))


def test_a_replay_is_refused_by_another_worker(db: Database) -> None:
    """Issue: the jti replay cache lived in one process."""
    issuer = TrustedIssuer.from_file(ISS, JWT_FIXTURES / "sandbox" / "jwks.json", (JKU,))
    one = create_app(db, settings=SETTINGS, cds_verifier=JwtVerifier({ISS: issuer}))
    two = create_app(db, settings=SETTINGS, cds_verifier=JwtVerifier({ISS: issuer}))
    h = _cds("/cds-services")
    with TestClient(one, base_url=PUBLIC) as a, TestClient(two, base_url=PUBLIC) as b:
        assert a.get("/cds-services", headers=h).status_code == 200
        r = b.get("/cds-services", headers=h)
    assert r.status_code == 401 and "replay" in r.text


@pytest.mark.parametrize("claims", [{"exp": str(round(time.time()) + 60)},
                                    {"iat": str(round(time.time()))},
                                    {"exp": True}, {"jti": 12}])
def test_malformed_claims_are_a_401(client: TestClient, claims: dict[str, Any]) -> None:
    r = client.get("/cds-services", headers=_cds("/cds-services", **claims))
    assert r.status_code == 401


def test_an_over_long_feedback_timestamp_is_a_400(client: TestClient) -> None:
    path = "/cds-services/osseous-patient-view/feedback"
    r = client.post(path, headers=_cds(path), json={"feedback": [{
        "card": "c1", "outcome": "accepted", "outcomeTimestamp": "2026-01-01T00:00:00Z" * 50}]})
    assert r.status_code == 400 and "outcomeTimestamp" in r.text


def test_cds_hook_audit_rows_carry_the_patient_id(client: TestClient, db: Database) -> None:
    path = "/cds-services/osseous-patient-view"
    from tests.interop.test_cds_hooks import _prefetch, synthetic_patient

    body = {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            "context": {"userId": "Practitioner/example", "patientId": "example-patient"},
            "prefetch": _prefetch(synthetic_patient())}
    assert client.post(path, headers=_cds(path), json=body).status_code == 200
    rows = _audit(db, action="hook")
    assert rows and rows[-1].patient_id == "example-patient"


# ---- analytics: aggregates of at least k patients, no free text --------------------------------

def test_researchers_read_no_small_cell_and_no_free_text(client: TestClient) -> None:
    """Issue: researchers received the free-text reason of one patient's board decision."""
    h = token(client)
    patient = client.post("/patients", json={"pseudonym": "P-9"}, headers=h).json()["id"]
    client.post("/cases", json={"patient_id": patient, "document": DEMO}, headers=h)
    rec = client.get("/cases/demo-breast-01/assessments", headers=h).json()[-1]["document"][
        "recommendations"][0]
    client.post("/cases/demo-breast-01/decisions", headers=h, json={
        "recommendation_id": rec["id"], "lesion": rec.get("lesion"), "decision": "declined",
        "reason": "Mrs Example prefers to wait for her daughter's wedding"})
    for role in ("researcher", "clinician"):
        report = client.get("/analytics?scores=false", headers=token(client, role)).json()
        text = json.dumps(report)
        assert "wedding" not in text
    research = client.get("/analytics?scores=false", headers=token(client, "researcher")).json()
    assert research["decisions"]["overall"]["decided"] is None  # 1 decision: blanked
    assert research["outcomes"]["cases"] is None  # one case: blanked
    assert not research["outcomes"]["by_primary"]


def test_suppression_rules() -> None:
    doc = {"overall": {"patients": 3, "median": 4.2},
           "by_primary": {"breast": {"patients": 2, "deaths": 1},
                          "lung": {"patients": 40, "deaths": 3, "median": 5.0,
                                   "ci95": [1.0, 9.0], "landmarks": [{"months": 6,
                                                                      "at_risk": 2,
                                                                      "survival": 0.5}]}},
           "rows": [{"evaluable": 4, "rate": 0.5}, {"evaluable": 30, "n": 0, "rate": 0.0}],
           "excluded": {"no date": 1, "no pain": 12}}
    out = disclosure.suppress(doc, 5)
    assert out["overall"] == {"patients": None, "median": None}
    assert list(out["by_primary"]) == ["lung"]
    lung = out["by_primary"]["lung"]
    assert lung["deaths"] == "<5" and lung["median"] is None and lung["ci95"] == [None, None]
    assert out["rows"] == [{"evaluable": 30, "n": 0, "rate": 0.0}]
    assert out["excluded"] == {"no date": "<5", "no pain": 12}


def test_icalendar_escapes_every_line_break() -> None:
    """Issue: U+0085, U+2028 and U+2029 passed unescaped into iCalendar text."""
    feed = {"case": "c1", "label": "P-1 / c1", "duties": [{
        "id": "d1", "status": "due", "due": "2026-12-10", "treatment": "zoledronic",
        "what": "creatinine\u2028BEGIN:VEVENT\u0085X\u2029Y\x0bZ\x0cW\rV\nU",
        "reason": "a\r\nb", "references": ["r"]}]}
    from datetime import UTC, date, datetime

    text = calendar([feed], name="n", as_of=date(2026, 12, 4), now=datetime(2026, 12, 4,
                                                                          tzinfo=UTC))
    lines = text.split("\r\n")
    assert sum(line.startswith("BEGIN:VEVENT") for line in lines) == 1
    for bad in ("\u2028", "\u2029", "\u0085", "\x0b", "\x0c"):
        assert bad not in text
    assert all("\n" not in line and "\r" not in line for line in lines)


def test_settings_refuse_unsafe_values() -> None:
    with pytest.raises(SettingsError, match="OSSEOUS_SMALL_CELL"):
        from_environment({"OSSEOUS_SMALL_CELL": "1"})
    with pytest.raises(SettingsError, match="OSSEOUS_TRUSTED_PROXIES"):
        from_environment({"OSSEOUS_TRUSTED_PROXIES": "not-an-address"})
    with pytest.raises(SettingsError, match="not an origin"):
        from_environment({"OSSEOUS_FHIR_SERVER_ALLOWLIST": "https://fhir.example/path"})
    with pytest.raises(SettingsError, match="OSSEOUS_ALLOW_LOOPBACK_FHIR"):
        from_environment({"OSSEOUS_ALLOW_LOOPBACK_FHIR": "perhaps"})
    s = from_environment({"OSSEOUS_PUBLIC_URL": "https://x.example/",
                          "OSSEOUS_CDS_CORS_ORIGINS": "https://a.example, https://b.example"})
    assert s.https and s.cds_cors_origins == ("https://a.example",
                                                                 "https://b.example")
