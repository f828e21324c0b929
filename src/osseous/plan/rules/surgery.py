"""Surgery: decompression or separation surgery for cord compression (Patchell, NOMS),
stabilisation for spinal instability, and fixation of actual or impending long-bone fractures
with the construct chosen by expected survival."""

from __future__ import annotations

from collections.abc import Iterator

from osseous.core.case import BoneLesion, SpinalLesion
from osseous.plan.context import Context
from osseous.plan.engine import rule
from osseous.plan.model import Finding, NeedsData, NotApplicable, Recommendation, Strength
from osseous.plan.rules._common import where

#: histologies Patchell 2005 excluded as radiosensitive (leukaemia is not in the vocabulary)
PATCHELL_EXCLUDED = frozenset({"lymphoma", "myeloma", "germ-cell"})
DECOMPRESSION_REFS = ("patchell-2005", "laufer-2013", "astro-2024")


def _patchell_blockers(ctx: Context, les: SpinalLesion,
                       compressed: list[SpinalLesion]) -> tuple[list[str], list[str]]:
    """Patchell criteria: reasons it fails, and case paths still needed."""
    p = ctx.case.patient
    fails, missing = [], []
    if len(compressed) > 1:
        fails.append("more than one area of compression")
    if les.escc not in ("2", "3"):
        if les.escc is None:
            missing.append(ctx.path(les, "escc"))
        elif les.neurological_deficit in ("radiculopathy", "cauda-equina"):
            fails.append("root or cauda equina compression only")
        else:
            fails.append(f"ESCC {les.escc}: no cord compression on MRI")
    if les.paraplegia_hours is not None:
        if les.paraplegia_hours > 48:
            fails.append(f"paraplegic for {les.paraplegia_hours:g} hours (> 48)")
    elif p.frankel in ("A", "B") or (p.frankel is None
                                     and les.neurological_deficit in ("myelopathy",
                                                                      "cauda-equina")):
        missing.append(ctx.path(les, "paraplegia_hours") if p.frankel in ("A", "B")
                       else "patient.frankel")
    est = p.estimated_survival_months
    if est is None:
        missing.append("patient.estimated_survival_months")
    elif est < 3:
        fails.append(f"expected survival {est:g} months (< 3)")
    if p.surgical_candidate is None:
        missing.append("patient.surgical_candidate")
    elif not p.surgical_candidate:
        fails.append("not fit for surgery")
    return fails, missing


@rule("surgery.spinal-decompression", "surgery", "1", DECOMPRESSION_REFS)
def spinal_decompression(ctx: Context) -> Iterator[Finding]:
    """Cord compression: decompressive surgery followed by radiotherapy when the Patchell
    criteria hold (one area of compression, expected survival >= 3 months, not paraplegic for
    more than 48 hours, fit, not a radiosensitive tumour). For a radioresistant tumour the
    operation is NOMS separation surgery before SBRT; ESCC 1c with a radioresistant tumour is
    intermediate and surgery is only considered. Where the NOMS table calls a tumour
    radiosensitive but Patchell did not exclude it (breast, prostate, ovary, neuroendocrine),
    surgery is considered, not recommended."""
    compressed = [les for les in ctx.spinal if ctx.mescc(les)]
    rs = ctx.radiosensitivity
    for les in ctx.spinal:
        based: dict[str, object] = {"escc": les.escc,
                                    "neurological_deficit": les.neurological_deficit,
                                    "radiosensitivity": rs.value, "primary": ctx.primary,
                                    "surgical_candidate": ctx.case.patient.surgical_candidate,
                                    "estimated_survival_months":
                                        ctx.case.patient.estimated_survival_months,
                                    "survival_scores": ctx.survival_scores()}
        state = ctx.mescc(les)
        if state is None:
            continue  # alert.mescc asks for the grade and neurology
        if not state:
            if les.escc == "1c" and rs.value == "resistant":
                yield Recommendation(
                    "surgery.separation-1c", "surgery",
                    f"Discuss separation surgery at {where(les)} (ESCC 1c)", "consider",
                    "routine",
                    "ESCC 1c abuts the cord without compressing it; for a radioresistant tumour "
                    "NOMS leaves surgery versus high-dose SBRT to discussion.", based,
                    ("laufer-2013", "bilsky-2010"), les.id,
                    {"procedure": "separation-surgery"})
            continue
        if ctx.primary in PATCHELL_EXCLUDED or (rs.value == "sensitive"
                                                and rs.source == "set by clinician"):
            yield NotApplicable("radiosensitive tumour: radiotherapy, not surgery", based,
                                les.id)
            continue
        fails, missing = _patchell_blockers(ctx, les, compressed)
        if fails:
            yield NotApplicable("outside the Patchell criteria: " + "; ".join(fails), based,
                                les.id)
            continue
        if missing:
            yield NeedsData(tuple(dict.fromkeys(missing)),
                            "the Patchell criteria decide decompressive surgery", les.id)
            continue
        resistant = rs.value == "resistant"
        strength: Strength = "consider" if rs.value == "sensitive" else "recommended"
        procedure = "separation-surgery" if resistant else "decompression"
        text = ("NOMS: a radioresistant tumour with high-grade compression is decompressed "
                "(separation surgery) and then treated with SBRT. " if resistant else "")
        if strength == "consider":
            text += (f"The NOMS defaults call {ctx.primary} radiosensitive (radiotherapy alone), "
                     "but Patchell's trial included it; the two sources point different ways. ")
        yield Recommendation(
            f"surgery.{procedure}", "surgery",
            f"Decompressive surgery at {where(les)}, then radiotherapy", strength, "emergency",
            text + "Patchell 2005: surgery plus radiotherapy kept more patients walking than "
            "radiotherapy alone (84% against 57%) in patients with one area of compression, "
            "expected survival of at least 3 months and no paraplegia beyond 48 hours.",
            based, DECOMPRESSION_REFS, les.id,
            {"procedure": procedure, "then": "radiotherapy"})


