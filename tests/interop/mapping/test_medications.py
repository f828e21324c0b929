"""MedicationRequest, MedicationStatement: drugs, statuses, routes, daily doses."""

from __future__ import annotations

from typing import Any

import pytest

from tests.interop.mapping.helpers import ORAL, RXN, SCT, UCUM, cc, med_request, mg, run, whys


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


def test_active_proposal_is_planned_and_opioid_without_dosage_is_reported() -> None:
    r = med_request("m1", {"text": "Denosumab 120 mg"})
    r["intent"] = "proposal"
    result = run(r, med_request("m2", {"text": "tapentadol"}))
    assert result.case["medications"] == [{"drug": "denosumab", "status": "planned"},
                                          {"drug": "tapentadol", "status": "active"}]
    assert "no dosage given" in whys(result.report.unmapped, "MedicationRequest/m2")
