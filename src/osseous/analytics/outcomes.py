"""Skeletal-related events and survival from ``osseous.case/1`` documents.

The origin is the diagnosis of the first bone metastasis (``cancer.bone_metastases.
diagnosed_on``). Follow-up ends at death (an event ``death`` with a date) or at
``patient.last_known_alive``.

* Skeletal-related event (SRE): pathological fracture, spinal cord compression, radiation to
  bone or surgery to bone, the composite of the bone-modifying-agent trials (Coleman 2020
  ESMO). Hypercalcaemia is not counted: the denosumab and later zoledronic acid trials left it
  out. The cumulative incidence of the first SRE is estimated with death as a competing risk
  (Aalen-Johansen), not as 1 - Kaplan-Meier.
* Overall survival from the first bone metastasis, and from the first palliative course of
  radiotherapy to bone: Kaplan-Meier with log-log 95 % intervals, medians with their
  Brookmeyer-Crowley intervals, and the log-rank test across primaries.
* Groups: all patients, by primary, by bone-modifying agent, and by the agent's schedule
  (every 4 weeks or every 12 weeks, CALGB 70604, Himelstein 2017), read from the recorded
  first dose, last dose and number of doses.

Patients whose origin or end of follow-up is unknown are excluded and counted by reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from osseous.analytics.estimators import (
    DAYS_PER_MONTH,
    Z95,
    Step,
    aalen_johansen_counts,
    kaplan_meier_counts,
    logrank_counts,
    median,
    median_ci,
)
from osseous.analytics.tally import Tally, tally
from osseous.core.case import Case
from osseous.knowledge import bma

SRE_TYPES: Final = ("pathological-fracture", "spinal-cord-compression", "radiation-to-bone",
                    "surgery-to-bone")
#: the times (months) the curves are read at
LANDMARK_MONTHS: Final = (6, 12, 24)
#: the groupings every summary is given for
GROUPINGS: Final = ("all", "primary", "agent", "schedule")
#: mean days between doses read as "every 4 weeks" and "every 12 weeks" (CALGB 70604 compared
#: zoledronic acid every 4 with every 12 weeks; the bands around 28 and 84 days are a project
#: choice, docs/clinical/decisions.md)
FOUR_WEEKLY_DAYS: Final = (21, 42)
TWELVE_WEEKLY_DAYS: Final = (70, 98)


@dataclass(frozen=True, slots=True)
class Follow:
    primary: str
    days: int
    sre: int  # 0 censored, 1 first SRE, 2 death before any SRE
    died: bool
    survival_days: int
    agent: str = "not recorded"
    sre_count: int = 0
    schedule: str = "not recorded"


def _window(case: Case) -> tuple[date, date] | str:
    """(first bone metastasis, end of follow-up), or why they are not known."""
    bm = case.cancer.bone_metastases
    origin = bm.diagnosed_on if bm else None
    if origin is None:
        return "first bone metastasis date not recorded"
    end = _end(case)
    if isinstance(end, str):
        return end
    if end < origin:
        return "follow-up ends before the first bone metastasis"
    return origin, end


def follow_up(case: Case) -> Follow | str:
    """The patient's follow-up, or the reason the patient cannot be analysed."""
    window = _window(case)
    if isinstance(window, str):
        return window
    origin, end = window
    died = any(e.type == "death" for e in case.events or ())
    sres = [e for e in case.events or () if e.type in SRE_TYPES]
    if any(e.date is None for e in sres):
        return "a skeletal-related event without a date"
    dated = sorted(e.date for e in sres if e.date is not None)
    if dated and dated[0] < origin:
        return "a skeletal-related event before the first bone metastasis date"
    if dated and not died and dated[-1] > end:
        return "an event after the end of follow-up"
    total = (end - origin).days
    if dated and dated[0] <= end:
        sre, days = 1, (dated[0] - origin).days
    else:
        sre, days = (2 if died else 0), total
    agent, schedule = _agent(case)
    return Follow(case.cancer.primary or "unknown", days, sre, died, total, agent,
                  sum(origin <= d <= end for d in dated), schedule)


def survival_follow_up(case: Case) -> tuple[int, bool] | str:
    """(days from the first bone metastasis, died) for survival alone: unlike
    :func:`follow_up`, problems with the skeletal-related events do not exclude the patient."""
    window = _window(case)
    if isinstance(window, str):
        return window
    origin, end = window
    return (end - origin).days, any(e.type == "death" for e in case.events or ())


