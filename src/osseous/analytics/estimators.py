"""Time-to-event estimators the bone-metastasis literature reports, in plain Python.

* Kaplan-Meier survival with Greenwood's variance and the log-log ("exponential Greenwood")
  95 % interval (Kalbfleisch and Prentice 2002, 4.3), which stays inside [0, 1], and the
  median with the Brookmeyer-Crowley interval read from that band;
* the Aalen-Johansen cumulative incidence of one event type with death as a competing risk
  (Aalen and Johansen 1978), with Aalen's variance (Aalen 1978; Pintilie 2006, eq. 4.5) and a
  log-log interval. Skeletal-related events are reported this way because 1 - KM overstates
  the incidence when death removes patients before they can have an event;
* the k-group log-rank test (Mantel 1966; Peto and Peto 1972) with the hypergeometric variance;
* Harrell's concordance index of a prognostic score against observed survival (Harrell et al.
  1982; 1996).

Times are days (any unit works), the event codes are integers: 0 censored, 1 the event of
interest, 2 a competing event. Ties are handled in the usual way: at a time with both events
and censorings, the events come first.

Every estimator also takes *counts*: how many patients ended at each time with each code. Counts
add up across partitions of a registry, so a cohort split over processes or machines gives the
same numbers as one pass over it (``osseous.analytics.engine``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054
DAYS_PER_MONTH = 365.25 / 12

#: time -> patients ending then with code 0, 1 (and 2); shorter sequences mean zeros
Counts = Mapping[float, Sequence[int]]


@dataclass(frozen=True, slots=True)
class Step:
    """The estimate just after ``time``."""

    time: float
    at_risk: int
    events: int
    censored: int
    estimate: float
    lower: float | None
    upper: float | None


@dataclass(frozen=True, slots=True)
class LogRank:
    """The log-rank test across groups: chi-square statistic on ``df`` degrees of freedom."""

    statistic: float
    df: int
    p_value: float
    observed: dict[str, int]
    expected: dict[str, float]


def _check(times: Sequence[float], codes: Sequence[int], allowed: tuple[int, ...]) -> None:
    if len(times) != len(codes):
        raise ValueError(f"times and events differ in length ({len(times)} vs {len(codes)})")
    for i, (t, c) in enumerate(zip(times, codes, strict=True)):
        if not isinstance(t, int | float) or math.isnan(t) or t < 0:
            raise ValueError(f"times[{i}]: must be a number >= 0 (given: {t!r})")
        if c not in allowed:
            raise ValueError(f"events[{i}]: must be one of {allowed} (given: {c!r})")


def counts_of(times: Sequence[float], codes: Sequence[int],
              width: int = 3) -> dict[float, list[int]]:
    """The counts form of individual times and codes."""
    out: dict[float, list[int]] = {}
    for t, c in zip(times, codes, strict=True):
        row = out.get(float(t))
        if row is None:
            row = out[float(t)] = [0] * width
        row[c] += 1
    return out


def _rows(counts: Counts, width: int) -> list[tuple[float, list[int]]]:
    rows = []
    for t, row in sorted(counts.items()):
        if len(row) > width or any(n < 0 for n in row):
            raise ValueError(f"counts[{t}]: must be up to {width} counts >= 0 (given: {row!r})")
        rows.append((float(t), [*row, *[0] * (width - len(row))]))
    return rows


def kaplan_meier(times: Sequence[float], events: Sequence[int]) -> list[Step]:
    """Kaplan-Meier survival at each distinct time, with the log-log 95 % interval."""
    _check(times, events, (0, 1))
    return kaplan_meier_counts(counts_of(times, events, 2))


def kaplan_meier_counts(counts: Counts) -> list[Step]:
    """Kaplan-Meier from counts: ``counts[t] = (censored, events)``."""
    rows = _rows(counts, 2)
    at_risk = sum(sum(r) for _, r in rows)
    survival, greenwood = 1.0, 0.0
    out: list[Step] = []
    for t, (censored, d) in rows:
        if d:
            survival *= 1 - d / at_risk
            greenwood = greenwood + d / (at_risk * (at_risk - d)) if at_risk > d else math.inf
        lower, upper = _loglog_interval(survival, greenwood)
        out.append(Step(t, at_risk, d, censored, survival, lower, upper))
        at_risk -= d + censored
    return out


def _loglog_interval(s: float, relative_variance: float) -> tuple[float | None, float | None]:
    """The interval of ``s`` on the log(-log) scale, from the variance of log(s)."""
    if s <= 0 or s >= 1 or math.isinf(relative_variance):
        return (None, None) if s < 1 else (1.0, 1.0)
    log_s = math.log(s)
    se = math.sqrt(relative_variance) / abs(log_s)
    centre = math.log(-log_s)
    # exp() overflows only when the band is wider than [0, 1] anyway
    hi, lo = centre + Z95 * se, centre - Z95 * se
    return (0.0 if hi > 700 else math.exp(-math.exp(hi)), math.exp(-math.exp(lo)))


def median(steps: Sequence[Step]) -> float | None:
    """The first time the estimate falls to 0.5 or below; None if it never does."""
    return next((s.time for s in steps if s.estimate <= 0.5), None)


def median_ci(steps: Sequence[Step]) -> tuple[float | None, float | None]:
    """The 95 % interval of the median: the times the pointwise band's lower and upper limits
    first fall to 0.5 or below (Brookmeyer and Crowley 1982, with the log-log band). None where
    the limit never reaches 0.5 (not estimable from this follow-up)."""
    low = next((s.time for s in steps if s.lower is not None and s.lower <= 0.5), None)
    high = next((s.time for s in steps if s.upper is not None and s.upper <= 0.5), None)
    return low, high


def aalen_johansen(times: Sequence[float], causes: Sequence[int]) -> list[Step]:
    """Cumulative incidence of cause 1 with cause 2 competing, at each distinct time."""
    _check(times, causes, (0, 1, 2))
    return aalen_johansen_counts(counts_of(times, causes, 3))


def aalen_johansen_counts(counts: Counts) -> list[Step]:
    """Cumulative incidence from counts: ``counts[t] = (censored, cause 1, cause 2)``.

    CIF(t) = sum over times t_k <= t of S(t_k-) d1_k / n_k, S the all-cause Kaplan-Meier just
    before t_k. Aalen's variance (Pintilie 2006, eq. 4.5), with d_k all events at t_k:

        sum_k (F(t) - F_k)^2 d_k / ((n_k - 1)(n_k - d_k))
      + sum_k S(t_k-)^2 d1_k (n_k - d1_k) / (n_k^2 (n_k - 1))
      - 2 sum_k (F(t) - F_k) S(t_k-) d1_k (n_k - d1_k) / (n_k (n_k - d_k)(n_k - 1))

    summed by expanding the squares into running sums (one pass, not one per time); terms
    whose denominator is zero count as zero, as in scikit-survival. The interval is log-log.
    """
    rows = _rows(counts, 3)
    at_risk = sum(sum(r) for _, r in rows)
    survival, incidence = 1.0, 0.0
    a = af = aff = b = c = cf = 0.0  # running sums: a, a*F, a*F^2, b, c, c*F
    out: list[Step] = []
    for t, (censored, d1, d2) in rows:
        n, d = at_risk, d1 + d2
        if n:
            incidence += survival * d1 / n
            if d:
                ak = d / ((n - 1) * (n - d)) if n > 1 and n > d else 0.0
                a, af, aff = a + ak, af + ak * incidence, aff + ak * incidence * incidence
                if n > 1:
                    b += survival * survival * d1 * (n - d1) / (n * n * (n - 1))
                    if n > d:
                        ck = survival * d1 * (n - d1) / (n * (n - d) * (n - 1))
                        c, cf = c + ck, cf + ck * incidence
            survival *= 1 - d / n
        f = incidence
        variance = max(0.0, f * f * a - 2 * f * af + aff + b - 2 * (f * c - cf))
        lower, upper = (None, None)
        if 0 < f < 1:
            lower, upper = _loglog_interval(f, variance / (f * f))
        out.append(Step(t, n, d1, censored, f, lower, upper))
        at_risk -= d + censored
    return out


def logrank(times: Sequence[float], events: Sequence[int], groups: Sequence[str]) -> LogRank:
    """The log-rank test of equal survival across the groups."""
    _check(times, events, (0, 1))
    if len(groups) != len(times):
        raise ValueError("groups: must have one value per patient")
    by_group: dict[str, dict[float, list[int]]] = {}
    for t, e, g in zip(times, events, groups, strict=True):
        row = by_group.setdefault(str(g), {}).setdefault(float(t), [0, 0])
        row[e] += 1
    return logrank_counts(by_group)


def logrank_counts(groups: Mapping[str, Counts]) -> LogRank:
    """The k-group log-rank test from each group's counts ``(censored, events)``.

    At each event time, group g's expected deaths are n_g d / n and the covariance of the
    observed counts is hypergeometric: n_g (delta_gh n - n_h) d (n - d) / (n^2 (n - 1)). The
    statistic (O - E)' V^-1 (O - E) over the first k - 1 groups is chi-square on k - 1
    degrees of freedom, k counting the groups with any patient at risk at an event time.
    """
    names = sorted(groups)
    if len(names) < 2:
        raise ValueError(f"groups: the log-rank test needs two groups or more (given: {names})")
    tables = {g: dict(_rows(groups[g], 2)) for g in names}
    at_risk = {g: sum(sum(r) for r in tables[g].values()) for g in names}
    k = len(names)
    observed = dict.fromkeys(names, 0)
    expected = dict.fromkeys(names, 0.0)
    cov = [[0.0] * k for _ in range(k)]
    for t in sorted({t for table in tables.values() for t in table}):
        rows = [tables[g].get(t, [0, 0]) for g in names]
        n_g = [at_risk[g] for g in names]
        n, d = sum(n_g), sum(r[1] for r in rows)
        if d:
            for i, g in enumerate(names):
                observed[g] += rows[i][1]
                expected[g] += n_g[i] * d / n
            if n > 1:
                scale = d * (n - d) / (n * n * (n - 1))
                for i in range(k):
                    for j in range(k):
                        cov[i][j] += n_g[i] * ((n if i == j else 0) - n_g[j]) * scale
        for i, g in enumerate(names):
            at_risk[g] -= rows[i][0] + rows[i][1]
    # a group nobody in which was at risk at any event time adds nothing and would make the
    # covariance singular: it is left out, as R's survdiff does
    keep = [i for i, g in enumerate(names) if expected[g] > 0]
    df = len(keep) - 1
    if df < 1:
        return LogRank(math.nan, max(df, 0), math.nan, observed, expected)
    diff = [observed[names[i]] - expected[names[i]] for i in keep[:-1]]
    solved = _solve([[cov[i][j] for j in keep[:-1]] for i in keep[:-1]], diff)
    statistic = sum(x * y for x, y in zip(diff, solved, strict=True)) if solved else math.nan
    return LogRank(statistic, df, chi2_sf(statistic, df) if solved else math.nan,
                   observed, expected)


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float] | None:
    """Gaussian elimination with partial pivoting; None when the matrix is singular."""
    n = len(vector)
    m = [[*row, v] for row, v in zip(matrix, vector, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= factor * m[col][c]
    out = [0.0] * n
    for r in range(n - 1, -1, -1):
        out[r] = (m[r][n] - sum(m[r][c] * out[c] for c in range(r + 1, n))) / m[r][r]
    return out


def chi2_sf(x: float, df: int) -> float:
    """P(X >= x) for chi-square with ``df`` degrees of freedom: the regularised upper
    incomplete gamma Q(df/2, x/2), by its series below a + 1 and its continued fraction
    above (Press et al., Numerical Recipes, 6.2)."""
    if df < 1:
        raise ValueError(f"df: must be >= 1 (given: {df})")
    if x <= 0:
        return 1.0
    a, z = df / 2, x / 2
    log_prefix = a * math.log(z) - z - math.lgamma(a)
    if z < a + 1:
        term = total = 1 / a
        k = a
        while abs(term) > abs(total) * 1e-16:
            k += 1
            term *= z / k
            total += term
        return max(0.0, 1 - total * math.exp(log_prefix))
    # modified Lentz for the continued fraction of Q
    tiny = 1e-300
    b = z + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return math.exp(log_prefix) * h


def harrell_c(times: Sequence[float], events: Sequence[int],
              predicted: Sequence[float]) -> tuple[float, int]:
    """Harrell's C for a score where a higher value predicts longer survival."""
    _check(times, events, (0, 1))
    if len(predicted) != len(times):
        raise ValueError("predicted: must have one value per patient")
    counts: dict[tuple[float, int, float], int] = {}
    for t, e, p in zip(times, events, predicted, strict=True):
        key = (float(t), e, float(p))
        counts[key] = counts.get(key, 0) + 1
    return harrell_c_counts(counts)


