"""CDS Hooks 2.0 service logic: discovery, ``patient-view`` and ``order-sign`` cards.

Pure functions over the request body and the FHIR resources gathered for it; the HTTP adapter
(:mod:`osseous.api.routes.cds`) verifies the JWT, fetches what prefetch did not bring, and
records feedback. Data that cannot be obtained raises :class:`MissingData` (answered 412),
never an empty card list that would look like "nothing to say".

Cards follow the specification: ``summary`` under 140 characters, an ``indicator``, a ``source``
naming the citation, ``selectionBehavior`` whenever there are suggestions, and no null values
or empty arrays. Card uuids are stable for a hook instance, so feedback is idempotent.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, Final

from osseous.core.errors import InvalidInput
from osseous.core.validation import parse_case
from osseous.interop.fhir_in import bundle_to_case
from osseous.knowledge.citations import CITATIONS
from osseous.plan.engine import assess
from osseous.scores import facts
from osseous.scores.calcium import corrected_calcium
from osseous.scores.renal import crcl as crcl_score
from osseous.scores.zoledronic import zoledronic_dose

PREFETCH: Final = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
    "medications": "MedicationRequest?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
}
SERVICES: Final = (
    {"hook": "patient-view", "id": "osseous-patient-view",
     "title": "Osseous: bone metastases",
     "description": "Scores, urgent alerts and the multidisciplinary plan for a patient with "
                    "bone metastases, each with its sources.",
     "prefetch": PREFETCH},
    {"hook": "order-sign", "id": "osseous-order-sign",
     "title": "Osseous: bone-metastasis order checks",
     "description": "Checks draft orders of zoledronic acid, pamidronate, denosumab, "
                    "radium-223 and palliative radiotherapy against the patient's data.",
     "prefetch": PREFETCH},
)
SOURCE_LABEL: Final = "Osseous"
NAMESPACE: Final = uuid.UUID("6f1f3c2e-8a44-4a0e-9e0c-0a55e0c5e001")
INDICATOR: Final = {"critical": "critical", "warning": "warning", "info": "info"}


class MissingData(Exception):
    """The request lacks data the service needs and it could not be fetched (HTTP 412)."""


class BadRequest(Exception):
    """The request body does not follow the CDS Hooks specification (HTTP 400)."""


Fetch = Callable[[str], dict[str, Any] | None]


def discovery() -> dict[str, Any]:
    return {"services": [dict(s) for s in SERVICES]}


def _context(request: dict[str, Any], hook: str) -> dict[str, Any]:
    if request.get("hook") != hook:
        raise BadRequest(f"hook must be {hook!r}")
    if not isinstance(request.get("hookInstance"), str):
        raise BadRequest("hookInstance is required")
    context = request.get("context")
    if not isinstance(context, dict) or not isinstance(context.get("patientId"), str):
        raise BadRequest("context.patientId is required")
    if hook == "order-sign" and not isinstance(context.get("draftOrders"), dict):
        raise BadRequest("context.draftOrders (a Bundle) is required for order-sign")
    return context


def _resources(value: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(value, dict):
        return
    if value.get("resourceType") == "Bundle":
        for entry in value.get("entry") or []:
            if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                yield entry["resource"]
    else:
        yield value


def gather(request: dict[str, Any], context: dict[str, Any], fetch: Fetch | None
           ) -> list[dict[str, Any]]:
    """Every resource the services read: prefetch, else fetched, else :class:`MissingData`."""
    prefetch = request.get("prefetch") or {}
    if not isinstance(prefetch, dict):
        raise BadRequest("prefetch must be an object")
    resources: list[dict[str, Any]] = []
    for key, template in PREFETCH.items():
        value = prefetch.get(key)
        if value is None:
            query = template.replace("{{context.patientId}}", context["patientId"])
            value = fetch(query) if fetch is not None else None
            if value is None:
                raise MissingData(f"prefetch {key!r} is missing and {query} could not be "
                                  "fetched from the FHIR server")
        resources.extend(_resources(value))
    return resources


def _case(resources: list[dict[str, Any]], context: dict[str, Any],
          today: date) -> dict[str, Any]:
    mapped = bundle_to_case(resources, case_id=None, assessed_on=today.isoformat())
    return mapped.case


def _citation(ref_ids: list[str] | tuple[str, ...]) -> tuple[str, str | None]:
    for ref in ref_ids:
        c = CITATIONS.get(ref)
        if c is not None:
            url = f"https://doi.org/{c.doi}" if c.doi else c.url
            return c.text.split(".")[0][:80], url
    return "Osseous knowledge base", None


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) < 140 else text[:136].rstrip() + "..."


def card(key: str, hook_instance: str, summary: str, indicator: str, detail: str,
         references: list[str] | tuple[str, ...],
         suggestions: list[dict[str, Any]] | None = None,
         selection: str = "at-most-one") -> dict[str, Any]:
    """One card, with no null values and no empty arrays."""
    label, url = _citation(references)
    source: dict[str, Any] = {"label": f"{SOURCE_LABEL} · {label}"}
    if url:
        source["url"] = url
    sources = "; ".join(CITATIONS[r].text for r in references if r in CITATIONS)
    out: dict[str, Any] = {
        "uuid": str(uuid.uuid5(NAMESPACE, f"{hook_instance}/{key}")),
        "summary": _summary(summary),
        "indicator": indicator,
        "detail": detail + (f"\n\nSources: {sources}" if sources else ""),
        "source": source,
    }
    if suggestions:
        out["suggestions"] = suggestions
        out["selectionBehavior"] = selection
    return out


def patient_view(request: dict[str, Any], fetch: Fetch | None, today: date) -> dict[str, Any]:
    context = _context(request, "patient-view")
    case = _case(gather(request, context, fetch), context, today)
    if not case.get("lesions") and not (case.get("cancer") or {}).get("bone_metastases"):
        return {"cards": []}  # no bone metastasis known: nothing for this service to say
    parsed = parse_case(case)
    result = assess(parsed.case)
    hook = request["hookInstance"]
    cards = [card(f"alert/{a['id']}/{a.get('lesion')}", hook, a["message"],
                  INDICATOR[a["severity"]], a["message"], a["references"])
             for a in result["alerts"]]
    for r in result["recommendations"]:
        if r["strength"] == "recommended" and r["urgency"] in ("emergency", "urgent"):
            cards.append(card(f"rec/{r['id']}/{r.get('lesion')}", hook, r["title"],
                              "warning" if r["urgency"] == "emergency" else "info",
                              r["rationale"], r["references"]))
    needs = sorted({m for n in result["needs_data"] for m in n["missing"]})
    plan = [f"{r['modality']}: {r['title']} ({r['strength']})"
            for r in result["recommendations"]]
    cards.append(card("plan", hook, f"Bone metastases: {len(plan)} options across the "
                      "treatment families, with their reasons and sources", "info",
                      "\n".join(f"- {p}" for p in plan) or "No option could be prepared yet.",
                      ["laufer-2013"]))
    workup = result["workup"]["items"]
    if workup:
        cards.append(_workup_card(workup, hook, context["patientId"]))
    if needs:
        cards.append(card("needs", hook, f"{len(needs)} facts would complete the assessment",
                          "info", "Missing: " + ", ".join(needs), ["laufer-2013"]))
    return {"cards": cards}


#: work-up urgency -> ServiceRequest.priority (FHIR R4 request-priority)
PRIORITY: Final = {"emergency": "stat", "urgent": "urgent", "routine": "routine"}
#: the most suggestions one card carries; the rest are in its detail
MAX_WORKUP_SUGGESTIONS: Final = 8


def service_request(item: dict[str, Any], patient_id: str) -> dict[str, Any]:
    """A draft ServiceRequest proposing one work-up investigation (intent ``proposal``: the
    clinician decides whether to order it)."""
    kind = {"imaging": ("363679005", "Imaging"), "laboratory": ("108252007",
                                                                 "Laboratory procedure")}
    out: dict[str, Any] = {
        "resourceType": "ServiceRequest", "status": "draft", "intent": "proposal",
        "priority": PRIORITY[item["urgency"]],
        "code": {"text": item["investigation"]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "reasonCode": [{"text": item["reason"]}],
        "note": [{"text": "Would complete: " + ", ".join(item["unlocks"])}]
        if item["unlocks"] else [],
    }
    if item["kind"] in kind:
        code, display = kind[item["kind"]]
        out["category"] = [{"coding": [{"system": "http://snomed.info/sct", "code": code,
                                        "display": display}]}]
    return {k: v for k, v in out.items() if v}


def _workup_card(items: list[dict[str, Any]], hook: str, patient_id: str) -> dict[str, Any]:
    top = items[0]["urgency"]
    suggestions = [{"label": f"Propose: {i['investigation']} ({i['urgency']})"[:80],
                    "uuid": str(uuid.uuid5(NAMESPACE, f"{hook}/workup/{i['id']}")),
                    "actions": [{"type": "create", "description": i["investigation"],
                                 "resource": service_request(i, patient_id)}]}
                   for i in items[:MAX_WORKUP_SUGGESTIONS]]
    detail = "\n".join(f"- {i['urgency']}: {i['investigation']}: {i['reason']}"
                       for i in items)
    refs = sorted({r for i in items for r in i.get("references", [])})
    return card("workup", hook, f"Work-up: {len(items)} investigations would complete the "
                f"assessment (most urgent: {items[0]['investigation']})",
                "warning" if top == "emergency" else "info", detail, refs, suggestions,
                selection="any")


# ---- order-sign -------------------------------------------------------------------------------

_DRUGS: Final = {"zoledronic": "zoledronic-acid", "zometa": "zoledronic-acid",
                 "reclast": "zoledronic-acid", "pamidronate": "pamidronate",
                 "aredia": "pamidronate", "denosumab": "denosumab", "xgeva": "denosumab",
                 "radium": "radium-223", "xofigo": "radium-223"}
_RT_DOSE: Final = re.compile(r"(\d+(?:\.\d+)?)\s*Gy\s*(?:in|/|x|×)\s*(\d+)", re.IGNORECASE)


def _texts(resource: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in ("text", "display", "patientInstruction") and isinstance(v, str):
                    out.append(v)
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(resource)
    return out


def _drug(order: dict[str, Any]) -> str | None:
    text = " ".join(_texts(order.get("medicationCodeableConcept") or {})).lower()
    for key, drug in _DRUGS.items():
        if key in text:
            return drug
    return None


def _ordered_mg(order: dict[str, Any]) -> float | None:
    for dosage in order.get("dosageInstruction") or []:
        for dose_rate in dosage.get("doseAndRate") or []:
            q = dose_rate.get("doseQuantity") or {}
            if isinstance(q.get("value"), int | float) and str(q.get("unit", "mg")) in (
                    "mg", "milligram"):
                return float(q["value"])
    return None


def order_sign(request: dict[str, Any], fetch: Fetch | None, today: date) -> dict[str, Any]:
    context = _context(request, "order-sign")
    resources = gather(request, context, fetch)
    case_doc = _case(resources, context, today)
    try:
        case = parse_case(case_doc).case
    except InvalidInput as exc:  # the mapper guarantees validity; a failure is a bug
        raise RuntimeError(f"mapped case is invalid: {exc}") from exc
    hook = request["hookInstance"]
    cards: list[dict[str, Any]] = []
    for order in _resources(context["draftOrders"]):
        if order.get("resourceType") == "MedicationRequest":
            cards.extend(_medication_cards(order, case, hook))
        elif order.get("resourceType") == "ServiceRequest":
            cards.extend(_radiotherapy_cards(order, hook))
    return {"cards": cards}


def _medication_cards(order: dict[str, Any], case: Any, hook: str) -> list[dict[str, Any]]:
    drug = _drug(order)
    oid = str(order.get("id", "draft"))
    if drug in ("zoledronic-acid", "pamidronate"):
        return _bisphosphonate_cards(order, drug, case, hook, oid)
    if drug == "denosumab":
        ca = corrected_calcium(case)
        if not ca.complete:
            return [card(f"{oid}/calcium", hook, "Denosumab: calcium and albumin are not "
                         "available - check calcium before the first dose", "warning",
                         "Pre-existing hypocalcaemia must be corrected before starting "
                         "denosumab; no recent calcium and albumin were found.",
                         ["xgeva-label"])]
        if ca.band == "low":
            return [card(f"{oid}/hypocalcaemia", hook, f"Denosumab: corrected calcium "
                         f"{ca.total} mg/dL is low - correct it before the first dose",
                         "critical", "Severe, sometimes fatal, hypocalcaemia has been "
                         "reported; correct hypocalcaemia first and give calcium and vitamin D.",
                         ["xgeva-label"])]
        return []
    if drug == "radium-223":
        return _radium_cards(case, hook, oid)
    return []


def _bisphosphonate_cards(order: dict[str, Any], drug: str, case: Any, hook: str,
                          oid: str) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    clearance = crcl_score(case)
    name = drug.replace("-", " ")
    if clearance.total is None:
        cards.append(card(f"{oid}/crcl", hook, f"{name.capitalize()}: creatinine clearance "
                          "could not be computed - check creatinine before this dose",
                          "warning", "Missing: " + ", ".join(clearance.missing),
                          ["zometa-label"]))
    else:
        value = float(clearance.total)
        if value < 30:
            cards.append(card(f"{oid}/renal", hook, f"{name.capitalize()} is not recommended:"
                              f" creatinine clearance {value} mL/min (< 30)", "critical",
                              "Severe renal impairment; denosumab does not need renal "
                              "adjustment.", ["zometa-label", "pamidronate-label"]))
        elif drug == "zoledronic-acid":
            dose = zoledronic_dose(value)
            ordered = _ordered_mg(order)
            if dose.dose_mg is not None and ordered is not None and ordered > dose.dose_mg:
                fixed = copy.deepcopy(order)
                for dosage in fixed.get("dosageInstruction") or []:
                    for dose_rate in dosage.get("doseAndRate") or []:
                        if "doseQuantity" in dose_rate:
                            dose_rate["doseQuantity"]["value"] = dose.dose_mg
                suggestion = {"label": f"Change the dose to {dose.dose_mg:g} mg",
                              "uuid": str(uuid.uuid5(NAMESPACE, f"{hook}/{oid}/dose")),
                              "actions": [{"type": "update", "description":
                                           f"zoledronic acid {dose.dose_mg:g} mg",
                                           "resource": fixed}]}
                cards.append(card(f"{oid}/dose", hook, f"Zoledronic acid {ordered:g} mg "
                                  f"exceeds the label dose of {dose.dose_mg:g} mg at "
                                  f"CrCl {value} mL/min", "warning", dose.reason,
                                  ["zometa-label"], [suggestion]))
    dental = case.patient.dental
    if dental is None or dental.last_exam is None:
        cards.append(card(f"{oid}/dental", hook, f"{name.capitalize()}: no dental "
                          "examination recorded - examine and treat before starting",
                          "warning", "Osteonecrosis of the jaw: an oral examination and "
                          "preventive dentistry come before a bone-modifying agent.",
                          ["van-poznak-2011", "pamidronate-label"]))
    return cards


def _radium_cards(case: Any, hook: str, oid: str) -> list[dict[str, Any]]:
    problems: list[str] = []
    c = case.cancer
    if c.visceral_sites and set(c.visceral_sites) - {"lymph-node"}:
        problems.append("visceral metastases (" + ", ".join(c.visceral_sites) + ")")
    if any(m.drug == "abiraterone" and m.status in ("active", "planned")
           for m in case.medications or ()):
        problems.append("abiraterone with prednisone/prednisolone (ERA 223)")
    unknown = []
    for analyte, minimum in (("anc", 1.5), ("platelets", 100.0), ("hemoglobin", 10.0)):
        lab = facts.latest_lab(case, analyte)
        if lab is None:
            unknown.append(analyte)
        elif lab.canonical_value < minimum:
            problems.append(f"{analyte} {lab.canonical_value:g} below the first-dose "
                            f"threshold {minimum:g}")
    cards = []
    if problems:
        cards.append(card(f"{oid}/radium", hook, "Radium-223 is not recommended: "
                          + problems[0], "critical", "; ".join(problems) + ".",
                          ["xofigo-label", "smith-2019-era223"]))
    if unknown:
        cards.append(card(f"{oid}/radium-counts", hook, "Radium-223: blood counts not "
                          "available (" + ", ".join(unknown) + ") - check before the dose",
                          "warning", "Before the first dose: ANC >= 1.5, platelets >= 100 "
                          "x10^9/L, haemoglobin >= 10 g/dL.", ["xofigo-label"]))
    return cards


def _radiotherapy_cards(order: dict[str, Any], hook: str) -> list[dict[str, Any]]:
    text = " ".join(_texts(order))
    if "radiotherapy" not in text.lower() and "radiation" not in text.lower():
        return []
    match = _RT_DOSE.search(text)
    if match is None:
        return []
    dose, fractions = float(match.group(1)), int(match.group(2))
    if fractions <= 10:
        return []
    oid = str(order.get("id", "draft"))
    fixed = copy.deepcopy(order)
    replacement = "palliative radiotherapy 8 Gy in 1 fraction"
    fixed["code"] = {"text": replacement}
    fixed["orderDetail"] = [{"text": "8 Gy in 1 fraction"}]
    fixed.pop("note", None)
    suggestion = {"label": "Change to 8 Gy in 1 fraction",
                  "uuid": str(uuid.uuid5(NAMESPACE, f"{hook}/{oid}/8gy")),
                  "actions": [{"type": "update", "description": replacement,
                               "resource": fixed}]}
    return [card(f"{oid}/fractions", hook, f"{dose:g} Gy in {fractions} fractions: more than "
                 "10 fractions for uncomplicated palliation - consider 8 Gy x 1", "warning",
                 "Single and multiple fractions relieve pain equally for uncomplicated bone "
                 "metastases; courses over 10 fractions are not used (Choosing Wisely). Keep "
                 "the longer course for cord compression or after surgery.",
                 ["choosing-wisely-astro-2013", "astro-2024"], [suggestion])]
