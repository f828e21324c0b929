"""Building FHIR resources for the mapper tests, and running the import on them."""

from __future__ import annotations

import json
from typing import Any

from osseous.core.validation import parse_case
from osseous.interop.fhir_in import MappingResult, bundle_to_case
from tests.third_party import FHIR

SCT = "http://snomed.info/sct"


LNC = "http://loinc.org"


ICD = "http://hl7.org/fhir/sid/icd-10-cm"


RXN = "http://www.nlm.nih.gov/research/umls/rxnorm"


UCUM = "http://unitsofmeasure.org"


MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FHIR / name).read_text(encoding="utf-8"))
    return data


def whys(entries: list[dict[str, Any]], resource: str | None = None) -> str:
    return " | ".join(e["why"] for e in entries if resource is None or e["resource"] == resource)


def run(*resources: object, **kw: Any) -> MappingResult:
    result = bundle_to_case({"resourceType": "Bundle", "type": "collection",
                             "entry": [{"resource": r} for r in resources]}, **kw)
    parse_case(result.case)  # every result validates
    return result


def cc(system: str, code: str, display: str | None = None, text: str | None = None
       ) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    out: dict[str, Any] = {"coding": [coding]}
    if text:
        out["text"] = text
    return out


def condition(cid: str, code: dict[str, Any], profile: str | None = None, **extra: Any
              ) -> dict[str, Any]:
    r: dict[str, Any] = {"resourceType": "Condition", "id": cid, "code": code}
    if profile:
        r["meta"] = {"profile": [MCODE + profile]}
    r.update(extra)
    return r


def bone_met(cid: str, *sites: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return condition(cid, cc(SCT, "94222008", "Secondary malignant neoplasm of bone"),
                     "mcode-secondary-cancer-condition", bodySite=list(sites), **extra)


def obs(oid: str, loinc: str, when: str | None = None, **value: Any) -> dict[str, Any]:
    r: dict[str, Any] = {"resourceType": "Observation", "id": oid, "status": "final",
                         "code": cc(LNC, loinc)}
    if when:
        r["effectiveDateTime"] = when
    r.update(value)
    return r


def qty(value: object, unit: str) -> dict[str, Any]:
    return {"valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}}


def med_request(mid: str, concept: dict[str, Any], status: str = "active",
                **dosage: Any) -> dict[str, Any]:
    r: dict[str, Any] = {"resourceType": "MedicationRequest", "id": mid, "status": status,
                         "intent": "order", "medicationCodeableConcept": concept}
    if dosage:
        r["dosageInstruction"] = [dosage]
    return r


def mg(value: float, unit: str = "mg") -> list[dict[str, Any]]:
    return [{"doseQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}}]


ORAL = cc(SCT, "26643006", "Oral route")


def rt_course(pid: str, *, body_site: list[dict[str, Any]] | None = None,
              reason: str | None = None, dose: dict[str, Any] | None = None,
              fractions: int | None = 5, status: str = "completed",
              volumes: int = 1) -> dict[str, Any]:
    subs: list[dict[str, Any]] = [{"url": "volume",
                                   "valueReference": {"reference": "BodyStructure/v1"}}]
    subs.append({"url": "totalDoseDelivered",
                 "valueQuantity": dose or {"value": 2000, "unit": "cGy", "system": UCUM,
                                           "code": "cGy"}})
    if fractions is not None:
        subs.append({"url": "fractionsDelivered", "valueUnsignedInt": fractions})
    r: dict[str, Any] = {
        "resourceType": "Procedure", "id": pid, "status": status,
        "meta": {"profile": [MCODE + "mcode-radiotherapy-course-summary"]},
        "code": cc(SCT, "1217123003", "Radiotherapy course of treatment"),
        "performedPeriod": {"start": "2025-03-01", "end": "2025-03-07"},
        "extension": [{"url": MCODE + "mcode-radiotherapy-dose-delivered-to-volume",
                       "extension": subs}] * volumes,
    }
    if body_site is not None:
        r["bodySite"] = body_site
    if reason:
        r["reasonReference"] = [{"reference": reason}]
    return r
