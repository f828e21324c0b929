"""Small helpers shared by the rule modules."""

from __future__ import annotations

from collections.abc import Sequence

from osseous.core.case import SPINAL_LEVELS, SpinalLesion
from osseous.knowledge.radiotherapy import REGIMENS, Regimen
from osseous.plan.context import Context

POST_OPERATIVE = frozenset({"fixation", "decompression", "stabilization", "separation-surgery",
                            "resection", "endoprosthesis"})


def regimens(set_id: str) -> list[dict[str, float]]:
    return [r.to_dict() for r in REGIMENS[set_id].regimens]


def where(lesion: SpinalLesion) -> str:
    return "/".join(lesion.levels or ()) or lesion.id


def contiguous_levels(levels: Sequence[str] | None) -> int | None:
    """Number of levels if they are contiguous, else None (not one segment)."""
    if not levels:
        return None
    idx = sorted(SPINAL_LEVELS.index(lvl) for lvl in levels)
    if idx[-1] - idx[0] + 1 != len(idx):
        return None
    return len(idx)


def single_fraction_note(ctx: Context) -> tuple[str, dict[str, object]]:
    """Rationale fragment and detail favouring 8 Gy x 1 when the prognosis is short."""
    p = ctx.prognosis
    if p.short:
        return (" A single 8 Gy fraction is favoured because the expected survival is short ("
                + "; ".join(p.reasons) + ").",
                {"preferred": Regimen(8, 1).to_dict()})
    return (" The regimens are equivalent for pain; a single fraction means one visit but more "
            "retreatment (about 20% against 8%).", {})


def post_operative(lesion: object) -> list[str]:
    return [s.procedure for s in getattr(lesion, "prior_surgery", None) or ()
            if s.procedure in POST_OPERATIVE]
