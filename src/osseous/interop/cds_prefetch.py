"""The CDS Hooks prefetch: templates with filters, and gathering the data a hook needs.

Templates follow the specification's recommended query subset: type-level search with a
reference parameter, token filters (``code``, ``category``), ``_sort`` and ``_count``; EHRs such
as Epic refuse an Observation search without a category or code. Each key's value is read as
the specification defines it:

* absent: the client did not (or could not) prefetch it: Osseous fetches it from ``fhirServer``;
* ``null``: there is no data;
* an OperationOutcome: the client could not get it: an error, never read as "no data"
  (Osseous fetches it itself, and answers 412 if it cannot);
* a searchset Bundle: its entries, following ``link[next]`` up to a bounded number of pages;
  a record larger than that is a 412, never a silent first page.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

from osseous.interop.fhir_client import Fetch, FetchFailed, FetchPolicy, fill
from osseous.interop.terminology import PREFETCH_LOINC

_LOINC = ",".join(f"http://loinc.org|{c}" for c in PREFETCH_LOINC)
PREFETCH: Final = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}&_count=200",
    "observations": f"Observation?patient={{{{context.patientId}}}}&code={_LOINC}"
                    "&_sort=-date&_count=200",
    "medications": "MedicationRequest?patient={{context.patientId}}&_count=200",
    "statements": "MedicationStatement?patient={{context.patientId}}&_count=200",
    "administrations": "MedicationAdministration?patient={{context.patientId}}"
                       "&_sort=-effective-time&_count=200",
    "procedures": "Procedure?patient={{context.patientId}}"
                  "&code=http://snomed.info/sct|1217123003&_count=100",
}


class MissingData(Exception):
    """The request lacks data the service needs and it could not be fetched (HTTP 412)."""


class BadRequest(Exception):
    """The request body does not follow the CDS Hooks specification (HTTP 400)."""


def _outcome_text(value: dict[str, Any]) -> str:
    issues = value.get("issue")
    for issue in issues if isinstance(issues, list) else []:
        if isinstance(issue, dict):
            text = issue.get("diagnostics") or (issue.get("details") or {}).get("text")
            if isinstance(text, str) and text:
                return text[:200]
    return "an OperationOutcome"


def _entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle.get("entry") or []
            if isinstance(e, dict) and isinstance(e.get("resource"), dict)
            and (e.get("search") or {}).get("mode") != "outcome"]


def _next(bundle: dict[str, Any]) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and isinstance(
                link.get("url"), str):
            url: str = link["url"]
            return url
    return None


def _read(key: str, value: Any, fetch: Fetch | None, policy: FetchPolicy
          ) -> list[dict[str, Any]]:
    """The resources of one prefetch value, following its pages."""
    if value is None:
        return []
    if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
        raise BadRequest(f"prefetch {key!r} must be a FHIR resource, a Bundle or null")
    if value["resourceType"] == "OperationOutcome":
        raise FetchFailed(f"the client's prefetch {key!r} is an error ({_outcome_text(value)})")
    if value["resourceType"] != "Bundle":
        return [value]
    resources = _entries(value)
    page, link = 1, _next(value)
    while link is not None:
        if page >= policy.max_pages:
            raise MissingData(f"{key}: the record has more than {policy.max_pages} pages; "
                              "Osseous does not judge a record it cannot read whole")
        if fetch is None:
            raise MissingData(f"{key}: the prefetch has further pages and the FHIR server "
                              "cannot be reached to read them")
        try:
            value = fetch(link)
        except FetchFailed as exc:
            raise MissingData(f"{key}: page {page + 1} could not be read: {exc}") from None
        if value.get("resourceType") != "Bundle":
            raise MissingData(f"{key}: page {page + 1} is not a Bundle")
        resources.extend(_entries(value))
        page, link = page + 1, _next(value)
    return resources


def gather(request: dict[str, Any], context: dict[str, Any], fetch: Fetch | str | None,
           policy: FetchPolicy) -> list[dict[str, Any]]:
    """Every resource the services read: prefetch, else fetched, else :class:`MissingData`.

    ``fetch`` is the FHIR server fetcher, or the reason there is none. The keys that must be
    fetched are fetched concurrently, at most ``policy.max_concurrency`` at a time.
    """
    prefetch = request.get("prefetch")
    if prefetch is None:
        prefetch = {}
    if not isinstance(prefetch, dict):
        raise BadRequest("prefetch must be an object")
    usable = fetch if callable(fetch) else None
    why_not = fetch if isinstance(fetch, str) else "the request gives no fhirServer"
    resources: list[dict[str, Any]] = []
    to_fetch: list[tuple[str, str]] = []
    for key, template in PREFETCH.items():
        if key in prefetch:
            try:
                resources.extend(_read(key, prefetch[key], usable, policy))
                continue
            except FetchFailed as exc:  # an OperationOutcome: fetch it ourselves
                if usable is None:
                    raise MissingData(f"{exc}, and it cannot be fetched: {why_not}") from None
        to_fetch.append((key, fill(template, context)))
    if to_fetch and usable is None:
        keys = ", ".join(k for k, _ in to_fetch)
        raise MissingData(f"prefetch {keys} missing and not fetched: {why_not}")

    def one(item: tuple[str, str]) -> list[dict[str, Any]]:
        key, query = item
        assert usable is not None
        try:
            value = usable(query)
        except FetchFailed as exc:
            raise MissingData(f"{key} could not be fetched: {exc}") from None
        try:
            return _read(key, value, usable, policy)
        except FetchFailed as exc:
            raise MissingData(str(exc)) from None

    if to_fetch:
        with ThreadPoolExecutor(max_workers=max(1, policy.max_concurrency)) as pool:
            for found in pool.map(one, to_fetch):
                resources.extend(found)
    return resources
