"""``order-sign``: draft orders judged by the plan's own facts and rules.

A draft MedicationRequest of a bone-modifying agent or a radiopharmaceutical is put into the
case as a ``planned`` medication and the case is assessed (:func:`osseous.plan.engine.assess`):
the cards are what the plan then says about that drug (its alerts, a recommendation against it,
the data it lacks) and the dose check compares the ordered dose with the dose of the plan's own
recommendation (``details.dose_mg``). There is no second copy of the creatinine-clearance,
calcium or dose arithmetic here, so a card and the board's plan cannot differ.

The ordered dose is read as EHRs write it (:mod:`osseous.interop.drugs`): ``doseAndRate`` as a
list or an object, the STU3 ``doseQuantity``, UCUM mass units converted (mg, g, ug, mcg). A dose
whose unit is missing or not a mass is never guessed: the card says it could not be checked.

Palliative radiotherapy ``ServiceRequest`` orders are checked for courses of more than
:data:`~osseous.knowledge.radiotherapy.MAX_PALLIATIVE_FRACTIONS` fractions for uncomplicated
bone pain (Choosing Wisely, ASTRO 2013; ASTRO 2024 guideline), the plan's own limit: the case
format has no planned radiotherapy course, and a draft order names no lesion, so the order is
not put into the case.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final, cast

from osseous.core.case import Case
from osseous.core.validation import parse_case
from osseous.interop.cds_cards import card, last_known, rests_on, suggestion_uuid
from osseous.interop.drugs import dosages_of, dose_entries, identify, medication_concept, read_mass
from osseous.interop.terminology import BONE_MODIFYING_AGENTS
from osseous.knowledge.radiotherapy import MAX_PALLIATIVE_FRACTIONS
from osseous.plan.document import Assessment, RecommendationDoc
from osseous.plan.engine import assess

Json = dict[str, Any]

#: the drugs whose draft orders the plan judges
CHECKED: Final = BONE_MODIFYING_AGENTS | {"radium-223", "samarium-153", "strontium-89",
                                          "lutetium-177-psma"}
#: ``<dose> Gy in|/|x <fractions>``: bounded repeats and a look-behind, so the search is
#: linear in the text (``\d+`` and ``\s*`` restarted at every digit were quadratic)
_RT_DOSE: Final = re.compile(
    r"(?<![\d.])(\d{1,3}(?:\.\d{1,2})?)[ \t]{0,3}Gy[ \t]{0,3}(?:in|/|x|×)[ \t]{0,3}(\d{1,2})"
    r"(?!\d)", re.IGNORECASE)


def _display(drug: str) -> str:
    return drug.replace("-", " ")


def _mentions(finding: Mapping[str, Any], drug: str) -> bool:
    text = f"{finding.get('message', '')} {finding.get('reason', '')} " \
           f"{finding.get('based_on', '')}".lower()
    return _display(drug) in text or drug in text


def _key(finding: Mapping[str, Any]) -> str:
    return f"{finding.get('id') or finding.get('for')}/{finding.get('lesion')}/" \
           f"{finding.get('message') or finding.get('reason')}"


class Judge:
    """The patient's case and plan, and the plan again with each draft order in it."""

    def __init__(self, case_doc: Json) -> None:
        self.case_doc = case_doc
        self.case = parse_case(case_doc).case
        self.baseline = assess(self.case)
        self._seen = {_key(f) for f in (*self.baseline["alerts"], *self.baseline["needs_data"])}
        self._plans: dict[str, tuple[Case, Assessment]] = {}

    def with_order(self, drug: str) -> tuple[Case, Assessment]:
        """The case and plan with ``drug`` planned (once per drug, however many orders)."""
        if drug not in self._plans:
            doc = copy.deepcopy(self.case_doc)
            doc.setdefault("medications", []).append({"drug": drug, "status": "planned"})
            case = parse_case(doc).case
            self._plans[drug] = (case, assess(case))
        return self._plans[drug]

    def new(self, findings: Iterable[Mapping[str, Any]], drug: str
            ) -> Iterator[Mapping[str, Any]]:
        """Findings the order brings, and those already there that concern its drug."""
        for f in findings:
            if _key(f) not in self._seen or _mentions(f, drug):
                yield f


