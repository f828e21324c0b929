"""Laboratory analytes, their accepted units and the conversion to one canonical unit each.

Values are converted on input; the canonical units are the ones the published scores were
written in (mg/dL for calcium, creatinine and bilirubin; g/dL for albumin; mg/dL for CRP;
10^9/L for cell counts). An analyte or unit not listed here is a validation error, never a guess.

Conversion factors follow from the molar masses (IUPAC standard atomic weights; creatinine
113.12 g/mol, bilirubin 584.66 g/mol, 25-hydroxyvitamin D 400.64 g/mol), as tabulated in
Young DS, "Implementation of SI units for clinical laboratory data", Ann Intern Med
1987;106:114-129 (reference ``young-1987``):

* calcium: 1 mmol/L = 4.008 mg/dL (Ca 40.078 g/mol)
* creatinine: 1 mg/dL = 88.4 umol/L
* bilirubin: 1 mg/dL = 17.1 umol/L
* magnesium: 1 mmol/L = 2.431 mg/dL (Mg 24.305 g/mol)
* phosphate (as phosphorus): 1 mmol/L = 3.097 mg/dL (P 30.974 g/mol)
* 25-hydroxyvitamin D: 1 ng/mL = 2.496 nmol/L
* mass-concentration units differ by powers of ten (g/L = 10 x g/dL; mg/L = 10 x mg/dL);
  10^9/L = 10^3/uL (cell counts); U/L = IU/L for enzyme activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

#: citation id of the conversion tables (the registry lives in osseous.knowledge)
SOURCE: Final = "young-1987"


@dataclass(frozen=True, slots=True)
class Analyte:
    """An analyte: its canonical unit and the factor that converts each accepted unit to it."""

    name: str
    canonical_unit: str
    #: unit -> multiply a value in this unit by the factor to get the canonical unit
    factors: MappingProxyType[str, float]
    description: str



CALCIUM_MMOL_TO_MGDL: Final = 4.008
CREATININE_MGDL_TO_UMOL: Final = 88.4
BILIRUBIN_MGDL_TO_UMOL: Final = 17.1

_ANALYTES: Final = (
    Analyte("creatinine", "mg/dL",
            MappingProxyType({"mg/dL": 1.0, "umol/L": 1 / CREATININE_MGDL_TO_UMOL}),
            "serum creatinine"),
    Analyte("albumin", "g/dL", MappingProxyType({"g/dL": 1.0, "g/L": 0.1}), "serum albumin"),
    Analyte("calcium", "mg/dL",
            MappingProxyType({"mg/dL": 1.0, "mmol/L": CALCIUM_MMOL_TO_MGDL}),
            "total serum calcium (measured, not corrected)"),
    Analyte("ionized-calcium", "mmol/L",
            MappingProxyType({"mmol/L": 1.0, "mg/dL": 1 / CALCIUM_MMOL_TO_MGDL}),
            "ionized calcium"),
    Analyte("crp", "mg/dL", MappingProxyType({"mg/dL": 1.0, "mg/L": 0.1}), "C-reactive protein"),
    Analyte("ldh", "U/L", MappingProxyType({"U/L": 1.0, "IU/L": 1.0}), "lactate dehydrogenase"),
    Analyte("platelets", "10*9/L", MappingProxyType({"10*9/L": 1.0, "10*3/uL": 1.0}),
            "platelet count"),
    Analyte("anc", "10*9/L", MappingProxyType({"10*9/L": 1.0, "10*3/uL": 1.0}),
            "absolute neutrophil count"),
    Analyte("wbc", "10*9/L", MappingProxyType({"10*9/L": 1.0, "10*3/uL": 1.0}),
            "white blood cell count"),
    Analyte("hemoglobin", "g/dL", MappingProxyType({"g/dL": 1.0, "g/L": 0.1}), "haemoglobin"),
    Analyte("bilirubin", "mg/dL",
            MappingProxyType({"mg/dL": 1.0, "umol/L": 1 / BILIRUBIN_MGDL_TO_UMOL}),
            "total bilirubin"),
    Analyte("alkaline-phosphatase", "U/L", MappingProxyType({"U/L": 1.0, "IU/L": 1.0}),
            "alkaline phosphatase"),
    Analyte("inr", "{ratio}", MappingProxyType({"{ratio}": 1.0, "1": 1.0}),
            "international normalised ratio"),
    Analyte("magnesium", "mg/dL", MappingProxyType({"mg/dL": 1.0, "mmol/L": 2.431}),
            "serum magnesium"),
    Analyte("phosphate", "mg/dL", MappingProxyType({"mg/dL": 1.0, "mmol/L": 3.097}),
            "serum phosphate (as phosphorus)"),
    Analyte("psa", "ng/mL", MappingProxyType({"ng/mL": 1.0, "ug/L": 1.0}),
            "prostate-specific antigen"),
    Analyte("vitamin-d", "ng/mL", MappingProxyType({"ng/mL": 1.0, "nmol/L": 1 / 2.496}),
            "25-hydroxyvitamin D"),
)

ANALYTES: Final[MappingProxyType[str, Analyte]] = MappingProxyType({a.name: a for a in _ANALYTES})


def to_canonical(analyte: str, value: float, unit: str) -> float:
    """Convert ``value`` in ``unit`` to the analyte's canonical unit.

    >>> round(to_canonical("calcium", 2.5, "mmol/L"), 2)
    10.02
    >>> to_canonical("albumin", 36, "g/L")
    3.6
    """
    return value * ANALYTES[analyte].factors[unit]
