"""Surgery: decompression or separation surgery for cord compression (Patchell, NOMS),
stabilisation for spinal instability, and fixation of actual or impending long-bone fractures
with the construct chosen by expected survival."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from osseous.core.case import BoneLesion, SpinalLesion
from osseous.plan.context import FIXING, Context, compression_term
from osseous.plan.decompression import decompression
from osseous.plan.engine import rule
from osseous.plan.model import Finding, NeedsData, NotApplicable, Recommendation, Strength, Urgency
from osseous.plan.rules._common import postoperative_setting, where

DECOMPRESSION_REFS = ("patchell-2005", "laufer-2013", "astro-2024")


@rule("surgery.spinal-decompression", "surgery", "2", (*DECOMPRESSION_REFS, "nice-ng234-2023"))
def spinal_decompression(ctx: Context) -> Iterator[Finding]:
    """Cord compression: decompressive surgery followed by radiotherapy when the Patchell
    criteria hold (one area of compression, expected survival >= 3 months, not paraplegic for
    more than 48 hours, fit, not a radiosensitive tumour). For a radioresistant tumour the
    operation is NOMS separation surgery before SBRT; ESCC 1c with a radioresistant tumour is
    intermediate and surgery is only considered. Where the NOMS table calls a tumour
    radiosensitive but Patchell did not exclude it (breast, prostate, ovary, neuroendocrine),
    surgery is considered, not recommended."""
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
            if les.escc == "1c" and rs.value == "resistant" \
                    and ctx.state.surgery_possible is not False:
                yield Recommendation(
                    id="surgery.separation-1c", modality="surgery",
                    title=f"Discuss separation surgery at {where(les)} (ESCC 1c)",
                    strength="consider",
                    urgency="routine",
                    rationale="ESCC 1c abuts the cord without compressing it; for a radioresistant "
                              "tumour "
                    "NOMS leaves surgery versus high-dose SBRT to discussion.", based_on=based,
                    references=("laufer-2013", "bilsky-2010"), lesion=les.id,
                    details={"procedure": "separation-surgery"})
            continue
        elig = decompression(ctx, les)
        if elig.radiosensitive_excluded:
            yield NotApplicable(reason="radiosensitive tumour: radiotherapy, not surgery",
                                based_on=based,
                                lesion=les.id)
            continue
        if elig.deliverable is False:
            yield NotApplicable(reason="outside the Patchell criteria: " + "; ".join(elig.fails),
                                based_on=based, lesion=les.id)
            continue
        if elig.deliverable is None:
            yield _decompression_opinion(ctx, les, elig.missing, based)
            yield NeedsData(missing=elig.missing, reason="the Patchell criteria decide "
                                                         "decompressive surgery",
                            lesion=les.id)
            continue
        resistant = rs.value == "resistant"
        cauda = compression_term(les) == "cauda equina compression"
        strength: Strength = "consider" if rs.value == "sensitive" or cauda else "recommended"
        procedure = "separation-surgery" if resistant else "decompression"
        text = ("NOMS: a radioresistant tumour with high-grade compression is decompressed "
                "(separation surgery) and then treated with SBRT. " if resistant else "")
        if rs.value == "sensitive":
            text += (f"The NOMS defaults call {ctx.primary_words} radiosensitive (radiotherapy "
                     "alone), but Patchell's trial included it; the two sources point "
                     "different ways. ")
        if cauda:
            text += ("The compression lies below the end of the cord (cauda equina), which "
                     "Patchell's trial did not include: decompression is the spinal surgeons' "
                     "judgement. ")
        last_rt = ctx.last_radiotherapy(les)
        irradiated = bool(les.prior_radiotherapy)
        if irradiated:
            # radiotherapy after the operation would be re-irradiation: not a routine sequel
            ago = ctx.days_since(last_rt) if last_rt else None
            text += ("The level has been irradiated before"
                     + (f" ({ago} days ago)" if ago is not None else "")
                     + ": radiotherapy after the operation would be re-irradiation, for the "
                     "clinical oncologist to plan with the cumulative cord dose, if at all. ")
        yield Recommendation(
            id=f"surgery.{procedure}", modality="surgery",
            title=f"Decompressive surgery at {where(les)}"
            + ("" if irradiated else ", then radiotherapy"), strength=strength,
            urgency="emergency",
            rationale=text + "Patchell 2005: surgery plus radiotherapy kept more patients walking "
            "than radiotherapy alone (84% against 57%) in patients with one area of compression, "
            "expected survival of at least 3 months and no paraplegia beyond 48 hours.",
            based_on={**based, "previously_irradiated": irradiated},
            references=DECOMPRESSION_REFS, lesion=les.id,
            details={"procedure": procedure, "then": None if irradiated else "radiotherapy"})


#: what a missing Patchell input is, in words (the case paths stay in needs-data)
PATCHELL_WORDS = {"escc": "the MRI grade of compression", "paraplegia_hours": "how long the "
                  "patient has been paraplegic", "patient.frankel": "the Frankel grade",
                  "patient.estimated_survival_months": "the expected survival",
                  "patient.surgical_candidate": "fitness for surgery"}


def _decompression_opinion(ctx: Context, les: SpinalLesion, missing: tuple[str, ...],
                           based: Mapping[str, object]) -> Recommendation:
    """Compression whose Patchell criteria cannot be completed from the record: every answer
    either allows decompression or is the surgeons' own judgement (fitness, expected survival,
    the neurology), so the spinal surgeons are asked today; knowing less never removes the
    surgical option from a compression plan."""
    words = list(dict.fromkeys(PATCHELL_WORDS.get(m.rsplit(".", 1)[-1] if m.startswith(
        "lesions[") else m, "a surgical criterion") for m in missing))
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    term = compression_term(les)
    caveat = (" Patchell's trial did not include compression of the cauda equina alone: the "
              "operation is the surgeons' judgement." if term != "cord compression" else "")
    after = (" The level was irradiated before: re-irradiation is for the clinical oncologist."
             if les.prior_radiotherapy else " Radiotherapy is not delayed meanwhile.")
    return Recommendation(
        id="surgery.decompression-opinion", modality="surgery",
        title=f"Same-day spinal surgical opinion on decompression at {where(les)}",
        strength="recommended", urgency="emergency",
        rationale=f"{term[0].upper() + term[1:]} at {where(les)}: decompressive surgery "
        "followed by radiotherapy (Patchell 2005: 84% against 57% still walking) depends on "
        + listed + (", which are" if len(words) > 1 else ", which is") + " not recorded. Each "
        "answer either allows the operation or is the surgeons' own judgement, so they are "
        "asked today, as the compression alert says, rather than after the record is complete."
        + caveat + after,
        based_on=based, references=("patchell-2005", "nice-ng234-2023"), lesion=les.id,
        details={"procedure": "decompression", "opinion": True, "then": "radiotherapy"})


def _consultation(les: SpinalLesion, urgency: Urgency, why: str,
                  based: Mapping[str, object]) -> Recommendation:
    """SINS 7 or more: "surgical consultation is recommended" (Fourney 2011), so the option
    is recommended, whatever the urgency."""
    return Recommendation(
        id="surgery.spinal-consultation", modality="surgery",
        title=f"Spinal surgical consultation for {where(les)}", strength="recommended",
        urgency=urgency, rationale=why, based_on=based,
        references=("fisher-2010", "fourney-2011"), lesion=les.id,
        details={"procedure": "stabilization"})


def _unstable_fitness_unknown(ctx: Context, les: SpinalLesion, sins: str,
                              based: Mapping[str, object]) -> Iterator[Finding]:
    """An unstable segment (SINS 13-18) in a patient whose surgical candidacy is not recorded:
    the surgeons are asked now (they judge fitness), and candidacy is requested. Asking only for
    the missing fact would give less advice than a SINS of 7-12 gives (knowing more about the
    instability must never weaken the advice)."""
    urgency: Urgency = "emergency" if ctx.mescc(les) else "urgent"
    yield _consultation(les, urgency, f"SINS {sins} (13-18, unstable): stabilisation is "
                        "indicated if the patient is fit for surgery, which is not recorded; "
                        "the spinal surgeons judge fitness and the operation.", based)
    yield NeedsData(missing=("patient.surgical_candidate",),
                    reason="fitness decides stabilisation", lesion=les.id)


def _incomplete_sins(ctx: Context, les: SpinalLesion, span: tuple[float, float],
                     missing: tuple[str, ...], based: Mapping[str, object],
                     fit: bool | None) -> Iterator[Finding]:
    """An incomplete SINS: every completion unstable -> the advice of a complete SINS of 13 or
    more (knowing less never weakens it); at least 7 -> consultation; could reach 7 -> ask."""
    if span[0] >= 13 and fit:
        yield Recommendation(
            id="surgery.stabilization", modality="surgery",
            title=f"Surgical stabilisation of {where(les)}", strength="recommended",
            urgency="urgent",
            rationale=f"SINS is at least {span[0]:g} even with components missing (13-18, "
                      "unstable): instability is an indication for stabilisation of its own "
                      "(NOMS), combined with the radiation decision.",
            based_on=based, references=("fisher-2010", "fourney-2011", "laufer-2013"),
            lesion=les.id, details={"procedure": "stabilization"})
    elif span[0] >= 13 and fit is None:
        yield from _unstable_fitness_unknown(ctx, les, f"at least {span[0]:g} even with "
                                             "components missing", based)
    elif span[0] >= 7 and ctx.mescc(les):
        return  # the cord-compression pathway and alert call the surgeons today
    elif span[0] >= 7:
        yield _consultation(les, "urgent", f"SINS is at least {span[0]:g} even with components "
                            "missing: surgical consultation is recommended from 7 upward (Fourney "
                            "2011).", based)
    elif span[1] >= 7:
        yield NeedsData(missing=missing, reason="SINS may reach 7 (surgical consultation)",
                        lesion=les.id)


@rule("surgery.spinal-stabilization", "surgery", "2", ("fisher-2010", "laufer-2013"))
def spinal_stabilization(ctx: Context) -> Iterator[Finding]:
    """NOMS mechanical assessment: SINS 13-18 (unstable) -> stabilisation when fit; SINS 7-12
    (potentially unstable) -> spinal surgical consultation. Instability is an indication of its
    own, whatever the radiosensitivity or ESCC grade."""
    fit = ctx.case.patient.surgical_candidate
    barrier = ctx.state.surgery_barrier()
    for les in ctx.spinal:
        s = ctx.score("sins", les.id)
        if s is None or s.range is None:
            continue
        based = {"sins": s.total, "sins_range": list(s.range), "surgical_candidate": fit}
        if ctx.stabilised(les):
            yield NotApplicable(reason="already stabilised", based_on=based, lesion=les.id)
            continue
        if barrier is not None and s.range[1] >= 7:
            yield NotApplicable(reason=f"surgery is excluded ({barrier}): radiotherapy, bracing "
                                "and percutaneous options", based_on=based, lesion=les.id)
            continue
        if not s.complete:
            yield from _incomplete_sins(ctx, les, s.range, s.missing, based, fit)
            continue
        assert s.total is not None
        if s.total < 7:
            yield NotApplicable(reason=f"SINS {s.total}: stable", based_on=based, lesion=les.id)
        elif s.total >= 13:
            if fit is False:
                yield NotApplicable(reason="unstable but not fit for surgery: radiotherapy and "
                                    "percutaneous options", based_on=based, lesion=les.id)
            elif fit is None:
                yield from _unstable_fitness_unknown(ctx, les, f"{s.total}", based)
            else:
                yield Recommendation(
                    id="surgery.stabilization", modality="surgery", title="Surgical stabilisation "
                                                                          f"of {where(les)}",
                    strength="recommended", urgency="urgent",
                    rationale=f"SINS {s.total} (13-18, unstable): instability is an indication for "
                    "stabilisation of its own (NOMS), combined with the radiation decision.",
                    based_on=based, references=("fisher-2010", "fourney-2011", "laufer-2013"),
                    lesion=les.id,
                    details={"procedure": "stabilization"})
        elif ctx.mescc(les):
            yield NotApplicable(reason="cord compression: the surgeons are called today by the "
                                       "compression pathway", based_on=based, lesion=les.id)
        else:
            yield _consultation(les, "routine", f"SINS {s.total} (7-12, potentially unstable): "
                                "surgical consultation is recommended from 7 upward (Fisher "
                                "2010; Fourney 2011).", based)


def _already_fixed(ctx: Context, les: BoneLesion, fractured: bool,
                   reasons: Sequence[str]) -> Finding:
    """A fracture, an impending fracture or Mirels 8 at a bone already fixed: not fixed again,
    the finding stays visible. After a recent operation the post-operative radiotherapy is the
    step; after an older one, progression around the implant is an orthopaedic question."""
    ops = [op for op in les.prior_surgery or () if op.procedure in FIXING]
    dates = sorted(op.date for op in ops if op.date)
    when = f" on {dates[-1].isoformat()}" if dates else " (date not recorded)"
    what = "; ".join((["a pathological fracture"] if fractured else []) + list(reasons))
    based = {"prior_surgery": [{"procedure": op.procedure,
                                "date": op.date.isoformat() if op.date else None} for op in ops],
             "pathological_fracture": les.pathological_fracture, "fracture_risk": list(reasons)}
    if postoperative_setting(ctx, les).value:
        return NotApplicable(reason=f"already fixed{when} ({what}): post-operative radiotherapy",
                             based_on=based, lesion=les.id)
    return Recommendation(
        id="surgery.orthopaedic-review", modality="surgery",
        title=f"Orthopaedic review of the fixed {les.site}", strength="consider",
        urgency="routine",
        rationale=f"{what[0].upper() + what[1:]} at the {les.site}, which was fixed{when}: "
        "the bone is not fixed again, and the score, made for bone without an implant, is "
        "shown for the record. Progression of the metastasis around the implant, new or "
        "worse pain on weight-bearing, or loosening on imaging is for the orthopaedic "
        "surgeons (revision); radiotherapy treats the pain.",
        based_on=based, references=("mirels-1989", "aaos-2023"), lesion=les.id,
        details={"procedure": "orthopaedic-review"})


ARTHROPLASTY = ("arthroplasty (hemi- or total hip, or a proximal femoral endoprosthesis): "
                "fixation of a pathological femoral head or neck fracture fails too often")


def _construct(site: str, region: str | None, months: float | None,
               klass: str | None) -> str | None:
    """The construct by site, then by expected survival (AAOS 2023): femoral head and neck ->
    arthroplasty whatever the survival; elsewhere over 6 months durable reconstruction, 1-6
    months less invasive fixation."""
    if site == "femur" and region == "head-neck":
        return ARTHROPLASTY
    over6 = months > 6 if months is not None else {"long": True, "short": False}.get(klass or "")
    if over6 is None:
        return None
    if over6:
        return "durable reconstruction (e.g. endoprosthesis or plate with cement)"
    return "less invasive fixation (e.g. intramedullary nail)"


@rule("surgery.long-bone-fixation", "surgery", "2",
      ("mirels-1989", "van-der-linden-2004", "harrington-1986", "aaos-2023",
       "coleman-2020-esmo"))
def long_bone_fixation(ctx: Context) -> Iterator[Finding]:
    """Fixation of a pathological fracture, and prophylactic fixation of an impending one
    (Mirels >= 9, or axial cortical involvement > 30 mm of the femur; Mirels 8 considered),
    when expected survival allows (prophylactic fixation: more than 6 weeks, AAOS 2023's
    "about one month" read with the 6-week threshold attributed to the BOA). The construct
    follows the site, then the expected survival: femoral head and neck -> arthroplasty;
    elsewhere over 6 months durable reconstruction, 1-6 months less invasive fixation. A bone
    already fixed is not offered fixation again: its fracture risk is shown with the implant,
    and an operation that is not recent leads to an orthopaedic review instead."""
    p, st = ctx.case.patient, ctx.state
    sv = st.survival
    for les in ctx.bones:
        mirels = ctx.score("mirels", les.id)
        fractured = bool(les.pathological_fracture)
        impending = ctx.impending_fracture(les)
        # Mirels predicts a fracture: once the bone is broken it no longer applies
        borderline = mirels is not None and mirels.band == "borderline" and not fractured
        if not (fractured or impending.value or borderline):
            continue
        if ctx.fixed(les):
            yield _already_fixed(ctx, les, fractured, impending.reasons or (
                [f"Mirels {mirels.total}"] if borderline and mirels else []))
            continue
        construct = _construct(les.site, les.region, sv.months, sv.klass)
        based = {"pathological_fracture": les.pathological_fracture,
                 "mirels": mirels.total if mirels else None,
                 "axial_cortical_involvement_mm": les.axial_cortical_involvement_mm,
                 "region": les.region, "surgical_candidate": p.surgical_candidate,
                 "estimated_survival_months": sv.months, "survival_class": sv.klass,
                 "survival_scores": ctx.survival_scores()}
        procedure = "fixation" if fractured else "prophylactic-fixation"
        head_neck = les.site == "femur" and les.region == "head-neck"
        what = ("Arthroplasty for the pathological fracture" if fractured and head_neck else
                "Fixation of the pathological fracture" if fractured else
                "Prophylactic arthroplasty" if head_neck else "Prophylactic fixation")
        found = (["a pathological fracture"] if fractured else []) + list(impending.reasons)
        if borderline and mirels is not None and not impending.value:
            found.append(f"Mirels {mirels.total}")
        reasons = "; ".join(found)
        under1 = st.too_short_for_prophylactic_fixation
        strength: Strength
        if st.surgical_candidate is False:
            strength, why = "not-recommended", ("The patient is not fit for surgery: "
                                                "radiotherapy (and ablation or cementoplasty "
                                                "where suitable) instead.")
        elif under1 and fractured:
            # AAOS 2023's one-month statement is about prophylactic fixation; an established
            # fracture may still be fixed for pain and nursing care
            strength, why = "consider", ("Expected survival about one month: palliative fixation "
                                         "for pain and nursing care is an orthopaedic "
                                         "judgement; radiotherapy either way.")
        elif under1:
            strength, why = "not-recommended", ("Expected survival of about a month (under 6 "
                                                "weeks) does not justify prophylactic fixation "
                                                "(AAOS 2023); radiotherapy instead.")
        elif borderline and not (fractured or impending.value):
            strength, why = "consider", ("Mirels 8 is borderline (15% fracture risk): "
                                         "prophylactic fixation is a clinical judgement.")
        elif p.surgical_candidate is None or construct is None:
            strength, why = "consider", ("Fixation is indicated if the patient is fit and "
                                         "expected survival allows; record both.")
            yield NeedsData(missing=tuple(path for path, v in (
                ("patient.surgical_candidate", p.surgical_candidate),
                ("patient.estimated_survival_months", construct)) if v is None),
                reason="fitness and expected survival decide fixation and its construct",
                lesion=les.id)
        else:
            strength, why = "recommended", f"Construct: {construct} (AAOS 2023)."
        yield Recommendation(
            id=f"surgery.{procedure}", modality="surgery", title=f"{what} of the {les.site}",
            strength=strength,
            urgency="urgent" if strength != "not-recommended" else "routine",
            rationale=f"{reasons[0].upper() + reasons[1:] if reasons else 'Fracture risk'} at the "
            f"{les.site}. {why}" + ("" if strength == "not-recommended" else (
                (" Radiotherapy follows fixation." if not ctx.state.declined("radiotherapy")
                 else " The patient declines radiotherapy, so none follows the fixation.") + (
                    "" if fractured else " ESMO 2020 prefers prophylactic surgery to fixation "
                    "after fracture" + ("; Harrington's criteria (cortical destruction over "
                    "50%, a proximal femoral lesion over 2.5 cm, avulsion of the lesser "
                    "trochanter, pain on weight-bearing despite radiotherapy) point the same "
                    "way when present." if les.site == "femur" else ".")))),
            based_on=based,
            references=("mirels-1989", "van-der-linden-2004", "harrington-1986", "aaos-2023",
             "coleman-2020-esmo"), lesion=les.id,
            details={"procedure": procedure, "construct": construct})


__all__ = ["BoneLesion", "SpinalLesion"]


@rule("surgery.periacetabular", "surgery", "1", ("harrington-1981", "coleman-2020-esmo"))
def periacetabular(ctx: Context) -> Iterator[Finding]:
    """A lytic or mixed metastasis of the acetabulum with pain on weight-bearing: Mirels does
    not apply to the pelvis, and nothing replaces it, so the orthopaedic surgeons judge the
    risk of acetabular failure (Harrington's classes of periacetabular destruction) and whether
    reconstruction is needed; protected weight-bearing meanwhile."""
    for les in ctx.bones:
        acetabulum = les.site == "acetabulum" or (
            les.site == "pelvis" and "acetab" in (les.region or "").lower())
        if not acetabulum or les.pathological_fracture or ctx.fixed(les):
            continue
        functional = les.pain_severity == "functional"
        based = {"site": les.site, "region": les.region, "appearance": les.appearance,
                 "pain_severity": les.pain_severity}
        if les.pain_severity is None:
            yield NeedsData(missing=(ctx.path(les, "pain_severity"),),
                            reason="pain on weight-bearing decides an orthopaedic opinion on "
                                   "the acetabulum", lesion=les.id)
            continue
        if not functional or les.appearance == "blastic" \
                or ctx.state.surgery_possible is False:
            yield NotApplicable(reason="no weight-bearing pain from a lytic acetabular lesion, or "
                                "surgery not possible", based_on=based, lesion=les.id)
            continue
        yield Recommendation(
            id="surgery.periacetabular-opinion", modality="surgery",
            title=f"Orthopaedic opinion on the acetabulum ({les.id}); protected weight-bearing",
            strength="recommended", urgency="urgent",
            rationale="A metastasis of the acetabulum that hurts on weight-bearing can lead to "
            "collapse of the hip joint; the Mirels score is for long bones and does not apply. "
            "The orthopaedic surgeons judge the extent of destruction (Harrington's classes) and "
            "whether reconstruction is needed; walking aids protect the hip meanwhile.",
            based_on=based, references=("harrington-1981", "coleman-2020-esmo"), lesion=les.id,
            details={"procedure": "consultation", "weight_bearing": "protected"})
