"""Radium-223 activity and volume for one administration (Xofigo label).

    activity (kBq) = weight (kg) x 55 kBq/kg
    volume (mL)    = weight (kg) x 55 kBq/kg / (decay factor x 1,100 kBq/mL)

The decay factor is read from the label's table for the number of days between the
radioactivity reference date and the day of administration (-14 to +14); outside the table the
vial must not be used.

References: Xofigo US prescribing information (xofigo-label).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from osseous.knowledge import radiopharmaceuticals as rp
from osseous.knowledge.citations import cite

REFERENCES: Final = cite("xofigo-label")


@dataclass(frozen=True, slots=True)
class RadiumDose:
    weight_kg: float
    activity_kbq: float
    days_from_reference: int | None
    decay_factor: float | None
    volume_ml: float | None

    def to_dict(self) -> dict[str, object]:
        return {"weight_kg": self.weight_kg, "activity_per_kg": {"value": rp.RADIUM_KBQ_PER_KG,
                                                                 "unit": "kBq/kg"},
                "activity_kbq": round(self.activity_kbq, 1),
                "activity_mbq": round(self.activity_kbq / 1000, 3),
                "days_from_reference": self.days_from_reference,
                "decay_factor": self.decay_factor,
                "volume_ml": None if self.volume_ml is None else round(self.volume_ml, 2),
                "references": list(REFERENCES)}


def radium_dose(weight_kg: float, days_from_reference: int | None = None) -> RadiumDose:
    """Activity for this patient, and the volume when the vial's reference date is known.

    >>> d = radium_dose(70, 0)
    >>> d.activity_kbq, round(d.volume_ml, 2)
    (3850.0, 3.56)
    """
    if weight_kg <= 0:
        raise ValueError("weight must be greater than 0 kg")
    activity = weight_kg * rp.RADIUM_KBQ_PER_KG
    if days_from_reference is None:
        return RadiumDose(weight_kg, activity, None, None, None)
    if days_from_reference not in rp.RADIUM_DECAY_FACTORS:
        raise ValueError("the label's decay table covers 14 days before to 14 days after the "
                         "reference date")
    factor = rp.RADIUM_DECAY_FACTORS[days_from_reference]
    volume = activity / (factor * rp.RADIUM_KBQ_PER_ML)
    return RadiumDose(weight_kg, activity, days_from_reference, factor, volume)
