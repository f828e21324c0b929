"""Property-based tests of the API from its own OpenAPI document (schemathesis): no input
causes a server error, and every response matches the schema it declares."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from osseous.api.app import create_app
from osseous.registry import repository as repo
from osseous.registry import security
from osseous.registry.audit import SYSTEM
from osseous.registry.db import Database
from osseous.registry.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
TOKEN: dict[str, str] = {}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('st') / 'api.db'}")
    upgrade(db)
    with db.session() as s:
        user = security.create_user(s, "fuzz", "correct horse battery", "clinician")
        TOKEN["value"], _ = security.create_token(s, user, "fuzz", 1)
        repo.import_case(s, SYSTEM, json.loads(
            (ROOT / "examples" / "cases" / "demo-breast-01.json").read_text()))
    return create_app(db)


def test_api_never_fails_and_keeps_its_schema(api: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api)
    headers = {"Authorization": f"Bearer {TOKEN['value']}"}
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance,
              content_type_conformance]
    tested = 0
    calls: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=int(os.environ.get("OSSEOUS_FUZZ_EXAMPLES", "15")),
                  deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            response = case.call_and_validate(headers=headers, checks=checks)
            calls.append(response.status_code)

        run()
        tested += 1
    assert tested >= 25
    assert len(calls) >= 10 * tested  # hypothesis really generated requests
    assert {200, 201} & set(calls) and {404, 422} & set(calls)
