"""Revised Tokuhashi score for metastatic spine tumours, 0-15 (Tokuhashi 2005).

=============================  =====================================================  =======
general condition (Karnofsky)  10-40% / 50-70% / 80-100%                              0/1/2
extraspinal bone metastases    >=3 / 1-2 / 0                                          0/1/2
vertebral body metastases      >=3 / 2 / 1                                            0/1/2
major internal organs          unremovable / removable / none                         0/1/2
primary site                   lung, osteosarcoma, stomach, bladder, oesophagus,     0
                               pancreas; liver, gallbladder, unidentified; others;   1; 2;
                               kidney, uterus; rectum; thyroid, breast, prostate,    3; 4;
                               carcinoid                                              5
palsy (Frankel)                A-B / C-D / E                                          0/1/2
=============================  =====================================================  =======

Predicted prognosis: 0-8 < 6 months, 9-11 >= 6 months, 12-15 >= 1 year (a lower score is a
worse prognosis). The vertebral item is scored >=3 / 2 / 1 -> 0 / 1 / 2, and a count of 0 is
outside the score (docs/clinical/decisions.md). Karnofsky converted from ECOG is marked.

References: Tokuhashi Y et al., Spine 2005;30(19):2186-91 (tokuhashi-2005), as reprinted with
the author's corrections in NICE CG75 (nice-cg75-2008); Frankel HL et al. 1969 (frankel-1969).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from osseous.core.case import Case
from osseous.core.errors import invalid
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.knowledge.primary_sites import PRIMARY_SITES, primary_name
from osseous.scores import facts
from osseous.scores._points import Bands, Part, assemble, known, scale_part, unknown

REFERENCES: Final = cite("tokuhashi-2005", "nice-cg75-2008", "frankel-1969")
BANDS: Final[Bands] = ((0, 8, "lt-6-months"), (9, 11, "gte-6-months"),
                       (12, 15, "gte-12-months"))
VISCERAL: Final = MappingProxyType({"untreatable": 0, "treatable": 1, "none": 2})
PALSY: Final = MappingProxyType({"A": 0, "B": 0, "C": 1, "D": 1, "E": 2})


def general_condition_points(kps: int) -> int:
    """Karnofsky 10-40% (and 0) -> 0; 50-70% -> 1; 80-100% -> 2."""
    return 0 if kps <= 40 else 1 if kps <= 70 else 2


def extraspinal_points(count: int) -> int:
    return 0 if count >= 3 else 1 if count >= 1 else 2


def vertebral_points(count: int) -> int:
    """>=3 -> 0, 2 -> 1, 1 -> 2 (a count of 0 is outside the score)."""
    if count < 1:
        raise ValueError("the revised Tokuhashi score needs at least one vertebral metastasis")
    return 0 if count >= 3 else 1 if count == 2 else 2


def tokuhashi(case: Case) -> ScoreResult:
    """Revised Tokuhashi score for the patient (only meaningful with a spinal metastasis)."""
    kps = facts.karnofsky(case)
    parts: list[Part] = [scale_part(
        "general_condition", kps.values, kps.converted_from, kps.alternatives,
        general_condition_points, (0, 1, 2), "patient.karnofsky", "Karnofsky")]

    extra = facts.extraspinal_count(case)
    parts.append(unknown("extraspinal_bone_metastases",
                         {extraspinal_points(n) for n in extra.possible(3)}, extra.path))

    spinal = facts.spinal_count(case)
    if spinal.value < 1 and not spinal.lower_bound:
        raise invalid("cancer.bone_metastases.spinal", "must be at least 1: the revised "
                      "Tokuhashi score is for patients with a vertebral metastasis", 0)
    parts.append(unknown("vertebral_metastases",
                         {vertebral_points(n) for n in spinal.possible(3) if n >= 1},
                         spinal.path))

    visceral = case.cancer.visceral_metastases
    parts.append(known("visceral_metastases", VISCERAL[visceral]) if visceral else
                 unknown("visceral_metastases", VISCERAL.values(),
                         "cancer.visceral_metastases"))

    primary = case.cancer.primary
    if primary is None:
        parts.append(unknown("primary_site", (0, 1, 2, 3, 4, 5), "cancer.primary"))
    else:
        cell = PRIMARY_SITES[primary].tokuhashi
        note = None if cell.explicit else f"primary site ({primary_name(primary)}): {cell.source}"
        parts.append(known("primary_site", cell.value, note))

    frankel = case.patient.frankel
    parts.append(known("palsy", PALSY[frankel]) if frankel else
                 unknown("palsy", (0, 1, 2), "patient.frankel"))
    extra_out: dict[str, object] = {}
    if kps.converted_from:
        extra_out["converted"] = True
    return assemble("tokuhashi-revised", parts, BANDS, REFERENCES, extra=extra_out)
