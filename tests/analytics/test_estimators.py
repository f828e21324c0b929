"""Kaplan-Meier, Aalen-Johansen and Harrell's C: hand calculations and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osseous.analytics.estimators import aalen_johansen, harrell_c, kaplan_meier, median


def test_kaplan_meier_by_hand() -> None:
    # t=1: 6 at risk, 1 death: S = 5/6; Greenwood 1/(6*5)
    # t=2: 5 at risk, 1 death, 1 censored: S = 5/6 * 4/5 = 2/3; + 1/(5*4)
    # t=3: 3 at risk, 1 death: S = 2/3 * 2/3 = 4/9
    # t=4: 2 at risk, censored; t=5: 1 at risk, death: S = 0
    steps = kaplan_meier([1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1])
    assert [s.time for s in steps] == [1, 2, 3, 4, 5]
    assert [s.at_risk for s in steps] == [6, 5, 3, 2, 1]
    assert [round(s.estimate, 4) for s in steps] == [0.8333, 0.6667, 0.4444, 0.4444, 0.0]
    # log-log interval at t=1: se = sqrt(1/30) / |log(5/6)| = 1.0014;
    # exp(-exp(log(-log(5/6)) +/- 1.96 se)) = 0.273 and 0.975
    assert steps[0].lower == pytest.approx(0.2731, abs=5e-4)
    assert steps[0].upper == pytest.approx(0.9747, abs=5e-4)
    assert steps[-1].lower is None and steps[-1].upper is None
    assert median(steps) == 3


def test_no_events_means_survival_one_and_no_median() -> None:
    steps = kaplan_meier([3, 5, 8], [0, 0, 0])
    assert all(s.estimate == 1.0 for s in steps)
    assert median(steps) is None


def test_aalen_johansen_by_hand() -> None:
    # t=1: 6 at risk, cause 1: CIF = 1/6; all-cause S = 5/6
    # t=2: 5 at risk, cause 2: S = 2/3
    # t=3: 4 at risk, cause 1: CIF += 2/3 * 1/4 = 1/3; S = 1/2
    # t=4: censored; t=5: 2 at risk, cause 2: S = 1/4
    # t=6: 1 at risk, cause 1: CIF += 1/4 -> 7/12
    steps = aalen_johansen([1, 2, 3, 4, 5, 6], [1, 2, 1, 0, 2, 1])
    assert [round(s.estimate, 4) for s in steps] == [0.1667, 0.1667, 0.3333, 0.3333, 0.3333,
                                                     0.5833]
    # 1 - KM treating deaths as censored would reach 1.0 here: the reason for the competing
    # risks estimator
    km = kaplan_meier([1, 2, 3, 4, 5, 6], [1, 0, 1, 0, 0, 1])
    assert 1 - km[-1].estimate == pytest.approx(1.0)


observations = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 2)), min_size=1,
                        max_size=40)


@given(observations)
def test_cause_specific_incidences_add_up_to_all_cause_failure(obs: list[tuple[int, int]]
                                                               ) -> None:
    times = [t for t, _ in obs]
    causes = [c for _, c in obs]
    cif1 = aalen_johansen(times, causes)
    cif2 = aalen_johansen(times, [{1: 2, 2: 1}.get(c, 0) for c in causes])
    km = kaplan_meier(times, [1 if c else 0 for c in causes])
    for a, b, k in zip(cif1, cif2, km, strict=True):
        assert a.estimate + b.estimate == pytest.approx(1 - k.estimate, abs=1e-12)


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 1)), min_size=1, max_size=40))
def test_without_competing_events_cif_is_one_minus_km(obs: list[tuple[int, int]]) -> None:
    times = [t for t, _ in obs]
    events = [e for _, e in obs]
    km = kaplan_meier(times, events)
    for a, k in zip(aalen_johansen(times, events), km, strict=True):
        assert a.estimate == pytest.approx(1 - k.estimate, abs=1e-12)
    estimates = [k.estimate for k in km]
    assert estimates == sorted(estimates, reverse=True)
    for k in km:
        if k.lower is not None and k.upper is not None:
            assert k.lower <= k.estimate <= k.upper


def test_harrell_c_by_hand() -> None:
    # usable pairs: (t1, t2) (t1, t3) (t1, t4) (t2, t3) (t2, t4); the patient dying at t2 has
    # score 3 > 2 of the one censored at t3: discordant; the other four are concordant
    c, pairs = harrell_c([1, 2, 3, 4], [1, 1, 0, 1], [1, 3, 2, 4])
    assert (c, pairs) == (0.8, 5)


def test_harrell_c_ties_and_extremes() -> None:
    times, events = [1, 2, 3, 4], [1, 1, 1, 1]
    assert harrell_c(times, events, [1, 2, 3, 4])[0] == 1.0
    assert harrell_c(times, events, [4, 3, 2, 1])[0] == 0.0
    assert harrell_c(times, events, [5, 5, 5, 5])[0] == 0.5
    c, pairs = harrell_c([1, 2], [0, 0], [1, 2])
    assert math.isnan(c) and pairs == 0


@pytest.mark.parametrize(("times", "events", "message"), [
    ([1, 2], [1], "differ in length"),
    ([-1], [1], "times[0]"),
    ([float("nan")], [1], "times[0]"),
    ([1], [3], "events[0]"),
])
def test_bad_input_names_the_element(times: list[float], events: list[int],
                                     message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        kaplan_meier(times, events)


def test_competing_risks_oracle_of_the_issue() -> None:
    # durations 1..6, events [0, 1, 1, 2, 2, 0]: both cumulative incidences reach 0.4 at t = 6
    # (t2: 1/5; t3: 4/5 * 1/4; t4: 3/5 * 1/3; t5: 2/5 * 1/2)
    durations, events = [1, 2, 3, 4, 5, 6], [0, 1, 1, 2, 2, 0]
    first = aalen_johansen(durations, events)
    second = aalen_johansen(durations, [{1: 2, 2: 1}.get(e, 0) for e in events])
    assert first[-1].estimate == pytest.approx(0.4)
    assert second[-1].estimate == pytest.approx(0.4)


def _pairwise_c(times: list[int], events: list[int], predicted: list[int]
                ) -> tuple[float, int]:
    """Harrell's C by its definition, pair by pair (the oracle for the fast sweep)."""
    concordant, usable = 0.0, 0
    for i in range(len(times)):
        if events[i] != 1:
            continue
        for j in range(len(times)):
            if i != j and (times[j] > times[i] or (times[j] == times[i] and events[j] == 0)):
                usable += 1
                concordant += (1.0 if predicted[i] < predicted[j]
                               else 0.5 if predicted[i] == predicted[j] else 0.0)
    return (concordant / usable if usable else math.nan), usable


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 1), st.integers(0, 4)),
                min_size=1, max_size=40))
