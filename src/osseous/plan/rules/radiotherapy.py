"""Radiotherapy to a site not yet treated: NOMS routing for spinal metastases, uncomplicated
painful metastases, SBRT and oligometastatic SABR. A site already irradiated or recently
operated is left to :mod:`osseous.plan.rules.radiotherapy_prior`."""

from __future__ import annotations

from collections.abc import Iterator

from osseous.core.case import BoneLesion, SpinalLesion
from osseous.knowledge.radiotherapy import MAX_PALLIATIVE_FRACTIONS, Regimen
from osseous.plan.context import Context, compression_term
from osseous.plan.decompression import decompression
from osseous.plan.engine import rule
from osseous.plan.model import (
    Finding,
    NeedsData,
    NotApplicable,
    Recommendation,
    Strength,
)
from osseous.plan.rules._common import (
    contiguous_levels,
    postoperative_setting,
    regimens,
    single_fraction_note,
    where,
)
from osseous.plan.state import in_months

SPINE_REFS = ("laufer-2013", "astro-2024", "bilsky-2010")
MESCC_RT_REFS = ("astro-2024", "hoskin-2019-scorad", "laufer-2013")


def _mescc_rt(ctx: Context, les: SpinalLesion, why: str,
              based: dict[str, object]) -> Recommendation:
    details: dict[str, object] = {"technique": "conventional", "regimens": regimens("mescc")}
    st = ctx.state
    short = st.survival.short or st.goal == "comfort"
    if short:
        # 8 Gy x 1 with limited life expectancy (ASTRO 2017: "particularly convenient and
        # sensible"); at the end of life (comfort, or about a month) no 10-fraction course
        details["preferred"] = Regimen(8, 1).to_dict()
        if st.goal == "comfort" or st.survival.under(1):
            details["regimens"] = [r for r in regimens("mescc") if r["fractions"] <= 5]
    term = compression_term(les)
    return Recommendation(
        id="rt.mescc-conventional", modality="radiotherapy",
        title=f"Emergency conventional radiotherapy for {term} at {where(les)}",
        strength="recommended", urgency="emergency",
        rationale=why + f" Regimens for {term} without surgery: 8 Gy x 1, 16 Gy in 2, "
        "20 Gy in 5 or 30 Gy in 10 (ASTRO 2024; SCORAD did not prove 8 Gy x 1 non-inferior to "
        "20 Gy in 5 for ambulation)."
        + (" With a short expected survival or a goal of comfort a single 8 Gy fraction is "
           "preferred (ASTRO 2017)." if short else "") + " Start with dexamethasone.",
        based_on=based, references=MESCC_RT_REFS, lesion=les.id, details=details)


@rule("rt.spine", "radiotherapy", "2", (*SPINE_REFS, "hoskin-2019-scorad", "astro-2017"))
def spine(ctx: Context) -> Iterator[Finding]:
    """NOMS neurologic and oncologic routing of radiation for each spinal metastasis:
    radiosensitive histology -> conventional radiotherapy whatever the ESCC grade;
    radioresistant with low-grade ESCC -> SBRT; radioresistant with high-grade ESCC -> SBRT
    after separation surgery when fit, otherwise the best conventional option; ESCC 1c ->
    SBRT and surgery both discussed. Previously irradiated or operated levels are left to the
    re-irradiation and post-operative rules."""
    rs = ctx.radiosensitivity
    for les in ctx.spinal:
        if les.prior_radiotherapy:
            yield NotApplicable(reason="previously irradiated: see rt.reirradiation", lesion=les.id)
            continue
        if postoperative_setting(ctx, les).value is not False:
            yield NotApplicable(reason="recently operated: see rt.postoperative", lesion=les.id)
            continue
        compression = ctx.mescc(les)
        based: dict[str, object] = {"escc": les.escc,
                                    "neurological_deficit": les.neurological_deficit,
                                    "radiosensitivity": rs.value,
                                    "radiosensitivity_source": rs.source}
        if compression is None:
            yield NeedsData(missing=tuple(ctx.path(les, f) for f in ("escc", "neurological_deficit")
                                  if getattr(les, f) is None),
                            reason="ESCC grade and neurology route the radiation", lesion=les.id)
            continue
        if compression:
            yield from _compressed(ctx, les, based)
        else:
            yield from _not_compressed(ctx, les, based)