@rule("surgery.spinal-stabilization", "surgery", "1", ("fisher-2010", "laufer-2013"))
def spinal_stabilization(ctx: Context) -> Iterator[Finding]:
    """NOMS mechanical assessment: SINS 13-18 (unstable) -> stabilisation when fit; SINS 7-12
    (potentially unstable) -> spinal surgical consultation. Instability is an indication of its
    own, whatever the radiosensitivity or ESCC grade."""
    fit = ctx.case.patient.surgical_candidate
    for les in ctx.spinal:
        s = ctx.score("sins", les.id)
        if s is None or s.range is None:
            continue
        based = {"sins": s.total, "sins_range": list(s.range), "surgical_candidate": fit}
        if not s.complete:
            if s.range[0] >= 7:
                yield Recommendation(
                    "surgery.spinal-consultation", "surgery",
                    f"Spinal surgical consultation for {where(les)}", "consider", "urgent",
                    f"SINS is at least {s.range[0]} even with components missing: surgical "
                    "consultation is advised from 7 upward.", based,
                    ("fisher-2010", "fourney-2011"), les.id, {"procedure": "stabilization"})
            elif s.range[1] >= 7:
                yield NeedsData(s.missing, "SINS may reach 7 (surgical consultation)", les.id)
            continue
        assert s.total is not None
        if s.total < 7:
            yield NotApplicable(f"SINS {s.total}: stable", based, les.id)
        elif s.total >= 13:
            if fit is False:
                yield NotApplicable("unstable but not fit for surgery: radiotherapy and "
                                    "percutaneous options", based, les.id)
            elif fit is None:
                yield NeedsData(("patient.surgical_candidate",),
                                "fitness decides stabilisation", les.id)
            else:
                yield Recommendation(
                    "surgery.stabilization", "surgery", f"Surgical stabilisation of {where(les)}",
                    "recommended", "urgent",
                    f"SINS {s.total} (13-18, unstable): instability is an indication for "
                    "stabilisation of its own (NOMS), combined with the radiation decision.",
                    based, ("fisher-2010", "fourney-2011", "laufer-2013"), les.id,
                    {"procedure": "stabilization"})
        else:
            yield Recommendation(
                "surgery.spinal-consultation", "surgery",
                f"Spinal surgical consultation for {where(les)}", "consider", "routine",
                f"SINS {s.total} (7-12, potentially unstable): surgical consultation is "
                "recommended from 7 upward (Fisher 2010; Fourney 2011).", based,
                ("fisher-2010", "fourney-2011"), les.id, {"procedure": "stabilization"})


