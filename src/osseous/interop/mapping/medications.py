"""MedicationRequest, MedicationStatement and MedicationAdministration: the drugs Osseous
reasons about (opioids, bone-modifying agents, radiopharmaceuticals, hormonal agents), with
status, route, RxNorm code, dates and, when it can be derived exactly, the daily dose.

Drugs are recognised by RxNorm/ATC code before display text (:mod:`osseous.interop.drugs`).
Administrations (where infusions such as zoledronic acid are usually recorded) are gathered per
drug: the first and last dates and the number of doses given.
"""

from __future__ import annotations

import re
from typing import Final

from osseous.interop.drugs import (
    dosages_of,
    dose_entries,
    identify,
    medication_concept,
    rate_mcg_per_h,
    read_mass,
)
from osseous.interop.mapping.collect import resolve
from osseous.interop.mapping.common import (
    Builder,
    Json,
    Res,
    as_dict,
    as_number,
    codings_of,
    effective,
    fhir_date,
    problem,
    texts_of,
    words_in,
)
from osseous.interop.mapping.registry import maps
from osseous.interop.terminology import OPIOIDS, RXNORM

_ROUTE_CODES: Final[dict[str, str]] = {
    "26643006": "oral", "45890007": "transdermal", "47625008": "intravenous",
    "34206005": "subcutaneous", "78421000": "intramuscular",
}
_ROUTE_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"oral|by mouth|po", "oral"),
    (r"transdermal", "transdermal"),
    (r"intravenous|iv", "intravenous"),
    (r"subcutaneous|subcut|sc", "subcutaneous"),
    (r"intramuscular|im", "intramuscular"),
)
_MED_STATUS: Final[dict[str, str | None]] = {
    "active": "active", "completed": "completed", "stopped": "stopped", "intended": "planned",
    "draft": "planned", "on-hold": None, "unknown": None,
}
_MED_SKIP_STATUS: Final = frozenset({"entered-in-error", "cancelled", "not-taken", "not-done"})
#: MedicationAdministration statuses that mean the dose was given (or is being given).
_GIVEN: Final = frozenset({"completed", "in-progress"})
#: HL7 timing abbreviations with an unambiguous number of administrations per day.
_TIMING_CODES: Final[dict[str, float]] = {
    "QD": 1, "BID": 2, "TID": 3, "QID": 4, "Q4H": 6, "Q6H": 4, "Q8H": 3, "Q12H": 2,
}


def _route(dosages: list[Json], concept: object) -> str | None:
    routes: set[str] = set()
    for dosage in dosages:
        route = dosage.get("route")
        for _, code, _ in codings_of(route):
            if code in _ROUTE_CODES:
                routes.add(_ROUTE_CODES[code])
        if not routes:
            routes.update(words_in(_ROUTE_WORDS, " ".join(texts_of(route))))
    if not routes:
        form_text = " ".join(d for s, _, d in codings_of(concept) if s == RXNORM)
        routes.update(words_in(_ROUTE_WORDS[:2], form_text))
    return routes.pop() if len(routes) == 1 else None


def _per_day(timing: Json) -> float | str:
    code = [c for _, c, _ in codings_of(timing.get("code"))]
    repeat = as_dict(timing.get("repeat"))
    if not repeat and len(code) == 1 and code[0].upper() in _TIMING_CODES:
        return _TIMING_CODES[code[0].upper()]
    if not repeat:
        return "no timing"
    if any(k in repeat for k in ("frequencyMax", "periodMax")):
        return "timing gives a range"
    frequency = as_number(repeat.get("frequency", 1))
    period = as_number(repeat.get("period"))
    unit = repeat.get("periodUnit")
    days = {"h": 1 / 24, "d": 1.0, "wk": 7.0}.get(unit) if isinstance(unit, str) else None
    if frequency is None or period is None or period <= 0 or days is None:
        return "timing without frequency, period and periodUnit (h, d or wk)"
    return frequency / (period * days)


def _dose(dosages: list[Json], entry: Json, drug: str, label: str, b: Builder) -> None:
    if not dosages:
        if drug in OPIOIDS:
            b.unmap(label, f"{drug}: no dosage given; daily dose unknown")
        return
    if len(dosages) > 1:
        b.unmap(label, f"{drug}: {len(dosages)} dosage instructions; daily dose not derived")
        return
    dosage = dosages[0]
    rates = dose_entries(dosage)
    if len(rates) != 1:
        if rates:
            b.unmap(label, f"{drug}: several doses given; daily dose not derived")
        return
    rate = rates[0]
    for key in ("rateQuantity", "doseQuantity"):
        per_hour = rate_mcg_per_h(rate.get(key))
        if per_hour is not None:
            entry["rate_mcg_per_h"] = per_hour
            return
    if not as_dict(rate.get("doseQuantity")):
        b.unmap(label, f"{drug}: dose not given as a quantity; daily dose not derived")
        return
    dose = read_mass(rate.get("doseQuantity"))
    if dose.mg is None:
        b.unmap(label, f"{drug}: {dose.why}; daily dose not derived")
        return
    if dosage.get("asNeededBoolean") is True or "asNeededCodeableConcept" in dosage:
        b.unmap(label, f"{drug}: taken as needed; daily dose not derived")
        return
    per_day = _per_day(as_dict(dosage.get("timing")))
    if isinstance(per_day, str):
        b.unmap(label, f"{drug}: {per_day}; daily dose not derived")
        return
    entry["daily_dose_mg"] = round(dose.mg * per_day, 3)


