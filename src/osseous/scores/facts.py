"""Reading the facts the scores need from a case, keeping unknown apart from false.

Each reader returns what is known, or the set of values still possible and the case paths that
would decide it. Nothing here reads the clock: the reference date is ``case.assessed_on``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from osseous.core.case import Case, Lab, SpinalLesion
from osseous.knowledge.performance import ALTERNATIVES, COMMON, PerformanceMapping


@dataclass(frozen=True, slots=True)
class Scale:
    """A performance-status value: the candidates (one when measured), and how it was obtained."""

    values: tuple[int, ...]
    converted_from: str | None = None  # e.g. "ECOG 1"
    #: alternative mapping label -> candidates under that mapping (only when converted)
    alternatives: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.values)


def karnofsky(case: Case) -> Scale:
    """Karnofsky as given, or converted from ECOG with the common table (marked converted)."""
    p = case.patient
    if p.karnofsky is not None:
        return Scale((p.karnofsky,))
    if p.ecog is not None:
        return Scale(COMMON.ecog_to_kps[p.ecog], f"ECOG {p.ecog}",
                     tuple((m.label, m.ecog_to_kps[p.ecog]) for m in ALTERNATIVES))
    return Scale(())


def _kps_to_ecog(mapping: PerformanceMapping, kps: int) -> tuple[int, ...]:
    ecog = mapping.kps_to_ecog(kps)
    return (ecog,) if ecog is not None else ()


def ecog(case: Case) -> Scale:
    """ECOG as given, or converted from Karnofsky with the common table (marked converted)."""
    p = case.patient
    if p.ecog is not None:
        return Scale((p.ecog,))
    if p.karnofsky is not None:
        return Scale(_kps_to_ecog(COMMON, p.karnofsky), f"Karnofsky {p.karnofsky}",
                     tuple((m.label, _kps_to_ecog(m, p.karnofsky)) for m in ALTERNATIVES))
    return Scale(())


def age_years(case: Case) -> int | None:
    """Age at the reference date: ``age_years``, or from ``birth_date`` and ``assessed_on``."""
    p = case.patient
    if p.age_years is not None:
        return p.age_years
    if p.birth_date is not None and case.assessed_on is not None:
        ref, born = case.assessed_on, p.birth_date
        return ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
    return None


def latest_lab(case: Case, analyte: str) -> Lab | None:
    """The latest result on or before the reference date (undated results count as oldest)."""
    ref = case.assessed_on
    best: Lab | None = None
    for lab in case.labs or ():
        if lab.analyte != analyte:
            continue
        if ref is not None and lab.date is not None and lab.date > ref:
            continue
        if best is None or (lab.date or date.min) >= (best.date or date.min):
            best = lab
    return best


@dataclass(frozen=True, slots=True)
class Count:
    """A number of bone metastases; ``lower_bound`` when counted from the listed lesions only."""

    value: int
    lower_bound: bool
    path: str

    def possible(self, cap: int) -> range:
        """Every value the count may take, with values at or above ``cap`` folded into ``cap``."""
        low = min(self.value, cap)
        return range(low, cap + 1) if self.lower_bound else range(low, low + 1)


def spinal_count(case: Case) -> Count:
    """Vertebral metastases: ``bone_metastases.spinal``, or the distinct listed levels."""
    bm = case.cancer.bone_metastases
    if bm is not None and bm.spinal is not None:
        return Count(bm.spinal, False, "cancer.bone_metastases.spinal")
    levels = {lvl for _, les in case.spinal_lesions for lvl in (les.levels or ())}
    listed = len(levels) or len(case.spinal_lesions)
    return Count(listed, True, "cancer.bone_metastases.spinal")


def extraspinal_count(case: Case) -> Count:
    bm = case.cancer.bone_metastases
    if bm is not None and bm.extraspinal is not None:
        return Count(bm.extraspinal, False, "cancer.bone_metastases.extraspinal")
    return Count(len(case.bone_lesions), True, "cancer.bone_metastases.extraspinal")


def total_bone_count(case: Case) -> tuple[range, tuple[str, ...]]:
    """Possible totals of bone metastases (3 stands for "3 or more") and the deciding paths."""
    spinal, extra = spinal_count(case), extraspinal_count(case)
    low = min(spinal.value + extra.value, 3)
    missing = tuple(c.path for c in (spinal, extra) if c.lower_bound)
    if missing:  # a patient in scope has at least one bone metastasis
        return range(max(1, low), 4), missing
    return range(low, low + 1), ()


def fracture_state(lesion: object) -> bool | None:
    """Whether a lesion has a pathological fracture; spinal collapse counts as one."""
    if isinstance(lesion, SpinalLesion):
        if lesion.collapse is None:
            return None
        return lesion.collapse in ("over-50", "under-50")
    return getattr(lesion, "pathological_fracture", None)
