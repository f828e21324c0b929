"""Plain words for the codes of the case format and the assessment: the one mapping used by the
pages, the PDF, the patient summary and the CLI text.

The JSON documents keep their codes (``potentially-unstable``, ``gte-6-months``,
``cancer.bone_metastases.extraspinal``, rule ids): they are the contract. Everything a person
reads goes through this module, so a reader never sees ``None``, ``True``, a field path or a
rule id. An unknown value reads "unknown" (unknown is not "no", "none" or zero).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Final

from osseous.plan.names import RULE_WORDS, rule_words

SEVERITY: Final = MappingProxyType({
    "critical": "Critical", "warning": "Warning", "info": "Information"})
URGENCY: Final = MappingProxyType({
    "emergency": "Emergency: today", "urgent": "Urgent: within days",
    "routine": "Routine: next appointment"})
URGENCY_SHORT: Final = MappingProxyType({
    "emergency": "emergency", "urgent": "urgent", "routine": "routine"})
STRENGTH: Final = MappingProxyType({
    "recommended": "recommended", "consider": "to consider",
    "not-recommended": "not recommended"})
FAMILY: Final = MappingProxyType({
    "radiotherapy": "Radiotherapy", "bone-modifying-agent": "Bone-modifying agents",
    "interventional": "Interventional radiology", "surgery": "Surgery",
    "radiopharmaceutical": "Radiopharmaceuticals", "systemic-therapy": "Systemic therapy",
    "supportive-care": "Supportive care"})
CASE_STATUS: Final = MappingProxyType({
    "backlog": "to be scheduled", "scheduled": "scheduled for a board",
    "discussed": "discussed", "follow-up": "in follow-up"})
DECISION: Final = MappingProxyType({
    "accepted": "accepted", "modified": "accepted with changes", "declined": "declined"})
PROBLEM_KIND: Final = MappingProxyType({
    "cord-compression": "Spinal cord compression", "fracture": "Pathological fracture",
    "impending-fracture": "Impending fracture", "instability": "Spinal instability",
    "hypercalcaemia": "High calcium", "hypocalcaemia": "Low calcium", "pain": "Pain",
    "bone-health": "Bone health", "systemic-disease": "Disease throughout the body",
    "unlocalised-metastases": "Bone metastases not yet localised",
    "end-of-life": "End of life"})
PROBLEM_STATUS: Final = MappingProxyType({
    "active": "open", "declined": "declined by the patient",
    "no-deliverable-option": "no option can be offered", "work-up": "investigations first"})
ROLE: Final = MappingProxyType({
    "preferred": "preferred", "alternative": "alternative",
    "choose-one": "choose one of these", "adjunct": "given with it",
    "after": "then, after the operation"})

#: the names of the scores and formulas, as a clinician says them
SCORE: Final = MappingProxyType({
    "sins": "SINS", "escc": "ESCC (Bilsky grade)", "mirels": "Mirels score",
    "tokuhashi-revised": "Revised Tokuhashi", "tomita": "Tomita", "bauer": "Bauer",
    "bauer-modified": "Modified Bauer", "katagiri-new": "New Katagiri", "nesms": "NESMS",
    "chow-nrf": "Chow number of risk factors", "teachh": "TEACHH",
    "crcl": "Creatinine clearance", "corrected-calcium": "Corrected calcium",
    "omed": "Oral morphine equivalent", "pain-response": "Pain response",
    "bed-eqd2": "BED and EQD2", "cord-dose": "Spinal-cord dose",
    "zoledronic-acid-dose": "Zoledronic acid dose",
    "zoledronic-acid-withhold": "Zoledronic acid withhold rule",
    "radium-223-dose": "Radium-223 activity"})

#: bands in words, by score (a band code alone is ambiguous: "low" Mirels is not "low" Katagiri)
BAND: Final = MappingProxyType({
    "sins": {"stable": "stable", "potentially-unstable": "potentially unstable",
             "unstable": "unstable"},
    "escc": {"low-grade": "low-grade compression", "intermediate": "intermediate",
             "high-grade": "high-grade compression"},
    "mirels": {"low": "low fracture risk", "borderline": "borderline fracture risk",
               "high": "high fracture risk"},
    "tokuhashi-revised": {"lt-6-months": "less than 6 months expected",
                          "gte-6-months": "6 months or more expected",
                          "gte-12-months": "12 months or more expected"},
    "tomita": {"long-term": "long-term control (wide excision)",
               "middle-term": "middle-term control (marginal excision)",
               "short-term": "short-term palliation", "terminal-care": "terminal care"},
    "bauer": {"poor": "poor", "intermediate": "intermediate", "good": "good"},
    "bauer-modified": {"poor": "poor", "moderate": "moderate", "good": "good"},
    "katagiri-new": {"low": "low risk", "intermediate": "intermediate risk",
                     "high": "high risk"},
    "chow-nrf": {"group-1": "group 1 (0-1 risk factors)", "group-2": "group 2 (2 risk factors)",
                 "group-3": "group 3 (3 risk factors)"},
    "teachh": {"A": "group A", "B": "group B", "C": "group C"},
    "nesms": {str(n): f"score {n}" for n in range(4)},
    "corrected-calcium": {"normal": "normal", "low": "low", "grade-1": "raised (grade 1)",
                          "grade-2": "raised (grade 2)", "grade-3": "raised (grade 3)",
                          "grade-4": "raised (grade 4)"},
    "pain-response": {"complete": "complete response", "partial": "partial response",
                      "indeterminate": "indeterminate response",
                      "progression": "pain progression"},
})

#: the values of choice fields of the case format
OPTION: Final = MappingProxyType({
    "none-over-50-involved": "no collapse, over half of the body involved",
    "under-50": "collapse under 50%", "over-50": "collapse over 50%",
    "de-novo-deformity": "new deformity (kyphosis or scoliosis)",
    "subluxation": "subluxation or translation", "non-mechanical": "occasional, not mechanical",
    "mechanical": "mechanical (worse on movement or loading)",
    "with-assistance": "with help", "non-ambulatory": "not walking",
    "life-prolonging": "life-prolonging", "cauda-equina": "cauda equina syndrome",
    "<1/3": "under a third of the diameter", "1/3-2/3": "a third to two thirds",
    ">2/3": "over two thirds", "sbrt": "stereotactic (SBRT)", "lymph-node": "lymph node",
    "separation-surgery": "separation surgery", "peritrochanteric": "peritrochanteric",
    "crpc": "castration-resistant", "nsclc": "non-small-cell lung",
    "sclc": "small-cell lung",
})

#: case-format paths in words (the facts a score or rule used)
FIELD: Final = MappingProxyType({
    "patient.age_years": "age", "patient.birth_date": "date of birth", "patient.sex": "sex",
    "patient.weight_kg": "weight", "patient.height_cm": "height",
    "patient.ecog": "ECOG performance status", "patient.karnofsky": "Karnofsky status",
    "patient.ambulatory": "walking", "patient.frankel": "Frankel grade",
    "patient.hospitalizations_past_3_months": "hospital admissions in the last 3 months",
    "patient.dialysis": "dialysis", "patient.goal": "goal of care",
    "patient.surgical_candidate": "fitness for surgery",
    "patient.estimated_survival_months": "clinician's survival estimate",
    "patient.dental.last_exam": "last dental examination",
    "patient.dental.invasive_procedure_planned": "planned invasive dental procedure",
    "patient.pregnant": "pregnancy",
    "cancer.primary": "primary tumour", "cancer.histology": "histology",
    "cancer.hormone_receptor_positive": "hormone-receptor status",
    "cancer.her2_positive": "HER2 status", "cancer.castration_resistant": "castration resistance",
    "cancer.targeted_therapy": "driver-targeted therapy",
    "cancer.prior_chemotherapy_lines": "prior chemotherapy lines",
    "cancer.visceral_metastases": "visceral metastases", "cancer.visceral_sites": "visceral sites",
    "cancer.brain_metastases": "brain metastases", "cancer.disseminated": "dissemination",
    "cancer.biomarkers": "biomarkers", "cancer.primary_controlled": "control of the primary",
    "cancer.total_metastases": "number of all metastases",
    "cancer.bone_scan_avid": "bone-scan avidity", "cancer.psma_pet_positive": "PSMA-PET",
    "cancer.radiosensitivity": "radiosensitivity",
    "cancer.bone_metastases.spinal": "number of spinal metastases",
    "cancer.bone_metastases.extraspinal": "number of other bone metastases",
    "cancer.bone_metastases.isolated": "isolated bone metastases",
    "cancer.bone_metastases": "number of bone metastases",
    "levels": "spinal levels", "pain_character": "pain character", "appearance": "appearance",
    "alignment": "alignment", "collapse": "vertebral collapse",
    "posterolateral": "posterolateral involvement", "escc": "ESCC grade",
    "neurological_deficit": "neurological deficit", "site": "bone", "region": "region",
    "pain_severity": "pain", "size_fraction": "lesion size", "worst_pain": "worst pain",
    "pathological_fracture": "pathological fracture",
    "labs.calcium": "calcium", "labs.albumin": "albumin", "labs.creatinine": "creatinine",
    "labs.crp": "CRP", "labs.ldh": "LDH", "labs.platelets": "platelets",
    "labs.bilirubin": "bilirubin", "medications": "medicines", "labs": "laboratory results",
    "pain_assessments": "pain assessments",
    "assessed_on": "date of the assessment", "patient.weight_measured_on": "date of the weight",
    "patient.ecog_assessed_on": "date of the ECOG status",
    "patient.karnofsky_assessed_on": "date of the Karnofsky status",
    "patient.declines": "treatments the patient declines",
    "patient.last_known_alive": "last date known alive",
    "cancer.diagnosed_on": "date of the cancer diagnosis",
    "cancer.bone_metastases.diagnosed_on": "date bone metastases were diagnosed",
    "cancer.bone_metastases.present": "bone metastases present",
    "cancer.bone_metastases.unlocalised": "bone metastases not yet localised",
    "deficit_onset_days": "days since the neurological deficit began",
    "paraplegia_hours": "hours of paraplegia", "retropulsion": "retropulsion",
    "posterior_wall_intact": "posterior wall intact",
    "soft_tissue_extension": "soft-tissue extension",
    "axial_cortical_involvement_mm": "axial cortical involvement (mm)",
    "prior_radiotherapy": "previous radiotherapy", "prior_surgery": "previous surgery",
    "dose_gy": "dose (Gy)", "fractions": "fractions", "technique": "technique",
    "cord_max_eqd2_gy": "maximum cord dose (EQD2, Gy)", "procedure": "procedure",
    "daily_dose_mg": "daily dose (mg)", "rate_mcg_per_h": "rate (micrograms per hour)",
    "doses_given": "doses given", "omed_mg_per_day": "oral morphine equivalent (mg per day)",
    "last_dose": "date of the last dose", "started": "start date",
})

#: the rules of the plan engine by what they decide (the trace keeps the ids)
RULE: Final = RULE_WORDS
_IN_TEXT: Final = re.compile(
    r"(?<![\w.-])((?:alert|bma|ir|rp|rt|supportive|surgery|systemic)\.[a-z0-9-]+)(?![\w-])"
    r"|\b((?:patient|cancer)\.(?!(?:gov|org|net|com)\b)[a-z_]+(?:\.[a-z_]+)*"
    r"|lesions\[\d+\]\.[a-z_]+|labs\.[a-z_]+)"
    r"|(?<![\w.-])(tokuhashi-revised|katagiri-new|bauer-modified|chow-nrf|corrected-calcium"
    r"|pain-response|nesms|teachh|crcl|omed)(?![\w-])")
_INDEX: Final = re.compile(r"\[\d+\]")
_RULE_ID: Final = re.compile(r"^[a-z]+(?:-[a-z]+)*\.[a-z0-9-]+$")


def value(v: Any) -> str:
    """One value as a person reads it: unknown for a missing value, yes/no for booleans,
    numbers without a trailing ``.0``, codes in words."""
    if v is None:
        return "unknown"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return ", ".join(value(x) for x in v) if v else "none listed"
    if isinstance(v, Mapping):
        return "; ".join(f"{words(k)} {value(x)}" for k, x in v.items())
    text = str(v)
    return OPTION.get(text, text)


def words(code: str) -> str:
    """A snake_case or kebab-case code in words (the fallback for names without a label)."""
    return code.replace("_", " ").replace("-", " ")


def field(path: str) -> str:
    """A case-format path in words: ``lesions[2].collapse`` -> ``vertebral collapse``."""
    if path in FIELD:
        return FIELD[path]
    plain = _INDEX.sub("", path)
    if plain in FIELD:
        return FIELD[plain]
    last = plain.rsplit(".", 1)[-1]
    if plain.startswith("lesions.") and last in FIELD:
        return FIELD[last]
    if plain.startswith("labs.") or plain.startswith("labs:"):
        return words(last)
    return FIELD.get(last, words(last))


def rule(rule_id: str) -> str:
    """What a rule decides, in words, with the short score names of the pages."""
    return rule_words(rule_id, SCORE)


_DOC: Final = re.compile(r"docs/clinical/[a-z-]+\.md(?: \(([^)]*)\))?")


def plain(text: str) -> str:
    """Text written by the engine with rule ids, case paths or the path of a project document
    in it, in words."""
    text = _DOC.sub(lambda m: f"the project's {m.group(1)}" if m.group(1) else
                    "the project's documented decisions", text)
    return _IN_TEXT.sub(lambda m: rule(m.group(1)) if m.group(1) else
                        field(m.group(2)) if m.group(2) else score(m.group(3)), text)


def fields(paths: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(field(p) for p in paths))


def score(score_id: str) -> str:
    return SCORE.get(score_id, words(score_id))


def band(score_id: str, band_code: str | None) -> str:
    """A score's band in words ("" when there is none)."""
    if band_code is None:
        return ""
    return BAND.get(score_id, {}).get(band_code, words(band_code))


