"""Calibration of the survival scores against their published survival, counted by hand.

Months are days / (365.25 / 12) = days / 30.4375: 6 months = 182.625 days, 12 months =
365.25, 24 months = 730.5. Log-log interval of S with Greenwood variance V:
se = sqrt(V) / |log S|, limits exp(-exp(log(-log S) +/- 1.96 se)).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from osseous.analytics.calibration import calibration
from osseous.core.errors import InvalidInput
from osseous.knowledge.citations import CITATIONS
from osseous.knowledge.published_survival import (
    PUBLISHED_SURVIVAL,
    MedianSurvival,
    SurvivalAt,
    band_survival,
    markdown_table,
)
from osseous.scores import bauer, chow, katagiri, teachh, tokuhashi, tomita

ROOT = Path(__file__).resolve().parents[2]

# 20 patients, 2 die on day 30, 18 alive at day 400 (13.1 months):
#   S = 18/20 = 0.9 from day 30; Greenwood 2 / (20 * 18) = 0.005556
#   se = 0.074536 / 0.105361 = 0.707430; centre log(0.105361) = -2.250367
#   lower exp(-exp(-2.250367 + 1.386537)) = 0.6560, upper exp(-exp(-3.636904)) = 0.9740
GOOD = {30: (0, 2), 400: (18, 0)}
# 20 patients, 18 die on day 30, 2 alive at day 400:
#   S = 0.1; Greenwood 18 / (20 * 2) = 0.45; se = 0.670820 / 2.302585 = 0.291333
#   centre log(2.302585) = 0.834032; lower exp(-exp(1.405035)) = 0.01698,
#   upper exp(-exp(0.263029)) = 0.2723
POOR = {30: (0, 18), 400: (2, 0)}
# 20 patients, all die: 10 on day 30, 5 on day 60, 5 on day 90:
#   day 30: S = 0.5, V = 10 / (20 * 10) = 0.05, se = 0.223607 / 0.693147 = 0.322596:
#           lower exp(-exp(-0.366513 + 0.632288)) = 0.2713 (<= 0.5), upper 0.6919
#   day 60: S = 0.25, V = 0.05 + 5 / (10 * 5) = 0.15, se = 0.387298 / 1.386294 = 0.279377:
#           upper exp(-exp(0.326634 - 0.547579)) = 0.4485 (<= 0.5)
#   median 30 days, 95 % CI 30-60 days = 0.9856-1.9713 months
DYING = {30: (0, 10), 60: (0, 5), 90: (0, 5)}


def counts_of(score: str, band: str, table: dict[int, tuple[int, int]],
              scale: int = 1) -> dict[tuple[str, str, float, int], int]:
    """The counts form of a band's table {day: (alive, died)}, days multiplied by ``scale``."""
    out: dict[tuple[str, str, float, int], int] = {}
    for day, (alive, died) in table.items():
        if alive:
            out[(score, band, float(day * scale), 0)] = alive
        if died:
            out[(score, band, float(day * scale), 1)] = died
    return out


def band_of(out: dict[str, Any], score: str, band: str) -> dict[str, Any]:
    entry = next(s for s in out["scores"] if s["score"] == score)
    return next(b for b in entry["bands"] if b["band"] == band)


def figures(out: dict[str, Any], score: str, band: str) -> list[dict[str, Any]]:
    got = band_of(out, score, band)["published"]
    assert got is not None
    return list(got)


# ---- the published table -------------------------------------------------------------------


@pytest.mark.parametrize(("score", "bands"), [
    ("tokuhashi-revised", tokuhashi.BANDS), ("tomita", tomita.BANDS), ("bauer", bauer.BANDS),
    ("bauer-modified", bauer.BANDS_MODIFIED), ("katagiri-new", katagiri.BANDS),
    ("chow-nrf", chow.BANDS), ("teachh", teachh.BANDS),
    ("nesms", [(n, n, str(n)) for n in range(4)]),  # the NESMS band is the total itself
])
def test_bands_are_those_the_score_modules_emit(score: str,
                                                 bands: list[tuple[int, int, str]]) -> None:
    published = PUBLISHED_SURVIVAL[score]
    assert [(b.totals[0], b.totals[1], b.band) for b in published.values()] == [
        tuple(b) for b in bands]


