"""Every real-world bundle (Synthea, Inferno cancer registry, mCODE trial matching; third-party,
see tests/fixtures/README.md) imports to a valid case, with the mapped facts counted per kind
and no known bone metastasis lost."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from osseous.core.validation import parse_case
from osseous.interop.fhir_in import bundle_to_case
from osseous.interop.mapping.data_age import max_age_days
from osseous.interop.terminology import is_bone_metastasis_code
from tests.third_party import load as load_fixture
from tests.third_party import real_world_bundles

TODAY = "2026-11-20"
BUNDLES = real_world_bundles()

#: name -> (primary, lesions, bone metastases present, labs, medications, dead, old values)
#: as imported, each reviewed against the file (the notes say how the primary was read)
EXPECTED: dict[str, tuple[str | None, int, bool, int, int, bool, int]] = {
    "Barrett_Douglas_d21c38f7-9fc7-4729-b414-3e0fe5ce3d8b.json":
        ("prostate", 0, False, 35, 7, True, 34),  # 126906006 (Synthea) + CIS reported
    "Chadwick_Von_628e4827-ecda-4c9d-881e-7b53d0c6e5ed.json":
        ("prostate", 0, False, 89, 29, True, 80),
    "Darin_Skiles_31c343e9-5d7f-444e-9be4-56b1a6ec6146.json":
        ("colon", 0, False, 6, 1, False, 5),
    # colon and prostate primaries, no metastasis links to one: the primary stays unknown
    "Donnell_Torphy_9c154119-26ef-45d6-b560-c41380868b5f.json":
        (None, 0, False, 77, 32, True, 69),
    "Fletcher_Hyatt_fe0562b5-f517-4951-8366-32fdab088930.json":
        (None, 0, False, 65, 118, True, 64),
    "Gilbert_Wunsch_ab591293-dc94-4290-a29f-f35522273600.json":
        ("lung-nsclc", 0, False, 35, 101, True, 25),
    "Keira_Huel_279e1ce8-1a84-492b-bb78-b1d13a0d564c.json":
        ("colon", 0, False, 74, 7, True, 67),
    "Lavelle_Kuvalis_9f0fb46c-c9f5-4c50-a983-9f87bf591ce9.json":
        ("colon", 0, False, 9, 1, False, 7),
    "Librada_Tromp_abf2707e-607b-4574-a8c2-432b213c7f0e.json":
        ("colon", 0, False, 26, 0, False, 25),
    "Lourdes_Alcantar_5f258739-cc1d-4109-aa6b-28ad184c6258.json":
        ("colon", 0, False, 11, 7, True, 9),
    "Luis_Miguel_Delarosa_f118c1b4-27e0-4de5-bc04-b51e14ea5bbd.json":
        ("colon", 0, False, 34, 3, False, 32),
    # 94260004 secondary malignant neoplasm of colon: a visceral metastasis, primary unknown
    "Micah_Schinner_d4d72610-ec40-42ed-b34f-09e286181ee9.json":
        (None, 0, False, 58, 1, True, 49),
    "Murray_Hane_dd3f014e-481e-4c9c-834e-47e3f881ce3b.json":
        ("prostate", 0, False, 37, 4, True, 36),
    "Stevie_Cormier_7f4c7519-5b22-4855-812f-9e937c5a8d2f.json":
        ("prostate", 0, False, 25, 2, True, 19),
    "Thanh_Mosciski_6b7b47bf-5bfb-475e-b5f6-955fde83a44f.json":
        ("colon", 0, False, 106, 31, False, 99),
    "Whitney_Ortiz_b9bbc884-486e-4159-9bf3-c666ecb90df7.json":
        ("colon", 0, False, 69, 12, True, 62),
    # the mCODE pattern: 363346000 "malignant neoplastic disease" with bodySite left breast
    "cancer_bundle_patient_86.json": ("breast", 0, False, 0, 11, True, 0),
    "ccrr_hdea_content_bundle_example_complete.json": ("breast", 0, False, 0, 2, False, 0),
    # 94222008 without bodySite: present and not localised
    "TrialMatching_Patient01.json": ("breast", 0, True, 0, 5, False, 1),
    "TrialMatching_Patient02.json": ("breast", 0, True, 0, 11, False, 1),
    "eom_patient_1.json": ("breast", 0, False, 0, 2, False, 1),
    "patient_data.json": ("breast", 0, False, 0, 3, False, 2),
    "patient_data_missing_birthdate_invalid_ecog_karnofsky.json":
        ("breast", 0, False, 0, 0, False, 0),
    "patient_bundle.json": ("colon", 0, False, 0, 0, False, 2),
}


def _bone_codes(bundle: dict[str, Any]) -> int:
    """Conditions whose code states a bone metastasis, read straight from the file."""
    count = 0
    for entry in bundle.get("entry", []):
        r = entry.get("resource", {}) if isinstance(entry, dict) else {}
        if r.get("resourceType") == "Condition" and any(
                is_bone_metastasis_code(c.get("system"), c.get("code"))
                for c in (r.get("code") or {}).get("coding", [])):
            count += 1
    return count


def test_the_corpus_is_complete() -> None:
    assert {p.name for p in BUNDLES} == set(EXPECTED)
    assert len(BUNDLES) == 24


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.name[:40])
def test_every_real_world_bundle(path: Path) -> None:
    bundle = load_fixture(path)
    result = bundle_to_case(bundle, assessed_on=TODAY)
    case = parse_case(result.case).case
    primary, lesions, bone, labs, meds, dead, old = EXPECTED[path.name]
    assert case.cancer.primary == primary
    assert len(case.lesions) == lesions
    present = case.cancer.bone_metastases is not None and bool(
        case.cancer.bone_metastases.present)
    assert present == bone
    # no known bone metastasis is lost: a bone code always gives a lesion or the fact
    if _bone_codes(bundle):
        assert present or case.lesions
    assert len(case.labs or []) == labs
    assert len(case.medications or []) == meds
    assert any(e.type == "death" for e in case.events or []) == dead
    # every lab keeps its date; every value older than its maximum age is reported, none else
    assert all(lab.date is not None for lab in case.labs or [])
    reference = date.fromisoformat(TODAY)
    expected_old = [lab for lab in case.labs or [] if (limit := max_age_days(lab.analyte))
                    is not None and lab.date is not None and (reference - lab.date).days > limit]
    labs_old = [e for e in result.report.old if e["as"] not in ("weight_kg", "ecog",
                                                                "karnofsky")]
    assert len(labs_old) == len(expected_old)
    assert old <= len(result.report.old)  # at least as many as when the test was written
    for entry in result.report.old:
        assert entry["age_days"] is None or entry["age_days"] > entry["max_age_days"]


def test_synthea_calcium_49765_1_is_read() -> None:
    path = next(p for p in BUNDLES if p.name.startswith("Thanh_Mosciski"))
    case = bundle_to_case(load_fixture(path), assessed_on=TODAY).case
    analytes = {lab["analyte"] for lab in case["labs"]}
    assert {"calcium", "creatinine", "albumin"} <= analytes


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.name[:40])
def test_patient_view_on_every_real_world_record(path: Path) -> None:
    """Every record as prefetch: an answer (never an error), cards whenever the record codes a
    bone metastasis, and no treatment card for a patient who died."""
    from osseous.interop import cds_hooks

    bundle = load_fixture(path)
    resources = [e["resource"] for e in bundle["entry"] if isinstance(e.get("resource"), dict)]
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    kinds = {"conditions": "Condition", "observations": "Observation",
             "medications": "MedicationRequest", "statements": "MedicationStatement",
             "administrations": "MedicationAdministration", "procedures": "Procedure"}
    prefetch: dict[str, Any] = {"patient": patient}
    for key, kind in kinds.items():
        prefetch[key] = {"resourceType": "Bundle", "type": "searchset", "entry": [
            {"resource": r} for r in resources if r["resourceType"] == kind]}
    body = {"hook": "patient-view", "hookInstance": "f0b6c7d8-0000-4000-8000-000000000001",
            "context": {"userId": "Practitioner/1", "patientId": patient.get("id", "x")},
            "prefetch": prefetch}
    cards = cds_hooks.patient_view(body, None, date.fromisoformat(TODAY))["cards"]
    dead = "deceasedDateTime" in patient or patient.get("deceasedBoolean") is True
    if _bone_codes(bundle):
        assert cards
    if dead and cards:
        assert len(cards) == 1 and "died" in cards[0]["summary"]
