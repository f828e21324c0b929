"""What a tumour board needs to see of one case, in words: the header (who, what cancer, how
fit, what is planned for), the lesions with their key scores, the latest laboratory results
with dates and flags, the medicines, earlier radiotherapy, and the problems in urgency order
with their options and the board's decision on each. Built from the case document, its
assessment and the decisions; used by the case page and the board PDF alike.

The problems are the assessment's ``problems`` list. An assessment stored before that list
existed is shown with one problem per treatment family (its options in plan order), so older
assessments still read in urgency order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final, Protocol

from osseous.report import labels

URGENCY_ORDER: Final = {"emergency": 0, "urgent": 1, "routine": 2}
SURVIVAL_SCORES: Final = ("tokuhashi-revised", "tomita", "bauer", "bauer-modified",
                          "katagiri-new", "nesms", "chow-nrf", "teachh")
LESION_SCORES: Final = ("sins", "escc", "mirels")
#: laboratory results shown in the header, in this order
HEADER_LABS: Final = ("calcium", "albumin", "creatinine", "haemoglobin", "hemoglobin",
                      "alkaline-phosphatase", "alp", "ldh", "crp", "platelets", "psa")


class Decision(Protocol):
    recommendation_id: str
    lesion: str | None
    decision: str
    reason: str | None
    decided_by: str
    decided_on: date
    title: str


def _fallback_problems(assessment: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One problem per treatment family, for assessments without a problem list."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for r in assessment.get("recommendations") or []:
        groups.setdefault(r["modality"], []).append(r)
    out = []
    for family, recs in groups.items():
        urgency = min((r["urgency"] for r in recs), key=URGENCY_ORDER.__getitem__)
        out.append({"id": family, "kind": family, "title": labels.FAMILY.get(family, family),
                    "lesion": None, "urgency": urgency, "status": "active", "note": None,
                    "alerts": [], "conflicts": [], "sequence": [],
                    "options": [{"recommendation": r["id"], "lesion": r.get("lesion"),
                                 "role": "preferred" if r["strength"] == "recommended"
                                 else "alternative", "group": None} for r in recs]})
    out.sort(key=lambda p: URGENCY_ORDER[p["urgency"]])
    return out


def problems(assessment: Mapping[str, Any],
             decisions: Sequence[Decision] = ()) -> list[dict[str, Any]]:
    """The problems in urgency order, each option with its recommendation and the latest
    decision on it."""
    recs = {(r["id"], r.get("lesion")): r for r in assessment.get("recommendations") or []}
    latest: dict[tuple[str, str | None], Decision] = {}
    for d in decisions:
        latest[(d.recommendation_id, d.lesion)] = d
    listed = assessment.get("problems")
    out = []
    for p in listed if listed is not None else _fallback_problems(assessment):
        options = []
        for o in p.get("options") or []:
            rec = recs.get((o["recommendation"], o.get("lesion")))
            if rec is None:
                continue
            options.append({**o, "rec": rec, "decision": latest.get(
                (o["recommendation"], o.get("lesion")))})
        decided = [o for o in options if o["decision"] is not None]
        out.append({**p, "options": options, "decided": len(decided),
                    "undecided": len(options) - len(decided)})
    return out


def _flags(assessment: Mapping[str, Any]) -> dict[str, str]:
    """Flags from the assessment's own reading of the results (Osseous holds no general
    reference ranges): corrected calcium with its grade, creatinine clearance."""
    flags = {}
    for s in assessment.get("scores") or []:
        if s.get("status") != "complete":
            continue
        if s["score"] == "corrected-calcium":
            flags["calcium"] = (f"corrected {labels.value(s.get('total'))} {s.get('unit') or ''}"
                                f": {labels.band('corrected-calcium', s.get('band'))}")
        elif s["score"] == "crcl":
            flags["creatinine"] = (f"clearance {labels.value(s.get('total'))} "
                                   f"{s.get('unit') or ''}").strip()
    return flags


def latest_labs(document: Mapping[str, Any],
                assessment: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The latest result of each analyte (by date), header analytes first."""
    latest: dict[str, Mapping[str, Any]] = {}
    for lab in document.get("labs") or []:
        analyte = lab.get("analyte")
        if analyte is None:
            continue
        seen = latest.get(analyte)
        if seen is None or str(lab.get("date") or "") >= str(seen.get("date") or ""):
            latest[analyte] = lab
    order = {a: i for i, a in enumerate(HEADER_LABS)}
    flags = _flags(assessment or {})
    return [{"analyte": labels.analyte(a), "value": labels.value(lab.get("value")),
             "unit": labels.unit(lab.get("unit")),
             "date": lab.get("date") or "date not recorded", "flag": flags.get(a, "")}
            for a, lab in sorted(latest.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))]


