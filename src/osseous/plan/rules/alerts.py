"""Alerts that cannot wait: cord compression, hypercalcaemia, fracture, instability, and the
safety checks that must precede a bone-modifying agent."""

from __future__ import annotations

from collections.abc import Iterator

from osseous.knowledge import bma
from osseous.plan.context import Context
from osseous.plan.engine import rule
from osseous.plan.model import Alert, Finding, NeedsData, NotApplicable, Severity
from osseous.scores import facts
from osseous.scores.zoledronic import zoledronic_dose, zoledronic_withhold

MESCC_REFS = ("nice-ng234-2023", "astro-2024", "bilsky-2010")


@rule("alert.mescc", "alerts", "1", MESCC_REFS)
def mescc(ctx: Context) -> Iterator[Finding]:
    """Spinal cord compression (ESCC 2-3) or a neurological deficit from a spinal lesion:
    critical alert with dexamethasone now, whole-spine MRI the same day, and same-day spinal
    surgery and clinical oncology consultation (NICE NG234: MRI within 24 hours at the latest)."""
    for les in ctx.spinal:
        state = ctx.mescc(les)
        facts_ = {"escc": les.escc, "neurological_deficit": les.neurological_deficit}
        if state is None:
            missing = [ctx.path(les, f) for f in ("escc", "neurological_deficit")
                       if getattr(les, f) is None]
            yield NeedsData(tuple(missing), "cord compression cannot be excluded", les.id)
            continue
        if not state:
            yield NotApplicable("no cord compression and no deficit", facts_, les.id)
            continue
        where = "/".join(les.levels or ()) or les.id
        if les.escc in ("2", "3"):
            what = f"Metastatic spinal cord compression at {where} (ESCC {les.escc})"
        else:
            what = (f"Suspected metastatic spinal cord compression at {where} "
                    f"({les.neurological_deficit})")
        mri = ("MRI already graded the compression; image the whole spine if not done"
               if les.escc is not None else "MRI of the whole spine the same day (within 24 h "
               "at the latest)")
        yield Alert("mescc", "critical",
                    f"{what}: dexamethasone 16 mg now unless contraindicated; {mri}; same-day "
                    "spinal surgical and clinical oncology consultation; keep flat and log-roll "
                    "if the spine may be unstable.", MESCC_REFS, les.id, facts_)


@rule("alert.hypercalcemia", "alerts", "1", ("ctcae-5", "statpearls-hcm", "zometa-label"))
def hypercalcemia(ctx: Context) -> Iterator[Finding]:
    """Hypercalcaemia by albumin-corrected calcium with its CTCAE grade: grade 3-4 critical,
    grade 2 warning, grade 1 info."""
    s = ctx.calcium
    if s is None or not s.complete:
        missing = s.missing if s is not None else ("labs.calcium", "labs.albumin")
        measured = facts.latest_lab(ctx.case, "calcium")
        if measured is not None and measured.canonical_value > 10.5:
            yield Alert("calcium-uncorrected", "warning",
                        f"Total calcium {measured.value:g} {measured.unit} is raised; albumin is "
                        "needed to grade hypercalcaemia.", ("statpearls-hcm",),
                        based_on={"calcium_mg_dl": round(measured.canonical_value, 2)})
        yield NeedsData(tuple(missing), "corrected calcium needs calcium and albumin")
        return
    grade = s.extra.get("ctcae_grade")
    based = {"corrected_calcium_mg_dl": s.total, "ctcae_grade": grade}
    if not grade:
        yield NotApplicable(f"corrected calcium {s.total} mg/dL ({s.band})", based)
        return
    assert isinstance(grade, int)
    severity: Severity = "critical" if grade >= 3 else "warning" if grade == 2 else "info"
    yield Alert("hypercalcemia", severity,
                f"Hypercalcaemia, CTCAE grade {grade}: corrected calcium {s.total} mg/dL "
                f"({s.extra.get('value_mmol_l')} mmol/L). "
                + ("Treat today: intravenous saline, then a bisphosphonate or denosumab."
                   if grade >= 3 else "Hydrate, review calcium-raising medicines, recheck."),
                ("ctcae-5", "statpearls-hcm", "zometa-label"), based_on=based)


