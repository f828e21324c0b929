"""Radiopharmaceuticals: radium-223, samarium-153, strontium-89 and lutetium-177 PSMA."""

from __future__ import annotations

from collections.abc import Iterator

from osseous.knowledge import radiopharmaceuticals as rp
from osseous.plan.context import Context
from osseous.plan.engine import rule
from osseous.plan.model import (
    Alert,
    Finding,
    NeedsData,
    NotApplicable,
    Recommendation,
    Strength,
)
from osseous.plan.state import Threshold
from osseous.scores.radium import radium_dose

RADIUM_REFS = ("xofigo-label", "parker-2013-alsympca", "smith-2019-era223", "saylor-2020")
ARPI = ("abiraterone", "enzalutamide", "apalutamide", "darolutamide")


def _symptomatic(ctx: Context) -> bool | None:
    states = [ctx.painful(les) for les in ctx.case.lesions]
    if any(states):
        return True
    if ctx.case.pain_assessments:
        return any((a.worst_pain or 0) > 0 for a in ctx.case.pain_assessments) or None
    return None if not states or None in states else False


def _patient_gate(ctx: Context, *, survival_months: float, trial: str
                  ) -> tuple[list[str], list[str]]:
    """Patient-level reasons a radiopharmaceutical is excluded (performance status above the
    trials' ECOG 0-2, expected survival under the threshold) and what is still unknown."""
    st = ctx.state
    fails: list[str] = []
    missing: list[str] = []
    if st.ecog is not None and st.ecog > rp.TRIAL_MAX_ECOG:
        fails.append(f"ECOG {st.ecog} ({trial} enrolled ECOG 0-2; best supportive care)")
    elif st.ecog is None:
        missing.append("patient.ecog")
    under = st.survival.under(survival_months)
    if under:
        fails.append(f"expected survival under {survival_months:g} months "
                     f"({'; '.join(st.survival.reasons)})")
    return fails, missing


def _thresholds(*rows: tuple[str, float | None, str]) -> list[Threshold]:
    return [Threshold(a, m, src) for a, m, src in rows if m is not None]


def _radium_eligibility(ctx: Context,
                        later: bool) -> tuple[list[str], list[str], dict[str, object]]:
    """Reasons radium-223 is excluded, case paths still needed, and the facts read."""
    c = ctx.case.cancer
    based: dict[str, object] = {"castration_resistant": c.castration_resistant,
                                "visceral_metastases": c.visceral_metastases,
                                "visceral_sites": c.visceral_sites, "later_dose": later}
    blockers: list[str] = []
    missing: list[str] = []
    if c.castration_resistant is False:
        blockers.append("castration-sensitive disease")
    elif c.castration_resistant is None:
        missing.append("cancer.castration_resistant")
    sites = set(c.visceral_sites or ())
    if c.visceral_metastases in ("treatable", "untreatable") and sites - {"lymph-node"}:
        blockers.append("visceral metastases")
    elif c.visceral_metastases in ("treatable", "untreatable") and not sites:
        missing.append("cancer.visceral_sites")
    elif c.visceral_metastases is None:
        missing.append("cancer.visceral_metastases")
    symptomatic = _symptomatic(ctx)
    based["symptomatic"] = symptomatic
    if symptomatic is False:
        blockers.append("no symptomatic bone metastases")
    elif symptomatic is None:
        missing.append("lesions[].worst_pain")
    if ctx.medications(("abiraterone",), ("active", "planned")):
        blockers.append("abiraterone with prednisone/prednisolone (ERA 223: more fractures and "
                        "deaths)")
    anc_min, plt_min, hb_min = rp.RADIUM_COUNTS_LATER if later else rp.RADIUM_COUNTS_FIRST
    label = f"radium-223 label, {'later' if later else 'first'} dose"
    check = ctx.state.check_counts(_thresholds(("anc", anc_min, label),
                                               ("platelets", plt_min, label),
                                               ("hemoglobin", hb_min, label)))
    based.update(check.values)
    blockers.extend(check.below)
    missing.extend(check.missing + check.stale)
    fails, unknown = _patient_gate(ctx, survival_months=rp.TRIAL_MIN_SURVIVAL_MONTHS,
                                   trial="ALSYMPCA")
    blockers.extend(fails)
    missing.extend(unknown)
    based["ecog"] = ctx.state.ecog
    return blockers, missing, based


