"""Fixtures of the CDS Hooks tests: the API with the CDS Hooks Sandbox's issuer trusted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.interop.cds_jwt import JwtVerifier, TrustedIssuer
from osseous.interop.fhir_client import FetchPolicy
from osseous.registry.db import Database
from tests.interop.test_cds_jwt import FIXTURES as JWT_FIXTURES
from tests.interop.test_cds_jwt import ISS, JKU


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    issuer = TrustedIssuer.from_file(ISS, JWT_FIXTURES / "sandbox" / "jwks.json", (JKU,))
    app = create_app(db, cds_verifier=JwtVerifier({ISS: issuer}))
    app.state.cds_fetch_policy = FetchPolicy(allow_loopback_http=True)  # test FHIR servers
    with TestClient(app) as c:
        yield c
