"""Creatinine clearance by Cockcroft-Gault (mL/min).

    CrCl = (140 - age) x weight (kg) / (72 x serum creatinine (mg/dL)),  x 0.85 for women

Actual body weight is used: the zoledronic acid label, whose dose table is by Cockcroft-Gault
clearance, does not say which weight (docs/clinical/decisions.md). When sex is not female or
male the result is a range between the two formulas and stays incomplete.

References: Cockcroft DW, Gault MH, Nephron 1976;16(1):31-41 (cockcroft-1976).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from osseous.core.case import Case
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.scores import facts

REFERENCES: Final = cite("cockcroft-1976")


def cockcroft_gault(age: float, weight_kg: float, creatinine_mg_dl: float, female: bool) -> float:
    """Creatinine clearance in mL/min.

    >>> round(cockcroft_gault(60, 72, 1.0, female=False), 1)
    80.0
    """
    if creatinine_mg_dl <= 0:
        raise ValueError("creatinine must be greater than 0")
    value = (140 - age) * weight_kg / (72 * creatinine_mg_dl)
    return value * 0.85 if female else value


def crcl(case: Case) -> ScoreResult:
    age = facts.age_years(case)
    weight = case.patient.weight_kg
    creat = facts.latest_lab(case, "creatinine")
    sex = case.patient.sex
    missing = [path for path, v in (("patient.age_years", age), ("patient.weight_kg", weight),
                                    ("labs.creatinine", creat)) if v is None]
    if sex not in ("female", "male"):
        missing.append("patient.sex")
    notes: list[str] = []
    extra: dict[str, object] = {"unit": "mL/min"}
    if creat is not None:
        notes.append(f"creatinine {creat.value:g} {creat.unit} ({creat.date or 'undated'})")
        if creat.canonical_value <= 0:
            return ScoreResult("crcl", "incomplete", None, None, None, MappingProxyType({}),
                               ("labs.creatinine",), ("creatinine of 0 cannot be used",),
                               REFERENCES, extra=MappingProxyType(extra))
    if age is None or weight is None or creat is None:
        return ScoreResult("crcl", "incomplete", None, None, None, MappingProxyType({}),
                           tuple(missing), tuple(notes), REFERENCES,
                           extra=MappingProxyType(extra))
    notes.append(f"actual body weight {weight:g} kg")
    female = cockcroft_gault(age, weight, creat.canonical_value, female=True)
    male = cockcroft_gault(age, weight, creat.canonical_value, female=False)
    components = MappingProxyType({"age_years": age, "weight_kg": weight,
                                   "creatinine_mg_dl": round(creat.canonical_value, 3)})
    if sex not in ("female", "male"):
        return ScoreResult("crcl", "incomplete", None, (round(female, 1), round(male, 1)), None,
                           components, tuple(missing),
                           (*notes, "sex not recorded as female or male: range shown"),
                           REFERENCES, extra=MappingProxyType(extra))
    value = round(female if sex == "female" else male, 1)
    return ScoreResult("crcl", "complete", value, (value, value), None, components, (),
                       tuple(notes), REFERENCES, extra=MappingProxyType(extra))
