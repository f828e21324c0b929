"""Quality indicators: hand-counted numerators, denominators, exclusions and Wilson intervals."""

from __future__ import annotations

from typing import Any

import pytest

from osseous.analytics.quality import quality, wilson
from tests.conftest import make_case


def spine(rt: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {"id": "S", "site": "spine", "levels": ["T8"], "escc": "1a",
            "neurological_deficit": "none", "prior_radiotherapy": rt, **fields}


def course(fractions: int | None, when: str | None = "2026-06-01", **extra: Any
           ) -> dict[str, Any]:
    return {"dose_gy": 8 if fractions == 1 else 30, "fractions": fractions, "date": when,
            **extra}


def indicators(*docs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = quality(make_case(d) for d in docs)
    assert out["cases"] == len(docs)
    return {i["id"]: i for i in out["indicators"]}


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    (5, 10, 0.2366, 0.7634),   # Wilson 1927 interval, hand computed
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (1, 1, 0.2065, 1.0),
])
def test_wilson_interval(k: int, n: int, low: float, high: float) -> None:
    interval = wilson(k, n)
    assert interval is not None
    assert interval[0] == pytest.approx(low, abs=1e-4)
    assert interval[1] == pytest.approx(high, abs=1e-4)
    assert wilson(0, 0) is None


def test_single_fraction_share_counts_only_uncomplicated_first_courses() -> None:
    got = indicators(
        {"lesions": [spine([course(1)])]},                                   # counted, met
        {"lesions": [spine([course(5)])]},                                   # counted, not met
        {"lesions": [spine([course(10)], escc="2")]},                        # compression
        {"lesions": [spine([course(1)], escc=None)]},                        # unknown ESCC
        {"lesions": [spine([course(3, technique="sbrt")])]},                 # SBRT
        {"lesions": [spine([course(None)])]},                                # fractions unknown
        {"lesions": [{"id": "F", "site": "femur", "prior_radiotherapy": [course(1)]}],
         "events": [{"type": "pathological-fracture", "lesion": "F", "date": "2026-05-01"}]},
        {"lesions": [spine([course(1, "2026-01-01"), course(5, "2026-06-01")])]},  # first: 1
    )["rt-single-fraction-uncomplicated"]
    assert (got["numerator"], got["denominator"]) == (2, 3)
    assert got["proportion"] == pytest.approx(2 / 3)
    assert got["excluded"] == {"compression status not recorded": 1,
                               "cord or cauda equina compression": 1,
                               "fractions not recorded": 1,
                               "pathological fracture at the site": 1,
                               "stereotactic course": 1}


def test_courses_over_ten_fractions() -> None:
    got = indicators({"lesions": [spine([course(1), course(15), course(10),
                                         course(None)])]})["rt-over-10-fractions"]
    assert (got["numerator"], got["denominator"]) == (1, 3)
    assert got["excluded"] == {"fractions not recorded": 1}
    assert got["better"] == "lower"


def test_radiotherapy_in_the_last_30_days_of_life() -> None:
    def died(on: str | None, *starts: str | None) -> dict[str, Any]:
        return {"lesions": [spine([course(1, s) for s in starts])],
                "events": [{"type": "death", "date": on}]}

    got = indicators(
        died("2026-07-01", "2026-06-01"),         # 30 days before: counted as met
        died("2026-07-01", "2026-05-31"),         # 31 days: not met
        died("2026-07-01", None),                 # course date unknown: excluded
        died(None, "2026-06-01"),                 # death date unknown: excluded
        {"lesions": [spine([course(1)])]},        # alive: not in the denominator
    )["rt-last-30-days-of-life"]
    assert (got["numerator"], got["denominator"]) == (1, 2)
    assert got["excluded"] == {"a course date not recorded": 1,
                               "date of death not recorded": 1}


def test_dental_examination_before_a_bone_modifying_agent() -> None:
    def bma(started: str | None, dental: Any) -> dict[str, Any]:
        return {"patient": {"dental": dental},
                "medications": [{"drug": "denosumab", "started": started}]}

    got = indicators(
        bma("2026-03-01", {"last_exam": "2026-02-01"}),   # before: met
        bma("2026-03-01", {"last_exam": "2026-03-01"}),   # same day: met
        bma("2026-03-01", {"last_exam": "2026-04-01"}),   # after: not met
        bma("2026-03-01", None),                          # unknown: excluded, not "no"
        bma(None, {"last_exam": "2026-02-01"}),           # start unknown: excluded
        {"medications": [{"drug": "morphine"}]},          # no agent: not in the denominator
    )["bma-with-dental-exam"]
    assert (got["numerator"], got["denominator"]) == (2, 3)
    assert got["excluded"] == {"dental examination not recorded": 1,
                               "start of the agent not recorded": 1}
    low, high = got["ci95"]
    assert low < 2 / 3 < high