def test_every_survival_score_is_covered() -> None:
    from osseous.scores.catalog import SURVIVAL_SCORES

    assert set(PUBLISHED_SURVIVAL) == {s.id for s in SURVIVAL_SCORES}
    for info in SURVIVAL_SCORES:
        assert tuple(PUBLISHED_SURVIVAL[info.id]) == info.bands, info.id


def test_figures_agree_with_the_survival_the_score_modules_quote() -> None:
    # TEACHH and Chow: "median 19.9 months" etc. in the modules
    for band, text in teachh.MEDIANS.items():
        fig = band_survival("teachh", band).figures
        assert fig is not None and isinstance(fig[0].figure, MedianSurvival)
        assert text == f"median {fig[0].figure.months:.1f} months"
    for band, text in chow.VALIDATION_MEDIANS.items():
        fig = band_survival("chow-nrf", band).figures
        assert fig is not None and isinstance(fig[0].figure, MedianSurvival)
        assert text == f"median {fig[0].figure.months:.1f} months"
    # Katagiri: the four abstract figures, and only those, are verified
    verified = {(b, f.figure.months, f.figure.proportion)
                for b, entry in PUBLISHED_SURVIVAL["katagiri-new"].items()
                for f in entry.figures or () if f.verification == "V-primary"
                and isinstance(f.figure, SurvivalAt)}
    assert verified == {("low", 12, 0.91), ("low", 24, 0.78), ("high", 6, 0.27),
                        ("high", 12, 0.06)}
    assert "91% at 1 year, 78% at 2 years" in katagiri.VERIFIED_SURVIVAL["low"]
    assert "27% at 6 months, 6% at 1 year" in katagiri.VERIFIED_SURVIVAL["high"]


def test_every_band_has_figures_or_a_reason_and_registered_sources() -> None:
    for bands in PUBLISHED_SURVIVAL.values():
        for entry in bands.values():
            assert (entry.figures is None) != (entry.reason is None)
            for f in entry.figures or ():
                assert f.citation in CITATIONS
                assert f.seen_in is None or f.seen_in in CITATIONS
                assert f.verification in ("V-primary", "V-2nd", "U")
                assert f.cohort in ("derivation", "validation", "quoted")
                # an unverified figure says why in its note
                assert f.verification != "U" or (f.note and "unverified" in f.note)
    # no survival is published for the Tomita or NESMS bands
    assert all(b.figures is None for b in PUBLISHED_SURVIVAL["tomita"].values())
    assert all(b.figures is None for b in PUBLISHED_SURVIVAL["nesms"].values())


def test_band_survival_names_the_unknown_field() -> None:
    with pytest.raises(KeyError, match="score: unknown survival score 'sins'"):
        band_survival("sins", "stable")
    with pytest.raises(KeyError, match="band: teachh has no band 'D'"):
        band_survival("teachh", "D")


def test_documented_table_is_current() -> None:
    doc = (ROOT / "docs" / "clinical" / "published-survival.md").read_text()
    assert markdown_table() in doc, "paste markdown_table() into published-survival.md"


def test_rounding_range_of_published_figures() -> None:
    assert SurvivalAt(12, 0.0, 0.1).bounds() == (0.0, 0.05)
    low, high = SurvivalAt(12, 0.91).bounds()
    assert (low, high) == pytest.approx((0.905, 0.915))
    assert MedianSurvival(1.7).bounds() == pytest.approx((1.65, 1.75))


# ---- medians --------------------------------------------------------------------------------


