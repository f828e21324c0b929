"""First skeletal-related event and survival from case documents, counted by hand."""

from __future__ import annotations

from typing import Any

import pytest

from osseous.analytics.outcomes import follow_up, outcomes
from tests.conftest import make_case


def patient(primary: str = "breast", origin: str | None = "2026-01-01",
            alive: str | None = None, events: list[dict[str, Any]] | None = None
            ) -> dict[str, Any]:
    return {"patient": {"last_known_alive": alive},
            "cancer": {"primary": primary, "bone_metastases": {"diagnosed_on": origin}},
            "events": events or []}


A = patient(alive="2026-12-01", events=[{"type": "pathological-fracture",
                                          "date": "2026-04-01"}])           # SRE at day 90
B = patient(primary="prostate", events=[{"type": "death", "date": "2026-03-02"}])  # death d60
C = patient(alive="2026-07-20")                                              # censored d200


def test_follow_up_of_one_patient() -> None:
    a = follow_up(make_case(A))
    assert not isinstance(a, str)
    assert (a.days, a.sre, a.died, a.survival_days) == (90, 1, False, 334)
    b = follow_up(make_case(B))
    assert not isinstance(b, str) and (b.days, b.sre, b.died) == (60, 2, True)


@pytest.mark.parametrize(("doc", "reason"), [
    (patient(origin=None, alive="2026-06-01"), "first bone metastasis date not recorded"),
    (patient(events=[{"type": "death"}]), "date of death not recorded"),
    (patient(), "end of follow-up not recorded"),
    (patient(alive="2025-06-01"), "follow-up ends before the first bone metastasis"),
    (patient(alive="2026-06-01", events=[{"type": "radiation-to-bone"}]),
     "a skeletal-related event without a date"),
    (patient(alive="2026-06-01", events=[{"type": "surgery-to-bone", "date": "2025-12-01"}]),
     "a skeletal-related event before the first bone metastasis date"),
    (patient(alive="2026-06-01", events=[{"type": "surgery-to-bone", "date": "2026-07-01"}]),
     "an event after the end of follow-up"),
])
def test_unknown_follow_up_is_excluded_with_its_reason(doc: dict[str, Any], reason: str) -> None:
    assert follow_up(make_case(doc)) == reason


def test_hypercalcaemia_is_not_a_skeletal_related_event() -> None:
    got = follow_up(make_case(patient(alive="2026-06-01", events=[
        {"type": "hypercalcemia", "date": "2026-02-01"}])))
    assert not isinstance(got, str) and got.sre == 0


def test_cohort_by_hand() -> None:
    # first SRE, death competing: t60 death (3 at risk, S = 2/3); t90 SRE (2 at risk):
    # CIF = 2/3 * 1/2 = 1/3. Survival: t60 one death of 3: 2/3, then only censorings.
    out = outcomes([make_case(d) for d in (A, B, C, patient(origin=None))])
    assert out["cases"] == 4
    assert out["excluded"] == {"first bone metastasis date not recorded": 1}
    overall = out["overall"]
    assert (overall["patients"], overall["first_sre"], overall["deaths"]) == (3, 1, 1)
    six = overall["landmarks"][0]
    assert six["months"] == 6 and six["at_risk"] == 2
    assert six["sre_cumulative_incidence"] == pytest.approx(1 / 3)
    assert six["survival"] == pytest.approx(2 / 3)
    assert overall["median_survival_months"] is None
    # the incidence reaches 1/3 at day 90: 25 % by then, 50 % never in this follow-up; with
    # three patients the band's upper limit passes 50 % at day 90, its lower limit never
    times = overall["time_to_first_sre_months"]
    assert times["25%"]["estimate"] == pytest.approx(90 / (365.25 / 12))
    assert times["50%"]["estimate"] is None
    assert times["50%"]["ci95"] == [pytest.approx(90 / (365.25 / 12)), None]
    assert set(out["by_primary"]) == {"breast", "prostate"}
    assert out["by_primary"]["prostate"]["deaths"] == 1


