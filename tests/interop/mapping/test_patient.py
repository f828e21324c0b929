"""Patient: sex, birth date, case id, death."""

from __future__ import annotations

import pytest

from osseous.core.errors import InvalidInput
from osseous.interop.fhir_in import bundle_to_case
from tests.interop.mapping.helpers import run, whys


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