def order_key(order: Json, position: int) -> str:
    """The order's key in card uuids: its position and id (two orders without an id, or with
    the same id, still get distinct cards)."""
    return f"{position}/{str(order.get('id', 'draft'))[:64]}"


def medication_cards(order: Json, oid: str, judge: Judge, hook: str,
                     resolve: Callable[[object], Json | None]) -> list[Json]:
    drug = identify(medication_concept(order, resolve)).name
    if drug is None or drug not in CHECKED:
        return []
    name = _display(drug).capitalize()
    case, plan = judge.with_order(drug)
    rec = next((r for r in plan["recommendations"]
                if (r.get("details") or {}).get("agent") == drug), None)
    cards: list[Json] = []
    critical = False
    for alert in judge.new(plan["alerts"], drug):
        if alert["id"] == "zoledronic-dose":  # the dose check below replaces it
            continue
        critical |= alert["severity"] == "critical"
        cards.append(card(f"{oid}/alert/{alert['id']}", hook, alert["message"],
                          alert["severity"], alert["message"]
                          + rests_on(case, alert.get("based_on")), alert["references"],
                          topic="contraindication" if alert["severity"] == "critical"
                          else "guideline"))
    if rec is not None and rec["strength"] == "not-recommended" and not critical:
        cards.append(card(f"{oid}/not-recommended", hook, f"{name} is not recommended for this "
                          "patient", "critical", rec["rationale"]
                          + rests_on(case, rec.get("based_on")), rec["references"],
                          topic="contraindication"))
    elif rec is not None and (rec.get("details") or {}).get("dose_mg") is not None:
        cards.extend(_dose_cards(order, oid, name, rec, case, hook))
    needs = [n for n in judge.new(plan["needs_data"], drug) if n.get("reason")]
    if rec is None and not needs and not cards:
        cards.append(card(f"{oid}/no-plan", hook, f"{name} is not part of this patient's plan: "
                          "review the indication before signing", "warning",
                          f"Osseous's plan for this patient offers no {_display(drug)} (for "
                          "example, the indication or the cancer type does not fit); see the "
                          "board's plan for the reasons.", [], topic="guideline"))
    refs = rec["references"] if rec else []
    for need in needs:
        missing = ", ".join(m.split(".")[-1].replace("_", " ") for m in need["missing"])
        cards.append(card(f"{oid}/needs/{need['for']}", hook,
                          f"{name}: could not be checked - {need['reason']}", "warning",
                          f"Missing or out of date: {missing}."
                          f"{last_known(case, need['missing'])} Osseous does not check the "
                          "order on assumed or old values.", refs, topic="clinical-reminder"))
    return cards


def _ordered_doses(order: Json) -> list[Json]:
    return [e["doseQuantity"] for d in dosages_of(order) for e in dose_entries(d)
            if isinstance(e.get("doseQuantity"), dict)]


def _dose_cards(order: Json, oid: str, name: str, rec: RecommendationDoc, case: Case,
                hook: str) -> list[Json]:
    details = rec["details"]
    target = float(cast(float, details["dose_mg"]))
    refs = rec["references"]
    basis = rests_on(case, {**(rec.get("based_on") or {}), **details})
    quantities = _ordered_doses(order)
    if not quantities:
        return [card(f"{oid}/dose-missing", hook, f"{name}: no dose on the order; the plan's "
                     f"dose for this patient is {target:g} mg", "info",
                     rec["rationale"] + basis, refs, topic="guideline")]
    cards: list[Json] = []
    for n, quantity in enumerate(quantities):
        dose = read_mass(quantity)
        if dose.mg is None:
            cards.append(card(f"{oid}/dose-unreadable/{n}", hook, f"{name}: the dose could not "
                              f"be checked - {dose.why}", "warning",
                              f"The plan's dose for this patient is {target:g} mg. Osseous "
                              "does not assume a unit." + basis, refs, topic="guideline"))
        elif dose.mg > target + 1e-9:
            fixed = _with_dose(order, target)
            suggestion = {"label": f"Change the dose to {target:g} mg",
                          "uuid": suggestion_uuid(hook, f"{oid}/dose"),
                          "actions": [{"type": "update", "description":
                                       f"{name} {target:g} mg", "resource": fixed}]}
            cards.append(card(f"{oid}/dose", hook, f"{name} {dose.mg:g} mg exceeds the plan's "
                              f"dose of {target:g} mg for this patient", "warning",
                              rec["rationale"] + basis, refs, topic="guideline",
                              suggestions=[suggestion]))
    return cards


