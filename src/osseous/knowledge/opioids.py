"""Oral morphine equivalent (morphine milligram equivalent, MME) conversion tables.

Versioned: ``cdc-2022`` (default) and ``cdc-2016``. The factors convert a daily dose to oral
morphine milligrams per day, to record and threshold analgesic exposure (for example the OMED
of the International Consensus pain response). They are not for converting one opioid into
another: both guidelines say so, and Osseous never produces a rotation dose.

Fentanyl transdermal is per mcg/h; every other factor is per mg/day of the oral drug.

Sources: Dowell D et al., MMWR Recomm Rep 2022;71(3):1-95, table of MME conversion factors
(cdc-2022); Dowell D et al., JAMA 2016;315(15):1624-45, Table 4 (cdc-2016). The 2016 table has
no tramadol row and tiers methadone by daily dose; above 80 mg/day it has no row, and
Osseous then reports the dose as not convertible rather than extrapolate.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class OpioidTable:
    id: str
    source: str
    #: drug -> factor per oral mg/day (fentanyl: per mcg/h transdermal)
    factors: MappingProxyType[str, float]
    #: methadone tiers: (upper bound of daily mg inclusive, factor); empty = single factor
    methadone_tiers: tuple[tuple[float, float], ...] = ()


CDC_2022: Final = OpioidTable(
    "cdc-2022", "cdc-2022",
    MappingProxyType({
        "codeine": 0.15, "fentanyl": 2.4, "hydrocodone": 1.0, "hydromorphone": 5.0,
        "methadone": 4.7, "morphine": 1.0, "oxycodone": 1.5, "oxymorphone": 3.0,
        "tapentadol": 0.4, "tramadol": 0.2,
    }),
)
CDC_2016: Final = OpioidTable(
    "cdc-2016", "cdc-2016",
    MappingProxyType({
        "codeine": 0.15, "fentanyl": 2.4, "hydrocodone": 1.0, "hydromorphone": 4.0,
        "morphine": 1.0, "oxycodone": 1.5, "oxymorphone": 3.0, "tapentadol": 0.4,
    }),
    methadone_tiers=((20, 4.0), (40, 8.0), (60, 10.0), (80, 12.0)),
)
TABLES: Final = MappingProxyType({t.id: t for t in (CDC_2022, CDC_2016)})
DEFAULT_TABLE: Final = "cdc-2022"
#: every opioid any table knows (used to tell an opioid from another medicine)
OPIOIDS: Final = frozenset({"methadone", *CDC_2022.factors, *CDC_2016.factors,
                            "buprenorphine", "pethidine", "meperidine", "levorphanol"})
