"""Skeletal-related events and survival from ``osseous.case/1`` documents.

The origin is the diagnosis of the first bone metastasis (``cancer.bone_metastases.
diagnosed_on``). Follow-up ends at death (an event ``death`` with a date) or at
``patient.last_known_alive``.

* Skeletal-related event (SRE): pathological fracture, spinal cord compression, radiation to
  bone or surgery to bone, the composite of the bone-modifying-agent trials (Coleman 2020
  ESMO). Hypercalcaemia is not counted: the denosumab and later zoledronic acid trials left it
  out. The cumulative incidence of the first SRE is estimated with death as a competing risk
  (Aalen-Johansen), not as 1 - Kaplan-Meier.
* Overall survival from the first bone metastasis: Kaplan-Meier with log-log 95 % intervals.

Patients whose origin or end of follow-up is unknown are excluded and counted by reason.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from osseous.analytics.estimators import (
    DAYS_PER_MONTH,
    Z95,
    Step,
    aalen_johansen,
    kaplan_meier,
    median,
)
from osseous.core.case import Case
from osseous.knowledge import bma

SRE_TYPES: Final = ("pathological-fracture", "spinal-cord-compression", "radiation-to-bone",
                    "surgery-to-bone")
#: the times (months) the curves are read at
LANDMARK_MONTHS: Final = (6, 12, 24)


@dataclass(frozen=True, slots=True)
class Follow:
    primary: str
    days: float
    sre: int  # 0 censored, 1 first SRE, 2 death before any SRE
    died: bool
    survival_days: float
    agent: str = "not recorded"
    sre_count: int = 0


def follow_up(case: Case) -> Follow | str:
    """The patient's follow-up, or the reason the patient cannot be analysed."""
    bm = case.cancer.bone_metastases
    origin = bm.diagnosed_on if bm else None
    if origin is None:
        return "first bone metastasis date not recorded"
    deaths = [e for e in case.events or () if e.type == "death"]
    if deaths and deaths[0].date is None:
        return "date of death not recorded"
    end: date | None = deaths[0].date if deaths else case.patient.last_known_alive
    if end is None:
        return "end of follow-up not recorded"
    if end < origin:
        return "follow-up ends before the first bone metastasis"
    sres = [e for e in case.events or () if e.type in SRE_TYPES]
    if any(e.date is None for e in sres):
        return "a skeletal-related event without a date"
    dated = sorted(e.date for e in sres if e.date is not None)
    if dated and dated[0] < origin:
        return "a skeletal-related event before the first bone metastasis date"
    if dated and not deaths and dated[-1] > end:
        return "an event after the end of follow-up"
    total = float((end - origin).days)
    if dated and dated[0] <= end:
        sre, days = 1, float((dated[0] - origin).days)
    else:
        sre, days = (2 if deaths else 0), total
    return Follow(case.cancer.primary or "unknown", days, sre, bool(deaths), total,
                  _agent(case), sum(origin <= d <= end for d in dated))


def _agent(case: Case) -> str:
    """The bone-modifying agent(s) given; "none" only when medicines are listed without one,
    "not recorded" when no medicines are listed at all (unknown is not none)."""
    if case.medications is None:
        return "not recorded"
    agents = sorted({m.drug for m in case.medications if m.drug in bma.AGENTS})
    return " + ".join(agents) if agents else "none"


def _at(steps: list[Step], day: float) -> Step | None:
    last = None
    for s in steps:
        if s.time > day:
            break
        last = s
    return last


def _poisson_rate(events: int, years: float) -> dict[str, Any]:
    """Events per patient-year with a 95 % interval by Byar's approximation to the exact
    Poisson limits (Breslow and Day 1987, eq. 2.11), close to exact from a few events up."""
    if years <= 0:
        return {"events": events, "patient_years": years, "rate": None, "ci95": None}
    z = Z95
    low = (0.0 if events == 0 else
           events * (1 - 1 / (9 * events) - z / (3 * math.sqrt(events))) ** 3)
    e1 = events + 1
    high = e1 * (1 - 1 / (9 * e1) + z / (3 * math.sqrt(e1))) ** 3
    return {"events": events, "patient_years": years, "rate": events / years,
            "ci95": [low / years, high / years]}


