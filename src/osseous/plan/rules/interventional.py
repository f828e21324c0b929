"""Interventional radiology: vertebral augmentation, cementoplasty, thermal ablation and
MR-guided focused ultrasound."""

from __future__ import annotations

from collections.abc import Iterator

from osseous.core.case import BoneLesion, SpinalLesion
from osseous.plan.context import Context
from osseous.plan.engine import rule
from osseous.plan.model import Finding, NeedsData, NotApplicable, Recommendation
from osseous.plan.rules._common import where

AUGMENTATION_REFS = ("berenson-2011-cafe", "laufer-2013", "astro-2011",
                     "tsoumakidou-2017-cirse-augmentation")


@rule("ir.vertebral-augmentation", "interventional", "1", AUGMENTATION_REFS)
def vertebral_augmentation(ctx: Context) -> Iterator[Finding]:
    """Painful vertebral compression fracture with mechanical (axial-load) pain, without gross
    instability (SINS < 13) and without epidural compression or retropulsion causing a
    deficit: vertebroplasty or kyphoplasty considered (CAFE trial). It does not replace
    radiotherapy."""
    for les in ctx.spinal:
        if les.collapse not in ("under-50", "over-50"):
            continue
        if les.pain_character is None:
            yield NeedsData(missing=(ctx.path(les, "pain_character"),), reason="mechanical pain?",
                            lesion=les.id)
            continue
        if les.pain_character != "mechanical":
            continue
        sins = ctx.score("sins", les.id)
        based = {"collapse": les.collapse, "pain_character": les.pain_character,
                 "sins": sins.total if sins else None, "escc": les.escc,
                 "neurological_deficit": les.neurological_deficit,
                 "retropulsion": les.retropulsion,
                 "posterior_wall_intact": les.posterior_wall_intact}
        deficit = les.neurological_deficit not in (None, "none")
        if les.retropulsion and deficit:
            yield Recommendation(
                id="ir.vertebral-augmentation", modality="interventional",
                title=f"Vertebral augmentation at {where(les)}", strength="not-recommended",
                urgency="routine",
                rationale="Retropulsion with a neurological deficit is a contraindication to "
                "cement augmentation; decompression is the question.", based_on=based,
                    references=AUGMENTATION_REFS,
                lesion=les.id, details={"procedure": "vertebroplasty"})
            continue
        if ctx.mescc(les):
            yield NotApplicable(reason="cord compression: decompression and radiotherapy first",
                                based_on=based,
                                lesion=les.id)
            continue
        if (ctx.unstable(les).value and not ctx.stabilised(les)) \
                or les.alignment == "subluxation":
            yield NotApplicable(reason="gross instability: stabilisation, not cement alone",
                                based_on=based,
                                lesion=les.id)
            continue
        missing = [ctx.path(les, f) for f in ("neurological_deficit", "escc")
                   if getattr(les, f) is None]
        if missing:
            yield NeedsData(missing=tuple(missing), reason="epidural disease and neurology decide "
                                                           "cement safety",
                            lesion=les.id)
            continue
        caution = ""
        if les.posterior_wall_intact is False or (les.escc not in ("0", None)):
            caution = (" The posterior wall is breached or there is epidural disease: cement may "
                       "leak into the canal, so careful injection (or kyphoplasty) is needed.")
        yield Recommendation(
            id="ir.vertebral-augmentation", modality="interventional",
            title=f"Consider vertebroplasty or kyphoplasty at {where(les)}", strength="consider",
            urgency="routine",
            rationale="Painful compression fracture with axial-load pain and no gross instability: "
                      "cement "
            "augmentation relieves pain and disability (CAFE: Roland-Morris -8.3 points at 1 "
            "month). It does not replace radiotherapy." + caution,
            based_on=based, references=AUGMENTATION_REFS, lesion=les.id,
            details={"procedure": "kyphoplasty",
                                                "alternatives": ["vertebroplasty"]})


