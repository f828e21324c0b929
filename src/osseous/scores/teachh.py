"""TEACHH life-expectancy model for palliative radiotherapy, 0-6 (Krishnan 2014).

One risk factor each: Type of cancer other than breast or prostate; ECOG 2-4; Age > 60 years;
prior palliative Chemotherapy courses; Hospitalisation in the 3 months before; Hepatic
metastases. Groups: A 0-1 (median survival 19.9 months), B 2-4 (5.0 months), C 5-6
(1.7 months).

The paper is inconsistent on the chemotherapy factor: its abstract says >= 2 courses, its
Table 2 codes > 2. Osseous follows Table 2 (> 2); with exactly 2 prior courses both groupings
are computed and, when they differ, both are shown (docs/clinical/decisions.md).

References: Krishnan MS et al., Cancer 2014;120(1):134-41 (krishnan-2014).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from osseous.core.case import Case
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.knowledge.primary_sites import PRIMARY_SITES
from osseous.scores import facts
from osseous.scores._points import Bands, Part, assemble, band_of, known, scale_part, unknown

REFERENCES: Final = cite("krishnan-2014")
BANDS: Final[Bands] = ((0, 1, "A"), (2, 4, "B"), (5, 6, "C"))
MEDIANS: Final = MappingProxyType({"A": "median 19.9 months", "B": "median 5.0 months",
                                   "C": "median 1.7 months"})
#: prior palliative chemotherapy courses above which the factor counts (Table 2: > 2)
CHEMOTHERAPY_THRESHOLD: Final = 2


def _hepatic(case: Case) -> Part:
    c = case.cancer
    if c.visceral_sites is not None and "liver" in c.visceral_sites:
        return known("hepatic_metastases", 1)
    if c.visceral_metastases == "none" or c.visceral_sites is not None:
        return known("hepatic_metastases", 0)
    return unknown("hepatic_metastases", (0, 1), "cancer.visceral_sites")


def teachh(case: Case) -> ScoreResult:
    primary = case.cancer.primary
    ecog = facts.ecog(case)
    age = facts.age_years(case)
    chemo = case.cancer.prior_chemotherapy_lines
    admissions = case.patient.hospitalizations_past_3_months
    parts = [
        known("type_of_cancer", 0 if PRIMARY_SITES[primary].teachh_breast_or_prostate else 1)
        if primary else unknown("type_of_cancer", (0, 1), "cancer.primary"),
        scale_part("ecog", ecog.values, ecog.converted_from, ecog.alternatives,
                   lambda e: 1 if e >= 2 else 0, (0, 1), "patient.ecog", "ECOG"),
        known("age", 1 if age > 60 else 0) if age is not None else
        unknown("age", (0, 1), "patient.age_years"),
        known("chemotherapy", 1 if chemo > CHEMOTHERAPY_THRESHOLD else 0)
        if chemo is not None else unknown("chemotherapy", (0, 1),
                                          "cancer.prior_chemotherapy_lines"),
        known("hospitalization", 1 if admissions >= 1 else 0) if admissions is not None else
        unknown("hospitalization", (0, 1), "patient.hospitalizations_past_3_months"),
        _hepatic(case),
    ]
    notes = []
    extra: dict[str, object] = {"chemotherapy_threshold": f"> {CHEMOTHERAPY_THRESHOLD} courses"}
    if ecog.converted_from:
        extra["converted"] = True
    points = [p.points for p in parts]
    total = sum(p for p in points if p is not None) if None not in points else None
    if chemo == CHEMOTHERAPY_THRESHOLD and total is None:
        notes.append("chemotherapy: exactly 2 prior courses - the paper's Table 2 (> 2, used "
                     "here) and abstract (>= 2) disagree; both groups are shown once complete")
    if chemo == CHEMOTHERAPY_THRESHOLD and total is not None:
        band = band_of(total, BANDS)
        alternative = band_of(total + 1, BANDS)
        if alternative != band:
            notes.append(f"chemotherapy: exactly 2 prior courses - group {band} by the "
                         f"paper's Table 2 (> 2 courses), group {alternative} by its abstract "
                         "(>= 2 courses); the source is inconsistent")
            extra["alternative_band"] = alternative
        else:
            notes.append("chemotherapy: exactly 2 prior courses - the same group under the "
                         "paper's Table 2 (> 2) and abstract (>= 2) definitions")
    return assemble("teachh", parts, BANDS, REFERENCES, notes=notes, extra=extra,
                    band_extra=lambda band: {"survival": MEDIANS[band]})