def test_median_verdicts_by_hand() -> None:
    # DYING in band A: median 0.986 months, CI 0.986-1.971; published 19.9 -> higher.
    # DYING x3 (days 90/180/270) in B and C: median 2.957 months, CI 2.957-5.914:
    #   B published 5.0 (4.95-5.05) inside -> consistent; C published 1.7 below -> lower.
    counts = {**counts_of("teachh", "A", DYING), **counts_of("teachh", "B", DYING, 3),
              **counts_of("teachh", "C", DYING, 3)}
    out = calibration(counts)
    a = band_of(out, "teachh", "A")
    assert (a["patients"], a["deaths"]) == (20, 20)
    assert a["median_months"] == pytest.approx(30 / 30.4375)
    assert a["median_ci95_months"] == pytest.approx([30 / 30.4375, 60 / 30.4375])
    assert [figures(out, "teachh", b)[0]["verdict"] for b in "ABC"] == [
        "higher", "consistent", "lower"]
    b = figures(out, "teachh", "B")[0]
    assert b["observed"]["ci95_months"] == pytest.approx([90 / 30.4375, 180 / 30.4375])
    assert b["published_ci95"] == [4.3, 5.6] and b["reason"] is None
    assert b["verification"] == "V-primary" and b["citation"] == "krishnan-2014"


def test_median_not_reached_is_not_estimable() -> None:
    # GOOD: survival stays at 0.9, the median is never reached
    out = calibration(counts_of("chow-nrf", "group-1", GOOD))
    fig = figures(out, "chow-nrf", "group-1")[0]
    assert fig["verdict"] == "not estimable"
    assert fig["reason"] == ("median not reached: survival stays above 50% to the last "
                             "follow-up (13.1 months)")
    assert fig["observed"]["median_months"] is None


def test_open_interval_of_the_median_is_not_estimable() -> None:
    # 6 patients: deaths on days 1, 2, 3, 5; censored on 2 and 4.
    #   S: 5/6, 2/3, 4/9 (median day 3), 0 on day 5. Upper limits: 0.975 (day 1), 0.904
    #   (day 2), 0.785 (day 3), none at S = 0: the upper limit never falls to 0.5.
    counts = {("bauer-modified", "poor", 1.0, 1): 1, ("bauer-modified", "poor", 2.0, 1): 1,
              ("bauer-modified", "poor", 2.0, 0): 1, ("bauer-modified", "poor", 3.0, 1): 1,
              ("bauer-modified", "poor", 4.0, 0): 1, ("bauer-modified", "poor", 5.0, 1): 1}
    out = calibration(counts)
    band = band_of(out, "bauer-modified", "poor")
    assert band["median_months"] == pytest.approx(3 / 30.4375)
    assert band["median_ci95_months"][1] is None
    fig = figures(out, "bauer-modified", "poor")[0]
    assert fig["verdict"] == "not estimable"
    assert fig["reason"].startswith("the 95% interval of the median has no upper limit")


# ---- proportions alive at N months -----------------------------------------------------------


def test_survival_verdicts_by_hand() -> None:
    counts = {**counts_of("katagiri-new", "low", GOOD),
              **counts_of("katagiri-new", "intermediate", POOR),
              **counts_of("katagiri-new", "high", POOR),
              **counts_of("bauer", "poor", GOOD), **counts_of("bauer", "good", POOR),
              **counts_of("bauer", "intermediate", POOR)}
    out = calibration(counts)
    low = {f["months"]: f for f in figures(out, "katagiri-new", "low")}
    # 12 months: S = 0.9 (0.656-0.974), 18 at risk; 0.91 inside -> consistent
    assert low[12]["observed"]["survival"] == pytest.approx(0.9)
    assert low[12]["observed"]["ci95"] == pytest.approx([0.6560, 0.9740], abs=1e-4)
    assert low[12]["observed"]["at_risk"] == 18
    assert low[12]["verdict"] == "consistent"
    # 24 months: nobody followed that long (last follow-up day 400 = 13.1 months)
    assert low[24]["verdict"] == "not estimable"
    assert low[24]["reason"] == "follow-up ends at 13.1 months, before 24 months"
    assert low[24]["observed"]["survival"] is None
    # POOR: S = 0.1 (0.017-0.272) at 6 and 12 months
    inter = {f["months"]: f["verdict"] for f in figures(out, "katagiri-new", "intermediate")}
    assert inter == {6: "higher", 12: "higher", 24: "not estimable"}  # 74%, 49% above 0.272
    high = {f["months"]: f["verdict"] for f in figures(out, "katagiri-new", "high")}
    assert high == {6: "consistent", 12: "consistent"}  # 27% and 6% inside 0.017-0.272
    # Bauer at 1 year: "0.0" (0-5%) below GOOD's 0.656-0.974 -> lower; "0.5" (45-55%) above
    # POOR's 0.017-0.272 -> higher; 25% (24.5-25.5%) inside POOR's interval -> consistent
    assert figures(out, "bauer", "poor")[0]["verdict"] == "lower"
    assert figures(out, "bauer", "good")[0]["verdict"] == "higher"
    assert figures(out, "bauer", "intermediate")[0]["verdict"] == "consistent"


