"""The import's findings of issue 15, each with the third-party record that showed it or the
shape of it: codes as Synthea, mCODE and EHR exports write them."""

from __future__ import annotations

from typing import Any

import pytest

from osseous.core.validation import parse_case
from osseous.interop.fhir_in import MappingResult, bundle_to_case
from osseous.interop.terminology import VALUE_SETS, is_bone_metastasis_code
from tests.third_party import REAL_WORLD, load, published

SCT = "http://snomed.info/sct"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
LNC = "http://loinc.org"
RXN = "http://www.nlm.nih.gov/research/umls/rxnorm"
TODAY = "2026-11-20"


def run(*resources: dict[str, Any]) -> MappingResult:
    result = bundle_to_case({"resourceType": "Bundle", "type": "collection",
                             "entry": [{"fullUrl": f"urn:uuid:{r.get('id', i)}", "resource": r}
                                       for i, r in enumerate(resources)]}, assessed_on=TODAY)
    parse_case(result.case)
    return result


def cond(cid: str, system: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"resourceType": "Condition", "id": cid, "code": {"coding": [
        {"system": system, "code": code}]}, "subject": {"reference": "urn:uuid:p"}, **extra}


@pytest.mark.parametrize(("system", "code"), [
    (SCT, "94222008"), (ICD, "C79.51"), (ICD, "C7951"), (ICD, "c79.51"), (ICD, "C79.5"),
    ("http://hl7.org/fhir/sid/icd-10", "C79.5"), (ICD, "C79.52"), (ICD, "C7B.03")])
def test_a_bone_metastasis_without_a_site_is_kept_as_a_fact(system: str, code: str) -> None:
    result = run(cond("m", system, code))
    assert result.case["lesions"] == []
    assert result.case["cancer"]["bone_metastases"] == {"present": True, "unlocalised": True}
    assert is_bone_metastasis_code(system, code)


def test_codes_are_read_within_their_system() -> None:
    assert not is_bone_metastasis_code(LNC, "94222008")  # a LOINC-shaped code is not SNOMED
    assert not is_bone_metastasis_code(SCT, "C79.51")
    result = run(cond("m", LNC, "94222008"))
    assert "bone_metastases" not in result.case["cancer"]


def test_mcode_generic_cancer_with_body_site() -> None:
    """Inferno's cancer-registry bundle: 363346000 with bodySite 80248007 "Left breast"."""
    bundle = load(REAL_WORLD / "inferno" / "ccrr_hdea_content_bundle_example_complete.json")
    result = bundle_to_case(bundle, assessed_on=TODAY)
    assert result.case["cancer"]["primary"] == "breast"
    used = [u for u in result.report.used if u["as"] == "cancer.primary"]
    assert used
    # without a bodySite the site is unknown and reported
    result = run(cond("c", SCT, "363346000"))
    assert "primary" not in result.case["cancer"]
    assert "without a bodySite" in " ".join(u["why"] for u in result.report.unmapped)


def test_synthea_cancer_codes() -> None:
    assert run(cond("c", SCT, "126906006")).case["cancer"]["primary"] == "prostate"
    met = run(cond("c", SCT, "314994000")).case["cancer"]
    assert met["primary"] == "prostate"
    assert run(cond("c", SCT, "94260004")).case["cancer"]["visceral_sites"] == ["other"]
    # an unknown code that reads as a cancer is reported, never "not a cancer"
    odd = run({"resourceType": "Condition", "id": "x", "code": {"coding": [
        {"system": SCT, "code": "1234567", "display": "Malignant neoplasm of appendix"}]}})
    assert "not in Osseous's primary-site table" in odd.report.unmapped[0]["why"]
    assert not odd.report.ignored


def test_synthea_calcium_and_dates_arrive() -> None:
    obs = {"resourceType": "Observation", "id": "ca", "status": "final",
           "code": {"coding": [{"system": LNC, "code": "49765-1", "display": "Calcium"}]},
           "effectiveDateTime": "2005-06-01T10:00:00-04:00",
           "valueQuantity": {"value": 9.4, "unit": "mg/dL", "system":
                             "http://unitsofmeasure.org", "code": "mg/dL"}}
    result = run(obs)
    assert result.case["labs"] == [{"analyte": "calcium", "value": 9.4, "unit": "mg/dL",
                                    "date": "2005-06-01"}]
    (old,) = result.report.old
    assert old["as"] == "calcium" and old["date"] == "2005-06-01" and old["max_age_days"] == 14
    assert old["age_days"] > 7000


