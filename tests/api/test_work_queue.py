"""``GET /cases`` as the work queue and ``/cases/{id}/decisions`` with problem, owner, due
date and the reversal check: the same registry services the pages use."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.registry import overview, security
from osseous.registry.audit import Actor
from osseous.registry.db import Database

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


@pytest.fixture
def api(db: Database) -> Iterator[TestClient]:
    seed_demo(db)
    with db.session() as s:
        security.create_user(s, "doc", PASSWORD, "clinician")
        security.create_user(s, "coord", PASSWORD, "coordinator")
    with TestClient(create_app(db)) as c:
        yield c


def bearer(c: TestClient, user: str = "doc") -> dict[str, str]:
    r = c.post("/auth/token", json={"username": user, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_the_list_is_the_work_queue_of_the_pages(api: TestClient, db: Database) -> None:
    h = bearer(api, "coord")
    body = api.get("/cases", headers=h).json()
    first = body["items"][0]
    # the critical case first, without opening it, with what the page's list shows
    assert first["urgency"] == "emergency" and first["top_severity"] == "critical"
    assert first["top_alert"] and first["open_problems"] >= 1
    assert first["undecided_options"] >= 1 and first["pseudonym"] and first["assessed"]
    # the fields clients relied on before are all there
    for key in ("id", "patient_id", "status", "board_date", "version", "current_version",
                "created_at", "updated_at"):
        assert key in first
    with db.read_session() as s:
        rows, total = overview.case_list(s, Actor("doc", "clinician", None), per_page=200)
    assert [i["id"] for i in body["items"]] == [r.case_id for r in rows][:50]
    assert body["total"] == total
    ranks = [overview.URGENCY_OF_RANK.index(i["urgency"]) for i in body["items"]]
    assert ranks == sorted(ranks)


def test_filters_sort_and_pages(api: TestClient) -> None:
    h = bearer(api)
    everything = api.get("/cases", params={"limit": 200}, headers=h).json()
    critical = api.get("/cases", params={"severity": "critical"}, headers=h).json()
    assert critical["total"] == len([i for i in everything["items"]
                                     if i["top_severity"] == "critical"]) >= 1
    myeloma = api.get("/cases", params={"primary": "myeloma"}, headers=h).json()
    assert myeloma["total"] >= 1 and {i["primary"] for i in myeloma["items"]} == {"myeloma"}
    found = api.get("/cases", params={"q": "RENAL-mes"}, headers=h).json()
    assert [i["id"] for i in found["items"]] == ["renal-mescc"]
    by_id = api.get("/cases", params={"sort": "case", "limit": 3, "offset": 2},
                    headers=h).json()
    ids = sorted(i["id"] for i in everything["items"])
    assert [i["id"] for i in by_id["items"]] == ids[2:5] and by_id["total"] == len(ids)
    patient = everything["items"][0]["patient_id"]
    mine = api.get("/cases", params={"patient_id": patient}, headers=h).json()
    assert {i["patient_id"] for i in mine["items"]} == {patient}
    for bad in ({"sort": "random"}, {"severity": "high"}, {"limit": 0}, {"q": "x" * 101}):
        r = api.get("/cases", params=bad, headers=h)
        assert r.status_code == 422 and r.headers["content-type"] == \
            "application/problem+json", bad


def _option(api: TestClient, h: dict[str, str], case_id: str) -> tuple[str, dict[str, Any]]:
    doc = api.get(f"/cases/{case_id}/assessments", headers=h).json()[-1]["document"]
    problem = next(p for p in doc["problems"] if p["options"])
    return problem["id"], problem["options"][0]


def test_decisions_carry_problem_owner_and_title(api: TestClient) -> None:
    h = bearer(api)
    problem, option = _option(api, h, "demo-breast-01")

    def undecided() -> int:
        items = api.get("/cases", params={"q": "demo-breast-01"}, headers=h).json()["items"]
        return int(items[0]["undecided_options"])

    before = undecided()
    r = api.post("/cases/demo-breast-01/decisions", headers=h, json={
        "recommendation_id": option["recommendation"], "lesion": option.get("lesion"),
        "decision": "accepted", "owner": "Dr Rao, radiation oncology",
        "due_date": "2026-12-20"})
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["problem"] == problem  # found from the option when not given
    assert out["owner"] == "Dr Rao, radiation oncology" and out["due_date"] == "2026-12-20"
    assert out["title"] and "." not in out["title"].split()[0]  # words, not the rule id
    listed = api.get("/cases/demo-breast-01/decisions", headers=h).json()
    assert listed[-1]["id"] == out["id"] and listed[-1]["title"] == out["title"]
    assert undecided() == before - 1


def test_a_reversal_is_refused_until_confirmed(api: TestClient) -> None:
    h = bearer(api)
    _, option = _option(api, h, "demo-breast-01")
    base = {"recommendation_id": option["recommendation"], "lesion": option.get("lesion")}
    first = api.post("/cases/demo-breast-01/decisions", headers=h,
                     json={**base, "decision": "declined", "reason": "patient's wish"})
    assert first.status_code == 201
    again = api.post("/cases/demo-breast-01/decisions", headers=h,
                     json={**base, "decision": "accepted"})
    assert again.status_code == 409
    body = again.json()
    assert again.headers["content-type"] == "application/problem+json"
    assert body["earlier"]["decision"] == "declined" and body["earlier"]["id"] == \
        first.json()["id"]
    assert "declined" in body["detail"] and "confirm" in body["detail"]
    assert len(api.get("/cases/demo-breast-01/decisions", headers=h).json()) == 1
    confirmed = api.post("/cases/demo-breast-01/decisions", headers=h,
                         json={**base, "decision": "accepted", "confirm": True})
    assert confirmed.status_code == 201
    # the same decision again is no reversal
    same = api.post("/cases/demo-breast-01/decisions", headers=h,
                    json={**base, "decision": "accepted"})
    assert same.status_code == 201


def test_bad_decisions_name_the_field(api: TestClient) -> None:
    h = bearer(api)
    problem, option = _option(api, h, "demo-breast-01")
    base = {"recommendation_id": option["recommendation"], "lesion": option.get("lesion")}
    cases = [({**base, "decision": "declined"}, "reason"),
             ({**base, "decision": "accepted", "problem": "no-such-problem"}, "problem"),
             ({**base, "decision": "accepted", "owner": "x" * 129}, "owner"),
             ({**base, "decision": "accepted", "confirm": "perhaps"}, "confirm"),
             ({"recommendation_id": "rt.nothing", "decision": "accepted"},
              "recommendation_id")]
    for payload, field in cases:
        r = api.post("/cases/demo-breast-01/decisions", headers=h, json=payload)
        assert r.status_code == 422, (field, r.text)
        assert any(e["path"].endswith(field) for e in r.json()["errors"]), (field, r.json())
    coordinator = api.post("/cases/demo-breast-01/decisions", headers=bearer(api, "coord"),
                           json={**base, "decision": "accepted", "problem": problem})
    assert coordinator.status_code == 403


def test_the_documented_fields_are_in_the_openapi(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    item = spec["components"]["schemas"]["QueueItem"]["properties"]
    assert {"urgency", "open_problems", "undecided_options", "top_alert"} <= set(item)
    decision_in = spec["components"]["schemas"]["DecisionIn"]["properties"]
    assert {"problem", "owner", "due_date", "confirm"} <= set(decision_in)
    assert json.dumps(spec)  # serialisable