def survival(noms_survival: Mapping[str, Any]) -> str:
    """The survival bands of the NOMS systemic block, each named by its score."""
    out = []
    for key, v in noms_survival.items():
        if key == "estimated_survival_months":
            continue
        out.append(f"{score(key)}: {band(key, v) if v is not None else 'incomplete'}")
    return "; ".join(out)


def is_rule_id(text: str) -> bool:
    """Whether ``text`` looks like a rule or recommendation id (``rt.single-8gy``)."""
    return bool(_RULE_ID.match(text))


def score_result(s: Mapping[str, Any]) -> str:
    """A score result in one line: ``SINS 9: potentially unstable``."""
    name = score(str(s["score"]))
    if s.get("status") != "complete":
        rng = s.get("range")
        still = f", {rng[0]}-{rng[1]} still possible" if rng else ""
        return f"{name}: incomplete{still}"
    if s["score"] == "escc":
        head = f"{name}: grade {s.get('grade')}"
    elif s.get("total") is not None:
        unit = f" {s['unit']}" if s.get("unit") else ""
        head = f"{name} {value(s['total'])}{unit}"
    else:
        head = name
    b = band(str(s["score"]), s.get("band"))
    return f"{head}: {b}" if b and s["score"] != "escc" else (f"{head} ({b})" if b else head)