def _end(case: Case) -> date | str:
    deaths = [e for e in case.events or () if e.type == "death"]
    if deaths and deaths[0].date is None:
        return "date of death not recorded"
    end = deaths[0].date if deaths else case.patient.last_known_alive
    return end if end is not None else "end of follow-up not recorded"


def _agent(case: Case) -> tuple[str, str]:
    """The bone-modifying agent(s) given and their schedule. The agent is "none" only when
    medicines are listed without one, "not recorded" when no medicines are listed at all
    (unknown is not none)."""
    if case.medications is None:
        return "not recorded", "not recorded"
    given = [m for m in case.medications if m.drug in bma.AGENTS]
    if not given:
        return "none", "no agent"
    agents = " + ".join(sorted({m.drug for m in given}))
    intervals = []
    for m in given:
        if m.started is None or m.last_dose is None or m.doses_given is None \
                or m.doses_given < 2:
            return agents, "schedule not recorded"
        intervals.append((m.last_dose - m.started).days / (m.doses_given - 1))
    mean = sum(intervals) / len(intervals)
    if FOUR_WEEKLY_DAYS[0] <= mean <= FOUR_WEEKLY_DAYS[1]:
        return agents, "every 4 weeks"
    if TWELVE_WEEKLY_DAYS[0] <= mean <= TWELVE_WEEKLY_DAYS[1]:
        return agents, "every 12 weeks"
    return agents, "other interval"


def _first_radiotherapy(case: Case, end: date) -> date | str:
    dates = [c.date for les in case.lesions for c in les.prior_radiotherapy or ()]
    if not dates:
        return "no radiotherapy to bone recorded"
    known = [d for d in dates if d is not None]
    if len(known) < len(dates):
        return "a radiotherapy course date not recorded"
    first = min(known)
    return first if first <= end else "radiotherapy after the end of follow-up"


def observe(case: Case, into: Tally) -> None:
    """Add one case to the outcomes tally."""
    into[("cases",)] += 1
    f = follow_up(case)
    if isinstance(f, str):
        into[("excluded", f)] += 1
        return
    groups = {"all": "all", "primary": f.primary, "agent": f.agent, "schedule": f.schedule}
    for kind, group in groups.items():
        into[("sre", kind, group, f.days, f.sre)] += 1
        into[("os", kind, group, f.survival_days, int(f.died))] += 1
        into[("sre-events", kind, group)] += f.sre_count
        into[("follow-days", kind, group)] += f.survival_days
    end = _end(case)
    assert not isinstance(end, str)  # follow_up accepted it
    first = _first_radiotherapy(case, end)
    if isinstance(first, str):
        into[("rt-excluded", first)] += 1
        return
    for kind, group in (("all", "all"), ("primary", f.primary)):
        into[("rt-os", kind, group, (end - first).days, int(f.died))] += 1


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


def _at(steps: list[Step], day: float) -> Step | None:
    last = None
    for s in steps:
        if s.time > day:
            break
        last = s
    return last


def _months(days: float | None) -> float | None:
    return None if days is None else days / DAYS_PER_MONTH


def survival_summary(os_counts: Mapping[float, list[int]]) -> dict[str, Any]:
    """Patients, deaths, median with its interval and landmarks of one Kaplan-Meier curve."""
    km = kaplan_meier_counts(os_counts)
    low, high = median_ci(km)
    landmarks = []
    for months in LANDMARK_MONTHS:
        day = months * DAYS_PER_MONTH
        s = _at(km, day)
        landmarks.append({
            "months": months,
            "at_risk": sum(sum(r) for t, r in os_counts.items() if t >= day),
            "survival": s.estimate if s else 1.0,
            "survival_ci95": [s.lower, s.upper] if s and s.lower is not None else None})
    return {"patients": sum(sum(r) for r in os_counts.values()),
            "deaths": sum(r[1] for r in os_counts.values()),
            "median_survival_months": _months(median(km)),
            "median_survival_ci95_months": [_months(low), _months(high)],
            "landmarks": landmarks}


