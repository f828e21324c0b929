"""Albumin-corrected serum calcium, with its CTCAE grade.

    corrected Ca (mg/dL) = Ca + 0.8 x (4.0 - albumin g/dL)
    corrected Ca (mmol/L) = Ca + 0.02 x (40 - albumin g/L)        (the same formula in SI)

CTCAE hypercalcaemia grades on corrected calcium: 1 > ULN-11.5 mg/dL (> ULN-2.9 mmol/L);
2 > 11.5-12.5 (> 2.9-3.1); 3 > 12.5-13.5 (> 3.1-3.4); 4 > 13.5 mg/dL (> 3.4 mmol/L).
Hypocalcaemia: 1 < LLN-8.0 mg/dL; 2 < 8.0-7.0; 3 < 7.0-6.0; 4 < 6.0 mg/dL.
When calcium is reported in mmol/L the SI formula and the SI grade limits are used (CTCAE
gives both; they are rounded conversions of each other, so grading SI results against mg/dL
limits would move values near a boundary); ``total`` is always reported in mg/dL.

The limits of normal are the laboratory's; the case format does not carry them yet, so Osseous
uses 8.5-10.5 mg/dL (2.12-2.62 mmol/L), a common adult reference interval chosen by the project
(docs/clinical/decisions.md), and says so in the notes.

References: Zometa label (the corrected-calcium formula; zometa-label); StatPearls,
malignancy-related hypercalcaemia (statpearls-hcm); CTCAE v5.0 (ctcae-5).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from osseous.core.case import Case
from osseous.core.results import ScoreResult
from osseous.core.units import CALCIUM_MMOL_TO_MGDL
from osseous.knowledge.citations import cite
from osseous.scores import facts

REFERENCES: Final = cite("zometa-label", "statpearls-hcm", "ctcae-5")
DEFAULT_ULN_MG_DL: Final = 10.5
DEFAULT_LLN_MG_DL: Final = 8.5
DEFAULT_ULN_MMOL_L: Final = 2.62
DEFAULT_LLN_MMOL_L: Final = 2.12
#: (lower bound exclusive, grade) for hypercalcaemia; grade 1 starts above the ULN
HYPER_GRADES: Final = ((13.5, 4), (12.5, 3), (11.5, 2))
HYPER_GRADES_SI: Final = ((3.4, 4), (3.1, 3), (2.9, 2))
#: (upper bound exclusive, grade) for hypocalcaemia; grade 1 starts below the LLN
HYPO_GRADES: Final = ((6.0, 4), (7.0, 3), (8.0, 2))
HYPO_GRADES_SI: Final = ((1.5, 4), (1.75, 3), (2.0, 2))
#: The serum albumin range (g/dL) taken to hold every plausible adult value, used to bound an
#: albumin-corrected calcium when albumin is not known (project choice, shared with the plan;
#: docs/clinical/decisions.md): the upper end of adult reference intervals is 5.0-5.5 g/dL, and
#: 1.0 g/dL lies below the "severe deficit" band (< 2.1 g/dL) of nutrition-assessment tables.
#: With the label formula the correction then spans 0.8 x (4.0 - 5.5) = -1.2 to
#: 0.8 x (4.0 - 1.0) = +2.4 mg/dL.
ALBUMIN_PLAUSIBLE_G_DL: Final = (1.0, 5.5)


def corrected_calcium_mg_dl(calcium_mg_dl: float, albumin_g_dl: float) -> float:
    """Payne-style albumin correction as printed in the Zometa label.

    >>> corrected_calcium_mg_dl(11.0, 2.5)
    12.2
    """
    return round(calcium_mg_dl + 0.8 * (4.0 - albumin_g_dl), 10)


def corrected_calcium_bounds_mg_dl(calcium_mg_dl: float) -> tuple[float, float]:
    """The corrected calcium over the plausible albumin range, lowest first.

    >>> corrected_calcium_bounds_mg_dl(9.8)
    (8.6, 12.2)
    """
    low_albumin, high_albumin = ALBUMIN_PLAUSIBLE_G_DL
    return (corrected_calcium_mg_dl(calcium_mg_dl, high_albumin),
            corrected_calcium_mg_dl(calcium_mg_dl, low_albumin))


def corrected_calcium_mmol_l(calcium_mmol_l: float, albumin_g_l: float) -> float:
    """The same correction in SI units.

    >>> corrected_calcium_mmol_l(2.75, 25)
    3.05
    """
    return round(calcium_mmol_l + 0.02 * (40 - albumin_g_l), 10)


def hypercalcemia_grade(corrected: float, *, si: bool = False) -> int:
    """CTCAE hypercalcaemia grade (0 when not above the upper limit of normal)."""
    for bound, grade in HYPER_GRADES_SI if si else HYPER_GRADES:
        if corrected > bound:
            return grade
    return 1 if corrected > (DEFAULT_ULN_MMOL_L if si else DEFAULT_ULN_MG_DL) else 0


def hypocalcemia_grade(corrected: float, *, si: bool = False) -> int:
    """CTCAE hypocalcaemia grade (0 when not below the lower limit of normal)."""
    for bound, grade in HYPO_GRADES_SI if si else HYPO_GRADES:
        if corrected < bound:
            return grade
    return 1 if corrected < (DEFAULT_LLN_MMOL_L if si else DEFAULT_LLN_MG_DL) else 0


def band(corrected: float, *, si: bool = False) -> tuple[str, int]:
    """The assessment band and the CTCAE hypercalcaemia grade (0 when not raised)."""
    hyper = hypercalcemia_grade(corrected, si=si)
    if hyper:
        return f"grade-{hyper}", hyper
    if hypocalcemia_grade(corrected, si=si):
        return "low", 0
    return "normal", 0


def corrected_calcium(case: Case) -> ScoreResult:
    """Corrected calcium from the latest calcium and albumin on or before the reference date."""
    ca = facts.latest_lab(case, "calcium")
    alb = facts.latest_lab(case, "albumin")
    missing = tuple(path for path, lab in (("labs.calcium", ca), ("labs.albumin", alb))
                    if lab is None)
    if ca is None or alb is None:
        notes = []
        if ca is not None:
            notes.append(f"measured total calcium {ca.canonical_value:.2f} mg/dL "
                         f"({ca.date or 'undated'}); correction needs albumin")
        return ScoreResult("corrected-calcium", "incomplete", None, None, None,
                           MappingProxyType({}), missing, tuple(notes), REFERENCES,
                           extra=MappingProxyType({"unit": "mg/dL", "ctcae_grade": None}))
    value = corrected_calcium_mg_dl(ca.canonical_value, alb.canonical_value)
    si = ca.unit == "mmol/L"
    value_si = corrected_calcium_mmol_l(ca.canonical_value / CALCIUM_MMOL_TO_MGDL,
                                        alb.canonical_value * 10)
    band_name, grade = band(value_si, si=True) if si else band(value)
    limits = (f"{DEFAULT_LLN_MMOL_L}-{DEFAULT_ULN_MMOL_L} mmol/L" if si else
              f"{DEFAULT_LLN_MG_DL}-{DEFAULT_ULN_MG_DL} mg/dL")
    notes = [f"calcium {ca.value:g} {ca.unit} ({ca.date or 'undated'}), albumin "
             f"{alb.value:g} {alb.unit} ({alb.date or 'undated'})",
             f"graded in {'mmol/L' if si else 'mg/dL'}; limits of normal {limits} "
             "(project default)"]
    extra: dict[str, object] = {
        "unit": "mg/dL",
        "value_mmol_l": round(value_si, 2),
        "ctcae_grade": grade,
        "measured_mg_dl": round(ca.canonical_value, 2),
    }
    if band_name == "low":
        extra["hypocalcemia_ctcae_grade"] = (hypocalcemia_grade(value_si, si=True) if si
                                             else hypocalcemia_grade(value))
    return ScoreResult(
        "corrected-calcium", "complete", round(value, 2), (round(value, 2), round(value, 2)),
        band_name,
        MappingProxyType({"calcium_mg_dl": round(ca.canonical_value, 2),
                          "albumin_g_dl": round(alb.canonical_value, 2)}),
        (), tuple(notes), REFERENCES, extra=MappingProxyType(extra))
