"""Bauer score (1995), 0-5, and the modified Bauer score (Leithner 2008), 0-4.

One point for each favourable item: no visceral or brain metastases; no pathological fracture
(original score only); a solitary skeletal metastasis; a primary that is not lung cancer; a
primary that is breast, kidney, lymphoma or myeloma.

Bands: Bauer 0-1 poor, 2-3 intermediate, 4-5 good (1-year survival about 0% and 50% at the
ends, Bauer 1995 abstract). Modified Bauer 0-1 poor, 2 moderate, 3-4 good.

The visceral item counts brain metastases for both scores (Bauer's abstract names "visceral or
brain metastases"; Leithner removed only the fracture item). A vertebral collapse counts as a
pathological fracture. Both are project decisions (docs/clinical/decisions.md).

References: Bauer HC, Wedin R, Acta Orthop Scand 1995;66(2):143-6 (bauer-1995); Leithner A et
al., Eur Spine J 2008;17(11):1488-95 (leithner-2008).
"""

from __future__ import annotations

from typing import Final

from osseous.core.case import Case
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.knowledge.primary_sites import PRIMARY_SITES
from osseous.scores import facts
from osseous.scores._points import Bands, Part, assemble, known, unknown

REFERENCES: Final = cite("bauer-1995")
REFERENCES_MODIFIED: Final = cite("leithner-2008", "bauer-1995")
BANDS: Final[Bands] = ((0, 1, "poor"), (2, 3, "intermediate"), (4, 5, "good"))
BANDS_MODIFIED: Final[Bands] = ((0, 1, "poor"), (2, 2, "moderate"), (3, 4, "good"))


def _no_visceral(case: Case) -> Part:
    c = case.cancer
    if c.visceral_metastases in ("treatable", "untreatable") or c.brain_metastases:
        return known("no_visceral_metastases", 0)
    missing = []
    if c.visceral_metastases is None:
        missing.append("cancer.visceral_metastases")
    if c.brain_metastases is None:
        missing.append("cancer.brain_metastases")
    if missing:
        return unknown("no_visceral_metastases", (0, 1), *missing)
    return known("no_visceral_metastases", 1)


def _no_fracture(case: Case) -> Part:
    states = [(i, facts.fracture_state(les)) for i, les in enumerate(case.lesions)]
    events = any(e.type == "pathological-fracture" for e in case.events or ())
    if events or any(state for _, state in states):
        return known("no_pathological_fracture", 0)
    missing = []
    for i, state in states:
        if state is None:
            field = "collapse" if case.lesions[i].site == "spine" else "pathological_fracture"
            missing.append(f"lesions[{i}].{field}")
    if missing or not states:
        return unknown("no_pathological_fracture", (0, 1), *(missing or ["lesions"]))
    return known("no_pathological_fracture", 1)


def _solitary(case: Case) -> Part:
    totals, missing = facts.total_bone_count(case)
    return unknown("solitary_skeletal_metastasis", {1 if n == 1 else 0 for n in totals},
                   *missing)


def _histology(case: Case) -> list[Part]:
    primary = case.cancer.primary
    if primary is None:
        return [unknown("not_lung_cancer", (0, 1), "cancer.primary"),
                unknown("favourable_primary", (0, 1), "cancer.primary")]
    site = PRIMARY_SITES[primary]
    return [known("not_lung_cancer", 0 if site.bauer_lung else 1),
            known("favourable_primary", 1 if site.bauer_favourable else 0)]


def bauer(case: Case) -> ScoreResult:
    parts = [_no_visceral(case), _no_fracture(case), _solitary(case), *_histology(case)]
    return assemble("bauer", parts, BANDS, REFERENCES)


def bauer_modified(case: Case) -> ScoreResult:
    parts = [_no_visceral(case), _solitary(case), *_histology(case)]
    return assemble("bauer-modified", parts, BANDS_MODIFIED, REFERENCES_MODIFIED)
