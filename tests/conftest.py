"""Shared test helpers."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles

from osseous.core.case import Case
from osseous.core.validation import parse_case
from osseous.registry.db import Database
from osseous.registry.migrate import upgrade
from tests.postgres import fresh_database, postgres_server

REFERENCE_DATE = "2026-11-20"

# argon2id at its cheapest in tests: the parameters are production's business, not the tests'
from osseous.registry import security  # noqa: E402

security.use_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))


def make_case(doc: dict[str, Any]) -> Case:
    """Validate a case fragment, with the test suite's reference date unless one is given."""
    data = {"assessed_on": REFERENCE_DATE, **doc}
    return parse_case(data).case


@pytest.fixture
def case_from() -> Callable[[dict[str, Any]], Case]:
    return make_case


# ---- databases: SQLite and a throwaway PostgreSQL -------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str | None]:
    with postgres_server() as url:
        if url is None and os.environ.get("OSSEOUS_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required (OSSEOUS_REQUIRE_POSTGRES=1) but not installed")
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_server: str | None) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    if pg_server is None:
        pytest.skip("PostgreSQL not installed")
    return fresh_database(pg_server)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    upgrade(database)
    yield database
    database.dispose()