def test_a_rounded_published_figure_counts_as_its_range() -> None:
    # POOR at 12 months: 0.017-0.272. Bauer's "0.0" (0-5%) overlaps it: consistent,
    # although the point 0 lies below the interval.
    fig = figures(calibration(counts_of("bauer", "poor", POOR)), "bauer", "poor")[0]
    assert fig["observed"]["ci95"][0] > 0.0
    assert fig["bounds"] == [0.0, 0.05]
    assert fig["verdict"] == "consistent"


def test_survival_of_0_or_1_has_no_interval() -> None:
    # everyone alive at 13.1 months: S(12) = 1; everyone dead by day 30: S(12) = 0
    counts = {("katagiri-new", "low", 400.0, 0): 5, ("katagiri-new", "high", 30.0, 1): 5}
    out = calibration(counts)
    low = figures(out, "katagiri-new", "low")[0]
    assert low["verdict"] == "not estimable"
    assert low["reason"] == ("observed survival at 12 months is 1 (every patient alive); the "
                             "log-log interval is undefined at 0 and 1")
    high = figures(out, "katagiri-new", "high")[0]
    assert high["verdict"] == "not estimable" and high["observed"]["survival"] == 0.0
    assert "every patient died" in high["reason"]


def test_a_band_without_patients_is_not_estimable() -> None:
    out = calibration({})
    for score in out["scores"]:
        assert score["patients"] == 0
        assert score["logrank"]["reason"] == "fewer than two bands with patients"
        for band in score["bands"]:
            for fig in band["published"] or ():
                assert (fig["verdict"], fig["reason"]) == ("not estimable",
                                                           "no patients in this band")


def test_bands_without_a_published_figure_say_why() -> None:
    out = calibration(counts_of("tomita", "long-term", GOOD))
    band = band_of(out, "tomita", "long-term")
    assert band["published"] is None
    assert band["published_unavailable"].startswith("no verified survival")
    assert band["patients"] == 20  # still described
    assert band_of(out, "nesms", "3")["published_unavailable"].startswith("no survival per score")


# ---- predicted survival periods (revised Tokuhashi) ----------------------------------------


def test_threshold_verdicts_by_hand() -> None:
    # "< 6 months" claims S(6) < 0.5; ">= 6" and ">= 12" claim S >= 0.5 at 6 and 12 months.
    # GOOD: S(6) = S(12) = 0.9 (0.656-0.974), all above 0.5. POOR: 0.1 (0.017-0.272), all below.
    counts = {**counts_of("tokuhashi-revised", "lt-6-months", GOOD),
              **counts_of("tokuhashi-revised", "gte-6-months", POOR),
              **counts_of("tokuhashi-revised", "gte-12-months", GOOD)}
    out = calibration(counts)
    lt6 = figures(out, "tokuhashi-revised", "lt-6-months")[0]
    assert lt6["kind"] == "threshold" and lt6["relation"] == "<" and lt6["months"] == 6
    assert lt6["observed"]["ci95"] == pytest.approx([0.6560, 0.9740], abs=1e-4)
    assert lt6["verdict"] == "lower"  # predicted shorter than observed
    assert figures(out, "tokuhashi-revised", "gte-6-months")[0]["verdict"] == "higher"
    assert figures(out, "tokuhashi-revised", "gte-12-months")[0]["verdict"] == "consistent"
    assert lt6["seen_in"] == "nice-cg75-2008" and lt6["citation"] == "tokuhashi-2005"
    # the opposite cohorts do not contradict the predictions
    flipped = calibration({**counts_of("tokuhashi-revised", "lt-6-months", POOR),
                           **counts_of("tokuhashi-revised", "gte-6-months", GOOD)})
    assert figures(flipped, "tokuhashi-revised", "lt-6-months")[0]["verdict"] == "consistent"
    assert figures(flipped, "tokuhashi-revised", "gte-6-months")[0]["verdict"] == "consistent"