def harrell_c_counts(counts: Mapping[tuple[float, int, float], int]) -> tuple[float, int]:
    """Harrell's C from counts keyed by (time, event 0/1, predicted value).

    A pair is usable when the shorter time ends in an event (and the times differ, or the
    shorter one is an event and the other censored at the same time). It is concordant when the
    patient who died first has the lower score; tied scores count one half. Returns
    (C, usable pairs); C is NaN when no pair is usable.
    """
    # Sweep from the longest time down, keeping how many patients with each predicted value
    # lie strictly later: O(distinct times x distinct values), fast for integer scores.
    by_time: dict[float, list[tuple[int, float, int]]] = {}
    for (t, e, p), k in counts.items():
        by_time.setdefault(t, []).append((e, p, k))
    later: dict[float, int] = {}
    concordant, usable = 0.0, 0
    for t in sorted(by_time, reverse=True):
        group = by_time[t]
        censored_here: dict[float, int] = {}
        for e, p, k in group:
            if e == 0:
                censored_here[p] = censored_here.get(p, 0) + k
        for e, p, k in group:
            if e != 1:
                continue
            for table in (later, censored_here):
                for value, m in table.items():
                    usable += k * m
                    if p < value:
                        concordant += k * m
                    elif p == value:
                        concordant += 0.5 * k * m
        for _e, p, k in group:
            later[p] = later.get(p, 0) + k
    return (concordant / usable if usable else math.nan), usable


