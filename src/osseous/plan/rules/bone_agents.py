"""Bone-modifying agents: indication by primary and setting, then each agent with its dose,
interval, renal and calcium conditions and monitoring."""

from __future__ import annotations

from collections.abc import Iterator

from osseous.knowledge import bma
from osseous.knowledge.primary_sites import primary_name
from osseous.plan.context import Context
from osseous.plan.engine import rule
from osseous.plan.model import Finding, NeedsData, NotApplicable, Recommendation, Strength
from osseous.plan.state import in_months
from osseous.scores.zoledronic import zoledronic_dose

INDICATION_REFS = ("van-poznak-2017", "saylor-2020", "coleman-2020-esmo")
MONITORING = {
    "zoledronic-acid": "serum creatinine before every dose; calcium; dental review",
    "pamidronate": "serum creatinine before every dose; calcium; dental review",
    "denosumab": "calcium before each dose and often in the first weeks; dental review",
}


def indication(ctx: Context) -> tuple[Strength | None, str, list[str]]:
    """Strength of the indication for a bone-modifying agent, its reason, and missing paths."""
    c = ctx.case.cancer
    primary = c.primary
    if primary is None:
        return None, "", ["cancer.primary"]
    if ctx.state.too_short_for_prophylactic_fixation:
        # skeletal-event prevention takes months to pay off: with about a month to live it
        # only adds visits and risks (ESMO 2020's life-expectancy condition, applied to all)
        return "not-recommended", ("expected survival of about a month or less: preventing "
                                   "skeletal events takes months to help"), []
    if primary == "sarcoma" and ctx.case.cancer.histology and \
            "osteosarcoma" in ctx.case.cancer.histology.lower():
        return "not-recommended", ("osteosarcoma: zoledronic acid added to chemotherapy gave no "
                                   "benefit (OS2006) and bone-modifying agents have no role in "
                                   "its treatment"), []
    if primary == "breast":
        return "recommended", "breast cancer with bone metastases (ASCO-CCO 2017; ESMO 2020)", []
    if primary == "myeloma":
        return "recommended", "multiple myeloma (ESMO 2020)", []
    if primary == "prostate":
        if c.castration_resistant is None:
            return None, "", ["cancer.castration_resistant"]
        if c.castration_resistant:
            return "recommended", ("castration-resistant prostate cancer with bone metastases "
                                   "(ASCO endorsement of CCO 2020; ESMO 2020)"), []
        return "not-recommended", ("castration-sensitive prostate cancer: insufficient evidence "
                                   "that a bone-modifying agent at metastatic doses prevents "
                                   "skeletal events (ASCO 2020); osteoporosis dosing only if "
                                   "fracture risk on androgen deprivation warrants it"), []
    if primary == "lymphoma":
        return None, "no guideline indication reached for lymphoma", []
    if primary == "germ-cell":
        # treated with curative-intent chemotherapy; no trial of bone agents in this disease
        return "not-recommended", ("germ-cell tumour: treated with curative-intent "
                                   "chemotherapy; no evidence for bone-modifying agents"), []
    est = ctx.case.patient.estimated_survival_months
    if est is None:
        return None, "", ["patient.estimated_survival_months"]
    if est < 3:
        return "not-recommended", (f"expected survival {in_months(est)}: the ESMO indication in "
                                   "other solid tumours needs at least 3 months"), []
    return "consider", (f"{primary_name(primary)[0].upper() + primary_name(primary)[1:]} with bone "
                        f"metastases and expected survival {in_months(est)} "
                        "(ESMO 2020: other solid tumours with life expectancy >= 3 months)"), []


@rule("bma.agents", "bone-modifying-agent", "2",
      (*INDICATION_REFS, "zometa-label", "xgeva-label", "pamidronate-label",
       "piperno-neumann-2016",
       "himelstein-2017-calgb70604"))
