"""Pain response after palliative radiotherapy across a cohort, by regimen and month.

The International Consensus response (Chow 2012) of each treated lesion is read at 1, 2 and 3
months after its latest course. Each month takes the follow-up assessment nearest to it
within 14 days (the windows of the monitoring duties). Rates are complete, partial and overall
(complete + partial) over the evaluable lesions, each with a Wilson 95 % interval. Lesions are
not evaluable when pain or OMED is missing, or when baseline pain is below 2 (outside the
consensus eligibility); they are counted by reason. Regimens are a single fraction, multiple
fractions, or SBRT. Retreatment is the share of treated lesions with more than one recorded
course.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any, Final

from osseous.analytics.estimators import DAYS_PER_MONTH, wilson
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


def pain_response_rates(cases: Iterable[Case]) -> dict[str, Any]:
    """Response rates by regimen at each month, with exclusions and retreatment."""
    counts: dict[tuple[str, int], Counter[str]] = {}
    excluded: Counter[str] = Counter()
    treated = retreated = 0
    for case in cases:
        for lesion in case.lesions:
            if not lesion.prior_radiotherapy:
                continue
            treated += 1
            retreated += len(lesion.prior_radiotherapy) > 1
            dated = [(c.date, c) for c in lesion.prior_radiotherapy if c.date is not None]
            if not dated:
                excluded["course date not recorded"] += 1
                continue
            start, latest = max(dated, key=lambda dc: dc[0])
            kind = regimen(latest)
            if kind is None:
                excluded["fractions not recorded"] += 1
                continue
            # each follow-up with its distance in days from the start of the latest course
            timed = [((date.fromisoformat(str(r.extra["follow_up"])) - start).days, r)
                     for r in pain_responses(case, lesion.id)]
            for months in PAIN_FOLLOW_UP_MONTHS:
                target = months * DAYS_PER_MONTH
                near = [(abs(d - target), r) for d, r in timed
                        if abs(d - target) <= PAIN_WINDOW_DAYS]
                if not near:
                    excluded[f"no assessment near month {months}"] += 1
                    continue
                result = min(near, key=lambda dr: dr[0])[1]
                baseline = result.components.get("baseline_pain")
                if result.status != "complete" or baseline is None:
                    excluded["pain or OMED not recorded"] += 1
                    continue
                if baseline < MIN_BASELINE_PAIN:
                    excluded["baseline pain below 2"] += 1
                    continue
                tally = counts.setdefault((kind, months), Counter())
                tally["evaluable"] += 1
                tally[str(result.band)] += 1
    rows = []
    for (kind, months), tally in sorted(counts.items()):
        n = tally["evaluable"]
        rows.append({"regimen": kind, "months": months, "evaluable": n,
                     "complete": _rate(tally["complete"], n),
                     "partial": _rate(tally["partial"], n),
                     "overall": _rate(tally["complete"] + tally["partial"], n),
                     "progression": _rate(tally["progression"], n)})
    return {"format": "osseous.pain-response/1", "rows": rows,
            "excluded": dict(sorted(excluded.items())),
            "retreatment": {"treated_lesions": treated, **_rate(retreated, treated)},
            "references": ["chow-2012"]}