def _with_dose(order: Json, mg: float) -> Json:
    """A copy of the order with every dose quantity set to ``mg`` (UCUM), layout kept."""
    fixed = copy.deepcopy(order)
    new = {"value": mg, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}
    for dosage in dosages_of(fixed):
        for entry in dose_entries(dosage):
            if isinstance(entry.get("doseQuantity"), dict):
                entry["doseQuantity"].clear()
                entry["doseQuantity"].update(new)
        if isinstance(dosage.get("dose"), dict):
            dosage["dose"].clear()
            dosage["dose"].update(new)
    return fixed


def _texts(resource: Json) -> list[str]:
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in ("text", "display", "patientInstruction") and isinstance(v, str):
                    out.append(v[:2000])
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(resource)
    return out


def radiotherapy_cards(order: Json, oid: str, hook: str) -> list[Json]:
    text = " ".join(_texts(order))
    if "radiotherapy" not in text.lower() and "radiation" not in text.lower():
        return []
    match = _RT_DOSE.search(text)
    if match is None:
        return []
    dose, fractions = float(match.group(1)), int(match.group(2))
    if fractions <= MAX_PALLIATIVE_FRACTIONS:
        return []
    fixed = copy.deepcopy(order)
    replacement = "palliative radiotherapy 8 Gy in 1 fraction"
    fixed["code"] = {"text": replacement}
    fixed["orderDetail"] = [{"text": "8 Gy in 1 fraction"}]
    fixed.pop("note", None)
    suggestion = {"label": "Change to 8 Gy in 1 fraction",
                  "uuid": suggestion_uuid(hook, f"{oid}/8gy"),
                  "actions": [{"type": "update", "description": replacement,
                               "resource": fixed}]}
    return [card(f"{oid}/fractions", hook, f"{dose:g} Gy in {fractions} fractions: more than "
                 "10 fractions for uncomplicated palliation - consider 8 Gy x 1", "warning",
                 "Single and multiple fractions relieve pain equally for uncomplicated bone "
                 "metastases; courses over 10 fractions are not used (Choosing Wisely). Keep "
                 "the longer course for cord compression or after surgery.",
                 ["choosing-wisely-astro-2013", "astro-2024"], topic="guideline",
                 suggestions=[suggestion])]


def detected_issue(c: Json, order: Json, patient_id: str) -> Json:
    """A preliminary DetectedIssue for a warning or critical card about a draft order, offered
    as a ``systemAction`` (Da Vinci CRD expects system actions on order-sign)."""
    rtype = order.get("resourceType", "MedicationRequest")
    issue: Json = {
        "resourceType": "DetectedIssue", "status": "preliminary",
        "severity": "high" if c["indicator"] == "critical" else "moderate",
        "code": {"text": c["summary"]},
        "patient": {"reference": f"Patient/{patient_id}"},
        "detail": c["summary"],
    }
    if isinstance(order.get("id"), str) and re.fullmatch(r"[A-Za-z0-9\-.]{1,64}", order["id"]):
        issue["implicated"] = [{"reference": f"{rtype}/{order['id']}"}]
    return {"type": "create", "description": c["summary"], "resource": issue}
