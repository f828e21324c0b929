"""CDS Hooks requests shaped as the CDS Hooks Sandbox and the Inferno Da Vinci CRD test kit send
them (tests/fixtures/cds-hooks), and one test per finding of issue 15 on the CDS service."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from osseous.interop.cds_orders import _RT_DOSE
from osseous.interop.drugs import ingredient_head
from osseous.interop.fhir_client import FetchFailed, FetchPolicy, check_server, fill, get_json
from tests.interop.test_cds_hooks import (
    KINDS,
    _prefetch,
    auth,
    check_cards,
    prostate_patient,
    synthetic_patient,
)
from tests.third_party import CDS_HOOKS, load

PV = "/cds-services/osseous-patient-view"
OS = "/cds-services/osseous-order-sign"
SANDBOX = "https://sandbox.cds-hooks.org"


def _post(client: TestClient, path: str, body: dict[str, Any],
          **headers: str) -> Any:
    return client.post(path, json=body, headers={**auth(path), **headers})


def inferno_order_sign(drug: dict[str, Any], creatinine: float = 1.5) -> dict[str, Any]:
    """Inferno's CRD order-sign request, its MedicationRequest (doseAndRate an object, UCUM)
    given the drug under test, and prefetch for our synthetic patient (Inferno's fhirServer
    cannot be reached)."""
    body = copy.deepcopy(load(CDS_HOOKS / "davinci-crd-test-kit" / "order_sign_hook_request.json"))
    body.pop("fhirServer", None)
    body.pop("fhirAuthorization", None)
    body["context"]["patientId"] = "p1"
    med = next(e["resource"] for e in body["context"]["draftOrders"]["entry"]
               if e["resource"]["resourceType"] == "MedicationRequest")
    med.pop("medicationCodeableConcept", None)
    med.update(drug)
    body["prefetch"] = _prefetch(synthetic_patient(creatinine))
    return body


def _zol_dose(quantity: dict[str, Any] | None, layout: str = "object") -> dict[str, Any]:
    dosage: dict[str, Any] = {"text": "IV infusion over 15 minutes"}
    if quantity is not None:
        if layout == "object":
            dosage["doseAndRate"] = {"doseQuantity": quantity}
        elif layout == "list":
            dosage["doseAndRate"] = [{"doseQuantity": quantity}]
        else:  # STU3
            dosage["doseQuantity"] = quantity
    return {"medicationCodeableConcept": {"coding": [{
        "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "77655",
        "display": "zoledronic acid"}]}, "dosageInstruction": [dosage]}


def test_inferno_crd_order_sign_as_sent_is_answered(client: TestClient) -> None:
    """Inferno's own request (doseAndRate an object, NutritionOrder without intent) is a 412
    (its FHIR server is not reachable and it prefetches nothing), never a 500."""
    body = load(CDS_HOOKS / "davinci-crd-test-kit" / "order_sign_hook_request.json")
    r = _post(client, OS, body)
    assert r.status_code == 412
    outcome = r.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["severity"] == "error"
    assert "access_token" not in r.text and body["fhirAuthorization"]["access_token"] not in r.text


@pytest.mark.parametrize(("quantity", "layout", "expected"), [
    ({"value": 4, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}, "object",
     "exceeds"),
    ({"value": 4, "unit": "MG"}, "list", "exceeds"),  # RxNorm's spelling
    ({"value": 4000, "unit": "ug"}, "list", "exceeds"),
    ({"value": 4000, "unit": "mcg"}, "stu3", "exceeds"),
    ({"value": 0.004, "unit": "g", "system": "http://unitsofmeasure.org", "code": "g"}, "stu3",
     "exceeds"),
    ({"value": 3, "unit": "mg"}, "object", None),  # the plan's dose: nothing to say
    ({"value": 4, "unit": "{pill}", "system": "http://unitsofmeasure.org", "code": "{pill}"},
     "object", "could not be checked"),
    ({"value": 4}, "list", "could not be checked"),  # no unit: never read as mg
    ({"value": 4, "unit": "Mg"}, "list", "could not be checked"),  # UCUM: megagram
])
def test_order_sign_reads_doses_as_ehrs_write_them(client: TestClient, quantity: dict[str, Any],
                                                  layout: str, expected: str | None) -> None:
    # CrCl = (140-76)*70/(72*1.5)*0.85 = 35.3 mL/min: the plan's zoledronic acid dose is 3.0 mg
    r = _post(client, OS, inferno_order_sign(_zol_dose(quantity, layout)))
    assert r.status_code == 200, r.text
    cards = check_cards(r.json())
    dose = [c for c in cards if "dose" in c["summary"]]
    if expected is None:
        assert not dose
        return
    (card,) = dose
    assert expected in card["summary"]
    assert "2026-11-18" in card["detail"]  # the creatinine's date is shown
    if expected == "exceeds":
        action = card["suggestions"][0]["actions"][0]
        assert action["type"] == "update"
        assert card["uuid"] != card["suggestions"][0]["uuid"]
    else:
        assert "suggestions" not in card and "4 mg" not in card["summary"]


def test_order_sign_medication_reference_contained_and_in_prefetch(client: TestClient) -> None:
    zol = {"resourceType": "Medication", "id": "zol", "code": {"coding": [{
        "system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "77655"}]}}
    contained = inferno_order_sign({"contained": [zol], "medicationReference": {
        "reference": "#zol"}, "dosageInstruction": [{"doseAndRate": [{"doseQuantity": {
            "value": 4, "unit": "mg"}}]}]})
    cards = check_cards(_post(client, OS, contained).json())
    assert any("exceeds the plan's dose of 3 mg" in c["summary"] for c in cards)
    referenced = inferno_order_sign({"medicationReference": {
        "reference": "https://ehr.example/fhir/Medication/zol"},
        "dosageInstruction": [{"doseAndRate": [{"doseQuantity": {"value": 4, "unit": "mg"}}]}]})
    referenced["prefetch"]["medications"]["entry"].append({"resource": zol})
    cards = check_cards(_post(client, OS, referenced).json())
    assert any("exceeds the plan's dose of 3 mg" in c["summary"] for c in cards)


def test_order_sign_card_and_plan_agree_and_system_actions(client: TestClient) -> None:
    """The card's verdict is the plan's: CrCl 26.4 -> the plan's critical renal alert; the
    response carries DetectedIssue system actions (Da Vinci CRD) valid in R4B."""
    from fhir.resources.R4B.detectedissue import DetectedIssue

    body = inferno_order_sign(_zol_dose({"value": 4, "unit": "mg"}), creatinine=2.0)
    out = _post(client, OS, body).json()
    cards = check_cards(out)
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert critical and "not recommended" in critical[0]["summary"]
    assert critical[0]["source"]["topic"]["code"] == "contraindication"
    assert all(c["source"]["topic"]["system"].endswith("davinci-crd/CodeSystem/temp")
               for c in cards)
    assert out["systemActions"]
    for action in out["systemActions"]:
        issue = DetectedIssue.model_validate(action["resource"])
        assert issue.implicated[0].reference == "MedicationRequest/smart-MedicationRequest-103"
    uuids = [c["uuid"] for c in cards] + [s["uuid"] for c in cards
                                          for s in c.get("suggestions", [])]
    assert len(uuids) == len(set(uuids))


def test_null_prefetch_is_no_data_and_an_operation_outcome_is_an_error(
        client: TestClient) -> None:
    body = {"hook": "patient-view", "hookInstance": "e0b6c7d8-0000-4000-8000-000000000001",
            "context": {"userId": "Practitioner/1", "patientId": "p1"},
            "prefetch": _prefetch(synthetic_patient())}
    body["prefetch"]["procedures"] = None  # the spec's "no data"
    body["prefetch"]["administrations"] = None
    r = _post(client, PV, body)
    assert r.status_code == 200 and check_cards(r.json())
    body["prefetch"]["observations"] = {"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": "timeout", "diagnostics": "Observation search failed"}]}
    r = _post(client, PV, body)
    assert r.status_code == 412  # not "no observations"
    assert r.json()["resourceType"] == "OperationOutcome"
    assert "Observation search failed" in r.text


def test_spec_paginated_prefetch_is_not_read_as_its_first_page(client: TestClient) -> None:
    body = load(CDS_HOOKS / "hl7-spec" / "order-sign.request.paginated-prefetch.json")
    body = copy.deepcopy(body)
    page1 = body["prefetch"].pop("orders")
    body["prefetch"] = _prefetch(synthetic_patient())
    body["context"]["patientId"] = "p1"
    body["prefetch"]["medications"] = page1  # a next link on a server that cannot be reached
    r = _post(client, OS, body)
    assert r.status_code == 412
    assert "page 2" in r.json()["issue"][0]["diagnostics"]


class _Fhir(BaseHTTPRequestHandler):
    """A FHIR server: searchsets in pages of one entry, and misbehaviours on request."""

    resources: ClassVar[list[dict[str, Any]]] = []
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # the http.server interface names it so
        self.seen.append(self.path)
        port = self.server.server_address[1]
        if self.path.startswith("/slow"):
            time.sleep(3)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "https://elsewhere.example/fhir/Patient/p1")
            self.end_headers()
            return
        if self.path.startswith("/huge"):
            payload = b'{"resourceType": "Bundle", "x": "' + b"a" * 200_000 + b'"}'
        else:
            kind = self.path.split("?")[0].strip("/").split("/")[0]
            page = int(self.path.split("_page=")[1]) if "_page=" in self.path else 0
            matching = [r for r in self.resources if r["resourceType"] == kind]
            bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset",
                                      "entry": [{"resource": r} for r in matching[page:page + 1]]}
            if page + 1 < len(matching):
                bundle["link"] = [{"relation": "next", "url":
                                   f"http://127.0.0.1:{port}/{kind}?_page={page + 1}"}]
            payload = json.dumps(bundle).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fhir_server() -> Iterator[str]:
    _Fhir.resources = synthetic_patient()
    _Fhir.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fhir)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_pages_are_followed_to_the_end(client: TestClient, fhir_server: str) -> None:
    body = {"hook": "patient-view", "hookInstance": "e0b6c7d8-0000-4000-8000-000000000002",
            "fhirServer": fhir_server, "context": {"userId": "Practitioner/1",
                                                   "patientId": "p1"},
            "prefetch": {"patient": synthetic_patient()[0]}}
    r = _post(client, PV, body)
    assert r.status_code == 200, r.text
    # five observations, one a page: every page was read (the ECOG is on the last)
    assert sum("/Observation?_page=" in p for p in _Fhir.seen) == 4
    assert any("ECOG" in c["detail"] or "options" in c["summary"] for c in r.json()["cards"])


def test_fetch_is_bounded(fhir_server: str) -> None:
    strict = FetchPolicy()
    with pytest.raises(FetchFailed, match="not https"):
        check_server(fhir_server, strict)
    with pytest.raises(FetchFailed, match="allow-list"):
        check_server("https://evil.example/fhir",
                     FetchPolicy(allowed_origins=("https://ehr.example",)))
    assert check_server("https://ehr.example/fhir",
                        FetchPolicy(allowed_origins=("https://ehr.example",)))
    loop = FetchPolicy(allow_loopback_http=True, read_timeout=1.0, max_bytes=100_000)
    with pytest.raises(FetchFailed, match="another origin"):
        get_json(f"{fhir_server}/redirect", "secret", loop)
    with pytest.raises(FetchFailed, match="exceeds"):
        get_json(f"{fhir_server}/huge", None, loop)
    started = time.monotonic()
    with pytest.raises(FetchFailed):
        get_json(f"{fhir_server}/slow", None, loop)
    assert time.monotonic() - started < 2.5
    # the patient id cannot add path segments or parameters
    assert fill("Patient/{{context.patientId}}", {"patientId": "../x?y=1&z#"}) == \
        "Patient/..%2Fx%3Fy%3D1%26z%23"


def test_a_slow_fhir_server_does_not_hold_up_other_requests(client: TestClient,
                                                           fhir_server: str) -> None:
    body = {"hook": "patient-view", "hookInstance": "e0b6c7d8-0000-4000-8000-000000000003",
            "fhirServer": f"{fhir_server}/slow", "context": {"userId": "Practitioner/1",
                                                             "patientId": "p1"},
            "prefetch": {"patient": synthetic_patient()[0]}}
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(_post(client, PV, body).status_code))
    worker.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert client.get("/health").status_code == 200
    assert time.monotonic() - started < 1.0
    worker.join(30)
    assert done  # answered (412 after the timeout or 200), never hung


def _allow_origins(client: TestClient, *origins: str) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    client.app.state.settings = settings.with_(cds_cors_origins=origins)  # type: ignore[attr-defined]


def test_cors_as_the_sandbox_calls(client: TestClient) -> None:
    """The Sandbox (a browser page at sandbox.cds-hooks.org) preflights, then calls with its
    Origin; the answers carry the CORS headers the browser needs."""
    _allow_origins(client, SANDBOX)
    pre = client.options("/cds-services", headers={
        "Origin": SANDBOX, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "Authorization" in pre.headers["access-control-allow-headers"]
    pre = client.options(PV, headers={"Origin": SANDBOX,
                                      "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204 and "POST" in pre.headers["access-control-allow-methods"]
    assert pre.headers["access-control-allow-origin"] == SANDBOX
    r = client.get("/cds-services", headers={**auth("/cds-services"), "Origin": SANDBOX})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    denied = client.get("/cds-services", headers={"Origin": SANDBOX})
    assert denied.status_code == 401 and denied.headers["access-control-allow-origin"] == "*"
    body = {"hook": "patient-view", "hookInstance": "e0b6c7d8-0000-4000-8000-000000000011",
            "context": {"userId": "Practitioner/1", "patientId": "p1"},
            "prefetch": _prefetch(synthetic_patient())}
    r = _post(client, PV, body, Origin=SANDBOX)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == SANDBOX


def test_cors_origins_are_configurable(client: TestClient) -> None:
    # none configured: the services send no CORS headers, discovery answers any origin
    other = client.options(PV, headers={"Origin": SANDBOX,
                                        "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in other.headers
    _allow_origins(client, SANDBOX)
    ok = client.options(PV, headers={"Origin": SANDBOX, "Access-Control-Request-Method": "POST"})
    assert ok.headers["access-control-allow-origin"] == SANDBOX
    evil = client.options(PV, headers={"Origin": "https://evil.example",
                                       "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in evil.headers
    # discovery stays open to any origin (allowed by the specification)
    disc = client.options("/cds-services", headers={"Origin": "https://evil.example",
                                                    "Access-Control-Request-Method": "GET"})
    assert disc.headers["access-control-allow-origin"] == "*"


def test_discovery_templates_are_filtered_sorted_and_counted(client: TestClient) -> None:
    services = client.get("/cds-services", headers=auth("/cds-services")).json()["services"]
    templates = services[0]["prefetch"]
    assert set(templates) == {"patient", *KINDS}
    assert "code=http://loinc.org|49765-1" in templates["observations"].replace(",", "&code=")
    assert "_sort=-date" in templates["observations"]
    assert all("_count=" in t for k, t in templates.items() if k != "patient")


def test_deceased_patient_gets_no_treatment_cards(client: TestClient) -> None:
    resources = synthetic_patient()
    resources[0]["deceasedDateTime"] = "2007-05-01T10:00:00Z"
    body = {"hook": "patient-view", "hookInstance": "e0b6c7d8-0000-4000-8000-000000000004",
            "context": {"userId": "Practitioner/1", "patientId": "p1"},
            "prefetch": _prefetch(resources)}
    (only,) = check_cards(_post(client, PV, body).json())
    assert "died on 2007-05-01" in only["summary"] and "suggestions" not in only


def test_unlocalised_bone_metastases_get_the_patient_level_plan(client: TestClient) -> None:
    """TrialMatching_Patient02 (94222008 without bodySite) is no longer "nothing to say"."""
    from tests.third_party import FHIR

    bundle = load(FHIR / "mcode-clinical-trial-matching-app" / "TrialMatching_Patient02.json")
    resources = [e["resource"] for e in bundle["entry"]]
    body = {"hook": "patient-view", "hookInstance": "e0b6c7d8-0000-4000-8000-000000000005",
            "context": {"userId": "Practitioner/1",
                        "patientId": "mCODETrialMatchingPatientExample02"},
            "prefetch": _prefetch(resources)}
    cards = check_cards(_post(client, PV, body).json())
    assert any("not localised" in c["summary"] for c in cards)
    assert any("options across the treatment families" in c["summary"] for c in cards)


def test_prostate_radium_order_is_judged_by_the_plan(client: TestClient) -> None:
    body = inferno_order_sign({"medicationCodeableConcept": {"coding": [{
        "system": "http://www.whocc.no/atc", "code": "V10XX03"}]}})  # radium-223 by ATC
    body["prefetch"] = _prefetch(prostate_patient())
    cards = check_cards(_post(client, OS, body).json())
    assert any(c["summary"].startswith("Radium 223: could not be checked") for c in cards)


def _timed(fn: Any, text: str) -> float:
    started = time.perf_counter()
    for _ in range(3):
        fn(text)
    return time.perf_counter() - started


@pytest.mark.parametrize(("fn", "unit"), [
    (_RT_DOSE.search, "1 "),
    (_RT_DOSE.search, "9"),
    (ingredient_head, " "),
])
def test_order_text_parsing_is_linear(fn: Any, unit: str) -> None:
    """Ten times the input takes about ten times as long, not a hundred (generous bound)."""
    small, large = unit * 2_000, unit * 20_000
    ratio = _timed(fn, large) / max(_timed(fn, small), 1e-6)
    assert ratio < 40, ratio


def test_inferno_order_select_is_refused_by_the_order_sign_service(client: TestClient) -> None:
    body = load(CDS_HOOKS / "davinci-crd-test-kit" / "order_select_hook_request.json")
    r = _post(client, OS, body)
    assert r.status_code == 400
    assert r.json()["issue"][0]["diagnostics"] == "hook must be 'order-sign'"


def test_cds_hooks_library_order_sign_example(client: TestClient) -> None:
    """The library's R4 example (a NutritionOrder without intent, STU3 doseQuantity): checked
    with our prefetch, answered without error; nothing in it is a bone-metastasis order."""
    example = load(CDS_HOOKS / "cds-hooks-library" / "order-sign.r4-context-example.json")
    body = {"hook": "order-sign", "hookInstance": "e0b6c7d8-0000-4000-8000-000000000010",
            **example, "prefetch": _prefetch(synthetic_patient())}
    body["context"]["patientId"] = "p1"
    r = _post(client, OS, body)
    assert r.status_code == 200, r.text
    assert r.json() == {"cards": []}


def test_a_dose_card_shows_the_date_of_an_old_creatinine(client: TestClient) -> None:
    """Finding 4: the card says which creatinine it rests on, and when."""
    body = inferno_order_sign(_zol_dose({"value": 4, "unit": "mg"}))
    observations = body["prefetch"]["observations"]["entry"]
    for entry in observations:
        if entry["resource"]["code"]["coding"][0]["code"] == "2160-0":
            entry["resource"]["effectiveDateTime"] = "2005-05-05"
    cards = check_cards(_post(client, OS, body).json())
    dated = [c for c in cards if "creatinine" in c["detail"]]
    assert dated and all("2005-05-05" in c["detail"] for c in dated)


def test_many_draft_orders_are_bounded(client: TestClient) -> None:
    body = inferno_order_sign(_zol_dose({"value": 4, "unit": "mg"}))
    order = body["context"]["draftOrders"]["entry"][1]
    many = copy.deepcopy(body)
    many["context"]["draftOrders"]["entry"] = [copy.deepcopy(order) for _ in range(60)]
    started = time.monotonic()
    r = _post(client, OS, many)
    assert r.status_code == 200 and time.monotonic() - started < 10  # one plan per drug
    cards = check_cards(r.json())
    assert len({c["uuid"] for c in cards}) == len(cards)  # the same order id 60 times
    many["context"]["draftOrders"]["entry"] = [copy.deepcopy(order) for _ in range(101)]
    r = _post(client, OS, many)
    assert r.status_code == 400 and "at most 100" in r.text