def _incidence_time(cif: list[Step], share: float) -> dict[str, Any]:
    """The time by which the cumulative incidence reaches ``share`` (e.g. the median time to
    the first SRE at 0.5), with the interval where the pointwise band crosses it; None where it
    is not reached in the follow-up (often: death comes first for many)."""
    def first(value: Any) -> float | None:
        return _months(next((s.time for s in cif if value(s) is not None
                             and value(s) >= share), None))
    return {"estimate": first(lambda s: s.estimate),
            "ci95": [first(lambda s: s.upper), first(lambda s: s.lower)]}


def _summary(os_counts: Mapping[float, list[int]], sre_counts: Mapping[float, list[int]],
             events: int, days: int) -> dict[str, Any]:
    out = survival_summary(os_counts)
    cif = aalen_johansen_counts(sre_counts)
    for landmark in out["landmarks"]:
        c = _at(cif, landmark["months"] * DAYS_PER_MONTH)
        landmark["sre_cumulative_incidence"] = c.estimate if c else 0.0
        landmark["sre_cumulative_incidence_ci95"] = (
            [c.lower, c.upper] if c and c.lower is not None else None)
    out["first_sre"] = sum(r[1] for r in sre_counts.values())
    out["time_to_first_sre_months"] = {
        f"{int(q * 100)}%": _incidence_time(cif, q) for q in (0.25, 0.5)}
    out["sre_per_patient_year"] = _poisson_rate(events, days / 365.25)
    return out


def _counts(t: Tally, kind: str, width: int) -> dict[tuple[str, str], dict[float, list[int]]]:
    out: dict[tuple[str, str], dict[float, list[int]]] = {}
    for key, n in t.items():
        if key[0] == kind and n:
            _, grouping, group, day, code = key
            out.setdefault((grouping, group), {}).setdefault(day, [0] * width)[code] += n
    return out


def curves(t: Tally, kind: str, grouping: str = "all") -> dict[str, list[Step]]:
    """The curves of one grouping: ``kind`` is "os" (survival from the first bone metastasis),
    "rt-os" (from the first radiotherapy) or "sre" (cumulative incidence of the first SRE)."""
    width = 3 if kind == "sre" else 2
    estimator = aalen_johansen_counts if kind == "sre" else kaplan_meier_counts
    return {group: estimator(c) for (g, group), c in sorted(_counts(t, kind, width).items())
            if g == grouping}


def _logrank(groups: dict[str, dict[float, list[int]]]) -> dict[str, Any] | None:
    if len(groups) < 2:
        return None
    test = logrank_counts(groups)
    return {"statistic": test.statistic, "df": test.df, "p_value": test.p_value,
            "observed": test.observed, "expected": test.expected}


def _excluded(t: Tally, kind: str) -> dict[str, int]:
    return dict(sorted((k[1], n) for k, n in t.items() if k[0] == kind and n))


def finish(t: Tally) -> dict[str, Any]:
    """The outcomes document from a (merged) tally."""
    os_counts, sre_counts = _counts(t, "os", 2), _counts(t, "sre", 3)
    summaries: dict[str, dict[str, Any]] = {g: {} for g in GROUPINGS}
    for (grouping, group), counts in sorted(os_counts.items()):
        summaries[grouping][group] = _summary(
            counts, sre_counts[(grouping, group)], t[("sre-events", grouping, group)],
            t[("follow-days", grouping, group)])
    rt = _counts(t, "rt-os", 2)
    by_primary = {g: c for (kind, g), c in os_counts.items() if kind == "primary"}
    rt_by_primary = {g: c for (kind, g), c in rt.items() if kind == "primary"}
    return {"format": "osseous.outcomes/1", "cases": t[("cases",)],
            "excluded": _excluded(t, "excluded"),
            "overall": summaries["all"].get("all"),
            "by_primary": summaries["primary"],
            "by_agent": summaries["agent"],
            "by_schedule": summaries["schedule"],
            "logrank_by_primary": _logrank(by_primary),
            "from_radiotherapy": {
                "excluded": _excluded(t, "rt-excluded"),
                "overall": survival_summary(rt[("all", "all")]) if ("all", "all") in rt
                else None,
                "by_primary": {g: survival_summary(c) for g, c in sorted(rt_by_primary.items())},
                "logrank_by_primary": _logrank(rt_by_primary)},
            "sre_types": list(SRE_TYPES),
            "references": ["coleman-2020-esmo", "himelstein-2017-calgb70604"]}


def outcomes(cases: Iterable[Case]) -> dict[str, Any]:
    """First-SRE cumulative incidence and survival, overall and by group."""
    return finish(tally(cases, observe))
