"""Bone-modifying agents: indication by primary and setting, then each agent with its dose,
interval, renal and calcium conditions and monitoring."""

from __future__ import annotations

from collections.abc import Iterator

from osseous.knowledge import bma
from osseous.plan.context import Context
from osseous.plan.engine import rule
from osseous.plan.model import Finding, NeedsData, NotApplicable, Recommendation, Strength
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
    est = ctx.case.patient.estimated_survival_months
    if est is None:
        return None, "", ["patient.estimated_survival_months"]
    if est < 3:
        return "not-recommended", (f"expected survival {est:g} months: the ESMO indication in "
                                   "other solid tumours needs at least 3 months"), []
    return "consider", (f"{primary} with bone metastases and expected survival {est:g} months "
                        "(ESMO 2020: other solid tumours with life expectancy >= 3 months)"), []


@rule("bma.agents", "bone-modifying-agent", "2",
      (*INDICATION_REFS, "zometa-label", "xgeva-label", "pamidronate-label",
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
                             based_on=base, references=INDICATION_REFS, lesion=None,
                             details={"agent": None})
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


def _common_details(agent: str, dental_first: bool) -> dict[str, object]:
    return {"agent": agent, "monitoring": MONITORING[agent],
            "dental_examination_first": dental_first}


def _supplements(ctx: Context, default: str) -> str:
    """Calcium and vitamin D are withheld while calcium is raised (or may be)."""
    cs = ctx.calcium_status
    if (cs.grade_high or 0) > 0 or cs.stale_raised:
        return ("none while calcium is raised; calcium and vitamin D once it is normal")
    return default


def _dental_text(ctx: Context, dental_first: bool) -> str:
    d = ctx.case.patient.dental
    if d is not None and d.invasive_procedure_planned:
        return (" An invasive dental procedure is planned: complete it and let the mouth heal "
                "before the first dose.")
    return " Dental examination first." if dental_first else ""


def _zoledronic(ctx: Context, strength: Strength, why: str, base: dict[str, object],
                active: bool, dental_first: bool) -> Iterator[Finding]:
    crcl = ctx.crcl
    if ctx.state.crcl_stale:
        yield NeedsData(missing=("labs.creatinine",), reason="zoledronic acid is dosed by a "
                                                             "current "
                                              "creatinine clearance (the last creatinine is "
                                              "out of date)")
        return
    if crcl is None:
        s = ctx.score("crcl")
        yield NeedsData(missing=s.missing if s else ("labs.creatinine",),
                        reason="zoledronic acid is dosed by creatinine clearance")
        return
    dose = zoledronic_dose(crcl)
    based = {**base, "crcl_ml_min": crcl, "dialysis": ctx.case.patient.dialysis}
    details = {**_common_details("zoledronic-acid", dental_first), "dose_mg": dose.dose_mg,
               "interval_weeks": 12, "alternative_interval_weeks": 4, "crcl_ml_min": crcl,
               "infusion": "over at least 15 minutes",
               "supplements": _supplements(ctx, "calcium 500 mg and vitamin D 400 IU daily")}
    verb = "Continue" if active else "Start"
    hcm = (" Hypercalcaemia of malignancy is treated first (see its problem); the renal dose "
           "applies to maintenance."
           if (ctx.calcium_status.grade_low or 0) >= 1 else "")
    dialysis = bool(ctx.case.patient.dialysis)
    if dose.dose_mg is None or dialysis:
        why_renal = ("on dialysis" if dialysis else f"creatinine clearance {crcl} mL/min (< 30)")
        yield Recommendation(
            id="bma.zoledronic-acid", modality="bone-modifying-agent", title="Zoledronic acid",
            strength="not-recommended", urgency="routine",
            rationale=f"{why_renal[0].upper() + why_renal[1:]}: zoledronic acid is not recommended "
            "in severe renal impairment (the label gives no dose); denosumab is the alternative.",
            based_on=based, references=("zometa-label",), lesion=None,
            details={k: v for k, v in details.items() if k != "dose_mg"} | {"dose_mg": None})
        return
    yield Recommendation(
        id="bma.zoledronic-acid", modality="bone-modifying-agent",
        title=f"{verb} zoledronic acid {dose.dose_mg:g} mg every 12 weeks (or 4 weeks)",
        strength=strength,
        urgency="routine",
        rationale=f"Indication: {why}. Creatinine clearance {crcl} mL/min: {dose.reason} "
        f"({dose.dose_mg:g} mg). Every 12 weeks was non-inferior to every 4 weeks (CALGB 70604: "
        "skeletal events 29.5% against 28.6%)." + hcm
        + _dental_text(ctx, dental_first),
        based_on=based, references=("zometa-label", "himelstein-2017-calgb70604",
                                    *INDICATION_REFS), lesion=None, details=details)


def _denosumab(ctx: Context, strength: Strength, why: str, base: dict[str, object],
               active: bool, dental_first: bool) -> Iterator[Finding]:
    ca = ctx.calcium
    based = {**base, "corrected_calcium_mg_dl": ca.total if ca else None,
             "crcl_ml_min": ctx.crcl, "dialysis": ctx.case.patient.dialysis}
    details = {**_common_details("denosumab", dental_first), "dose_mg": bma.DENOSUMAB_DOSE_MG,
               "interval_weeks": bma.DENOSUMAB_INTERVAL_WEEKS, "crcl_ml_min": ctx.crcl,
               "route": "subcutaneous",
               "supplements": _supplements(ctx, "calcium and vitamin D")}
    verb = "Continue" if active else "Start"
    if ca is None or not ca.complete:
        yield NeedsData(missing=ca.missing if ca else ("labs.calcium", "labs.albumin"),
                        reason="calcium must be normal before denosumab")
        return
    if ca.band == "low":
        yield Recommendation(
            id="bma.denosumab", modality="bone-modifying-agent", title="Denosumab",
            strength="not-recommended", urgency="urgent",
            rationale=f"Corrected calcium {ca.total} mg/dL is low: correct hypocalcaemia before "
                      "denosumab "
            "(label).", based_on=based, references=("xgeva-label",), lesion=None, details=details)
        return
    caution = ""
    if ctx.primary == "myeloma" and ctx.crcl is not None and ctx.crcl < 60:
        caution += " In myeloma with renal impairment denosumab is preferred (ESMO 2020)."
    if ctx.case.patient.dialysis or (ctx.crcl is not None and ctx.crcl < 30):
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
    crcl = ctx.crcl
    if crcl is None or ctx.state.crcl_stale:
        return  # zoledronic acid already asked for a current creatinine clearance
    based = {**base, "crcl_ml_min": crcl, "dialysis": ctx.case.patient.dialysis}
    details = {**_common_details("pamidronate", dental_first),
               "dose_mg": bma.PAMIDRONATE_DOSE_MG, "interval_weeks": 4, "crcl_ml_min": crcl,
               "infusion": "over 2 hours (4 hours in myeloma)"}
    if crcl < 30 or ctx.case.patient.dialysis:
        why_renal = ("On dialysis" if ctx.case.patient.dialysis
                     else f"Creatinine clearance {crcl} mL/min")
        yield Recommendation(
            id="bma.pamidronate", modality="bone-modifying-agent", title="Pamidronate",
            strength="not-recommended",
            urgency="routine", rationale=f"{why_renal}: pamidronate is not recommended in severe "
                                         "renal "
            "impairment (label).", based_on=based, references=("pamidronate-label",), lesion=None,
            details={k: v for k, v in details.items() if k != "dose_mg"} | {"dose_mg": None})
        return
    yield Recommendation(
        id="bma.pamidronate", modality="bone-modifying-agent",
        title=f"{'Continue' if active else 'Alternative'}: pamidronate 90 mg every 3-4 weeks",
        strength="consider", urgency="routine",
        rationale=f"Indication: {why}. Labelled for osteolytic breast metastases and myeloma; "
        "no evidence favours one agent over another (ASCO-CCO 2017)."
        + _dental_text(ctx, dental_first),
        based_on=based, references=("pamidronate-label", "van-poznak-2017"), lesion=None,
        details=details)