def _where(lesion: Mapping[str, Any]) -> str:
    if lesion.get("site") == "spine":
        levels = lesion.get("levels") or []
        return "spine " + ("-".join([levels[0], levels[-1]]) if len(levels) > 1 else
                           (levels[0] if levels else "(levels not recorded)"))
    region = f" ({labels.value(lesion['region'])})" if lesion.get("region") else ""
    return f"{lesion.get('site') or 'site not recorded'}{region}"


def lesion_rows(document: Mapping[str, Any],
                assessment: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each lesion with where it is, its key scores in words and earlier radiotherapy."""
    scores: dict[str, list[str]] = {}
    for s in assessment.get("scores") or []:
        if s.get("lesion") and s["score"] in LESION_SCORES:
            scores.setdefault(s["lesion"], []).append(labels.score_result(s))
    rows = []
    for les in document.get("lesions") or []:
        courses = [f"{labels.value(c.get('dose_gy'))} Gy in {labels.value(c.get('fractions'))} "
                   f"({c.get('date') or 'date not recorded'})"
                   for c in les.get("prior_radiotherapy") or []]
        pain = les.get("worst_pain")
        rows.append({"id": les.get("id"), "where": _where(les),
                     "scores": scores.get(str(les.get("id")), []),
                     "pain": f"worst pain {labels.value(pain)}/10" if pain is not None else "",
                     "fracture": "fractured" if les.get("pathological_fracture") else "",
                     "radiotherapy": courses})
    return rows


def header(document: Mapping[str, Any], assessment: Mapping[str, Any]) -> dict[str, Any]:
    """The facts the discussion needs at a glance, each in words (unknown when missing)."""
    patient = document.get("patient") or {}
    cancer = document.get("cancer") or {}
    survival = [s for s in assessment.get("scores") or [] if s["score"] in SURVIVAL_SCORES]
    estimate = patient.get("estimated_survival_months")
    fitness = []
    if patient.get("ecog") is not None:
        fitness.append(f"ECOG {patient['ecog']}")
    if patient.get("karnofsky") is not None:
        fitness.append(f"Karnofsky {patient['karnofsky']}%")
    markers = []
    for key, name in (("hormone_receptor_positive", "hormone receptor"),
                      ("her2_positive", "HER2"), ("castration_resistant",
                                                  "castration-resistant")):
        if cancer.get(key) is not None:
            markers.append(f"{name} {'positive' if cancer[key] else 'negative'}"
                           if key != "castration_resistant" else
                           ("castration-resistant" if cancer[key] else "hormone-sensitive"))
    markers += list(cancer.get("biomarkers") or [])
    visceral = cancer.get("visceral_metastases")
    brain = cancer.get("brain_metastases")
    medicines = [m for m in document.get("medications") or []
                 if m.get("status") in ("active", "planned", None)]
    return {
        "age": f"{patient['age_years']} years" if patient.get("age_years") is not None
        else "age unknown",
        "sex": labels.value(patient.get("sex")) if patient.get("sex") else "sex unknown",
        "primary": labels.value(cancer.get("primary")) if cancer.get("primary")
        else "primary unknown",
        "histology": cancer.get("histology") or "",
        "markers": ", ".join(markers),
        "fitness": ", ".join(fitness) or "performance status unknown",
        "walking": labels.value(patient.get("ambulatory")) if patient.get("ambulatory")
        else "",
        "goal": labels.value(patient.get("goal")) if patient.get("goal") else "not recorded",
        "estimate": f"{labels.value(estimate)} months" if estimate is not None
        else "not recorded",
        "survival": [labels.score_result(s) for s in survival],
        "visceral": "unknown" if visceral is None else labels.value(visceral),
        "brain": labels.value(brain),
        "medicines": [" ".join(str(x) for x in (
            m.get("drug"), labels.value(m.get("daily_dose_mg")) + " mg/day"
            if m.get("daily_dose_mg") is not None else None,
            m.get("route"), "(planned)" if m.get("status") == "planned" else None) if x)
            for m in medicines],
        "medicines_known": document.get("medications") is not None,
    }