@rule("rp.radium-223", "radiopharmaceutical", "2", (*RADIUM_REFS, "mhra-radium-2018"))
def radium(ctx: Context) -> Iterator[Finding]:
    """Radium-223 only for castration-resistant prostate cancer with symptomatic bone
    metastases and no visceral metastases, blood counts at or above the label's thresholds
    (first dose: ANC >= 1.5, platelets >= 100 x 10^9/L, haemoglobin >= 10 g/dL; later doses
    ANC >= 1.0, platelets >= 50), not with abiraterone plus prednisone; 55 kBq/kg every 4 weeks
    for 6 injections, with this patient's activity."""
    if ctx.primary != "prostate":
        yield NotApplicable(reason="not prostate cancer", based_on={"primary": ctx.primary})
        return
    given = ctx.medications(("radium-223",), ("active", "completed"))
    doses = sum(m.doses_given or 0 for m in given)
    later = doses > 0
    if any(m.status == "completed" for m in given) or doses >= rp.RADIUM_DOSES:
        # the label's course is six injections; re-treatment was studied only in small
        # open-label studies and is outside the label
        yield Recommendation(
            id="rp.radium-223", modality="radiopharmaceutical", title="Radium-223",
            strength="not-recommended", urgency="routine",
            rationale="A course of radium-223 has been completed ("
            + (f"{doses} injections recorded" if doses else "number of injections not recorded")
            + f"; the label's course is {rp.RADIUM_DOSES}). A second course is "
            "outside the label; other life-prolonging options come first.",
            based_on={"radium_doses_given": doses, "course_completed": True},
            references=("xofigo-label",), lesion=None,
            details={"agent": "radium-223", "doses": rp.RADIUM_DOSES, "doses_given": doses})
        return
    blockers, missing, based = _radium_eligibility(ctx, later)
    abiraterone = bool(ctx.medications(("abiraterone",), ("active", "planned")))
    weight = ctx.state.weight  # a current weight only
    details: dict[str, object] = {"agent": "radium-223",
                                  "activity_per_kg": {"value": rp.RADIUM_KBQ_PER_KG,
                                                      "unit": "kBq/kg"},
                                  "interval_weeks": rp.RADIUM_INTERVAL_WEEKS,
                                  "doses": rp.RADIUM_DOSES}
    if weight is not None:
        dose = radium_dose(weight)
        details["activity_mbq"] = round(dose.activity_kbq / 1000, 2)
        details["weight_kg"] = weight
    if blockers:
        if abiraterone and ctx.medications(("radium-223",), ("active", "planned")):
            yield Alert(id="radium-abiraterone", severity="critical",
                        message="Radium-223 is not recommended with abiraterone plus prednisone or "
                        "prednisolone (label; ERA 223).", references=("xofigo-label",
                                                                      "smith-2019-era223"),
                        based_on={"abiraterone": True})
        running = bool(ctx.medications(("radium-223",), ("active",)))
        yield Recommendation(
            id="rp.radium-223", modality="radiopharmaceutical",
            title="Stop radium-223" if running else "Radium-223",
            strength="not-recommended", urgency="routine",
            rationale=("The course under way is stopped. " if running else "")
            + "Radium-223 requires castration-resistant prostate cancer with symptomatic "
            "bone metastases, no visceral metastases, adequate blood counts, ECOG 0-2 and an "
            "expected survival of at least 6 months (ALSYMPCA); here: "
            + "; ".join(blockers) + ".", based_on=based, references=RADIUM_REFS, lesion=None,
                        details=details)
        return
    if missing:
        yield NeedsData(missing=tuple(dict.fromkeys(missing)), reason="radium-223 eligibility")
        return
    if weight is None:
        yield NeedsData(missing=("patient.weight_kg",),
                        reason="radium-223 activity is per kilogram")
    if later:
        details["doses_given"] = doses
    title = (f"Continue radium-223, injection {doses + 1} of {rp.RADIUM_DOSES}" if later else
             "Consider radium-223, 55 kBq/kg every 4 weeks for 6 injections")
    yield Recommendation(
        id="rp.radium-223", modality="radiopharmaceutical",
        title=title, strength="consider",
        urgency="routine",
        rationale="Castration-resistant prostate cancer with symptomatic bone metastases and no "
        "visceral metastases: radium-223 prolonged survival in ALSYMPCA. Blood counts meet the "
        f"{'later' if later else 'first'}-dose thresholds. Not with abiraterone plus "
        "prednisone; in the EU/UK after two prior lines or when no other treatment is possible.",
        based_on=based, references=RADIUM_REFS, lesion=None, details=details)


@rule("rp.samarium-strontium", "radiopharmaceutical", "2",
      ("quadramet-label", "metastron-label"))
