"""New Katagiri score for patients with skeletal metastases, 0-10 (Katagiri 2014).

=============================  ===========================================================  =====
primary lesion                 slow / moderate / rapid growth (primary-site table)          0/2/3
visceral metastases            none / nodular visceral or cerebral / disseminated           0/1/2
                               (pleural, peritoneal or leptomeningeal)
laboratory data                normal / abnormal / critical                                 0/1/2
ECOG performance status 3-4                                                                 1
previous chemotherapy                                                                       1
multiple skeletal metastases                                                                1
=============================  ===========================================================  =====

Laboratory: critical if any of platelets < 100 x 10^9/L, serum calcium >= 10.3 mg/dL, total
bilirubin >= 1.4 mg/dL; otherwise abnormal if any of CRP >= 0.4 mg/dL, LDH >= 250 IU/L,
albumin < 3.7 g/dL; normal only when all six are known and normal. Calcium: the measured total
calcium is used; when albumin is known and the corrected value falls on the other side of
10.3 mg/dL, both are shown and the higher tier counts (docs/clinical/decisions.md). When albumin
is not known and a plausible albumin (1.0-5.5 g/dL, :data:`calcium.ALBUMIN_PLAUSIBLE_G_DL`)
would put the corrected value at or above 10.3 mg/dL, the calcium item is unknown and the
laboratory points are a range - never silently the measured tier.

Groups: 0-3 low, 4-6 intermediate, 7-10 high risk. Verified survival (abstract): score <= 3,
91% at 1 year and 78% at 2 years; score >= 7, 27% at 6 months and 6% at 1 year. The points,
thresholds and tumour lists rest on secondary reproductions of the paper's tables and are
provisional until checked against it.

References: Katagiri H et al., Cancer Med 2014;3(5):1359-67 (katagiri-2014).
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Final

from osseous.core.case import Case
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.knowledge.primary_sites import PRIMARY_SITES, Growth, primary_name
from osseous.scores import facts
from osseous.scores._points import Bands, Part, assemble, known, scale_part, unknown
from osseous.scores.calcium import (
    ALBUMIN_PLAUSIBLE_G_DL,
    corrected_calcium_bounds_mg_dl,
    corrected_calcium_mg_dl,
)

REFERENCES: Final = cite("katagiri-2014")
BANDS: Final[Bands] = ((0, 3, "low"), (4, 6, "intermediate"), (7, 10, "high"))
GROWTH: Final = MappingProxyType({Growth.SLOW: 0, Growth.MODERATE: 2, Growth.RAPID: 3})
VERIFIED_SURVIVAL: Final = MappingProxyType({
    "low": "91% at 1 year, 78% at 2 years (score <= 3; Katagiri 2014 abstract)",
    "high": "27% at 6 months, 6% at 1 year (score >= 7; Katagiri 2014 abstract)",
})

#: analyte -> (test on the canonical value, label) for each laboratory tier
CRITICAL: Final[dict[str, tuple[Callable[[float], bool], str]]] = {
    "platelets": (lambda v: v < 100, "platelets < 100 x10^9/L"),
    "calcium": (lambda v: v >= 10.3, "calcium >= 10.3 mg/dL"),
    "bilirubin": (lambda v: v >= 1.4, "total bilirubin >= 1.4 mg/dL"),
}
ABNORMAL: Final[dict[str, tuple[Callable[[float], bool], str]]] = {
    "crp": (lambda v: v >= 0.4, "CRP >= 0.4 mg/dL"),
    "ldh": (lambda v: v >= 250, "LDH >= 250 IU/L"),
    "albumin": (lambda v: v < 3.7, "albumin < 3.7 g/dL"),
}


def _primary(case: Case) -> Part:
    c = case.cancer
    if c.primary is None:
        return unknown("primary_growth", GROWTH.values(), "cancer.primary")
    group = PRIMARY_SITES[c.primary].katagiri
    note = None if group.explicit else f"primary growth ({primary_name(c.primary)}): {group.source}"
    if group.flag is None:
        return known("primary_growth", GROWTH[group.if_true], note)
    flag = getattr(c, group.flag)
    assert group.if_false is not None
    if flag is None:
        return unknown("primary_growth", (GROWTH[group.if_true], GROWTH[group.if_false]),
                       f"cancer.{group.flag}")
    return known("primary_growth", GROWTH[group.if_true if flag else group.if_false], note)


def _visceral(case: Case) -> Part:
    c = case.cancer
    if c.disseminated:
        return known("visceral_metastases", 2)
    if c.visceral_metastases in ("treatable", "untreatable") or c.brain_metastases:
        if c.disseminated is None:
            return unknown("visceral_metastases", (1, 2), "cancer.disseminated")
        return known("visceral_metastases", 1)
    missing = [f"cancer.{name}" for name in ("visceral_metastases", "brain_metastases",
                                             "disseminated") if getattr(c, name) is None]
    if missing:
        return unknown("visceral_metastases", (0, 1, 2) if c.disseminated is None else (0, 1),
                       *missing)
    return known("visceral_metastases", 0)


def _calcium(calcium: float | None,
             albumin: float | None) -> tuple[list[float], bool, list[str]]:
    """The calcium values the critical test reads, whether the albumin would decide it, notes.

    Measured calcium always counts; a known albumin adds the corrected value when it is on the
    other side of 10.3 mg/dL (the higher tier wins); an unknown albumin leaves the item
    undecided when some plausible albumin would correct a measured value below 10.3 to 10.3 or
    more.
    """
    if calcium is None:
        return [], False, []
    if albumin is None:
        highest = corrected_calcium_bounds_mg_dl(calcium)[1]
        if calcium < 10.3 <= highest:
            return [calcium], True, [
                f"laboratory: measured calcium {calcium:.2f} mg/dL with albumin unknown - the "
                f"corrected value could reach {highest:.2f} mg/dL (albumin "
                f"{ALBUMIN_PLAUSIBLE_G_DL[0]:g} g/dL), at or above 10.3; the calcium tier needs "
                "the albumin"]
        return [calcium], False, []
    corrected = corrected_calcium_mg_dl(calcium, albumin)
    if (corrected >= 10.3) != (calcium >= 10.3):
        return [calcium, corrected], False, [
            f"laboratory: measured calcium {calcium:.2f} mg/dL and albumin-corrected "
            f"{corrected:.2f} mg/dL fall on either side of 10.3; the higher tier is used"]
    return [calcium], False, []


def _laboratory(case: Case) -> Part:
    values = {name: lab.canonical_value for name in (*CRITICAL, *ABNORMAL)
              if (lab := facts.latest_lab(case, name)) is not None}
    calcium_tests, calcium_undecided, notes = _calcium(values.get("calcium"),
                                                       values.get("albumin"))

    def hit(tier: dict[str, tuple[Callable[[float], bool], str]]) -> tuple[list[str], list[str]]:
        found, unknown_paths = [], []
        for name, (test, label) in tier.items():
            if name == "calcium" and calcium_undecided:
                unknown_paths.append("labs.albumin")
            elif name == "calcium" and calcium_tests:
                if any(test(v) for v in calcium_tests):
                    found.append(label)
            elif name in values:
                if test(values[name]):
                    found.append(label)
            else:
                unknown_paths.append(f"labs.{name}")
        return found, unknown_paths

    critical, critical_unknown = hit(CRITICAL)
    abnormal, abnormal_unknown = hit(ABNORMAL)
    note = "; ".join(notes) or None
    if critical:  # decided by a critical value: an undecided calcium no longer matters
        return known("laboratory", 2, "; ".join(
            [f"laboratory: critical - {', '.join(critical)}",
             *([] if calcium_undecided else notes)]))
    low = 1 if abnormal else 0
    high = 2 if critical_unknown else 1 if (abnormal or abnormal_unknown) else 0
    if low != high:
        missing = list(dict.fromkeys(critical_unknown + ([] if abnormal else abnormal_unknown)))
        return unknown("laboratory", range(low, high + 1), *missing, note=note)
    if abnormal:
        return known("laboratory", 1, "; ".join(
            [f"laboratory: abnormal - {', '.join(abnormal)}", *notes]))
    return known("laboratory", 0, note)


def katagiri(case: Case) -> ScoreResult:
    """New Katagiri score for the patient."""
    ecog = facts.ecog(case)
    chemo = case.cancer.prior_chemotherapy_lines
    totals, bone_missing = facts.total_bone_count(case)
    parts = [
        _primary(case),
        _visceral(case),
        _laboratory(case),
        scale_part("performance_status", ecog.values, ecog.converted_from, ecog.alternatives,
                   lambda e: 1 if e >= 3 else 0, (0, 1), "patient.ecog", "ECOG"),
        known("previous_chemotherapy", 1 if chemo else 0) if chemo is not None else
        unknown("previous_chemotherapy", (0, 1), "cancer.prior_chemotherapy_lines"),
        unknown("multiple_skeletal_metastases", {1 if n >= 2 else 0 for n in totals},
                *bone_missing),
    ]
    return assemble("katagiri-new", parts, BANDS, REFERENCES,
                    notes=("points, thresholds and tumour groups are provisional "
                           "(Katagiri 2014 tables not verified against the paper)",),
                    extra={"converted": True} if ecog.converted_from else None,
                    band_extra=lambda band: ({"survival": VERIFIED_SURVIVAL[band]}
                                             if band in VERIFIED_SURVIVAL else {}))
