"""Every score and formula Osseous computes from a case, with its inputs and references.

``score_case`` runs each score that applies to the case, in a fixed order: per-lesion scores
lesion by lesion, then the patient-level scores. Spine-specific prognostic scores (revised
Tokuhashi, Tomita, NESMS) apply when the case has a spinal metastasis.

The catalogue is the one list the edges derive theirs from: each entry carries its ``kind``
(``survival`` for the eight prognostic scores), the ``direction`` of a survival score's total,
its band ids in ascending order of total, and the case fields a calculator form asks for.
:data:`SURVIVAL_SCORES` is the survival-score list (plan, analytics, pages); the published
survival of their bands (:mod:`osseous.knowledge.published_survival`) is checked against it
when this module is imported, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from osseous.core.case import BoneLesion, Case, SpinalLesion
from osseous.core.results import ScoreResult
from osseous.knowledge.published_survival import PUBLISHED_SURVIVAL
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
from osseous.scores._points import Bands

Kind = Literal["stability", "compression", "fracture-risk", "survival", "renal", "laboratory",
               "analgesia", "response"]


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
    #: what the score is about; ``survival`` marks the prognostic scores
    kind: Kind = "laboratory"
    #: survival scores: +1 when a higher total means longer survival, -1 shorter; else None
    direction: Literal[1, -1] | None = None
    #: band ids in ascending order of total (empty when the score has no bands)
    bands: tuple[str, ...] = ()
    #: the case fields a calculator form asks for (``lesion:spine`` / ``lesion:bone``: one
    #: lesion of that family; ``labs``: the laboratory list)
    form_fields: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The score's name as a person reads it."""
        return self.name


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


def _band_ids(bands: Bands) -> tuple[str, ...]:
    return tuple(name for _, _, name in bands)


_PERF = "patient.karnofsky (or patient.ecog, converted)"
_ECOG = "patient.ecog (or patient.karnofsky, converted)"
_BONE = "cancer.bone_metastases.spinal/.extraspinal (or the listed lesions, as a lower bound)"

_BONE_COUNTS = ("cancer.bone_metastases.spinal", "cancer.bone_metastases.extraspinal")

