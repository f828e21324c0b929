"""The role matrix of :mod:`osseous.registry.policy`, tried through the API and the pages: for
every role and every action, the API and the pages permit exactly what the one table says."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.registry import policy, security
from osseous.registry.db import Database
from osseous.registry.policy import Action

PASSWORD = "correct horse battery"
CASE = "demo-breast-01"


@pytest.fixture
def app(db: Database) -> Iterator[TestClient]:
    seed_demo(db)
    with db.session() as s:
        for role in policy.ROLES:
            security.create_user(s, f"{role}-user", PASSWORD, role)
    with TestClient(create_app(db)) as c:
        yield c


def _csrf(c: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', c.get(path).text)
    assert found, path
    return found.group(1)


def _cookie(c: TestClient) -> str:
    """The CSRF token signing in issued (the forms carry the same value)."""
    return str(c.cookies.get("osseous_csrf"))


def _bearer(c: TestClient, role: str) -> dict[str, str]:
    r = c.post("/auth/token", json={"username": f"{role}-user", "password": PASSWORD})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _signed_in(c: TestClient, role: str) -> bool:
    r = c.post("/app/login", data={"csrf": _csrf(c, "/app/login"), "username": f"{role}-user",
                                   "password": PASSWORD, "next": "/app/cases"},
               follow_redirects=False)
    return r.status_code == 303


def _etag(c: TestClient, h: dict[str, str]) -> str:
    return c.get(f"/cases/{CASE}", headers=_bearer(c, "clinician")).headers["etag"]


#: one request per action through the API (refused with 403 unless permitted)
API: dict[Action, Callable[[TestClient, dict[str, str]], Any]] = {
    Action.USE_SERVICE: lambda c, h: c.get("/auth/me", headers=h),
    Action.READ_PATIENT_DATA: lambda c, h: c.get("/cases", headers=h),
    Action.WRITE_PATIENT_DATA: lambda c, h: c.post("/patients", json={"pseudonym": "P-9"},
                                                   headers=h),
    Action.MANAGE_AGENDA: lambda c, h: c.patch(
        f"/cases/{CASE}/agenda", json={"board_date": "2026-12-10"},
        headers={**h, "If-Match": _etag(c, h)}),
    Action.READ_ANALYTICS: lambda c, h: c.get("/analytics", params={"scores": "false"},
                                              headers=h),
    Action.ADMINISTER: lambda c, h: c.get("/users", headers=h),
}

#: one request per action through the pages, signed in (refused with 403 unless permitted)
PAGES: dict[Action, Callable[[TestClient], Any]] = {
    Action.READ_PATIENT_DATA: lambda c: c.get("/app/cases"),
    Action.WRITE_PATIENT_DATA: lambda c: c.post(
        f"/app/cases/{CASE}/decisions", data={"csrf": _cookie(c),
                                              "recommendation_id": "x", "decision": ""}),
    Action.MANAGE_AGENDA: lambda c: c.post(
        "/app/board/2026-12-10", data={"csrf": _cookie(c),
                                       "attendees": "Radiation oncology: A. Doe"},
        follow_redirects=False),
    Action.READ_ANALYTICS: lambda c: c.get("/app/analytics"),
}


@pytest.mark.parametrize("role", policy.ROLES)
def test_the_api_permits_what_the_policy_says(app: TestClient, role: str) -> None:
    h = _bearer(app, role)
    for action, request in API.items():
        r = request(app, h)
        if policy.allows(role, action):
            assert r.status_code < 400, (role, action, r.status_code, r.text[:200])
        else:
            assert r.status_code == 403, (role, action, r.status_code)


@pytest.mark.parametrize("role", policy.ROLES)
def test_the_pages_permit_what_the_policy_says(app: TestClient, role: str) -> None:
    assert _signed_in(app, role) == policy.allows(role, Action.SIGN_IN_TO_PAGES), role
    if not policy.allows(role, Action.SIGN_IN_TO_PAGES):
        return
    for action, request in PAGES.items():
        r = request(app)
        if policy.allows(role, action):
            assert r.status_code != 403, (role, action, r.status_code)
            assert r.status_code < 500, (role, action, r.text[:200])
        else:
            assert r.status_code == 403, (role, action, r.status_code)
            assert "role has no access" in r.text


def test_every_action_is_tried_and_the_table_is_the_one_intended() -> None:
    """Every action has a probe, and the table itself (separation of duties)."""
    assert set(API) | set(PAGES) | {Action.SIGN_IN_TO_PAGES} == set(Action)
    assert policy.roles(Action.READ_PATIENT_DATA) == {"clinician", "coordinator"}
    assert policy.roles(Action.WRITE_PATIENT_DATA) == {"clinician"}
    assert policy.roles(Action.MANAGE_AGENDA) == {"clinician", "coordinator"}
    assert policy.roles(Action.ADMINISTER) == {"admin"}
    assert policy.aggregates_only("researcher") and not policy.aggregates_only("clinician")
    assert not policy.allows("admin", Action.READ_PATIENT_DATA)
    assert not policy.allows(None, Action.USE_SERVICE)


def test_the_registry_services_ask_the_same_policy(db: Database) -> None:
    """Policy inside the services too: what a role may not do through the pages or the API
    it may not do by calling the registry directly (and what it may, it is not refused)."""
    from osseous.core.errors import InvalidInput
    from osseous.registry import cohort, overview
    from osseous.registry.audit import Actor
    from osseous.registry.errors import Forbidden

    seed_demo(db)
    calls: dict[Action, Callable[[Any, Actor], object]] = {
        Action.READ_PATIENT_DATA: overview.case_list,
        Action.READ_ANALYTICS: lambda s, a: list(cohort.documents(s, a)),
        Action.MANAGE_AGENDA: lambda s, a: overview.schedule(s, a, CASE, date(2026, 12, 10)),
        # a decision on no option: refused for its content once the role may decide
        Action.WRITE_PATIENT_DATA: lambda s, a: overview.decide(
            s, a, CASE, {"recommendation_id": "no-such-option", "decision": "accepted"}),
    }
    for role in policy.ROLES:
        actor = Actor(f"{role}-user", role, None)
        for action, call in calls.items():
            with db.session() as s:
                if not policy.allows(role, action):
                    with pytest.raises(Forbidden):
                        call(s, actor)
                elif action is Action.WRITE_PATIENT_DATA:
                    with pytest.raises(InvalidInput):
                        call(s, actor)
                else:
                    call(s, actor)