def _compressed(ctx: Context, les: SpinalLesion, based: dict[str, object]) -> Iterator[Finding]:
    """Cord compression always ends with a deliverable emergency option: conventional
    radiotherapy now, unless decompressive surgery is deliverable (then SBRT or conventional
    radiotherapy follows the operation)."""
    rs = ctx.radiosensitivity
    if les.escc is None:
        # suspected from the neurology only: dexamethasone and an MRI within 24 hours; the
        # level is treated once the MRI has shown it (NICE NG234)
        yield NeedsData(missing=(ctx.path(les, "escc"),),
                        reason=f"suspected {compression_term(les)}: the MRI decides the "
                               "treatment",
                        lesion=les.id)
        return
    elig = decompression(ctx, les)
    based = {**based, "surgical_candidate": ctx.case.patient.surgical_candidate,
             "decompression_deliverable": elig.deliverable}
    if rs.value == "sensitive":
        yield _mescc_rt(ctx, les, f"Radiosensitive histology ({ctx.primary_words}; {rs.words}): "
                             "NOMS "
                             "treats with conventional radiotherapy whatever the ESCC grade.",
                        based)
        return
    sbrt_ok = "sbrt" not in ctx.state.declines
    if rs.value == "resistant" and elig.deliverable and sbrt_ok:
        yield Recommendation(
            id="rt.post-separation-sbrt", modality="radiotherapy",
            title=f"SBRT after separation surgery at {where(les)}", strength="recommended",
            urgency="urgent",
            rationale=f"Radioresistant histology ({ctx.primary_words}) with high-grade "
                      "compression in a patient "
            "fit for surgery: NOMS decompresses the cord (separation surgery) and then treats "
            "with stereotactic radiotherapy. The post-operative SBRT regimen is set by the "
            "treating team (no guideline regimen was verified).",
            based_on=based, references=SPINE_REFS, lesion=les.id,
            details={"technique": "sbrt", "regimens": [], "after": "separation-surgery"})
        return
    if elig.deliverable is False:
        why = ("Surgery is not an option here (" + "; ".join(elig.fails) + "): conventional "
               "radiotherapy is the treatment of the compression"
               + (", even for a radioresistant tumour." if rs.value == "resistant" else "."))
    else:
        why = (f"Radiotherapy is recommended for {compression_term(les)} whether or not surgery "
               "is done (ASTRO 2024); if decompression goes ahead it follows the operation.")
    yield _mescc_rt(ctx, les, why, based)
    missing: list[str] = list(elig.missing)
    if rs.value is None:
        missing.append("cancer.radiosensitivity")
    if missing and elig.deliverable is not False:
        yield NeedsData(missing=tuple(dict.fromkeys(missing)),
                        reason="radiosensitivity and the surgical criteria decide surgery before "
                        "radiotherapy and SBRT versus conventional", lesion=les.id)


def _sbrt_barriers(ctx: Context, les: SpinalLesion) -> tuple[list[str], list[str]]:
    """Why SBRT cannot be offered to this painful, uncompressed spinal lesion, and what is
    still unknown: an unstable segment (SINS 13 or more) not yet stabilised, pain below 2/10
    (SC.24 enrolled BPI 2 or more), a short expected survival (under 3 months: 8 Gy x 1 is the
    answer, ASTRO 2017 and 2024; project threshold), ECOG above 2 (SC.24), more than 3
    contiguous levels (SC.24), or a refusal."""
    st = ctx.state
    fails: list[str] = []
    missing: list[str] = []
    # a refusal of SBRT is applied by the gates, which record it as declined by the patient
    if st.goal == "comfort":
        fails.append("the goal of care is comfort")
    unstable = ctx.unstable(les)
    if not ctx.stabilised(les):
        if unstable.value:
            fails.append(f"unstable segment ({'; '.join(unstable.reasons)}) not stabilised")
        elif unstable.value is None:
            missing.extend(unstable.missing)
    if les.worst_pain is not None and les.worst_pain < 2:
        fails.append(f"pain {les.worst_pain:g}/10 (below 2)")
    if st.survival.short:
        fails.append("expected survival under 3 months (" + "; ".join(st.survival.reasons)
                     + ")")
    if ctx.ecog is not None and ctx.ecog > 2:
        fails.append(f"ECOG {ctx.ecog} (above 2)")
    elif ctx.ecog is None:
        missing.append("patient.ecog")
    n = contiguous_levels(les.levels)
    if n is None:
        if les.levels:
            fails.append("levels not contiguous")
        else:
            missing.append(ctx.path(les, "levels"))
    elif n > 3:
        fails.append(f"{n} contiguous levels (more than 3)")
    return fails, missing


