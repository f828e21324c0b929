"""Whether decompressive (or separation) surgery is a deliverable option for a compressed spinal
level: the Patchell 2005 entry criteria and the patient state, read by both the surgery and the
radiotherapy rules so that radiotherapy never waits for an operation the plan excludes.

Patchell criteria: one area of compression, MRI-confirmed cord compression, not paraplegic for
more than 48 hours, expected survival of at least 3 months, fit for surgery, not a
radiosensitive tumour (lymphoma, myeloma, germ-cell were excluded). References: patchell-2005,
laufer-2013.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from osseous.core.case import SpinalLesion

if TYPE_CHECKING:
    from osseous.plan.context import Context

#: histologies Patchell 2005 excluded as radiosensitive (leukaemia is not in the vocabulary)
PATCHELL_EXCLUDED: Final = frozenset({"lymphoma", "myeloma", "germ-cell"})


@dataclass(frozen=True, slots=True)
class Decompression:
    """``deliverable``: True (every criterion met), False (one fails), None (data missing)."""

    deliverable: bool | None
    fails: tuple[str, ...]
    missing: tuple[str, ...]
    radiosensitive_excluded: bool = False


def decompression(ctx: Context, les: SpinalLesion) -> Decompression:
    """Patchell eligibility of this compressed level (computed once per assessment)."""
    return ctx.memo(("decompression", les.id), lambda: _decompression(ctx, les))


def _decompression(ctx: Context, les: SpinalLesion) -> Decompression:
    st = ctx.state
    p = ctx.case.patient
    rs = ctx.radiosensitivity
    if ctx.primary in PATCHELL_EXCLUDED or (rs.value == "sensitive"
                                            and rs.source == "set by clinician"):
        return Decompression(False, ("radiosensitive tumour: radiotherapy, not surgery",), (),
                             True)
    compressed = [x for x in ctx.spinal if ctx.mescc(x)]
    fails: list[str] = []
    missing: list[str] = []
    barrier = st.surgery_barrier()
    if barrier:
        fails.append(barrier)
    if len(compressed) > 1:
        fails.append("more than one area of compression")
    if les.escc not in ("2", "3"):
        if les.escc is None:
            missing.append(ctx.path(les, "escc"))
        elif les.neurological_deficit in ("radiculopathy", "cauda-equina"):
            fails.append("root or cauda equina compression only")
        else:
            fails.append(f"ESCC {les.escc}: no cord compression on MRI")
    _paraplegia(ctx, les, fails, missing)
    under3 = st.survival.under(3)
    if under3:
        fails.append(f"expected survival under 3 months ({'; '.join(st.survival.reasons)})")
    elif under3 is None:
        missing.append("patient.estimated_survival_months")
    if p.surgical_candidate is None and barrier is None:
        missing.append("patient.surgical_candidate")
    if fails:
        return Decompression(False, tuple(fails), tuple(dict.fromkeys(missing)))
    if missing:
        return Decompression(None, (), tuple(dict.fromkeys(missing)))
    return Decompression(True, (), ())


def _paraplegia(ctx: Context, les: SpinalLesion, fails: list[str], missing: list[str]) -> None:
    """Patchell excluded paraplegia for more than 48 hours."""
    frankel = ctx.case.patient.frankel
    if les.paraplegia_hours is not None:
        if les.paraplegia_hours > 48:
            fails.append(f"paraplegic for {les.paraplegia_hours:g} hours (over 48)")
    elif frankel in ("A", "B"):
        missing.append(ctx.path(les, "paraplegia_hours"))
    elif frankel is None and les.neurological_deficit in ("myelopathy", "cauda-equina"):
        missing.append("patient.frankel")