@rule("ir.cementoplasty", "interventional", "1", ("kelekis-2017",))
def cementoplasty(ctx: Context) -> Iterator[Finding]:
    """Painful lytic or mixed metastasis of the acetabulum, pelvis or sacrum (weight-bearing
    bone): percutaneous cementoplasty considered, alone or with ablation."""
    for les in ctx.bones:
        if les.site not in ("acetabulum", "pelvis", "sacrum"):
            continue
        painful = ctx.painful(les)
        if painful is None:
            yield NeedsData(missing=(ctx.path(les, "worst_pain"),),
                            reason="is the lesion painful?", lesion=les.id)
            continue
        if not painful or les.appearance == "blastic":
            continue
        yield Recommendation(
            id="ir.cementoplasty", modality="interventional", title="Consider cementoplasty of "
                                                                    f"the {les.site}",
            strength="consider", urgency="routine",
            rationale="Painful metastasis of weight-bearing pelvic bone: cementoplasty relieves "
            "pain and consolidates the bone, alone or after ablation.",
            based_on={"site": les.site, "worst_pain": les.worst_pain, "appearance": les.appearance},
            references=("kelekis-2017",), lesion=les.id, details={"procedure": "cementoplasty"})


@rule("ir.ablation", "interventional", "2",
      ("dupuy-2010", "callstrom-2013", "hurwitz-2014-mrgfus", "ryan-2022-cirse-ablation"))
def ablation(ctx: Context) -> Iterator[Finding]:
    """A painful metastasis (worst pain >= 4) after radiotherapy failed (more than 1 month
    after it), or in a patient who declines radiotherapy: radiofrequency ablation or
    cryoablation considered; MR-guided focused ultrasound for sites outside the spine and
    skull (its approval covers patients who failed, cannot have or decline radiotherapy).
    Neither is offered for an established fracture that is not fixed (they do not stabilise
    bone); for an impending fracture they are said not to replace fixation."""
    declines_rt = "radiotherapy" in (ctx.case.patient.declines or ())
    for les in ctx.case.lesions:
        if les.worst_pain is None or les.worst_pain < 4:
            continue
        if isinstance(les, SpinalLesion) and ctx.mescc(les) is not False:
            # ablation neither decompresses the cord nor is safe beside it: compression (or
            # compression not yet excluded) goes to decompression and radiotherapy
            yield NotApplicable(reason="cord compression present or not excluded", lesion=les.id)
            continue
        if isinstance(les, BoneLesion) and les.pathological_fracture and not ctx.fixed(les):
            # ablation relieves pain but does not stabilise: a broken bone is splinted, braced
            # or fixed (supportive.fracture-care, surgery.long-bone-fixation)
            yield NotApplicable(reason="an established fracture: ablation does not stabilise it",
                                lesion=les.id)
            continue
        last = ctx.last_radiotherapy(les)
        days = ctx.days_since(last) if last else None
        failed = days is not None and days > 30
        if not (failed or declines_rt):
            continue
        reason = (f"pain {les.worst_pain:g}/10 persists {days} days after radiotherapy" if failed
                  else "the patient declines radiotherapy")
        based = {"worst_pain": les.worst_pain, "days_since_radiotherapy": days,
                 "declines_radiotherapy": declines_rt, "site": les.site}
        impending = isinstance(les, BoneLesion) and not ctx.fixed(les) \
            and ctx.impending_fracture(les).value is not False
        caveat = (" Neither stabilises the bone: the fracture risk is managed as for any "
                  "impending fracture (fixation where possible, protected weight-bearing)."
                  if impending else "")
        yield Recommendation(
            id="ir.ablation", modality="interventional", title="Consider thermal ablation of "
                                                               f"{les.id}",
            strength="consider", urgency="routine",
            rationale=f"Painful metastasis and {reason}: radiofrequency ablation (ACRIN trial) and "
            "cryoablation (worst pain 7.1 to 4.0 at 4 weeks) relieve pain." + caveat,
            based_on=based,
            references=("dupuy-2010", "callstrom-2013", "ryan-2022-cirse-ablation"), lesion=les.id,
            details={"procedure": "cryoablation", "alternatives": ["radiofrequency-ablation"]})
        if les.site not in ("spine", "skull"):
            yield Recommendation(
                id="ir.mrgfus", modality="interventional", title="Consider MR-guided focused "
                                                                 f"ultrasound of {les.id}",
                strength="consider", urgency="routine",
                rationale=f"Painful bone metastasis and {reason}: MR-guided focused ultrasound is "
                "approved for patients who failed, cannot have or decline radiotherapy (phase III "
                "sham-controlled trial)." + caveat, based_on=based,
                references=("hurwitz-2014-mrgfus",), lesion=les.id,
                details={"procedure": "mr-guided-focused-ultrasound"})