def test_interval_straddling_one_half_is_consistent_with_either_prediction() -> None:
    # 4 patients, 2 die on day 30, 2 alive on day 400: S(6) = 0.5;
    # V = 2 / (4 * 2) = 0.25, se = 0.5 / 0.693147 = 0.721348; centre -0.366513:
    # lower exp(-exp(-0.366513 + 1.413842)) = 0.0578, upper exp(-exp(-1.780355)) = 0.8449
    table = {30: (0, 2), 400: (2, 0)}
    out = calibration({**counts_of("tokuhashi-revised", "lt-6-months", table),
                       **counts_of("tokuhashi-revised", "gte-6-months", table)})
    lt6 = figures(out, "tokuhashi-revised", "lt-6-months")[0]
    assert lt6["observed"]["ci95"] == pytest.approx([0.0578, 0.8449], abs=1e-4)
    assert lt6["verdict"] == "consistent"
    assert figures(out, "tokuhashi-revised", "gte-6-months")[0]["verdict"] == "consistent"


# ---- log-rank -------------------------------------------------------------------------------


def test_logrank_across_bands_by_hand() -> None:
    # lt-6-months: deaths on days 10 and 20; gte-12-months: 2 alive on day 30.
    #   day 10: 4 at risk (2 + 2), 1 death: E = 2/4 = 0.5, V = 2*2*1*3 / (16*3) = 0.25
    #   day 20: 3 at risk (1 + 2), 1 death: E = 1/3, V = 1*2*1*2 / (9*2) = 2/9
    #   O - E = 2 - 5/6 = 7/6; V = 17/36; chi-square = (49/36) / (17/36) = 49/17 on 1 df
    counts = {("tokuhashi-revised", "lt-6-months", 10.0, 1): 1,
              ("tokuhashi-revised", "lt-6-months", 20.0, 1): 1,
              ("tokuhashi-revised", "gte-12-months", 30.0, 0): 2}
    out = calibration(counts)
    toku = next(s for s in out["scores"] if s["score"] == "tokuhashi-revised")
    lr = toku["logrank"]
    assert lr["bands"] == ["lt-6-months", "gte-12-months"]
    assert lr["statistic"] == pytest.approx(49 / 17)
    assert lr["df"] == 1
    assert lr["p_value"] == pytest.approx(math.erfc(math.sqrt(49 / 34)))
    assert lr["observed"] == {"lt-6-months": 2, "gte-12-months": 0}
    assert lr["expected"]["lt-6-months"] == pytest.approx(5 / 6)
    assert (toku["patients"], toku["deaths"]) == (4, 2)
    # S = 0 at 6 months in lt-6-months; gte-12-months followed only 1 month
    assert figures(out, "tokuhashi-revised", "lt-6-months")[0]["verdict"] == "not estimable"
    gte12 = figures(out, "tokuhashi-revised", "gte-12-months")[0]
    assert gte12["reason"] == "follow-up ends at 1.0 months, before 12 months"


