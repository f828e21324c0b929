"""ECOG <-> Karnofsky mappings.

There is no official mapping between the two scales. Osseous converts with the common table
(the default, ``common``) and reports, next to any converted result, whether the two empirical
mappings would give another value (docs/clinical/decisions.md, "ECOG <-> Karnofsky").
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class PerformanceMapping:
    id: str
    label: str
    source: str
    #: ECOG grade -> the Karnofsky values it corresponds to
    ecog_to_kps: MappingProxyType[int, tuple[int, ...]]

    def kps_to_ecog(self, kps: int) -> int | None:
        for ecog, values in self.ecog_to_kps.items():
            if kps in values:
                return ecog
        return None


def _mapping(id_: str, label: str, source: str,
             table: dict[int, tuple[int, ...]]) -> PerformanceMapping:
    return PerformanceMapping(id_, label, source, MappingProxyType(table))


COMMON: Final = _mapping(
    "common", "common table", "oken-1982",
    {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20)},
)
MA_2010: Final = _mapping(
    "ma-2010", "Ma 2010 (empirical)", "ma-2010",
    {0: (100,), 1: (80, 90), 2: (60, 70), 3: (40, 50), 4: (10, 20, 30)},
)
PRASAD_2018: Final = _mapping(
    "prasad-2018", "Prasad 2018 (empirical)", "prasad-2018",
    {0: (100,), 1: (80, 90), 2: (70,), 3: (50, 60), 4: (10, 20, 30, 40)},
)
ALTERNATIVES: Final = (MA_2010, PRASAD_2018)
#: the scales' definitions and the three mappings
SOURCES: Final = ("oken-1982", "karnofsky-1949", "ma-2010", "prasad-2018")