def test_old_weight_of_a_child_and_old_creatinine_are_reported() -> None:
    """Finding 4: a 1999 weight and a 2005 creatinine reach the case with their dates and are
    listed as old (the plan, not the import, decides not to dose on them)."""
    weight = {"resourceType": "Observation", "id": "w", "status": "final",
              "code": {"coding": [{"system": LNC, "code": "29463-7"}]},
              "effectiveDateTime": "1999-03-01", "valueQuantity": {"value": 31.5, "unit": "kg"}}
    creat = {"resourceType": "Observation", "id": "cr", "status": "final",
             "code": {"coding": [{"system": LNC, "code": "38483-4"}]},
             "effectiveDateTime": "2005-05-05", "valueQuantity": {"value": 0.9,
                                                                  "unit": "mg/dL"}}
    result = run(weight, creat)
    assert result.case["patient"] == {"weight_kg": 31.5, "weight_measured_on": "1999-03-01"}
    assert {o["as"] for o in result.report.old} == {"weight_kg", "creatinine"}


def test_us_core_examples() -> None:
    bundle = [load(p) for p in published(REAL_WORLD / "us-core")]
    result = bundle_to_case(bundle, assessed_on=TODAY)
    analytes = {lab["analyte"] for lab in result.case["labs"]}
    assert analytes == {"calcium", "creatinine"}
    assert all(lab["date"] for lab in result.case["labs"])
    assert result.case["patient"]["weight_kg"] > 0
    # the contained Medication is resolved and read (nizatidine is not a drug Osseous uses)
    why = " ".join(u["why"] for u in result.report.unmapped)
    assert "izatidine" in why or "Axid" in why


def test_medication_administrations_are_gathered_per_drug() -> None:
    def given(aid: str, when: str, status: str = "completed") -> dict[str, Any]:
        return {"resourceType": "MedicationAdministration", "id": aid, "status": status,
                "medicationCodeableConcept": {"coding": [{"system": RXN, "code": "77655",
                                                          "display": "zoledronic acid"}]},
                "effectiveDateTime": when, "dosage": {"dose": {"value": 4, "unit": "mg"},
                                                      "route": {"text": "intravenous"}}}
    result = run(given("a1", "2026-03-01"), given("a2", "2026-06-01"),
                 given("a3", "2026-09-01"), given("a4", "2026-10-01", "not-done"))
    assert result.case["medications"] == [{
        "drug": "zoledronic-acid", "doses_given": 3, "route": "intravenous",
        "rxnorm": "77655", "started": "2026-03-01", "last_dose": "2026-09-01"}]


def test_a_medication_statement_of_zoledronic_acid_by_reference() -> None:
    """medicationReference to a Medication named by urn:uuid and by an absolute URL."""
    med = {"resourceType": "Medication", "id": "zol",
           "code": {"coding": [{"system": "http://www.whocc.no/atc", "code": "M05BA08"}]}}
    for ref in ("urn:uuid:zol", "https://ehr.example/fhir/Medication/zol"):
        st = {"resourceType": "MedicationStatement", "id": "s", "status": "completed",
              "medicationReference": {"reference": ref}}
        assert run(med, st).case["medications"] == [{"drug": "zoledronic-acid",
                                                     "status": "completed"}]


def test_a_code_that_disagrees_with_the_name_is_not_trusted() -> None:
    st = {"resourceType": "MedicationStatement", "id": "s", "status": "active",
          "medicationCodeableConcept": {"coding": [{"system": RXN, "code": "77655",
                                                    "display": "morphine sulfate 10 MG"}]}}
    result = run(st)
    assert "medications" not in result.case
    assert "disagree" in result.report.unmapped[0]["why"]


@pytest.mark.parametrize("unit", ["{pill}", "{tbl}", None, "Mg"])
def test_dose_units_are_never_assumed(unit: str | None) -> None:
    q: dict[str, Any] = {"value": 4}
    if unit:
        q["unit"] = unit
    req = {"resourceType": "MedicationRequest", "id": "r", "status": "active",
           "intent": "order", "medicationCodeableConcept": {"text": "morphine"},
           "dosageInstruction": [{"timing": {"code": {"coding": [{"code": "BID"}]}},
                                  "doseAndRate": [{"doseQuantity": q}]}]}
    result = run(req)
    assert "daily_dose_mg" not in result.case["medications"][0]
    assert "daily dose not derived" in result.report.unmapped[0]["why"]


def test_every_value_set_names_its_source() -> None:
    for vs in VALUE_SETS:
        assert vs.source and vs.codes, vs.name
        assert all(isinstance(v, str) and v for v in vs.codes.values())


def test_bulk_and_import_agree_on_bone_metastasis(tmp_path: Any) -> None:
    from osseous.interop.bulk import has_bone_metastasis

    for system, code in ((SCT, "94222008"), (ICD, "C7951"), (ICD, "C79.5")):
        resources = [cond("m", system, code)]
        assert has_bone_metastasis(resources)
        assert run(*resources).case["cancer"]["bone_metastases"]["present"] is True