def test_a_band_never_at_risk_at_a_death_is_left_out_of_the_logrank() -> None:
    # as above, plus gte-6-months with one patient censored on day 5, before every death:
    # its expected deaths are 0 and the 3-band variance is singular; without it, 49/17 again
    counts = {("tokuhashi-revised", "lt-6-months", 10.0, 1): 1,
              ("tokuhashi-revised", "lt-6-months", 20.0, 1): 1,
              ("tokuhashi-revised", "gte-6-months", 5.0, 0): 1,
              ("tokuhashi-revised", "gte-12-months", 30.0, 0): 2}
    lr = next(s for s in calibration(counts)["scores"]
              if s["score"] == "tokuhashi-revised")["logrank"]
    assert lr["left_out"] == ["gte-6-months"]
    assert lr["bands"] == ["lt-6-months", "gte-12-months"]
    assert lr["statistic"] == pytest.approx(49 / 17) and lr["df"] == 1


def test_logrank_without_deaths_says_so() -> None:
    out = calibration({("teachh", "A", 100.0, 0): 3, ("teachh", "C", 50.0, 0): 2})
    lr = next(s for s in out["scores"] if s["score"] == "teachh")["logrank"]
    assert lr["statistic"] is None and lr["reason"] == "no deaths"


# ---- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "n", "path", "message"), [
    (("sins", "stable", 10.0, 1), 1, "counts[('sins', 'stable', 10.0, 1)].score",
     "unknown survival score"),
    (("teachh", "D", 10.0, 1), 1, "counts[('teachh', 'D', 10.0, 1)].band",
     "not a band of teachh (known: A, B, C)"),
    (("teachh", "A", -1.0, 1), 1, "counts[('teachh', 'A', -1.0, 1)].days",
     "must be a finite number of days >= 0"),
    (("teachh", "A", math.nan, 1), 1, ".days", "finite"),
    (("teachh", "A", 10.0, 2), 1, "counts[('teachh', 'A', 10.0, 2)].died", "must be 0"),
    (("teachh", "A", 10.0, 1), -1, "counts[('teachh', 'A', 10.0, 1)]",
     "the number of patients must be an integer >= 0"),
    (("teachh", "A", 10.0, 1), 1.5, "counts[('teachh', 'A', 10.0, 1)]", "integer"),
    (("teachh", "A", 10.0), 1, "counts[('teachh', 'A', 10.0)]", "a key must be"),
])
def test_bad_counts_are_rejected_naming_the_field(key: Any, n: Any, path: str,
                                                  message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        calibration({key: n})
    [problem] = err.value.problems
    assert path in problem.path and message in problem.message


def test_every_bad_key_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as err:
        calibration({("nope", "x", 1.0, 1): 1, ("teachh", "Z", -5.0, 3): 1,
                     ("teachh", "A", 1.0, 1): 1})
    paths = [p.path.rsplit(".", 1)[-1] for p in err.value.problems]
    assert paths == ["score", "band", "days", "died"]


# ---- output ----------------------------------------------------------------------------------


def test_output_is_json_deterministic_and_mergeable() -> None:
    whole = {**counts_of("teachh", "A", DYING), **counts_of("teachh", "B", GOOD),
             **counts_of("katagiri-new", "low", GOOD),
             **counts_of("tokuhashi-revised", "lt-6-months", POOR)}
    out = calibration(whole)
    text = json.dumps(out, allow_nan=False, sort_keys=False)
    # the same counts in another order give the same document
    assert json.dumps(calibration(dict(reversed(list(whole.items()))))) == text
    # two partitions' counts, added, give the same document as the whole
    part1 = {k: n // 2 for k, n in whole.items()}
    part2 = {k: n - n // 2 for k, n in whole.items()}
    merged = {k: part1.get(k, 0) + part2.get(k, 0) for k in whole}
    assert json.dumps(calibration(merged)) == text
    # zero counts change nothing
    assert json.dumps(calibration({**whole, ("teachh", "C", 5.0, 1): 0})) == text
    assert out["format"] == "osseous.calibration/1"
    assert [s["score"] for s in out["scores"]] == sorted(PUBLISHED_SURVIVAL)
    teachh_bands = next(s for s in out["scores"] if s["score"] == "teachh")["bands"]
    assert [b["band"] for b in teachh_bands] == ["A", "B", "C"]
    assert set(out["verdicts"]) == {"consistent", "higher", "lower", "not estimable"}
    assert set(out["references"]) <= set(CITATIONS)
    assert "krishnan-2014" in out["references"]
