"""Small helpers shared by the rule modules."""

from __future__ import annotations

from collections.abc import Sequence

from osseous.core.case import SPINAL_LEVELS, SpinalLesion
from osseous.knowledge.radiotherapy import REGIMENS, Regimen
from osseous.plan.context import Context, Lesion, LesionFact

POST_OPERATIVE = frozenset({"fixation", "decompression", "stabilization", "separation-surgery",
                            "resection", "endoprosthesis"})
#: how long after an operation radiotherapy is still the post-operative course (days): it is
#: usually given once the wound has healed, about 2-4 weeks after surgery, and 6 weeks is the
#: project's outer limit (board practice; ASTRO 2024 and ESMO 2020 recommend post-operative
#: radiotherapy but give no timing, docs/clinical/decisions.md). Later, the site is treated
#: as any other painful metastasis.
POST_OPERATIVE_WINDOW_DAYS = 42


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


def postoperative_setting(ctx: Context, lesion: Lesion) -> LesionFact:
    """Whether the lesion is in the post-operative setting: an operation in
    :data:`POST_OPERATIVE` within :data:`POST_OPERATIVE_WINDOW_DAYS` (True), only older ones
    (False), or one whose date (or the reference date) is unknown (None: it may be recent)."""
    ops = [(i, s) for i, s in enumerate(getattr(lesion, "prior_surgery", None) or ())
           if s.procedure in POST_OPERATIVE]
    if not ops:
        return LesionFact(False)
    ages = [ctx.days_since(s.date) if s.date else None for _, s in ops]
    recent = [d for d in ages if d is not None and d <= POST_OPERATIVE_WINDOW_DAYS]
    if recent:
        return LesionFact(True, (f"operated {min(recent)} days ago",))
    undated = [ctx.path(lesion, f"prior_surgery[{i}].date")
               for (i, s), d in zip(ops, ages, strict=True) if d is None]
    if undated:
        return LesionFact(None, (), tuple(undated))
    return LesionFact(False, (f"operated {min(d for d in ages if d is not None)} days ago",))