def _summary(follows: list[Follow]) -> dict[str, Any]:
    sre = aalen_johansen([f.days for f in follows], [f.sre for f in follows])
    km = kaplan_meier([f.survival_days for f in follows], [int(f.died) for f in follows])
    landmarks = []
    for months in LANDMARK_MONTHS:
        day = months * DAYS_PER_MONTH
        s, c = _at(km, day), _at(sre, day)
        landmarks.append({
            "months": months,
            "at_risk": sum(f.survival_days >= day for f in follows),
            "survival": s.estimate if s else 1.0,
            "survival_ci95": [s.lower, s.upper] if s and s.lower is not None else None,
            "sre_cumulative_incidence": c.estimate if c else 0.0})
    mid = median(km)
    years = sum(f.survival_days for f in follows) / 365.25
    events = sum(f.sre_count for f in follows)
    return {"patients": len(follows), "first_sre": sum(f.sre == 1 for f in follows),
            "sre_per_patient_year": _poisson_rate(events, years),
            "deaths": sum(f.died for f in follows),
            "median_survival_months": mid / DAYS_PER_MONTH if mid is not None else None,
            "landmarks": landmarks}


def outcomes(cases: Iterable[Case]) -> dict[str, Any]:
    """First-SRE cumulative incidence and survival, overall and by primary."""
    follows: list[Follow] = []
    excluded: Counter[str] = Counter()
    n = 0
    for case in cases:
        n += 1
        got = follow_up(case)
        if isinstance(got, str):
            excluded[got] += 1
        else:
            follows.append(got)
    by_primary: dict[str, list[Follow]] = {}
    by_agent: dict[str, list[Follow]] = {}
    for f in follows:
        by_primary.setdefault(f.primary, []).append(f)
        by_agent.setdefault(f.agent, []).append(f)
    return {"format": "osseous.outcomes/1", "cases": n,
            "excluded": dict(sorted(excluded.items())),
            "overall": _summary(follows) if follows else None,
            "by_primary": {p: _summary(fs) for p, fs in sorted(by_primary.items())},
            "by_agent": {a: _summary(fs) for a, fs in sorted(by_agent.items())},
            "sre_types": list(SRE_TYPES),
            "references": ["coleman-2020-esmo"]}


#: the direction of each survival score: +1 when a higher total means longer survival
SCORE_DIRECTION: Final = {
    "tokuhashi-revised": 1,   # 0-15, 12-15 predicts >= 1 year (Tokuhashi 2005)
    "tomita": -1,             # 2-10, 8-10 predicts the shortest survival (Tomita 2001)
    "bauer": 1,               # count of favourable factors (Bauer and Wedin 1995)
    "bauer-modified": 1,      # the same without the pathological-fracture factor
    "katagiri-new": -1,       # 0-10, 7-10 the poorest group (Katagiri 2014)
    "nesms": 1,               # 0-3, 3 the best 1-year survival (Ghori 2015)
    "chow-nrf": -1,           # number of risk factors (Chow 2008)
    "teachh": -1,             # points, class A (0-1) the longest survival (Krishnan 2014)
}


def score_concordance(cases: Iterable[Case]) -> dict[str, Any]:
    """Harrell's C of each survival score on the local cohort: how well it orders the
    patients' observed survival from the first bone metastasis. Only complete scores count;
    the score is taken from the document as given (its baseline)."""
    from osseous.analytics.estimators import harrell_c
    from osseous.scores.catalog import score_case

    rows: dict[str, tuple[list[float], list[int], list[float]]] = {
        k: ([], [], []) for k in SCORE_DIRECTION}
    incomplete: Counter[str] = Counter()
    excluded: Counter[str] = Counter()
    for case in cases:
        got = follow_up(case)
        if isinstance(got, str):
            excluded[got] += 1
            continue
        totals = {s.score: s.total for s in score_case(case) if s.score in SCORE_DIRECTION}
        for name, direction in SCORE_DIRECTION.items():
            total = totals.get(name)
            if total is None:
                incomplete[name] += 1
                continue
            times, events, predicted = rows[name]
            times.append(got.survival_days)
            events.append(int(got.died))
            predicted.append(direction * float(total))
    out = []
    for name, (times, events, predicted) in rows.items():
        c, pairs = harrell_c(times, events, predicted) if times else (math.nan, 0)
        out.append({"score": name, "patients": len(times), "usable_pairs": pairs,
                    "harrell_c": None if math.isnan(c) else c,
                    "not_computable": incomplete[name]})
    return {"format": "osseous.concordance/1", "excluded": dict(sorted(excluded.items())),
            "scores": out}
