"""Monitoring duties: due dates worked out by hand from the treatment dates, statuses, and
duties that must not disappear when a date is unknown."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from osseous.core.errors import InvalidInput
from osseous.plan.monitoring import MONITORING_FORMAT, monitoring
from tests.conftest import make_case

TODAY = date(2026, 11, 20)


def duties(today: date = TODAY, **doc: Any) -> dict[str, dict[str, Any]]:
    out = monitoring(make_case(doc), today)
    assert out["format"] == MONITORING_FORMAT
    assert out["overdue"] == sum(d["status"] == "overdue" for d in out["duties"])
    return {d["id"]: d for d in out["duties"]}


DENTAL_OK = {"dental": {"last_exam": "2026-10-01"}}


def test_no_treatment_no_duties() -> None:
    assert duties(patient=DENTAL_OK) == {}


@pytest.mark.parametrize(("last_dose", "due", "status"), [
    ("2026-11-01", "2026-11-29", "upcoming"),  # 1 Nov + 4 weeks; 9 days away
    ("2026-10-27", "2026-11-24", "due"),       # within 7 days
    ("2026-10-01", "2026-10-29", "overdue"),
])
def test_creatinine_before_zoledronic_acid(last_dose: str, due: str, status: str) -> None:
    got = duties(patient=DENTAL_OK, medications=[
        {"drug": "zoledronic-acid", "status": "active", "last_dose": last_dose}])
    duty = got["zoledronic-acid-creatinine"]
    assert (duty["due"], duty["status"]) == (due, status)
    assert duty["references"] == ["zometa-label"]


def test_creatinine_since_the_last_dose_counts_as_done() -> None:
    got = duties(patient=DENTAL_OK, medications=[
        {"drug": "zoledronic-acid", "status": "active", "last_dose": "2026-10-01"}],
        labs=[{"analyte": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2026-10-25"}])
    assert got["zoledronic-acid-creatinine"]["status"] == "done"
    assert got["zoledronic-acid-creatinine"]["done_on"] == "2026-10-25"


def test_creatinine_before_the_last_dose_does_not_count() -> None:
    got = duties(patient=DENTAL_OK, medications=[
        {"drug": "zoledronic-acid", "status": "active", "last_dose": "2026-10-01"}],
        labs=[{"analyte": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2026-09-28"}])
    assert got["zoledronic-acid-creatinine"]["status"] == "overdue"


def test_pamidronate_next_dose_after_three_weeks() -> None:
    got = duties(patient=DENTAL_OK, medications=[
        {"drug": "pamidronate", "status": "active", "last_dose": "2026-11-10"}])
    assert got["pamidronate-creatinine"]["due"] == "2026-12-01"


def test_planned_first_dose_is_checked_on_its_start_date() -> None:
    got = duties(patient=DENTAL_OK, medications=[
        {"drug": "zoledronic-acid", "status": "planned", "started": "2026-11-25"}])
    assert got["zoledronic-acid-creatinine"]["due"] == "2026-11-25"


def test_unknown_dates_are_listed_not_dropped() -> None:
    got = duties(patient=DENTAL_OK, medications=[{"drug": "denosumab", "status": "active"}])
    assert got["denosumab-calcium"]["status"] == "date-unknown"
    assert got["denosumab-calcium"]["due"] is None


@pytest.mark.parametrize("status", ["stopped", "completed"])
def test_stopped_agents_carry_no_duties(status: str) -> None:
    assert duties(patient=DENTAL_OK, medications=[
        {"drug": "denosumab", "status": status, "last_dose": "2026-11-01"}]) == {}


def test_denosumab_calcium_before_each_dose_and_in_the_first_weeks() -> None:
    got = duties(patient=DENTAL_OK, medications=[
        {"drug": "denosumab", "status": "active", "started": "2026-11-01",
         "last_dose": "2026-11-01"}])
    assert got["denosumab-calcium"]["due"] == "2026-11-29"
    first = got["denosumab-calcium-first-weeks"]
    assert (first["due"], first["status"]) == ("2026-11-15", "overdue")


def test_first_weeks_check_is_not_listed_months_later() -> None:
    got = duties(patient=DENTAL_OK, medications=[
        {"drug": "denosumab", "status": "active", "started": "2026-01-05",
         "last_dose": "2026-11-01"}])
    assert "denosumab-calcium-first-weeks" not in got


@pytest.mark.parametrize(("dental", "due", "status"), [
    ({"last_exam": "2026-10-01"}, "2027-03-30", "upcoming"),  # + 180 days
    ({"last_exam": "2026-05-01"}, "2026-10-28", "overdue"),
    (None, "2026-09-01", "overdue"),  # none recorded: due before the first dose
])
def test_dental_review_on_a_bone_modifying_agent(dental: Any, due: str, status: str) -> None:
    got = duties(patient={"dental": dental}, medications=[
        {"drug": "zoledronic-acid", "status": "active", "started": "2026-09-01",
         "last_dose": "2026-11-10"}])
    assert (got["dental-review"]["due"], got["dental-review"]["status"]) == (due, status)


def test_radium_counts_before_each_of_six_injections() -> None:
    med = {"drug": "radium-223", "status": "active", "last_dose": "2026-11-02",
           "doses_given": 3}
    got = duties(medications=[med])
    duty = got["radium-223-anc-platelets-hemoglobin"]
    assert duty["due"] == "2026-11-30"
    assert "3 of 6 doses" in duty["reason"]
    assert duties(medications=[{**med, "doses_given": 6}]) == {}


def test_radium_count_needs_every_part_of_the_blood_count() -> None:
    med = {"drug": "radium-223", "status": "active", "last_dose": "2026-10-27",
           "doses_given": 2}  # next injection 24 Nov; counts from 17 Nov count
    partial = [{"analyte": "platelets", "value": 200, "unit": "10*9/L", "date": "2026-11-18"}]
    full = [*partial, {"analyte": "anc", "value": 2.0, "unit": "10*9/L", "date": "2026-11-18"},
            {"analyte": "hemoglobin", "value": 11.0, "unit": "g/dL", "date": "2026-11-18"}]
    assert duties(medications=[med], labs=partial)[
        "radium-223-anc-platelets-hemoglobin"]["status"] == "due"
    assert duties(medications=[med], labs=full)[
        "radium-223-anc-platelets-hemoglobin"]["status"] == "done"


def test_lutetium_counts_and_kidneys_every_six_weeks() -> None:
    got = duties(medications=[{"drug": "lutetium-177-psma", "status": "active",
                               "last_dose": "2026-11-01", "doses_given": 1}])
    assert got["lutetium-177-psma-platelets-creatinine"]["due"] == "2026-12-13"


def test_samarium_weekly_counts_weeks_two_to_nine() -> None:
    got = duties(medications=[{"drug": "samarium-153", "status": "completed",
                               "last_dose": "2026-10-30"}])
    weekly = sorted((d["due"], d["status"]) for k, d in got.items()
                    if k.startswith("samarium-153-count"))
    assert [w[0] for w in weekly] == ["2026-11-13", "2026-11-20", "2026-11-27", "2026-12-04",
                                      "2026-12-11", "2026-12-18", "2026-12-25", "2027-01-01"]
    assert weekly[0][1] == "overdue" and weekly[1][1] == "due"


def spine_rt(rt_date: str) -> dict[str, Any]:
    return {"id": "S", "site": "spine", "levels": ["T8"],
            "prior_radiotherapy": [{"dose_gy": 8, "fractions": 1, "date": rt_date}]}


def test_pain_assessments_one_two_three_months_after_radiotherapy() -> None:
    got = duties(lesions=[spine_rt("2026-09-30")],
                 pain_assessments=[{"date": "2026-10-29", "lesion": "S", "worst_pain": 3}])
    months = {k: (d["due"], d["status"]) for k, d in got.items()}
    assert months == {"pain-S-rt1-month-1": ("2026-10-30", "done"),
                      "pain-S-rt1-month-2": ("2026-11-30", "upcoming"),
                      "pain-S-rt1-month-3": ("2026-12-30", "upcoming")}


def test_month_end_is_clamped() -> None:
    got = duties(lesions=[spine_rt("2026-10-31")])
    assert got["pain-S-rt1-month-1"]["due"] == "2026-11-30"
    assert got["pain-S-rt1-month-3"]["due"] == "2027-01-31"


def test_missed_pain_assessment_is_overdue_and_old_courses_drop_off() -> None:
    got = duties(lesions=[spine_rt("2026-09-01")])
    assert got["pain-S-rt1-month-2"]["status"] == "overdue"
    assert duties(lesions=[spine_rt("2025-01-01")]) == {}


def test_an_assessment_of_another_lesion_does_not_count() -> None:
    femur = {"id": "F", "site": "femur"}
    got = duties(lesions=[spine_rt("2026-09-30"), femur],
                 pain_assessments=[{"date": "2026-10-29", "lesion": "F", "worst_pain": 3}])
    assert got["pain-S-rt1-month-1"]["status"] == "overdue"


def test_overdue_duties_come_first() -> None:
    out = monitoring(make_case({"patient": DENTAL_OK, "medications": [
        {"drug": "zoledronic-acid", "status": "active", "last_dose": "2026-11-15"},
        {"drug": "denosumab", "status": "active", "last_dose": "2026-10-01"}]}), TODAY)
    statuses = [d["status"] for d in out["duties"]]
    assert statuses[0] == "overdue" and out["overdue"] == 1


@pytest.mark.parametrize(("field", "value"), [
    ("last_dose", "2026-02-30"), ("started", "yesterday")])
def test_malformed_treatment_dates_are_errors_naming_the_field(field: str, value: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        make_case({"medications": [{"drug": "denosumab", field: value}]})
    assert any(f"medications[0].{field}" in str(p) for p in exc.value.problems)


def test_strontium_counts_every_other_week_through_the_nadir() -> None:
    got = duties(medications=[{"drug": "strontium-89", "status": "completed",
                               "last_dose": "2026-11-06"}])
    weeks = sorted(d["due"] for k, d in got.items() if k.startswith("strontium-89-count"))
    assert weeks[:2] == ["2026-11-20", "2026-12-04"]  # weeks 2 and 4
    assert len(weeks) == 8 and weeks[-1] == "2027-02-26"  # week 16
    assert got["strontium-89-count-week-2"]["references"] == ["metastron-label"]


def test_dental_review_for_any_bone_modifying_agent_without_lab_duties() -> None:
    got = duties(patient={"dental": {"last_exam": "2026-10-01"}},
                 medications=[{"drug": "ibandronate", "status": "active",
                               "last_dose": "2026-11-01"}])
    assert set(got) == {"dental-review"}
