"""Addresses built to break the database layer: a NUL character in the path or the query
(PostgreSQL cannot store or even compare one) is refused at the door with a 400, on SQLite
and PostgreSQL alike, for every kind of route; and the service keeps answering."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.registry.db import Database
from tests.api.test_api import ROLES, new_case, token


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    from osseous.registry import security

    with db.session() as s:
        for role in ROLES:
            security.create_user(s, f"{role}-user", "correct horse battery", role)
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("path", [
    "/cases/%00", "/cases/a%00b/lesions", "/patients/%00", "/no-such-route%00",
    "/cases?patient_id=%00", "/cases?status=backlog&patient_id=a%00", "/patients?q=%00",
    "/audit?username=%00", "/app/cases/%00", "/fhir/Patient/%00"])
def test_a_nul_in_the_address_is_a_400(client: TestClient, path: str) -> None:
    h = token(client, "clinician")
    r = client.get(path, headers=h)
    assert r.status_code == 400, (path, r.status_code, r.text)
    assert r.headers["content-type"] == "application/problem+json"
    assert "NUL" in r.json()["detail"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_other_odd_addresses_are_answered_not_failed(client: TestClient) -> None:
    h = token(client, "clinician")
    case_id, _ = new_case(client, h)
    for path in ("/cases/%ED%A0%80", "/cases/%C0%AF", "/cases/" + "x" * 5000,
                 "/cases/%2e%2e/%2e%2e/audit", f"/cases/{case_id}%20", "/cases/%FF%FE"):
        r = client.get(path, headers=h)
        assert r.status_code == 404, (path, r.status_code, r.text[:200])
    assert client.get(f"/cases/{case_id}", headers=h).status_code == 200
    assert client.get("/health").status_code == 200
