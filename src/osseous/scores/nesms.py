"""New England Spinal Metastasis Score (NESMS), 0-3 (Ghori 2015; Schoenfeld 2021).

Modified Bauer score >= 3 scores 2; independent ambulation scores 1; serum albumin
>= 3.5 g/dL scores 1; the sum has a ceiling of 3 (Ghori 2015 as summarised: "weighted the
modified Bauer score with two points and intact ambulatory status and normal serum albumin
level with one point each, with a ceiling score of three"). A higher score is better; the band
is the total itself. The modified
Bauer sub-score is computed from its own inputs (:mod:`osseous.scores.bauer`). Cut-offs and the
ambulation definition rest on secondary descriptions of the derivation paper (provisional).

Risk (prospective validation): against NESMS 3, the odds ratio of 1-year mortality was 7.04
(95% CI 2.47-20.08) for NESMS 2 and 31.30 (8.82-111.04) for NESMS 1.

References: Ghori AK et al., Spine J 2015;15(11):2345-50 (ghori-2015); Schoenfeld AJ et al.,
Spine J 2021;21(1):28-36 (schoenfeld-2021); Leithner 2008 (leithner-2008).
"""

from __future__ import annotations

from typing import Final

from osseous.core.case import Case
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.scores import facts
from osseous.scores._points import Part, assemble, known, unknown
from osseous.scores.bauer import bauer_modified

REFERENCES: Final = cite("ghori-2015", "schoenfeld-2021", "leithner-2008")


def nesms(case: Case) -> ScoreResult:
    mb = bauer_modified(case)
    assert mb.range is not None
    low, high = int(mb.range[0]), int(mb.range[1])
    bauer_points = {2 if t >= 3 else 0 for t in range(low, high + 1)}
    parts: list[Part] = [unknown("modified_bauer", bauer_points, *mb.missing)]
    ambulatory = case.patient.ambulatory
    parts.append(known("ambulatory", 1 if ambulatory == "independent" else 0)
                 if ambulatory else unknown("ambulatory", (0, 1), "patient.ambulatory"))
    albumin = facts.latest_lab(case, "albumin")
    parts.append(known("albumin", 1 if albumin.canonical_value >= 3.5 else 0)
                 if albumin else unknown("albumin", (0, 1), "labs.albumin"))
    notes = []
    if mb.total is not None:
        notes.append(f"modified Bauer score {mb.total}")
    if sum(max(p.possible) for p in parts) > 3 and sum(min(p.possible) for p in parts) >= 3:
        notes.append("sum of the items exceeds 3: the score's ceiling of 3 applies")
    return assemble("nesms", parts, str, REFERENCES, notes=notes, ceiling=3)