def test_fast_harrell_c_equals_the_pairwise_definition(obs: list[tuple[int, int, int]]
                                                       ) -> None:
    times, events, predicted = ([o[k] for o in obs] for k in range(3))
    fast, fast_pairs = harrell_c(times, events, predicted)
    slow, slow_pairs = _pairwise_c(times, events, predicted)
    assert fast_pairs == slow_pairs
    assert (math.isnan(fast) and math.isnan(slow)) or fast == pytest.approx(slow)


def test_logrank_two_groups_by_hand() -> None:
    from osseous.analytics.estimators import logrank

    # A dies at 1 and 3, B at 2 and censored at 4. t1: n=4 (2/2), d=1 -> E_A 0.5,
    # V 2*2*1*3/(16*3) = 0.25; t2: A 1, B 2 at risk, d=1 (B) -> E_A 1/3, V 1*2/9 = 2/9;
    # t3: A 1, B 1, d=1 (A) -> E_A 1/2, V 1/4. O_A = 2, E_A = 4/3, V = 13/18:
    # chi-square (2/3)^2 / (13/18) = 8/13.
    test = logrank([1, 3, 2, 4], [1, 1, 1, 0], ["A", "A", "B", "B"])
    assert test.observed == {"A": 2, "B": 1}
    assert test.expected["A"] == pytest.approx(4 / 3)
    assert test.statistic == pytest.approx(8 / 13)
    assert test.df == 1
    assert test.p_value == pytest.approx(0.43276, abs=1e-4)  # chi-square(1) tail at 0.6154
    with pytest.raises(ValueError, match="two groups"):
        logrank([1, 2], [1, 1], ["A", "A"])


def test_median_interval_from_the_band() -> None:
    from osseous.analytics.estimators import Step, median_ci

    steps = [Step(1, 10, 1, 0, 0.9, 0.6, 0.99), Step(2, 9, 3, 0, 0.6, 0.3, 0.8),
             Step(3, 6, 2, 0, 0.4, 0.15, 0.6), Step(4, 4, 2, 0, 0.2, 0.05, 0.45)]
    assert median_ci(steps) == (2, 4)
    assert median_ci(steps[:2]) == (2, None)  # the upper limit never reaches 0.5


