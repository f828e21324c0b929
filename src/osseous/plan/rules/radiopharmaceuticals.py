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
from osseous.scores import facts
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


def _counts(ctx: Context) -> dict[str, float | None]:
    return {name: (lab.canonical_value if (lab := facts.latest_lab(ctx.case, name)) else None)
            for name in ("anc", "platelets", "hemoglobin", "wbc")}


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
    counts = _counts(ctx)
    anc_min, plt_min, hb_min = rp.RADIUM_COUNTS_LATER if later else rp.RADIUM_COUNTS_FIRST
    for name, minimum in (("anc", anc_min), ("platelets", plt_min), ("hemoglobin", hb_min)):
        based[name] = counts[name]
        if minimum is None:
            continue
        value = counts[name]
        if value is None:
            missing.append(f"labs.{name}")
        elif value < minimum:
            blockers.append(f"{name} {value:g} below {minimum:g} "
                            f"({'later' if later else 'first'}-dose threshold)")
    return blockers, missing, based


@rule("rp.radium-223", "radiopharmaceutical", "1", (*RADIUM_REFS, "mhra-radium-2018"))
def radium(ctx: Context) -> Iterator[Finding]:
    """Radium-223 only for castration-resistant prostate cancer with symptomatic bone
    metastases and no visceral metastases, blood counts at or above the label's thresholds
    (first dose: ANC >= 1.5, platelets >= 100 x 10^9/L, haemoglobin >= 10 g/dL; later doses
    ANC >= 1.0, platelets >= 50), not with abiraterone plus prednisone; 55 kBq/kg every 4 weeks
    for 6 injections, with this patient's activity."""
    if ctx.primary != "prostate":
        yield NotApplicable("not prostate cancer", {"primary": ctx.primary})
        return
    given = ctx.medications(("radium-223",), ("active", "completed"))
    later = sum(m.doses_given or 0 for m in given) > 0
    blockers, missing, based = _radium_eligibility(ctx, later)
    abiraterone = bool(ctx.medications(("abiraterone",), ("active", "planned")))
    weight = ctx.case.patient.weight_kg
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
            yield Alert("radium-abiraterone", "critical",
                        "Radium-223 is not recommended with abiraterone plus prednisone or "
                        "prednisolone (label; ERA 223).", ("xofigo-label", "smith-2019-era223"),
                        based_on={"abiraterone": True})
        yield Recommendation(
            "rp.radium-223", "radiopharmaceutical", "Radium-223", "not-recommended", "routine",
            "Radium-223 requires castration-resistant prostate cancer with symptomatic bone "
            "metastases, no visceral metastases and adequate blood counts; here: "
            + "; ".join(blockers) + ".", based, RADIUM_REFS, None, details)
        return
    if missing:
        yield NeedsData(tuple(dict.fromkeys(missing)), "radium-223 eligibility")
        return
    if weight is None:
        yield NeedsData(("patient.weight_kg",), "radium-223 activity is per kilogram")
    yield Recommendation(
        "rp.radium-223", "radiopharmaceutical",
        "Consider radium-223, 55 kBq/kg every 4 weeks for 6 injections", "consider", "routine",
        "Castration-resistant prostate cancer with symptomatic bone metastases and no visceral "
        "metastases: radium-223 prolonged survival in ALSYMPCA. Blood counts meet the "
        f"{'later' if later else 'first'}-dose thresholds. Not with abiraterone plus "
        "prednisone; in the EU/UK after two prior lines or when no other treatment is possible.",
        based, RADIUM_REFS, None, details)


@rule("rp.samarium-strontium", "radiopharmaceutical", "1",
      ("quadramet-label", "metastron-label"))