#: laboratory analytes in words (the codes of ``osseous.core.units``)
ANALYTE: Final = MappingProxyType({
    "crp": "CRP", "ldh": "LDH", "anc": "neutrophils", "wbc": "white cells", "inr": "INR",
    "psa": "PSA", "alkaline-phosphatase": "alkaline phosphatase",
    "ionized-calcium": "ionised calcium", "vitamin-d": "vitamin D",
})
#: units as printed on a laboratory report (the codes are UCUM's)
UNIT: Final = MappingProxyType({
    "10*9/L": "×10⁹/L", "10*3/uL": "×10³/µL", "umol/L": "µmol/L", "ug/L": "µg/L",
    "{ratio}": "", "1": "",
})


def analyte(code: str) -> str:
    """A laboratory analyte in words: ``ldh`` -> ``LDH``."""
    return ANALYTE.get(code) or words(code)


def unit(code: str | None) -> str:
    """A unit as a laboratory report prints it (none for a ratio)."""
    return UNIT.get(code or "", code or "")


#: the pain response's components (its ``pain`` is the follow-up's, not SINS's pain points)
PAIN_RESPONSE_COMPONENT: Final = MappingProxyType({
    "baseline_pain": "worst pain before", "baseline_omed": "OMED before (mg a day)",
    "pain": "worst pain now", "omed": "OMED now (mg a day)",
})


#: formula inputs shown among a score's components, with their units
INPUT: Final = MappingProxyType({
    "age_years": "age (years)", "weight_kg": "weight (kg)",
    "creatinine_mg_dl": "creatinine (mg/dL)", "calcium_mg_dl": "calcium (mg/dL)",
    "albumin_g_dl": "albumin (g/dL)", "calcium_mmol_l": "calcium (mmol/L)",
    "albumin_g_l": "albumin (g/L)", "ionised_calcium_mmol_l": "ionised calcium (mmol/L)"})


def components(comps: Mapping[str, Any]) -> str:
    """Score components with their points: ``location 1 · pain 3`` (unknown for missing);
    formula inputs with their unit and at most two decimals."""
    names = PAIN_RESPONSE_COMPONENT if "baseline_pain" in comps else INPUT
    return " · ".join(
        f"{names.get(k) or words(k)} "
        + ("unknown" if v is None else value(round(v, 2) if isinstance(v, float) else v))
        for k, v in comps.items())
