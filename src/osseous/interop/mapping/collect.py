"""Collecting the resources of the input: nested Bundles opened, duplicates reported, and an
index by every key another resource may use to refer to one (``Type/id``, an absolute URL,
a ``urn:uuid:`` fullUrl; :mod:`osseous.interop.references`)."""

from __future__ import annotations

from typing import Any

from osseous.interop.mapping.common import Builder, Json, Res, as_list, as_str
from osseous.interop.references import reference_key, resource_keys

#: Bundles inside Bundles are opened this deep, no deeper.
MAX_DEPTH = 4


def _flatten(bundle: object, b: Builder) -> list[tuple[Json, str | None, str]]:
    """(resource, fullUrl, position) of every resource, nested Bundles opened."""
    out: list[tuple[Json, str | None, str]] = []

    def walk(entries: list[Any], where: str, depth: int) -> None:
        for i, entry in enumerate(entries):
            pos = f"{where}{i}"
            if not isinstance(entry, dict):
                b.unmap(f"entry {pos}", f"entry is not an object ({type(entry).__name__})")
                continue
            resource = entry.get("resource") if "resource" in entry else entry
            full_url = as_str(entry.get("fullUrl")) if "resource" in entry else None
            if not isinstance(resource, dict) or not as_str(resource.get("resourceType")):
                b.unmap(f"entry {pos}", "entry has no resource with a resourceType")
                continue
            if resource.get("resourceType") == "Bundle" and depth < MAX_DEPTH:
                walk(as_list(resource.get("entry")), f"{pos}.", depth + 1)
                continue
            out.append((resource, full_url, pos))

    if isinstance(bundle, list):
        walk(bundle, "", 0)
    elif isinstance(bundle, dict) and bundle.get("resourceType") == "Bundle":
        walk(as_list(bundle.get("entry")), "", 0)
    elif isinstance(bundle, dict):
        walk([bundle], "", 0)
    else:
        b.unmap("input", f"expected a FHIR Bundle or a list of resources, got "
                         f"{type(bundle).__name__}")
    return out


def collect(bundle: object, b: Builder) -> list[Res]:
    """Every resource once (a repeated ``Type/id`` is reported), and ``b.index`` filled."""
    seen: dict[str, Json] = {}
    resources: list[Res] = []
    for resource, full_url, pos in _flatten(bundle, b):
        rtype = str(resource["resourceType"]).strip()
        rid = as_str(resource.get("id"))
        label = f"{rtype}/{rid}" if rid else f"{rtype} (entry {pos})"
        if rid:
            key = f"{rtype}/{rid}"
            if key in seen:
                if seen[key] == resource:
                    b.ignore(label, f"duplicate of an earlier entry (entry {pos})")
                else:
                    b.unmap(label, f"a different resource with the same id appears earlier; "
                                   f"only the first is used (entry {pos})")
                continue
            seen[key] = resource
        refs = resource_keys(resource, full_url)
        resources.append(Res(label, resource, refs))
        for ref in refs:
            b.index.setdefault(ref, resource)
    return resources


def resolve(b: Builder, reference: object) -> Json | None:
    """The resource a reference names within the input (any of the three forms)."""
    key = reference_key(reference)
    return b.index.get(key) if key else None