def agents(ctx: Context) -> Iterator[Finding]:
    """Indication by primary and setting (breast and castration-resistant prostate cancer,
    myeloma: recommended; other solid tumours with expected survival >= 3 months: considered;
    castration-sensitive prostate cancer: not for skeletal-event prevention), then zoledronic
    acid by creatinine clearance (< 30 mL/min not recommended) every 12 or 4 weeks, denosumab
    120 mg every 4 weeks with calcium and vitamin D once calcium is normal, and pamidronate
    90 mg every 3-4 weeks for breast cancer and myeloma."""
    strength, why, missing = indication(ctx)
    if missing:
        yield NeedsData(missing=tuple(missing), reason="the indication for a bone-modifying agent")
        return
    if strength is None:
        yield NotApplicable(reason=why)
        return
    if ctx.state.minor:
        yield _paediatric(ctx, why)
        return
    active = {m.drug for m in ctx.medications(("zoledronic-acid", "denosumab", "pamidronate"),
                                              ("active",))}
    dental_ = ctx.case.patient.dental
    dental_first = dental_ is None or dental_.last_exam is None
    if dental_ is not None and dental_.invasive_procedure_planned and not active:
        # a new start waits until the planned extraction (or other invasive procedure) has
        # healed: osteonecrosis of the jaw (ASCO 2011 van Poznak; Xgeva label)
        dental_first = True
    base: dict[str, object] = {"primary": ctx.primary,
                               "castration_resistant": ctx.case.cancer.castration_resistant,
            "estimated_survival_months": ctx.case.patient.estimated_survival_months}
    if strength == "not-recommended":
        yield Recommendation(id="bma.not-indicated", modality="bone-modifying-agent",
                             title="Bone-modifying agent for skeletal-event prevention",
                             strength="not-recommended", urgency="routine",
                             rationale=why[0].upper() + why[1:] + ".",
                             based_on=base, references=(*INDICATION_REFS, *(
                                 ("piperno-neumann-2016",) if "OS2006" in why else ())),
                             lesion=None, details={"agent": None})
        return
    # a patient already on an agent is shown that agent (continue, or why not); the others
    # are not offered as new starts
    offer = active or {"zoledronic-acid", "denosumab", "pamidronate"}
    if "zoledronic-acid" in offer:
        yield from _zoledronic(ctx, strength, why, base, "zoledronic-acid" in active,
                               dental_first)
    if "denosumab" in offer:
        yield from _denosumab(ctx, strength, why, base, "denosumab" in active, dental_first)
    if "pamidronate" in offer and ctx.primary in ("breast", "myeloma"):
        yield from _pamidronate(ctx, why, base, "pamidronate" in active, dental_first)
    if active:
        yield NotApplicable(reason=f"already on {', '.join(sorted(active))}: other agents not "
                                   "offered",
                            based_on={"active": sorted(active)})


def _paediatric(ctx: Context, why: str) -> Recommendation:
    """Under 18 the adult labels do not apply: zoledronic acid is not indicated in paediatric
    patients (Zometa label 8.4), denosumab 120 mg is labelled for adults and, for giant cell
    tumour of bone only, skeletally mature adolescents (Xgeva label 1.2). No adult agent or dose
    is offered as routine; paediatric oncology decides."""
    histology = (ctx.case.cancer.histology or "").lower()
    gct = ("giant cell tumour of bone: the Xgeva label covers skeletally mature adolescents; "
           if "giant cell" in histology else "")
    return Recommendation(
        id="bma.paediatric", modality="bone-modifying-agent",
        title="Bone-modifying agent: paediatric oncology decides (no routine adult dose "
              "under 18)",
        strength="consider", urgency="routine",
        rationale=f"Patient aged {ctx.state.age}, under 18. The adult indication ({why}) does not "
        "carry over: zoledronic acid is not indicated in paediatric patients (Zometa label) and "
        "denosumab for bone metastases is labelled for adults (Xgeva label); " + gct
        + "whether and how to give an agent is for paediatric oncology.",
        based_on={"age_years": ctx.state.age, "primary": ctx.primary,
                  "histology": ctx.case.cancer.histology},
        references=("zometa-label", "xgeva-label"), lesion=None,
        details={"agent": None, "paediatric_decision": True, "adult_dose_withheld": True})


