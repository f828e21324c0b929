"""The hot paths of patient data (``GET /cases/{id}``, ``POST /assess``), which check the
token and read the case in one statement and commit their audit rows in groups: the answers,
the role matrix, immediate revocation and the audit row committed before the answer, on
SQLite and PostgreSQL (docs/performance.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import DBAPIError

from osseous.api.app import create_app
from osseous.registry import group_commit, hot_path, security
from osseous.registry.db import Database
from osseous.registry.migrate import upgrade
from osseous.registry.models import ApiToken, AuditEvent, User
from tests.api.test_api import DEMO, ROLES, new_case, token
from tests.postgres import fresh_database


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with db.session() as s:
        for role in ROLES:
            security.create_user(s, f"{role}-user", "correct horse battery", role)
    with TestClient(create_app(db)) as c:
        yield c


def _reads(db: Database, case_id: str) -> list[AuditEvent]:
    with db.read_session() as s:
        return list(s.scalars(select(AuditEvent).where(
            AuditEvent.action == "read", AuditEvent.resource == "case",
            AuditEvent.resource_id == case_id).order_by(AuditEvent.id)))


def test_the_case_as_before_for_each_role(client: TestClient, db: Database) -> None:
    h = token(client, "clinician")
    case_id, _ = new_case(client, h)
    got = client.get(f"/cases/{case_id}", headers=h)
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    body: dict[str, Any] = got.json()
    assert body["document"] == DEMO
    assert set(body) == {"id", "patient_id", "status", "board_date", "version",
                         "current_version", "created_at", "updated_at", "document"}
    assert body["status"] == "backlog" and body["board_date"] is None
    assert body["created_at"].endswith("Z")
    listed = client.get("/cases", headers=h).json()["items"][0]
    # the list item has the case's fields (and the work queue's, docs/api.md)
    assert {k: v for k, v in body.items() if k != "document"} == \
        {k: listed[k] for k in body if k != "document"}
    # an edit is seen by the next read: a new version, a new ETag
    doc = {**DEMO, "patient": {**DEMO["patient"], "ecog": 2}}
    assert client.put(f"/cases/{case_id}/document", json=doc,
                      headers={**h, "If-Match": '"1"'}).status_code == 200
    again = client.get(f"/cases/{case_id}", headers=h)
    assert again.headers["etag"] == '"2"' and again.json()["document"]["patient"]["ecog"] == 2
    assert client.get(f"/cases/{case_id}", headers=token(client, "coordinator")
                      ).status_code == 200
    for role in ("researcher", "admin"):
        refused = client.get(f"/cases/{case_id}", headers=token(client, role))
        assert refused.status_code == 403 and "document" not in refused.text
    reads = _reads(db, case_id)
    assert [r.username for r in reads] == ["clinician-user", "clinician-user",
                                           "coordinator-user"]
    assert all(r.patient_id == body["patient_id"] for r in reads)
    with db.read_session() as s:
        denied = s.scalars(select(AuditEvent.username).where(
            AuditEvent.outcome == "denied", AuditEvent.resource_id == f"/cases/{case_id}"))
        assert sorted(denied) == ["admin-user", "researcher-user"]


def test_each_read_is_audited_before_its_answer(client: TestClient, db: Database) -> None:
    h = token(client, "clinician")
    case_id, _ = new_case(client, h)
    for n in range(1, 4):
        assert client.get(f"/cases/{case_id}", headers=h).status_code == 200
        assert len(_reads(db, case_id)) == n  # already committed when the answer arrived
    assert client.post("/assess", json=DEMO, headers=h).status_code == 200
    with db.read_session() as s:
        assessed = s.scalars(select(AuditEvent).where(AuditEvent.action == "assess",
                                                    AuditEvent.resource == "stateless")).all()
    assert [(a.username, a.resource_id) for a in assessed] == [("clinician-user", DEMO["id"])]


def test_no_answer_when_the_audit_row_cannot_be_committed(
        client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    h = token(client, "clinician")
    case_id, _ = new_case(client, h)
    monkeypatch.setattr(group_commit, "_INSERT", text(
        "INSERT INTO no_such_table (at) VALUES (:at)"))
    for request in (lambda: client.get(f"/cases/{case_id}", headers=h),
                    lambda: client.post("/assess", json=DEMO, headers=h)):
        r = request()
        assert r.status_code == 500 and "recommendations" not in r.text
        assert "document" not in r.text


def test_revocation_expiry_and_deactivation_are_immediate(client: TestClient,
                                                          db: Database) -> None:
    h = token(client, "clinician")
    case_id, _ = new_case(client, h)
    for setup, undo in (
            (update(ApiToken).values(revoked_at=security.utcnow()),
             update(ApiToken).values(revoked_at=None)),
            (update(ApiToken).values(expires_at=security.utcnow() - timedelta(seconds=1)),
             update(ApiToken).values(expires_at=None)),
            (update(User).values(active=False), update(User).values(active=True))):
        assert client.get(f"/cases/{case_id}", headers=h).status_code == 200
        assert client.post("/assess", json=DEMO, headers=h).status_code == 200
        with db.session() as s:
            s.execute(setup)
        for r in (client.get(f"/cases/{case_id}", headers=h),
                  client.post("/assess", json=DEMO, headers=h)):
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
            assert "document" not in r.text and "recommendations" not in r.text
        with db.session() as s:
            s.execute(undo)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer ", "Basic abc", "Bearer oss_x",
                                    "Bearer " + "oss_" + "a" * 200, "bearer \u00e9"])
def test_bad_credentials_on_the_hot_paths(client: TestClient, db: Database,
                                          header: str | None) -> None:
    h = token(client, "clinician")
    case_id, _ = new_case(client, h)
    headers = {} if header is None else {"Authorization": header}
    try:
        r = client.get(f"/cases/{case_id}", headers=headers)
    except UnicodeEncodeError:  # the client cannot send it: nothing to test
        return
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    # a body that is not a case: still 401 (the token is checked first), nothing assessed
    r = client.post("/assess", json={"patient": {"ecog": 7}}, headers=headers)
    assert r.status_code == 401
    with db.read_session() as s:
        refused = s.scalars(select(AuditEvent).where(AuditEvent.action == "authenticate"))
        assert len(refused.all()) == 2


@pytest.mark.parametrize(("body", "where"), [
    (b"", ""), (b"[]", ""), (b"null", ""), (b'"case"', ""),
    (b'{"format": "other/1"}', "format"), (b'{"lesions": 3}', "lesions")])
def test_assess_refuses_what_is_not_a_case(client: TestClient, body: bytes,
                                           where: str) -> None:
    h = {**token(client, "researcher"), "Content-Type": "application/json"}
    r = client.post("/assess", content=body, headers=h)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["path"] == where


def test_the_read_is_repeated_once_on_a_dropped_connection() -> None:
    calls: list[int] = []

    def dropped_then_fine() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise DBAPIError("SELECT", {}, OSError("server closed the connection"),
                             connection_invalidated=True)
        return "read"

    assert hot_path._once_more_on_disconnect(dropped_then_fine) == "read"
    assert len(calls) == 2

    def broken() -> str:
        raise DBAPIError("SELECT", {}, OSError("syntax error"))

    with pytest.raises(DBAPIError):
        hot_path._once_more_on_disconnect(broken)


def test_a_restarted_postgresql_costs_no_request(pg_server: str | None) -> None:
    """The hot reads do not ping before each use: a connection the server dropped is noticed
    by the failed statement and the read repeated on a fresh one."""
    if pg_server is None:
        pytest.skip("PostgreSQL not installed")
    db = Database(fresh_database(pg_server))
    upgrade(db)
    try:
        with db.session() as s:
            security.create_user(s, "clinician-user", "correct horse battery", "clinician")
        with TestClient(create_app(db)) as client:
            h = token(client, "clinician")
            case_id, _ = new_case(client, h)
            assert client.get(f"/cases/{case_id}", headers=h).status_code == 200
            with db.engine.connect() as conn:  # what a server restart does to the pool
                conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            assert client.get(f"/cases/{case_id}", headers=h).status_code == 200
            assert client.post("/assess", json=DEMO, headers=h).status_code == 200
    finally:
        db.dispose()


def test_small_and_large_cases_are_assessed_alike(client: TestClient) -> None:
    """A small case is assessed on the event loop, a large one in the pool of heavy jobs:
    the answer is the assessment either way."""
    import orjson

    from osseous.api.hot import INLINE_MAX_LESIONS
    from osseous.core.validation import parse_case
    from osseous.plan.engine import assess

    h = token(client, "clinician")
    spine = next(les for les in DEMO["lesions"] if les["site"] == "spine")
    for n in (1, INLINE_MAX_LESIONS + 1, 100):
        doc = {**DEMO, "assessed_on": "2026-11-20",
               "lesions": [{**spine, "id": f"L{i}"} for i in range(n)]}
        r = client.post("/assess", json=doc, headers=h)
        assert r.status_code == 200, r.text
        parsed = parse_case(doc)
        expected = orjson.loads(orjson.dumps(assess(parsed.case, parsed.ignored_fields)))
        assert r.json() == expected
    too_many = {**DEMO, "lesions": [{**spine, "id": f"L{i}"} for i in range(101)]}
    r = client.post("/assess", json=too_many, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["path"] == "lesions"


def test_a_case_read_is_one_statement(tmp_path: Path) -> None:
    """The token check and the case read are one indexed statement, and the audit row one
    insert committed by the group committer."""
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    upgrade(db)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    try:
        with db.session() as s:
            security.create_user(s, "clinician-user", "correct horse battery", "clinician")
        with TestClient(create_app(db)) as client:
            h = token(client, "clinician")
            case_id, _ = new_case(client, h)
            for engine in (db.hot_engine, db.engine, db.read_engine):
                event.listen(engine, "before_cursor_execute", count)
            assert client.get(f"/cases/{case_id}", headers=h).status_code == 200
            for engine in (db.hot_engine, db.engine, db.read_engine):
                event.remove(engine, "before_cursor_execute", count)
    finally:
        db.dispose()
    selects = [q for q in statements if q.upper().startswith("SELECT")]
    inserts = [q for q in statements if q.upper().startswith("INSERT")]
    assert len(selects) == 1 and "token_hash" in selects[0] and "case_versions" in selects[0]
    assert len(inserts) == 1 and "audit_events" in inserts[0]
