"""Pain response after palliative radiotherapy across a cohort, by regimen and month.

The International Consensus response (Chow 2012) of each treated lesion is read at 1, 2 and 3
months after its latest course. Each month takes the follow-up assessment nearest to it
within 14 days (the windows of the monitoring duties). Rates are complete, partial and overall
(complete + partial) over the evaluable lesions, each with a Wilson 95 % interval. Lesions are
not evaluable when pain or OMED is missing, or when baseline pain is below 2 (outside the
consensus eligibility); they are counted by reason. Regimens are a single fraction, multiple
fractions, or SBRT. Retreatment is the share of treated lesions with more than one recorded
course, overall and by the regimen of the first course (retreatment is more frequent after a
single fraction: about 20 % against 8 %, guidelines.md 1.4).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any, Final

from osseous.analytics.estimators import DAYS_PER_MONTH, wilson
from osseous.analytics.tally import Tally, tally
from osseous.core.case import Case, RadiotherapyCourse
from osseous.plan.monitoring import PAIN_FOLLOW_UP_MONTHS, PAIN_WINDOW_DAYS
from osseous.scores.pain import pain_responses

MIN_BASELINE_PAIN: Final = 2


def regimen(course: RadiotherapyCourse) -> str | None:
    if course.technique == "sbrt":
        return "sbrt"
    if course.fractions is None:
        return None
    return "single-fraction" if course.fractions == 1 else "multiple-fractions"


def _rate(k: int, n: int) -> dict[str, Any]:
    interval = wilson(k, n)
    return {"n": k, "rate": k / n if n else None, "ci95": list(interval) if interval else None}


def observe(case: Case, into: Tally) -> None:
    """Add one case's treated lesions to the pain-response tally."""
    for lesion in case.lesions:
        if not lesion.prior_radiotherapy:
            continue
        into[("treated",)] += 1
        retreated = len(lesion.prior_radiotherapy) > 1
        into[("retreated",)] += retreated
        # retreatment by the regimen of the first course (known only when the dates order them)
        courses = lesion.prior_radiotherapy
        first = (min(courses, key=lambda c: c.date or date.max)
                 if all(c.date is not None for c in courses) else None)
        kind = regimen(first) if first is not None else None
        into[("by-first", kind or "first course not known", int(retreated))] += 1
        dated = [(c.date, c) for c in lesion.prior_radiotherapy if c.date is not None]
        if not dated:
            into[("excluded", "course date not recorded")] += 1
            continue
        start, latest = max(dated, key=lambda dc: dc[0])
        kind = regimen(latest)
        if kind is None:
            into[("excluded", "fractions not recorded")] += 1
            continue
        # each follow-up with its distance in days from the start of the latest course
        timed = [((date.fromisoformat(str(r.extra["follow_up"])) - start).days, r)
                 for r in pain_responses(case, lesion.id)]
        for months in PAIN_FOLLOW_UP_MONTHS:
            target = months * DAYS_PER_MONTH
            near = [(abs(d - target), r) for d, r in timed
                    if abs(d - target) <= PAIN_WINDOW_DAYS]
            if not near:
                into[("excluded", f"no assessment near month {months}")] += 1
                continue
            result = min(near, key=lambda dr: dr[0])[1]
            baseline = result.components.get("baseline_pain")
            if result.status != "complete" or baseline is None:
                into[("excluded", "pain or OMED not recorded")] += 1
                continue
            if baseline < MIN_BASELINE_PAIN:
                into[("excluded", "baseline pain below 2")] += 1
                continue
            into[("response", kind, months, str(result.band))] += 1


def finish(t: Tally) -> dict[str, Any]:
    """The pain-response document from a (merged) tally."""
    counts: dict[tuple[str, int], Counter[str]] = {}
    for key, n in t.items():
        if key[0] == "response" and n:
            counts.setdefault((key[1], key[2]), Counter())[key[3]] += n
    rows = []
    for (kind, months), bands in sorted(counts.items()):
        n = bands.total()
        rows.append({"regimen": kind, "months": months, "evaluable": n,
                     "complete": _rate(bands["complete"], n),
                     "partial": _rate(bands["partial"], n),
                     "overall": _rate(bands["complete"] + bands["partial"], n),
                     "progression": _rate(bands["progression"], n)})
    treated = t[("treated",)]
    return {"format": "osseous.pain-response/1", "rows": rows,
            "excluded": dict(sorted((k[1], n) for k, n in t.items() if k[0] == "excluded")),
            "retreatment": {"treated_lesions": treated, **_rate(t[("retreated",)], treated),
                            "by_first_regimen": _by_first(t)},
            "references": ["chow-2012"]}


def _by_first(t: Tally) -> dict[str, dict[str, Any]]:
    counts: dict[str, list[int]] = {}
    for key, n in t.items():
        if key[0] == "by-first" and n:
            counts.setdefault(key[1], [0, 0])[key[2]] += n
    return {kind: {"treated_lesions": sum(c), **_rate(c[1], sum(c))}
            for kind, c in sorted(counts.items())}


def pain_response_rates(cases: Iterable[Case]) -> dict[str, Any]:
    """Response rates by regimen at each month, with exclusions and retreatment."""
    return finish(tally(cases, observe))