def bone_seekers(ctx: Context) -> Iterator[Finding]:
    """Painful osteoblastic metastases at several sites that take up tracer on bone scan:
    samarium-153 (37 MBq/kg) or strontium-89 (148 MBq, or 1.5-2.2 MBq/kg) considered, with
    blood-count caution (strontium label: platelets < 60 or white cells < 2.4 x 10^9/L)."""
    c = ctx.case.cancer
    if ctx.primary == "prostate" and c.castration_resistant is not True:
        yield NotApplicable("prostate cancer not known to be castration-resistant: hormonal "
                            "treatment first", {"castration_resistant": c.castration_resistant})
        return
    painful = [les for les in ctx.case.lesions if ctx.painful(les)]
    if len(painful) < 2:
        yield NotApplicable("fewer than two painful sites")
        return
    if not any(les.appearance in ("blastic", "mixed") for les in painful):
        yield NotApplicable("no painful osteoblastic (blastic or mixed) lesion recorded")
        return
    if c.bone_scan_avid is None:
        yield NeedsData(("cancer.bone_scan_avid",), "bone-seeking radionuclides need "
                                                    "scan-avid osteoblastic disease")
        return
    if not c.bone_scan_avid:
        yield NotApplicable("not bone-scan avid", {"bone_scan_avid": False})
        return
    counts = _counts(ctx)
    low = []
    renal = ctx.case.patient.dialysis or (ctx.crcl is not None and ctx.crcl < 30)
    if counts["platelets"] is not None and counts["platelets"] < rp.STRONTIUM_CAUTION_PLATELETS:
        low.append(f"platelets {counts['platelets']:g}")
    if counts["wbc"] is not None and counts["wbc"] < rp.STRONTIUM_CAUTION_WBC:
        low.append(f"white cells {counts['wbc']:g}")
    weight = ctx.case.patient.weight_kg
    based = {"bone_scan_avid": True, "painful_sites": len(painful),
             "platelets": counts["platelets"], "wbc": counts["wbc"]}
    strength: Strength = "not-recommended" if low else "consider"
    yield Recommendation(
        "rp.samarium-153", "radiopharmaceutical", "Samarium-153 lexidronam for multifocal pain",
        strength, "routine",
        ("Low counts (" + ", ".join(low) + "): marrow suppression makes it unsafe. " if low
         else "") + "Painful osteoblastic metastases that enhance on bone scan; counts fall to "
        "a nadir at 3-5 weeks, so weekly counts for 8 weeks; not with concurrent chemotherapy "
        "or radiotherapy unless the benefit outweighs the risk.", based,
        ("quadramet-label",), None,
        {"agent": "samarium-153", "activity_per_kg": {"value": rp.SAMARIUM_MBQ_PER_KG,
                                                      "unit": "MBq/kg"},
         "activity_mbq": round(weight * rp.SAMARIUM_MBQ_PER_KG, 1) if weight else None})
    yield Recommendation(
        "rp.strontium-89", "radiopharmaceutical", "Strontium-89 for multifocal pain",
        "not-recommended" if renal else strength, "routine",
        ("Low counts (" + ", ".join(low) + "): below the label's caution thresholds. " if low
         else "") + ("Strontium-89 is excreted by the kidneys: severe renal impairment or "
                     "dialysis. " if renal else "")
        + "Painful osteoblastic metastases; platelet nadir at 12-16 weeks; repeat "
        "no sooner than 90 days.", {**based, "crcl_ml_min": ctx.crcl,
                                    "dialysis": ctx.case.patient.dialysis},
        ("metastron-label",), None,
        {"agent": "strontium-89", "activity_per_kg": {"value": 1.5, "unit": "MBq/kg",
                                                      "upper": 2.2},
         "activity_mbq": rp.STRONTIUM_MBQ})


@rule("rp.lutetium-psma", "radiopharmaceutical", "1",
      ("pluvicto-label", "sartor-2021-vision", "morris-2024-psmafore"))
def lutetium(ctx: Context) -> Iterator[Finding]:
    """PSMA-positive castration-resistant prostate cancer after an androgen receptor pathway
    inhibitor (and a taxane, or when delaying a taxane is appropriate): lutetium-177 PSMA-617
    7.4 GBq every 6 weeks for up to 6 doses considered."""
    c = ctx.case.cancer
    if ctx.primary != "prostate":
        yield NotApplicable("not prostate cancer")
        return
    missing = [p for p, v in (("cancer.castration_resistant", c.castration_resistant),
                              ("cancer.psma_pet_positive", c.psma_pet_positive)) if v is None]
    if c.castration_resistant is False or c.psma_pet_positive is False:
        yield NotApplicable("castration-sensitive or PSMA-negative",
                            {"castration_resistant": c.castration_resistant,
                             "psma_pet_positive": c.psma_pet_positive})
        return
    if missing:
        yield NeedsData(tuple(missing), "lutetium-177 PSMA eligibility")
        return
    arpi = ctx.medications(ARPI, ("active", "completed", "stopped"))
    taxane = ctx.medications(("docetaxel", "cabazitaxel"), ("active", "completed", "stopped"))
    based = {"castration_resistant": True, "psma_pet_positive": True,
             "prior_arpi": [m.drug for m in arpi], "prior_taxane": [m.drug for m in taxane]}
    if not arpi:
        yield NotApplicable("no androgen receptor pathway inhibitor recorded", based)
        return
    yield Recommendation(
        "rp.lutetium-177-psma", "radiopharmaceutical",
        "Consider lutetium-177 PSMA-617, 7.4 GBq every 6 weeks (up to 6 doses)", "consider",
        "routine",
        "PSMA-positive castration-resistant prostate cancer after an androgen receptor pathway "
        "inhibitor" + (" and a taxane (VISION)." if taxane else
                       "; without a taxane, when delaying chemotherapy is appropriate "
                       "(PSMAfore).") + " Blood counts and renal function are monitored.",
        based, ("pluvicto-label", "sartor-2021-vision", "morris-2024-psmafore"), None,
        {"agent": "lutetium-177-psma", "activity_mbq": rp.LUTETIUM_GBQ * 1000,
         "activity_per_kg": None, "interval_weeks": rp.LUTETIUM_INTERVAL_WEEKS,
         "doses": rp.LUTETIUM_DOSES})