def test_cif_interval_contains_the_estimate_and_narrows_with_more_patients() -> None:
    from osseous.analytics.estimators import aalen_johansen

    small = aalen_johansen([1, 2, 3, 4, 5, 6], [0, 1, 1, 2, 2, 0])[-1]
    big = aalen_johansen([1, 2, 3, 4, 5, 6] * 20, [0, 1, 1, 2, 2, 0] * 20)[-1]
    assert small.estimate == pytest.approx(0.4) and big.estimate == pytest.approx(0.4)
    assert small.lower is not None and small.upper is not None
    assert big.lower is not None and big.upper is not None
    assert small.lower < big.lower < 0.4 < big.upper < small.upper


@pytest.mark.parametrize(("x", "df", "p"), [
    (3.841458820694124, 1, 0.05), (5.991464547107979, 2, 0.05), (0.0, 3, 1.0),
    (11.070497693516351, 5, 0.05), (23.209251158954356, 10, 0.01)])
def test_chi_square_tail_at_tabulated_critical_values(x: float, df: int, p: float) -> None:
    from osseous.analytics.estimators import chi2_sf

    assert chi2_sf(x, df) == pytest.approx(p, rel=1e-9)


def _pairs_per_patient(times: list[int], events: list[int], scores: list[int]
                       ) -> tuple[list[float], list[float]]:
    """Each patient's concordant and discordant usable pairs, by the O(n^2) definition."""
    n = len(times)
    good, bad = [0.0] * n, [0.0] * n
    for i in range(n):
        for j in range(n):
            usable = i != j and events[i] == 1 and (
                times[i] < times[j] or (times[i] == times[j] and events[j] == 0))
            if not usable:
                continue
            c = 1.0 if scores[i] < scores[j] else 0.0 if scores[i] > scores[j] else 0.5
            for k in (i, j):
                good[k] += c
                bad[k] += 1 - c
    return good, bad


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_harrell_c_interval_equals_the_per_patient_definition(seed: int) -> None:
    import random

    from osseous.analytics.estimators import Z95, harrell_c_interval

    rng = random.Random(seed)
    n = 60
    times = [rng.randint(1, 25) for _ in range(n)]
    events = [rng.choice((0, 1, 1)) for _ in range(n)]
    scores = [rng.randint(0, 4) for _ in range(n)]
    good, bad = _pairs_per_patient(times, events, scores)
    pairs, triples = n * (n - 1), n * (n - 1) * (n - 2)
    pc, pd = sum(good) / pairs, sum(bad) / pairs
    pcc = sum(c * (c - 1) for c in good) / triples
    pdd = sum(d * (d - 1) for d in bad) / triples
    pcd = sum(c * d for c, d in zip(good, bad, strict=True)) / triples
    variance = 4 * (pd**2 * pcc - 2 * pc * pd * pcd + pc**2 * pdd) / ((pc + pd) ** 4 * n)
    c_index = sum(good) / (sum(good) + sum(bad))
    counts: dict[tuple[float, int, float], int] = {}
    for t, e, p in zip(times, events, scores, strict=True):
        counts[(float(t), e, float(p))] = counts.get((float(t), e, float(p)), 0) + 1
    interval = harrell_c_interval(counts)
    assert interval is not None
    half = Z95 * variance**0.5
    assert interval == pytest.approx((c_index - half, c_index + half), abs=1e-12)


def test_harrell_c_interval_width_matches_the_bootstrap() -> None:
    import random
    import statistics

    from osseous.analytics.estimators import Z95, harrell_c, harrell_c_interval

    rng = random.Random(7)
    n = 300
    scores = [rng.randint(0, 3) for _ in range(n)]
    times = [max(1, int(rng.expovariate(1 / (30 + 20 * s)))) for s in scores]
    events = [int(rng.random() < 0.8) for _ in range(n)]
    counts: dict[tuple[float, int, float], int] = {}
    for t, e, p in zip(times, events, scores, strict=True):
        counts[(float(t), e, float(p))] = counts.get((float(t), e, float(p)), 0) + 1
    interval = harrell_c_interval(counts)
    assert interval is not None
    se = (interval[1] - interval[0]) / (2 * Z95)
    boot = []
    for _ in range(200):
        idx = [rng.randrange(n) for _ in range(n)]
        boot.append(harrell_c([times[i] for i in idx], [events[i] for i in idx],
                              [scores[i] for i in idx])[0])
    assert se == pytest.approx(statistics.stdev(boot), rel=0.2)
    assert harrell_c_interval({(1.0, 1, 0.0): 1, (2.0, 0, 1.0): 1}) is None  # under 3 patients