def _drug(res: Res, b: Builder) -> tuple[str, object, str, str | None] | None:
    """(drug, concept, text, rxnorm) of a medication resource, or None (reported)."""
    r = res.resource
    status = r.get("status")
    if status in _MED_SKIP_STATUS:
        b.ignore(res.label, f"medication status {status}")
        return None
    concept = medication_concept(r, lambda ref: resolve(b, ref))
    drug = identify(concept)
    if drug.name is None:
        if "medicationReference" in r and concept is None:
            why = "its medicationReference names no Medication in the input"
        elif drug.how == "its codes and names disagree":
            why = f"medication {drug.text!r}: its codes and names disagree"
        elif drug.text:
            why = f"medication {drug.text!r} not recognised"
        else:
            why = "medication without a code"
        b.unmap(res.label, why + "; not imported")
        return None
    return drug.name, concept, drug.text, drug.rxnorm


def _keep(res: Res, entry: Json, b: Builder) -> None:
    """Validate and keep a medication entry, dropping one invalid optional field if need be."""
    trouble = problem({"medications": [entry]})
    if trouble:
        for optional in ("daily_dose_mg", "rate_mcg_per_h", "route", "started", "status"):
            trial = {k: v for k, v in entry.items() if k != optional}
            if optional in entry and problem({"medications": [trial]}) is None:
                b.unmap(res.label, f"{entry['drug']}: {optional} {entry[optional]!r} invalid; "
                                   "dropped")
                entry = trial
                break
        else:
            b.unmap(res.label, f"medication {entry} not valid: {trouble}")
            return
    b.medications.append(entry)
    b.use(res.label, "medications", dict(entry))


@maps("MedicationRequest", "MedicationStatement")
def map_orders_and_statements(resources: list[Res], b: Builder) -> None:
    for res in resources:
        _map_medication(res, b)


def _map_medication(res: Res, b: Builder) -> None:
    found = _drug(res, b)
    if found is None:
        return
    drug, concept, text, rxnorm = found
    r = res.resource
    status = r.get("status")
    entry: Json = {"drug": drug}
    mapped_status = _MED_STATUS.get(status) if isinstance(status, str) else None
    if mapped_status == "active" and r.get("intent") in ("proposal", "plan"):
        mapped_status = "planned"  # an active proposal or plan is not yet given
    if mapped_status:
        entry["status"] = mapped_status
    elif status is not None:
        b.unmap(res.label, f"{drug}: status {status!r} has no equivalent; status left unknown")
    dosages = dosages_of(r)
    route = _route(dosages, concept)
    if route:
        entry["route"] = route
    if rxnorm:
        entry["rxnorm"] = rxnorm
    # effectiveDateTime alone does not say whether it is the start, a dose or the end
    started = fhir_date(as_dict(r.get("effectivePeriod")).get("start"))
    if started:
        entry["started"] = started
    if re.search(r"\s/\s", text):  # RxNorm spells combination products "A 5 MG / B 325 MG"
        b.unmap(res.label, f"{drug}: combination product; daily dose not derived")
    else:
        _dose(dosages, entry, drug, res.label, b)
    _keep(res, entry, b)


@maps("MedicationAdministration")
def map_administrations(resources: list[Res], b: Builder) -> None:
    """Administrations gathered per drug: first and last date given, number of doses."""
    given: dict[str, list[tuple[str | None, Res, object, str | None]]] = {}
    for res in resources:
        found = _drug(res, b)
        if found is None:
            continue
        drug, concept, _, rxnorm = found
        status = res.resource.get("status")
        if status not in _GIVEN:
            b.ignore(res.label, f"{drug}: administration with status {status!r} was not given")
            continue
        given.setdefault(drug, []).append((effective(res.resource), res, concept, rxnorm))
    for drug, doses in given.items():
        dates = sorted(d for d, _, _, _ in doses if d)
        first = doses[0]
        entry: Json = {"drug": drug, "doses_given": len(doses)}
        route = _route([d for _, res, _, _ in doses for d in dosages_of(res.resource)],
                       first[2])
        if route:
            entry["route"] = route
        if first[3]:
            entry["rxnorm"] = first[3]
        if dates:
            entry["started"], entry["last_dose"] = dates[0], dates[-1]
        if len(dates) < len(doses):
            b.unmap(first[1].label, f"{drug}: {len(doses) - len(dates)} administrations "
                                    "without a full date")
        for _, res, _, _ in doses[1:]:
            b.ignore(res.label, f"{drug}: counted with {first[1].label}")
        _keep(first[1], entry, b)
