"""What the plan knows about the serum calcium: the CTCAE grade, or the range of grades every
plausible albumin would give, from ionised, corrected or measured total calcium.

* Ionised calcium needs no correction and is graded directly (CTCAE v5.0 ionised limits:
  grade 1 above the upper limit of normal to 1.5 mmol/L, grade 2 > 1.5-1.6, grade 3 > 1.6-1.8,
  grade 4 > 1.8 mmol/L; upper limit of normal 1.32 mmol/L, a common adult reference interval;
  both documented in docs/clinical/decisions.md).
* Otherwise the albumin-corrected calcium (Zometa label formula) is graded.
* With a total calcium and no usable albumin, the corrected value is bounded over the plausible
  albumin range 1.0-5.5 g/dL (below the lowest and above the highest values seen in adults with
  cancer; project choice): when every value in that range gives grade 3 or more, the grade is
  known to be at least 3 and the alert says so (knowing less never removes a warning).
* A result older than its maximum age (plan.state.LAB_MAX_AGE_DAYS) is not graded; a raised
  old result asks for a recheck.

References: ctcae-5, zometa-label, statpearls-hcm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from osseous.plan.state import PatientState
from osseous.scores.calcium import (
    ALBUMIN_PLAUSIBLE_G_DL,  # one range for the scores and the plan
    corrected_calcium_mg_dl,
    hypercalcemia_grade,
)

IONISED_ULN_MMOL_L: Final = 1.32
IONISED_LLN_MMOL_L: Final = 1.12
#: (lower bound exclusive, grade), CTCAE v5.0 hypercalcaemia by ionised calcium
IONISED_GRADES: Final = ((1.8, 4), (1.6, 3), (1.5, 2))


def ionised_grade(mmol_l: float) -> int:
    for bound, grade in IONISED_GRADES:
        if mmol_l > bound:
            return grade
    return 1 if mmol_l > IONISED_ULN_MMOL_L else 0


@dataclass(frozen=True, slots=True)
class CalciumStatus:
    """Hypercalcaemia grade as known: exact (low == high), bounded, or unknown (None)."""

    grade_low: int | None
    grade_high: int | None
    #: the lowest corrected (or ionised-equivalent) value in mg/dL still possible, for the
    #: treatment thresholds (12 and 14 mg/dL)
    corrected_low_mg_dl: float | None
    text: str  # plain words: what was measured and how it was graded
    source: str  # "ionised", "corrected", "bounded", "stale", "unknown"
    stale_raised: bool = False
    based: tuple[tuple[str, object], ...] = ()

    @property
    def exact(self) -> bool:
        return self.grade_low is not None and self.grade_low == self.grade_high


def calcium_status(state: PatientState) -> CalciumStatus:
    ion = state.lab("ionized-calcium")
    if ion is not None and not ion.stale:
        grade = ionised_grade(ion.value)
        return CalciumStatus(grade, grade, None,
                             f"ionised calcium {ion.describe()}", "ionised",
                             based=(("ionized_calcium_mmol_l", ion.value),
                                    ("ionized_calcium_date", _iso(ion))))
    ca = state.lab("calcium")
    alb = state.lab("albumin")
    if ca is None:
        return CalciumStatus(None, None, None, "no calcium result", "unknown")
    if ca.stale:
        return CalciumStatus(None, None, None,
                             f"total calcium {ca.describe()}, {ca.age_days} days old", "stale",
                             stale_raised=ca.value > 10.5,
                             based=(("calcium_mg_dl", round(ca.value, 2)),
                                    ("calcium_date", _iso(ca))))
    based: tuple[tuple[str, object], ...] = (("calcium_mg_dl", round(ca.value, 2)),
                                             ("calcium_date", _iso(ca)))
    if alb is not None and not alb.stale:
        value = corrected_calcium_mg_dl(ca.value, alb.value)
        grade = hypercalcemia_grade(value)
        return CalciumStatus(grade, grade, round(value, 2),
                             f"corrected calcium {value:.1f} mg/dL (calcium {ca.describe()}, "
                             f"albumin {alb.describe()})", "corrected",
                             based=(*based, ("albumin_g_dl", round(alb.value, 2)),
                                    ("corrected_calcium_mg_dl", round(value, 2))))
    lo_alb, hi_alb = ALBUMIN_PLAUSIBLE_G_DL
    low = corrected_calcium_mg_dl(ca.value, hi_alb)
    high = corrected_calcium_mg_dl(ca.value, lo_alb)
    why = "no albumin" if alb is None else f"albumin {alb.describe()} is out of date"
    return CalciumStatus(hypercalcemia_grade(low), hypercalcemia_grade(high), round(low, 2),
                         f"total calcium {ca.describe()} ({why}; corrected between "
                         f"{low:.1f} and {high:.1f} mg/dL for albumin {lo_alb:g}-{hi_alb:g} g/dL)",
                         "bounded", based=(*based, ("corrected_range_mg_dl",
                                                    (round(low, 2), round(high, 2)))))


def _iso(v: object) -> str | None:
    d = getattr(v, "date", None)
    return d.isoformat() if d is not None else None
