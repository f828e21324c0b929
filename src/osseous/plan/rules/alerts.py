"""Alerts that cannot wait: cord compression, hypercalcaemia, fracture, instability, and the
safety checks that must precede a bone-modifying agent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from osseous.knowledge import bma
from osseous.plan.context import Context, compression_term
from osseous.plan.engine import rule
from osseous.plan.model import Alert, Finding, NeedsData, NotApplicable, Severity
from osseous.scores.zoledronic import zoledronic_dose, zoledronic_withhold

DEFICIT_WORDS = {"myelopathy": "myelopathy", "cauda-equina": "cauda equina syndrome",
                 "radiculopathy": "radicular symptoms"}
MESCC_REFS = ("nice-ng234-2023", "astro-2024", "bilsky-2010")


@rule("alert.mescc", "alerts", "2", MESCC_REFS)
def mescc(ctx: Context) -> Iterator[Finding]:
    """Spinal cord compression (ESCC 2-3) or a neurological deficit from a spinal lesion:
    critical alert with whole-spine MRI within 24 hours when not yet graded and a same-day
    consultation (NICE NG234). Dexamethasone 16 mg now only with neurological symptoms or
    signs; compression seen on MRI without any deficit is not a routine indication for
    steroids (NICE NG234). The consultation names surgery only where surgery is possible."""
    st = ctx.state
    for les in ctx.spinal:
        state = ctx.mescc(les)
        facts_ = {"escc": les.escc, "neurological_deficit": les.neurological_deficit}
        if state is None:
            missing = [ctx.path(les, f) for f in ("escc", "neurological_deficit")
                       if getattr(les, f) is None]
            yield NeedsData(missing=tuple(missing), reason="cord compression cannot be excluded",
                            lesion=les.id)
            continue
        if not state:
            yield NotApplicable(reason="no cord compression and no deficit", based_on=facts_,
                                lesion=les.id)
            continue
        where = "/".join(les.levels or ()) or les.id
        # below L1 it is the cauda equina that is compressed (NICE NG234 calls both MSCC)
        term = ("metastatic spinal cord compression" if compression_term(les) == "cord compression"
                else "metastatic cauda equina compression")
        if les.escc in ("2", "3"):
            what = f"{term[0].upper() + term[1:]} at {where} (ESCC {les.escc})"
        else:
            what = (f"Suspected {term} at {where} "
                    f"({DEFICIT_WORDS.get(les.neurological_deficit or '', 'deficit')})")
        mri = ("MRI already graded the compression; image the whole spine if not done"
               if les.escc is not None else "MRI of the whole spine within 24 hours")
        deficit = les.neurological_deficit
        if deficit not in (None, "none"):
            steroid = "dexamethasone 16 mg now unless contraindicated"
        elif deficit is None:
            steroid = ("examine the neurology now: dexamethasone 16 mg at once if there is any "
                       "neurological symptom or sign")
        else:
            steroid = ("no neurological deficit: dexamethasone is not routine (only for severe "
                       "pain)")
        barrier = st.surgery_barrier()
        consult = ("same-day clinical oncology consultation (surgery is excluded: "
                   f"{barrier})" if barrier else
                   "same-day spinal surgical and clinical oncology consultation")
        yield Alert(id="mescc", severity="critical",
                    message=f"{what}: {steroid}; {mri}; {consult}; keep flat and log-roll if the "
                    "spine may be unstable.", references=MESCC_REFS, lesion=les.id,
                    based_on={**facts_, "surgery_possible": st.surgery_possible})


@rule("alert.hypercalcemia", "alerts", "2", ("ctcae-5", "statpearls-hcm", "zometa-label"))
def hypercalcemia(ctx: Context) -> Iterator[Finding]:
    """Hypercalcaemia with its CTCAE grade (grade 3-4 critical, grade 2 warning, grade 1 info),
    from ionised calcium, corrected calcium, or a total calcium without a current albumin, whose
    severity is then that of the worst grade a plausible albumin gives (knowing less never lowers
    a warning) and which asks for the albumin. An out-of-date raised result asks for a recheck
    today."""
    cs = ctx.calcium_status
    based = dict(cs.based)
    if cs.source == "unknown":
        yield NeedsData(missing=("labs.calcium", "labs.albumin"), reason="hypercalcaemia cannot be "
                                                                         "excluded")
        return
    if cs.source == "stale":
        if cs.stale_raised:
            yield Alert(id="calcium-out-of-date", severity="warning",
                        message=f"The last calcium is raised but out of date ({cs.text}): recheck "
                        "calcium and albumin today.", references=("statpearls-hcm",),
                                                                  based_on=based)
        yield NeedsData(missing=("labs.calcium",), reason="the last calcium is out of date")
        return
    low, worst = cs.grade_low or 0, cs.worst
    if cs.source == "bounded":
        yield NeedsData(missing=("labs.albumin",), reason="albumin grades the hypercalcaemia "
                                                          "exactly")
    if not worst:
        yield NotApplicable(reason=f"calcium not raised ({cs.text})", based_on=based)
        return
    severity: Severity = "critical" if worst >= 3 else "warning" if worst == 2 else "info"
    action = (_treat_today(ctx) if worst >= 3
              else "Hydrate, review calcium-raising medicines, recheck.")
    if not low:
        # some plausible albumin makes the calcium normal: graded, but asked for first
        yield Alert(id="calcium-uncorrected", severity=severity,
                    message=f"Calcium may be raised, {cs.grade_words()}: {cs.text}. Albumin "
                    "today to grade it.", references=("ctcae-5", "statpearls-hcm"),
                    based_on={**based, "ctcae_grade_worst": worst})
        return
    albumin = " Albumin today to grade it exactly." if cs.source == "bounded" else ""
    yield Alert(id="hypercalcemia", severity=severity,
                message=f"Hypercalcaemia, {cs.grade_words()}: {cs.text}. {action}{albumin}",
                references=("ctcae-5", "statpearls-hcm", "zometa-label"),
                based_on={**based, "ctcae_grade_at_least": low, "ctcae_grade_worst": worst})


def _treat_today(ctx: Context) -> str:
    """The alert's one-line treatment, saying what the treatment recommendation says (dialysis,
    pregnancy, a refusal of bone-modifying agents)."""
    st = ctx.state
    if st.goal == "comfort":
        return ("Goal of comfort: treat only if it causes distress (confusion, thirst, nausea), "
                "with one dose of a bone agent and fluids as comfort allows.")
    fluid = ("dialysis against a low-calcium bath (no saline load)" if st.dialysis
             else "intravenous saline")
    if st.pregnant:
        then = "calcitonin with obstetric and endocrine specialists (no bisphosphonate or " \
               "denosumab in pregnancy)"
    elif st.declined("bone-modifying-agent"):
        then = ("calcitonin as a bridge; the patient declines bone-modifying agents: discuss "
                "the agent with them")
    else:
        then = "a bisphosphonate or denosumab"
    return f"Treat today: {fluid}, then {then}."


@rule("alert.impending-fracture", "alerts", "2",
      ("mirels-1989", "van-der-linden-2004", "aaos-2023"))
def impending_fracture(ctx: Context) -> Iterator[Finding]:
    """Pathological fracture, or impending fracture of a long bone: Mirels >= 9 (8
    borderline), or axial cortical involvement > 30 mm of the femur. A bone already fixed is
    not flagged again."""
    st = ctx.state
    fit = st.surgery_possible
    rt_declined = "radiotherapy" in st.declines
    radiotherapy = "radiotherapy" if not rt_declined else "radiotherapy (declined by the patient)"
    # the surgery rule's threshold: prophylactic fixation needs more than 6 weeks
    about_a_month = st.too_short_for_prophylactic_fixation
    for les in ctx.bones:
        based: dict[str, object] = {"site": les.site}
        if ctx.fixed(les):
            yield NotApplicable(reason="already fixed", based_on={"prior_surgery": [
                op.procedure for op in les.prior_surgery or ()]}, lesion=les.id)
            continue
        if les.pathological_fracture:
            step = (f"orthopaedic assessment for fixation, then post-operative {radiotherapy}"
                    if fit is not False and not about_a_month else
                    f"orthopaedic opinion on palliative fixation for pain and nursing; "
                    f"{radiotherapy} to the fracture" if fit is not False else
                    f"immobilise and relieve pain; {radiotherapy} to the fracture (surgery is "
                    "excluded)")
            yield Alert(id="pathological-fracture", severity="critical",
                        message=f"Pathological fracture of the {les.site}: {step}.",
                        references=("aaos-2023",),
                        lesion=les.id, based_on={"pathological_fracture": True,
                            "surgery_possible": fit})
            continue
        mirels = ctx.score("mirels", les.id)
        if mirels is not None:
            based["mirels"] = mirels.total
            if mirels.band == "borderline":
                yield Alert(id="mirels-borderline", severity="info",
                            message=f"Mirels 8 at the {les.site}: borderline (15% fracture risk); "
                            "clinical judgement on prophylactic fixation.",
                                references=("mirels-1989",),
                            lesion=les.id, based_on=based)
        fact = ctx.impending_fracture(les)
        if les.site == "femur":
            based["axial_cortical_involvement_mm"] = les.axial_cortical_involvement_mm
        if fact.value is None and fact.missing:
            yield NeedsData(missing=fact.missing, reason="fracture risk cannot be excluded",
                            lesion=les.id)
        if fact.value:
            step = (f"orthopaedic opinion on prophylactic fixation before {radiotherapy}"
                    if fit is not False and not about_a_month else
                    f"{radiotherapy} (fixation is not justified with about a month to live)"
                    if fit is not False else f"{radiotherapy} (surgery is excluded)")
            yield Alert(id="impending-fracture", severity="warning",
                        message=f"Impending pathological fracture of the {les.site}: "
                        + "; ".join(fact.reasons) + f". {_protect(les.site)}; {step}.",
                        references=("mirels-1989", "van-der-linden-2004"), lesion=les.id,
                        based_on=based)


@rule("alert.spinal-instability", "alerts", "2", ("fisher-2010", "fourney-2011"))
def spinal_instability(ctx: Context) -> Iterator[Finding]:
    """SINS 13-18 (unstable), including an incomplete SINS whose every completion is 13 or
    more: urgent spinal surgical opinion where surgery is possible, spinal precautions. An
    incomplete SINS that could reach 13 asks for the missing components."""
    barrier = ctx.state.surgery_barrier()
    for les in ctx.spinal:
        fact = ctx.unstable(les)
        if ctx.stabilised(les):
            yield NotApplicable(reason="stabilised by surgery", lesion=les.id)
            continue
        if fact.value:
            step = ("urgent spinal surgical opinion" if barrier is None else
                    f"surgery is excluded ({barrier}): radiotherapy and bracing")
            yield Alert(id="spinal-instability", severity="warning",
                        message=f"Unstable spine at {'/'.join(les.levels or ()) or les.id} "
                        f"({'; '.join(fact.reasons)}): {step}; spinal precautions until "
                        "assessed.", references=("fisher-2010", "fourney-2011"), lesion=les.id,
                        based_on={"sins": ctx.score("sins",
                                                    les.id).total  # type: ignore[union-attr]
                         if ctx.score("sins", les.id) else None})
        elif fact.value is None and fact.missing:
            yield NeedsData(missing=fact.missing,
                            reason=f"SINS could reach 13 ({fact.reasons[0]})", lesion=les.id)


def _protect(site: str) -> str:
    """How a bone at risk of breaking is protected: an arm is spared lifting, a leg weight."""
    if site in ("humerus", "radius", "ulna", "clavicle", "scapula"):
        return "Protect the arm (a sling, no lifting or pushing up)"
    return "Protected weight-bearing"


def _low_calcium(ctx: Context, drugs: str) -> Iterator[Finding]:
    """The calcium check before a bone-modifying agent: hypocalcaemia (low whatever the
    albumin) is an alert; a calcium that is unknown, out of date, or low for some plausible
    albumin is asked for (never read as normal)."""
    cs = ctx.calcium_status
    if cs.source in ("unknown", "stale"):
        yield NeedsData(missing=("labs.calcium", "labs.albumin") if cs.source == "unknown"
                        else ("labs.calcium",),
                        reason=f"a current calcium must be known before {drugs}")
    elif cs.worst_low and not cs.low:
        # as with a raised calcium, knowing less never lowers the warning: the worst plausible
        # grade sets its severity, and the albumin is measured before the next dose
        yield Alert(id="calcium-may-be-low", severity="critical" if cs.severe_low else "warning",
                    message=f"The calcium may be low ({cs.grade_words(low=True)}): {cs.text}. "
                    f"Measure albumin (or ionised calcium) today and hold {drugs} until the "
                    "calcium is known to be normal.",
                    references=("xgeva-label",) if drugs == "denosumab" else (
                        "zometa-label", "pamidronate-label"),
                    based_on={**dict(cs.based), "hypocalcaemia_grade": cs.worst_low})
        yield NeedsData(missing=("labs.albumin",),
                        reason=f"the calcium may be low: albumin before {drugs}")


@rule("alert.hypocalcemia-denosumab", "alerts", "1", ("xgeva-label",))
def hypocalcemia_denosumab(ctx: Context) -> Iterator[Finding]:
    """Denosumab active or planned (or of unknown status): pre-existing hypocalcaemia must be
    corrected first (severe and fatal hypocalcaemia reported), and the risk is highest with
    creatinine clearance < 30 mL/min or dialysis."""
    if not ctx.medications(("denosumab",), ("active", "planned", None)):
        yield NotApplicable(reason="no denosumab active or planned")
        return
    cs = ctx.calcium_status
    yield from _low_calcium(ctx, "denosumab")
    if cs.low:
        yield Alert(id="hypocalcemia-denosumab", severity="critical",
                    message=f"Hypocalcaemia, {cs.grade_words(low=True)}: {cs.text}. Hold "
                    "denosumab and correct the calcium before the next dose (severe and fatal "
                    "hypocalcaemia reported); see the hypocalcaemia treatment.",
                    references=("xgeva-label",),
                    based_on={**dict(cs.based), "hypocalcaemia_grade": cs.worst_low})
    # with the sex unknown the lower (female) clearance is the one that may apply
    span = ctx.crcl_range
    renal_risk = ctx.case.patient.dialysis or (span is not None and span[0] < 30)
    if renal_risk:
        yield Alert(id="denosumab-renal", severity="warning",
                    message="Denosumab with creatinine clearance < 30 mL/min or dialysis: highest "
                    "risk of severe hypocalcaemia; calcium and vitamin D, and frequent calcium "
                    "checks in the first weeks.", references=("xgeva-label",),
                    based_on={"crcl_ml_min": ctx.crcl, "dialysis": ctx.case.patient.dialysis})


@rule("alert.hypocalcemia-bisphosphonate", "alerts", "1", ("zometa-label", "pamidronate-label"))
def hypocalcemia_bisphosphonate(ctx: Context) -> Iterator[Finding]:
    """Zoledronic acid or pamidronate active or planned (or of unknown status) with
    hypocalcaemia: the next dose waits until calcium is corrected (the labels ask for calcium
    monitoring and supplements for hypocalcaemia; holding the dose is the project's choice, as
    the Xgeva label requires for denosumab)."""
    meds = ctx.medications(("zoledronic-acid", "pamidronate"), ("active", "planned", None))
    if not meds:
        yield NotApplicable(reason="no intravenous bisphosphonate active or planned")
        return
    drugs = " and ".join(sorted({m.drug.replace("-", " ") for m in meds}))
    cs = ctx.calcium_status
    yield from _low_calcium(ctx, drugs)
    if cs.low:
        yield Alert(id="hypocalcemia-bisphosphonate",
                    severity="critical" if cs.severe_low else "warning",
                    message=f"Hypocalcaemia, {cs.grade_words(low=True)}: {cs.text}. Hold "
                    f"{drugs} and correct the calcium before the next dose; see the "
                    "hypocalcaemia treatment.", references=("zometa-label", "pamidronate-label"),
                    based_on={**dict(cs.based), "hypocalcaemia_grade": cs.worst_low})


@rule("alert.bisphosphonate-renal", "alerts", "1", ("zometa-label", "pamidronate-label"))
def bisphosphonate_renal(ctx: Context) -> Iterator[Finding]:
    """Zoledronic acid or pamidronate active or planned: creatinine clearance < 30 mL/min
    forbids it (severe renal impairment), 30-60 mL/min reduces the zoledronic acid dose; a
    creatinine rise of 0.5 mg/dL (1.0 from an abnormal baseline) withholds the next dose."""
    meds = ctx.medications(("zoledronic-acid", "pamidronate"))
    if not meds:
        yield NotApplicable(reason="no intravenous bisphosphonate active or planned")
        return
    dialysis = bool(ctx.case.patient.dialysis)
    span = ctx.crcl_range  # with the sex unknown, the female and male values
    if ctx.state.crcl_stale:
        creat = ctx.state.lab("creatinine")
        yield NeedsData(missing=("labs.creatinine",),
                        reason=f"the last creatinine is {creat.age_days if creat else '?'} days "
                        "old: a current one is needed before each dose")
    elif span is None or span[0] != span[1]:
        s = ctx.score("crcl")
        yield NeedsData(missing=s.missing if s else ("labs.creatinine",),
                        reason="creatinine clearance must be known before each dose")
    based = {"crcl_ml_min": ctx.crcl, "drugs": [m.drug for m in meds], "dialysis": dialysis}
    words = ("" if span is None else f"{span[0]} mL/min" if span[0] == span[1]
             else f"{span[0]:g}-{span[1]:g} mL/min (sex not recorded)")
    # dialysis, or a clearance under 30 whatever the sex: the warning stands without the rest
    if dialysis or (span is not None and span[1] < bma.ZOLEDRONIC_MIN_CRCL):
        yield Alert(id="bisphosphonate-renal", severity="critical",
                    message=("On dialysis" if dialysis else
                     f"Creatinine clearance {words}, under 30 mL/min")
                    + ": zoledronic acid and pamidronate are not recommended in severe renal "
                    "impairment; consider "
                    "denosumab with calcium monitoring.", references=("zometa-label",
                                                                      "pamidronate-label"),
                    based_on=based)
    elif span is not None and any(m.drug == "zoledronic-acid" for m in meds) \
            and span[0] <= 60:
        lo_d, hi_d = zoledronic_dose(span[0]), zoledronic_dose(span[1])
        amount = (f"{lo_d.dose_mg} mg, not 4 mg ({lo_d.reason})" if lo_d.dose_mg == hi_d.dose_mg
                  else " or ".join("not recommended" if d.dose_mg is None
                                   else f"{d.dose_mg:g} mg" for d in (lo_d, hi_d))
                  + " (female or male)")
        yield Alert(id="zoledronic-dose", severity="warning",
                    message=f"Creatinine clearance {words}: zoledronic acid {amount}.",
                    references=("zometa-label",), based_on=based)
    if ctx.state.crcl_stale:
        return
    ref = ctx.case.assessed_on
    dated = [(lab.date, lab) for lab in ctx.case.labs or ()
             if lab.analyte == "creatinine" and lab.date is not None
             and (ref is None or lab.date <= ref)]
    creatinines = [lab for _, lab in sorted(dated, key=lambda pair: pair[0])]
    started = min((m.started for m in meds if m.started), default=None)
    if started is not None and len(creatinines) >= 2:
        base = [lab for lab in creatinines if lab.date and lab.date <= started]
        if base:
            decision = zoledronic_withhold(base[-1].canonical_value,
                                           creatinines[-1].canonical_value)
            if decision.withhold:
                yield Alert(id="bisphosphonate-withhold", severity="critical",
                            message=("Withhold the next bisphosphonate dose: "
                                     + decision.reason + "."),
                            references=("zometa-label", "pamidronate-label"),
                            based_on={"baseline_creatinine_mg_dl": base[-1].canonical_value,
                                      "current_creatinine_mg_dl":
                                          creatinines[-1].canonical_value})


@rule("alert.dental-before-bma", "alerts", "1",
      ("van-poznak-2011", "xgeva-label", "pamidronate-label"))
def dental(ctx: Context) -> Iterator[Finding]:
    """A bone-modifying agent active or planned without a recorded dental examination, or with
    an invasive dental procedure planned (osteonecrosis of the jaw)."""
    meds = ctx.on_bma()
    if not meds:
        yield NotApplicable(reason="no bone-modifying agent active or planned")
        return
    dental_ = ctx.case.patient.dental
    drugs = ", ".join(sorted({m.drug for m in meds}))
    if dental_ is None or dental_.last_exam is None:
        yield Alert(id="no-dental-exam", severity="warning",
                    message=f"No dental examination recorded before {drugs}: oral examination and "
                    "preventive dentistry before starting (osteonecrosis of the jaw).",
                    references=("van-poznak-2011", "xgeva-label", "pamidronate-label"),
                    based_on={"dental.last_exam": None, "drugs": drugs})
    if dental_ is not None and dental_.invasive_procedure_planned:
        started = any(m.status == "active" for m in meds)
        message = (f"Invasive dental procedure planned while on {drugs}: discuss timing with "
                   "the dentist; avoid invasive procedures during treatment where possible."
                   if started else
                   f"Invasive dental procedure planned: complete it and let the mouth heal "
                   f"before starting {drugs} (osteonecrosis of the jaw).")
        yield Alert(id="invasive-dental-procedure", severity="warning", message=message,
                    references=("xgeva-label", "van-poznak-2011"),
                    based_on={"invasive_procedure_planned": True})


@rule("alert.hypocalcemia", "alerts", "1", ("ctcae-5", "turner-2016-hypocalcaemia"))
def hypocalcemia(ctx: Context) -> Iterator[Finding]:
    """Hypocalcaemia (low whatever the albumin) without a bone-modifying agent running or planned
    (those have their own alerts): said once, with the urgency of its grade."""
    cs = ctx.calcium_status
    if not cs.low:
        yield NotApplicable(reason="calcium not known to be low",
                            based_on={"hypocalcaemia_grade": cs.worst_low})
        return
    if ctx.medications(("denosumab", "zoledronic-acid", "pamidronate"),
                       ("active", "planned", None)):
        yield NotApplicable(reason="the bone-modifying agent's calcium alert covers it")
        return
    yield Alert(id="hypocalcaemia", severity="critical" if cs.severe_low else "warning",
                message=f"Hypocalcaemia, {cs.grade_words(low=True)}: {cs.text}. See the "
                "hypocalcaemia treatment; check magnesium and vitamin D.",
                references=("ctcae-5", "turner-2016-hypocalcaemia"),
                based_on={**dict(cs.based), "hypocalcaemia_grade": cs.worst_low})


#: CTCAE v5.0 grades 3 and 4 of low counts (platelets and neutrophils x 10^9/L, haemoglobin
#: g/dL; anaemia has no numeric grade 4)
CYTOPENIA: Final = (("platelets", "platelets", 50.0, 25.0, "x 10^9/L"),
                    ("anc", "neutrophils", 1.0, 0.5, "x 10^9/L"),
                    ("hemoglobin", "haemoglobin", 8.0, None, "g/dL"))


@rule("alert.cytopenia", "alerts", "1", ("ctcae-5",))
def cytopenia(ctx: Context) -> Iterator[Finding]:
    """Severe low counts (CTCAE grade 3-4): bleeding, infection and anaemia change what can be
    done safely (procedures, radionuclides, chemotherapy) and may need treatment themselves."""
    low = []
    critical = False
    for analyte, words, grade3, grade4, unit in CYTOPENIA:
        lab = ctx.state.labs.get(analyte)
        if lab is None or lab.value >= grade3:
            continue
        grade = 4 if grade4 is not None and lab.value < grade4 else 3
        critical |= grade == 4
        low.append(f"{words} {lab.value:g} {unit} (CTCAE grade {grade})")
    if not low:
        yield NotApplicable(reason="no count at CTCAE grade 3 or 4")
        return
    yield Alert(id="cytopenia", severity="critical" if critical else "warning",
                message="Severe low counts: " + "; ".join(low) + ". Bleeding and infection "
                "precautions, transfusion or growth-factor support as indicated; procedures, "
                "radionuclides and chemotherapy wait for the counts.", references=("ctcae-5",),
                based_on={a: ctx.state.labs[a].value for a, *_ in CYTOPENIA
                          if a in ctx.state.labs})