def test_an_empty_cohort_has_no_proportions() -> None:
    out = quality([])
    assert out["cases"] == 0
    for i in out["indicators"]:
        assert i["denominator"] == 0 and i["proportion"] is None and i["ci95"] is None


def test_undated_courses_do_not_break_the_ordering() -> None:
    # two undated courses used to be compared date-to-date (None < None)
    got = indicators({"lesions": [spine([course(1, None), course(5, None)])]})[
        "rt-single-fraction-uncomplicated"]
    assert got["denominator"] == 1


def test_mescc_time_to_treatment_by_hand() -> None:
    def compressed(on: str | None, *, rt: str | None = None, surgery: str | None = None,
                   lesion: str | None = "S") -> dict[str, Any]:
        return {"lesions": [spine([course(1, rt)] if rt else [], escc="3",
                                  prior_surgery=[{"procedure": "decompression",
                                                  "date": surgery}] if surgery else None)],
                "events": [{"type": "spinal-cord-compression", "date": on, "lesion": lesion}]}

    got = indicators(
        compressed("2026-06-01", rt="2026-06-01"),              # same day: met, 0 days
        compressed("2026-06-01", surgery="2026-06-02"),         # next day: met, 1 day
        compressed("2026-06-01", rt="2026-06-05"),              # 4 days: not met
        compressed("2026-06-01", rt="2026-05-01"),              # only an earlier course
        compressed(None, rt="2026-06-01"),                      # date unknown
        compressed("2026-06-01", rt="2026-06-03", lesion=None),  # any spinal lesion: 2 days
    )["mescc-treated-within-1-day"]
    assert (got["numerator"], got["denominator"]) == (2, 4)
    assert got["excluded"] == {"compression date not recorded": 1,
                               "no treatment recorded after the compression": 1}
    # days 0, 1, 2, 4: median (smallest with half at or below) 1, quartiles 0 and 2
    assert got["days_to_treatment"] == {"n": 4, "median": 1, "median_ci95": None,
                                        "quartiles": [0, 2]}
    assert got["years"] == [{"year": 2026, "numerator": 2, "denominator": 4,
                             "proportion": 0.5, "ci95": got["ci95"]}]


def test_indicators_by_year_keep_undated_items_apart() -> None:
    got = indicators({"lesions": [spine([course(15, "2024-02-01"), course(1, "2025-02-01"),
                                         course(5, None)])]})["rt-over-10-fractions"]
    years = {y["year"]: (y["numerator"], y["denominator"]) for y in got["years"]}
    assert years == {2024: (1, 1), 2025: (0, 1), None: (0, 1)}
    assert (got["numerator"], got["denominator"]) == (1, 3)


@pytest.mark.parametrize(("n", "ranks"), [
    (6, (1, 6)),     # exact binomial coverage 1 - 2/64 = 96.9 %
    (20, (6, 15)),   # the exact order statistics for n = 20 (tables of binomial order statistics)
    (100, (40, 61)),  # P(B <= 39) = 0.0176, P(B <= 40) = 0.0284
    (5000, (2431, 2570)),  # still exact: P(B <= 2430) <= 0.025 < P(B <= 2431)
    (6000, (2924, 3077)),  # normal approximation: 3000 - 1.96 * sqrt(6000) / 2 = 2924.1
])
def test_median_interval_ranks(n: int, ranks: tuple[int, int]) -> None:
    from osseous.analytics.quality import _median_interval

    # the values 1..n once each, so a value is its rank
    assert _median_interval(dict.fromkeys(range(1, n + 1), 1)) == list(ranks)
    assert _median_interval({3: 5}) is None  # five observations: no 95 % interval exists


def test_median_interval_ranks_agree_with_scipy() -> None:
    binom = pytest.importorskip("scipy.stats").binom
    from osseous.analytics.quality import _median_interval

    for n in [*range(6, 120), 333, 1001]:
        tails = binom.cdf(range(n), n, 0.5)  # P(B <= k) for k = 0 .. n-1
        r = max(k + 1 for k in range(n) if tails[k] <= 0.025)
        assert _median_interval(dict.fromkeys(range(1, n + 1), 1)) == [r, n + 1 - r], n