def test_empty_cohort() -> None:
    out = outcomes([])
    assert out["overall"] is None and out["by_primary"] == {}


def chow_patient(primary: str, visceral: str, kps: int, died: str | None,
                 alive: str | None = None) -> dict[str, Any]:
    """Chow NRF: non-breast primary, metastases beyond bone, KPS <= 60, one point each."""
    return {"patient": {"karnofsky": kps, "last_known_alive": alive},
            "cancer": {"primary": primary, "visceral_metastases": visceral,
                       "brain_metastases": False,
                       "bone_metastases": {"diagnosed_on": "2026-01-01"}},
            "events": [{"type": "death", "date": died}] if died else []}


def test_harrell_c_of_a_score_on_the_local_cohort() -> None:
    from osseous.analytics.prognosis import score_concordance

    # NRF 0 (breast, bone only, KPS 80) lives longest; NRF 3 (lung, visceral, KPS 50) dies
    # first; NRF 2 in between: perfectly ordered, so C = 1 over the 3 usable pairs
    cohort = [chow_patient("breast", "none", 80, None, alive="2026-12-31"),
              chow_patient("lung-nsclc", "none", 50, "2026-06-01"),
              chow_patient("lung-nsclc", "untreatable", 50, "2026-02-01"),
              chow_patient("breast", None, 80, None, alive="2026-12-31"),  # NRF unknown
              patient(origin=None, alive="2026-06-01")]                    # no origin
    out = score_concordance(make_case(d) for d in cohort)
    chow = next(s for s in out["scores"] if s["score"] == "chow-nrf")
    assert (chow["patients"], chow["usable_pairs"], chow["harrell_c"]) == (3, 3, 1.0)
    assert chow["not_computable"] == 1
    assert out["excluded"] == {"first bone metastasis date not recorded": 1}
    # reversing the survival order makes the score perfectly wrong
    reverse = [chow_patient("breast", "none", 80, "2026-02-01"),
               chow_patient("lung-nsclc", "none", 50, "2026-06-01"),
               chow_patient("lung-nsclc", "untreatable", 50, None, alive="2026-12-31")]
    worst = next(s for s in score_concordance(make_case(d) for d in reverse)["scores"]
                 if s["score"] == "chow-nrf")
    assert worst["harrell_c"] == 0.0


def test_byar_interval_is_close_to_the_exact_poisson_limits() -> None:
    from osseous.analytics.outcomes import _poisson_rate

    # 10 events: exact Poisson 95 % limits 4.795 and 18.39 (Breslow and Day table)
    got = _poisson_rate(10, 10.0)
    assert got["rate"] == 1.0
    assert got["ci95"][0] == pytest.approx(0.4795, abs=2e-3)
    assert got["ci95"][1] == pytest.approx(1.839, abs=2e-3)
    zero = _poisson_rate(0, 1.0)  # exact upper limit 3.689
    assert zero["ci95"][0] == 0.0 and zero["ci95"][1] == pytest.approx(3.689, abs=0.03)
    assert _poisson_rate(0, 0.0)["rate"] is None


def test_events_per_patient_year_and_groups_by_agent() -> None:
    on_agent = {**patient(alive="2027-01-01", events=[
        {"type": "radiation-to-bone", "date": "2026-03-01"},
        {"type": "pathological-fracture", "date": "2026-06-01"}]),
        "medications": [{"drug": "denosumab", "started": "2026-01-10"}]}
    no_agent = {**patient(alive="2027-01-01"), "medications": [{"drug": "morphine"}]}
    unknown = patient(alive="2027-01-01")
    out = outcomes(make_case(d) for d in (on_agent, no_agent, unknown))
    assert set(out["by_agent"]) == {"denosumab", "none", "not recorded"}
    rate = out["overall"]["sre_per_patient_year"]
    assert rate["events"] == 2
    assert rate["patient_years"] == pytest.approx(3 * 365 / 365.25)
    assert out["by_agent"]["denosumab"]["sre_per_patient_year"]["events"] == 2
    assert out["by_agent"]["none"]["sre_per_patient_year"]["events"] == 0


