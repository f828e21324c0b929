"""The case as it stood on its assessment date.

A treatment dated after ``assessed_on`` cannot have happened yet when the plan is made: a
course of radiotherapy "next month" would make a painful lesion look treated and remove it from
the plan. The plan is made from the record as of its date; the rule ``alert.future-dates`` still
reads the whole record and lists what was left out, so a wrong date is seen.
"""

from __future__ import annotations

from osseous.core.case import Case


def as_of(case: Case) -> Case:
    """``case`` without the radiotherapy courses and operations dated after its assessment
    date (the same object when there are none)."""
    ref = case.assessed_on
    if ref is None:
        return case
    changed = False
    lesions = []
    for les in case.lesions:
        rt = [c for c in les.prior_radiotherapy or () if c.date is None or c.date <= ref]
        ops = [s for s in les.prior_surgery or () if s.date is None or s.date <= ref]
        if len(rt) == len(les.prior_radiotherapy or ()) and \
                len(ops) == len(les.prior_surgery or ()):
            lesions.append(les)
            continue
        changed = True
        lesions.append(les.model_copy(update={
            "prior_radiotherapy": rt if les.prior_radiotherapy is not None else None,
            "prior_surgery": ops if les.prior_surgery is not None else None}))
    return case.model_copy(update={"lesions": lesions}) if changed else case
