"""The project's survival estimators against lifelines, scikit-survival, R and hand calculations.

``osseous.analytics.estimators`` is plain Python; these tests hold it to two independent
implementations (lifelines 0.30, scikit-survival 0.28), to numbers from R's ``survival`` package
that lifelines' own test suite checks itself against, and to small hand calculations.

Conventions the libraries do not share, each met in the test named after it:

* no interval at a boundary: where the Kaplan-Meier estimate is 0 (or a cumulative incidence 0
  or 1) the project gives no interval (None); lifelines and scikit-survival give the degenerate
  interval [0, 0] (or [1, 1]). ``band`` maps one onto the other and checks it only happens there;
* a median that is never reached: project None, lifelines ``inf``; the upper limit of the median's
  interval when the curve falls to 0 before the band's upper limit falls to 0.5: project None
  (not estimable), lifelines the time the curve hits 0, read from its [0, 0] band;
* Aalen-Johansen intervals: lifelines' ``AalenJohansenFitter`` uses the delta-method variance of
  Dinse and Larson's approximation (scikit-survival ``var_type="Dinse_Approx"``), not Aalen's, and
  labels the two limits the wrong way round; the project follows Aalen (Pintilie 2006, eq. 4.5)
  like scikit-survival's default, so intervals are compared with scikit-survival only;
* lifelines' ``AalenJohansenFitter`` jitters event times when events of different causes share a
  time, and (open pull request CamDavidsonPilon/lifelines#1699) skips increments on a custom
  timeline and overwrites its first row with 0, losing events at the first time: it is used on
  its default timeline, with times >= 1, exactly where there is no jitter and at times the
  jitter cannot reach where there is;
* scikit-survival's ``cumulative_incidence_competing_risks(conf_type=...)`` needs every cause
  1..max to occur and fails (IndexError) with a single cause: random cohorts include both causes;
* Harrell's C: scikit-survival takes a risk score (higher = shorter survival; we pass -predicted)
  and counts predictions closer than ``tied_tol=1e-8`` as tied; lifelines and the project compare
  exactly; with no usable pair the project returns NaN where lifelines raises ZeroDivisionError
  and scikit-survival NoComparablePairException;
* log-rank with no information (no variance) or a group nobody is at risk in at any event time:
  see ``test_logrank_degenerate_conventions`` and the survdiff case below it
  (such a group is left out, df counts the rest; lifelines keeps df at k - 1).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import numpy as np
import pytest
from lifelines import AalenJohansenFitter, KaplanMeierFitter
from lifelines.datasets import (
    load_dd,
    load_g3,
    load_leukemia,
    load_lymphoma,
    load_rossi,
    load_waltons,
)
from lifelines.statistics import logrank_test, multivariate_logrank_test
from lifelines.utils import concordance_index, median_survival_times
from scipy import stats
from sksurv.exceptions import NoComparablePairException
from sksurv.metrics import concordance_index_censored
from sksurv.nonparametric import cumulative_incidence_competing_risks, kaplan_meier_estimator

from osseous.analytics.estimators import (
    Step,
    aalen_johansen,
    chi2_sf,
    harrell_c,
    kaplan_meier,
    logrank,
    median,
    median_ci,
)

TOL = 1e-9
SEEDS = range(4)


# --- helpers -----------------------------------------------------------------------------------


def at(steps: Sequence[Step], t: float) -> Step:
    """The step in force at time ``t`` (the last one at or before it)."""
    before = [s for s in steps if s.time <= t]
    assert before, f"no step at or before {t}"
    return before[-1]


def band(step: Step) -> tuple[float, float]:
    """The step's interval in the lifelines / scikit-survival convention: where the project gives
    none, the estimate sits on a boundary and they give the degenerate interval there."""
    if step.lower is None or step.upper is None:
        assert step.lower is None and step.upper is None, step
        assert step.estimate in (0.0, 1.0), f"no interval away from a boundary: {step}"
        return step.estimate, step.estimate
    assert 0.0 <= step.lower <= step.estimate <= step.upper <= 1.0, step
    return step.lower, step.upper


def close(actual: Sequence[Sequence[float]], expected: object) -> None:
    """Pairs (intervals) equal within TOL."""
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=0,
                               atol=TOL)


def cohort(seed: int, kind: str) -> tuple[list[float], list[int]]:
    """Random times and codes (0 censored, 1 cause 1, 2 cause 2) of one of several shapes."""
    rng = random.Random(f"{kind}-{seed}")
    n, censoring, ties = {
        "single patient": (1, 0.3, False),
        "small": (7, 0.3, False),
        "continuous": (80, 0.3, False),
        "integer days, heavy ties": (300, 0.3, True),
        "no censoring, ties": (40, 0.0, True),
        "all censored": (25, 1.0, False),
    }[kind]
    times = [float(rng.randint(0, 15)) if ties else round(rng.expovariate(1 / 200), 3)
             for _ in range(n)]
    codes = [0 if rng.random() < censoring else rng.choice((1, 2)) for _ in range(n)]
    if n > 2 and censoring < 1:  # both causes occur (scikit-survival needs every cause)
        codes[:2] = [1, 2]
    if kind == "single patient":
        codes = [seed % 3]
    return times, codes


KINDS = ["single patient", "small", "continuous", "integer days, heavy ties",
         "no censoring, ties", "all censored"]


# --- Kaplan-Meier ------------------------------------------------------------------------------


def test_kaplan_meier_against_r_from_lifelines_suite() -> None:
    # lifelines/tests/test_estimation.py, test_kmf_survival_curve_output_against_R and
    # test_kmf_confidence_intervals_output_against_R (R survfit, conf.type = "log-log"), g3 data
    g3 = load_g3()
    rit = g3[g3["group"] == "RIT"]
    control = g3[g3["group"] != "RIT"]
    steps = kaplan_meier(rit["time"].tolist(), rit["event"].astype(int).tolist())
    assert [round(at(steps, t).estimate, 3) for t in (25, 53)] == [0.909, 0.779]
    steps = kaplan_meier(control["time"].tolist(), control["event"].astype(int).tolist())
    checked = [at(steps, t) for t in (9, 19, 32, 34)]
    assert [s.estimate for s in checked] == pytest.approx([0.833, 0.667, 0.5, 0.333], abs=5e-4)
    assert [s.lower for s in checked] == pytest.approx([0.2731, 0.1946, 0.1109, 0.0461], abs=5e-5)
    assert [s.upper for s in checked] == pytest.approx([0.975, 0.904, 0.804, 0.676], abs=5e-4)
    # Median: S is exactly 0.5 on [32, 34). The project (like lifelines' rule) takes the first
    # time S <= 0.5: 32. R's survfit takes the midpoint of such a flat stretch: 33. lifelines
    # reports 34: it multiplies as exp(sum of logs), its S(32) is 0.5000000000000001 > 0.5
    # (scikit-survival's cumulative product, like the project's, gives 0.5 exactly).
    assert median(steps) == 32
    assert at(steps, 32).estimate == 0.5
    kmf = KaplanMeierFitter().fit(control["time"], control["event"])
    assert kmf.survival_function_["KM_estimate"].loc[32] == pytest.approx(0.5, abs=1e-15)
    assert kmf.median_survival_time_ == 34
    # the band's upper limit stays above 0.5 (0.676 at the end): not estimable, lifelines inf
    assert median_ci(steps) == (9, None)
    limits = median_survival_times(kmf.confidence_interval_).iloc[0].tolist()
    assert limits == [9, math.inf]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_kaplan_meier_matches_sksurv_and_lifelines(kind: str, seed: int) -> None:
    times, codes = cohort(seed, kind)
    events = [int(c > 0) for c in codes]
    steps = kaplan_meier(times, events)

    x, survival, ci = kaplan_meier_estimator(np.array(events, dtype=bool), np.array(times),
                                             conf_type="log-log")
    assert [s.time for s in steps] == x.tolist()
    for s, est, lo, hi in zip(steps, survival, ci[0], ci[1], strict=True):
        assert s.estimate == pytest.approx(est, abs=TOL)
        assert band(s) == pytest.approx((lo, hi), abs=TOL)

    kmf = KaplanMeierFitter().fit(times, events)
    table = kmf.event_table
    estimate = kmf.survival_function_["KM_estimate"]
    interval = kmf.confidence_interval_
    for s in steps:
        row = table.loc[s.time]
        assert (s.at_risk, s.events, s.censored) == (row["at_risk"], row["observed"],
                                                      row["censored"])
        assert s.estimate == pytest.approx(estimate.loc[s.time], abs=TOL)
        assert band(s) == pytest.approx(tuple(interval.loc[s.time]), abs=TOL)


def test_kaplan_meier_on_lifelines_datasets() -> None:
    for df, t, e in ((load_waltons(), "T", "E"), (load_rossi(), "week", "arrest"),
                     (load_lymphoma(), "Time", "Censor"), (load_leukemia(), "t", "status")):
        steps = kaplan_meier(df[t].astype(float).tolist(), df[e].astype(int).tolist())
        kmf = KaplanMeierFitter().fit(df[t], df[e])
        assert [s.estimate for s in steps] == pytest.approx(
            kmf.survival_function_["KM_estimate"].loc[[s.time for s in steps]].tolist(), abs=TOL)
        close([band(s) for s in steps],
              kmf.confidence_interval_.loc[[s.time for s in steps]].to_numpy())


def _lifelines_limit(project: float | None, steps: Sequence[Step]) -> float:
    """What lifelines reports where the project reports ``project`` (see the module docstring)."""
    if project is not None:
        return project
    zero = next((s.time for s in steps if s.estimate == 0.0), None)
    return math.inf if zero is None else zero


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_median_and_its_interval_match_lifelines(kind: str, seed: int) -> None:
    times, codes = cohort(seed, kind)
    events = [int(c > 0) for c in codes]
    steps = kaplan_meier(times, events)
    kmf = KaplanMeierFitter().fit(times, events)
    m = median(steps)
    # the rule on scikit-survival's estimate (a cumulative product, like the project's)
    x, survival = kaplan_meier_estimator(np.array(events, dtype=bool), np.array(times))
    assert m == next((t for t, v in zip(x, survival, strict=True) if v <= 0.5), None)
    # lifelines' estimate can sit 1 ulp above an exact 0.5 (see the g3 test): compare only
    # where no estimate is that close to 0.5
    if all(abs(s.estimate - 0.5) > 1e-12 for s in steps):
        assert (math.inf if m is None else m) == kmf.median_survival_time_
    low, high = median_ci(steps)
    lifelines_low, lifelines_high = median_survival_times(kmf.confidence_interval_).iloc[0]
    assert _lifelines_limit(low, steps) == lifelines_low
    assert _lifelines_limit(high, steps) == lifelines_high
    assert low is None or m is None or low <= m
    assert high is None or m is None or m <= high


def test_median_interval_when_the_curve_falls_to_zero() -> None:
    # S: 5/6, 2/3, 4/9, 4/9, 0. The band's upper limit is 0.785 at t = 3 and 4, and the curve
    # then drops to 0 (no interval). Project: upper limit not estimable; lifelines reads its
    # [0, 0] band at t = 5 and reports 5.
    times, events = [1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1]
    steps = kaplan_meier(times, events)
    assert median(steps) == 3
    assert median_ci(steps) == (1, None)
    kmf = KaplanMeierFitter().fit(times, events)
    assert median_survival_times(kmf.confidence_interval_).iloc[0].tolist() == [1, 5]


# --- Aalen-Johansen ----------------------------------------------------------------------------


def test_aalen_johansen_by_hand_both_causes() -> None:
    # durations 1..6, codes 0 1 1 2 2 0; S = all-cause Kaplan-Meier just before each time
    # t=1: 6 at risk, censored
    # t=2: 5 at risk, cause 1: CIF1 = 1 * 1/5 = 0.2;           S = 4/5
    # t=3: 4 at risk, cause 1: CIF1 = 0.2 + 4/5 * 1/4 = 0.4;   S = 3/5
    # t=4: 3 at risk, cause 2: CIF2 = 3/5 * 1/3 = 0.2;         S = 2/5
    # t=5: 2 at risk, cause 2: CIF2 = 0.2 + 2/5 * 1/2 = 0.4;   S = 1/5
    # t=6: 1 at risk, censored.  CIF1 + CIF2 = 0.8 = 1 - S(6)
    times = [1, 2, 3, 4, 5, 6]
    codes = [0, 1, 1, 2, 2, 0]
    swapped = [{1: 2, 2: 1}.get(c, c) for c in codes]
    cause1 = aalen_johansen(times, codes)
    cause2 = aalen_johansen(times, swapped)
    assert [s.estimate for s in cause1] == pytest.approx([0, 0.2, 0.4, 0.4, 0.4, 0.4], abs=TOL)
    assert [s.estimate for s in cause2] == pytest.approx([0, 0, 0, 0.2, 0.4, 0.4], abs=TOL)
    assert cause1[-1].estimate == pytest.approx(0.4, abs=TOL)
    assert cause2[-1].estimate == pytest.approx(0.4, abs=TOL)

    # lifelines, default timeline (no tied times here, so no jitter)
    for cause in (1, 2):
        ajf = AalenJohansenFitter().fit(times, codes, event_of_interest=cause)
        cif = ajf.cumulative_density_[f"CIF_{cause}"]
        ours = cause1 if cause == 1 else cause2
        assert [s.estimate for s in ours] == pytest.approx(cif.loc[times].tolist(), abs=TOL)

    # scikit-survival: rows 1 and 2 are the two causes, with Aalen's variance
    x, cif, ci = cumulative_incidence_competing_risks(np.array(codes), np.array(times, float),
                                                      conf_type="log-log", var_type="Aalen")
    assert x.tolist() == times
    for ours, row in ((cause1, 1), (cause2, 2)):
        assert [s.estimate for s in ours] == pytest.approx(cif[row].tolist(), abs=TOL)
        close([band(s) for s in ours], ci[row].T)
    # Aalen's variance at t=3 by hand (Pintilie eq. 4.5; n_k at risk, d_k all events, d1_k):
    # t=2: (0.4-0.2)^2 * 1/(4*4) + 1 * 1*4/(25*4) - 2 * 0.2 * 1 * 1*4/(5*4*4) = 0.0025+0.04-0.02
    # t=3: 0 + (4/5)^2 * 1*3/(16*3) - 0 = 0.04          total 0.0625, se 0.25
    se = 0.25 / (0.4 * abs(math.log(0.4)))
    centre = math.log(-math.log(0.4))
    assert band(cause1[2]) == pytest.approx(
        (math.exp(-math.exp(centre + 1.959963984540054 * se)),
         math.exp(-math.exp(centre - 1.959963984540054 * se))), abs=TOL)


def test_lifelines_aalen_johansen_interval_is_dinse_not_aalen() -> None:
    # Why intervals are not compared with lifelines: its AalenJohansenFitter uses the
    # delta-method variance of Dinse and Larson's approximation (Collett; scikit-survival
    # var_type="Dinse_Approx") and names its limits the wrong way round ("upper" holds the lower
    # limit). The project, like scikit-survival's default and R's cmprsk, uses Aalen's.
    times = [1, 2, 3, 4, 5, 6]
    codes = [0, 1, 1, 2, 2, 0]
    ajf = AalenJohansenFitter().fit(times, codes, event_of_interest=1)
    interval = ajf.confidence_interval_.loc[times[1:]]
    lifelines_band = [tuple(sorted(r)) for r in interval.itertuples(index=False)]
    assert (interval.iloc[:, 0] < interval.iloc[:, 1]).all()
    assert "upper" in interval.columns[0]
    _, _, dinse = cumulative_incidence_competing_risks(
        np.array(codes), np.array(times, float), conf_type="log-log", var_type="Dinse_Approx")
    close(lifelines_band, dinse[1][:, 1:].T)
    ours = [band(s) for s in aalen_johansen(times, codes)[1:]]
    assert all(max(abs(a[0] - b[0]), abs(a[1] - b[1])) > 0.01
               for a, b in zip(ours, lifelines_band, strict=True))


def test_aalen_johansen_events_at_time_zero() -> None:
    # t=0: 3 at risk, cause 1: CIF = 1/3, S = 2/3; t=1: cause 2, S = 1/3; t=2: CIF = 1/3 + 1/3
    times, codes = [0, 1, 2], [1, 2, 1]
    steps = aalen_johansen(times, codes)
    _, cif, _ = cumulative_incidence_competing_risks(np.array(codes), np.array(times, float),
                                                     conf_type="log-log")
    assert [s.estimate for s in steps] == pytest.approx([1 / 3, 1 / 3, 2 / 3], abs=TOL)
    assert [s.estimate for s in steps] == pytest.approx(cif[1].tolist(), abs=TOL)
    # lifelines sets the first row of its table to 0 and so loses the cause-1 event at time 0
    # (1/3 instead of 2/3 at t=2; lifelines#1699): the lifelines comparisons keep times >= 1
    ajf = AalenJohansenFitter(calculate_variance=False).fit(times, codes, event_of_interest=1)
    assert ajf.cumulative_density_["CIF_1"].loc[2.0] == pytest.approx(1 / 3, abs=TOL)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_aalen_johansen_matches_sksurv(kind: str, seed: int) -> None:
    times, codes = cohort(seed, kind)
    steps = aalen_johansen(times, codes)
    assert [s.time for s in steps] == sorted(set(times))
    if not {1, 2} <= set(codes):
        # scikit-survival cannot take this cohort (see the module docstring); check it directly
        events = [int(c > 0) for c in codes]
        survival = kaplan_meier(times, events)
        for s, km in zip(steps, survival, strict=True):
            # cause 1 alone: CIF = 1 - KM; no cause 1: CIF = 0
            assert s.estimate == pytest.approx(1 - km.estimate if 1 in codes else 0.0, abs=TOL)
            if s.estimate in (0.0, 1.0):
                assert (s.lower, s.upper) == (None, None)
        return
    x, cif, ci = cumulative_incidence_competing_risks(np.array(codes), np.array(times),
                                                      conf_type="log-log", var_type="Aalen")
    assert [s.time for s in steps] == x.tolist()
    for s, est, lo, hi in zip(steps, cif[1], ci[1][0], ci[1][1], strict=True):
        assert s.estimate == pytest.approx(est, abs=TOL)
        assert band(s) == pytest.approx((lo, hi), abs=TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_aalen_johansen_matches_lifelines_without_jitter(seed: int) -> None:
    # integer days >= 1 with heavy ties, but events at one time all of one cause (censorings may
    # share it): lifelines sees no mixed ties, does not jitter, and must agree exactly
    rng = random.Random(seed)
    cause_of_day = {day: rng.choice((1, 2)) for day in range(1, 31)}
    times = [float(rng.randint(1, 30)) for _ in range(250)]
    codes = [0 if rng.random() < 0.3 else cause_of_day[int(t)] for t in times]
    steps = aalen_johansen(times, codes)
    for cause in (1, 2):
        ours = steps if cause == 1 else aalen_johansen(times, [{1: 2, 2: 1}.get(c, c)
                                                               for c in codes])
        ajf = AalenJohansenFitter(calculate_variance=False).fit(times, codes,
                                                                  event_of_interest=cause)
        cif = ajf.cumulative_density_[f"CIF_{cause}"]
        assert [s.estimate for s in ours] == pytest.approx(
            cif.loc[[s.time for s in ours]].tolist(), abs=TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_aalen_johansen_matches_lifelines_with_jitter(seed: int) -> None:
    # Events of both causes share integer days, so lifelines jitters event times by up to 1e-4.
    # Censorings lie on half days, so no jittered event crosses a censoring or another day; the
    # order of events within a day does not change the estimate after the day, so lifelines'
    # value at day + 0.25 must equal the project's at the day.
    rng = random.Random(100 + seed)
    times = [float(rng.randint(1, 20)) for _ in range(150)]
    codes = [rng.choice((1, 2)) for _ in times]
    censored = [rng.randint(1, 20) + 0.5 for _ in range(60)]
    times += censored
    codes += [0] * len(censored)
    steps = aalen_johansen(times, codes)
    with pytest.warns(Warning, match="Tied event times"):
        ajf = AalenJohansenFitter(calculate_variance=False, seed=seed).fit(
            times, codes, event_of_interest=1)
    cif = ajf.cumulative_density_["CIF_1"]
    index = cif.index.to_numpy()
    for s in steps:
        if s.time == int(s.time):
            value = cif.iloc[int(np.searchsorted(index, s.time + 0.25, side="right")) - 1]
            assert s.estimate == pytest.approx(value, abs=TOL)


# --- log-rank ----------------------------------------------------------------------------------


def _logrank_of(times: Sequence[float], events: Sequence[int], groups: Sequence[object]
                ) -> tuple[float, float, int]:
    r = logrank([float(t) for t in times], [int(e) for e in events], [str(g) for g in groups])
    return r.statistic, r.p_value, r.df


def test_logrank_against_r_from_lifelines_suite() -> None:
    # lifelines/tests/test_statistics.py, checked there against R's survdiff
    # test_rank_test_output_against_R_no_censorship
    stat, p, df = _logrank_of([10, 20, 30, 10, 20, 50], [1] * 6, [1, 1, 1, 0, 0, 0])
    assert stat == pytest.approx(0.254237, abs=1e-6)
    assert p == pytest.approx(0.614107, abs=1e-6)
    assert df == 1
    # test_rank_test_output_against_R_with_censorship; O and E by hand:
    # t=10: 6 at risk (3 + 3), 2 deaths: E1 = 1, var 3*3*2*4/(36*5) = 0.4
    # t=30: 2 at risk (1 + 1), 1 death in group 1: E1 = 0.5, var 0.25
    # t=50: 1 at risk (group 0), 1 death: E1 = 0.   O1 = 2, E1 = 1.5: (0.5)^2/0.65 = 0.384615
    r = logrank([10, 20, 30, 10, 20, 50], [1, 0, 1, 1, 0, 1], ["1", "1", "1", "0", "0", "0"])
    assert r.statistic == pytest.approx(0.384615, abs=1e-6)
    assert r.p_value == pytest.approx(0.535143, abs=1e-6)
    assert r.observed == {"0": 2, "1": 2}
    assert r.expected == pytest.approx({"0": 2.5, "1": 1.5}, abs=TOL)
    # test_logrank_test_output_against_R_2: Freireich's leukaemia remission data (via the ETH
    # seminar slides); R: chisq 16.8 on 1 df, p 4.17e-05, control O 21 E 10.7, 6-MP O 9 E 19.3
    control = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
    treated = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 25]
    treated_events = [1] * 9 + [0] * 12
    r = logrank(control + treated, [1] * 21 + treated_events, ["control"] * 21 + ["6-MP"] * 21)
    assert r.statistic == pytest.approx(16.8, abs=0.05)
    assert r.p_value == pytest.approx(4.17e-05, abs=5e-7)
    assert r.observed == {"control": 21, "6-MP": 9}
    assert r.expected == pytest.approx({"control": 10.7, "6-MP": 19.3}, abs=0.05)
    # the same data as lifelines' leukemia dataset (Kleinbaum and Klein), by Rx
    leukemia = load_leukemia()
    assert _logrank_of(leukemia["t"], leukemia["status"], leukemia["Rx"])[0] == pytest.approx(
        r.statistic, abs=TOL)
    # test_logrank_test_output_against_R_1: g3, p 0.0138
    g3 = load_g3()
    assert _logrank_of(g3["time"], g3["event"], g3["group"])[1] == pytest.approx(0.0138,
                                                                                abs=1e-4)
    # test_load_lymphoma_logrank (StatsDirect): 6.70971, p 0.0096
    lymphoma = load_lymphoma()
    stat, p, _ = _logrank_of(lymphoma["Time"], lymphoma["Censor"], lymphoma["Stage_group"])
    assert stat == pytest.approx(6.70971, abs=1e-4)
    assert p == pytest.approx(0.0096, abs=1e-4)
    # test_multivariate_logrank_on_dd_dataset: R survdiff, six regimes, 322.5991
    dd = load_dd()
    stat, _, df = _logrank_of(dd["duration"], dd["observed"], dd["regime"])
    assert stat == pytest.approx(322.5991, abs=1e-4)
    assert df == 5


def _assert_logrank_matches_lifelines(times: Sequence[float], events: Sequence[int],
                                      groups: Sequence[str]) -> None:
    r = logrank(times, events, groups)
    ref = multivariate_logrank_test(np.array(times, float), np.array(groups), np.array(events))
    assert r.df == ref.degrees_of_freedom == len(set(groups)) - 1
    assert r.statistic == pytest.approx(ref.test_statistic, rel=1e-9, abs=1e-12)
    assert r.p_value == pytest.approx(ref.p_value, rel=1e-9, abs=1e-15)
    if len(set(groups)) == 2:
        a, b = sorted(set(groups))
        pick = [[i for i, g in enumerate(groups) if g == name] for name in (a, b)]
        two = logrank_test([times[i] for i in pick[0]], [times[i] for i in pick[1]],
                           [events[i] for i in pick[0]], [events[i] for i in pick[1]])
        assert r.statistic == pytest.approx(two.test_statistic, rel=1e-9, abs=1e-12)
        assert r.p_value == pytest.approx(two.p_value, rel=1e-9, abs=1e-15)
    for name in set(groups):
        assert r.observed[name] == sum(e for e, g in zip(events, groups, strict=True)
                                       if g == name)
    assert sum(r.expected.values()) == pytest.approx(sum(events), abs=1e-9)


def test_logrank_on_lifelines_datasets() -> None:
    waltons = load_waltons()
    _assert_logrank_matches_lifelines(waltons["T"].tolist(), waltons["E"].tolist(),
                                      waltons["group"].tolist())
    rossi = load_rossi()
    for column in ("fin", "race", "wexp", "paro"):
        _assert_logrank_matches_lifelines(rossi["week"].astype(float).tolist(),
                                          rossi["arrest"].tolist(),
                                          [f"{column}={v}" for v in rossi[column]])


@pytest.mark.parametrize("k", [2, 3, 4])
@pytest.mark.parametrize("kind", ["small", "continuous", "integer days, heavy ties",
                                  "no censoring, ties"])
@pytest.mark.parametrize("seed", SEEDS)
def test_logrank_matches_lifelines(k: int, kind: str, seed: int) -> None:
    times, codes = cohort(seed, kind)
    events = [int(c > 0) for c in codes]
    rng = random.Random(f"groups-{k}-{seed}")
    groups = [f"g{i % k}" for i in range(len(times))]  # every group present
    rng.shuffle(groups)
    if kind == "small":  # shift the second group so the test has something to find
        times = [t * 3 if g == "g1" else t for t, g in zip(times, groups, strict=True)]
    if k > 2 and seed % 2:  # an all-censored group
        events = [0 if g == "g0" else e for e, g in zip(events, groups, strict=True)]
    # one patient of each group censored last: every group is at risk at every event time (a
    # group that is not: see test_logrank_drops_a_group_never_at_risk_like_survdiff)
    end = max(times)
    times, events = times + [end] * k, events + [0] * k
    groups = groups + [f"g{i}" for i in range(k)]
    _assert_logrank_matches_lifelines(times, events, groups)


def test_logrank_degenerate_conventions() -> None:
    # No information at all (the only deaths leave no one at risk): no variance. The project
    # gives no test (NaN); lifelines (pseudo-inverse) reports 0 with p = 1.
    r = logrank([1, 1], [1, 1], ["a", "b"])
    assert math.isnan(r.statistic) and math.isnan(r.p_value)
    ref = multivariate_logrank_test(np.array([1.0, 1.0]), np.array(["a", "b"]), np.array([1, 1]))
    assert (ref.test_statistic, ref.p_value) == (0.0, 1.0)
    # A group nobody is at risk in at any event time (b censored at t=1, before the deaths at
    # 3 and 5). O and E are still defined: a O 1 E 1.5, b O 0 E 0, c O 1 E 0.5
    r = logrank([5, 1, 3], [1, 0, 1], ["a", "b", "c"])
    assert r.observed == {"a": 1, "b": 0, "c": 1}
    assert r.expected == pytest.approx({"a": 1.5, "b": 0.0, "c": 0.5}, abs=TOL)
    # lifelines keeps df = k - 1 = 2 with a pseudo-inverse: 1.0 on 2 df, p 0.6065
    ref = multivariate_logrank_test(np.array([5.0, 1, 3]), np.array(["a", "b", "c"]),
                                    np.array([1, 0, 1]))
    assert ref.test_statistic == pytest.approx(1.0, abs=TOL)
    assert ref.degrees_of_freedom == 2
    assert ref.p_value == pytest.approx(math.exp(-0.5), abs=TOL)


def test_logrank_drops_a_group_never_at_risk_like_survdiff() -> None:
    # By hand over groups a and c: t=3: 2 at risk, 1 death (c): E_a 0.5, var 0.25;
    # t=5: 1 at risk (a), 1 death: E_a 1, var 0. O_a - E_a = -0.5: 0.25 / 0.25 = 1.0 on 1 df
    r = logrank([5, 1, 3], [1, 0, 1], ["a", "b", "c"])
    assert r.statistic == pytest.approx(1.0, abs=TOL)
    assert r.df == 1
    assert r.p_value == pytest.approx(stats.chi2.sf(1.0, 1), rel=1e-9)


# --- chi-square tail ---------------------------------------------------------------------------


@pytest.mark.parametrize("df", range(1, 11))
def test_chi2_sf_matches_scipy(df: int) -> None:
    for x in (0.0, 1e-9, 1e-4, 0.01, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.841458820694124, 4.0,
              4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 15.0, 20.0, 30.0, 50.0,
              100.0, 300.0, 1000.0):
        assert chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-9, abs=0), (x, df)
    assert chi2_sf(3.841458820694124, 1) == pytest.approx(0.05, rel=1e-9)


# --- Harrell's C -------------------------------------------------------------------------------


def _assert_c_matches(times: Sequence[float], events: Sequence[int],
                      predicted: Sequence[float]) -> tuple[float, int]:
    c, usable = harrell_c(times, events, predicted)
    assert c == pytest.approx(concordance_index(times, predicted, events), abs=TOL)
    sk = concordance_index_censored(np.array(events, dtype=bool), np.array(times, float),
                                    -np.array(predicted, float), tied_tol=0)
    assert c == pytest.approx(sk[0], abs=TOL)
    assert usable == sk[1] + sk[2] + sk[3]  # concordant + discordant + tied in prediction
    return c, usable


@pytest.mark.parametrize("kind", ["small", "continuous", "integer days, heavy ties",
                                  "no censoring, ties"])
@pytest.mark.parametrize("seed", SEEDS)
def test_harrell_c_matches_lifelines_and_sksurv(kind: str, seed: int) -> None:
    times, codes = cohort(seed, kind)
    events = [int(c > 0) for c in codes]
    rng = random.Random(f"scores-{kind}-{seed}")
    # a noisy score that tracks survival, continuous (no ties) and on a 0-4 scale (many ties)
    exact = [t + rng.gauss(0, 150) for t in times]
    coarse = [float(min(4, max(0, round(t / 60 + rng.gauss(0, 1))))) for t in times]
    for predicted in (exact, coarse):
        c, usable = _assert_c_matches(times, events, predicted)
        assert usable > 0 and 0 <= c <= 1
    # sksurv's default tie tolerance changes nothing for scores on a 0-4 scale
    sk = concordance_index_censored(np.array(events, dtype=bool), np.array(times),
                                    -np.array(coarse))
    assert harrell_c(times, events, coarse)[0] == pytest.approx(sk[0], abs=TOL)


def test_harrell_c_on_rossi() -> None:
    # more prior convictions, earlier arrest: -prio as the "longer survival" score; heavy ties in
    # both weeks and scores
    rossi = load_rossi()
    times = rossi["week"].astype(float).tolist()
    events = rossi["arrest"].tolist()
    for predicted in ((-rossi["prio"]).astype(float).tolist(), rossi["age"].astype(float).tolist()):
        c, _ = _assert_c_matches(times, events, predicted)
        assert c > 0.5


def test_harrell_c_tie_handling() -> None:
    # By hand. Times 1 2 2 3 4, events 1 1 0 1 0, scores 1 2 2 3 5:
    # usable: (1; 2, 2, 3, 4) 4 pairs; the event at 2 with (censored 2, 3, 4) 3 pairs - the event
    # and the censoring at 2 are comparable, two events at one time would not be; (3; 4) 1 pair.
    # 8 pairs; the event at 2 and the censoring at 2 tie on score 2 (1/2), the rest concordant.
    times, events, scores = [1, 2, 2, 3, 4], [1, 1, 0, 1, 0], [1, 2, 2, 3, 5]
    c, usable = _assert_c_matches(times, events, scores)
    assert c == pytest.approx(7.5 / 8, abs=TOL)
    assert usable == 8
    # two deaths at one time are not a usable pair, whatever their scores
    assert harrell_c([2, 2, 5], [1, 1, 0], [1, 9, 5])[1] == 2
    assert _assert_c_matches([2, 2, 5], [1, 1, 0], [1, 9, 5])[1] == 2
    # Scores 1e-9 apart: the project and lifelines order them; scikit-survival's default
    # tied_tol=1e-8 calls them tied (tied_tol=0 agrees with the project)
    near = [0.0, 1e-9, 2e-9]
    assert harrell_c([1, 2, 3], [1, 1, 1], near) == (1.0, 3)
    assert concordance_index([1, 2, 3], near, [1, 1, 1]) == 1.0
    loose = concordance_index_censored(np.array([True] * 3), np.array([1.0, 2, 3]),
                                       -np.array(near))
    assert loose[0] == pytest.approx(0.5)
    # no usable pair: project NaN, lifelines and scikit-survival raise
    # (censored at 1, death at 2)
    c, usable = harrell_c([1, 2], [0, 1], [1.0, 2.0])
    assert math.isnan(c) and usable == 0
    with pytest.raises(ZeroDivisionError):
        concordance_index([1, 2], [1.0, 2.0], [0, 1])
    with pytest.raises(NoComparablePairException):
        concordance_index_censored(np.array([False, True]), np.array([1.0, 2.0]),
                                   np.array([-1.0, -2.0]))
