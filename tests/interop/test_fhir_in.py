"""FHIR R4 / mCODE import: the third-party fixture bundles, as published. One test module per
mapper is in ``tests/interop/mapping/``."""

from __future__ import annotations

import copy
import json

import pytest

from osseous.core.validation import parse_case
from osseous.interop.fhir_in import bundle_to_case
from tests.interop.mapping.helpers import load, whys
from tests.third_party import FHIR

ALL_FIXTURES = sorted(p.relative_to(FHIR).as_posix() for p in FHIR.glob("*/*.json"))


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_maps_to_a_valid_case(name: str) -> None:
    bundle = load(name)
    before = copy.deepcopy(bundle)
    result = bundle_to_case(bundle, assessed_on="2026-11-20")
    parsed = parse_case(result.case)
    assert parsed.ignored_fields == ()
    assert result.case["assessed_on"] == "2026-11-20"
    assert bundle == before  # the input is not modified
    json.dumps(result.report.to_dict())  # the report is plain JSON
    for entry in result.report.used:
        assert set(entry) == {"resource", "as", "value"}
    for entry in result.report.ignored + result.report.unmapped:
        assert set(entry) == {"resource", "why"} and entry["why"]


def test_fixture_count() -> None:
    if FHIR.exists():
        assert len(ALL_FIXTURES) == 6


def test_trial_matching_patient01() -> None:
    result = bundle_to_case(load("mcode-clinical-trial-matching-app/TrialMatching_Patient01.json"))
    case = result.case
    assert case["id"] == "fhir-mCODETrialMatchingPatientExample01"
    assert case["patient"] == {"sex": "female", "birth_date": "1959-01-01", "ecog": 1,
                               "ecog_assessed_on": "2019-04-01"}
    assert case["cancer"]["primary"] == "breast"  # SNOMED 408643008, infiltrating duct carcinoma
    assert case["cancer"]["visceral_sites"] == ["lymph-node", "liver"]
    assert "visceral_metastases" not in case["cancer"]
    assert "brain_metastases" not in case["cancer"]
    # the bone metastasis (94222008) has no bodySite: no lesion invented, but the fact is kept
    assert case["lesions"] == []
    assert case["cancer"]["bone_metastases"] == {"present": True, "unlocalised": True}
    bone = "Condition/mCODETrialMatchingSecondaryCancerCondition03PatientExample01"
    assert "bone metastasis without a body site" in whys(result.report.unmapped, bone)
    drugs = [(m["drug"], m.get("status")) for m in case["medications"]]
    assert drugs == [("leuprolide", "completed"), ("fulvestrant", "completed"),
                     ("abemaciclib", "active"), ("fulvestrant", "active"),
                     ("ribociclib", "active")]
    assert case["medications"][2]["route"] == "oral"
    assert case["medications"][2]["rxnorm"] == "1946828"
    assert "labs" not in case
    assert any(e["as"] == "patient.ecog" and e["value"] == 1 for e in result.report.used)
    assert "40556-3" in whys(result.report.ignored)  # ER tumour marker: not used


def test_trial_matching_patient02() -> None:
    result = bundle_to_case(load("mcode-clinical-trial-matching-app/TrialMatching_Patient02.json"))
    case = result.case
    assert case["patient"] == {"sex": "female", "birth_date": "1973-01-01", "ecog": 1,
                               "ecog_assessed_on": "2019-04-01"}
    assert case["cancer"] == {"primary": "breast",
                              "bone_metastases": {"present": True, "unlocalised": True}}
    assert case["lesions"] == []
    zol = [m for m in case["medications"] if m["drug"] == "zoledronic-acid"]
    assert zol == [{"drug": "zoledronic-acid", "status": "completed", "rxnorm": "1156253"}]
    assert len(case["medications"]) == 11
    assert case["medications"][-1] == {"drug": "alpelisib", "status": "active", "route": "oral",
                                       "rxnorm": "2169297"}
    # four radiation procedures (one to the acetabulum, one to the lumbar spine) carry no dose
    radiation = [e for e in result.report.unmapped if "RadiationProcedure" in e["resource"]]
    assert len(radiation) == 4
    assert all("not a radiotherapy course summary" in e["why"] for e in radiation)


