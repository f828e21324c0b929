"""Quality-of-care indicators of a bone-metastasis service, from ``osseous.case/1`` documents.

Each indicator reports its numerator, denominator, the proportion with a Wilson 95 % interval
(Wilson 1927; it behaves at 0 % and 100 % and with small denominators), and every exclusion
with its reason. Unknown is not false: a course or patient whose facts are missing is excluded
and counted under its reason, never read as compliant or non-compliant.

* ``rt-single-fraction-uncomplicated``: first palliative courses to an uncomplicated painful
  metastasis given as one fraction. Single and multiple fractions relieve pain equally
  (Chow 2012 meta-analysis; ASTRO 2024), so a single fraction is the usual standard.
  Uncomplicated means no cord or cauda equina compression (ESCC grade 2 or 3, or a
  neurological deficit), no pathological fracture at the site and no earlier course there.
* ``rt-over-10-fractions``: palliative conventional courses longer than 10 fractions
  (Choosing Wisely, ASTRO 2013): lower is better.
* ``rt-last-30-days-of-life``: patients who died and started radiotherapy to bone in their
  last 30 days, a marker of aggressive care at the end of life used in radiotherapy
  quality studies: lower is better. No source in reference/ sets it; it is a project choice
  (docs/clinical/decisions.md).
* ``bma-with-dental-exam``: patients on a bone-modifying agent whose dental examination is
  recorded on or before the first dose (ASCO 2011, Van Poznak; the labels).
* ``mescc-treated-within-1-day``: spinal cord compressions (dated ``spinal-cord-compression``
  events) whose first radiotherapy or surgery to the spine began on the same or the next
  calendar day, with the median and quartiles of the days taken. Dates carry no time of day,
  so "within 1 day" is the nearest a document can say to NICE's "within 24 hours"
  (NICE NG234, 2023; a project reading, docs/clinical/decisions.md). A compression with no
  treatment recorded after it is excluded under that reason, not counted as late.

Every indicator is also given by calendar year (of the course, first dose, death or
compression), so a service can follow it over time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from osseous.analytics.estimators import Z95, wilson
from osseous.analytics.tally import Tally, tally
from osseous.core.case import Case, SpinalLesion
from osseous.knowledge import bma

COMPRESSING_ESCC: Final = ("2", "3")
LAST_DAYS: Final = 30
MESCC_DAYS: Final = 1
EXACT_MEDIAN_LIMIT: Final = 5000


@dataclass(frozen=True, slots=True)
class Recorder:
    """Counts one indicator into the tally: ``count`` a patient or course in the denominator
    (in the year ``when``), ``exclude`` one with the reason."""

    id: str
    into: Tally

    def count(self, met: bool, when: date | None) -> None:
        self.into[("n", self.id, when.year if when else None, int(met))] += 1

    def exclude(self, reason: str) -> None:
        self.into[("x", self.id, reason)] += 1


def _single_fraction(case: Case, r: Recorder) -> None:
    fractures = {e.lesion for e in case.events or () if e.type == "pathological-fracture"}
    for lesion in case.lesions:
        # the earliest dated course first; undated ones after (dates unknown cannot be ordered)
        courses = sorted(lesion.prior_radiotherapy or (),
                         key=lambda c: (c.date is None, c.date or date.min))
        if not courses:
            continue
        first = courses[0]
        if first.technique == "sbrt":
            r.exclude("stereotactic course")
            continue
        if first.fractions is None:
            r.exclude("fractions not recorded")
            continue
        if lesion.id in fractures:
            r.exclude("pathological fracture at the site")
            continue
        if isinstance(lesion, SpinalLesion):
            if lesion.escc in COMPRESSING_ESCC or lesion.neurological_deficit not in (
                    None, "none"):
                r.exclude("cord or cauda equina compression")
                continue
            if lesion.escc is None or lesion.neurological_deficit is None:
                r.exclude("compression status not recorded")
                continue
        r.count(first.fractions == 1, first.date)


def _over_ten(case: Case, r: Recorder) -> None:
    for lesion in case.lesions:
        for course in lesion.prior_radiotherapy or ():
            if course.technique == "sbrt":
                r.exclude("stereotactic course")
            elif course.fractions is None:
                r.exclude("fractions not recorded")
            else:
                r.count(course.fractions > 10, course.date)


def _last_days(case: Case, r: Recorder) -> None:
    deaths = [e for e in case.events or () if e.type == "death"]
    if not deaths:
        return
    died = deaths[0].date
    if died is None:
        r.exclude("date of death not recorded")
        return
    dates = [c.date for les in case.lesions for c in les.prior_radiotherapy or ()]
    window = died - timedelta(days=LAST_DAYS)
    if any(d is not None and window <= d <= died for d in dates):
        r.count(True, died)
    elif any(d is None for d in dates):
        r.exclude("a course date not recorded")
    else:
        r.count(False, died)


def _dental(case: Case, r: Recorder) -> None:
    meds = [m for m in case.medications or () if m.drug in bma.AGENTS]
    if not meds:
        return
    starts = [m.started for m in meds]
    if any(s is None for s in starts):
        r.exclude("start of the agent not recorded")
        return
    first = min(s for s in starts if s is not None)
    dental = case.patient.dental
    if dental is None or dental.last_exam is None:
        r.exclude("dental examination not recorded")
        return
    r.count(dental.last_exam <= first, first)


def _spinal_treatments(case: Case, lesion_id: str | None) -> list[date | None]:
    """Dates of radiotherapy and surgery to the compressed lesion (to any spinal lesion when
    the event names none), and of radiation or surgery events there."""
    spinal = {les.id: les for _, les in case.spinal_lesions}
    lesions = [spinal[lesion_id]] if lesion_id in spinal else (
        list(spinal.values()) if lesion_id is None else [])
    dates: list[date | None] = [c.date for les in lesions for c in les.prior_radiotherapy or ()]
    dates += [s.date for les in lesions for s in les.prior_surgery or ()]
    dates += [e.date for e in case.events or ()
              if e.type in ("radiation-to-bone", "surgery-to-bone")
              and (e.lesion is None or lesion_id is None or e.lesion == lesion_id)]
    return dates


def _mescc(case: Case, r: Recorder) -> None:
    for event in case.events or ():
        if event.type != "spinal-cord-compression":
            continue
        if event.date is None:
            r.exclude("compression date not recorded")
            continue
        dates = _spinal_treatments(case, event.lesion)
        after = [d for d in dates if d is not None and d >= event.date]
        if not after:
            r.exclude("a treatment date not recorded" if None in dates
                      else "no treatment recorded after the compression")
            continue
        days = (min(after) - event.date).days
        r.into[("days", r.id, days)] += 1
        r.count(days <= MESCC_DAYS, event.date)


@dataclass(frozen=True, slots=True)
class Definition:
    id: str
    description: str
    better: str
    references: tuple[str, ...]
    measure: Callable[[Case, Recorder], None]


INDICATORS: Final = (
    Definition("rt-single-fraction-uncomplicated", "first courses to uncomplicated metastases "
               "(no compression, fracture or earlier course there) given as a single fraction",
               "higher", ("chow-2012", "astro-2024"), _single_fraction),
    Definition("rt-over-10-fractions", "palliative courses longer than 10 fractions", "lower",
               ("choosing-wisely-astro-2013",), _over_ten),
    Definition("rt-last-30-days-of-life", "patients who died and started radiotherapy to bone "
               "in their last 30 days", "lower", (), _last_days),
    Definition("bma-with-dental-exam", "patients on a bone-modifying agent with a dental "
               "examination recorded before the first dose", "higher", ("van-poznak-2011",),
               _dental),
    Definition("mescc-treated-within-1-day", "spinal cord compressions whose radiotherapy or "
               "surgery began on the same or the next day", "higher", ("nice-ng234-2023",),
               _mescc),
)


def observe(case: Case, into: Tally) -> None:
    """Add one case to the quality tally."""
    into[("cases",)] += 1
    for d in INDICATORS:
        d.measure(case, Recorder(d.id, into))


def _share(numerator: int, denominator: int) -> dict[str, Any]:
    interval = wilson(numerator, denominator)
    return {"numerator": numerator, "denominator": denominator,
            "proportion": numerator / denominator if denominator else None,
            "ci95": list(interval) if interval else None}


def _quantile(days: dict[int, int], q: float) -> int | None:
    """The smallest value with at least a share q of the observations at or below it."""
    total = sum(days.values())
    seen = 0
    for value in sorted(days):
        seen += days[value]
        if seen >= q * total:
            return value
    return None


def _at_rank(values: dict[int, int], rank: int) -> int:
    seen = 0
    for value in sorted(values):
        seen += values[value]
        if seen >= rank:
            return value
    return max(values)


def _median_interval(values: dict[int, int]) -> list[int] | None:
    """Distribution-free 95 % interval of a median: the order statistics x(r) and x(n + 1 - r)
    with r the largest rank such that P(B <= r - 1) <= 0.025, B binomial(n, 1/2) (Conover 1999,
    3.2), so the coverage is at least 95 %. Exact up to 5,000 observations, above that the
    normal approximation rounded outwards. None below 6 observations, where no interval of
    order statistics reaches 95 %."""
    n = sum(values.values())
    if n <= EXACT_MEDIAN_LIMIT:
        # the binomial tail in integers: sum of C(n, k) for k < r, against 0.025 * 2^n
        whole, tail, term, r = 2**n, 0, 1, 0
        while 40 * (tail + term) <= whole:
            tail += term
            term = term * (n - r) // (r + 1)
            r += 1
    else:
        r = math.floor(n / 2 - Z95 * math.sqrt(n) / 2)
    if r < 1:
        return None
    return [_at_rank(values, r), _at_rank(values, n + 1 - r)]


def finish(t: Tally) -> dict[str, Any]:
    """The quality document from a (merged) tally."""
    out = []
    for d in INDICATORS:
        met: dict[int | None, list[int]] = {}
        for key, n in t.items():
            if key[0] == "n" and key[1] == d.id:
                met.setdefault(key[2], [0, 0])[key[3]] += n
        numerator = sum(m[1] for m in met.values())
        row = {"id": d.id, "description": d.description, "better": d.better,
               **_share(numerator, numerator + sum(m[0] for m in met.values())),
               "excluded": dict(sorted((k[2], n) for k, n in t.items()
                                       if k[0] == "x" and k[1] == d.id)),
               "years": [{"year": y, **_share(m[1], m[0] + m[1])}
                         for y, m in sorted(met.items(), key=lambda i: (i[0] is None, i[0]))],
               "references": list(d.references)}
        days = {k[2]: n for k, n in t.items() if k[0] == "days" and k[1] == d.id}
        if d.id == "mescc-treated-within-1-day":
            row["days_to_treatment"] = {
                "n": sum(days.values()), "median": _quantile(days, 0.5),
                "median_ci95": _median_interval(days),
                "quartiles": [_quantile(days, 0.25), _quantile(days, 0.75)]}
        out.append(row)
    return {"format": "osseous.quality/1", "cases": t[("cases",)], "indicators": out}


def quality(cases: Iterable[Case]) -> dict[str, Any]:
    """Every indicator over the cases, with numerators, denominators, intervals, exclusions."""
    return finish(tally(cases, observe))