def bone_seekers(ctx: Context) -> Iterator[Finding]:
    """Painful osteoblastic metastases at several sites that take up tracer on bone scan:
    samarium-153 (37 MBq/kg) or strontium-89 (148 MBq, or 1.5-2.2 MBq/kg) considered, with
    blood-count caution (strontium label: platelets < 60 or white cells < 2.4 x 10^9/L)."""
    c = ctx.case.cancer
    if ctx.primary == "prostate" and c.castration_resistant is not True:
        yield NotApplicable(reason="prostate cancer not known to be castration-resistant: hormonal "
                            "treatment first",
                                based_on={"castration_resistant": c.castration_resistant})
        return
    painful = [les for les in ctx.case.lesions if ctx.painful(les)]
    if len(painful) < 2:
        yield NotApplicable(reason="fewer than two painful sites")
        return
    blastic = [les for les in painful if les.appearance in ("blastic", "mixed")]
    lytic = [les for les in painful if les.appearance == "lytic"]
    unknown_look = [les for les in painful if les.appearance is None]
    if len(blastic) < 2:
        if len(blastic) + len(unknown_look) >= 2:
            yield NeedsData(missing=tuple(ctx.path(les, "appearance") for les in unknown_look),
                            reason="bone-seeking radionuclides need osteoblastic lesions")
        else:
            yield NotApplicable(reason="painful lesions mostly lytic: samarium-153 and "
                                "strontium-89 are taken up only by osteoblastic lesions (labels)",
                                based_on={"lytic": len(lytic), "blastic_or_mixed": len(blastic)})
        return
    if c.bone_scan_avid is None:
        yield NeedsData(missing=("cancer.bone_scan_avid",), reason="bone-seeking radionuclides "
                                                    "need scan-avid osteoblastic disease")
        return
    if not c.bone_scan_avid:
        yield NotApplicable(reason="not bone-scan avid", based_on={"bone_scan_avid": False})
        return
    st = ctx.state
    # the strontium label's caution limits, used for samarium too (its label gives no number)
    check = st.check_counts(_thresholds(
        ("platelets", rp.STRONTIUM_CAUTION_PLATELETS, "strontium-89 label caution"),
        ("wbc", rp.STRONTIUM_CAUTION_WBC, "strontium-89 label caution")))
    fails, unknown = _patient_gate(ctx, survival_months=rp.PAIN_RADIONUCLIDE_MIN_SURVIVAL_MONTHS,
                                   trial="the pivotal trials")
    renal = bool(st.dialysis) or (st.crcl is not None and st.crcl < 30)
    weight = ctx.state.weight  # a current weight only
    based = {"bone_scan_avid": True, "painful_sites": len(painful),
             "osteoblastic_painful_sites": len(blastic), "lytic_painful_sites": len(lytic),
             **check.values, "ecog": st.ecog}
    blockers = list(check.below) + fails
    needs = list(check.missing + check.stale) + unknown
    if not blockers and needs:
        yield NeedsData(missing=tuple(dict.fromkeys(needs)), reason="blood counts and performance "
                                                     "status before a bone-seeking radionuclide")
        return
    strength: Strength = "not-recommended" if blockers else "consider"
    lead = ("Not suitable: " + "; ".join(blockers) + ". " if blockers else "")
    yield Recommendation(
        id="rp.samarium-153", modality="radiopharmaceutical", title="Samarium-153 lexidronam for "
                                                                    "multifocal pain",
        strength=strength, urgency="routine",
        rationale=lead + "Painful osteoblastic metastases that enhance on bone scan; counts fall "
        "to a nadir at 3-5 weeks, so weekly counts for 8 weeks; not with concurrent chemotherapy "
        "or external-beam radiotherapy unless the benefit outweighs the risk.", based_on=based,
        references=("quadramet-label",), lesion=None,
        details={"agent": "samarium-153", "activity_per_kg": {"value": rp.SAMARIUM_MBQ_PER_KG,
                                                      "unit": "MBq/kg"},
         "activity_mbq": round(weight * rp.SAMARIUM_MBQ_PER_KG, 1) if weight else None})
    sr_blockers = blockers + (["severe renal impairment or dialysis (renally excreted)"]
                              if renal else [])
    yield Recommendation(
        id="rp.strontium-89", modality="radiopharmaceutical", title="Strontium-89 for multifocal "
                                                                    "pain",
        strength="not-recommended" if sr_blockers else strength, urgency="routine",
        rationale=("Not suitable: " + "; ".join(sr_blockers) + ". " if sr_blockers else "")
        + "Painful osteoblastic metastases; platelet nadir at 12-16 weeks; repeat "
        "no sooner than 90 days.", based_on={**based, "crcl_ml_min": st.crcl,
            "dialysis": st.dialysis},
        references=("metastron-label",), lesion=None,
        details={"agent": "strontium-89", "activity_per_kg": {"value": 1.5, "unit": "MBq/kg",
                                                      "upper": 2.2},
         "activity_mbq": rp.STRONTIUM_MBQ})


