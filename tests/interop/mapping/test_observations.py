"""Observation: ECOG, Karnofsky, laboratory results, weight and height."""

from __future__ import annotations

from typing import Any

import pytest

from tests.interop.mapping.helpers import LNC, MCODE, UCUM, cc, obs, qty, run, whys


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
