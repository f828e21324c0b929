"""What every resource mapper shares: lenient readers of FHIR JSON, the case under construction
and the mapping report.

Input is read leniently, as plain dicts: real EHR exports carry missing fields, wrong types,
duplicate entries and dangling references, and none of that makes the import fail. Every value
put into the case is validated with the case model (:func:`problem`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from osseous.core.case import Case
from osseous.core.validation import problems_from
from osseous.interop.terminology import system_kind

Json = dict[str, Any]


@dataclass(frozen=True)
class MappingReport:
    """What the import used, ignored, and could not map, one entry per fact or resource;
    ``old`` lists the values used that are older than their documented maximum age
    (:mod:`osseous.interop.mapping.data_age`)."""

    used: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    old: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "used": [dict(e) for e in self.used],
            "ignored": [dict(e) for e in self.ignored],
            "unmapped": [dict(e) for e in self.unmapped],
            "old": [dict(e) for e in self.old],
        }


@dataclass(frozen=True)
class MappingResult:
    """An ``osseous.case/1`` document (valid for ``parse_case``) and the mapping report."""

    case: dict[str, Any]
    report: MappingReport


# ---- small lenient readers ----------------------------------------------------------------


def as_dict(value: object) -> Json:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def as_number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def codings_of(concept: object) -> list[tuple[str, str, str]]:
    """(system kind, code, display) of each coding of a CodeableConcept, leniently."""
    out = []
    for coding in as_list(as_dict(concept).get("coding")):
        c = as_dict(coding)
        code = as_str(c.get("code"))
        if code is not None:
            out.append((system_kind(c.get("system")), code, as_str(c.get("display")) or ""))
    return out


def texts_of(concept: object) -> list[str]:
    """The text and each coding display of a CodeableConcept (text first)."""
    c = as_dict(concept)
    texts = [t for t in [as_str(c.get("text"))] if t]
    for coding in as_list(c.get("coding")):
        display = as_str(as_dict(coding).get("display"))
        if display and display not in texts:
            texts.append(display)
    return texts


def shown(concept: object) -> str:
    """A CodeableConcept as a person reads it in a report: its codes, else its text."""
    codes = ", ".join(f"{s} {c}" for s, c, _ in codings_of(concept))
    if codes:
        return codes
    texts = texts_of(concept)
    return repr(texts[0]) if texts else "(no code)"


def has_code(concept: object, code: str) -> bool:
    return any(c == code for _, c, _ in codings_of(concept))


def profiles_of(resource: Json) -> list[str]:
    return [p for p in as_list(as_dict(resource.get("meta")).get("profile"))
            if isinstance(p, str)]


def has_profile(resource: Json, suffix: str) -> bool:
    return any(p.rstrip("/").split("|")[0].endswith(suffix) for p in profiles_of(resource))


_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T|$)")


def fhir_date(value: object) -> str | None:
    """The date part of a FHIR date/dateTime, only when it is a full calendar date."""
    if not isinstance(value, str) or not _FULL_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def effective(resource: Json) -> str | None:
    """The clinically relevant date of an Observation or an administration."""
    for key in ("effectiveDateTime", "effectiveInstant"):
        if key in resource:
            return fhir_date(resource.get(key))
    period = as_dict(resource.get("effectivePeriod"))
    if period:
        return fhir_date(period.get("start")) or fhir_date(period.get("end"))
    return fhir_date(resource.get("issued"))


def words_in(patterns: Iterable[tuple[str, str]], text: str) -> list[str]:
    lowered = text.lower()
    found: list[str] = []
    for pattern, value in patterns:
        if re.search(rf"\b(?:{pattern})\b", lowered) and value not in found:
            found.append(value)
    return found


def extensions(resource: Json, suffix: str) -> list[Json]:
    return [
        e for e in map(as_dict, as_list(resource.get("extension")))
        if isinstance(e.get("url"), str) and e["url"].endswith(suffix)
    ]


# ---- the resources read, the report and the case under construction ----------------------


@dataclass(frozen=True)
class Res:
    """One resource of the input: a label for the report, the resource, the references by
    which others may name it (``Type/id``, its ``fullUrl``)."""

    label: str
    resource: Json
    refs: tuple[str, ...]


class Builder:
    """The case being built, the report being written, and the input's reference index."""

    def __init__(self, index: dict[str, Json] | None = None,
                 assessed_on: str | None = None) -> None:
        self.used: list[dict[str, Any]] = []
        self.ignored: list[dict[str, Any]] = []
        self.unmapped: list[dict[str, Any]] = []
        self.old: list[dict[str, Any]] = []
        self.index: dict[str, Json] = index or {}
        self.assessed_on = assessed_on
        self.patient: Json = {}
        self.cancer: Json = {}
        self.labs: list[Json] = []
        self.lesions: list[Json] = []
        self.medications: list[Json] = []
        self.lesion_sources: dict[str, list[str]] = {}  # condition reference -> lesion ids
        self.events: list[Json] = []
        self.bone_onsets: list[tuple[str, str]] = []  # (onset date, resource label)
        self.patient_id: str | None = None

    def use(self, label: str, path: str, value: object) -> None:
        self.used.append({"resource": label, "as": path, "value": value})

    def ignore(self, label: str, why: str) -> None:
        self.ignored.append({"resource": label, "why": why})

    def unmap(self, label: str, why: str) -> None:
        self.unmapped.append({"resource": label, "why": why})

    def report(self) -> MappingReport:
        return MappingReport(list(self.used), list(self.ignored), list(self.unmapped),
                             list(self.old))


def problem(fragment: Json) -> str | None:
    """Validate a case fragment with the case model; the problems as text, or None.

    The model alone is enough for a fragment (the whole case is checked with ``parse_case``
    at the end), and it is called once per mapped value, so it must stay cheap.
    """
    try:
        Case.model_validate(fragment)
    except ValidationError as exc:
        return "; ".join(str(p) for p in problems_from(exc)) or "invalid"
    return None
