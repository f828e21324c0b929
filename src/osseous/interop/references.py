"""FHIR references in the three forms real exports use, reduced to one key.

A reference may be relative (``Patient/123``), absolute (``https://ehr.example/fhir/Patient/123``,
allowed by FHIR R4 §3.1.1.2 and by the Bulk Data IG), versioned (``Patient/123/_history/2``) or a
``urn:uuid:`` / ``urn:oid:`` that names a ``fullUrl`` inside the same Bundle or export. All are
reduced to a key: ``Type/id`` for the first three, the URN itself for the last.
"""

from __future__ import annotations

import re
from typing import Any, Final

#: ``[base/]Type/id[/_history/vid]`` (R4 §3.1.1.2: the type is a resource name, the id
#: ``[A-Za-z0-9\-\.]{1,64}``); matched from the end of the string, so a base URL of any shape
#: is allowed.
_TYPE_ID: Final = re.compile(
    r"(?:^|/)([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\-.]{1,64})(?:/_history/[A-Za-z0-9\-.]{1,64})?$")


def reference_key(reference: object) -> str | None:
    """``Type/id`` of a relative, absolute or versioned reference; the URN of a ``urn:``
    reference; None for anything else (a contained ``#id``, an empty or odd string)."""
    if not isinstance(reference, str):
        return None
    ref = reference.strip()
    if len(ref) > 2048 or not ref:
        return None
    if ref.lower().startswith("urn:"):
        return ref
    m = _TYPE_ID.search(ref)
    return f"{m.group(1)}/{m.group(2)}" if m else None


def resource_keys(resource: dict[str, Any], full_url: object = None) -> tuple[str, ...]:
    """The keys by which other resources may refer to this one."""
    keys: list[str] = []
    rtype, rid = resource.get("resourceType"), resource.get("id")
    if isinstance(rtype, str) and isinstance(rid, str) and rid.strip():
        keys.append(f"{rtype.strip()}/{rid.strip()}")
    url_key = reference_key(full_url)
    if url_key and url_key not in keys:
        keys.append(url_key)
    return tuple(keys)


def subject_reference(resource: dict[str, Any]) -> str | None:
    """The key of the patient a resource is about (``subject``, else ``patient``)."""
    for field in ("subject", "patient"):
        ref = resource.get(field)
        if isinstance(ref, dict):
            key = reference_key(ref.get("reference"))
            if key is not None:
                return key
    return None
