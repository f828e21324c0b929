"""What the plan knows about the serum calcium: the CTCAE grade of hyper- and hypocalcaemia,
or the range of grades every plausible albumin would give, from ionised, corrected or measured
total calcium.

* Ionised calcium needs no correction and is graded directly (CTCAE v5.0 ionised limits:
  hypercalcaemia grade 1 above the upper limit of normal to 1.5 mmol/L, grade 2 > 1.5-1.6,
  grade 3 > 1.6-1.8, grade 4 > 1.8 mmol/L; hypocalcaemia grade 1 below the lower limit of
  normal to 1.0 mmol/L, grade 2 < 1.0-0.9, grade 3 < 0.9-0.8, grade 4 < 0.8 mmol/L; limits of
  normal 1.12-1.32 mmol/L, a common adult reference interval; documented in
  docs/clinical/decisions.md).
* Otherwise the albumin-corrected calcium (Zometa label formula) is graded, exactly as the
  corrected-calcium score grades it: a calcium reported in mmol/L with the SI formula and the
  SI limits, one in mg/dL with the mg/dL ones (1 mmol/L = 4.008 mg/dL, core.units). One
  conversion and one grade for the score, the alerts and the treatment.
* With a total calcium and no usable albumin, the corrected value is bounded over the plausible
  albumin range 1.0-5.5 g/dL (project choice). The alerts and the treatment use the worst grade
  a plausible albumin gives (``worst``): knowing less never removes or lowers a warning.
* A result older than its maximum age (plan.state.LAB_MAX_AGE_DAYS) is not graded; a raised
  or low old result asks for a recheck.
* Text gives numbers in the unit the user gave, the other unit in brackets (plan.state.amount).

References: ctcae-5, zometa-label, statpearls-hcm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from osseous.core.units import CALCIUM_MMOL_TO_MGDL
from osseous.plan.state import LabValue, PatientState, amount
from osseous.scores.calcium import (
    ALBUMIN_PLAUSIBLE_G_DL,  # one range for the scores and the plan
    DEFAULT_ULN_MG_DL,
    corrected_calcium_mg_dl,
    corrected_calcium_mmol_l,
    hypercalcemia_grade,
    hypocalcemia_grade,
)

IONISED_ULN_MMOL_L: Final = 1.32
IONISED_LLN_MMOL_L: Final = 1.12
#: (lower bound exclusive, grade), CTCAE v5.0 hypercalcaemia by ionised calcium
IONISED_GRADES: Final = ((1.8, 4), (1.6, 3), (1.5, 2))
#: (upper bound exclusive, grade), CTCAE v5.0 hypocalcaemia by ionised calcium
IONISED_LOW_GRADES: Final = ((0.8, 4), (0.9, 3), (1.0, 2))
#: severe hypocalcaemia, treated with intravenous calcium gluconate: adjusted calcium
#: < 1.9 mmol/L (7.6 mg/dL) or symptoms at any level below the reference range (Society for
#: Endocrinology emergency guidance, Turner 2016; turner-2016-hypocalcaemia); CTCAE grade 3-4
#: (< 7.0 mg/dL, hospitalisation indicated) lies inside it
SEVERE_LOW_MMOL_L: Final = 1.9


def ionised_grade(mmol_l: float) -> int:
    for bound, grade in IONISED_GRADES:
        if mmol_l > bound:
            return grade
    return 1 if mmol_l > IONISED_ULN_MMOL_L else 0


def ionised_low_grade(mmol_l: float) -> int:
    for bound, grade in IONISED_LOW_GRADES:
        if mmol_l < bound:
            return grade
    return 1 if mmol_l < IONISED_LLN_MMOL_L else 0


@dataclass(frozen=True, slots=True)
class CalciumStatus:
    """Hyper- and hypocalcaemia grades as known: exact (low == high), bounded, or unknown
    (None). A grade of 0 means not raised (or not low)."""

    grade_low: int | None
    grade_high: int | None
    #: the lowest corrected value in mg/dL still possible (None for ionised calcium)
    corrected_low_mg_dl: float | None
    text: str  # plain words: what was measured and how it was graded
    source: str  # "ionised", "corrected", "bounded", "stale", "unknown"
    stale_raised: bool = False
    based: tuple[tuple[str, object], ...] = ()
    #: the highest corrected value in mg/dL still possible (None for ionised calcium)
    corrected_high_mg_dl: float | None = None
    #: hypocalcaemia grade range: least low and most low a plausible albumin gives
    low_grade_low: int | None = None
    low_grade_high: int | None = None
    #: the lowest corrected value in mmol/L still possible, for the Society for Endocrinology
    #: threshold of severe hypocalcaemia (< 1.9 mmol/L); ionised calcium has none
    corrected_low_mmol_l: float | None = None

    @property
    def exact(self) -> bool:
        return self.grade_low is not None and self.grade_low == self.grade_high

    @property
    def worst(self) -> int:
        """The hypercalcaemia grade used for alerts and treatment: the worst plausible one."""
        return self.grade_high or 0

    @property
    def worst_low(self) -> int:
        """The hypocalcaemia grade used for alerts and treatment: the worst plausible one."""
        return self.low_grade_high or 0

    @property
    def low(self) -> bool:
        """Low whatever the albumin (every plausible correction is below normal)."""
        return (self.low_grade_low or 0) > 0

    @property
    def severe_low(self) -> bool:
        """The worst plausible value is severe hypocalcaemia (intravenous calcium)."""
        return self.worst_low >= 3 or (self.worst_low > 0 and self.corrected_low_mmol_l
                                       is not None
                                       and self.corrected_low_mmol_l < SEVERE_LOW_MMOL_L)

    def grade_words(self, low: bool = False) -> str:
        """"CTCAE grade 2", or "CTCAE grade 2-4 depending on the albumin, treated as grade 4
        until it is known"."""
        a, b = ((self.low_grade_low, self.low_grade_high) if low
                else (self.grade_low, self.grade_high))
        a, b = a or 0, b or 0
        if a == b:
            return f"CTCAE grade {b}"
        span = f"CTCAE grade {a}-{b}" if a else f"up to CTCAE grade {b}"
        return f"{span} depending on the albumin, treated as grade {b} until it is known"


