"""Procedure: radiotherapy course summaries linked to lesions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.interop.mapping.helpers import SCT, bone_met, cc, rt_course, run, whys


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