def _common_details(agent: str, dental_first: bool) -> dict[str, object]:
    return {"agent": agent, "monitoring": MONITORING[agent],
            "dental_examination_first": dental_first}


def _supplements(ctx: Context, default: str) -> str:
    """Calcium and vitamin D are withheld while calcium is raised (or may be)."""
    cs = ctx.calcium_status
    if (cs.grade_high or 0) > 0 or cs.stale_raised:
        return ("none while calcium is raised; calcium and vitamin D once it is normal")
    return default


def _hold_for_low_calcium(ctx: Context, rec_id: str, name: str, ref: str,
                          based: dict[str, object], details: dict[str, object]
                          ) -> Recommendation | None:
    """Hypocalcaemia (low whatever the albumin): the agent is held until it is corrected
    (Xgeva label: correct pre-existing hypocalcaemia first; Zometa and pamidronate labels:
    monitor calcium and supplement); the treatment is the hypocalcaemia recommendation."""
    cs = ctx.calcium_status
    if not cs.low:
        return None
    # "hold" is for an agent already given; one not yet started is not started
    running = bool(ctx.medications((name.replace(" ", "-"),), ("active", None)))
    verb, dose = ("Hold", "the next dose") if running else ("Do not start", "the first dose")
    return Recommendation(
        id=rec_id, modality="bone-modifying-agent", title=f"{verb} {name} until the calcium is "
                                                          "corrected",
        strength="not-recommended", urgency="emergency" if cs.severe_low else "urgent",
        rationale=f"Hypocalcaemia, {cs.grade_words(low=True)}: {cs.text}. Correct it before "
        f"{dose} of {name} (see the hypocalcaemia treatment), then recheck calcium.",
        based_on={**based, **dict(cs.based), "hypocalcaemia_grade": cs.worst_low},
        references=(ref,), lesion=None,
        details={**details, "supplements": "calcium and vitamin D to correct the calcium",
                 "hold_until_calcium_corrected": True})


def _calcium_check(ctx: Context) -> str:
    """For a bisphosphonate: a calcium not known to be normal is checked before the dose."""
    cs = ctx.calcium_status
    if cs.source in ("unknown", "stale") or (cs.worst_low and not cs.low):
        return (" Calcium (with albumin) is not known to be normal: check it before the first "
                "dose, and correct a low calcium first.")
    return ""


def _dental_text(ctx: Context, dental_first: bool) -> str:
    d = ctx.case.patient.dental
    if d is not None and d.invasive_procedure_planned:
        return (" An invasive dental procedure is planned: complete it and let the mouth heal "
                "before the first dose.")
    return " Dental examination first." if dental_first else ""