def _grade(corrected_mg_dl: float, corrected_mmol_l: float, si: bool) -> tuple[int, int]:
    """(hyper, hypo) grades, in SI when the calcium was reported in mmol/L (as the score)."""
    if si:
        return (hypercalcemia_grade(corrected_mmol_l, si=True),
                hypocalcemia_grade(corrected_mmol_l, si=True))
    return hypercalcemia_grade(corrected_mg_dl), hypocalcemia_grade(corrected_mg_dl)


def _corrected(ca: LabValue, albumin_g_dl: float) -> tuple[float, float]:
    """(mg/dL, mmol/L) corrected calcium by the formula of the unit reported."""
    if ca.given_unit == "mmol/L":
        mmol = corrected_calcium_mmol_l(ca.value / CALCIUM_MMOL_TO_MGDL, albumin_g_dl * 10)
        return round(mmol * CALCIUM_MMOL_TO_MGDL, 10), mmol
    mg = corrected_calcium_mg_dl(ca.value, albumin_g_dl)
    return mg, round(mg / CALCIUM_MMOL_TO_MGDL, 10)


def _words(mg_dl: float, si: bool) -> str:
    mmol = mg_dl / CALCIUM_MMOL_TO_MGDL
    return (amount(mg_dl, "mg/dL", mmol, "mmol/L") if si else amount(mg_dl, "mg/dL"))


def calcium_status(state: PatientState) -> CalciumStatus:
    ion = state.lab("ionized-calcium")
    if ion is not None and not ion.stale:
        grade, low = ionised_grade(ion.value), ionised_low_grade(ion.value)
        return CalciumStatus(grade, grade, None,
                             f"ionised calcium {ion.describe()}", "ionised",
                             based=(("ionized_calcium_mmol_l", ion.value),
                                    ("ionized_calcium_date", _iso(ion))),
                             low_grade_low=low, low_grade_high=low)
    ca = state.lab("calcium")
    alb = state.lab("albumin")
    if ca is None:
        return CalciumStatus(None, None, None, "no calcium result", "unknown")
    if ca.stale:
        return CalciumStatus(None, None, None,
                             f"total calcium {ca.describe()}, {ca.age_days} days old", "stale",
                             stale_raised=ca.value > DEFAULT_ULN_MG_DL,
                             based=(("calcium_mg_dl", round(ca.value, 2)),
                                    ("calcium_date", _iso(ca))))
    si = ca.given_unit == "mmol/L"
    based: tuple[tuple[str, object], ...] = (("calcium_mg_dl", round(ca.value, 2)),
                                             ("calcium_date", _iso(ca)))
    if alb is not None and not alb.stale:
        mg, mmol = _corrected(ca, alb.value)
        grade, low = _grade(mg, mmol, si)
        return CalciumStatus(grade, grade, round(mg, 2),
                             f"corrected calcium {_words(mg, si)} (calcium {ca.describe()}, "
                             f"albumin {alb.describe()})", "corrected",
                             based=(*based, ("albumin_g_dl", round(alb.value, 2)),
                                    ("corrected_calcium_mg_dl", round(mg, 2))),
                             corrected_high_mg_dl=round(mg, 2), low_grade_low=low,
                             low_grade_high=low, corrected_low_mmol_l=round(mmol, 3))
    lo_alb, hi_alb = ALBUMIN_PLAUSIBLE_G_DL
    low_mg, low_mmol = _corrected(ca, hi_alb)
    high_mg, high_mmol = _corrected(ca, lo_alb)
    hyper_lo, hypo_hi = _grade(low_mg, low_mmol, si)
    hyper_hi, hypo_lo = _grade(high_mg, high_mmol, si)
    why = "no albumin" if alb is None else f"albumin {alb.describe()} is out of date"
    albumin_range = (f"{lo_alb * 10:g}-{hi_alb * 10:g} g/L" if si
                     else f"{lo_alb:g}-{hi_alb:g} g/dL")
    return CalciumStatus(hyper_lo, hyper_hi, round(low_mg, 2),
                         f"total calcium {ca.describe()} ({why}; corrected between "
                         f"{_words(low_mg, si)} and {_words(high_mg, si)} for albumin "
                         f"{albumin_range})", "bounded",
                         based=(*based, ("corrected_range_mg_dl",
                                         (round(low_mg, 2), round(high_mg, 2)))),
                         corrected_high_mg_dl=round(high_mg, 2), low_grade_low=hypo_lo,
                         low_grade_high=hypo_hi, corrected_low_mmol_l=round(low_mmol, 3))


def _iso(v: object) -> str | None:
    d = getattr(v, "date", None)
    return d.isoformat() if d is not None else None
