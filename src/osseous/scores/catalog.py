"""Every score and formula Osseous computes from a case, with its inputs and references.

``score_case`` runs each score that applies to the case, in a fixed order: per-lesion scores
lesion by lesion, then the patient-level scores. Spine-specific prognostic scores (revised
Tokuhashi, Tomita, NESMS) apply when the case has a spinal metastasis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from osseous.core.case import BoneLesion, Case, SpinalLesion
from osseous.core.results import ScoreResult
from osseous.scores import (
    bauer,
    calcium,
    chow,
    escc,
    katagiri,
    mirels,
    nesms,
    omed,
    pain,
    renal,
    sins,
    teachh,
    tokuhashi,
    tomita,
)


@dataclass(frozen=True, slots=True)
class ScoreInfo:
    id: str
    name: str
    per: Literal["spinal lesion", "long-bone lesion", "patient", "treated lesion"]
    inputs: tuple[str, ...]
    references: tuple[str, ...]
    compute: Callable[[Case], list[ScoreResult]]
    #: whether ``score_case`` includes the score for this case (asking for it by name does not
    #: check: a calculator computes what it is asked)
    applies: Callable[[Case], bool] = lambda case: True


def _spinal(fn: Callable[[SpinalLesion, int], ScoreResult]) -> Callable[[Case], list[ScoreResult]]:
    return lambda case: [fn(les, i) for i, les in case.spinal_lesions]


def _long_bone(case: Case) -> list[ScoreResult]:
    return [mirels.mirels(les, i) for i, les in case.bone_lesions if mirels.applies(les)]


def has_spinal_disease(case: Case) -> bool:
    bm = case.cancer.bone_metastases
    if bm is not None and bm.spinal is not None:
        return bm.spinal > 0
    return bool(case.spinal_lesions)


def _patient(fn: Callable[[Case], ScoreResult]) -> Callable[[Case], list[ScoreResult]]:
    return lambda case: [fn(case)]


def _pain_responses(case: Case) -> list[ScoreResult]:
    return [r for les in case.lesions for r in pain.pain_responses(case, les.id)]


def _omed(case: Case) -> list[ScoreResult]:
    return [omed.omed_of(case.medications, "medications")]


_PERF = "patient.karnofsky (or patient.ecog, converted)"
_ECOG = "patient.ecog (or patient.karnofsky, converted)"
_BONE = "cancer.bone_metastases.spinal/.extraspinal (or the listed lesions, as a lower bound)"

SCORES: Final = (
    ScoreInfo("sins", "Spinal Instability Neoplastic Score", "spinal lesion",
              ("levels", "pain_character", "appearance", "alignment", "collapse",
               "posterolateral"), sins.REFERENCES, _spinal(sins.sins)),
    ScoreInfo("escc", "Bilsky epidural spinal cord compression grade", "spinal lesion",
              ("escc",), escc.REFERENCES, _spinal(escc.escc)),
    ScoreInfo("mirels", "Mirels score (impending pathological fracture)", "long-bone lesion",
              ("site", "region (femur)", "pain_severity", "appearance", "size_fraction"),
              mirels.REFERENCES, _long_bone),
    ScoreInfo("tokuhashi-revised", "Revised Tokuhashi score", "patient",
              (_PERF, _BONE, "cancer.visceral_metastases", "cancer.primary", "patient.frankel"),
              tokuhashi.REFERENCES, _patient(tokuhashi.tokuhashi), has_spinal_disease),
    ScoreInfo("tomita", "Tomita score", "patient",
              ("cancer.primary", "cancer.visceral_metastases", _BONE,
               "cancer.bone_metastases.isolated"), tomita.REFERENCES,
              _patient(tomita.tomita), has_spinal_disease),
    ScoreInfo("bauer", "Bauer score", "patient",
              ("cancer.visceral_metastases", "cancer.brain_metastases",
               "lesions[].pathological_fracture / collapse", _BONE, "cancer.primary"),
              bauer.REFERENCES, _patient(bauer.bauer)),
    ScoreInfo("bauer-modified", "Modified Bauer score", "patient",
              ("cancer.visceral_metastases", "cancer.brain_metastases", _BONE,
               "cancer.primary"), bauer.REFERENCES_MODIFIED, _patient(bauer.bauer_modified)),
    ScoreInfo("katagiri-new", "New Katagiri score", "patient",
              ("cancer.primary (+ hormone_receptor_positive, castration_resistant, "
               "targeted_therapy)", "cancer.visceral_metastases", "cancer.brain_metastases",
               "cancer.disseminated", "labs: crp, ldh, albumin, platelets, calcium, bilirubin",
               _ECOG, "cancer.prior_chemotherapy_lines", _BONE),
              katagiri.REFERENCES, _patient(katagiri.katagiri)),
    ScoreInfo("nesms", "New England Spinal Metastasis Score", "patient",
              ("modified Bauer inputs", "patient.ambulatory", "labs: albumin"),
              nesms.REFERENCES, _patient(nesms.nesms), has_spinal_disease),
    ScoreInfo("chow-nrf", "Chow three-variable number of risk factors", "patient",
              ("cancer.primary", "cancer.visceral_metastases", "cancer.brain_metastases", _PERF),
              chow.REFERENCES, _patient(chow.chow_nrf)),
    ScoreInfo("teachh", "TEACHH model", "patient",
              ("cancer.primary", _ECOG, "patient.age_years or birth_date",
               "cancer.prior_chemotherapy_lines", "patient.hospitalizations_past_3_months",
               "cancer.visceral_sites"), teachh.REFERENCES, _patient(teachh.teachh)),
    ScoreInfo("crcl", "Creatinine clearance (Cockcroft-Gault)", "patient",
              ("patient.age_years", "patient.weight_kg", "patient.sex", "labs: creatinine"),
              renal.REFERENCES, _patient(renal.crcl)),
    ScoreInfo("corrected-calcium", "Albumin-corrected calcium with CTCAE grade", "patient",
              ("labs: calcium", "labs: albumin"), calcium.REFERENCES,
              _patient(calcium.corrected_calcium)),
    ScoreInfo("omed", "Oral morphine equivalent daily dose", "patient",
              ("medications: drug, status, route, daily_dose_mg or rate_mcg_per_h",),
              ("cdc-2022", "cdc-2016"), _omed),
    ScoreInfo("pain-response", "International Consensus pain response", "treated lesion",
              ("lesions[].prior_radiotherapy[].date", "pain_assessments: date, lesion, "
               "worst_pain, omed_mg_per_day or analgesics"), pain.REFERENCES, _pain_responses),
)
BY_ID: Final = {s.id: s for s in SCORES}


def score_case(case: Case) -> list[ScoreResult]:
    """Every applicable score for the case, lesion scores first (in lesion order)."""
    results: list[ScoreResult] = []
    by_lesion: dict[str, list[ScoreResult]] = {}
    for info in SCORES:
        if info.per in ("spinal lesion", "long-bone lesion"):
            for r in info.compute(case):
                by_lesion.setdefault(r.lesion or "", []).append(r)
    for les in case.lesions:
        if isinstance(les, SpinalLesion | BoneLesion):
            results.extend(by_lesion.get(les.id, []))
    for info in SCORES:
        if info.per in ("patient", "treated lesion") and info.applies(case):
            results.extend(info.compute(case))
    return results
