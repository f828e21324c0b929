"""Bad input is rejected with one clear message per problem, naming the path and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osseous.core.errors import InvalidInput
from osseous.core.units import ANALYTES, to_canonical
from osseous.core.validation import json_path, parse_case, parse_case_json


def problems(doc: Any) -> dict[str, str]:
    with pytest.raises(InvalidInput) as info:
        parse_case(doc)
    return {p.path: p.message for p in info.value.problems}


@pytest.mark.parametrize(
    ("doc", "path", "fragment"),
    [
        ({"patient": {"ecog": 7}}, "patient.ecog", "less than or equal to 4"),
        ({"patient": {"karnofsky": 75}}, "patient.karnofsky", "multiple of 10"),
        ({"patient": {"karnofsky": 110}}, "patient.karnofsky", "less than or equal to 100"),
        ({"patient": {"weight_kg": -3}}, "patient.weight_kg", "greater than 0"),
        ({"patient": {"age_years": "58"}}, "patient.age_years", "whole number"),
        ({"patient": {"dialysis": "yes"}}, "patient.dialysis", "true or false"),
        ({"patient": {"sex": "F"}}, "patient.sex", "'female'"),
        ({"patient": {"frankel": "F"}}, "patient.frankel", "'E'"),
        ({"patient": {"birth_date": "01/02/1960"}}, "patient.birth_date", "YYYY-MM-DD"),
        ({"patient": {"dental": {"last_exam": "2026-02-30"}}}, "patient.dental.last_exam",
         "real calendar date"),
        ({"cancer": {"primary": "brain"}}, "cancer.primary", "'breast'"),
        ({"cancer": {"visceral_metastases": "yes"}}, "cancer.visceral_metastases", "'none'"),
        ({"cancer": {"visceral_sites": ["bone"]}}, "cancer.visceral_sites[0]", "'liver'"),
        ({"cancer": {"bone_metastases": {"spinal": -1}}}, "cancer.bone_metastases.spinal",
         "greater than or equal to 0"),
        ({"labs": [{"analyte": "calcium", "value": 2.5, "unit": "mmol"}]}, "labs[0].unit",
         "allowed: mg/dL, mmol/L"),
        ({"labs": [{"analyte": "zinc", "value": 1, "unit": "mg/dL"}]}, "labs[0].analyte",
         "unknown analyte"),
        ({"labs": [{"analyte": "albumin", "value": -1, "unit": "g/L"}]}, "labs[0].value",
         "greater than or equal to 0"),
        ({"labs": [{"analyte": "albumin", "unit": "g/L"}]}, "labs[0].value", "required"),
        ({"lesions": [{"id": "A", "site": "spine", "worst_pain": 11}]}, "lesions[0].worst_pain",
         "less than or equal to 10"),
        ({"lesions": [{"id": "A", "site": "spine", "levels": ["L6"]}]}, "lesions[0].levels[0]",
         "'L5'"),
        ({"lesions": [{"id": "A", "site": "spine", "levels": ["Co1"]}]}, "lesions[0].levels[0]",
         "'S5'"),
        ({"lesions": [{"id": "A", "site": "spine", "levels": ["L1", "L1"]}]},
         "lesions[0].levels", "once"),
        ({"lesions": [{"id": "A", "site": "spine", "escc": 2}]}, "lesions[0].escc", "'1c'"),
        ({"lesions": [{"id": "A", "site": "spine", "pain_severity": "mild"}]},
         "lesions[0].pain_severity", "not a field of spinal lesions"),
        ({"lesions": [{"id": "A", "site": "femur", "collapse": "none"}]},
         "lesions[0].collapse", "not a field of long-bone"),
        ({"lesions": [{"id": "A", "site": "femur", "region": "neck"}]}, "lesions[0].region",
         "head-neck"),
        ({"lesions": [{"id": "A", "site": "brain"}]}, "lesions[0]", "site must be"),
        ({"lesions": [{"id": "A"}]}, "lesions[0]", "site must be"),
        ({"lesions": [{"site": "rib"}]}, "lesions[0].id", "required"),
        ({"lesions": [{"id": "A", "site": "rib"}, {"id": "A", "site": "rib"}]}, "lesions[1].id",
         "unique"),
        ({"events": [{"type": "death", "lesion": "Z"}]}, "events[0].lesion", "not in 'lesions'"),
        ({"events": [{"type": "fall"}]}, "events[0].type", "'death'"),
        ({"medications": [{"drug": "Oxycodone"}]}, "medications[0].drug", "pattern"),
        ({"pain_assessments": [{"worst_pain": 3}]}, "pain_assessments[0].date", "required"),
        ({"format": "osseous.assessment/1"}, "format", "osseous.case/1"),
        ({"assessed_on": 20261120}, "assessed_on", "YYYY-MM-DD"),
    ],
)
def test_bad_input_names_the_path(doc: dict[str, Any], path: str, fragment: str) -> None:
    found = problems(doc)
    assert path in found, found
    assert fragment.lower() in found[path].lower(), found[path]


def test_every_problem_is_reported_at_once() -> None:
    found = problems({"patient": {"ecog": 7, "karnofsky": 75}, "cancer": {"primary": "x"},
                      "lesions": [{"id": "A", "site": "spine", "escc": "4"}]})
    assert set(found) == {"patient.ecog", "patient.karnofsky", "cancer.primary",
                          "lesions[0].escc"}


def test_problem_carries_the_value_given() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_case({"patient": {"karnofsky": 75}})
    (problem,) = info.value.problems
    assert problem.value == 75
    assert str(problem) == "patient.karnofsky: must be a multiple of 10 (given: 75)"


@pytest.mark.parametrize("doc", [[], "case", 3, None])
def test_json_that_is_not_a_case(doc: Any) -> None:
    assert "" in problems(doc)


def test_malformed_json_text() -> None:
    with pytest.raises(InvalidInput, match="not valid JSON"):
        parse_case_json(b"{not json")


def test_unknown_fields_are_ignored_and_listed() -> None:
    parsed = parse_case({"extra": 1, "patient": {"eye_colour": "blue"},
                         "lesions": [{"id": "A", "site": "spine", "tumour_size": 3}]})
    assert parsed.ignored_fields == ("extra", "patient.eye_colour", "lesions[0].tumour_size")


def test_minimal_document_is_valid_and_all_unknown() -> None:
    case = parse_case({}).case
    assert case.patient.ecog is None
    assert case.cancer.primary is None
    assert case.labs is None and case.medications is None and case.lesions == []


def test_labs_are_converted_on_input() -> None:
    case = parse_case({"labs": [
        {"analyte": "calcium", "value": 2.5, "unit": "mmol/L"},
        {"analyte": "creatinine", "value": 88.4, "unit": "umol/L"},
        {"analyte": "albumin", "value": 35, "unit": "g/L"},
        {"analyte": "platelets", "value": 150, "unit": "10*3/uL"},
    ]}).case
    assert case.labs is not None
    got = {lab.analyte: round(lab.canonical_value, 4) for lab in case.labs}
    assert got == {"calcium": 10.02, "creatinine": 1.0, "albumin": 3.5, "platelets": 150.0}


def test_json_path() -> None:
    assert json_path(("lesions", 1, "spine", "escc")) == "lesions[1].escc"
    assert json_path(("patient", "dental", "last_exam")) == "patient.dental.last_exam"


@given(st.sampled_from(sorted(ANALYTES)), st.floats(min_value=0, max_value=1e4))
def test_unit_conversion_round_trip(analyte: str, value: float) -> None:
    """Converting to any accepted unit and back returns the canonical value."""
    info = ANALYTES[analyte]
    for unit, factor in info.factors.items():
        assert to_canonical(analyte, value / factor, unit) == pytest.approx(value, rel=1e-12)


@given(st.floats(min_value=0.5, max_value=5.0))
def test_calcium_units_agree(mmol: float) -> None:
    assert to_canonical("calcium", mmol, "mmol/L") == pytest.approx(mmol * 4.008)


def test_unknown_fields_deep_in_lists_and_the_analytics_shortcut() -> None:
    doc = {"patient": {"dental": {"last_exam": "2026-01-01", "dentist": "x"}},
           "lesions": [{"id": "A", "site": "femur", "prior_radiotherapy": [
               {"dose_gy": 8, "fractions": 1, "machine": "linac-2"}]}],
           "medications": [{"drug": "denosumab"}, {"drug": "morphine", "brand": "y"}],
           "events": []}
    assert parse_case(doc).ignored_fields == (
        "patient.dental.dentist", "lesions[0].prior_radiotherapy[0].machine",
        "medications[1].brand")
    quiet = parse_case(doc, list_ignored=False)
    assert quiet.ignored_fields == () and quiet.case == parse_case(doc).case
