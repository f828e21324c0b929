"""Zoledronic acid dose by creatinine clearance, and the withhold rule on creatinine rise.

See :mod:`osseous.knowledge.bma` for the label table. Dose for the >60 band applies strictly
above 60 mL/min; exactly 60 falls in the 50-60 band (3.5 mg).

References: Zometa US prescribing information and EU SmPC (zometa-label).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from osseous.knowledge import bma
from osseous.knowledge.citations import cite

REFERENCES: Final = cite("zometa-label")


@dataclass(frozen=True, slots=True)
class ZoledronicDose:
    crcl_ml_min: float
    dose_mg: float | None  # None: not recommended
    volume_ml: float | None
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"crcl_ml_min": round(self.crcl_ml_min, 1), "dose_mg": self.dose_mg,
                "volume_ml": self.volume_ml, "reason": self.reason,
                "references": list(REFERENCES)}


def zoledronic_dose(crcl_ml_min: float) -> ZoledronicDose:
    """The label dose for bone metastases or myeloma at a baseline clearance.

    >>> zoledronic_dose(45).dose_mg, zoledronic_dose(60).dose_mg, zoledronic_dose(29.9).dose_mg
    (3.3, 3.5, None)
    """
    if crcl_ml_min < 0:
        raise ValueError("creatinine clearance must not be negative")
    if crcl_ml_min < bma.ZOLEDRONIC_MIN_CRCL:
        return ZoledronicDose(crcl_ml_min, None, None,
                              "CrCl < 30 mL/min: not recommended (severe renal impairment)")
    if crcl_ml_min > bma.ZOLEDRONIC_DOSE_BY_CRCL[0][0]:
        return ZoledronicDose(crcl_ml_min, 4.0, 5.0, "CrCl > 60 mL/min: full dose")
    for low, dose in bma.ZOLEDRONIC_DOSE_BY_CRCL[1:]:
        if crcl_ml_min >= low:
            high = "60" if low == 50 else f"{int(low) + 9}"
            return ZoledronicDose(crcl_ml_min, dose, bma.ZOLEDRONIC_VOLUME_ML[dose],
                                  f"CrCl {int(low)}-{high} mL/min: reduced dose")
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class WithholdDecision:
    withhold: bool
    rise_mg_dl: float
    threshold_mg_dl: float
    resume_below_mg_dl: float
    reason: str


def zoledronic_withhold(baseline_mg_dl: float, current_mg_dl: float) -> WithholdDecision:
    """Whether to withhold the next dose for renal deterioration (label rule).

    >>> zoledronic_withhold(1.0, 1.5).withhold, zoledronic_withhold(1.4, 2.3).withhold
    (True, False)
    """
    if baseline_mg_dl <= 0 or current_mg_dl <= 0:
        raise ValueError("creatinine values must be greater than 0")
    normal = baseline_mg_dl < bma.ZOLEDRONIC_WITHHOLD_BASELINE_MG_DL
    threshold = (bma.ZOLEDRONIC_WITHHOLD_RISE_NORMAL if normal
                 else bma.ZOLEDRONIC_WITHHOLD_RISE_ABNORMAL)
    rise = round(current_mg_dl - baseline_mg_dl, 6)
    withhold = rise >= threshold
    resume = round(baseline_mg_dl * (1 + bma.ZOLEDRONIC_RESUME_WITHIN), 3)
    kind = "normal (< 1.4 mg/dL)" if normal else "abnormal (>= 1.4 mg/dL)"
    reason = (f"baseline {baseline_mg_dl:g} mg/dL is {kind}; rise {rise:+.2f} mg/dL against a "
              f"withhold threshold of {threshold} mg/dL")
    if withhold:
        reason += f"; withhold, resume at the same dose when creatinine <= {resume} mg/dL"
    return WithholdDecision(withhold, rise, threshold, resume, reason)
