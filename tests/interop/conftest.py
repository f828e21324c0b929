"""Fixtures of the CDS Hooks tests: the API with the CDS Hooks Sandbox's issuer trusted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.core.settings import from_environment
from osseous.interop.cds_jwt import JwtVerifier, TrustedIssuer
from osseous.registry.db import Database
from tests.interop.test_cds_jwt import FIXTURES as JWT_FIXTURES
from tests.interop.test_cds_jwt import ISS, JKU

BASE = "http://testserver"


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    issuer = TrustedIssuer.from_file(ISS, JWT_FIXTURES / "sandbox" / "jwks.json", (JKU,))
    # loopback http FHIR servers: the tests' own
    app = create_app(db, cds_verifier=JwtVerifier({ISS: issuer}),
                     settings=from_environment({}, public_url=BASE, allow_loopback_fhir=True))
    with TestClient(app) as c:
        yield c
