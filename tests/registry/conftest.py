"""Registry and API tests run against SQLite and a real PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from osseous.registry.db import Database
from osseous.registry.migrate import upgrade
from tests.postgres import fresh_database, postgres_server


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