Cell = tuple[float, int, float]  # (time, event 0/1, score)


def _pairs_by_cell(cells: list[tuple[Cell, int]]) -> dict[Cell, list[float]]:
    """Concordant and discordant usable pairs of one patient in each cell (a tied score counts
    one half to each): one sweep down the times for the partners who lived longer, one sweep up
    for those who died earlier."""
    values = sorted({p for (_, _, p), _ in cells})
    rank = {v: i for i, v in enumerate(values)}
    out: dict[Cell, list[float]] = {key: [0.0, 0.0] for key, _ in cells}

    def credit(key: Cell, partners: list[int], outlived: bool) -> None:
        r = rank[key[2]]
        below, tied, above = sum(partners[:r]), partners[r], sum(partners[r + 1:])
        # concordant when the one who died first has the lower score
        good, bad = (below, above) if outlived else (above, below)
        out[key][0] += good + tied / 2
        out[key][1] += bad + tied / 2

    def by_rank(rows: list[tuple[Cell, int]], event: int | None) -> list[int]:
        counts = [0] * len(values)
        for (_, e, p), k in rows:
            if event is None or e == event:
                counts[rank[p]] += k
        return counts

    by_time: dict[float, list[tuple[Cell, int]]] = {}
    for key, k in cells:
        by_time.setdefault(key[0], []).append((key, k))
    later = [0] * len(values)  # everyone strictly later
    for t in sorted(by_time, reverse=True):
        partners = [a + b for a, b in zip(later, by_rank(by_time[t], 0), strict=True)]
        for key, _ in by_time[t]:
            if key[1] == 1:  # died at t: those censored at t or later lived longer
                credit(key, partners, False)
        later = [a + b for a, b in zip(later, by_rank(by_time[t], None), strict=True)]
    earlier = [0] * len(values)  # deaths strictly earlier
    for t in sorted(by_time):
        deaths = by_rank(by_time[t], 1)
        for key, _ in by_time[t]:
            # censored at t: outlived the deaths at t as well (deaths come first)
            credit(key, earlier if key[1] == 1 else
                   [a + b for a, b in zip(earlier, deaths, strict=True)], True)
        earlier = [a + b for a, b in zip(earlier, deaths, strict=True)]
    return out


