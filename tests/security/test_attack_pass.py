"""The second attack pass on a running service (issue 14): each finding reproduced and refused.

- ``If-Match`` of thousands of digits: a 500 (Python refuses to convert past 4,300 digits);
- a CDS JWT whose ``jti`` the replay cache cannot store (a lone surrogate): a 500; whose
  ``exp`` or ``iat`` is NaN: accepted, and such a token never expired (NaN compares false);
- ``fhirServer`` ``https://[::1`` (or a port out of range): a 500;
- a FHIR server sending a byte a second kept each fetch, and a hook's several fetches, going
  far past the configured timeout (each read came within the read timeout);
- a FHIR answer nested 100,000 deep: a recursion error;
- hooks queued behind a slow FHIR server held the server's worker threads;
- 20,000 feedback items in one request: 20,000 reads in one request.
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.core.settings import from_environment
from osseous.interop.cds_jwt import JwtRejected, JwtVerifier, TrustedIssuer
from osseous.interop.fhir_client import FetchFailed, FetchPolicy, check_server, fetcher, get_json
from osseous.registry import security
from osseous.registry.db import Database
from tests.api.test_api import DEMO, new_case
from tests.interop.test_cds_jwt import FIXTURES, ISS, JKU, SANDBOX_KEY, URL, sandbox_token

BASE = "https://osseous.example"
PV = "/cds-services/osseous-patient-view"


class _Fhir(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/deep"):
            body = b"[" * 100_000 + b"]" * 100_000
        elif self.path.startswith("/trickle"):
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.end_headers()
            for _ in range(20):  # a byte a second: every read within the read timeout
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1)
            return
        else:
            body = json.dumps({"resourceType": "Bundle", "type": "searchset"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fhir() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fhir)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with db.session() as s:
        security.create_user(s, "clinician-user", "correct horse battery", "clinician")
    issuer = TrustedIssuer.from_file(ISS, FIXTURES / "sandbox" / "jwks.json", (JKU,))
    app = create_app(db, cds_verifier=JwtVerifier({ISS: issuer}), settings=from_environment(
        {}, public_url=BASE, allow_loopback_fhir=True, fhir_timeout_seconds=0.5,
        fhir_max_concurrency=2))
    with TestClient(app) as c:
        yield c


def _token(client: TestClient) -> dict[str, str]:
    r = client.post("/auth/token", json={"username": "clinician-user",
                                         "password": "correct horse battery"})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_an_if_match_of_thousands_of_digits_is_a_412(client: TestClient) -> None:
    h = _token(client)
    case_id, _ = new_case(client, h)
    for tag in ('"' + "9" * 5000 + '"', "9" * 11, str(2**31), '"-1"', "*"):
        r = client.put(f"/cases/{case_id}/document", json=DEMO, headers={**h, "If-Match": tag})
        assert r.status_code == 412, (tag[:20], r.status_code)
        r = client.patch(f"/cases/{case_id}/agenda", json={"status": "scheduled"},
                         headers={**h, "If-Match": tag})
        assert r.status_code == 412
    assert client.get(f"/cases/{case_id}", headers=h).headers["etag"] == '"1"'


def _verifier() -> JwtVerifier:
    return JwtVerifier({ISS: TrustedIssuer.from_file(ISS, FIXTURES / "sandbox" / "jwks.json",
                                                     (JKU,))})


@pytest.mark.parametrize("claims", [{"jti": "\ud800"}, {"jti": "a\x00b"},
                                    {"exp": math.nan}, {"iat": math.nan},
                                    {"exp": math.inf}, {"iat": -math.inf}])
def test_claims_that_cannot_be_stored_or_compared_are_refused(claims: dict[str, Any]) -> None:
    now = time.time()
    full = {"iss": ISS, "aud": URL, "exp": round(now + 300), "iat": round(now),
            "jti": str(uuid.uuid4()), **claims}
    token = jwt.encode(full, SANDBOX_KEY, algorithm="ES384",
                       headers={"kid": "44823f3d-0b01-4a6c-a80e-b9d3e8a7226f", "jku": JKU})
    with pytest.raises(JwtRejected):
        _verifier().verify(token, URL)


def test_a_jti_that_cannot_be_stored_is_a_401_not_a_500(client: TestClient) -> None:
    token = sandbox_token(aud=BASE + PV, jti="\ud800")
    r = client.post(PV, json={"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                              "context": {"patientId": "p1", "userId": "Practitioner/1"}},
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


@pytest.mark.parametrize("server", ["https://[::1", "https://ehr.example:99999/fhir",
                                    "https://[zz]/fhir", "https://ehr.example:-1/"])
def test_an_invalid_fhir_server_url_is_refused(client: TestClient, server: str) -> None:
    with pytest.raises(FetchFailed):
        check_server(server, FetchPolicy())
    assert isinstance(fetcher({"fhirServer": server}, FetchPolicy()), str)
    body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()), "fhirServer": server,
            "context": {"patientId": "p1", "userId": "Practitioner/1"}}
    r = client.post(PV, json=body, headers={
        "Authorization": f"Bearer {sandbox_token(aud=BASE + PV)}"})
    assert r.status_code in (200, 412), r.text


def test_a_trickling_fhir_server_is_cut_at_the_deadline(fhir: str) -> None:
    policy = FetchPolicy(allow_loopback_http=True, connect_timeout=1.0, read_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match=r"too long|could not be reached"):
        get_json(f"{fhir}/trickle", None, policy)
    assert time.monotonic() - started < 3.0 + 1.0  # connect + 2 x read, and a margin
    # every fetch of one hook shares one budget: three fetches take no longer than one
    fetch = fetcher({"fhirServer": fhir}, policy)
    assert not isinstance(fetch, str)
    started = time.monotonic()
    for query in ("trickle/a", "trickle/b", "trickle/c"):
        with pytest.raises(FetchFailed):
            fetch(query)
    assert time.monotonic() - started < 3.0 + 1.5


def test_a_deeply_nested_fhir_answer_is_refused(fhir: str) -> None:
    with pytest.raises(FetchFailed, match="not JSON"):
        get_json(f"{fhir}/deep", None, FetchPolicy(allow_loopback_http=True))


def test_hooks_behind_a_slow_fhir_server_hold_no_server_threads(client: TestClient,
                                                                fhir: str) -> None:
    """Forty-five hooks whose FHIR server trickles, at once: the hooks answer (412 or cards) within
    a bounded time, and requests served by worker threads (the case list) keep answering."""
    h = _token(client)
    results: list[int] = []

    def hook() -> None:
        body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                "fhirServer": f"{fhir}/trickle",
                "context": {"patientId": "p1", "userId": "Practitioner/1"}}
        r = client.post(PV, json=body, headers={
            "Authorization": f"Bearer {sandbox_token(aud=BASE + PV)}"})
        results.append(r.status_code)

    threads = [threading.Thread(target=hook) for _ in range(45)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    started = time.monotonic()
    assert client.get("/cases", headers=h).status_code == 200  # a sync endpoint: a thread
    assert time.monotonic() - started < 2.0
    for t in threads:
        t.join(120)
    assert len(results) == 45 and all(code < 500 for code in results), results


def test_feedback_is_bounded(client: TestClient) -> None:
    path = PV + "/feedback"
    items = [{"card": str(i), "outcome": "accepted",
              "outcomeTimestamp": "2026-12-01T10:00:00Z"} for i in range(101)]
    r = client.post(path, json={"feedback": items},
                    headers={"Authorization": f"Bearer {sandbox_token(aud=BASE + path)}"})
    assert r.status_code == 400 and "100" in r.text
    r = client.post(path, json={"feedback": items[:100]},
                    headers={"Authorization": f"Bearer {sandbox_token(aud=BASE + path)}"})
    assert r.status_code == 200 and r.json()["stored"] == 100
