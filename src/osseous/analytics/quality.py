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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final

from osseous.analytics.estimators import wilson
from osseous.core.case import Case, SpinalLesion
from osseous.knowledge import bma

COMPRESSING_ESCC: Final = ("2", "3")
LAST_DAYS: Final = 30


@dataclass
class Indicator:
    id: str
    description: str
    better: str
    references: tuple[str, ...]
    numerator: int = 0
    denominator: int = 0
    excluded: Counter[str] = field(default_factory=Counter)

    def count(self, met: bool) -> None:
        self.denominator += 1
        self.numerator += met

    def to_dict(self) -> dict[str, Any]:
        interval = wilson(self.numerator, self.denominator)
        return {"id": self.id, "description": self.description, "better": self.better,
                "numerator": self.numerator, "denominator": self.denominator,
                "proportion": self.numerator / self.denominator if self.denominator else None,
                "ci95": list(interval) if interval else None,
                "excluded": dict(sorted(self.excluded.items())),
                "references": list(self.references)}


def _single_fraction(case: Case, ind: Indicator) -> None:
    fractures = {e.lesion for e in case.events or () if e.type == "pathological-fracture"}
    for lesion in case.lesions:
        # the earliest dated course first; undated ones after (dates unknown cannot be ordered)
        courses = sorted(lesion.prior_radiotherapy or (),
                         key=lambda c: (c.date is None, c.date or date.min))
        if not courses:
            continue
        first = courses[0]
        if first.technique == "sbrt":
            ind.excluded["stereotactic course"] += 1
            continue
        if first.fractions is None:
            ind.excluded["fractions not recorded"] += 1
            continue
        if lesion.id in fractures:
            ind.excluded["pathological fracture at the site"] += 1
            continue
        if isinstance(lesion, SpinalLesion):
            if lesion.escc in COMPRESSING_ESCC or lesion.neurological_deficit not in (
                    None, "none"):
                ind.excluded["cord or cauda equina compression"] += 1
                continue
            if lesion.escc is None or lesion.neurological_deficit is None:
                ind.excluded["compression status not recorded"] += 1
                continue
        ind.count(first.fractions == 1)


def _over_ten(case: Case, ind: Indicator) -> None:
    for lesion in case.lesions:
        for course in lesion.prior_radiotherapy or ():
            if course.technique == "sbrt":
                ind.excluded["stereotactic course"] += 1
            elif course.fractions is None:
                ind.excluded["fractions not recorded"] += 1
            else:
                ind.count(course.fractions > 10)


def _last_days(case: Case, ind: Indicator) -> None:
    deaths = [e for e in case.events or () if e.type == "death"]
    if not deaths:
        return
    died = deaths[0].date
    if died is None:
        ind.excluded["date of death not recorded"] += 1
        return
    dates = [c.date for les in case.lesions for c in les.prior_radiotherapy or ()]
    window = died - timedelta(days=LAST_DAYS)
    if any(d is not None and window <= d <= died for d in dates):
        ind.count(True)
    elif any(d is None for d in dates):
        ind.excluded["a course date not recorded"] += 1
    else:
        ind.count(False)


def _dental(case: Case, ind: Indicator) -> None:
    meds = [m for m in case.medications or () if m.drug in bma.AGENTS]
    if not meds:
        return
    starts = [m.started for m in meds]
    if any(s is None for s in starts):
        ind.excluded["start of the agent not recorded"] += 1
        return
    first = min(s for s in starts if s is not None)
    dental = case.patient.dental
    if dental is None or dental.last_exam is None:
        ind.excluded["dental examination not recorded"] += 1
        return
    ind.count(dental.last_exam <= first)


def quality(cases: Iterable[Case]) -> dict[str, Any]:
    """Every indicator over the cases, with numerators, denominators, intervals, exclusions."""
    indicators = {
        "rt-single-fraction-uncomplicated": (Indicator(
            "rt-single-fraction-uncomplicated", "first courses to uncomplicated metastases (no "
            "compression, fracture or earlier course there) given as a single fraction",
            "higher", ("chow-2012", "astro-2024")),
            _single_fraction),
        "rt-over-10-fractions": (Indicator(
            "rt-over-10-fractions", "palliative courses longer than 10 fractions", "lower",
            ("choosing-wisely-astro-2013",)), _over_ten),
        "rt-last-30-days-of-life": (Indicator(
            "rt-last-30-days-of-life", "patients who died and started radiotherapy to bone in "
            "their last 30 days", "lower", ()), _last_days),
        "bma-with-dental-exam": (Indicator(
            "bma-with-dental-exam", "patients on a bone-modifying agent with a dental "
            "examination recorded before the first dose", "higher",
            ("van-poznak-2011",)), _dental),
    }
    n = 0
    for case in cases:
        n += 1
        for indicator, measure in indicators.values():
            measure(case, indicator)
    return {"format": "osseous.quality/1", "cases": n,
            "indicators": [i.to_dict() for i, _ in indicators.values()]}