def test_patient_data_dirty_bundle() -> None:
    result = bundle_to_case(load("mcode-clinical-trial-matching-service/patient_data.json"))
    case = result.case
    assert case["id"] == "fhir-1e208b6b-77f1-4808-a32b-9f9caf1ec334"
    assert case["patient"] == {"sex": "female", "birth_date": "1966-08-03", "ecog": 3,
                               "karnofsky": 90, "ecog_assessed_on": "2019-04-01",
                               "karnofsky_assessed_on": "2019-04-01"}
    assert case["cancer"] == {"primary": "breast", "diagnosed_on": "2017-07-21",
                              "histology": "Malignant Neoplasm (Morphology)"}
    assert case["lesions"] == []
    assert [m["drug"] for m in case["medications"]] == ["paclitaxel"] * 3
    # five duplicated entries: the identical copies are reported, not imported twice
    duplicates = [e for e in result.report.ignored if "duplicate" in e["why"]]
    assert len(duplicates) == 5
    # the generic secondary (128462008) at the cerebral meninges is not guessed to be anything
    meninges = whys(result.report.unmapped, "Condition/4dee068c-5ffe-4977-8677-4ff9b518e763x")
    assert "meninges" in meninges
    assert "brain_metastases" not in case["cancer"] and "disseminated" not in case["cancer"]


def test_invalid_ecog_and_karnofsky_are_reported_not_used() -> None:
    result = bundle_to_case(load(
        "mcode-clinical-trial-matching-service/"
        "patient_data_missing_birthdate_invalid_ecog_karnofsky.json"))
    case = result.case
    assert case["patient"] == {"sex": "female"}  # no birth date, no ECOG, no Karnofsky
    assert case["cancer"] == {"primary": "breast", "diagnosed_on": "2017-07-21"}
    ecog = whys(result.report.unmapped, "Observation/mCODEECOGPerformanceStatusExample")
    kps = whys(result.report.unmapped, "Observation/mCODEKarnofskyPerformanceStatusExample")
    assert "ECOG -1 is invalid" in ecog
    assert "Karnofsky -1 is invalid" in kps
    # the interpretation codes (LA9625-0 = 3, LA29176-7 = 90) are not used as a fallback
    assert "not used either" in ecog and "not used either" in kps
    assert not any(e["as"] in ("patient.ecog", "patient.karnofsky") for e in result.report.used)


def test_eom_patient() -> None:
    result = bundle_to_case(load("mcode-clinical-trial-matching-service/eom_patient_1.json"))
    case = result.case
    assert case["id"] == "fhir-Ancora-13"
    # ECOG 89247-1 without meta.profile is recognised by its LOINC code
    assert case["patient"] == {"sex": "female", "birth_date": "1987-01-01", "ecog": 3,
                               "ecog_assessed_on": "2022-01-02"}
    assert case["cancer"] == {"primary": "breast", "visceral_sites": ["lung"]}
    assert "histology is coded without a text" in whys(result.report.unmapped,
                                                       "Condition/conditionId-1")
    assert case["medications"] == [
        {"drug": "abemaciclib", "status": "completed", "route": "oral", "rxnorm": "1946827",
         "started": "2022-01-01"},
        {"drug": "alpelisib", "status": "completed", "route": "oral", "rxnorm": "2169297",
         "started": "2022-01-01"},
    ]


def test_ancora_minimal_bundle() -> None:
    result = bundle_to_case(load(
        "mcode-clinical-trial-matching-service-ancora.ai/patient_bundle.json"))
    case = result.case
    assert case["id"] == "fhir-k6nTBe-AubJMWahAwEnvw"
    assert case["patient"] == {"sex": "female", "ecog": 3, "karnofsky": 60}
    assert case["cancer"] == {"primary": "colon"}
    assert "birthDate '1953' is not a full date" in whys(result.report.unmapped)
    # entries without id are named by their position
    assert {"resource": "Condition (entry 2)", "as": "cancer.primary", "value": "colon"} in (
        result.report.used)
    assert "Parameters" in whys(result.report.ignored)