def _on(drug: str, started: str | None, last: str | None, doses: int | None) -> dict[str, Any]:
    return {**patient(alive="2027-01-01"), "medications": [
        {"drug": drug, "started": started, "last_dose": last, "doses_given": doses}]}


@pytest.mark.parametrize(("doc", "schedule"), [
    (_on("zoledronic-acid", "2026-01-01", "2026-04-23", 5), "every 4 weeks"),   # 112 d / 4 = 28
    (_on("zoledronic-acid", "2026-01-01", "2026-09-17", 4), "every 12 weeks"),  # 259 / 3 = 86
    (_on("denosumab", "2026-01-01", "2026-03-02", 2), "other interval"),        # 60 days
    (_on("denosumab", "2026-01-01", None, 3), "schedule not recorded"),
    (_on("denosumab", "2026-01-01", "2026-01-01", 1), "schedule not recorded"),
    ({**patient(alive="2027-01-01"), "medications": [{"drug": "morphine"}]}, "no agent"),
    (patient(alive="2027-01-01"), "not recorded"),
])
def test_schedule_of_the_bone_modifying_agent(doc: dict[str, Any], schedule: str) -> None:
    got = follow_up(make_case(doc))
    assert not isinstance(got, str) and got.schedule == schedule
    assert set(outcomes([make_case(doc)])["by_schedule"]) == {schedule}


def test_survival_from_the_first_radiotherapy() -> None:
    def treated(first: str | None, died: str | None, alive: str | None = None
                ) -> dict[str, Any]:
        return {**patient(alive=alive, events=[{"type": "death", "date": died}] if died else []),
                "lesions": [{"id": "F", "site": "femur", "prior_radiotherapy": [
                    {"dose_gy": 8, "fractions": 1, "date": first}]}]}

    out = outcomes(make_case(d) for d in (
        treated("2026-02-01", "2026-03-03"),                  # death 30 days after RT
        treated("2026-02-01", None, alive="2026-05-02"),      # censored at 90 days
        treated(None, "2026-03-01"),                          # course date unknown
        patient(alive="2026-06-01"),                          # no radiotherapy
    ))["from_radiotherapy"]
    assert out["excluded"] == {"a radiotherapy course date not recorded": 1,
                               "no radiotherapy to bone recorded": 1}
    overall = out["overall"]
    assert (overall["patients"], overall["deaths"]) == (2, 1)
    # KM: 1/2 die at day 30 -> S = 0.5, so the median is 30 days
    assert overall["median_survival_months"] == pytest.approx(30 / (365.25 / 12))


def test_survival_by_the_groups_of_a_score() -> None:
    from osseous.analytics.prognosis import band_curves
    from osseous.analytics.prognosis import observe as observe_scores
    from osseous.analytics.tally import tally

    cohort = [chow_patient("breast", "none", 80, None, alive="2026-12-31"),      # group-1
              chow_patient("lung-nsclc", "none", 50, "2026-06-01"),              # group-2
              chow_patient("lung-nsclc", "untreatable", 50, "2026-02-01"),       # group-3
              chow_patient("lung-nsclc", "untreatable", 50, None, alive="2026-03-01")]
    curves = band_curves(tally((make_case(d) for d in cohort), observe_scores), "chow-nrf")
    assert list(curves) == ["group-1", "group-2", "group-3"]
    # group-3: a death at day 31 of 2 at risk, then a censoring at day 59
    assert [(s.time, s.at_risk, s.estimate) for s in curves["group-3"]] == [
        (31, 2, 0.5), (59, 1, 0.5)]
    assert curves["group-1"][0].estimate == 1.0
    with pytest.raises(ValueError, match="score: must be one of"):
        band_curves(tally([], observe_scores), "mirels")
