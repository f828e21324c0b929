"""International Consensus pain response after palliative radiotherapy (Chow 2012).

Compared with the baseline (the last assessment of the treated site on or before the start of
its radiotherapy), at a follow-up assessment of the same site, with worst pain on 0-10 and the
oral morphine equivalent daily dose (OMED):

* complete: pain 0 and OMED not increased;
* partial: pain down by >= 2 with OMED not increased, or OMED down by >= 25% with pain not
  increased;
* progression: pain up by >= 2 with OMED not reduced by 25% or more, or OMED up by >= 25%
  with pain unchanged or up by 1;
* indeterminate: anything else.

Categories are tested in that order, so each follow-up has exactly one. Complete and partial
are confirmed through a secondary table (Saito 2019); the progression and indeterminate wording
is provisional (docs/clinical/decisions.md).

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
    """
    omed_not_up = omed <= base_omed
    if pain == 0 and omed_not_up:
        return "complete"
    omed_down_25 = base_omed > 0 and omed <= 0.75 * base_omed
    if (base_pain - pain >= 2 and omed_not_up) or (omed_down_25 and pain <= base_pain):
        return "partial"
    omed_up_25 = omed >= 1.25 * base_omed if base_omed > 0 else omed > 0
    if (pain - base_pain >= 2 and not omed_down_25) or (omed_up_25 and 0 <= pain - base_pain <= 1):
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