@rule("rp.lutetium-psma", "radiopharmaceutical", "2",
      ("pluvicto-label", "sartor-2021-vision", "morris-2024-psmafore"))
def lutetium(ctx: Context) -> Iterator[Finding]:
    """PSMA-positive castration-resistant prostate cancer after an androgen receptor pathway
    inhibitor (and a taxane, or when delaying a taxane is appropriate): lutetium-177 PSMA-617
    7.4 GBq every 6 weeks for up to 6 doses considered."""
    c = ctx.case.cancer
    if ctx.primary != "prostate":
        yield NotApplicable(reason="not prostate cancer")
        return
    missing = [p for p, v in (("cancer.castration_resistant", c.castration_resistant),
                              ("cancer.psma_pet_positive", c.psma_pet_positive)) if v is None]
    if c.castration_resistant is False or c.psma_pet_positive is False:
        yield NotApplicable(reason="castration-sensitive or PSMA-negative",
                            based_on={"castration_resistant": c.castration_resistant,
                             "psma_pet_positive": c.psma_pet_positive})
        return
    arpi = ctx.medications(ARPI, ("active", "completed", "stopped"))
    taxane = ctx.medications(("docetaxel", "cabazitaxel"), ("active", "completed", "stopped"))
    # what would exclude it anyway is checked before a PSMA-PET is asked for
    based: dict[str, object] = {"castration_resistant": c.castration_resistant,
                                "psma_pet_positive": c.psma_pet_positive,
             "prior_arpi": [m.drug for m in arpi], "prior_taxane": [m.drug for m in taxane]}
    if not arpi:
        yield NotApplicable(reason="no androgen receptor pathway inhibitor recorded",
                            based_on=based)
        return
    st = ctx.state
    anc, plt, hb = rp.LUTETIUM_COUNTS
    check = st.check_counts(_thresholds(("anc", anc, "VISION eligibility"),
                                        ("platelets", plt, "VISION eligibility"),
                                        ("hemoglobin", hb, "VISION eligibility")))
    fails, unknown = _patient_gate(ctx, survival_months=rp.TRIAL_MIN_SURVIVAL_MONTHS,
                                   trial="VISION")
    fails = list(check.below) + fails
    if st.crcl_stale or st.crcl is None:
        unknown.append("labs.creatinine")
    elif st.crcl < rp.LUTETIUM_MIN_CRCL_LABEL:
        fails.append(f"creatinine clearance {st.crcl:g} mL/min (severe renal impairment: not "
                     "studied, label)")
    based = {**based, **check.values, "ecog": st.ecog, "crcl_ml_min": st.crcl}
    if fails:
        yield Recommendation(
            id="rp.lutetium-177-psma", modality="radiopharmaceutical",
            title="Lutetium-177 PSMA-617",
            strength="not-recommended", urgency="routine",
            rationale="Not suitable: " + "; ".join(fails) + ".", based_on=based,
            references=("pluvicto-label", "sartor-2021-vision"), lesion=None,
            details={"agent": "lutetium-177-psma", "activity_mbq": None, "activity_per_kg": None})
        return
    unknown = missing + unknown + list(check.missing + check.stale)
    if unknown:
        yield NeedsData(missing=tuple(dict.fromkeys(unknown)), reason="lutetium-177 PSMA: counts, "
                                                       "renal function and performance status")
        return
    renal_note = (f" Creatinine clearance {st.crcl:g} mL/min is below VISION's 50 mL/min: "
                  "monitor renal function closely."
                  if st.crcl is not None and st.crcl < rp.LUTETIUM_MIN_CRCL_TRIAL else "")
    yield Recommendation(
        id="rp.lutetium-177-psma", modality="radiopharmaceutical",
        title="Consider lutetium-177 PSMA-617, 7.4 GBq every 6 weeks (up to 6 doses)",
        strength="consider",
        urgency="routine",
        rationale="PSMA-positive castration-resistant prostate cancer after an androgen receptor "
        "pathway inhibitor" + (" and a taxane (VISION)." if taxane else
                       "; without a taxane, when delaying chemotherapy is appropriate "
                       "(PSMAfore).") + " Blood counts and renal function are monitored."
        + renal_note,
        based_on=based, references=("pluvicto-label", "sartor-2021-vision",
                                    "morris-2024-psmafore"), lesion=None,
        details={"agent": "lutetium-177-psma", "activity_mbq": rp.LUTETIUM_GBQ * 1000,
         "activity_per_kg": None, "interval_weeks": rp.LUTETIUM_INTERVAL_WEEKS,
         "doses": rp.LUTETIUM_DOSES})
