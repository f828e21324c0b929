"""Calibration of the survival scores: local survival by band against the published figures.

The input is a counts table: ``counts[(score, band, days, died)] = patients``, days from the first
bone metastasis to death (``died`` 1) or to the last date known alive (``died`` 0). Counts add
up across partitions of a registry, so partial tables can be merged before the call
(:mod:`osseous.analytics.prognosis` builds them from cases). For every score of
:data:`osseous.knowledge.published_survival.PUBLISHED_SURVIVAL` and each of its bands the output
gives the patients and deaths, the Kaplan-Meier median in months with its Brookmeyer-Crowley 95 %
interval, and for each published figure the observed estimate it refers to and a verdict:

* ``consistent``: the published figure lies within the observed 95 % interval. A published
  figure stands for every value that rounds to it (0.91 for 0.905-0.915), so it is consistent
  when that range overlaps the interval;
* ``higher`` / ``lower``: the published figure lies above / below the whole observed interval
  (``higher``: the local patients lived shorter than published);
* ``not estimable``: the observed estimate or its interval is undefined, with the reason (no
  patients; median not reached; follow-up ending before the month; an estimate of 0 or 1, where
  the log-log interval is undefined).

Medians are compared with the observed median's interval; a proportion alive at N months with
the Kaplan-Meier estimate at N months and its log-log interval. A predicted survival period
(revised Tokuhashi: "< 6 months", ">= 6 months", ">= 12 months") is read as a statement about
the band's median, i.e. about the proportion alive at the threshold: "< T" claims S(T) < 0.5,
">= T" claims S(T) >= 0.5. It is ``lower`` when the whole interval of S(T) lies above 0.5 (more
than half lived past T although the band predicts less), ``higher`` for ">= T" when the whole
interval lies below 0.5, and ``consistent`` otherwise (the data do not contradict it). Months
are days / (365.25 / 12). A log-rank test across the bands with patients is given per score.

The papers count survival from their own origin (surgery, the radiotherapy consultation), later
than the first bone metastasis, so local survival is expected to run longer than published;
docs/clinical/published-survival.md lists this and the other limits of the comparison.

References: Kaplan EL, Meier P, J Am Stat Assoc 1958; the log-log interval, Kalbfleisch JD,
Prentice RL, The Statistical Analysis of Failure Time Data, 2002, 4.3; Brookmeyer R, Crowley J,
Biometrics 1982;38:29-41; the log-rank test, Mantel N 1966, Peto R, Peto J 1972 (all as
implemented in :mod:`osseous.analytics.estimators`). The published figures and their sources:
:mod:`osseous.knowledge.published_survival`; docs/clinical/published-survival.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from osseous.analytics.estimators import (
    DAYS_PER_MONTH,
    Step,
    kaplan_meier_counts,
    logrank_counts,
    median,
    median_ci,
)
from osseous.core.errors import InvalidInput, Problem
from osseous.knowledge.published_survival import (
    PUBLISHED_SURVIVAL,
    BandSurvival,
    MedianSurvival,
    PublishedFigure,
    SurvivalAt,
)

#: (score id, band id, follow-up days, died 0/1)
Key = tuple[str, str, float, int]
#: days -> [censored, deaths]
_Table = dict[float, list[int]]

VERDICTS: Final = {
    "consistent": "the published figure (every value that rounds to it) lies within the "
                  "observed 95% interval, or a predicted period is not contradicted by it",
    "higher": "the published figure lies above the observed 95% interval: the local patients "
              "lived shorter than published",
    "lower": "the published figure lies below the observed 95% interval: the local patients "
             "lived longer than published",
    "not estimable": "the observed estimate or its interval is undefined (reason given)",
}


def calibration(counts: Mapping[Key, int]) -> dict[str, Any]:
    """Observed survival per band of each survival score against the published figures.

    ``counts[(score, band, days, died)]`` is a number of patients. Every score and band appears
    in the output, scores by id and bands in ascending order of total, so the output depends only
    on the counts. Raises :class:`InvalidInput` naming every bad key field
    (``counts[key].score``, ``.band``, ``.days``, ``.died``) or count.
    """
    tables = _tables(counts)
    scores = []
    for score in sorted(PUBLISHED_SURVIVAL):
        by_band = tables.get(score, {})
        bands = [_band(b, by_band.get(b.band, {})) for b in PUBLISHED_SURVIVAL[score].values()]
        scores.append({
            "score": score,
            "patients": sum(b["patients"] for b in bands),
            "deaths": sum(b["deaths"] for b in bands),
            "bands": bands,
            "logrank": _logrank(list(PUBLISHED_SURVIVAL[score]), by_band),
        })
    references = sorted({c for bands in PUBLISHED_SURVIVAL.values() for b in bands.values()
                         for f in b.figures or () for c in (f.citation, f.seen_in) if c})
    return {
        "format": "osseous.calibration/1",
        "origin": "first bone metastasis to death or the last date known alive",
        "days_per_month": DAYS_PER_MONTH,
        "verdicts": VERDICTS,
        "scores": scores,
        "references": references,
    }


def _tables(counts: Mapping[Key, int]) -> dict[str, dict[str, _Table]]:
    """Validate the counts and group them as score -> band -> days -> [censored, deaths]."""
    problems: list[Problem] = []
    out: dict[str, dict[str, _Table]] = {}
    for key, n in counts.items():
        path = f"counts[{key!r}]"
        if not isinstance(key, tuple) or len(key) != 4:
            problems.append(Problem(path, "a key must be (score, band, follow-up days, "
                                          "died 0/1)"))
            continue
        score, band, days, died = key
        before = len(problems)
        bands = PUBLISHED_SURVIVAL.get(score) if isinstance(score, str) else None
        if bands is None:
            problems.append(Problem(f"{path}.score", "unknown survival score (known: "
                                    f"{', '.join(sorted(PUBLISHED_SURVIVAL))})", score))
        elif band not in bands:
            problems.append(Problem(f"{path}.band", f"not a band of {score} (known: "
                                    f"{', '.join(bands)})", band))
        if (isinstance(days, bool) or not isinstance(days, int | float)
                or not math.isfinite(days) or days < 0):
            problems.append(Problem(f"{path}.days", "must be a finite number of days >= 0",
                                    days))
        if not isinstance(died, int) or died not in (0, 1):
            problems.append(Problem(f"{path}.died", "must be 0 (alive at last follow-up) or 1 "
                                                    "(died)", died))
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            problems.append(Problem(path, "the number of patients must be an integer >= 0", n))
        if len(problems) == before:
            row = out.setdefault(score, {}).setdefault(band, {}).setdefault(float(days), [0, 0])
            row[int(died)] += n
    if problems:
        raise InvalidInput(problems)
    return out


def _months(days: float | None) -> float | None:
    return None if days is None else days / DAYS_PER_MONTH


def _band(published: BandSurvival, table: _Table) -> dict[str, Any]:
    table = {t: r for t, r in table.items() if r[0] or r[1]}  # zero counts carry nothing
    steps = kaplan_meier_counts(table) if table else []
    low, high = median_ci(steps)
    figures = None
    if published.figures is not None:
        figures = [_figure(f, steps, table) for f in published.figures]
    return {
        "band": published.band,
        "totals": list(published.totals),
        "patients": sum(r[0] + r[1] for r in table.values()),
        "deaths": sum(r[1] for r in table.values()),
        "follow_up_months": _months(max(table)) if table else None,
        "median_months": _months(median(steps)),
        "median_ci95_months": [_months(low), _months(high)],
        "published": figures,
        "published_unavailable": published.reason,
    }


def _figure(f: PublishedFigure, steps: list[Step], table: _Table) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": f.figure.kind, "statement": f.figure.describe(), "citation": f.citation,
        "seen_in": f.seen_in, "cohort": f.cohort, "verification": f.verification,
        "note": f.note,
    }
    fig = f.figure
    if isinstance(fig, MedianSurvival):
        out |= {"months": fig.months, "bounds": list(fig.bounds()),
                "published_ci95": list(fig.ci95) if fig.ci95 else None}
        verdict, reason = _median_verdict(fig, steps, table)
        out["observed"] = {"median_months": _months(median(steps)),
                           "ci95_months": [_months(t) for t in median_ci(steps)]}
    else:
        observed, reason = _survival_at(fig.months, steps, table)
        out["observed"] = observed
        if isinstance(fig, SurvivalAt):
            out |= {"months": fig.months, "proportion": fig.proportion,
                    "bounds": list(fig.bounds())}
            verdict = _place(fig.bounds(), observed["ci95"]) if reason is None else None
        else:
            out |= {"months": fig.months, "relation": fig.relation,
                    "comparison": f"observed survival at {fig.months} months against 0.5 "
                                  f"(the median {fig.relation} {fig.months} months)"}
            verdict = None
            if reason is None:
                ci_low, ci_high = observed["ci95"]
                contradicted = ci_low > 0.5 if fig.relation == "<" else ci_high < 0.5
                verdict = ("lower" if fig.relation == "<" else "higher") if contradicted \
                    else "consistent"
    out |= {"verdict": verdict or "not estimable", "reason": reason}
    return out


def _place(bounds: tuple[float, float], interval: list[float]) -> str:
    """Where the published range lies against the observed interval."""
    if bounds[0] > interval[1]:
        return "higher"
    if bounds[1] < interval[0]:
        return "lower"
    return "consistent"


def _median_verdict(fig: MedianSurvival, steps: list[Step],
                    table: _Table) -> tuple[str | None, str | None]:
    if not table:
        return None, "no patients in this band"
    last = _months(max(table))
    if median(steps) is None:
        return None, (f"median not reached: survival stays above 50% to the last follow-up "
                      f"({last:.1f} months)")
    low, high = median_ci(steps)
    if low is None or high is None:
        which = "lower" if low is None else "upper"
        return None, (f"the 95% interval of the median has no {which} limit within the "
                      f"follow-up ({last:.1f} months)")
    return _place(fig.bounds(), [low / DAYS_PER_MONTH, high / DAYS_PER_MONTH]), None


def _survival_at(months: int, steps: list[Step],
                 table: _Table) -> tuple[dict[str, Any], str | None]:
    """The Kaplan-Meier estimate at ``months`` with its log-log interval, or why not."""
    day = months * DAYS_PER_MONTH
    at_risk = sum(r[0] + r[1] for t, r in table.items() if t >= day)
    step = None
    for s in steps:
        if s.time > day:
            break
        step = s
    estimate = step.estimate if step else 1.0
    observed: dict[str, Any] = {"months": months, "at_risk": at_risk, "survival": estimate,
                                "ci95": None}
    if not table:
        return observed | {"survival": None}, "no patients in this band"
    if at_risk == 0 and estimate > 0:
        return observed | {"survival": None}, (
            f"follow-up ends at {max(table) / DAYS_PER_MONTH:.1f} months, before {months} "
            "months")
    if estimate <= 0 or estimate >= 1:
        return observed, (f"observed survival at {months} months is {estimate:g} (every patient "
                          f"{'died' if estimate <= 0 else 'alive'}); the log-log interval is "
                          "undefined at 0 and 1")
    if step is None or step.lower is None or step.upper is None:  # pragma: no cover
        return observed, "the log-log interval is undefined"
    return observed | {"ci95": [step.lower, step.upper]}, None


def _logrank(bands: list[str], by_band: Mapping[str, _Table]) -> dict[str, Any]:
    """The log-rank test across the bands with patients. A band nobody in which was at risk at
    any death (expected 0) makes the variance singular; it is left out and listed, as R's
    survdiff does."""
    groups = {b: by_band[b] for b in bands
              if b in by_band and any(r[0] or r[1] for r in by_band[b].values())}
    out: dict[str, Any] = {"bands": list(groups), "statistic": None, "df": None,
                           "p_value": None, "observed": None, "expected": None,
                           "left_out": [], "reason": None}
    if len(groups) < 2:
        return out | {"reason": "fewer than two bands with patients"}
    result = logrank_counts(groups)
    if not any(result.observed.values()):
        return out | {"reason": "no deaths"}
    never = [b for b in groups if result.expected[b] == 0]
    if never and len(groups) - len(never) >= 2:
        groups = {b: t for b, t in groups.items() if b not in never}
        result = logrank_counts(groups)
        out |= {"bands": list(groups), "left_out": never}
    if math.isnan(result.statistic) or math.isnan(result.p_value):
        return out | {"reason": "the variance of the observed deaths is singular"}
    return out | {"statistic": result.statistic, "df": result.df, "p_value": result.p_value,
                  "observed": {b: result.observed[b] for b in groups},
                  "expected": {b: result.expected[b] for b in groups}}
