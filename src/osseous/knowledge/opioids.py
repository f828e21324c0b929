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
#: Opioids, to tell an opioid from another medicine - not a conversion table. An opioid that a
#: table above does not cover makes the OMED incomplete (never 0). Generic names of the opioid
#: analgesics and opioid-containing products of the WHO ATC index (N02A opioids, N01AH opioid
#: anaesthetics, N07BC drugs used in opioid dependence, R05DA opium alkaloids and derivatives),
#: with the US and international names where they differ (meperidine / pethidine,
#: propoxyphene / dextropropoxyphene, diamorphine / heroin) and the BNF's "co-" names of
#: combination products that contain one. Opioid antagonists (naloxone, naltrexone,
#: methylnaltrexone, naloxegol) and the antidiarrhoeals loperamide and eluxadoline are not
#: analgesics and are not listed. Source: WHO Collaborating Centre for Drug Statistics
#: Methodology, ATC/DDD Index (atcddd.fhi.no), groups N02A, N01AH, N07BC, R05DA; BNF.
OPIOIDS: Final = frozenset({
    *CDC_2022.factors, *CDC_2016.factors, "methadone",
    "alfentanil", "bezitramide", "buprenorphine", "butorphanol", "carfentanil",
    "dextromoramide", "dextropropoxyphene", "dezocine", "diamorphine", "dihydrocodeine",
    "dihydromorphine", "dipipanone", "ethylmorphine", "heroin", "ketobemidone",
    "levacetylmethadol", "levomethadone", "levorphanol", "meperidine", "meptazinol",
    "morphine-glucuronide", "nalbuphine", "nicomorphine", "normethadone", "oliceridine",
    "opium", "papaveretum", "pentazocine", "pethidine", "phenazocine", "pholcodine",
    "piritramide", "propoxyphene", "remifentanil", "sufentanil", "tilidine", "trimeperidine",
    # combination products named without the opioid's own name
    "co-codamol", "co-codaprin", "co-dydramol", "co-proxamol",
})


def is_opioid(drug: str) -> bool:
    """Whether a case-format drug name is an opioid or a product containing one.

    A hyphenated combination counts when any of its parts is an opioid
    (``oxycodone-naloxone``, ``paracetamol-codeine``).

    >>> is_opioid("dihydrocodeine"), is_opioid("oxycodone-naloxone"), is_opioid("letrozole")
    (True, True, False)
    """
    return drug in OPIOIDS or any(part in OPIOIDS for part in drug.split("-"))