def _construct(est: float | None) -> str | None:
    if est is None:
        return None
    if est > 6:
        return "durable reconstruction (e.g. endoprosthesis)"
    return "less invasive fixation (e.g. intramedullary nail)"


@rule("surgery.long-bone-fixation", "surgery", "1",
      ("mirels-1989", "van-der-linden-2004", "harrington-1986", "aaos-2023",
       "coleman-2020-esmo"))
def long_bone_fixation(ctx: Context) -> Iterator[Finding]:
    """Fixation of a pathological fracture, and prophylactic fixation of an impending one
    (Mirels >= 9, or axial cortical involvement > 30 mm of the femur; Mirels 8 considered),
    when expected survival allows (AAOS 2023: about one month or less may not justify it).
    The construct follows the expected survival: over 6 months durable reconstruction, 1-6
    months less invasive fixation. Survival scores are shown beside the clinician's estimate."""
    p = ctx.case.patient
    for les in ctx.bones:
        mirels = ctx.score("mirels", les.id)
        acm = les.axial_cortical_involvement_mm
        fractured = bool(les.pathological_fracture)
        high = mirels is not None and mirels.band == "high"
        femur_cortex = les.site == "femur" and acm is not None and acm > 30
        borderline = mirels is not None and mirels.band == "borderline"
        if not (fractured or high or femur_cortex or borderline):
            continue
        est = p.estimated_survival_months
        based = {"pathological_fracture": les.pathological_fracture,
                 "mirels": mirels.total if mirels else None,
                 "axial_cortical_involvement_mm": acm, "surgical_candidate":
                     p.surgical_candidate, "estimated_survival_months": est,
                 "survival_scores": ctx.survival_scores()}
        procedure = "fixation" if fractured else "prophylactic-fixation"
        what = ("Fixation of the pathological fracture" if fractured else
                "Prophylactic fixation")
        found = []
        if fractured:
            found.append("a pathological fracture")
        if mirels is not None and (high or borderline):
            found.append(f"Mirels {mirels.total}")
        if femur_cortex and acm is not None:
            found.append(f"axial cortical involvement {acm:g} mm")
        reasons = "; ".join(found)
        strength: Strength
        if p.surgical_candidate is False:
            strength, why = "not-recommended", "The patient is not fit for surgery: " \
                "radiotherapy (and ablation or cementoplasty where suitable) instead."
        elif est is not None and est < 1:
            strength, why = "not-recommended", (f"Expected survival {est:g} months: about one "
                                                "month or less may not justify fixation "
                                                "(AAOS 2023); radiotherapy instead.")
        elif borderline and not (fractured or femur_cortex):
            strength, why = "consider", ("Mirels 8 is borderline (15% fracture risk): "
                                         "prophylactic fixation is a clinical judgement.")
        elif p.surgical_candidate is None or est is None:
            strength, why = "consider", ("Fixation is indicated if the patient is fit and "
                                         "expected survival allows; record both.")
            yield NeedsData(tuple(path for path, v in (
                ("patient.surgical_candidate", p.surgical_candidate),
                ("patient.estimated_survival_months", est)) if v is None),
                "fitness and expected survival decide fixation and its construct", les.id)
        else:
            strength, why = "recommended", (f"Expected survival {est:g} months: "
                                            f"{_construct(est)} (AAOS 2023).")
        yield Recommendation(
            f"surgery.{procedure}", "surgery", f"{what} of the {les.site}", strength,
            "urgent" if strength != "not-recommended" else "routine",
            f"{reasons.capitalize() if reasons else 'Fracture risk'} at the {les.site}. {why} "
            "Radiotherapy follows fixation (ESMO 2020 prefers prophylactic surgery to fixation "
            "after fracture). Harrington's criteria (cortical destruction over 50%, a proximal "
            "femoral lesion over 2.5 cm, avulsion of the lesser trochanter, pain on weight-bearing "
            "despite radiotherapy) point the same way when present.", based,
            ("mirels-1989", "van-der-linden-2004", "harrington-1986", "aaos-2023",
             "coleman-2020-esmo"), les.id,
            {"procedure": procedure, "construct": _construct(est)})


__all__ = ["BoneLesion", "SpinalLesion"]