def _zoledronic(ctx: Context, strength: Strength, why: str, base: dict[str, object],
                active: bool, dental_first: bool) -> Iterator[Finding]:
    if ctx.state.crcl_stale:
        yield NeedsData(missing=("labs.creatinine",), reason="zoledronic acid is dosed by a "
                                                             "current "
                                              "creatinine clearance (the last creatinine is "
                                              "out of date)")
        return
    span = ctx.crcl_range
    if span is None:
        s = ctx.score("crcl")
        yield NeedsData(missing=s.missing if s else ("labs.creatinine",),
                        reason="zoledronic acid is dosed by creatinine clearance")
        return
    lo, hi = span
    dose, other = zoledronic_dose(lo), zoledronic_dose(hi)
    crcl_words = (f"{lo} mL/min" if lo == hi else
                  f"{lo:g}-{hi:g} mL/min (female and male values; sex not recorded)")
    if dose.dose_mg != other.dose_mg:
        doses = " or ".join("not recommended" if d.dose_mg is None else f"{d.dose_mg:g} mg"
                            for d in (dose, other))
        yield NeedsData(missing=("patient.sex",),
                        reason=f"creatinine clearance {crcl_words} gives zoledronic acid "
                               f"{doses} by sex")
        return
    crcl = ctx.crcl
    based = {**base, "crcl_ml_min": crcl, "dialysis": ctx.case.patient.dialysis}
    details = {**_common_details("zoledronic-acid", dental_first), "dose_mg": dose.dose_mg,
               "interval_weeks": 12, "alternative_interval_weeks": 4, "crcl_ml_min": crcl,
               "infusion": "over at least 15 minutes",
               "supplements": _supplements(ctx, "calcium 500 mg and vitamin D 400 IU daily")}
    if lo != hi:
        details["crcl_range_ml_min"] = based["crcl_range_ml_min"] = [lo, hi]
    verb = "Continue" if active else "Start"
    hcm = (" Hypercalcaemia of malignancy is treated first (see its problem); the renal dose "
           "applies to maintenance."
           if (ctx.calcium_status.grade_low or 0) >= 1 else "")
    dialysis = bool(ctx.case.patient.dialysis)
    if dose.dose_mg is None or dialysis:
        why_renal = ("on dialysis" if dialysis
                     else f"creatinine clearance {crcl_words}, under 30 mL/min")
        yield Recommendation(
            id="bma.zoledronic-acid", modality="bone-modifying-agent", title="Zoledronic acid",
            strength="not-recommended", urgency="routine",
            rationale=f"{why_renal[0].upper() + why_renal[1:]}: zoledronic acid is not recommended "
            "in severe renal impairment (the label gives no dose); denosumab is the alternative.",
            based_on=based, references=("zometa-label",), lesion=None,
            details={k: v for k, v in details.items() if k != "dose_mg"} | {"dose_mg": None})
        return
    held = _hold_for_low_calcium(ctx, "bma.zoledronic-acid", "zoledronic acid", "zometa-label",
                                 based, details)
    if held is not None:
        yield held
        return
    check = _calcium_check(ctx)
    if check:
        details["calcium_check_first"] = True
    yield Recommendation(
        id="bma.zoledronic-acid", modality="bone-modifying-agent",
        title=f"{verb} zoledronic acid {dose.dose_mg:g} mg every 12 weeks (or 4 weeks)",
        strength=strength,
        urgency="routine",
        rationale=f"Indication: {why}. Creatinine clearance {crcl_words}: {dose.reason} "
        f"({dose.dose_mg:g} mg). Every 12 weeks was non-inferior to every 4 weeks (CALGB 70604: "
        "skeletal events 29.5% against 28.6%)." + hcm + check
        + _dental_text(ctx, dental_first),
        based_on=based, references=("zometa-label", "himelstein-2017-calgb70604",
                                    *INDICATION_REFS), lesion=None, details=details)


