"""Radiotherapy regimens and spinal-cord dose limits, each with its source.

Regimens are (total dose Gy, fractions). Limits are the published values; the checks that apply
them are in :mod:`osseous.scores.radiobiology`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class Regimen:
    dose_gy: float
    fractions: int

    def to_dict(self) -> dict[str, float]:
        return {"dose_gy": self.dose_gy, "fractions": self.fractions}


@dataclass(frozen=True, slots=True)
class RegimenSet:
    id: str
    regimens: tuple[Regimen, ...]
    sources: tuple[str, ...]
    description: str


def _set(id_: str, pairs: tuple[tuple[float, int], ...], sources: tuple[str, ...],
         description: str) -> RegimenSet:
    return RegimenSet(id_, tuple(Regimen(d, n) for d, n in pairs), sources, description)


REGIMENS: Final = MappingProxyType({r.id: r for r in (
    _set("uncomplicated", ((8, 1), (20, 5), (24, 6), (30, 10)), ("astro-2024", "astro-2017"),
         "conventional EBRT for painful uncomplicated bone metastases (equivalent pain relief)"),
    _set("mescc", ((8, 1), (16, 2), (20, 5), (30, 10)), ("astro-2024",),
         "conventional EBRT for spinal cord compression without surgery"),
    _set("reirradiation-spine", ((8, 1), (20, 5), (24, 6), (20, 8)),
         ("astro-2024", "chow-2014-sc20"), "conventional re-irradiation of a spinal site"),
    _set("reirradiation-non-spine", ((8, 1), (20, 5), (24, 6)),
         ("astro-2024", "chow-2014-sc20"), "conventional re-irradiation of a non-spinal site"),
    _set("sbrt-sc24", ((24, 2),), ("sahgal-2021-sc24",),
         "spine SBRT as given in the SC.24 trial (trial regimen, not a guideline list)"),
)})
#: Choosing Wisely: no more than 10 fractions for uncomplicated palliation
MAX_PALLIATIVE_FRACTIONS: Final = 10

#: alpha/beta (Gy) for late spinal-cord effects used by the cumulative checks (Nieder 2006 for
#: the cervical and thoracic cord; QUANTEC fitted 0.87 Gy)
CORD_ALPHA_BETA: Final = 2.0
CORD_SOURCES: Final = ("nieder-2006", "kirkpatrick-2010")

#: Nieder 2006: low-risk conventional re-irradiation of the cord
NIEDER_CUMULATIVE_BED_GY2: Final = 135.5
NIEDER_COURSE_BED_GY2: Final = 98.0
NIEDER_MIN_INTERVAL_MONTHS: Final = 6

#: Sahgal 2012 / HyTEC 2021: SBRT re-irradiation after conventional radiotherapy (EQD2, a/b 2)
SAHGAL_REIRRADIATION_CUMULATIVE_EQD2: Final = 70.0
SAHGAL_REIRRADIATION_SBRT_EQD2: Final = 25.0
SAHGAL_REIRRADIATION_SBRT_SHARE: Final = 0.5
SAHGAL_REIRRADIATION_MIN_INTERVAL_MONTHS: Final = 5

#: Sahgal 2013: de novo SBRT thecal-sac point maximum (Gy) for <= 5% myelopathy, by fractions
SAHGAL_DE_NOVO_PMAX_GY: Final = MappingProxyType({1: 12.4, 2: 17.0, 3: 20.3, 4: 23.0, 5: 25.3})