@rule("alert.impending-fracture", "alerts", "1",
      ("mirels-1989", "van-der-linden-2004", "aaos-2023"))
def impending_fracture(ctx: Context) -> Iterator[Finding]:
    """Pathological fracture, or impending fracture of a long bone: Mirels >= 9 (8
    borderline), or axial cortical involvement > 30 mm of the femur."""
    for les in ctx.bones:
        based: dict[str, object] = {"site": les.site}
        if les.pathological_fracture:
            yield Alert("pathological-fracture", "critical",
                        f"Pathological fracture of the {les.site}: orthopaedic assessment for "
                        "fixation, then post-operative radiotherapy.", ("aaos-2023",),
                        les.id, {"pathological_fracture": True})
            continue
        mirels = ctx.score("mirels", les.id)
        reasons = []
        if mirels is not None:
            based["mirels"] = mirels.total
            if mirels.band == "high":
                reasons.append(f"Mirels {mirels.total} (>= 9: published fracture risk 33% or "
                               "more)")
            elif mirels.band == "borderline":
                yield Alert("mirels-borderline", "info",
                            f"Mirels 8 at the {les.site}: borderline (15% fracture risk); "
                            "clinical judgement on prophylactic fixation.", ("mirels-1989",),
                            les.id, based)
            elif not mirels.complete and mirels.range and mirels.range[1] >= 9:
                yield NeedsData(mirels.missing, "Mirels could reach 9 or more", les.id)
        acm = les.axial_cortical_involvement_mm
        if les.site == "femur":
            based["axial_cortical_involvement_mm"] = acm
            if acm is not None and acm > 30:
                reasons.append(f"axial cortical involvement {acm:g} mm (> 30 mm)")
            elif acm is None:
                yield NeedsData((ctx.path(les, "axial_cortical_involvement_mm"),),
                                "femoral cortical involvement decides fracture risk", les.id)
        if reasons:
            yield Alert("impending-fracture", "warning",
                        f"Impending pathological fracture of the {les.site}: "
                        + "; ".join(reasons) + ". Protected weight-bearing; orthopaedic "
                        "opinion on prophylactic fixation before radiotherapy.",
                        ("mirels-1989", "van-der-linden-2004"), les.id, based)


@rule("alert.spinal-instability", "alerts", "1", ("fisher-2010", "fourney-2011"))
def spinal_instability(ctx: Context) -> Iterator[Finding]:
    """SINS 13-18 (unstable): urgent spinal surgical opinion. An incomplete SINS that could
    reach 13 asks for the missing components."""
    for les in ctx.spinal:
        s = ctx.score("sins", les.id)
        if s is None:
            continue
        if s.complete and s.total is not None and s.total >= 13:
            yield Alert("spinal-instability", "warning",
                        f"Unstable spine at {'/'.join(les.levels or ())} (SINS {s.total}): "
                        "urgent spinal surgical opinion; spinal precautions until assessed.",
                        ("fisher-2010", "fourney-2011"), les.id, {"sins": s.total})
        elif not s.complete and s.range and s.range[1] >= 13:
            yield NeedsData(s.missing, f"SINS could reach {s.range[1]} (unstable)", les.id)


