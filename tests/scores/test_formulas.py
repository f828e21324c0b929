"""Formulas: hand-checked values, published worked values and property tests."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osseous.core.case import Medication
from osseous.core.errors import InvalidInput
from osseous.knowledge.radiopharmaceuticals import RADIUM_DECAY_FACTORS, RADIUM_HALF_LIFE_DAYS
from osseous.scores import calcium, pain
from osseous.scores import radiobiology as rb
from osseous.scores.formulas import FORMULAS
from osseous.scores.omed import omed_of
from osseous.scores.radium import radium_dose
from osseous.scores.renal import cockcroft_gault
from osseous.scores.zoledronic import zoledronic_dose, zoledronic_withhold

# ---- BED / EQD2 (guidelines.md §2.6 worked values, cord a/b = 2) ----------------------


@pytest.mark.parametrize(
    ("dose", "fractions", "eqd2", "bed"),
    [(8, 1, 20.0, 40.0), (20, 5, 30.0, 60.0), (30, 10, 37.5, 75.0), (20, 8, 22.5, 45.0),
     (50, 25, 50.0, 100.0)],
)
def test_cord_worked_values(dose: float, fractions: int, eqd2: float, bed: float) -> None:
    assert rb.eqd2(dose, fractions, 2) == pytest.approx(eqd2)
    assert rb.bed(dose, fractions, 2) == pytest.approx(bed)


def test_nieder_50_gy_in_25_is_75_gy4() -> None:
    """Nieder 2006: 50 Gy/25 = 100 Gy2 = 75 Gy4."""
    assert rb.bed(50, 25, 4) == pytest.approx(75.0)


@given(st.floats(0.1, 100), st.integers(1, 40), st.floats(0.5, 20))
def test_eqd2_is_bed_scaled(dose: float, n: int, ab: float) -> None:
    assert rb.eqd2(dose, n, ab) == pytest.approx(rb.bed(dose, n, ab) / (1 + 2 / ab))


@given(st.floats(0.1, 100), st.floats(0.5, 20))
def test_two_gy_fractions_are_their_own_eqd2(n_half: float, ab: float) -> None:
    n = max(1, round(n_half))
    assert rb.eqd2(2.0 * n, n, ab) == pytest.approx(2.0 * n)


@given(st.floats(1, 60), st.integers(1, 20), st.floats(0.5, 20))
def test_more_fractions_less_bed(dose: float, n: int, ab: float) -> None:
    assert rb.bed(dose, n + 1, ab) < rb.bed(dose, n, ab)


@pytest.mark.parametrize(("args", "message"), [((8, 0, 2), "fractions"), ((-1, 1, 2), "dose"),
                                               ((8, 1, 0), "alpha/beta")])
def test_bed_rejects_bad_input(args: tuple[float, int, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rb.bed(*args)


def test_nieder_conventional_reirradiation() -> None:
    """30 Gy/10 then 20 Gy/5 a year later: BED2 75 + 60 = 135 <= 135.5 (margin 0.5)."""
    prior = [rb.Course(30, 10, date(2025, 1, 1))]
    checks = rb.nieder_conventional(prior, rb.Course(20, 5), date(2026, 1, 1))
    cumulative, course, interval = checks
    assert cumulative.value == pytest.approx(135.0) and cumulative.margin == 0.5
    assert course.value == pytest.approx(75.0) and course.within
    # 2025-01-01 -> 2026-01-01 is 365 days = 365 / 30.4375 = 11.99 months
    assert interval.value == pytest.approx(365 / 30.4375) and interval.within


def test_nieder_too_soon_and_too_much() -> None:
    prior = [rb.Course(30, 10, date(2026, 1, 1))]
    cumulative, _, interval = rb.nieder_conventional(prior, rb.Course(30, 10),
                                                     date(2026, 4, 1))
    assert cumulative.value == pytest.approx(150.0) and cumulative.within is False
    assert interval.within is False


def test_sahgal_sbrt_reirradiation() -> None:
    """After 20 Gy/5 (EQD2 30), SBRT Pmax 12 Gy/2 (EQD2 2 = 12*(6+2)/4 = 24): total 54 <= 70,
    SBRT 24 <= 25, share 24/54 = 0.44 <= 0.5."""
    prior = [rb.Course(20, 5, date(2025, 1, 1))]
    total, sbrt, share, interval = rb.sahgal_reirradiation(prior, 12, 2, date(2025, 8, 1))
    assert total.value == pytest.approx(54.0) and total.within
    assert sbrt.value == pytest.approx(24.0) and sbrt.margin == 1.0
    assert share.value == pytest.approx(24 / 54) and share.within
    assert interval.value is not None and interval.value >= 5 and interval.within


# ---- cord-dose decides on unrounded values (issue 12 E) ---------------------------------
# Each row: technique, prior course (dose, fractions, date, cord EQD2 from the plan), planned
# course, the check, the expected within, and the hand reasoning. Months are 365.25 / 12 =
# 30.4375 days (Nieder and Sahgal give months without a day count; radiobiology.py).
CORD_CASES = [
    # SBRT share: planned SBRT Pmax 12 Gy / 2 -> EQD2(a/b 2) = 12 x (6 + 2) / 4 = 24 Gy
    ("sbrt", (30, 10, "2025-01-01", 24.0), (12, 2, "2026-01-01"),
     "SBRT share of the cumulative EQD2", True,
     "prior cord EQD2 24 + SBRT 24 = 48; share 24 / 48 = 0.500 <= 0.5 -> within"),
    ("sbrt", (30, 10, "2025-01-01", 23.9), (12, 2, "2026-01-01"),
     "SBRT share of the cumulative EQD2", False,
     "share 24 / 47.9 = 0.50104 > 0.5 -> not within (rounded to 2 places it read 0.50)"),
    ("sbrt", (30, 10, "2025-01-01", 23.81), (12, 2, "2026-01-01"),
     "SBRT share of the cumulative EQD2", False,
     "share 24 / 47.81 = 0.50199 > 0.5 -> not within"),
    # intervals: Nieder >= 6 months = 182.625 days; Sahgal >= 5 months = 152.1875 days
    ("conventional", (20, 5, "2026-01-01", None), (8, 1, "2026-07-02"),
     "interval since the last course", False,
     "2026-01-01 -> 2026-07-02 = 182 days = 5.98 months < 6 (rounded to 1 place it read 6.0)"),
    ("conventional", (20, 5, "2026-01-01", None), (8, 1, "2026-07-03"),
     "interval since the last course", True,
     "183 days = 6.012 months >= 6 -> within"),
    ("sbrt", (20, 5, "2026-01-01", None), (12, 2, "2026-06-02"),
     "interval since the last course", False,
     "2026-01-01 -> 2026-06-02 = 152 days = 4.994 months < 5"),
    ("sbrt", (20, 5, "2026-01-01", None), (12, 2, "2026-06-03"),
     "interval since the last course", True,
     "153 days = 5.027 months >= 5 -> within"),
]


@pytest.mark.parametrize(("technique", "prior", "planned", "check", "within", "reasoning"),
                         CORD_CASES, ids=[c[5][:40] for c in CORD_CASES])
def test_cord_dose_decides_on_unrounded_values(
        technique: str, prior: tuple[float, int, str, float | None],
        planned: tuple[float, int, str], check: str, within: bool, reasoning: str) -> None:
    course: dict[str, object] = {"dose_gy": prior[0], "fractions": prior[1], "date": prior[2]}
    if prior[3] is not None:
        course["cord_max_eqd2_gy"] = prior[3]
    result = FORMULAS["cord-dose"].run({
        "technique": technique, "prior": [course],
        "planned": {"dose_gy": planned[0], "fractions": planned[1], "date": planned[2]}})
    found = [c for c in result["checks"] if c["name"] == check]
    assert len(found) == 1 and found[0]["within"] is within, reasoning
    if not within:
        assert result["all_within"] is False


def test_prior_cord_dose_from_plan_wins() -> None:
    assert rb.Course(30, 10, cord_eqd2_gy=20.0).eqd2_cord() == 20.0


@pytest.mark.parametrize(("fractions", "limit"), [(1, 12.4), (2, 17.0), (3, 20.3), (4, 23.0),
                                                  (5, 25.3)])
def test_sahgal_de_novo_limits(fractions: int, limit: float) -> None:
    check = rb.sahgal_de_novo(limit, fractions)
    assert check.limit == limit and check.margin == 0 and check.within
    assert rb.sahgal_de_novo(limit + 0.1, fractions).within is False


def test_sahgal_de_novo_rejects_six_fractions() -> None:
    with pytest.raises(ValueError, match="1-5 fractions"):
        rb.sahgal_de_novo(25, 6)


# ---- Cockcroft-Gault ----------------------------------------------------------------


def test_cockcroft_gault_hand_calculation() -> None:
    # (140 - 58) * 64 / (72 * 1.1) * 0.85 = 82 * 64 / 79.2 * 0.85 = 56.32
    assert cockcroft_gault(58, 64, 1.1, female=True) == pytest.approx(56.323, abs=1e-3)
    assert cockcroft_gault(58, 64, 1.1, female=False) == pytest.approx(66.263, abs=1e-3)


@given(st.integers(18, 100), st.floats(30, 150), st.floats(0.3, 8))
def test_cockcroft_gault_properties(age: int, weight: float, creat: float) -> None:
    male = cockcroft_gault(age, weight, creat, female=False)
    assert cockcroft_gault(age, weight, creat, female=True) == pytest.approx(0.85 * male)
    assert cockcroft_gault(age, weight, creat * 2, female=False) == pytest.approx(male / 2)


# ---- corrected calcium and CTCAE ------------------------------------------------------


@pytest.mark.parametrize(
    ("corrected", "grade"),
    [(10.5, 0), (10.51, 1), (11.5, 1), (11.51, 2), (12.5, 2), (12.51, 3), (13.5, 3),
     (13.51, 4)],
)
def test_ctcae_hypercalcemia_boundaries(corrected: float, grade: int) -> None:
    assert calcium.hypercalcemia_grade(corrected) == grade


@pytest.mark.parametrize(("corrected", "grade"), [(8.5, 0), (8.49, 1), (8.0, 1), (7.99, 2),
                                                   (7.0, 2), (6.99, 3), (6.0, 3), (5.99, 4)])
def test_ctcae_hypocalcemia_boundaries(corrected: float, grade: int) -> None:
    assert calcium.hypocalcemia_grade(corrected) == grade


@given(st.floats(5, 16), st.floats(1.5, 5.5))
def test_corrected_calcium_si_and_conventional_agree(ca: float, alb: float) -> None:
    conventional = calcium.corrected_calcium_mg_dl(ca, alb)
    si = calcium.corrected_calcium_mmol_l(ca / 4.008, alb * 10)
    assert si * 4.008 == pytest.approx(conventional, abs=0.02)


@given(st.floats(5, 16), st.floats(1.5, 5.5), st.floats(0.01, 1))
def test_lower_albumin_raises_corrected_calcium(ca: float, alb: float, drop: float) -> None:
    assert calcium.corrected_calcium_mg_dl(ca, alb - drop) > calcium.corrected_calcium_mg_dl(
        ca, alb)


# ---- zoledronic acid ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crcl", "dose"),
    [(120, 4.0), (60.1, 4.0), (60, 3.5), (50, 3.5), (49.9, 3.3), (40, 3.3), (39.9, 3.0),
     (30, 3.0), (29.9, None), (0, None)],
)
def test_zoledronic_dose_table(crcl: float, dose: float | None) -> None:
    assert zoledronic_dose(crcl).dose_mg == dose


@given(st.floats(0, 200), st.floats(0, 200))
def test_zoledronic_dose_never_falls_with_better_clearance(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert (zoledronic_dose(low).dose_mg or 0) <= (zoledronic_dose(high).dose_mg or 0)


@pytest.mark.parametrize(
    ("baseline", "current", "withhold"),
    [(1.0, 1.49, False), (1.0, 1.5, True), (1.39, 1.89, True), (1.4, 2.39, False),
     (1.4, 2.4, True), (2.0, 2.9, False), (2.0, 3.0, True)],
)
def test_zoledronic_withhold_rule(baseline: float, current: float, withhold: bool) -> None:
    assert zoledronic_withhold(baseline, current).withhold is withhold


# ---- radium-223 -----------------------------------------------------------------------


def test_radium_hand_calculation() -> None:
    """70 kg x 55 kBq/kg = 3,850 kBq; on the reference date (DF 0.982) the volume is
    3850 / (0.982 x 1100) = 3.5642 mL."""
    d = radium_dose(70, 0)
    assert d.activity_kbq == 3850
    assert d.volume_ml == pytest.approx(3.5642, abs=1e-4)


def test_radium_decay_table_matches_the_half_life() -> None:
    """Every label value equals exp(-ln2 (d + 7/24) / 11.43) to 3 decimals (12 noon CST)."""
    assert len(RADIUM_DECAY_FACTORS) == 29
    for day, factor in RADIUM_DECAY_FACTORS.items():
        expected = math.exp(-math.log(2) * (day + 7 / 24) / RADIUM_HALF_LIFE_DAYS)
        assert factor == pytest.approx(expected, abs=0.0015), day


def test_radium_outside_the_table_is_refused() -> None:
    with pytest.raises(ValueError, match="14 days"):
        radium_dose(70, 15)


# ---- OMED -----------------------------------------------------------------------------


def med(**kw: object) -> Medication:
    return Medication.model_validate({"status": "active", "route": "oral", **kw})


def test_omed_hand_calculation() -> None:
    meds = [med(drug="oxycodone", daily_dose_mg=40), med(drug="hydromorphone", daily_dose_mg=8),
            med(drug="fentanyl", route="transdermal", rate_mcg_per_h=25),
            med(drug="letrozole")]
    r = omed_of(meds, "medications")
    # 40 x 1.5 + 8 x 5 + 25 x 2.4 = 60 + 40 + 60 = 160
    assert r.total == 160
    r16 = omed_of(meds, "medications", "cdc-2016")
    assert r16.total == 60 + 32 + 60  # hydromorphone factor 4 in 2016


@pytest.mark.parametrize(("dose", "factor"), [(20, 4), (21, 8), (40, 8), (60, 10), (80, 12)])
def test_methadone_tiers_2016(dose: float, factor: float) -> None:
    r = omed_of([med(drug="methadone", daily_dose_mg=dose)], "m", "cdc-2016")
    assert r.total == pytest.approx(dose * factor)


def test_methadone_above_the_2016_table_is_not_extrapolated() -> None:
    r = omed_of([med(drug="methadone", daily_dose_mg=100)], "m", "cdc-2016")
    assert r.status == "incomplete" and r.total is None


def test_omed_unknown_dose_or_status_is_incomplete() -> None:
    r = omed_of([med(drug="morphine")], "medications")
    assert r.status == "incomplete" and r.missing == ("medications[0].daily_dose_mg",)
    r = omed_of([Medication(drug="morphine", daily_dose_mg=30, route="oral")], "medications")
    assert r.missing == ("medications[0].status",)


def test_omed_no_list_is_unknown_but_no_opioid_is_zero() -> None:
    assert omed_of(None, "medications").status == "incomplete"
    r = omed_of([med(drug="letrozole")], "medications")
    assert r.status == "complete" and r.total == 0


# ---- pain response ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "follow", "category"),
    [((7, 60), (0, 60), "complete"), ((7, 60), (0, 70), "indeterminate"),
     ((7, 60), (5, 60), "partial"), ((7, 60), (7, 45), "partial"),
     ((7, 60), (6, 60), "indeterminate"), ((7, 60), (9, 60), "progression"),
     ((7, 60), (7, 75), "progression"), ((7, 60), (8, 75), "progression"),
     ((7, 60), (5, 80), "indeterminate"), ((7, 0), (7, 10), "progression"),
     ((3, 0), (0, 0), "complete"), ((7, 60), (9, 30), "indeterminate")],
)
def test_pain_response_categories(base: tuple[float, float], follow: tuple[float, float],
                                  category: str) -> None:
    assert pain.classify(*base, *follow) == category


@given(st.integers(0, 10), st.floats(0, 400), st.integers(0, 10), st.floats(0, 400))
def test_pain_response_complete_implies_partial_criteria_are_not_reported(
        bp: int, bo: float, fp: int, fo: float) -> None:
    cat = pain.classify(bp, bo, fp, fo)
    assert cat in {"complete", "partial", "progression", "indeterminate"}
    if fp == 0 and fo <= bo:
        assert cat == "complete"
    if cat == "progression":
        assert fp > bp or fo > bo


def test_cord_dose_has_no_alpha_beta_parameter() -> None:
    """The Nieder and Sahgal limits are Gy2 values, so the cord alpha/beta is fixed at 2 Gy
    (docs/clinical/scores.md, cord-dose); a caller's alpha/beta is refused, never applied."""
    with pytest.raises(InvalidInput) as exc:
        FORMULAS["cord-dose"].run({"technique": "conventional", "alpha_beta": 4,
                                   "planned": {"dose_gy": 8, "fractions": 1}})
    assert any(p.path == "alpha_beta" for p in exc.value.problems)
