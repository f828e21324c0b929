"""An ``osseous.assessment/1`` document as a FHIR R4 ``Bundle`` (type ``collection``).

The bundle holds, for one assessment:

- one ``GuidanceResponse``: the outcome of running the Osseous plan module on the case
  (``success``, or ``data-requested`` when ``needs_data`` is not empty);
- one ``RequestGroup`` (``draft`` / ``proposal``) with one ``action`` per recommendation;
- one ``Observation`` per score (``final`` when complete, ``preliminary`` otherwise);
- one ``DetectedIssue`` per alert;
- one ``OperationOutcome`` (the ``GuidanceResponse.evaluationMessage``, which R4 types as
  ``Reference(OperationOutcome)``) summarising the alerts;
- when data are missing, one ``Parameters`` resource (``GuidanceResponse.outputParameters``)
  listing the missing case paths.

Every entry has a deterministic ``urn:uuid:`` ``fullUrl`` (UUID 5 of the case, its date, its
version and the resource id), and every reference between entries uses that ``fullUrl``, so the
bundle is self-contained apart from the patient reference the caller supplies. Codes that have no
standard terminology (score ids, bands, modalities, strengths, alert ids) use local code systems
under :data:`CODE_SYSTEM_BASE`.

:func:`validate_bundle` checks the bundle and each resource against the ``fhir.resources`` R4B
models, and that every ``urn:uuid:`` reference resolves inside the bundle.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from osseous.knowledge.citations import CITATIONS
from osseous.plan.document import Assessment
from osseous.scores.catalog import SCORES

MODULE_URI: Final = "https://osseous.example/modules/plan"
CODE_SYSTEM_BASE: Final = "https://osseous.example/CodeSystem"
EXTENSION_BASE: Final = "https://osseous.example/StructureDefinition"

CS_SCORE: Final = f"{CODE_SYSTEM_BASE}/score"
CS_SCORE_COMPONENT: Final = f"{CODE_SYSTEM_BASE}/score-component"
CS_SCORE_BAND: Final = f"{CODE_SYSTEM_BASE}/score-band"
CS_ESCC_GRADE: Final = f"{CODE_SYSTEM_BASE}/escc-grade"
CS_MODALITY: Final = f"{CODE_SYSTEM_BASE}/modality"
CS_RECOMMENDATION: Final = f"{CODE_SYSTEM_BASE}/recommendation"
CS_STRENGTH: Final = f"{CODE_SYSTEM_BASE}/strength"
CS_ALERT: Final = f"{CODE_SYSTEM_BASE}/alert"

EXT_STRENGTH: Final = f"{EXTENSION_BASE}/recommendation-strength"
EXT_LESION: Final = f"{EXTENSION_BASE}/lesion"
EXT_DETAILS: Final = f"{EXTENSION_BASE}/recommendation-details"
EXT_DETECTED_ISSUE: Final = f"{EXTENSION_BASE}/detected-issue"

IDENTIFIER_SYSTEM: Final = "https://osseous.example/assessment"
UCUM: Final = "http://unitsofmeasure.org"
DATA_ABSENT_REASON: Final = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

#: GuidanceResponse.status when the case lacks data: R4 ``data-requested`` means "processed
#: successfully, but more data may result in a more complete evaluation", which is what an
#: Osseous assessment with ``needs_data`` is (``data-required`` means it was *not* processed).
STATUS_NEEDS_DATA: Final = "data-requested"

PRIORITY: Final[Mapping[str, str]] = {"emergency": "stat", "urgent": "urgent",
                                      "routine": "routine"}
SEVERITY: Final[Mapping[str, str]] = {"critical": "high", "warning": "moderate", "info": "low"}
_OUTCOME_SEVERITY: Final[Mapping[str, str]] = {"critical": "error", "warning": "warning",
                                               "info": "information"}
_PRIORITY_RANK: Final = ("stat", "asap", "urgent", "routine")
#: Osseous units -> UCUM codes (the display keeps the Osseous spelling)
_UCUM_CODES: Final[Mapping[str, str]] = {"mL/min": "mL/min", "mg/dL": "mg/dL",
                                         "mg/day": "mg/d", "mg/d": "mg/d"}

_ID_BAD = re.compile(r"[^A-Za-z0-9\-.]+")
_ID_MAX: Final = 64
_CASE_PART_MAX: Final = 40  # room for "obs-" + "-v<version>" + "-<n>"
_UUID_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "https://osseous.example/fhir")


class FhirValidationError(ValueError):
    """The bundle is not valid FHIR R4 (R4B models) or not self-contained; says where."""


# --- ids and references ---------------------------------------------------------------------


def _case_part(case_id: str) -> str:
    """The case id made safe for a FHIR id; altered or shortened ids get a hash suffix so that
    different cases never share resource ids."""
    clean = _ID_BAD.sub("-", case_id).strip("-.") or "case"
    if clean == case_id and len(clean) <= _CASE_PART_MAX:
        return clean
    digest = hashlib.sha256(case_id.encode()).hexdigest()[:8]
    return f"{clean[:_CASE_PART_MAX - 9]}-{digest}"


class _Ids:
    """Resource ids and ``urn:uuid`` full URLs for one assessment."""

    def __init__(self, case_id: str, assessed_on: str, case_version: int | None) -> None:
        part = _case_part(case_id)
        self._stem = part if case_version is None else f"{part}-v{case_version}"
        self._seed = f"{case_id}|{assessed_on}|{case_version}"

    def id(self, prefix: str, n: int | None = None) -> str:
        rid = f"{prefix}-{self._stem}" if n is None else f"{prefix}-{self._stem}-{n}"
        return rid[:_ID_MAX]

    def full_url(self, resource_type: str, rid: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_UUID_NAMESPACE, f'{self._seed}|{resource_type}/{rid}')}"


def _ref(full_url: str, display: str | None = None) -> dict[str, Any]:
    ref: dict[str, Any] = {"reference": full_url}
    if display:
        ref["display"] = display
    return ref


# --- small datatypes ------------------------------------------------------------------------


def _concept(system: str, code: str, display: str | None = None,
             text: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    concept: dict[str, Any] = {"coding": [coding]}
    if text:
        concept["text"] = text
    return concept


def _citation_url(ref_id: str) -> str | None:
    cit = CITATIONS.get(ref_id)
    if cit is None:
        return None
    if cit.doi:
        return f"https://doi.org/{cit.doi}"
    if cit.url:
        return cit.url
    if cit.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{cit.pmid}/"
    return None


def _related_artifact(ref_id: str) -> dict[str, Any]:
    cit = CITATIONS.get(ref_id)
    if cit is None:
        raise ValueError(f"reference {ref_id!r} is not in the citation registry")
    artifact: dict[str, Any] = {"type": "citation", "label": ref_id, "citation": cit.text}
    url = _citation_url(ref_id)
    if url:
        artifact["url"] = url
    return artifact


def _number(value: float) -> int | float:
    """JSON numbers as FHIR decimals: keep ints, round floats to avoid binary noise."""
    return value if isinstance(value, int) else round(value, 6)


def _quantity(value: float, unit: str | None) -> dict[str, Any]:
    qty: dict[str, Any] = {"value": _number(value)}
    if unit:
        qty["unit"] = unit
        ucum = _UCUM_CODES.get(unit)
        if ucum:
            qty["system"] = UCUM
            qty["code"] = ucum
    return qty


# --- Observations (scores) ------------------------------------------------------------------

_SCORE_NAMES: Final[Mapping[str, str]] = {info.id: info.name for info in SCORES}


def _score_name(score_id: str) -> str:
    return _SCORE_NAMES.get(score_id, score_id)


def _component(score_id: str, name: str, value: object) -> dict[str, Any]:
    comp: dict[str, Any] = {"code": _concept(CS_SCORE_COMPONENT, f"{score_id}.{name}", name)}
    if isinstance(value, bool):
        comp["valueBoolean"] = value
    elif isinstance(value, int):
        comp["valueInteger"] = value
    elif isinstance(value, float):
        comp["valueQuantity"] = _quantity(value, None)
    elif isinstance(value, str):
        comp["valueString"] = value
    else:
        comp["dataAbsentReason"] = _concept(DATA_ABSENT_REASON, "unknown", "Unknown")
    return comp


def _band_concept(score_id: str, band: str) -> dict[str, Any]:
    return _concept(CS_SCORE_BAND, f"{score_id}.{band}", band, text=band)


def _method_text(score: Mapping[str, Any]) -> str:
    refs = [str(r) for r in score.get("references") or []]
    name = _score_name(str(score["score"]))
    return f"{name}; references: {', '.join(refs)}" if refs else name


def _score_value(score: Mapping[str, Any]) -> dict[str, Any]:
    """The ``value[x]`` of a complete score (empty if it has no value)."""
    score_id = str(score["score"])
    total = score.get("total")
    band = score.get("band")
    if score_id == "escc" and score.get("grade") is not None:
        grade = str(score["grade"])
        return {"valueCodeableConcept": _concept(CS_ESCC_GRADE, grade, f"ESCC {grade}",
                                                 text=f"ESCC grade {grade}")}
    if isinstance(total, bool) or total is None:
        if band is not None:
            return {"valueCodeableConcept": _band_concept(score_id, str(band))}
        return {}
    unit = score.get("unit")
    if isinstance(total, int) and not unit:
        return {"valueInteger": total}
    if isinstance(total, int | float):
        return {"valueQuantity": _quantity(total, str(unit) if unit else None)}
    return {"valueString": str(total)}


def _incomplete_note(score: Mapping[str, Any]) -> str:
    missing = [str(m) for m in score.get("missing") or []]
    text = "incomplete: missing " + (", ".join(missing) if missing else "inputs")
    rng = score.get("range")
    if isinstance(rng, list | tuple) and len(rng) == 2:
        text += f"; total still possible {rng[0]}-{rng[1]}"
    bands = score.get("possible_bands")
    if bands:
        text += "; possible bands " + ", ".join(str(b) for b in bands)
    return text


def _observation(score: Mapping[str, Any], rid: str, subject: dict[str, Any],
                 assessed_on: str) -> dict[str, Any]:
    score_id = str(score["score"])
    complete = score.get("status") == "complete"
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": rid,
        "status": "final" if complete else "preliminary",
        "code": _concept(CS_SCORE, score_id, _score_name(score_id), text=_score_name(score_id)),
        "subject": subject,
        "effectiveDateTime": str(score.get("follow_up") or assessed_on),
        "method": {"text": _method_text(score)},
    }
    lesion = score.get("lesion")
    if lesion is not None:
        obs["bodySite"] = {"text": f"lesion {lesion}"}
    notes: list[str] = []
    value = _score_value(score) if complete else {}
    if value:
        obs.update(value)
    else:
        obs["dataAbsentReason"] = _concept(DATA_ABSENT_REASON, "unknown", "Unknown")
    if not complete:
        notes.append(_incomplete_note(score))
    band = score.get("band")
    if band is not None:
        obs["interpretation"] = [_band_concept(score_id, str(band))]
        notes.append(f"band: {band}")
    notes.extend(str(n) for n in score.get("notes") or [])
    components = score.get("components") or {}
    if components:
        obs["component"] = [_component(score_id, str(k), v) for k, v in components.items()]
    if notes:
        obs["note"] = [{"text": n} for n in notes]
    return obs


# --- DetectedIssues (alerts) ----------------------------------------------------------------


def _evidence_scores(alert: Mapping[str, Any],
                     observations: Sequence[tuple[Mapping[str, Any], str]]) -> list[str]:
    """Full URLs of the score Observations an alert is based on (same lesion, score named in
    ``based_on``)."""
    keys = [str(k).replace("_", "-") for k in (alert.get("based_on") or {})]
    found: list[str] = []
    for score, full_url in observations:
        sid = str(score["score"])
        if score.get("lesion") != alert.get("lesion"):
            continue
        if any(k == sid or k.startswith(sid + "-") for k in keys):
            found.append(full_url)
    return found


def _detected_issue(alert: Mapping[str, Any], rid: str, patient: dict[str, Any],
                    assessed_on: str, evidence: list[str]) -> dict[str, Any]:
    alert_id = str(alert["id"])
    severity = str(alert.get("severity"))
    if severity not in SEVERITY:
        raise ValueError(f"alert {alert_id!r}: unknown severity {severity!r}")
    lesion = alert.get("lesion")
    issue: dict[str, Any] = {
        "resourceType": "DetectedIssue",
        "id": rid,
        "status": "preliminary",
        "code": _concept(CS_ALERT, alert_id, alert_id,
                         text=f"{alert_id} (lesion {lesion})" if lesion else alert_id),
        "severity": SEVERITY[severity],
        "patient": patient,
        "identifiedDateTime": assessed_on,
        "detail": str(alert["message"]),
    }
    if evidence:
        issue["evidence"] = [{"detail": [_ref(u) for u in evidence]}]
    for ref_id in alert.get("references") or []:
        url = _citation_url(str(ref_id))
        if url:
            issue["reference"] = url
            break
    return issue


# --- RequestGroup actions (recommendations) -------------------------------------------------


def _action(rec: Mapping[str, Any]) -> dict[str, Any]:
    rec_id = str(rec["id"])
    urgency = str(rec.get("urgency"))
    if urgency not in PRIORITY:
        raise ValueError(f"recommendation {rec_id!r}: unknown urgency {urgency!r}")
    strength = str(rec["strength"])
    modality = str(rec["modality"])
    extensions: list[dict[str, Any]] = [
        {"url": EXT_STRENGTH, "valueCoding": {"system": CS_STRENGTH, "code": strength,
                                              "display": strength}},
    ]
    lesion = rec.get("lesion")
    if lesion is not None:
        extensions.append({"url": EXT_LESION, "valueString": str(lesion)})
    details = rec.get("details")
    if details:
        extensions.append({"url": EXT_DETAILS,
                           "valueString": json.dumps(details, sort_keys=True, default=str)})
    action: dict[str, Any] = {
        "id": _ID_BAD.sub("-", rec_id),
        "extension": extensions,
        "title": str(rec["title"]),
        "description": str(rec["rationale"]),
        "textEquivalent": f"{strength}: {rec['title']}",
        "priority": PRIORITY[urgency],
        "code": [_concept(CS_MODALITY, modality, modality),
                 _concept(CS_RECOMMENDATION, rec_id, rec_id),
                 _concept(CS_STRENGTH, strength, strength)],
        "documentation": [_related_artifact(str(r)) for r in rec.get("references") or []],
    }
    return action


# --- the bundle -----------------------------------------------------------------------------


def _needs_data_parameters(needs: Sequence[Mapping[str, Any]], rid: str) -> dict[str, Any]:
    params: list[dict[str, Any]] = []
    for need in needs:
        parts: list[dict[str, Any]] = [{"name": "for", "valueString": str(need["for"])}]
        if need.get("lesion") is not None:
            parts.append({"name": "lesion", "valueString": str(need["lesion"])})
        parts.extend({"name": "missing", "valueString": str(m)}
                     for m in need.get("missing") or [])
        if need.get("reason"):
            parts.append({"name": "reason", "valueString": str(need["reason"])})
        params.append({"name": "needs-data", "part": parts})
    return {"resourceType": "Parameters", "id": rid, "parameter": params}


def _needs_data_note(needs: Sequence[Mapping[str, Any]]) -> str:
    lines = []
    for need in needs:
        where = f" (lesion {need['lesion']})" if need.get("lesion") is not None else ""
        missing = ", ".join(str(m) for m in need.get("missing") or [])
        lines.append(f"- {need['for']}{where}: {missing}")
    return "More data would complete the assessment:\n" + "\n".join(lines)


def _outcome(alerts: Sequence[Mapping[str, Any]], rid: str) -> dict[str, Any]:
    issues: list[dict[str, Any]]
    if not alerts:
        issues = [{"severity": "information", "code": "informational",
                   "diagnostics": "no alerts"}]
    else:
        issues = [{"severity": _OUTCOME_SEVERITY[str(a["severity"])], "code": "informational",
                   "details": _concept(CS_ALERT, str(a["id"]), str(a["id"]),
                                       text=str(a["message"]))}
                  for a in alerts]
    return {"resourceType": "OperationOutcome", "id": rid, "issue": issues}


def _overall_priority(actions: Sequence[Mapping[str, Any]]) -> str | None:
    present = {str(a["priority"]) for a in actions}
    return next((p for p in _PRIORITY_RANK if p in present), None)


def assessment_to_fhir(assessment: Assessment, *, patient_reference: str,
                       case_version: int | None = None) -> dict[str, Any]:
    """The assessment as a FHIR R4 ``Bundle`` of type ``collection`` (a plain JSON dict).

    ``patient_reference`` is the subject of every resource (e.g. ``Patient/123`` on the EHR's
    server); it is the one reference the bundle does not resolve itself.
    """
    if not patient_reference or not patient_reference.strip():
        raise ValueError("patient_reference is required")
    case_id = str(assessment["case"])
    assessed_on = str(assessment["assessed_on"])
    ids = _Ids(case_id, assessed_on, case_version)
    subject = {"reference": patient_reference}

    entries: list[tuple[str, dict[str, Any]]] = []

    def add(resource: dict[str, Any]) -> str:
        full_url = ids.full_url(str(resource["resourceType"]), str(resource["id"]))
        entries.append((full_url, resource))
        return full_url

    scores: list[Mapping[str, Any]] = list(assessment.get("scores") or [])
    alerts: list[Mapping[str, Any]] = list(assessment.get("alerts") or [])
    recs: list[Mapping[str, Any]] = list(assessment.get("recommendations") or [])
    needs: list[Mapping[str, Any]] = list(assessment.get("needs_data") or [])

    rg_id, gr_id = ids.id("rg"), ids.id("gr")
    rg_url = ids.full_url("RequestGroup", rg_id)
    gr_url = ids.full_url("GuidanceResponse", gr_id)
    identifier = {"system": IDENTIFIER_SYSTEM,
                  "value": case_id if case_version is None else f"{case_id}/v{case_version}"}

    observations = [(s, add(_observation(s, ids.id("obs", n), subject, assessed_on)))
                    for n, s in enumerate(scores, start=1)]
    issue_urls = [add(_detected_issue(a, ids.id("di", n), subject, assessed_on,
                                      _evidence_scores(a, observations)))
                  for n, a in enumerate(alerts, start=1)]
    outcome_url = add(_outcome(alerts, ids.id("oo")))
    params_url = add(_needs_data_parameters(needs, ids.id("params"))) if needs else None

    actions = [_action(r) for r in recs]
    request_group: dict[str, Any] = {
        "resourceType": "RequestGroup",
        "id": rg_id,
        "identifier": [identifier],
        "instantiatesUri": [MODULE_URI],
        "status": "draft",
        "intent": "proposal",
        "subject": subject,
        "authoredOn": assessed_on,
    }
    priority = _overall_priority(actions)
    if priority:
        request_group["priority"] = priority
    if actions:
        request_group["action"] = actions

    engine = assessment.get("engine") or {}
    notes = [{"text": f"Osseous engine {engine.get('version', 'unknown')}, knowledge "
                      f"{engine.get('knowledge', 'unknown')}; format "
                      f"{assessment.get('format', 'osseous.assessment/1')}"}]
    if needs:
        notes.append({"text": _needs_data_note(needs)})
    guidance: dict[str, Any] = {
        "resourceType": "GuidanceResponse",
        "id": gr_id,
        "identifier": [identifier],
        "moduleUri": MODULE_URI,
        "status": STATUS_NEEDS_DATA if needs else "success",
        "subject": subject,
        "occurrenceDateTime": assessed_on,
        "evaluationMessage": [_ref(outcome_url)],
        "result": _ref(rg_url),
        "note": notes,
    }
    if issue_urls:
        guidance["extension"] = [{"url": EXT_DETECTED_ISSUE, "valueReference": _ref(u)}
                                 for u in issue_urls]
    if params_url:
        guidance["outputParameters"] = _ref(params_url)

    head = [(gr_url, guidance), (rg_url, request_group)]
    bundle = {
        "resourceType": "Bundle",
        "id": ids.id("bundle"),
        "identifier": identifier,
        "type": "collection",
        "entry": [{"fullUrl": url, "resource": res} for url, res in head + entries],
    }
    return copy.deepcopy(bundle)  # no dict shared between resources (e.g. the subject)


# --- validation -----------------------------------------------------------------------------

_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_OBSERVATION_STATUS: Final = frozenset({"registered", "preliminary", "final", "amended",
                                        "corrected", "cancelled", "entered-in-error", "unknown"})
_REQUEST_PRIORITY: Final = frozenset(_PRIORITY_RANK)
#: required bindings of the coded elements this module writes (R4); the R4B models check
#: structure and cardinality, not these
_REQUIRED_CODES: Final[Mapping[tuple[str, str], frozenset[str]]] = {
    ("GuidanceResponse", "status"): frozenset({"success", "data-requested", "data-required",
                                               "in-progress", "failure", "entered-in-error"}),
    ("RequestGroup", "status"): frozenset({"draft", "active", "on-hold", "revoked", "completed",
                                           "entered-in-error", "unknown"}),
    ("RequestGroup", "intent"): frozenset({"proposal", "plan", "directive", "order",
                                           "original-order", "reflex-order", "filler-order",
                                           "instance-order", "option"}),
    ("RequestGroup", "priority"): _REQUEST_PRIORITY,
    ("Observation", "status"): _OBSERVATION_STATUS,
    ("DetectedIssue", "status"): _OBSERVATION_STATUS,
    ("DetectedIssue", "severity"): frozenset({"high", "moderate", "low"}),
}
#: reference targets R4 allows, for the references this module writes between entries
_REFERENCE_TARGETS: Final[Mapping[tuple[str, str], frozenset[str]]] = {
    ("GuidanceResponse", "result"): frozenset({"CarePlan", "RequestGroup"}),
    ("GuidanceResponse", "evaluationMessage"): frozenset({"OperationOutcome"}),
    ("GuidanceResponse", "outputParameters"): frozenset({"Parameters"}),
}


def _references(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("reference")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def _rule_problems(resource: Mapping[str, Any], types_by_url: Mapping[str, str]) -> list[str]:
    """Required code bindings, ``obs-6`` and reference target types, which the models skip."""
    rtype = str(resource.get("resourceType"))
    problems = [f"{element} {resource[element]!r} is not in its required value set"
                for (rt, element), allowed in _REQUIRED_CODES.items()
                if rt == rtype and element in resource and resource[element] not in allowed]
    if rtype == "RequestGroup":
        problems.extend(f"action[{i}].priority {a['priority']!r} is not a request priority"
                        for i, a in enumerate(resource.get("action") or [])
                        if "priority" in a and a["priority"] not in _REQUEST_PRIORITY)
    if rtype == "Observation" and "dataAbsentReason" in resource and any(
            k.startswith("value") for k in resource):
        problems.append("obs-6: dataAbsentReason is only allowed when there is no value")
    for (rt, element), allowed in _REFERENCE_TARGETS.items():
        if rt != rtype or element not in resource:
            continue
        for ref in _references(resource[element]):
            target = types_by_url.get(ref, ref.split("/")[0] if "/" in ref else "")
            if target not in allowed:
                problems.append(f"{element} must reference {' | '.join(sorted(allowed))}, "
                                f"not {target or ref}")
    return problems


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Validate the bundle and each of its resources with the ``fhir.resources`` R4B models.

    Beyond the models, it checks what they leave out for the elements this module writes: ids
    match the FHIR id pattern, full URLs are unique, every ``urn:uuid:`` reference resolves
    inside the bundle and to a resource type the element allows, required code bindings hold and
    an Observation does not carry both a value and a ``dataAbsentReason``. Raises
    :class:`FhirValidationError` naming the first problem found.
    """
    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        raise FhirValidationError(f"Bundle: {exc}") from exc
    entries: list[dict[str, Any]] = list(bundle.get("entry") or [])
    types_by_url: dict[str, str] = {}
    for i, entry in enumerate(entries):
        resource = entry.get("resource") or {}
        rtype = str(resource.get("resourceType"))
        where = f"entry[{i}] {rtype}/{resource.get('id')}"
        try:
            model = get_fhir_model_class(rtype)
        except (KeyError, ValueError) as exc:
            raise FhirValidationError(f"{where}: unknown resource type") from exc
        try:
            model.model_validate(resource)
        except ValidationError as exc:
            raise FhirValidationError(f"{where}: {exc}") from exc
        if not _FHIR_ID.fullmatch(str(resource.get("id", ""))):
            raise FhirValidationError(f"{where}: id does not match the FHIR id pattern")
        full_url = entry.get("fullUrl")
        if not full_url or full_url in types_by_url:
            raise FhirValidationError(f"{where}: missing or duplicate fullUrl {full_url!r}")
        types_by_url[full_url] = rtype
    for i, entry in enumerate(entries):
        resource = entry["resource"]
        where = f"entry[{i}] {resource['resourceType']}/{resource.get('id')}"
        # not the resource itself: DetectedIssue.reference is a uri, not a Reference
        for ref in _references(list(resource.values())):
            if ref.startswith("urn:uuid:") and ref not in types_by_url:
                raise FhirValidationError(f"{where}: reference {ref} is not in the bundle")
        problems = _rule_problems(resource, types_by_url)
        if problems:
            raise FhirValidationError(f"{where}: {'; '.join(problems)}")