def _sins_total(ctx: Context, les: SpinalLesion) -> object:
    s = ctx.score("sins", les.id)
    return s.total if s is not None else None


def _not_compressed(ctx: Context, les: SpinalLesion,
                    based: dict[str, object]) -> Iterator[Finding]:
    rs = ctx.radiosensitivity
    painful = ctx.painful(les)
    if painful is None:
        yield NeedsData(missing=(ctx.path(les, "worst_pain"),), reason="is the lesion painful?",
                        lesion=les.id)
        return
    if not painful:
        yield NotApplicable(reason="pain-free, no cord compression", based_on=based, lesion=les.id)
        return
    based = {**based, "worst_pain": les.worst_pain, "pain_character": les.pain_character}
    note = ""
    if rs.value == "resistant":
        fails, missing = _sbrt_barriers(ctx, les)
        if not fails and not missing:
            strength: Strength = "recommended" if les.escc in ("0", "1a", "1b") else "consider"
            yield Recommendation(
                id="rt.noms-sbrt", modality="radiotherapy",
                title=f"Stereotactic body radiotherapy (SBRT) to {where(les)}", strength=strength,
                urgency="routine",
                rationale=f"Radioresistant histology ({ctx.primary_words}) without high-grade "
                          "compression "
                f"(ESCC {les.escc}): NOMS treats with high-dose stereotactic radiotherapy."
                + (" ESCC 1c is intermediate: SBRT and separation surgery are both discussed."
                   if les.escc == "1c" else "")
                + " SC.24 gave 24 Gy in 2 fractions (trial regimen).",
                based_on={**based, "ecog": ctx.ecog,
                    "contiguous_levels": contiguous_levels(les.levels),
                 "sins": _sins_total(ctx, les)},
                references=(*SPINE_REFS, "sahgal-2021-sc24"), lesion=les.id,
                details={"technique": "sbrt", "regimens": regimens("sbrt-sc24")})
            if "sbrt" not in ctx.state.declines:
                return
            note = " The patient declines SBRT: conventional radiotherapy is the option."
        elif fails:
            note = (" SBRT is not suitable here (" + "; ".join(fails) + "), so conventional "
                    "radiotherapy is the radiation option.")
        else:
            note = (" SBRT, the NOMS choice for a radioresistant tumour, needs "
                    + ", ".join(missing) + "; conventional radiotherapy meanwhile.")
            yield NeedsData(missing=tuple(dict.fromkeys(missing)), reason="SBRT eligibility",
                            lesion=les.id)
    text, extra = single_fraction_note(ctx)
    mild = les.worst_pain is not None and les.worst_pain < 2
    if mild:
        note += (" The pain is mild (below 2/10, the usual threshold in trials): analgesia first, "
                 "radiotherapy if it persists.")
    if ctx.state.goal == "comfort":
        extra = {"preferred": Regimen(8, 1).to_dict()}
        text = " A single 8 Gy fraction fits a goal of comfort (one visit)."
    yield Recommendation(
        id="rt.spine-conventional", modality="radiotherapy",
        title=f"Conventional radiotherapy to {where(les)} for pain",
        strength="consider" if mild else "recommended", urgency="routine",
        rationale="Painful spinal metastasis without cord compression: 8 Gy x 1, 20 Gy in 5, 24 Gy "
        "in 6 and 30 Gy in 10 relieve pain equally (ASTRO)." + note + text,
        based_on=based, references=("astro-2024", "astro-2017", "laufer-2013"), lesion=les.id,
        details={"technique": "conventional", "regimens": regimens("uncomplicated"),
         "max_fractions": MAX_PALLIATIVE_FRACTIONS, **extra})
    if rs.value is None:
        yield NeedsData(missing=("cancer.radiosensitivity",),
                        reason="radiosensitivity decides whether SBRT is the NOMS choice",
                        lesion=les.id)


@rule("rt.uncomplicated", "radiotherapy", "2",
      ("astro-2024", "astro-2017", "choosing-wisely-astro-2013", "coleman-2020-esmo"))
