"""How the survival scores perform on the local cohort.

For each survival score, taken from the document as given (its baseline): Harrell's C against
observed survival from the first bone metastasis, Kaplan-Meier survival by the score's groups
and their calibration against the published survival of those groups
(:mod:`osseous.analytics.calibration`). Only complete scores count; incomplete ones are
counted, never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

from osseous.analytics.estimators import (
    Step,
    harrell_c_counts,
    harrell_c_interval,
    kaplan_meier_counts,
)
from osseous.analytics.outcomes import survival_follow_up
from osseous.analytics.tally import Tally, tally
from osseous.core.case import Case
from osseous.scores.catalog import SURVIVAL_SCORES, score_case

#: the direction of each survival score: +1 when a higher total means longer survival (from
#: the score catalogue, which holds the reasons)
SCORE_DIRECTION: Final[Mapping[str, int]] = MappingProxyType(
    {s.id: s.direction for s in SURVIVAL_SCORES if s.direction is not None})
#: each survival score's bands in ascending order of total
_BAND_ORDER: Final = MappingProxyType({s.id: s.bands for s in SURVIVAL_SCORES})


def observe(case: Case, into: Tally) -> None:
    """Add one case's scores and follow-up to the tally."""
    into[("cases",)] += 1
    got = survival_follow_up(case)
    if isinstance(got, str):
        into[("excluded", got)] += 1
        return
    days, died = got[0], int(got[1])
    results = {s.score: s for s in score_case(case) if s.score in SCORE_DIRECTION}
    for name in SCORE_DIRECTION:
        result = results.get(name)
        if result is None:  # the score does not apply (a spinal score without spinal disease)
            into[("not-applicable", name)] += 1
        elif result.total is None or result.band is None:
            into[("incomplete", name)] += 1
        else:
            into[("total", name, days, died, float(result.total))] += 1
            into[("band", name, str(result.band), days, died)] += 1


def band_curves(t: Tally, score: str) -> dict[str, list[Step]]:
    """Kaplan-Meier survival by the groups of one score, in the score's band order."""
    if score not in SCORE_DIRECTION:
        raise ValueError(f"score: must be one of {sorted(SCORE_DIRECTION)} (given: {score!r})")
    counts: dict[str, dict[float, list[int]]] = {}
    for key, n in t.items():
        if key[0] == "band" and key[1] == score and n:
            _, _, band, days, died = key
            counts.setdefault(band, {}).setdefault(days, [0, 0])[died] += n
    order = {band: i for i, band in enumerate(_BAND_ORDER[score])}
    return {band: kaplan_meier_counts(c)
            for band, c in sorted(counts.items(), key=lambda bc: order.get(bc[0], 99))}


def finish(t: Tally) -> dict[str, Any]:
    """Concordance and calibration of every survival score."""
    from osseous.analytics.calibration import calibration

    totals: dict[str, dict[tuple[float, int, float], int]] = {k: {} for k in SCORE_DIRECTION}
    bands: dict[tuple[str, str, float, int], int] = {}
    for key, n in t.items():
        if key[0] == "total" and n:
            _, name, days, died, value = key
            totals[name][(days, died, SCORE_DIRECTION[name] * value)] = n
        elif key[0] == "band" and n:
            bands[key[1:]] = n
    scores = []
    for name, counts in totals.items():
        c, pairs = harrell_c_counts(counts) if counts else (math.nan, 0)
        interval = harrell_c_interval(counts) if counts else None
        scores.append({"score": name, "patients": sum(counts.values()), "usable_pairs": pairs,
                       "harrell_c": None if math.isnan(c) else c,
                       "harrell_c_ci95": list(interval) if interval else None,
                       "not_computable": t[("incomplete", name)],
                       "not_applicable": t[("not-applicable", name)]})
    return {"format": "osseous.prognosis/1", "cases": t[("cases",)],
            "excluded": dict(sorted((k[1], n) for k, n in t.items() if k[0] == "excluded")),
            "scores": scores, "calibration": calibration(bands)}


def score_concordance(cases: Iterable[Case]) -> dict[str, Any]:
    """Harrell's C and calibration of each survival score over the cases."""
    return finish(tally(cases, observe))
