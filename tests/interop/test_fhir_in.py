"""FHIR R4 / mCODE import: the third-party fixture bundles and one test per mapping rule."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from osseous.core.errors import InvalidInput
from osseous.core.validation import parse_case
from osseous.interop.fhir_in import MappingReport, MappingResult, bundle_to_case
from tests.third_party import FHIR

SCT = "http://snomed.info/sct"
LNC = "http://loinc.org"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
RXN = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FHIR / name).read_text(encoding="utf-8"))
    return data


def whys(entries: list[dict[str, Any]], resource: str | None = None) -> str:
    return " | ".join(e["why"] for e in entries if resource is None or e["resource"] == resource)


def run(*resources: object, **kw: Any) -> MappingResult:
    result = bundle_to_case({"resourceType": "Bundle", "type": "collection",
                             "entry": [{"resource": r} for r in resources]}, **kw)
    parse_case(result.case)  # every result validates
    return result


def cc(system: str, code: str, display: str | None = None, text: str | None = None
       ) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    out: dict[str, Any] = {"coding": [coding]}
    if text:
        out["text"] = text
    return out


def condition(cid: str, code: dict[str, Any], profile: str | None = None, **extra: Any
              ) -> dict[str, Any]:
    r: dict[str, Any] = {"resourceType": "Condition", "id": cid, "code": code}
    if profile:
        r["meta"] = {"profile": [MCODE + profile]}
    r.update(extra)
    return r


def bone_met(cid: str, *sites: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return condition(cid, cc(SCT, "94222008", "Secondary malignant neoplasm of bone"),
                     "mcode-secondary-cancer-condition", bodySite=list(sites), **extra)


def obs(oid: str, loinc: str, when: str | None = None, **value: Any) -> dict[str, Any]:
    r: dict[str, Any] = {"resourceType": "Observation", "id": oid, "status": "final",
                         "code": cc(LNC, loinc)}
    if when:
        r["effectiveDateTime"] = when
    r.update(value)
    return r


def qty(value: object, unit: str) -> dict[str, Any]:
    return {"valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}}


# ---------------------------------------------------------------------------------------------
# the third-party fixtures, as published


ALL_FIXTURES = sorted(p.relative_to(FHIR).as_posix() for p in FHIR.glob("*/*.json")) if (
    FHIR.exists()) else []


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


# ---------------------------------------------------------------------------------------------
# Patient


def test_patient_sex_birth_date_and_id() -> None:
    result = run({"resourceType": "Patient", "id": "p 1/ä", "gender": "male",
                  "birthDate": "1950-02-03"})
    assert result.case["id"] == "fhir-p-1"
    assert result.case["patient"] == {"sex": "male", "birth_date": "1950-02-03"}


def test_partial_birth_date_and_unknown_gender_are_reported() -> None:
    result = run({"resourceType": "Patient", "id": "p", "gender": "F", "birthDate": "1950-02"})
    assert result.case["patient"] == {}
    assert "gender 'F'" in whys(result.report.unmapped)
    assert "birthDate '1950-02'" in whys(result.report.unmapped)


def test_impossible_birth_date_is_reported() -> None:
    result = run({"resourceType": "Patient", "id": "p", "birthDate": "1950-02-30"})
    assert "birth_date" not in result.case["patient"]
    assert "not a full date" in whys(result.report.unmapped)


def test_case_id_and_assessed_on_arguments() -> None:
    result = run({"resourceType": "Patient", "id": "p"}, case_id="mine-1",
                 assessed_on="2026-01-02")
    assert result.case["id"] == "mine-1" and result.case["assessed_on"] == "2026-01-02"
    with pytest.raises(InvalidInput):
        bundle_to_case([], case_id="-bad id")
    with pytest.raises(InvalidInput):
        bundle_to_case([], assessed_on="2026-13-01")


def test_long_patient_id_is_shortened_to_a_valid_case_id() -> None:
    result = run({"resourceType": "Patient", "id": "x" * 200})
    assert len(result.case["id"]) <= 128
    assert result.case["id"].startswith("fhir-xxx")


def test_second_patient_is_reported() -> None:
    result = run({"resourceType": "Patient", "id": "a", "gender": "female"},
                 {"resourceType": "Patient", "id": "b", "gender": "male"})
    assert result.case["patient"]["sex"] == "female"
    assert "more than one Patient" in whys(result.report.unmapped, "Patient/b")


# ---------------------------------------------------------------------------------------------
# primary cancer


@pytest.mark.parametrize(("code", "primary"), [
    ("C50.911", "breast"), ("C61", "prostate"), ("C64.1", "kidney"), ("C65.9", "kidney"),
    ("C73", "thyroid"), ("C90.00", "myeloma"), ("C83.30", "lymphoma"), ("C18.7", "colon"),
    ("C20", "rectum"), ("C19", "rectum"), ("C16.9", "stomach"), ("C15.5", "esophagus"),
    ("C25.0", "pancreas"), ("C22.0", "liver"), ("C23", "gallbladder"), ("C67.9", "bladder"),
    ("C54.1", "uterus"), ("C53.9", "cervix"), ("C56.1", "ovary"), ("C43.9", "melanoma"),
    ("C02.1", "head-and-neck"), ("C32.9", "head-and-neck"), ("C80.1", "unknown-primary"),
])
def test_icd10_primary_table(code: str, primary: str) -> None:
    result = run(condition("c1", cc(ICD, code)))
    assert result.case["cancer"]["primary"] == primary


@pytest.mark.parametrize(("code", "primary"), [
    ("254837009", "breast"), ("399068003", "prostate"), ("254637007", "lung-nsclc"),
    ("254632001", "lung-sclc"), ("109989006", "myeloma"), ("363406005", "colon"),
])
def test_snomed_primary_table(code: str, primary: str) -> None:
    result = run(condition("c1", cc(SCT, code)))
    assert result.case["cancer"]["primary"] == primary


def test_plain_lung_cancer_is_not_guessed() -> None:
    result = run(condition("c1", cc(ICD, "C34.90", "Malignant neoplasm of lung")))
    assert "primary" not in result.case["cancer"]
    assert "NSCLC versus SCLC" in whys(result.report.unmapped, "Condition/c1")


def test_lung_cancer_resolved_by_histology() -> None:
    histology = {"url": MCODE + "mcode-histology-morphology-behavior",
                 "valueCodeableConcept": {"text": "Adenocarcinoma, non-small cell"}}
    result = run(condition("c1", cc(ICD, "C34.1"), "mcode-primary-cancer-condition",
                           extension=[histology], onsetDateTime="2024-03-05T10:00:00Z"))
    assert result.case["cancer"] == {"primary": "lung-nsclc", "diagnosed_on": "2024-03-05",
                                     "histology": "Adenocarcinoma, non-small cell"}
    sclc = run(condition("c2", cc(SCT, "363358000", text="Small cell carcinoma of lung")))
    assert sclc.case["cancer"]["primary"] == "lung-sclc"


def test_profiled_primary_by_text_and_unknown_code() -> None:
    by_text = run(condition("c1", {"text": "Carcinoma of the prostate"},
                            "mcode-primary-cancer-condition"))
    assert by_text.case["cancer"]["primary"] == "prostate"
    unknown = run(condition("c2", cc(SCT, "999999999", "Something rare"),
                            "mcode-primary-cancer-condition"))
    assert "primary" not in unknown.case["cancer"]
    assert "not in Osseous's primary-site table" in whys(unknown.report.unmapped)


def test_non_cancer_condition_is_ignored() -> None:
    result = run(condition("c1", cc(SCT, "44054006", "Diabetes mellitus type 2")))
    assert result.case["cancer"] == {}
    assert "not a cancer" in whys(result.report.ignored, "Condition/c1")


def test_two_primaries_without_link_leave_primary_unknown() -> None:
    result = run(condition("c1", cc(ICD, "C50.9")), condition("c2", cc(ICD, "C61")))
    assert "primary" not in result.case["cancer"]
    assert "several primary cancers" in whys(result.report.unmapped)


def test_two_primaries_resolved_by_the_bone_metastasis_link() -> None:
    link = {"url": MCODE + "mcode-related-primary-cancer-condition",
            "valueReference": {"reference": "Condition/c2"}}
    result = run(condition("c1", cc(ICD, "C50.9")), condition("c2", cc(ICD, "C61")),
                 bone_met("m1", {"text": "L2"}, extension=[link]))
    assert result.case["cancer"]["primary"] == "prostate"
    assert "another primary cancer (breast)" in whys(result.report.unmapped, "Condition/c1")


def test_partial_onset_is_reported() -> None:
    result = run(condition("c1", cc(ICD, "C50.9"), onsetDateTime="2019-05"))
    assert result.case["cancer"] == {"primary": "breast"}
    assert "onsetDateTime '2019-05'" in whys(result.report.unmapped)


# ---------------------------------------------------------------------------------------------
# secondary cancer: lesions and visceral sites


@pytest.mark.parametrize(("site", "levels"), [
    ({"text": "T10"}, ["T10"]),
    ({"text": "L1 vertebra"}, ["L1"]),
    ({"text": "thoracic spine T8-T9"}, ["T8", "T9"]),
    ({"text": "T12-L2"}, ["T12", "L1", "L2"]),
    ({"text": "C7 to T1"}, ["C7", "T1"]),
    (cc(SCT, "61032001", "Structure of first lumbar vertebra"), ["L1"]),
])
def test_spinal_levels(site: dict[str, Any], levels: list[str]) -> None:
    result = run(bone_met("m1", site))
    assert result.case["lesions"] == [{"id": "fhir-m1", "site": "spine", "levels": levels}]


@pytest.mark.parametrize(("site", "bone"), [
    (cc(SCT, "71341001", "Bone structure of femur"), "femur"),
    (cc(SCT, "85050009"), "humerus"),
    (cc(SCT, "113197003"), "rib"),
    (cc(SCT, "118645006"), "pelvis"),
    (cc(SCT, "719537008", "Bone structure of right acetabulum"), "acetabulum"),
    ({"text": "left proximal femur"}, "femur"),
    ({"text": "Right iliac bone"}, "pelvis"),
    ({"text": "sacrum"}, "sacrum"),
    ({"text": "5th rib, left"}, "rib"),
])
def test_bone_sites(site: dict[str, Any], bone: str) -> None:
    result = run(bone_met("m1", site))
    assert result.case["lesions"] == [{"id": "fhir-m1", "site": bone}]


def test_vertebral_column_without_level_is_a_spinal_lesion_without_levels() -> None:
    result = run(bone_met("m1", cc(SCT, "122496007", "Structure of lumbar vertebral column")))
    assert result.case["lesions"] == [{"id": "fhir-m1", "site": "spine"}]


def test_several_body_sites_give_several_lesions() -> None:
    result = run(bone_met("m1", {"text": "T4"}, {"text": "right femur"}))
    assert result.case["lesions"] == [
        {"id": "fhir-m1-1", "site": "spine", "levels": ["T4"]},
        {"id": "fhir-m1-2", "site": "femur"},
    ]


@pytest.mark.parametrize("site", [
    cc(SCT, "119186007", "Bone part"),  # a bone, but which?
    cc(SCT, "14016003", "Bone marrow structure"),
    {"text": "T5 and the 5th rib"},
    {"text": "humerus and femur"},
    {"text": "L5-L3"},
    {"coding": [{"system": SCT}]},
])
def test_unmappable_bone_sites_are_reported(site: dict[str, Any]) -> None:
    result = run(bone_met("m1", site))
    assert result.case["lesions"] == []
    assert whys(result.report.unmapped, "Condition/m1")


def test_icd10_bone_metastasis_and_site_in_code_text() -> None:
    result = run(condition("m1", cc(ICD, "C79.51", text="Metastasis to T11")),
                 condition("m2", cc(ICD, "C79.52")))
    assert result.case["lesions"] == [{"id": "fhir-m1", "site": "spine", "levels": ["T11"]}]
    assert "without a body site" in whys(result.report.unmapped, "Condition/m2")


def test_generic_secondary_with_bone_body_site() -> None:
    result = run(condition("m1", cc(SCT, "128462008"), "mcode-secondary-cancer-condition",
                           bodySite=[cc(SCT, "71341001")]))
    assert result.case["lesions"] == [{"id": "fhir-m1", "site": "femur"}]


def test_visceral_and_brain_secondaries() -> None:
    result = run(
        condition("v1", cc(SCT, "94381002", "Secondary malignant neoplasm of liver")),
        condition("v2", cc(ICD, "C78.01")),
        condition("v3", cc(SCT, "94225005")),
        condition("v4", cc(ICD, "C79.71")),
        condition("v5", cc(SCT, "128462008"), "mcode-secondary-cancer-condition",
                  bodySite=[cc(SCT, "10200004")]),
        condition("v6", {"text": "metastasis to the pleura"}, "mcode-secondary-cancer-condition"),
    )
    cancer = result.case["cancer"]
    assert cancer["visceral_sites"] == ["liver", "lung", "adrenal", "pleura"]
    assert cancer["brain_metastases"] is True
    assert "visceral_metastases" not in cancer


def test_resolved_or_refuted_secondaries_are_not_counted() -> None:
    resolved = {"coding": [{"code": "resolved"}]}
    refuted = {"coding": [{"code": "refuted"}]}
    result = run(bone_met("m1", {"text": "T3"}, clinicalStatus=resolved),
                 condition("v1", cc(SCT, "94381002"), verificationStatus=refuted))
    assert result.case["lesions"] == [] and result.case["cancer"] == {}
    assert "clinicalStatus resolved" in whys(result.report.unmapped, "Condition/m1")
    assert "refuted" in whys(result.report.ignored, "Condition/v1")


# ---------------------------------------------------------------------------------------------
# ECOG and Karnofsky


def test_ecog_latest_wins_and_others_are_superseded() -> None:
    result = run(obs("e1", "89247-1", "2024-01-01", valueInteger=1),
                 obs("e2", "89247-1", "2024-06-01T09:00:00+02:00", valueInteger=2),
                 obs("e3", "89247-1", "2023-01-01", valueInteger=0))
    assert result.case["patient"]["ecog"] == 2
    assert "superseded by Observation/e2" in whys(result.report.ignored, "Observation/e1")
    assert "superseded" in whys(result.report.ignored, "Observation/e3")


def test_ecog_from_answer_codes_and_text() -> None:
    coded = run(obs("e1", "89247-1", valueCodeableConcept=cc(LNC, "LA9624-3")))
    assert coded.case["patient"]["ecog"] == 2
    text = run(obs("e1", "89247-1", valueCodeableConcept={"text": "ECOG 4"}))
    assert text.case["patient"]["ecog"] == 4
    interp = run(obs("e1", "89247-1", interpretation=[cc(LNC, "LA9622-7")]))
    assert interp.case["patient"]["ecog"] == 0


def test_ecog_by_profile_without_loinc() -> None:
    r = obs("e1", "0000-0", valueInteger=1)
    r["code"] = {"text": "performance"}
    r["meta"] = {"profile": [MCODE + "mcode-ecog-performance-status"]}
    assert run(r).case["patient"]["ecog"] == 1


@pytest.mark.parametrize(("value", "why"), [
    ({"valueInteger": 5}, "ECOG 5 (dead)"),
    ({"valueInteger": 7}, "ECOG 7 is invalid"),
    ({"valueInteger": "1"}, "not readable"),
    ({"valueInteger": True}, "not readable"),
    ({"valueDecimal": 1.5}, "not a whole number"),
    ({"valueCodeableConcept": {"text": "fit"}}, "not readable"),
    ({}, "without a value"),
    ({"valueInteger": 1, "interpretation": [cc(LNC, "LA9625-0")]}, "disagrees"),
])
def test_bad_ecog_is_reported(value: dict[str, Any], why: str) -> None:
    result = run(obs("e1", "89247-1", **value))
    assert "ecog" not in result.case["patient"]
    assert why in whys(result.report.unmapped, "Observation/e1")


def test_karnofsky_values() -> None:
    assert run(obs("k1", "89243-0", valueInteger=70)).case["patient"]["karnofsky"] == 70
    coded = run(obs("k1", "89243-0", valueCodeableConcept=cc(LNC, "LA29181-7")))
    assert coded.case["patient"]["karnofsky"] == 40


def test_karnofsky_75_is_invalid_not_rounded() -> None:
    result = run(obs("k1", "89243-0", valueInteger=75))
    assert "karnofsky" not in result.case["patient"]
    assert "Karnofsky 75 is not a multiple of 10; invalid, not rounded" in whys(
        result.report.unmapped)


def test_conflicting_scores_on_the_same_date_are_not_used() -> None:
    result = run(obs("k1", "89243-0", "2024-01-01", valueInteger=70),
                 obs("k2", "89243-0", "2024-01-01", valueInteger=80))
    assert "karnofsky" not in result.case["patient"]
    assert "conflicting values on the same date" in whys(result.report.unmapped)


def test_entered_in_error_observation_is_ignored() -> None:
    r = obs("e1", "89247-1", valueInteger=1)
    r["status"] = "entered-in-error"
    result = run(r)
    assert result.case["patient"] == {}
    assert "entered-in-error" in whys(result.report.ignored)


# ---------------------------------------------------------------------------------------------
# labs, weight and height


@pytest.mark.parametrize(("loinc", "unit", "analyte", "case_unit"), [
    ("2160-0", "mg/dL", "creatinine", "mg/dL"),
    ("14682-9", "umol/L", "creatinine", "umol/L"),
    ("14682-9", "µmol/L", "creatinine", "umol/L"),
    ("38483-4", "mg/dl", "creatinine", "mg/dL"),
    ("1751-7", "g/L", "albumin", "g/L"),
    ("1751-7", "g/dL", "albumin", "g/dL"),
    ("17861-6", "mg/dL", "calcium", "mg/dL"),
    ("2000-8", "mmol/L", "calcium", "mmol/L"),
    ("1994-3", "mmol/L", "ionized-calcium", "mmol/L"),
    ("1988-5", "mg/L", "crp", "mg/L"),
    ("2532-0", "U/L", "ldh", "U/L"),
    ("14804-9", "[IU]/L", "ldh", "IU/L"),
    ("777-3", "10*3/uL", "platelets", "10*3/uL"),
    ("26515-7", "10*9/L", "platelets", "10*9/L"),
    ("751-8", "10*3/uL", "anc", "10*3/uL"),
    ("26499-4", "10^9/L", "anc", "10*9/L"),
    ("718-7", "g/dL", "hemoglobin", "g/dL"),
    ("1975-2", "umol/L", "bilirubin", "umol/L"),
    ("6768-6", "U/L", "alkaline-phosphatase", "U/L"),
    ("2857-1", "ng/mL", "psa", "ng/mL"),
])
def test_labs(loinc: str, unit: str, analyte: str, case_unit: str) -> None:
    result = run(obs("o1", loinc, "2026-11-18T08:00:00Z", **qty(1.5, unit)))
    assert result.case["labs"] == [
        {"analyte": analyte, "value": 1.5, "unit": case_unit, "date": "2026-11-18"}]


def test_lab_ucum_code_preferred_to_display_unit() -> None:
    r = obs("o1", "2000-8", "2026-01-01",
            valueQuantity={"value": 2.4, "unit": "millimole per liter", "system": UCUM,
                           "code": "mmol/L"})
    assert run(r).case["labs"][0]["unit"] == "mmol/L"


@pytest.mark.parametrize(("value", "why"), [
    (qty(150, "K/uL"), "unit 'K/uL' is not one the case format accepts"),
    (qty(1.0, "mmol/L"), "unit 'mmol/L' is not one"),  # creatinine in mmol/L: not converted
    ({"valueQuantity": {"value": 1.0}}, "no unit"),
    ({"valueQuantity": {"value": "1.0", "unit": "mg/dL"}}, "not a number"),
    ({"valueQuantity": {"value": 0.3, "unit": "mg/dL", "comparator": "<"}}, "not an exact"),
    ({"valueQuantity": {"value": -1, "unit": "mg/dL"}}, "greater than or equal"),
    ({"valueString": "high"}, "not a Quantity"),
    ({}, "no value"),
])
def test_bad_labs_are_reported(value: dict[str, Any], why: str) -> None:
    result = run(obs("o1", "2160-0", "2026-01-01", **value))
    assert "labs" not in result.case
    assert why in whys(result.report.unmapped, "Observation/o1")


def test_weight_and_height_with_conversion_and_latest() -> None:
    result = run(obs("w1", "29463-7", "2025-01-01", **qty(70, "kg")),
                 obs("w2", "29463-7", "2026-01-01", **qty(150, "[lb_av]")),
                 obs("h1", "8302-2", "2026-01-01", **qty(65, "[in_i]")))
    assert result.case["patient"] == {"weight_kg": 68.0, "height_cm": 165.1,
                                      "weight_measured_on": "2026-01-01"}
    assert "superseded" in whys(result.report.ignored, "Observation/w1")
    cm = run(obs("h1", "8302-2", **qty(172, "cm")))
    assert cm.case["patient"] == {"height_cm": 172}
    bad = run(obs("w1", "29463-7", **qty(70, "stone")))
    assert bad.case["patient"] == {}
    assert "unit 'stone' not recognised" in whys(bad.report.unmapped)


def test_unused_observation_is_ignored() -> None:
    result = run(obs("o1", "1234-5", **qty(1, "mg")))
    assert "1234-5 not used by Osseous" in whys(result.report.ignored, "Observation/o1")


# ---------------------------------------------------------------------------------------------
# medications


def med_request(mid: str, concept: dict[str, Any], status: str = "active",
                **dosage: Any) -> dict[str, Any]:
    r: dict[str, Any] = {"resourceType": "MedicationRequest", "id": mid, "status": status,
                         "intent": "order", "medicationCodeableConcept": concept}
    if dosage:
        r["dosageInstruction"] = [dosage]
    return r


def mg(value: float, unit: str = "mg") -> list[dict[str, Any]]:
    return [{"doseQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}}]


ORAL = cc(SCT, "26643006", "Oral route")


def test_opioid_daily_dose_from_dose_and_frequency() -> None:
    result = run(med_request(
        "m1", cc(RXN, "1049621", "oxycodone hydrochloride 10 MG Oral Tablet"),
        route=ORAL, doseAndRate=mg(10),
        timing={"repeat": {"frequency": 1, "period": 6, "periodUnit": "h"}}))
    assert result.case["medications"] == [
        {"drug": "oxycodone", "status": "active", "route": "oral", "rxnorm": "1049621",
         "daily_dose_mg": 40.0}]


def test_daily_dose_from_timing_code_and_stu3_layout() -> None:
    r = med_request("m1", {"text": "Morphine sulfate ER"}, route={"text": "by mouth"},
                    timing={"code": {"coding": [{"code": "BID"}]}})
    r["dosageInstruction"][0]["doseQuantity"] = {"value": 30, "unit": "mg"}
    result = run(r)
    assert result.case["medications"] == [
        {"drug": "morphine", "status": "active", "route": "oral", "daily_dose_mg": 60.0}]


def test_fentanyl_patch_rate() -> None:
    result = run(med_request(
        "m1", {"text": "Fentanyl 25 mcg/hr transdermal patch"},
        route=cc(SCT, "45890007", "Transdermal route"),
        doseAndRate=[{"rateQuantity": {"value": 25, "unit": "ug/h", "system": UCUM,
                                       "code": "ug/h"}}],
        timing={"repeat": {"frequency": 1, "period": 72, "periodUnit": "h"}}))
    assert result.case["medications"] == [
        {"drug": "fentanyl", "status": "active", "route": "transdermal", "rate_mcg_per_h": 25}]


@pytest.mark.parametrize(("dosage", "why"), [
    ({"doseAndRate": mg(5), "asNeededBoolean": True,
      "timing": {"repeat": {"frequency": 1, "period": 4, "periodUnit": "h"}}}, "as needed"),
    ({"doseAndRate": mg(5)}, "no timing"),
    ({"doseAndRate": mg(5), "timing": {"repeat": {"frequency": 1, "frequencyMax": 2,
                                                  "period": 1, "periodUnit": "d"}}}, "range"),
    ({"doseAndRate": mg(1, "{tbl}"),
      "timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}}}, "not a mass"),
    ({"doseAndRate": [{"doseRange": {"low": {"value": 5}, "high": {"value": 10}}}],
      "timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}}},
     "not given as a quantity"),
])
def test_daily_dose_left_out_when_ambiguous(dosage: dict[str, Any], why: str) -> None:
    result = run(med_request("m1", {"text": "hydromorphone"}, **dosage))
    assert result.case["medications"] == [{"drug": "hydromorphone", "status": "active"}]
    assert why in whys(result.report.unmapped, "MedicationRequest/m1")


@pytest.mark.parametrize(("text", "drug"), [
    ("Zoledronic acid 4 MG/100ML Injection", "zoledronic-acid"),
    ("Xgeva 120 mg", "denosumab"),
    ("denosumab 120 MG/1.7ML Injection [Xgeva]", "denosumab"),
    ("Radium Ra 223 Dichloride", "radium-223"),
    ("Xofigo", "radium-223"),
    ("abiraterone acetate 250 MG Oral Tablet", "abiraterone"),
    ("Enzalutamide 40 MG Oral Capsule", "enzalutamide"),
    ("Pamidronate disodium", "pamidronate"),
])
def test_recognised_drugs(text: str, drug: str) -> None:
    result = run(med_request("m1", {"text": text}))
    assert result.case["medications"][0]["drug"] == drug


def test_medication_statement_with_reference_and_statuses() -> None:
    medication = {"resourceType": "Medication", "id": "med1",
                  "code": cc(RXN, "1156253", "zoledronic acid Injectable Product")}
    statement = {"resourceType": "MedicationStatement", "id": "s1", "status": "intended",
                 "medicationReference": {"reference": "Medication/med1"},
                 "effectivePeriod": {"start": "2026-02-01"}}
    contained = {"resourceType": "MedicationStatement", "id": "s2", "status": "on-hold",
                 "contained": [{"resourceType": "Medication", "id": "x",
                                "code": {"text": "Denosumab"}}],
                 "medicationReference": {"reference": "#x"}}
    cancelled = med_request("m3", {"text": "morphine"}, status="cancelled")
    result = run(medication, statement, contained, cancelled)
    assert result.case["medications"] == [
        {"drug": "zoledronic-acid", "status": "planned", "rxnorm": "1156253",
         "started": "2026-02-01"},
        {"drug": "denosumab"},
    ]
    assert "status 'on-hold'" in whys(result.report.unmapped, "MedicationStatement/s2")
    assert "cancelled" in whys(result.report.ignored, "MedicationRequest/m3")
    assert "through references" in whys(result.report.ignored, "Medication/med1")


def test_unrecognised_or_combination_medications() -> None:
    result = run(
        med_request("m1", {"text": "Tylenol #3"}),
        med_request("m2", {}),
        med_request("m3", cc(RXN, "1049635", "Acetaminophen 325 MG / Oxycodone Hydrochloride "
                                               "5 MG Oral Tablet"), doseAndRate=mg(5),
                    timing={"code": {"coding": [{"code": "QID"}]}}),
    )
    assert result.case["medications"] == [
        {"drug": "oxycodone", "status": "active", "route": "oral", "rxnorm": "1049635"}]
    assert "not recognised" in whys(result.report.unmapped, "MedicationRequest/m1")
    assert "without a code" in whys(result.report.unmapped, "MedicationRequest/m2")
    assert "combination product" in whys(result.report.unmapped, "MedicationRequest/m3")


# ---------------------------------------------------------------------------------------------
# radiotherapy course summaries


def rt_course(pid: str, *, body_site: list[dict[str, Any]] | None = None,
              reason: str | None = None, dose: dict[str, Any] | None = None,
              fractions: int | None = 5, status: str = "completed",
              volumes: int = 1) -> dict[str, Any]:
    subs: list[dict[str, Any]] = [{"url": "volume",
                                   "valueReference": {"reference": "BodyStructure/v1"}}]
    subs.append({"url": "totalDoseDelivered",
                 "valueQuantity": dose or {"value": 2000, "unit": "cGy", "system": UCUM,
                                           "code": "cGy"}})
    if fractions is not None:
        subs.append({"url": "fractionsDelivered", "valueUnsignedInt": fractions})
    r: dict[str, Any] = {
        "resourceType": "Procedure", "id": pid, "status": status,
        "meta": {"profile": [MCODE + "mcode-radiotherapy-course-summary"]},
        "code": cc(SCT, "1217123003", "Radiotherapy course of treatment"),
        "performedPeriod": {"start": "2025-03-01", "end": "2025-03-07"},
        "extension": [{"url": MCODE + "mcode-radiotherapy-dose-delivered-to-volume",
                       "extension": subs}] * volumes,
    }
    if body_site is not None:
        r["bodySite"] = body_site
    if reason:
        r["reasonReference"] = [{"reference": reason}]
    return r


def test_rt_course_linked_by_body_site() -> None:
    result = run(bone_met("m1", {"text": "T10"}), bone_met("m2", cc(SCT, "71341001")),
                 rt_course("rt1", body_site=[{"text": "T10 vertebra"}]))
    assert result.case["lesions"][0]["prior_radiotherapy"] == [
        {"dose_gy": 20.0, "fractions": 5, "date": "2025-03-07"}]
    assert "prior_radiotherapy" not in result.case["lesions"][1]
    assert {"resource": "Procedure/rt1", "as": "lesions[fhir-m1].prior_radiotherapy",
            "value": {"dose_gy": 20.0, "fractions": 5, "date": "2025-03-07"}} in (
        result.report.used)


def test_rt_course_linked_by_reason_reference_and_gy() -> None:
    result = run(bone_met("m1", {"text": "left femur"}), bone_met("m2", {"text": "L3"}),
                 rt_course("rt1", reason="Condition/m1", fractions=None,
                           dose={"value": 8, "unit": "Gy"}))
    assert result.case["lesions"][0]["prior_radiotherapy"] == [
        {"dose_gy": 8, "date": "2025-03-07"}]


@pytest.mark.parametrize(("kwargs", "why"), [
    ({"body_site": [{"text": "T4"}]}, "no imported lesion"),
    ({"body_site": []}, "no imported lesion"),
    ({"body_site": [{"text": "T10"}], "status": "in-progress"}, "not a delivered course"),
    ({"body_site": [{"text": "T10"}], "dose": {"value": 20, "unit": "Sv"}}, "not in cGy or Gy"),
    ({"body_site": [{"text": "T10"}], "fractions": 0}, "not valid"),
    ({"body_site": [{"text": "T10"}], "volumes": 2}, "no imported lesion"),
])
def test_rt_course_not_linked_is_reported(kwargs: dict[str, Any], why: str) -> None:
    result = run(bone_met("m1", {"text": "T10"}), rt_course("rt1", **kwargs))
    assert "prior_radiotherapy" not in result.case["lesions"][0]
    assert why in whys(result.report.unmapped, "Procedure/rt1")


def test_rt_course_matching_two_lesions_is_ambiguous() -> None:
    result = run(bone_met("m1", {"text": "left femur"}), bone_met("m2", {"text": "right femur"}),
                 rt_course("rt1", body_site=[{"text": "femur"}]))
    assert all("prior_radiotherapy" not in les for les in result.case["lesions"])
    assert "2 lesions" in whys(result.report.unmapped, "Procedure/rt1")


def test_other_procedures_are_ignored() -> None:
    result = run({"resourceType": "Procedure", "id": "p1", "status": "completed",
                  "code": cc(SCT, "392021009", "Lumpectomy of breast")})
    assert "procedure not used" in whys(result.report.ignored, "Procedure/p1")


# ---------------------------------------------------------------------------------------------
# malformed input


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


def test_active_proposal_is_planned_and_opioid_without_dosage_is_reported() -> None:
    r = med_request("m1", {"text": "Denosumab 120 mg"})
    r["intent"] = "proposal"
    result = run(r, med_request("m2", {"text": "tapentadol"}))
    assert result.case["medications"] == [{"drug": "denosumab", "status": "planned"},
                                          {"drug": "tapentadol", "status": "active"}]
    assert "no dosage given" in whys(result.report.unmapped, "MedicationRequest/m2")


def test_patient_id_of_only_punctuation_gives_no_case_id() -> None:
    result = run({"resourceType": "Patient", "id": "---", "gender": "female"})
    assert "id" not in result.case


def test_death_from_the_patient_resource() -> None:
    dated = run({"resourceType": "Patient", "id": "p", "deceasedDateTime": "2026-05-04T10:00:00Z"})
    assert dated.case["events"] == [{"type": "death", "date": "2026-05-04"}]
    partial = run({"resourceType": "Patient", "id": "p", "deceasedDateTime": "2026-05"})
    assert partial.case["events"] == [{"type": "death"}]  # died, date unknown: not dropped
    assert "deceasedDateTime '2026-05'" in whys(partial.report.unmapped)
    flag = run({"resourceType": "Patient", "id": "p", "deceasedBoolean": True})
    assert flag.case["events"] == [{"type": "death"}]
    alive = run({"resourceType": "Patient", "id": "p", "deceasedBoolean": False})
    assert "events" not in alive.case


def test_first_bone_metastasis_date_is_the_earliest_onset() -> None:
    result = run(bone_met("b1", {"text": "T8 vertebra"}, onsetDateTime="2025-03-01"),
                 bone_met("b2", {"text": "left femur"}, onsetDateTime="2024-11-20T08:00:00Z"),
                 bone_met("b3", {"text": "L2 vertebra"}, onsetDateTime="2024"))
    assert result.case["cancer"]["bone_metastases"]["diagnosed_on"] == "2024-11-20"
    used = [u for u in result.report.used if u["as"] == "cancer.bone_metastases.diagnosed_on"]
    assert len(used) == 1 and "b2" in used[0]["resource"]