def uncomplicated(ctx: Context) -> Iterator[Finding]:
    """Non-spinal bone metastasis, not irradiated and not recently operated: conventional
    radiotherapy 8 Gy x 1, 20 Gy/5, 24 Gy/6 or 30 Gy/10 for pain, with 8 Gy x 1 favoured when
    the prognosis is short; never more than 10 fractions. A fractured or impending-fracture
    lesion always gets radiotherapy: after fixation when fixation is possible, alone when it is
    not. A bone fixed earlier is treated for pain."""
    possible = ctx.state.surgery_possible
    too_short = ctx.state.too_short_for_prophylactic_fixation
    for les in ctx.bones:
        if les.prior_radiotherapy or postoperative_setting(ctx, les).value is not False:
            continue
        # a bone fixed earlier is treated for pain: its fracture risk is the orthopaedic
        # review's question (surgery.long-bone-fixation), not fixation again
        fixed = ctx.fixed(les)
        fractured = bool(les.pathological_fracture) and not fixed
        impending = ctx.impending_fracture(les).value and not fixed
        # the surgery rule's threshold: an established fracture may still be fixed for pain
        # and nursing with about a month to live; prophylactic fixation needs over 6 weeks
        surgery = False if (too_short and not fractured) else possible
        painful = ctx.painful(les)
        if not (fractured or impending):
            if painful is None:
                yield NeedsData(missing=(ctx.path(les, "worst_pain"),), reason="is the lesion "
                                                                               "painful?",
                                lesion=les.id)
                continue
            if not painful:
                yield NotApplicable(reason="pain-free", based_on={"worst_pain": les.worst_pain},
                                    lesion=les.id)
                continue
        mirels = ctx.score("mirels", les.id)
        text, extra = single_fraction_note(ctx)
        caveat, title = "", f"Conventional radiotherapy to the painful {les.site} lesion"
        if fractured or impending:
            kind = "fracture" if fractured else "impending fracture"
            if surgery is False:
                barrier = ctx.state.surgery_barrier() or ("expected survival of about a month, "
                                                          "under 6 weeks")
                caveat = (f" The {kind} cannot be fixed ({barrier}): radiotherapy is the "
                          "treatment of the site, for pain and to slow further destruction.")
                title = f"Radiotherapy to the {kind} of the {les.site} (no fixation)"
            elif surgery:
                caveat = (f" The {kind} is fixed first when the patient is fit; radiotherapy "
                          "then follows as post-operative treatment (or is given alone if "
                          "fixation is not done).")
                title = f"Radiotherapy to the {les.site} after fixation (or alone if not fixed)"
                extra = {**extra, "after": "fixation" if fractured else "prophylactic-fixation"}
            else:
                caveat = (f" Fixation of the {kind} comes first if the patient proves fit; "
                          "otherwise radiotherapy alone.")
                title = f"Radiotherapy to the {kind} of the {les.site} (with or without fixation)"
        if fixed:
            caveat = (" The bone was fixed earlier: radiotherapy treats the pain; progression "
                      "around the implant is for the orthopaedic surgeons.")
        mild = les.worst_pain is not None and les.worst_pain < 2
        if mild and not (fractured or impending):
            caveat += (" The pain is mild (below 2/10, the usual threshold in trials): "
                       "analgesia first, radiotherapy if it persists.")
        if ctx.state.goal == "comfort":
            extra = {k: v for k, v in extra.items() if k != "after"}
            extra["preferred"] = Regimen(8, 1).to_dict()
            text = " A single 8 Gy fraction fits a goal of comfort (one visit)."
        yield Recommendation(
            id="rt.uncomplicated", modality="radiotherapy", title=title,
            strength="consider" if mild and not (fractured or impending) else "recommended",
            urgency="urgent" if fractured and surgery is False else "routine",
            rationale="Bone metastasis: single and multiple fractions relieve pain equally "
            "(ASTRO 2017, 2024; ESMO 2020 recommends 8 Gy x 1); courses over 10 fractions are "
            "not used for uncomplicated palliation (Choosing Wisely)." + caveat + text,
            based_on={"worst_pain": les.worst_pain, "pain_severity": les.pain_severity,
             "mirels": mirels.total if mirels else None,
             "pathological_fracture": les.pathological_fracture,
             "impending_fracture": impending, "surgery_possible": surgery},
            references=("astro-2024", "astro-2017", "choosing-wisely-astro-2013",
                        "coleman-2020-esmo"),
            lesion=les.id, details={"technique": "conventional",
                "regimens": regimens("uncomplicated"),
                     "max_fractions": MAX_PALLIATIVE_FRACTIONS, **extra})


@rule("rt.sbrt-selected", "radiotherapy", "2",
      ("astro-2024", "sahgal-2021-sc24", "ryu-2023-rtog0631"))
