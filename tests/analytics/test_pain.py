"""Cohort pain response by regimen and month: counted by hand."""

from __future__ import annotations

from typing import Any

import pytest

from osseous.analytics.pain import pain_response_rates
from tests.conftest import make_case


def treated(lesion_id: str, courses: list[dict[str, Any]],
            assessments: list[tuple[str, int | None, float]]) -> dict[str, Any]:
    return {"lesions": [{"id": lesion_id, "site": "femur", "prior_radiotherapy": courses}],
            "pain_assessments": [{"date": d, "lesion": lesion_id, "worst_pain": p,
                                  "omed_mg_per_day": o} for d, p, o in assessments]}


SINGLE = treated("A", [{"dose_gy": 8, "fractions": 1, "date": "2026-01-01"}], [
    ("2025-12-30", 7, 60),   # baseline
    ("2026-01-31", 0, 60),   # day 30: pain 0, OMED not up -> complete at month 1
    ("2026-03-02", 5, 60),   # day 60: down by 2 -> partial at month 2
])                           # nothing near day 91: month 3 not evaluable
MULTIPLE = treated("B", [{"dose_gy": 20, "fractions": 5, "date": "2026-01-01"}], [
    ("2025-12-30", 1, 0), ("2026-01-31", 0, 0)])                  # baseline pain 1: excluded
RETREATED = treated("C", [{"dose_gy": 8, "fractions": 1, "date": "2025-06-01"},
                          {"dose_gy": 8, "fractions": 1, "date": "2026-01-01"}], [])


def test_rates_by_regimen_and_month() -> None:
    out = pain_response_rates(make_case(d) for d in (SINGLE, MULTIPLE, RETREATED))
    rows = {(r["regimen"], r["months"]): r for r in out["rows"]}
    assert set(rows) == {("single-fraction", 1), ("single-fraction", 2)}
    one, two = rows[("single-fraction", 1)], rows[("single-fraction", 2)]
    assert one["evaluable"] == 1 and one["complete"]["n"] == 1 and one["overall"]["rate"] == 1
    assert two["partial"]["n"] == 1 and two["complete"]["n"] == 0
    assert two["overall"]["ci95"][0] == pytest.approx(0.2065, abs=1e-4)  # Wilson 1/1
    assert out["excluded"] == {"baseline pain below 2": 1,
                               "no assessment near month 1": 1,
                               "no assessment near month 2": 2,
                               "no assessment near month 3": 3}
    assert out["retreatment"]["treated_lesions"] == 3
    assert out["retreatment"]["n"] == 1
    by_first = out["retreatment"]["by_first_regimen"]
    # A and C start with a single fraction (C retreated), B with five fractions
    assert {k: (v["n"], v["treated_lesions"]) for k, v in by_first.items()} == {
        "single-fraction": (1, 2), "multiple-fractions": (0, 1)}


def test_missing_omed_is_not_evaluable() -> None:
    doc = treated("A", [{"dose_gy": 8, "fractions": 1, "date": "2026-01-01"}], [
        ("2025-12-30", 7, 60)])
    doc["pain_assessments"].append({"date": "2026-01-31", "lesion": "A", "worst_pain": 3})
    out = pain_response_rates([make_case(doc)])
    assert out["rows"] == []
    assert out["excluded"]["pain or OMED not recorded"] == 1


def test_sbrt_and_unknown_fractions() -> None:
    sbrt = treated("A", [{"dose_gy": 24, "fractions": 2, "technique": "sbrt",
                          "date": "2026-01-01"}], [("2025-12-30", 6, 0), ("2026-01-31", 0, 0)])
    unknown = treated("B", [{"dose_gy": 8, "date": "2026-01-01"}], [])
    out = pain_response_rates(make_case(d) for d in (sbrt, unknown))
    assert [(r["regimen"], r["months"]) for r in out["rows"]] == [("sbrt", 1)]
    assert out["excluded"]["fractions not recorded"] == 1


def test_an_undated_course_is_counted_as_not_evaluable() -> None:
    doc = treated("A", [{"dose_gy": 8, "fractions": 1}], [])
    out = pain_response_rates([make_case(doc)])
    assert out["excluded"] == {"course date not recorded": 1}
    assert out["retreatment"]["treated_lesions"] == 1
