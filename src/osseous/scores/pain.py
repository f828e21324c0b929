"""International Consensus pain response after palliative radiotherapy (Chow 2012).

Compared with the baseline (the last assessment of the treated site on or before the start of
its radiotherapy), at a follow-up assessment of the same site, with worst pain on 0-10 and the
oral morphine equivalent daily dose (OMED):

* complete: "a pain score of 0 at the treated site with no concomitant increase in analgesic
  intake" - pain 0 and OMED not above baseline;
* partial: "pain reduction of 2 or more ... without analgesic increase, or analgesic reduction
  of 25% or more from baseline without an increase in pain";
* progression: "increase in pain score of 2 or more above baseline ... with stable OMED, or an
  increase of 25% or more in OMED compared with baseline with the pain score stable or 1 point
  above baseline";
* indeterminate: "any response that is not captured by" the three above.

"Stable" is read as the same sentence uses it for pain: unchanged. So pain up by 2 or more
while the OMED changed (up by 25% or more, or by any amount either way) is indeterminate, not
progression. A 25% change from a baseline OMED of 0 is read as any increase. Categories are
tested in that order; the wording makes them disjoint, so each follow-up has exactly one.
Complete and partial are confirmed through a secondary table (Saito 2019); the primary paper's
progression and indeterminate text was not retrieved (docs/clinical/decisions.md).

References: Chow E et al., Int J Radiat Oncol Biol Phys 2012;82(5):1730-7 (chow-2012);
Saito T et al., Adv Radiat Oncol 2019 (saito-2019).
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Final, Literal

from osseous.core.case import Case, PainAssessment
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.scores.omed import omed_of

REFERENCES: Final = cite("chow-2012", "saito-2019")
Response = Literal["complete", "partial", "progression", "indeterminate"]


def classify(base_pain: float, base_omed: float, pain: float, omed: float) -> Response:
    """The consensus category of one follow-up against its baseline.

    >>> classify(7, 60, 0, 60), classify(7, 60, 5, 60), classify(4, 60, 6, 60)
    ('complete', 'partial', 'progression')
    >>> classify(4, 40, 6, 50)  # pain up 2 but OMED up 25%: not "with stable OMED"
    'indeterminate'
    """
    rise = pain - base_pain
    omed_not_up = omed <= base_omed
    if pain == 0 and omed_not_up:
        return "complete"
    # the 25% comparisons in integer-exact form (4 x omed against 3 or 5 x baseline), so a
    # dose exactly on the boundary is not moved across it by floating-point rounding
    omed_down_25 = base_omed > 0 and 4 * omed <= 3 * base_omed
    if (rise <= -2 and omed_not_up) or (omed_down_25 and rise <= 0):
        return "partial"
    omed_stable = omed == base_omed
    omed_up_25 = 4 * omed >= 5 * base_omed if base_omed > 0 else omed > 0
    if (rise >= 2 and omed_stable) or (omed_up_25 and 0 <= rise <= 1):
        return "progression"
    return "indeterminate"


def _omed(assessment: PainAssessment, path: str) -> tuple[float | None, tuple[str, ...]]:
    if assessment.omed_mg_per_day is not None:
        return assessment.omed_mg_per_day, ()
    if assessment.analgesics is None:
        return None, (f"{path}.omed_mg_per_day",)
    result = omed_of(assessment.analgesics, f"{path}.analgesics")
    return (float(result.total) if result.total is not None else None), result.missing


def radiotherapy_start(case: Case, lesion_id: str) -> date | None:
    """Start date of the most recent recorded radiotherapy course to the lesion."""
    for lesion in case.lesions:
        if lesion.id == lesion_id:
            dates = [c.date for c in lesion.prior_radiotherapy or () if c.date is not None]
            return max(dates) if dates else None
    return None


def pain_responses(case: Case, lesion_id: str) -> list[ScoreResult]:
    """One result per follow-up assessment of a treated lesion (none when nothing to compare)."""
    indexed = [(i, a) for i, a in enumerate(case.pain_assessments or ())
               if a.lesion == lesion_id]
    start = radiotherapy_start(case, lesion_id)
    if start is None:
        # assessed repeatedly but no dated course: the baseline cannot be chosen
        if len(indexed) < 2:
            return []
        index = next(i for i, les in enumerate(case.lesions) if les.id == lesion_id)
        courses = case.lesions[index].prior_radiotherapy
        path = (f"lesions[{index}].prior_radiotherapy" if not courses else
                f"lesions[{index}].prior_radiotherapy[].date")
        return [_incomplete(lesion_id, a.date, (path,),
                            "no dated radiotherapy course: the baseline cannot be chosen")
                for _, a in sorted(indexed, key=lambda x: x[1].date)[1:]]
    before = [(i, a) for i, a in indexed if a.date <= start]
    after = sorted(((i, a) for i, a in indexed if a.date > start), key=lambda x: x[1].date)
    if not after:
        return []
    if not before:
        return [_incomplete(lesion_id, a.date, (f"pain_assessments (a baseline for {lesion_id} on "
                                                f"or before {start})",),
                            "no baseline assessment before radiotherapy") for _, a in after]
    bi, base = max(before, key=lambda x: x[1].date)
    return [_one(lesion_id, start, bi, base, i, a) for i, a in after]


def _incomplete(lesion: str, when: date, missing: tuple[str, ...], note: str) -> ScoreResult:
    return ScoreResult("pain-response", "incomplete", None, None, None, MappingProxyType({}),
                       missing, (note,), REFERENCES, lesion=lesion,
                       extra=MappingProxyType({"follow_up": when.isoformat()}))


def _one(lesion: str, start: date, bi: int, base: PainAssessment, fi: int,
         follow: PainAssessment) -> ScoreResult:
    bpath, fpath = f"pain_assessments[{bi}]", f"pain_assessments[{fi}]"
    b_omed, b_missing = _omed(base, bpath)
    f_omed, f_missing = _omed(follow, fpath)
    missing = list(b_missing + f_missing)
    if base.worst_pain is None:
        missing.append(f"{bpath}.worst_pain")
    if follow.worst_pain is None:
        missing.append(f"{fpath}.worst_pain")
    days = (follow.date - start).days
    if missing or b_omed is None or f_omed is None or base.worst_pain is None \
            or follow.worst_pain is None:
        return _incomplete(lesion, follow.date, tuple(missing),
                           "pain and OMED at baseline and follow-up are needed")
    category = classify(base.worst_pain, b_omed, follow.worst_pain, f_omed)
    notes = [f"baseline {base.date}: pain {base.worst_pain:g}, OMED {b_omed:g} mg/day; "
             f"follow-up {follow.date} ({days} days after radiotherapy began): pain "
             f"{follow.worst_pain:g}, OMED {f_omed:g} mg/day"]
    if base.worst_pain < 2:
        notes.append("baseline pain below 2: outside the consensus eligibility (pain >= 2)")
    if category in ("progression", "indeterminate"):
        notes.append("progression and indeterminate definitions are provisional")
    return ScoreResult(
        "pain-response", "complete", None, None, category,
        MappingProxyType({"baseline_pain": base.worst_pain, "baseline_omed": b_omed,
                          "pain": follow.worst_pain, "omed": f_omed}),
        (), tuple(notes), REFERENCES, lesion=lesion,
        extra=MappingProxyType({"follow_up": follow.date.isoformat(),
                                "days_after_radiotherapy": days,
                                "baseline": base.date.isoformat()}))
