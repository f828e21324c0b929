"""Tomita score for the surgical strategy of spinal metastases, 2-10 (Tomita 2001).

Components: primary tumour slow growth 1 / moderate growth 2 / rapid growth 4; visceral
metastases none 0 / treatable 2 / untreatable 4; bone metastases (spine included) solitary or
isolated 1 / multiple 2. Bands (strategy): 2-3 wide or marginal excision (long-term local
control), 4-5 marginal or intralesional excision (middle-term), 6-7 palliative surgery
(short-term palliation), 8-10 non-operative supportive care (terminal care).

Rapid growth scores 4, not 3 as one review prints: only 4 reaches the published maximum of 10.
"Solitary or isolated" is decided by the bone-metastasis count (1 = solitary); two metastases
count as multiple unless the clinician records ``cancer.bone_metastases.isolated``
(docs/clinical/decisions.md). The growth class per primary is in the primary-site table.

References: Tomita K et al., Spine 2001;26(3):298-306 (tomita-2001).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from osseous.core.case import Case
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.knowledge.primary_sites import PRIMARY_SITES, Growth, primary_name
from osseous.scores import facts
from osseous.scores._points import Bands, Part, assemble, known, unknown

REFERENCES: Final = cite("tomita-2001")
BANDS: Final[Bands] = ((2, 3, "long-term"), (4, 5, "middle-term"), (6, 7, "short-term"),
                       (8, 10, "terminal-care"))
GROWTH: Final = MappingProxyType({Growth.SLOW: 1, Growth.MODERATE: 2, Growth.RAPID: 4})
VISCERAL: Final = MappingProxyType({"none": 0, "treatable": 2, "untreatable": 4})


def _bone_part(case: Case) -> Part:
    totals, missing = facts.total_bone_count(case)
    bm = case.cancer.bone_metastases
    isolated = bm.isolated if bm is not None else None
    points = set()
    for n in totals:
        if n <= 1 or (n == 2 and isolated):
            points.add(1)
        else:
            points.add(2)
    if totals == range(2, 3) and isolated is None:  # exactly two, known
        return known("bone_metastases", 2, "bone metastases: 2 metastases counted as multiple "
                     "(record cancer.bone_metastases.isolated if the clinician judges them "
                     "isolated)")
    return unknown("bone_metastases", points, *missing)


def tomita(case: Case) -> ScoreResult:
    """Tomita score for the patient."""
    parts: list[Part] = []
    primary = case.cancer.primary
    if primary is None:
        parts.append(unknown("primary_growth", GROWTH.values(), "cancer.primary"))
    else:
        cell = PRIMARY_SITES[primary].tomita
        note = None if cell.explicit else (
            f"primary growth: {primary_name(primary)} classed {cell.value.value} growth - "
            f"{cell.source}")
        parts.append(known("primary_growth", GROWTH[cell.value], note))
    visceral = case.cancer.visceral_metastases
    parts.append(known("visceral_metastases", VISCERAL[visceral]) if visceral else
                 unknown("visceral_metastases", VISCERAL.values(),
                         "cancer.visceral_metastases"))
    parts.append(_bone_part(case))
    return assemble("tomita", parts, BANDS, REFERENCES)