SCORES: Final = (
    ScoreInfo("sins", "Spinal Instability Neoplastic Score", "spinal lesion",
              ("levels", "pain_character", "appearance", "alignment", "collapse",
               "posterolateral"), sins.REFERENCES, _spinal(sins.sins),
              kind="stability", bands=_band_ids(sins.BANDS), form_fields=("lesion:spine",)),
    ScoreInfo("escc", "Bilsky epidural spinal cord compression grade", "spinal lesion",
              ("escc",), escc.REFERENCES, _spinal(escc.escc),
              kind="compression", form_fields=("lesion:spine",)),
    ScoreInfo("mirels", "Mirels score (impending pathological fracture)", "long-bone lesion",
              ("site", "region (femur)", "pain_severity", "appearance", "size_fraction"),
              mirels.REFERENCES, _long_bone,
              kind="fracture-risk", bands=_band_ids(mirels.BANDS), form_fields=("lesion:bone",)),
    ScoreInfo("tokuhashi-revised", "Revised Tokuhashi score", "patient",
              (_PERF, _BONE, "cancer.visceral_metastases", "cancer.primary", "patient.frankel"),
              tokuhashi.REFERENCES, _patient(tokuhashi.tokuhashi), has_spinal_disease,
              # 0-15; 12-15 predicts >= 1 year (Tokuhashi 2005)
              kind="survival", direction=1, bands=_band_ids(tokuhashi.BANDS),
              form_fields=("patient.karnofsky", "patient.ecog", "patient.frankel",
                           "cancer.primary", "cancer.visceral_metastases", *_BONE_COUNTS)),
    ScoreInfo("tomita", "Tomita score", "patient",
              ("cancer.primary", "cancer.visceral_metastases", _BONE,
               "cancer.bone_metastases.isolated"), tomita.REFERENCES,
              _patient(tomita.tomita), has_spinal_disease,
              # 2-10; 8-10 the shortest survival (Tomita 2001)
              kind="survival", direction=-1, bands=_band_ids(tomita.BANDS),
              form_fields=("cancer.primary", "cancer.visceral_metastases", *_BONE_COUNTS)),
    ScoreInfo("bauer", "Bauer score", "patient",
              ("cancer.visceral_metastases", "cancer.brain_metastases",
               "lesions[].pathological_fracture / collapse", _BONE, "cancer.primary"),
              bauer.REFERENCES, _patient(bauer.bauer),
              # a count of favourable factors (Bauer and Wedin 1995)
              kind="survival", direction=1, bands=_band_ids(bauer.BANDS),
              form_fields=("cancer.primary", "cancer.visceral_metastases",
                           "cancer.brain_metastases", *_BONE_COUNTS, "lesion:bone")),
    ScoreInfo("bauer-modified", "Modified Bauer score", "patient",
              ("cancer.visceral_metastases", "cancer.brain_metastases", _BONE,
               "cancer.primary"), bauer.REFERENCES_MODIFIED, _patient(bauer.bauer_modified),
              # the same count without the pathological-fracture factor (Leithner 2008)
              kind="survival", direction=1, bands=_band_ids(bauer.BANDS_MODIFIED),
              form_fields=("cancer.primary", "cancer.visceral_metastases",
                           "cancer.brain_metastases", *_BONE_COUNTS)),
    ScoreInfo("katagiri-new", "New Katagiri score", "patient",
              ("cancer.primary (+ hormone_receptor_positive, castration_resistant, "
               "targeted_therapy)", "cancer.visceral_metastases", "cancer.brain_metastases",
               "cancer.disseminated", "labs: crp, ldh, albumin, platelets, calcium, bilirubin",
               _ECOG, "cancer.prior_chemotherapy_lines", _BONE),
              katagiri.REFERENCES, _patient(katagiri.katagiri),
              # 0-10; 7-10 the poorest group (Katagiri 2014)
              kind="survival", direction=-1, bands=_band_ids(katagiri.BANDS),
              form_fields=("cancer.primary", "cancer.hormone_receptor_positive",
                           "cancer.castration_resistant", "cancer.targeted_therapy",
                           "cancer.visceral_metastases", "cancer.brain_metastases",
                           "cancer.disseminated", "patient.ecog", "patient.karnofsky",
                           "cancer.prior_chemotherapy_lines", *_BONE_COUNTS, "labs")),
    ScoreInfo("nesms", "New England Spinal Metastasis Score", "patient",
              ("modified Bauer inputs", "patient.ambulatory", "labs: albumin"),
              nesms.REFERENCES, _patient(nesms.nesms), has_spinal_disease,
              # 0-3, the band is the total; 3 the best 1-year survival (Ghori 2015)
              kind="survival", direction=1, bands=("0", "1", "2", "3"),
              form_fields=("cancer.primary", "cancer.visceral_metastases",
                           "cancer.brain_metastases", *_BONE_COUNTS, "patient.ambulatory",
                           "labs")),
    ScoreInfo("chow-nrf", "Chow three-variable number of risk factors", "patient",
              ("cancer.primary", "cancer.visceral_metastases", "cancer.brain_metastases", _PERF),
              chow.REFERENCES, _patient(chow.chow_nrf),
              # the number of risk factors (Chow 2008)
              kind="survival", direction=-1, bands=_band_ids(chow.BANDS),
              form_fields=("cancer.primary", "cancer.visceral_metastases",
                           "cancer.brain_metastases", "patient.karnofsky", "patient.ecog")),
    ScoreInfo("teachh", "TEACHH model", "patient",
              ("cancer.primary", _ECOG, "patient.age_years or birth_date",
               "cancer.prior_chemotherapy_lines", "patient.hospitalizations_past_3_months",
               "cancer.visceral_sites"), teachh.REFERENCES, _patient(teachh.teachh),
              # points; class A (0-1) the longest survival (Krishnan 2014)
              kind="survival", direction=-1, bands=_band_ids(teachh.BANDS),
              form_fields=("cancer.primary", "patient.ecog", "patient.karnofsky",
                           "patient.age_years", "cancer.prior_chemotherapy_lines",
                           "patient.hospitalizations_past_3_months", "cancer.visceral_sites")),
    ScoreInfo("crcl", "Creatinine clearance (Cockcroft-Gault)", "patient",
              ("patient.age_years", "patient.weight_kg", "patient.sex", "labs: creatinine"),
              renal.REFERENCES, _patient(renal.crcl),
              kind="renal",
              form_fields=("patient.age_years", "patient.sex", "patient.weight_kg", "labs")),
    ScoreInfo("corrected-calcium", "Albumin-corrected calcium with CTCAE grade", "patient",
              ("labs: calcium", "labs: albumin"), calcium.REFERENCES,
              _patient(calcium.corrected_calcium),
              kind="laboratory", form_fields=("labs",)),
    ScoreInfo("omed", "Oral morphine equivalent daily dose", "patient",
              ("medications: drug, status, route, daily_dose_mg or rate_mcg_per_h",),
              ("cdc-2022", "cdc-2016"), _omed,
              kind="analgesia", form_fields=("medications",)),
    ScoreInfo("pain-response", "International Consensus pain response", "treated lesion",
              ("lesions[].prior_radiotherapy[].date", "pain_assessments: date, lesion, "
               "worst_pain, omed_mg_per_day or analgesics"), pain.REFERENCES, _pain_responses,
              kind="response", bands=("complete", "partial", "progression", "indeterminate")),
)
BY_ID: Final = {s.id: s for s in SCORES}
#: the survival (prognostic) scores, in catalogue order: every survival-score list derives
#: from this one
SURVIVAL_SCORES: Final = tuple(s for s in SCORES if s.kind == "survival")
SURVIVAL_SCORE_IDS: Final = tuple(s.id for s in SURVIVAL_SCORES)


def _check_published_survival() -> None:
    """The published-survival table covers exactly the survival scores, band for band in the
    catalogue's order; a score added to one and not the other fails at import."""
    if set(PUBLISHED_SURVIVAL) != set(SURVIVAL_SCORE_IDS):
        raise RuntimeError(f"published survival covers {sorted(PUBLISHED_SURVIVAL)}, the "
                           f"catalogue's survival scores are {sorted(SURVIVAL_SCORE_IDS)}")
    for info in SURVIVAL_SCORES:
        if tuple(PUBLISHED_SURVIVAL[info.id]) != info.bands:
            raise RuntimeError(f"{info.id}: published survival bands "
                               f"{tuple(PUBLISHED_SURVIVAL[info.id])} differ from the score's "
                               f"bands {info.bands}")


_check_published_survival()


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
