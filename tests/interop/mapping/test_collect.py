"""Collecting the input: malformed input, nested bundles, duplicates, the report."""

from __future__ import annotations

import json
from typing import Any

import pytest

from osseous.core.validation import parse_case
from osseous.interop.fhir_in import MappingReport, bundle_to_case
from tests.interop.mapping.helpers import LNC, MCODE, SCT, cc, obs, run, whys


@pytest.mark.parametrize("bundle", [
    [],
    {},
    {"resourceType": "Bundle"},
    {"resourceType": "Bundle", "entry": "nope"},
    {"resourceType": "Bundle", "entry": [None, 3, "x", [], {}, {"resource": None},
                                         {"resource": {"id": "no-type"}}]},
    [{"resourceType": "Condition"}, {"resourceType": "Observation", "code": "89247-1"},
     {"resourceType": "Observation", "code": {"coding": "LOINC"}},
     {"resourceType": "Observation", "code": {"coding": [None, {"code": 89247}]}},
     {"resourceType": "Patient", "gender": 1, "birthDate": 19500101},
     {"resourceType": "Condition", "code": {"coding": [{"system": SCT, "code": "94222008"}]},
      "bodySite": "T10"},
     {"resourceType": "Condition", "meta": {"profile": "x"}, "code": None, "extension": "x"},
     {"resourceType": "MedicationRequest", "medicationCodeableConcept": {"text": "morphine"},
      "dosageInstruction": [None, "x"]},
     {"resourceType": "MedicationStatement", "medicationReference": "Medication/1",
      "dosage": {"text": "x"}},
     {"resourceType": "Procedure", "code": cc(SCT, "1217123003"), "status": "completed",
      "extension": [None, {"url": MCODE + "mcode-radiotherapy-dose-delivered-to-volume",
                           "extension": [None, {"url": "totalDoseDelivered",
                                                "valueQuantity": "20 Gy"}]}]},
     {"resourceType": "Observation", "code": cc(LNC, "2160-0"), "valueQuantity": [1, 2]},
     {"resourceType": "Observation", "code": cc(LNC, "89247-1"), "effectiveDateTime": 5,
      "valueInteger": 2, "interpretation": "x"}],
    "not a bundle",
    42,
])
def test_malformed_input_never_crashes(bundle: Any) -> None:
    result = bundle_to_case(bundle)
    parse_case(result.case)
    assert isinstance(result.report, MappingReport)
    json.dumps(result.report.to_dict())


def test_non_dict_entries_are_reported() -> None:
    result = bundle_to_case({"resourceType": "Bundle", "entry": [None, 3, {"resource": []}]})
    assert len(result.report.unmapped) == 3
    assert "not an object" in whys(result.report.unmapped)


def test_plain_list_single_resource_and_nested_bundle() -> None:
    patient = {"resourceType": "Patient", "id": "p", "gender": "female"}
    assert bundle_to_case([patient]).case["patient"] == {"sex": "female"}
    assert bundle_to_case(patient).case["patient"] == {"sex": "female"}
    nested = {"resourceType": "Bundle", "entry": [
        {"resource": {"resourceType": "Bundle", "entry": [{"resource": patient}]}}]}
    assert bundle_to_case(nested).case["patient"] == {"sex": "female"}


def test_same_id_different_content_keeps_the_first() -> None:
    result = run(obs("e1", "89247-1", valueInteger=1), obs("e1", "89247-1", valueInteger=2))
    assert result.case["patient"]["ecog"] == 1
    assert "same id appears earlier" in whys(result.report.unmapped, "Observation/e1")


def test_report_to_dict_is_a_copy() -> None:
    result = run({"resourceType": "Patient", "id": "p", "gender": "other"})
    out = result.report.to_dict()
    assert out["used"] == [{"resource": "Patient/p", "as": "patient.sex", "value": "other"}]
    out["used"].clear()
    assert result.report.used
