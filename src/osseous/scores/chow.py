"""Chow three-variable number-of-risk-factors (NRF) survival model, 0-3 (Chow 2008).

One risk factor each: a non-breast primary; metastases other than bone only; Karnofsky <= 60.
Groups: I 0-1, II 2, III 3 risk factors. The 2008 paper's abstract gives no group medians.
Mojica-Marquez 2020 quotes the groups' expected median survival as 15.0 / 6.5 / 2.3 months;
these are figures that paper cites, not survival it observed (its own cohort all died within
90 days), so they are shown as quoted, with that citation.

Do not confuse with the 2002 six-variable model, whose Karnofsky cut-off is < 60.

References: Chow E et al., J Clin Oncol 2008;26(36):5863-9 (chow-2008).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from osseous.core.case import Case
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.knowledge.primary_sites import PRIMARY_SITES
from osseous.scores import facts
from osseous.scores._points import Bands, Part, assemble, known, scale_part, unknown

REFERENCES: Final = cite("chow-2008", "mojica-marquez-2020")
BANDS: Final[Bands] = ((0, 1, "group-1"), (2, 2, "group-2"), (3, 3, "group-3"))
VALIDATION_MEDIANS: Final = MappingProxyType({
    "group-1": "median 15.0 months", "group-2": "median 6.5 months",
    "group-3": "median 2.3 months",
})


def non_bone_metastases(case: Case) -> Part:
    """Metastases other than bone: visceral, brain, or any listed non-bone site."""
    c = case.cancer
    if (c.visceral_metastases in ("treatable", "untreatable") or c.brain_metastases
            or c.disseminated or c.visceral_sites):
        return known("metastases_other_than_bone", 1)
    missing = [f"cancer.{n}" for n in ("visceral_metastases", "brain_metastases")
               if getattr(c, n) is None]
    if missing:
        return unknown("metastases_other_than_bone", (0, 1), *missing)
    return known("metastases_other_than_bone", 0)


def chow_nrf(case: Case) -> ScoreResult:
    primary = case.cancer.primary
    kps = facts.karnofsky(case)
    parts = [
        known("non_breast_primary", 0 if PRIMARY_SITES[primary].chow_breast else 1)
        if primary else unknown("non_breast_primary", (0, 1), "cancer.primary"),
        non_bone_metastases(case),
        scale_part("kps_60_or_less", kps.values, kps.converted_from, kps.alternatives,
                   lambda k: 1 if k <= 60 else 0, (0, 1), "patient.karnofsky", "Karnofsky"),
    ]
    return assemble("chow-nrf", parts, BANDS, REFERENCES,
                    extra={"converted": True} if kps.converted_from else None,
                    band_extra=lambda band: {"survival": (
                        f"expected {VALIDATION_MEDIANS[band]} as quoted by Mojica-Marquez 2020 "
                        "(mojica-marquez-2020), not from Chow 2008")})
