"""CDS Hooks 2.0 service logic: discovery, ``patient-view`` and ``order-sign`` cards.

Pure functions over the request body and the FHIR resources gathered for it
(:mod:`osseous.interop.cds_prefetch`); the HTTP adapter (:mod:`osseous.api.routes.cds`)
verifies the JWT, answers CORS, and builds the FHIR fetcher (:mod:`osseous.interop.fhir_client`).
Data that cannot be obtained raises :class:`MissingData` (answered 412), never an empty card list
that would look like "nothing to say".

``patient-view`` gives the plan of :func:`osseous.plan.engine.assess`: its alerts, urgent
recommendations, the options, the work-up (as draft ServiceRequests) and the missing facts;
bone metastases known but not localised get their own card; a patient whose record states a
death gets no treatment cards. ``order-sign`` is in :mod:`osseous.interop.cds_orders`. Every card
that rests on a value shows that value's date.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from osseous.core.case import Case
from osseous.core.validation import parse_case
from osseous.interop.cds_cards import card, rests_on, suggestion_uuid
from osseous.interop.cds_orders import (
    Judge,
    detected_issue,
    medication_cards,
    order_key,
    radiotherapy_cards,
)
from osseous.interop.cds_prefetch import PREFETCH, BadRequest, MissingData, gather
from osseous.interop.fhir_client import Fetch, FetchPolicy
from osseous.interop.fhir_in import bundle_to_case
from osseous.interop.references import reference_key, resource_keys
from osseous.plan.document import WorkupItemDoc
from osseous.plan.engine import assess

__all__ = ["PREFETCH", "SERVICES", "BadRequest", "MissingData", "discovery", "order_sign",
           "patient_view"]

SERVICES: Final = (
    {"hook": "patient-view", "id": "osseous-patient-view",
     "title": "Osseous: bone metastases",
     "description": "Scores, urgent alerts and the multidisciplinary plan for a patient with "
                    "bone metastases, each with its sources and the date of the data it rests "
                    "on.",
     "prefetch": PREFETCH},
    {"hook": "order-sign", "id": "osseous-order-sign",
     "title": "Osseous: bone-metastasis order checks",
     "description": "Checks draft orders of bone-modifying agents (zoledronic acid, pamidronate, "
                    "ibandronate, denosumab), radiopharmaceuticals and palliative radiotherapy "
                    "against the patient's plan.",
     "prefetch": PREFETCH},
)
INDICATOR: Final = {"critical": "critical", "warning": "warning", "info": "info"}
#: draft orders one order-sign call may carry (a bound on the work one request can cause)
MAX_DRAFT_ORDERS: Final = 100


def discovery() -> dict[str, Any]:
    return {"services": [dict(s) for s in SERVICES]}


def _context(request: Any, hook: str) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise BadRequest("the request body must be a JSON object")
    if request.get("hook") != hook:
        raise BadRequest(f"hook must be {hook!r}")
    if not isinstance(request.get("hookInstance"), str) or not request["hookInstance"]:
        raise BadRequest("hookInstance is required")
    context = request.get("context")
    if not isinstance(context, dict) or not isinstance(context.get("patientId"), str) \
            or not context["patientId"].strip() or len(context["patientId"]) > 256:
        raise BadRequest("context.patientId is required (a FHIR id)")
    if hook == "order-sign" and not isinstance(context.get("draftOrders"), dict):
        raise BadRequest("context.draftOrders (a Bundle) is required for order-sign")
    return context


def _bundle_resources(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, dict):
        return []
    if value.get("resourceType") == "Bundle":
        return [e["resource"] for e in value.get("entry") or []
                if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    return [value]


def _case(resources: list[dict[str, Any]], today: date) -> dict[str, Any]:
    return bundle_to_case(resources, assessed_on=today.isoformat()).case


def _death(case: Case) -> str | None:
    """"on 2007-03-01" / "" when the record states a death, None otherwise."""
    for event in case.events or ():
        if event.type == "death":
            return f" on {event.date.isoformat()}" if event.date else ""
    return None


def _has_bone_metastases(case: Case) -> bool:
    bm = case.cancer.bone_metastases
    return bool(case.lesions) or (bm is not None and bool(bm.present or bm.unlocalised))


def _deceased_card(hook: str, died: str) -> dict[str, Any]:
    return card("deceased", hook, f"The record states that this patient died{died}: no "
                "treatment suggestions", "info", "Osseous gives no treatment recommendations "
                "for a patient whose record states a death. If the record is wrong, correct "
                "the patient's vital status.", [], topic="clinical-reminder")


def patient_view(request: dict[str, Any], fetch: Fetch | str | None, today: date,
                 policy: FetchPolicy | None = None) -> dict[str, Any]:
    context = _context(request, "patient-view")
    resources = gather(request, context, fetch, policy or FetchPolicy())
    case = parse_case(_case(resources, today)).case
    if not _has_bone_metastases(case):
        return {"cards": []}  # no bone metastasis known: nothing for this service to say
    hook = request["hookInstance"]
    died = _death(case)
    if died is not None:
        return {"cards": [_deceased_card(hook, died)]}
    result = assess(case)
    cards = [card(f"alert/{a['id']}/{a.get('lesion')}", hook, a["message"],
                  INDICATOR[a["severity"]], a["message"] + rests_on(case, a.get("based_on")),
                  a["references"],
                  topic="contraindication" if a["severity"] == "critical" else "guideline")
             for a in result["alerts"]]
    for r in result["recommendations"]:
        if r["strength"] == "recommended" and r["urgency"] in ("emergency", "urgent"):
            cards.append(card(f"rec/{r['id']}/{r.get('lesion')}", hook, r["title"],
                              "warning" if r["urgency"] == "emergency" else "info",
                              r["rationale"] + rests_on(case, r.get("based_on")),
                              r["references"]))
    bm = case.cancer.bone_metastases
    if bm is not None and bm.unlocalised:
        cards.append(card("unlocalised", hook, "Bone metastases are recorded but not localised: "
                          "imaging is needed before site-specific treatment", "warning",
                          "The record codes bone metastases without a body site. The plan "
                          "below is for the patient as a whole (bone health, systemic and "
                          "radiopharmaceutical options, pain); fracture, spinal-cord and "
                          "radiotherapy decisions need the lesions localised by imaging.",
                          ["laufer-2013"], topic="clinical-reminder"))
    plan = [f"{r['modality']}: {r['title']} ({r['strength']})"
            for r in result["recommendations"]]
    basis = rests_on(case, {k: v for r in result["recommendations"]
                            for k, v in (r.get("based_on") or {}).items()})
    cards.append(card("plan", hook, f"Bone metastases: {len(plan)} options across the "
                      "treatment families, with their reasons and sources", "info",
                      ("\n".join(f"- {p}" for p in plan) or "No option could be prepared yet.")
                      + basis, ["laufer-2013"]))
    workup = result["workup"]["items"]
    if workup:
        cards.append(_workup_card(workup, hook, context["patientId"]))
    needs = sorted({m for n in result["needs_data"] for m in n["missing"]})
    if needs:
        cards.append(card("needs", hook, f"{len(needs)} facts would complete the assessment",
                          "info", "Missing: " + ", ".join(needs), ["laufer-2013"],
                          topic="clinical-reminder"))
    return {"cards": cards}


#: work-up urgency -> ServiceRequest.priority (FHIR R4 request-priority)
PRIORITY: Final = {"emergency": "stat", "urgent": "urgent", "routine": "routine"}
#: the most suggestions one card carries; the rest are in its detail
MAX_WORKUP_SUGGESTIONS: Final = 8


def service_request(item: WorkupItemDoc, patient_id: str) -> dict[str, Any]:
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


def _workup_card(items: list[WorkupItemDoc], hook: str, patient_id: str) -> dict[str, Any]:
    top = items[0]["urgency"]
    suggestions = [{"label": f"Propose: {i['investigation']} ({i['urgency']})"[:80],
                    "uuid": suggestion_uuid(hook, f"workup/{i['id']}"),
                    "actions": [{"type": "create", "description": i["investigation"],
                                 "resource": service_request(i, patient_id)}]}
                   for i in items[:MAX_WORKUP_SUGGESTIONS]]
    detail = "\n".join(f"- {i['urgency']}: {i['investigation']}: {i['reason']}"
                       for i in items)
    refs = sorted({r for i in items for r in i.get("references", [])})
    return card("workup", hook, f"Work-up: {len(items)} investigations would complete the "
                f"assessment (most urgent: {items[0]['investigation']})",
                "warning" if top == "emergency" else "info", detail, refs,
                topic="clinical-reminder", suggestions=suggestions, selection="any")


# ---- order-sign -------------------------------------------------------------------------------


def order_sign(request: dict[str, Any], fetch: Fetch | str | None, today: date,
               policy: FetchPolicy | None = None) -> dict[str, Any]:
    context = _context(request, "order-sign")
    resources = gather(request, context, fetch, policy or FetchPolicy())
    orders = _bundle_resources(context["draftOrders"])
    if len(orders) > MAX_DRAFT_ORDERS:
        raise BadRequest(f"context.draftOrders: at most {MAX_DRAFT_ORDERS} orders "
                         f"({len(orders)} given)")
    index: dict[str, dict[str, Any]] = {}
    for r in [*orders, *resources]:
        for key in resource_keys(r):
            index.setdefault(key, r)

    def resolve(ref: object) -> dict[str, Any] | None:
        key = reference_key(ref)
        return index.get(key) if key else None

    hook = request["hookInstance"]
    judge = Judge(_case(resources, today))
    died = _death(judge.case)
    if died is not None:
        return {"cards": [card("deceased", hook, f"The record states that this patient "
                               f"died{died}: check the record before signing", "warning",
                               "Osseous does not check orders for a patient whose record "
                               "states a death.", [], topic="clinical-reminder")]}
    cards: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for position, order in enumerate(orders):
        found: list[dict[str, Any]] = []
        oid = order_key(order, position)
        if order.get("resourceType") == "MedicationRequest":
            found = medication_cards(order, oid, judge, hook, resolve)
        elif order.get("resourceType") == "ServiceRequest":
            found = radiotherapy_cards(order, oid, hook)
        cards.extend(found)
        actions.extend(detected_issue(c, order, context["patientId"]) for c in found
                       if c["indicator"] in ("warning", "critical"))
    response: dict[str, Any] = {"cards": cards}
    if actions:
        response["systemActions"] = actions
    return response
