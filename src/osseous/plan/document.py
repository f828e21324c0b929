"""The ``osseous.assessment/1`` document as types: what :func:`osseous.plan.engine.assess`
returns and every face of the product (work-up, CLI text, PDF, FHIR, CDS Hooks, pages,
registry) reads.

The document is a tree of ``TypedDict`` s rather than classes converted to JSON at the edges: at
run time it *is* the JSON-ready dictionary (no second conversion on the hot path, which the
plan's performance budget has no room for), while strict mypy checks every key a consumer reads
or writes, so a renamed field fails the type check instead of a page at run time. Documents read
back from storage or from a client enter the typed world through :func:`as_assessment`, which
checks the format.

Field meanings are documented in ``docs/case-format.md`` (the assessment document).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NotRequired, TypedDict, cast

from osseous.core.errors import InvalidInput, Problem
from osseous.core.results import ScoreDoc

__all__ = ["ASSESSMENT_FORMAT", "AlertDoc", "Assessment", "EngineDoc", "NeedsDataDoc",
           "NomsDoc", "OptionDoc", "ProblemDoc", "ProblemStatus", "RecommendationDoc",
           "RemovedDoc", "Role", "ScoreDoc", "UrgencyName", "WorkupDoc", "WorkupItemDoc",
           "as_assessment"]

ASSESSMENT_FORMAT: Literal["osseous.assessment/1"] = "osseous.assessment/1"

UrgencyName = Literal["emergency", "urgent", "routine"]
StrengthName = Literal["recommended", "consider", "not-recommended"]
SeverityName = Literal["critical", "warning", "info"]
Role = Literal["preferred", "alternative", "choose-one", "adjunct", "after"]
ProblemStatus = Literal["active", "declined", "no-deliverable-option", "work-up"]


class EngineDoc(TypedDict):
    version: str
    knowledge: str


class NomsDoc(TypedDict):
    lesion: str
    neurologic: dict[str, Any]
    oncologic: dict[str, Any]
    mechanical: dict[str, Any]
    systemic: dict[str, Any]
    references: list[str]


class AlertDoc(TypedDict):
    id: str
    severity: SeverityName
    message: str
    lesion: str | None
    based_on: dict[str, object]
    references: list[str]


class RecommendationDoc(TypedDict):
    id: str
    modality: str
    lesion: str | None
    title: str
    strength: StrengthName
    urgency: UrgencyName
    rationale: str
    based_on: dict[str, object]
    details: dict[str, object]
    references: list[str]


class RemovedDoc(TypedDict):
    id: str
    lesion: str | None
    modality: str
    title: str
    reason: str
    declined: bool


class OptionDoc(TypedDict):
    recommendation: str
    lesion: str | None
    title: str
    strength: StrengthName
    urgency: UrgencyName
    role: Role
    group: str | None


class NotRecommendedDoc(TypedDict):
    recommendation: str
    title: str


class ProblemDoc(TypedDict):
    id: str
    kind: str
    title: str
    lesion: str | None
    urgency: UrgencyName
    status: ProblemStatus
    note: str | None
    alerts: list[str]
    options: list[OptionDoc]
    not_recommended: list[NotRecommendedDoc]
    removed: list[RemovedDoc]
    conflicts: list[dict[str, object]]
    sequence: list[dict[str, object]]


class WorkupItemDoc(TypedDict):
    id: str
    investigation: str
    kind: Literal["imaging", "laboratory", "examination", "assessment"]
    urgency: UrgencyName
    reason: str
    unlocks: list[str]
    lesions: NotRequired[list[str]]
    references: NotRequired[list[str]]


class WorkupDoc(TypedDict):
    format: str
    items: list[WorkupItemDoc]
    max_age_days: dict[str, int]


# ``for`` is a Python keyword: the functional form is the only way to name the field
#: a score or rule that cannot decide (``for``), and the case paths it needs
NeedsDataDoc = TypedDict("NeedsDataDoc", {"for": str, "missing": list[str],
                                          "reason": NotRequired[str],
                                          "lesion": NotRequired[str]})


class Assessment(TypedDict):
    """The whole document (``osseous.assessment/1``)."""

    format: Literal["osseous.assessment/1"]
    case: str | None
    assessed_on: str | None
    engine: EngineDoc
    scores: list[ScoreDoc]
    noms: list[NomsDoc]
    patient_state: dict[str, Any]
    alerts: list[AlertDoc]
    problems: list[ProblemDoc]
    recommendations: list[RecommendationDoc]
    removed: list[RemovedDoc]
    needs_data: list[NeedsDataDoc]
    workup: NotRequired[WorkupDoc]
    ignored_fields: NotRequired[list[str]]
    trace: NotRequired[list[dict[str, Any]]]


_REQUIRED = ("case", "assessed_on", "engine", "scores", "alerts", "recommendations",
             "needs_data")


def as_assessment(data: Mapping[str, Any], where: str = "assessment") -> Assessment:
    """A document read back from storage or sent by a client, checked to be an
    ``osseous.assessment/1`` document before it is read as one.

    Documents stored before ``problems``, ``noms``, ``patient_state`` and ``removed`` existed
    get them as empty, so every reader can rely on the keys (an empty list, never a missing
    key)."""
    if data.get("format") != ASSESSMENT_FORMAT:
        raise InvalidInput([Problem(f"{where}.format",
                                    f"expected '{ASSESSMENT_FORMAT}'")])
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise InvalidInput([Problem(f"{where}.{k}", "required in an assessment document")
                            for k in missing])
    doc = dict(data)
    for key in ("problems", "noms", "removed"):
        doc.setdefault(key, [])
    doc.setdefault("patient_state", {})
    return cast(Assessment, doc)