@rule("alert.hypocalcemia-denosumab", "alerts", "1", ("xgeva-label",))
def hypocalcemia_denosumab(ctx: Context) -> Iterator[Finding]:
    """Denosumab active or planned: pre-existing hypocalcaemia must be corrected first, and the
    risk is highest with creatinine clearance < 30 mL/min or dialysis."""
    if not ctx.medications(("denosumab",)):
        yield NotApplicable("no denosumab active or planned")
        return
    s = ctx.calcium
    if s is None or not s.complete:
        yield NeedsData(s.missing if s else ("labs.calcium", "labs.albumin"),
                        "calcium must be known before denosumab")
    elif s.band == "low":
        yield Alert("hypocalcemia-denosumab", "critical",
                    f"Corrected calcium {s.total} mg/dL is low: correct hypocalcaemia before "
                    "denosumab (severe and fatal hypocalcaemia reported).", ("xgeva-label",),
                    based_on={"corrected_calcium_mg_dl": s.total})
    renal_risk = ctx.case.patient.dialysis or (ctx.crcl is not None and ctx.crcl < 30)
    if renal_risk:
        yield Alert("denosumab-renal", "warning",
                    "Denosumab with creatinine clearance < 30 mL/min or dialysis: highest risk "
                    "of severe hypocalcaemia; calcium and vitamin D, and frequent calcium "
                    "checks in the first weeks.", ("xgeva-label",),
                    based_on={"crcl_ml_min": ctx.crcl, "dialysis": ctx.case.patient.dialysis})


@rule("alert.bisphosphonate-renal", "alerts", "1", ("zometa-label", "pamidronate-label"))
def bisphosphonate_renal(ctx: Context) -> Iterator[Finding]:
    """Zoledronic acid or pamidronate active or planned: creatinine clearance < 30 mL/min
    forbids it (severe renal impairment), 30-60 mL/min reduces the zoledronic acid dose; a
    creatinine rise of 0.5 mg/dL (1.0 from an abnormal baseline) withholds the next dose."""
    meds = ctx.medications(("zoledronic-acid", "pamidronate"))
    if not meds:
        yield NotApplicable("no intravenous bisphosphonate active or planned")
        return
    if ctx.crcl is None:
        s = ctx.score("crcl")
        yield NeedsData(s.missing if s else ("labs.creatinine",),
                        "creatinine clearance must be known before each dose")
        return
    based = {"crcl_ml_min": ctx.crcl, "drugs": [m.drug for m in meds]}
    if ctx.crcl < bma.ZOLEDRONIC_MIN_CRCL:
        yield Alert("bisphosphonate-renal", "critical",
                    f"Creatinine clearance {ctx.crcl} mL/min (< 30): zoledronic acid and "
                    "pamidronate are not recommended in severe renal impairment; consider "
                    "denosumab with calcium monitoring.", ("zometa-label", "pamidronate-label"),
                    based_on=based)
    elif any(m.drug == "zoledronic-acid" for m in meds) and ctx.crcl <= 60:
        dose = zoledronic_dose(ctx.crcl)
        yield Alert("zoledronic-dose", "warning",
                    f"Creatinine clearance {ctx.crcl} mL/min: zoledronic acid "
                    f"{dose.dose_mg} mg, not 4 mg ({dose.reason}).", ("zometa-label",),
                    based_on=based)
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
                yield Alert("bisphosphonate-withhold", "critical",
                            "Withhold the next bisphosphonate dose: " + decision.reason + ".",
                            ("zometa-label", "pamidronate-label"),
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
        yield NotApplicable("no bone-modifying agent active or planned")
        return
    dental_ = ctx.case.patient.dental
    drugs = ", ".join(sorted({m.drug for m in meds}))
    if dental_ is None or dental_.last_exam is None:
        yield Alert("no-dental-exam", "warning",
                    f"No dental examination recorded before {drugs}: oral examination and "
                    "preventive dentistry before starting (osteonecrosis of the jaw).",
                    ("van-poznak-2011", "xgeva-label", "pamidronate-label"),
                    based_on={"dental.last_exam": None, "drugs": drugs})
    if dental_ is not None and dental_.invasive_procedure_planned:
        yield Alert("invasive-dental-procedure", "warning",
                    f"Invasive dental procedure planned while on {drugs}: discuss timing with "
                    "the dentist; avoid invasive procedures during treatment where possible.",
                    ("xgeva-label",), based_on={"invasive_procedure_planned": True})