def harrell_c_interval(counts: Mapping[Cell, int]) -> tuple[float, float] | None:
    """95 % interval of Harrell's C from the U-statistic variance of Noether (1967), in the
    form Pencina and D'Agostino (2004) give for survival data.

    Every patient i has c_i concordant and d_i discordant usable pairs. With n patients,
    pi_c = sum c_i / n(n-1), pi_d likewise, pi_cc = sum c_i(c_i - 1) / n(n-1)(n-2), pi_dd and
    pi_cd likewise:

        var(C) = 4 (pi_d^2 pi_cc - 2 pi_c pi_d pi_cd + pi_c^2 pi_dd) / ((pi_c + pi_d)^4 n)

    Patients with the same (time, event, score) share c_i and d_i, so the sums come from the
    counts. None with fewer than three patients or no usable pair.
    """
    cells = sorted(counts.items())
    n = sum(k for _, k in cells)
    if n < 3:
        return None
    sc = sd = scc = sdd = scd = 0.0
    pairs_of = _pairs_by_cell(cells)
    for key, k in cells:
        c, d = pairs_of[key]
        sc, sd = sc + k * c, sd + k * d
        scc, sdd, scd = scc + k * c * (c - 1), sdd + k * d * (d - 1), scd + k * c * d
    if sc + sd == 0:
        return None
    pairs, triples = n * (n - 1), n * (n - 1) * (n - 2)
    pc, pd = sc / pairs, sd / pairs
    pcc, pdd, pcd = scc / triples, sdd / triples, scd / triples
    variance = 4 * (pd * pd * pcc - 2 * pc * pd * pcd + pc * pc * pdd) / ((pc + pd) ** 4 * n)
    c_index = sc / (sc + sd)
    half = Z95 * math.sqrt(max(variance, 0.0))
    return max(0.0, c_index - half), min(1.0, c_index + half)


def wilson(numerator: int, denominator: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; None without a denominator."""
    if denominator == 0:
        return None
    p = numerator / denominator
    centre = (p + z * z / (2 * denominator)) / (1 + z * z / denominator)
    half = (z / (1 + z * z / denominator)) * math.sqrt(
        p * (1 - p) / denominator + z * z / (4 * denominator * denominator))
    return max(0.0, centre - half), min(1.0, centre + half)
