"""FHIR R4 / mCODE in: a patient Bundle (or a list of resources) to an ``osseous.case/1`` document.

Nothing is guessed. A fact that cannot be mapped exactly stays absent (unknown) and is listed in
the :class:`MappingReport` with the reason, so that a clinician can see what the EHR held and what
Osseous made of it:

* ``used``: each value taken, with the resource it came from and the case field it went to;
* ``ignored``: resources that Osseous does not use (tumour markers, staging, encounters, ...),
  superseded or duplicated observations;
* ``unmapped``: facts that matter to Osseous but could not be mapped (a bone metastasis whose
  site is not coded, an ECOG of -1, a unit the case format does not accept, ...);
* ``old``: values used that are older than their documented maximum age (:mod:`.data_age`).

One mapper module per resource type (:mod:`.patient`, :mod:`.conditions`,
:mod:`.observations`, :mod:`.medications`, :mod:`.procedures`), registered in
:mod:`.registry`; the codes they read are in :mod:`osseous.interop.terminology`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from osseous.core.case import CASE_FORMAT
from osseous.core.errors import InvalidInput
from osseous.core.validation import parse_case
from osseous.interop.mapping import conditions as _conditions  # registers its mapper
from osseous.interop.mapping import medications as _medications
from osseous.interop.mapping import observations as _observations
from osseous.interop.mapping import patient as _patient
from osseous.interop.mapping import procedures as _procedures
from osseous.interop.mapping.collect import collect
from osseous.interop.mapping.common import Builder, Json, MappingReport, MappingResult, Res
from osseous.interop.mapping.data_age import report_old
from osseous.interop.mapping.registry import MAPPERS, ORDER, REFERENCED_ONLY

__all__ = ["MappingReport", "MappingResult", "bundle_to_case"]
_REGISTERED = (_conditions, _medications, _observations, _patient, _procedures)


def bundle_to_case(bundle: dict[str, Any] | list[dict[str, Any]], *,
                   case_id: str | None = None,
                   assessed_on: str | None = None) -> MappingResult:
    """Map a FHIR R4 Bundle (or a list of resources) to an ``osseous.case/1`` document.

    Bad EHR data never makes this fail: what cannot be mapped is left out and reported.
    ``case_id`` and ``assessed_on`` are the caller's, so an invalid one raises
    :class:`~osseous.core.errors.InvalidInput`.
    """
    if case_id is not None or assessed_on is not None:
        own: Json = {"format": CASE_FORMAT}
        if case_id is not None:
            own["id"] = case_id
        if assessed_on is not None:
            own["assessed_on"] = assessed_on
        parse_case(own)

    b = Builder(assessed_on=assessed_on)
    resources = collect(bundle, b)
    by_type: dict[str, list[Res]] = {rtype: [] for rtype in ORDER}
    for res in resources:
        rtype = str(res.resource.get("resourceType"))
        if rtype in by_type:
            by_type[rtype].append(res)
        elif rtype in REFERENCED_ONLY:
            b.ignore(res.label, "read only through references from other resources")
        else:
            b.ignore(res.label, f"resource type {rtype} not used by Osseous")
    for rtype in ORDER:
        MAPPERS[rtype](by_type[rtype], b)
    report_old(b, date.fromisoformat(assessed_on) if assessed_on else date.today())

    case: Json = {"format": CASE_FORMAT}
    chosen_id = case_id if case_id is not None else b.patient_id
    if chosen_id:
        case["id"] = chosen_id
    if assessed_on is not None:
        case["assessed_on"] = assessed_on
    case["patient"] = b.patient
    case["cancer"] = b.cancer
    case["lesions"] = b.lesions
    for key, items in (("labs", b.labs), ("medications", b.medications), ("events", b.events)):
        if items:
            case[key] = items
    case = _final_check(case, b)
    return MappingResult(case, b.report())


def _final_check(case: Json, b: Builder) -> Json:
    """Safety net: drop whatever still fails validation, reporting it (never expected)."""
    for _ in range(50):
        try:
            parse_case(case)
            return case
        except InvalidInput as exc:
            problem = exc.problems[0]
        path = problem.path
        m = re.match(r"^(labs|lesions|medications)\[(\d+)\]", path)
        if m and isinstance(case.get(m.group(1)), list):
            items = case[m.group(1)]
            dropped = items.pop(int(m.group(2)))
            b.unmap("case", f"{path}: {problem.message}; dropped {dropped!r}")
            if not items and m.group(1) != "lesions":
                del case[m.group(1)]
            continue
        parts = path.split(".")
        if len(parts) >= 2 and isinstance(case.get(parts[0]), dict) and parts[1] in case[parts[0]]:
            value = case[parts[0]].pop(parts[1])
            b.unmap("case", f"{path}: {problem.message}; dropped {value!r}")
            continue
        if path in case and path != "format":
            b.unmap("case", f"{path}: {problem.message}; dropped {case.pop(path)!r}")
            continue
        break
    b.unmap("case", "mapped case could not be validated; returning an empty case")
    return {"format": CASE_FORMAT, "patient": {}, "cancer": {}, "lesions": []}
