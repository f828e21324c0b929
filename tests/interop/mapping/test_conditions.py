"""Condition: primaries, bone metastases (lesions and levels), visceral and brain metastases."""

from __future__ import annotations

from typing import Any

import pytest

from tests.interop.mapping.helpers import ICD, MCODE, SCT, bone_met, cc, condition, run, whys


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


def test_first_bone_metastasis_date_is_the_earliest_onset() -> None:
    result = run(bone_met("b1", {"text": "T8 vertebra"}, onsetDateTime="2025-03-01"),
                 bone_met("b2", {"text": "left femur"}, onsetDateTime="2024-11-20T08:00:00Z"),
                 bone_met("b3", {"text": "L2 vertebra"}, onsetDateTime="2024"))
    assert result.case["cancer"]["bone_metastases"]["diagnosed_on"] == "2024-11-20"
    used = [u for u in result.report.used if u["as"] == "cancer.bone_metastases.diagnosed_on"]
    assert len(used) == 1 and "b2" in used[0]["resource"]