def sbrt_selected(ctx: Context) -> Iterator[Finding]:
    """SBRT considered over conventional radiotherapy for a painful spinal metastasis in a
    selected patient (ASTRO 2024, conditional): no neurological deficit, no surgical indication,
    good performance status; shown with the SC.24 trial eligibility (ECOG 0-2, at most 3
    contiguous levels, SINS < 12) and its regimen 24 Gy/2. Radioresistant histology is routed
    by rt.spine instead."""
    if ctx.radiosensitivity.value == "resistant":
        return
    for les in ctx.spinal:
        if les.prior_radiotherapy or postoperative_setting(ctx, les).value is not False \
                or not ctx.painful(les):
            continue
        if ctx.mescc(les) is not False:
            continue
        sins = ctx.score("sins", les.id)
        n = contiguous_levels(les.levels)
        fails, missing = _sbrt_barriers(ctx, les)
        if sins is None or not sins.complete:
            missing.extend(sins.missing if sins else ())
        elif sins.total is not None and sins.total >= 12:
            fails.append(f"SINS {sins.total} (SC.24 enrolled SINS under 12)")
        based = {"ecog": ctx.ecog, "contiguous_levels": n,
                 "sins": sins.total if sins else None, "worst_pain": les.worst_pain,
                 "neurological_deficit": les.neurological_deficit, "escc": les.escc}
        if fails:
            yield NotApplicable(reason="outside SC.24 eligibility: " + "; ".join(fails),
                                based_on=based,
                                lesion=les.id)
            continue
        if missing:
            yield NeedsData(missing=tuple(dict.fromkeys(missing)), reason="SC.24 eligibility",
                            lesion=les.id)
            continue
        yield Recommendation(
            id="rt.sbrt-selected", modality="radiotherapy", title=f"Consider SBRT to {where(les)}",
            strength="consider",
            urgency="routine",
            rationale="A selected patient (no deficit, no surgical indication, good performance "
                      "status): "
            "ASTRO 2024 conditionally prefers SBRT; in SC.24, 24 Gy in 2 fractions gave more "
            "complete pain responses at 3 months than 20 Gy in 5 (35% against 14%); in RTOG "
            "0631, 16-18 Gy in one fraction was not better than 8 Gy for pain.",
            based_on=based, references=("astro-2024", "sahgal-2021-sc24", "ryu-2023-rtog0631"),
            lesion=les.id,
            details={"technique": "sbrt", "regimens": regimens("sbrt-sc24"),
             "eligibility": "SC.24 trial criteria (ECOG 0-2, <= 3 contiguous levels, SINS < 12)"})


@rule("rt.oligometastatic", "radiotherapy", "2", ("palma-2020-sabr-comet",))
def oligometastatic(ctx: Context) -> Iterator[Finding]:
    """Oligometastatic disease by the SABR-COMET criteria (controlled primary, 1-5
    metastases, ECOG 0-1, life expectancy of at least 6 months): stereotactic ablative
    radiotherapy to every site considered."""
    c, p = ctx.case.cancer, ctx.case.patient
    n, controlled, ecog = c.total_metastases, c.primary_controlled, ctx.ecog
    est = p.estimated_survival_months
    goal = ctx.state.goal
    if goal in ("palliative", "comfort"):
        # a refusal of SBRT is applied (and recorded as declined) by the gates
        yield NotApplicable(reason="ablative treatment for survival is outside the goal of care",
                            based_on={"goal": goal})
        return
    based = {"total_metastases": n, "primary_controlled": controlled, "ecog": ecog,
             "estimated_survival_months": est}
    if (n is not None and n > 5) or controlled is False or (ecog is not None and ecog > 1) \
            or (est is not None and est < 6):
        yield NotApplicable(reason="outside the SABR-COMET criteria", based_on=based)
        return
    missing = [path for path, v in (("cancer.total_metastases", n),
                                    ("cancer.primary_controlled", controlled),
                                    ("patient.ecog", ecog),
                                    ("patient.estimated_survival_months", est)) if v is None]
    if missing or est is None:
        yield NeedsData(missing=tuple(missing), reason="oligometastatic SABR eligibility")
        return
    yield Recommendation(
        id="rt.oligometastatic-sabr", modality="radiotherapy",
        title="Consider stereotactic ablative radiotherapy to all metastases", strength="consider",
        urgency="routine",
        rationale=f"Controlled primary with {n} metastases, ECOG {ecog} and an expected survival "
        f"of {in_months(est)} meet the SABR-COMET criteria (overall survival 42% against 18% at 5 "
        "years; treatment-related deaths 4.5%).",
        based_on=based, references=("palma-2020-sabr-comet",), lesion=None,
        details={"technique": "sbrt", "regimens": [], "eligibility": "SABR-COMET"})


__all__ = ["BoneLesion"]
