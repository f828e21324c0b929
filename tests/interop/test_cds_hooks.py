"""The CDS Hooks service over HTTP: JWT on every call, the spec's own example requests,
card invariants, order checks with suggestions, 412 on missing data, idempotent feedback."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from osseous.api.app import create_app
from osseous.registry.db import Database
from osseous.registry.models import CdsFeedback
from tests.interop.test_cds_jwt import sandbox_token
from tests.third_party import CDS_HOOKS, FIXTURES

SHARED = FIXTURES
HOOKS = CDS_HOOKS
BASE = "http://testserver"

def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def auth(path: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox_token(aud=BASE + path)}"}


def no_nulls_or_empty_arrays(value: Any, where: str = "") -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            assert v is not None, f"null at {where}.{k}"
            no_nulls_or_empty_arrays(v, f"{where}.{k}")
    elif isinstance(value, list):
        assert value, f"empty array at {where}"
        for i, v in enumerate(value):
            no_nulls_or_empty_arrays(v, f"{where}[{i}]")


def check_cards(response: dict[str, Any]) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = response["cards"]
    for c in cards:
        assert len(c["summary"]) < 140
        assert c["indicator"] in ("info", "warning", "critical")
        assert c["source"]["label"]
        if c.get("suggestions"):
            assert c["selectionBehavior"] in ("at-most-one", "any")
            for s in c["suggestions"]:
                assert s["label"] and s["uuid"]
        no_nulls_or_empty_arrays(c)
    return cards


def test_discovery_needs_a_valid_jwt(client: TestClient) -> None:
    assert client.get("/cds-services").status_code == 401
    wrong_aud = {"Authorization": f"Bearer {sandbox_token(aud=BASE + '/elsewhere')}"}
    assert client.get("/cds-services", headers=wrong_aud).status_code == 401
    r = client.get("/cds-services", headers=auth("/cds-services"))
    assert r.status_code == 200
    services = {s["id"]: s for s in r.json()["services"]}
    assert services["osseous-patient-view"]["hook"] == "patient-view"
    assert "{{context.patientId}}" in services["osseous-order-sign"]["prefetch"]["patient"]
    no_nulls_or_empty_arrays(r.json())


def test_a_replayed_token_is_refused(client: TestClient) -> None:
    headers = auth("/cds-services")
    assert client.get("/cds-services", headers=headers).status_code == 200
    assert client.get("/cds-services", headers=headers).status_code == 401


def test_spec_patient_view_without_our_prefetch_is_412(client: TestClient) -> None:
    """The spec's example prefetches only the Patient, and its FHIR server cannot be reached
    from here: the service must say it lacks data, not answer with no cards."""
    body = load(HOOKS / "hl7-spec" / "patient-view.request.json")
    path = "/cds-services/osseous-patient-view"
    r = client.post(path, json=body, headers=auth(path))
    assert r.status_code == 412
    assert "some-opaque-fhir-access-token" not in r.text


def test_spec_extension_example_without_patient_id_is_400(client: TestClient) -> None:
    body = load(HOOKS / "hl7-spec" / "patient-view.request.extension-example.json")
    path = "/cds-services/osseous-patient-view"
    r = client.post(path, json=body, headers=auth(path))
    assert r.status_code == 400 and "patientId" in r.text


def test_spec_paginated_order_sign_is_412_without_data(client: TestClient) -> None:
    body = load(HOOKS / "hl7-spec" / "order-sign.request.paginated-prefetch.json")
    path = "/cds-services/osseous-order-sign"
    r = client.post(path, json=body, headers=auth(path))
    assert r.status_code in (400, 412)


#: prefetch key -> the resource type its template searches
KINDS = {"conditions": "Condition", "observations": "Observation",
         "medications": "MedicationRequest", "statements": "MedicationStatement",
         "administrations": "MedicationAdministration", "procedures": "Procedure"}


def _prefetch(resources: list[dict[str, Any]]) -> dict[str, Any]:
    def bundle(kind: str) -> dict[str, Any]:
        return {"resourceType": "Bundle", "type": "searchset",
                "entry": [{"resource": r} for r in resources if r["resourceType"] == kind]}

    patient = next(r for r in resources if r["resourceType"] == "Patient")
    return {"patient": patient, **{key: bundle(kind) for key, kind in KINDS.items()}}


def synthetic_patient(creatinine: float = 2.0) -> list[dict[str, Any]]:
    """A synthetic patient: breast cancer with a femoral and a T8 bone metastasis."""
    def obs(oid: str, loinc: str, value: float, unit: str) -> dict[str, Any]:
        return {"resourceType": "Observation", "id": oid, "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
                "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-11-18",
                "valueQuantity": {"value": value, "unit": unit,
                                  "system": "http://unitsofmeasure.org", "code": unit}}
    return [
        {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1950-03-02"},
        {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C50.911",
                              "display": "Malignant neoplasm of right female breast"}]},
         "onsetDateTime": "2020-01-10"},
        {"resourceType": "Condition", "id": "c2", "subject": {"reference": "Patient/p1"},
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94222008",
                              "display": "Secondary malignant neoplasm of bone"}]},
         "bodySite": [{"text": "T8 vertebra"}]},
        obs("o1", "29463-7", 70, "kg"), obs("o2", "2160-0", creatinine, "mg/dL"),
        obs("o3", "1751-7", 4.0, "g/dL"), obs("o4", "17861-6", 9.6, "mg/dL"),
        {"resourceType": "Observation", "id": "o5", "status": "final",
         "code": {"coding": [{"system": "http://loinc.org", "code": "89247-1"}]},
         "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-11-18",
         "valueInteger": 1},
    ]


def test_patient_view_cards(client: TestClient) -> None:
    body = {"hook": "patient-view", "hookInstance": "a0b6c7d8-0000-4000-8000-000000000001",
            "context": {"userId": "Practitioner/1", "patientId": "p1"},
            "prefetch": _prefetch(synthetic_patient())}
    path = "/cds-services/osseous-patient-view"
    r = client.post(path, json=body, headers=auth(path))
    assert r.status_code == 200, r.text
    cards = check_cards(r.json())
    assert any("options across the treatment families" in c["summary"] for c in cards)
    again = client.post(path, json=body, headers=auth(path)).json()
    assert [c["uuid"] for c in again["cards"]] == [c["uuid"] for c in cards]  # stable uuids


def test_patient_view_on_the_mcode_fixtures(client: TestClient) -> None:
    for path_ in sorted((SHARED / "fhir").rglob("*.json")):
        bundle = load(path_)
        resources = [e["resource"] for e in bundle.get("entry", [])
                     if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
        patients = [r for r in resources if r.get("resourceType") == "Patient"]
        if not patients:
            continue
        body = {"hook": "patient-view", "hookInstance": "b0b6c7d8-0000-4000-8000-000000000002",
                "context": {"userId": "Practitioner/1", "patientId": patients[0].get("id", "x")},
                "prefetch": _prefetch(resources)}
        path = "/cds-services/osseous-patient-view"
        r = client.post(path, json=body, headers=auth(path))
        assert r.status_code == 200, (path_.name, r.text[:300])
        check_cards(r.json())


def _order_sign(client: TestClient, orders: list[dict[str, Any]], creatinine: float = 2.0
                ) -> list[dict[str, Any]]:
    body = {"hook": "order-sign", "hookInstance": "c0b6c7d8-0000-4000-8000-000000000003",
            "context": {"userId": "Practitioner/1", "patientId": "p1",
                        "draftOrders": {"resourceType": "Bundle", "type": "collection",
                                        "entry": [{"resource": o} for o in orders]}},
            "prefetch": _prefetch(synthetic_patient(creatinine))}
    path = "/cds-services/osseous-order-sign"
    r = client.post(path, json=body, headers=auth(path))
    assert r.status_code == 200, r.text
    return check_cards(r.json())


def test_order_sign_zoledronic_dose_against_clearance(client: TestClient) -> None:
    order = {"resourceType": "MedicationRequest", "id": "draft-zol", "status": "draft",
             "intent": "order", "subject": {"reference": "Patient/p1"},
             "medicationCodeableConcept": {"text": "zoledronic acid 4 mg IV"},
             "dosageInstruction": [{"doseAndRate": [{"doseQuantity": {"value": 4,
                                                                      "unit": "mg"}}]}]}
    # CrCl = (140-76)*70/(72*2.0)*0.85 = 26.4 -> not recommended
    cards = _order_sign(client, [order])
    assert any(c["indicator"] == "critical" and "not recommended" in c["summary"]
               for c in cards)
    # CrCl = (140-76)*70/(72*1.5)*0.85 = 35.3 -> 3.0 mg, with a suggestion to change the dose
    cards = _order_sign(client, [order], creatinine=1.5)
    dose = next(c for c in cards if "exceeds the plan's dose" in c["summary"])
    action = dose["suggestions"][0]["actions"][0]
    assert action["type"] == "update"
    assert action["resource"]["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"][
        "value"] == 3.0
    assert any("dental" in c["summary"] for c in cards)


def test_order_sign_radiotherapy_fractions(client: TestClient) -> None:
    order = {"resourceType": "ServiceRequest", "id": "draft-rt", "status": "draft",
             "intent": "order", "subject": {"reference": "Patient/p1"},
             "code": {"text": "Palliative radiotherapy to T8: 30 Gy in 15 fractions"}}
    cards = _order_sign(client, [order])
    rt = next(c for c in cards if "more than 10 fractions" in c["summary"])
    assert rt["selectionBehavior"] == "at-most-one"
    assert "8 Gy in 1" in rt["suggestions"][0]["actions"][0]["resource"]["code"]["text"]
    five = copy.deepcopy(order)
    five["code"]["text"] = "Palliative radiotherapy 20 Gy in 5 fractions"
    assert not any("fractions" in c["summary"] for c in _order_sign(client, [five]))


def test_order_sign_radium_without_counts(client: TestClient) -> None:
    order = {"resourceType": "MedicationRequest", "id": "draft-ra", "status": "draft",
             "intent": "order", "subject": {"reference": "Patient/p1"},
             "medicationCodeableConcept": {"text": "Radium Ra 223 dichloride (Xofigo)"}}
    # breast cancer: radium-223 is not in the plan at all
    cards = _order_sign(client, [order])
    assert any("not part of this patient's plan" in c["summary"] for c in cards)
    # prostate cancer without blood counts: the plan's eligibility cannot be checked
    body = {"hook": "order-sign", "hookInstance": "c0b6c7d8-0000-4000-8000-000000000009",
            "context": {"userId": "Practitioner/1", "patientId": "p1",
                        "draftOrders": {"resourceType": "Bundle", "type": "collection",
                                        "entry": [{"resource": order}]}},
            "prefetch": _prefetch(prostate_patient())}
    path = "/cds-services/osseous-order-sign"
    cards = check_cards(client.post(path, json=body, headers=auth(path)).json())
    (radium,) = [c for c in cards if "could not be checked" in c["summary"]]
    assert "anc" in radium["detail"] and "platelets" in radium["detail"]


def prostate_patient() -> list[dict[str, Any]]:
    """The synthetic patient with prostate cancer (ICD-10-CM C61) instead of breast."""
    resources = copy.deepcopy(synthetic_patient())
    resources[0]["gender"] = "male"
    resources[1]["code"] = {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm",
                                        "code": "C61"}]}
    return resources


def test_feedback_is_recorded_once(client: TestClient, db: Database) -> None:
    path = "/cds-services/osseous-patient-view/feedback"
    body = {"feedback": [{"card": "0f4b3a1e-1111-4c1c-9f00-000000000001",
                          "outcome": "overridden", "outcomeTimestamp": "2026-11-29T10:00:00Z",
                          "overrideReason": {"reason": {"code": "patient-declined"},
                                             "userComment": "prefers to wait"}}]}
    r1 = client.post(path, json=body, headers=auth(path))
    r2 = client.post(path, json=body, headers=auth(path))
    assert r1.json() == {"stored": 1} and r2.json() == {"stored": 0}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CdsFeedback)) == 1
    bad = client.post(path, json={"feedback": [{"card": "x", "outcome": "maybe"}]},
                      headers=auth(path))
    assert bad.status_code == 400


def test_fhir_import_and_assessment_out_over_the_api(db: Database) -> None:
    from osseous.interop.fhir_out import validate_bundle
    from osseous.registry import security

    with db.session() as s:
        user = security.create_user(s, "clin", "correct horse battery", "clinician")
        token, _ = security.create_token(s, user, "t", 1)
    h = {"Authorization": f"Bearer {token}"}
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": r} for r in synthetic_patient()]}
    with TestClient(create_app(db)) as c:
        r = c.post("/fhir/import", json=bundle, headers=h)
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["document"]["cancer"]["primary"] == "breast"
        assert body["report"]["used"]
        case_id = body["case"]
        assert c.post("/fhir/import", json=bundle, headers=h).json()["outcome"] == "unchanged"
        # the registry assessed the imported version when it stored it
        assert c.get(f"/cases/{case_id}/assessment.fhir", headers=h).status_code == 200
        assert c.post(f"/cases/{case_id}/assessment", headers=h).status_code == 201
        out = c.get(f"/cases/{case_id}/assessment.fhir", headers=h).json()
        validate_bundle(out)
        kinds = {e["resource"]["resourceType"] for e in out["entry"]}
        assert {"GuidanceResponse", "RequestGroup", "Observation"} <= kinds


def test_import_fhir_and_assess_fhir_commands(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from osseous.cli.main import app
    from osseous.interop.fhir_out import validate_bundle

    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps({"resourceType": "Bundle", "type": "collection",
                                  "entry": [{"resource": r} for r in synthetic_patient()]}))
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'r.db'}"
    r = runner.invoke(app, ["import-fhir", str(bundle), "--database", url, "--report",
                            str(tmp_path / "report.json")])
    assert r.exit_code == 0, r.stderr
    case = json.loads(r.stdout)
    assert case["format"] == "osseous.case/1" and "created" in r.stderr
    assert json.loads((tmp_path / "report.json").read_text())["used"]
    case_file = tmp_path / "case.json"
    case_file.write_text(r.stdout)
    r = runner.invoke(app, ["assess", str(case_file), "--format", "fhir", "--patient",
                            "Patient/p1"])
    assert r.exit_code == 0, r.stderr
    validate_bundle(json.loads(r.stdout))
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert runner.invoke(app, ["import-fhir", str(bad), "--database", url]).exit_code == 2


def test_missing_prefetch_is_fetched_from_the_fhir_server(client: TestClient) -> None:
    """Only the Patient is prefetched; the rest comes from the client's FHIR server with the
    access token the request gives."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    resources = synthetic_patient()
    seen: list[tuple[str, str | None]] = []

    class Fhir(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server interface names it so
            seen.append((self.path, self.headers.get("Authorization")))
            kind = self.path.split("?")[0].strip("/")
            entries = [{"resource": r} for r in resources if r["resourceType"] == kind]
            payload = json.dumps({"resourceType": "Bundle", "type": "searchset",
                                  "entry": entries}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Fhir)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        body = {"hook": "patient-view", "hookInstance": "d0b6c7d8-0000-4000-8000-000000000004",
                "fhirServer": f"http://127.0.0.1:{server.server_port}",
                "fhirAuthorization": {"access_token": "secret-fhir-token",
                                      "token_type": "Bearer", "expires_in": 300,
                                      "scope": "patient/*.read", "subject": "osseous"},
                "context": {"userId": "Practitioner/1", "patientId": "p1"},
                "prefetch": {"patient": resources[0]}}
        path = "/cds-services/osseous-patient-view"
        r = client.post(path, json=body, headers=auth(path))
        assert r.status_code == 200, r.text
        check_cards(r.json())
        assert {p.split("?")[0] for p, _ in seen} == {f"/{k}" for k in KINDS.values()}
        assert all(a == "Bearer secret-fhir-token" for _, a in seen)
        assert "secret-fhir-token" not in r.text
    finally:
        server.shutdown()
        server.server_close()


def test_patient_view_proposes_the_workup_as_service_requests(client: TestClient) -> None:
    from fhir.resources.R4B.servicerequest import ServiceRequest

    body = {"hook": "patient-view", "hookInstance": "a0b6c7d8-0000-4000-8000-000000000002",
            "context": {"userId": "Practitioner/1", "patientId": "p1"},
            "prefetch": _prefetch(synthetic_patient())}
    path = "/cds-services/osseous-patient-view"
    cards = check_cards(client.post(path, json=body, headers=auth(path)).json())
    workup = next(c for c in cards if c["summary"].startswith("Work-up:"))
    assert workup["selectionBehavior"] == "any"
    # the T8 lesion has no MRI grade or neurological status: the spine MRI is proposed
    labels = [s["label"] for s in workup["suggestions"]]
    assert any("MRI of the whole spine" in label for label in labels)
    for s in workup["suggestions"]:
        (action,) = s["actions"]
        assert action["type"] == "create"
        request = ServiceRequest.model_validate(action["resource"])
        assert request.status == "draft" and request.intent == "proposal"
        assert request.subject.reference == "Patient/p1"
        assert request.priority in ("stat", "urgent", "routine")