def _denosumab(ctx: Context, strength: Strength, why: str, base: dict[str, object],
               active: bool, dental_first: bool) -> Iterator[Finding]:
    cs = ctx.calcium_status
    based = {**base, **dict(cs.based), "crcl_ml_min": ctx.crcl,
             "dialysis": ctx.case.patient.dialysis}
    details = {**_common_details("denosumab", dental_first), "dose_mg": bma.DENOSUMAB_DOSE_MG,
               "interval_weeks": bma.DENOSUMAB_INTERVAL_WEEKS, "crcl_ml_min": ctx.crcl,
               "route": "subcutaneous",
               "supplements": _supplements(ctx, "calcium and vitamin D")}
    verb = "Continue" if active else "Start"
    held = _hold_for_low_calcium(ctx, "bma.denosumab", "denosumab", "xgeva-label", based,
                                 details)
    if held is not None:
        yield held
        return
    if cs.source in ("unknown", "stale") or cs.worst_low:
        # unknown, out of date, or low for some plausible albumin: never read as normal
        yield NeedsData(missing=("labs.calcium", "labs.albumin") if cs.source == "unknown"
                        else ("labs.calcium",) if cs.source == "stale" else ("labs.albumin",),
                        reason="calcium must be known to be normal before denosumab")
        return
    caution = ""
    # with the sex unknown the lower (female) clearance is the one that may apply
    low_crcl = ctx.crcl_range[0] if ctx.crcl_range is not None else None
    if ctx.primary == "myeloma" and low_crcl is not None and low_crcl < 60:
        caution += " In myeloma with renal impairment denosumab is preferred (ESMO 2020)."
    if ctx.case.patient.dialysis or (low_crcl is not None and low_crcl < 30):
        caution += (" Creatinine clearance < 30 mL/min or dialysis: the risk of severe "
                   "hypocalcaemia is highest; check calcium often.")
    yield Recommendation(
        id="bma.denosumab", modality="bone-modifying-agent", title=f"{verb} denosumab 120 mg every "
                                                                   "4 weeks",
        strength=strength, urgency="routine",
        rationale=f"Indication: {why}. Subcutaneous; no renal dose adjustment. Supplements: "
        f"{details['supplements']}." + caution + _dental_text(ctx, dental_first),
        based_on=based, references=("xgeva-label", *INDICATION_REFS), lesion=None, details=details)


def _pamidronate(ctx: Context, why: str, base: dict[str, object], active: bool,
                 dental_first: bool) -> Iterator[Finding]:
    span = ctx.crcl_range
    if span is None or (span[0] < 30 <= span[1]):
        return  # zoledronic acid already asked for a current creatinine clearance or the sex
    crcl = ctx.crcl
    crcl_words = (f"{crcl} mL/min" if span[0] == span[1]
                  else f"{span[0]:g}-{span[1]:g} mL/min")
    based = {**base, "crcl_ml_min": crcl, "dialysis": ctx.case.patient.dialysis}
    details = {**_common_details("pamidronate", dental_first),
               "dose_mg": bma.PAMIDRONATE_DOSE_MG, "interval_weeks": 4, "crcl_ml_min": crcl,
               "infusion": "over 2 hours (4 hours in myeloma)"}
    if span[1] < 30 or ctx.case.patient.dialysis:
        why_renal = ("On dialysis" if ctx.case.patient.dialysis
                     else f"Creatinine clearance {crcl_words}")
        yield Recommendation(
            id="bma.pamidronate", modality="bone-modifying-agent", title="Pamidronate",
            strength="not-recommended",
            urgency="routine", rationale=f"{why_renal}: pamidronate is not recommended in severe "
                                         "renal "
            "impairment (label).", based_on=based, references=("pamidronate-label",), lesion=None,
            details={k: v for k, v in details.items() if k != "dose_mg"} | {"dose_mg": None})
        return
    held = _hold_for_low_calcium(ctx, "bma.pamidronate", "pamidronate", "pamidronate-label",
                                 based, details)
    if held is not None:
        yield held
        return
    check = _calcium_check(ctx)
    if check:
        details["calcium_check_first"] = True
    yield Recommendation(
        id="bma.pamidronate", modality="bone-modifying-agent",
        title=f"{'Continue' if active else 'Alternative'}: pamidronate 90 mg every 3-4 weeks",
        strength="consider", urgency="routine",
        rationale=f"Indication: {why}. Labelled for osteolytic breast metastases and myeloma; "
        "no evidence favours one agent over another (ASCO-CCO 2017)." + check
        + _dental_text(ctx, dental_first),
        based_on=based, references=("pamidronate-label", "van-poznak-2017"), lesion=None,
        details=details)
