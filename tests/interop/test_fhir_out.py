"""The assessment as a FHIR R4 Bundle: every example case converts to a bundle that the R4B
models accept, with one resource (or action) per score, alert and recommendation, and every
reference between entries resolving inside the bundle."""

from __future__ import annotations

import copy
import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from osseous.core.validation import parse_case
from osseous.interop.fhir_out import (
    CS_ALERT,
    CS_ESCC_GRADE,
    CS_MODALITY,
    CS_SCORE,
    DATA_ABSENT_REASON,
    EXT_STRENGTH,
    MODULE_URI,
    STATUS_NEEDS_DATA,
    UCUM,
    FhirValidationError,
    assessment_to_fhir,
    validate_bundle,
)
from osseous.knowledge.citations import CITATIONS
from osseous.plan.engine import assess

CASES_DIR = Path(__file__).resolve().parents[2] / "examples" / "cases"
CASES = sorted(CASES_DIR.glob("*.json"))
PATIENT = "Patient/example-1"


@cache
def _assessment(name: str) -> dict[str, Any]:
    data = json.loads((CASES_DIR / f"{name}.json").read_text())
    return assess(parse_case(data).case)


def assessment(name: str) -> dict[str, Any]:
    return copy.deepcopy(_assessment(name))


def resources(bundle: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def one(bundle: dict[str, Any], rtype: str) -> dict[str, Any]:
    found = resources(bundle, rtype)
    assert len(found) == 1, rtype
    return found[0]


def internal_refs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return own + [r for v in node.values() for r in internal_refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in internal_refs(v)]
    return []


def test_there_are_example_cases() -> None:
    assert len(CASES) >= 10
    assert {"renal-mescc.json", "incomplete-data.json"} <= {p.name for p in CASES}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_example_converts_to_a_valid_bundle(path: Path) -> None:
    doc = assessment(path.stem)
    bundle = assessment_to_fhir(doc, patient_reference=PATIENT)
    validate_bundle(bundle)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"

    # counts
    assert len(resources(bundle, "Observation")) == len(doc["scores"])
    assert len(resources(bundle, "DetectedIssue")) == len(doc["alerts"])
    rg = one(bundle, "RequestGroup")
    actions = rg.get("action", [])
    assert len(actions) == len(doc["recommendations"])
    gr = one(bundle, "GuidanceResponse")

    # every recommendation is cited, with a resolvable link where the registry has one
    for action, rec in zip(actions, doc["recommendations"], strict=True):
        assert action["title"] == rec["title"]
        assert action["description"] == rec["rationale"]
        docs = action["documentation"]
        assert docs, rec["id"]
        assert [d["label"] for d in docs] == rec["references"]
        assert all(d["type"] == "citation" and d["citation"] for d in docs)
        for artifact in docs:  # a link wherever the registry gives DOI, URL or PMID
            cit = CITATIONS[artifact["label"]]
            assert artifact["citation"] == cit.text
            assert ("url" in artifact) == bool(cit.doi or cit.url or cit.pmid)
            if cit.doi:
                assert artifact["url"] == f"https://doi.org/{cit.doi}"
        strength = [x for x in action["extension"] if x["url"] == EXT_STRENGTH]
        assert strength[0]["valueCoding"]["code"] == rec["strength"]
        assert {"system": CS_MODALITY, "code": rec["modality"], "display": rec["modality"]} in [
            c["coding"][0] for c in action["code"]]

    # the guidance response
    assert gr["moduleUri"] == MODULE_URI
    assert gr["subject"] == {"reference": PATIENT}
    assert gr["occurrenceDateTime"] == doc["assessed_on"]
    assert gr["status"] == (STATUS_NEEDS_DATA if doc["needs_data"] else "success")
    assert doc["engine"]["version"] in gr["note"][0]["text"]
    assert doc["engine"]["knowledge"] in gr["note"][0]["text"]

    # references: every internal one resolves; the subject is the caller's
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(full_urls) == len(bundle["entry"])
    for entry in bundle["entry"]:
        assert entry["fullUrl"].startswith("urn:uuid:")
        for ref in internal_refs(list(entry["resource"].values())):
            assert ref in full_urls or ref == PATIENT, ref
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    assert by_url[gr["result"]["reference"]] is rg
    issue_refs = [x["valueReference"]["reference"] for x in gr.get("extension", [])]
    assert sorted(by_url[r]["id"] for r in issue_refs) == sorted(
        d["id"] for d in resources(bundle, "DetectedIssue"))
    assert [by_url[r["reference"]]["resourceType"] for r in gr["evaluationMessage"]] == [
        "OperationOutcome"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_observations_follow_the_scores(path: Path) -> None:
    doc = assessment(path.stem)
    bundle = assessment_to_fhir(doc, patient_reference=PATIENT)
    for obs, score in zip(resources(bundle, "Observation"), doc["scores"], strict=True):
        assert obs["code"]["coding"][0] == {
            "system": CS_SCORE, "code": score["score"], "display": obs["code"]["text"]}
        assert obs["subject"] == {"reference": PATIENT}
        assert all(ref in obs["method"]["text"] for ref in score["references"])
        if score["lesion"] is not None:
            assert score["lesion"] in obs["bodySite"]["text"]
        else:
            assert "bodySite" not in obs
        if score["status"] == "complete":
            assert obs["status"] == "final"
            assert "dataAbsentReason" not in obs
            assert any(k.startswith("value") for k in obs)
        else:
            assert obs["status"] == "preliminary"
            assert obs["dataAbsentReason"]["coding"][0]["system"] == DATA_ABSENT_REASON
            assert not any(k.startswith("value") for k in obs)
            assert all(m in obs["note"][0]["text"] for m in score["missing"])
        if score["band"] is not None:
            assert obs["interpretation"][0]["text"] == score["band"]
        assert len(obs.get("component", [])) == len(score["components"])
        for comp, value in zip(obs.get("component", []), score["components"].values(),
                               strict=True):
            if isinstance(value, int):
                assert comp["valueInteger"] == value


def test_renal_mescc_priorities_values_and_alert() -> None:
    doc = assessment("renal-mescc")
    bundle = assessment_to_fhir(doc, patient_reference=PATIENT)
    rg = one(bundle, "RequestGroup")
    expected = {"emergency": "stat", "urgent": "urgent", "routine": "routine"}
    for action, rec in zip(rg["action"], doc["recommendations"], strict=True):
        assert action["priority"] == expected[rec["urgency"]]
    emergency = [a for a in rg["action"] if a["title"].startswith("Decompressive surgery")]
    assert emergency[0]["priority"] == "stat"
    assert rg["priority"] == "stat"
    assert rg["status"] == "draft" and rg["intent"] == "proposal"

    obs = {(o["code"]["coding"][0]["code"]): o for o in resources(bundle, "Observation")}
    assert obs["sins"]["valueInteger"] == 9
    assert obs["sins"]["interpretation"][0]["text"] == "potentially-unstable"
    assert obs["escc"]["valueCodeableConcept"]["coding"][0] == {
        "system": CS_ESCC_GRADE, "code": "3", "display": "ESCC 3"}
    assert obs["crcl"]["valueQuantity"] == {
        "value": 69.5, "unit": "mL/min", "system": UCUM, "code": "mL/min"}
    assert obs["corrected-calcium"]["valueQuantity"]["code"] == "mg/dL"
    assert obs["omed"]["valueQuantity"]["code"] == "mg/d"

    issues = [e["resource"] for e in bundle["entry"]
              if e["resource"]["resourceType"] == "DetectedIssue"]
    assert len(issues) == len(doc["alerts"])
    issue = next(i for i in issues if i["code"]["coding"][0]["code"] == "mescc")
    assert issue["status"] == "preliminary"
    assert issue["severity"] == "high"
    assert issue["code"]["coding"][0] == {"system": CS_ALERT, "code": "mescc", "display": "mescc"}
    assert issue["detail"] == doc["alerts"][0]["message"]
    assert issue["patient"] == {"reference": PATIENT}
    assert issue["reference"].startswith("https://")
    # the MESCC alert is based on the ESCC grade of T8: its Observation is the evidence
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    evidence = [by_url[r["reference"]] for r in issue["evidence"][0]["detail"]]
    assert [e["code"]["coding"][0]["code"] for e in evidence] == ["escc"]


def test_incomplete_case_is_data_requested_with_missing_paths() -> None:
    doc = assessment("incomplete-data")
    assert doc["needs_data"]
    bundle = assessment_to_fhir(doc, patient_reference=PATIENT)
    validate_bundle(bundle)
    gr = one(bundle, "GuidanceResponse")
    assert gr["status"] == STATUS_NEEDS_DATA
    params = one(bundle, "Parameters")
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    assert by_url[gr["outputParameters"]["reference"]] is params
    listed = [p["valueString"] for item in params["parameter"] for p in item["part"]
              if p["name"] == "missing"]
    expected = [m for need in doc["needs_data"] for m in need["missing"]]
    assert listed == expected
    assert "lesions[0].escc" in gr["note"][1]["text"]

    sins = next(o for o in resources(bundle, "Observation")
                if o["code"]["coding"][0]["code"] == "sins")
    assert sins["status"] == "preliminary"
    assert sins["dataAbsentReason"]["coding"][0]["code"] == "unknown"
    assert "lesions[0].pain_character" in sins["note"][0]["text"]
    assert "1-16" in sins["note"][0]["text"]


def test_complete_case_has_no_parameters_and_success() -> None:
    doc = assessment("renal-mescc")
    assert not doc["needs_data"]
    bundle = assessment_to_fhir(doc, patient_reference=PATIENT)
    assert one(bundle, "GuidanceResponse")["status"] == "success"
    assert not resources(bundle, "Parameters")


def test_ids_are_deterministic_and_versioned() -> None:
    doc = assessment("renal-mescc")
    first = assessment_to_fhir(doc, patient_reference=PATIENT, case_version=2)
    again = assessment_to_fhir(doc, patient_reference=PATIENT, case_version=2)
    other = assessment_to_fhir(doc, patient_reference=PATIENT, case_version=3)
    assert first == again
    assert one(first, "GuidanceResponse")["id"] == "gr-renal-mescc-v2"
    assert one(first, "RequestGroup")["id"] == "rg-renal-mescc-v2"
    assert resources(first, "Observation")[0]["id"] == "obs-renal-mescc-v2-1"
    assert resources(first, "DetectedIssue")[0]["id"] == "di-renal-mescc-v2-1"
    assert {e["fullUrl"] for e in first["entry"]}.isdisjoint(e["fullUrl"] for e in other["entry"])
    plain = assessment_to_fhir(doc, patient_reference=PATIENT)
    assert one(plain, "GuidanceResponse")["id"] == "gr-renal-mescc"


def test_awkward_case_ids_are_sanitised() -> None:
    doc = assessment("renal-mescc")
    doc["case"] = "Case #7 / ward_3 " + "x" * 80
    bundle = assessment_to_fhir(doc, patient_reference=PATIENT, case_version=12)
    validate_bundle(bundle)
    ids = [e["resource"]["id"] for e in bundle["entry"]]
    assert len(set(ids)) == len(ids)
    assert all(len(i) <= 64 for i in ids)
    doc2 = assessment("renal-mescc")
    doc2["case"] = "Case #7 / ward_3 " + "x" * 81  # same prefix, different case
    ids2 = [e["resource"]["id"] for e in assessment_to_fhir(
        doc2, patient_reference=PATIENT, case_version=12)["entry"]]
    assert set(ids).isdisjoint(ids2)


def test_bad_input_is_refused() -> None:
    doc = assessment("renal-mescc")
    with pytest.raises(ValueError, match="patient_reference"):
        assessment_to_fhir(doc, patient_reference=" ")
    doc["recommendations"][0]["references"] = ["no-such-source"]
    with pytest.raises(ValueError, match="no-such-source"):
        assessment_to_fhir(doc, patient_reference=PATIENT)


def test_validate_bundle_rejects_broken_bundles() -> None:
    good = assessment_to_fhir(assessment("renal-mescc"), patient_reference=PATIENT)
    validate_bundle(good)

    def broken(change: Any) -> dict[str, Any]:
        bundle = copy.deepcopy(good)
        change(bundle)
        return bundle

    def by_type(bundle: dict[str, Any], rtype: str) -> dict[str, Any]:
        return resources(bundle, rtype)[0]

    cases = {
        "model": lambda b: by_type(b, "Observation").pop("code"),
        "dangling": lambda b: by_type(b, "GuidanceResponse").update(
            result={"reference": "urn:uuid:00000000-0000-0000-0000-000000000000"}),
        "target type": lambda b: by_type(b, "GuidanceResponse").update(
            evaluationMessage=[{"reference": b["entry"][2]["fullUrl"]}]),
        "binding": lambda b: by_type(b, "DetectedIssue").update(severity="critical"),
        "action priority": lambda b: by_type(b, "RequestGroup")["action"][0].update(
            priority="emergency"),
        "obs-6": lambda b: by_type(b, "Observation").update(
            dataAbsentReason={"text": "unknown"}),
        "duplicate": lambda b: b["entry"].append(copy.deepcopy(b["entry"][-1])),
        "id": lambda b: by_type(b, "Observation").update(id="a b"),
    }
    for name, change in cases.items():
        with pytest.raises(FhirValidationError):
            validate_bundle(broken(change))
            pytest.fail(f"not rejected: {name}")


def test_every_score_code_and_alert_severity_maps() -> None:
    seen: Counter[str] = Counter()
    for path in CASES:
        bundle = assessment_to_fhir(assessment(path.stem), patient_reference=PATIENT)
        for issue in resources(bundle, "DetectedIssue"):
            seen[issue["severity"]] += 1
    assert set(seen) <= {"high", "moderate", "low"}
    assert seen["high"] >= 1 and seen["moderate"] >= 1
