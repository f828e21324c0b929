"""What rules produce: recommendations, alerts, needs-data and not-applicable findings.

Findings are built with keywords only: ten positional arguments are a place for a swapped
title and rationale to hide."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from osseous.plan.document import AlertDoc, RecommendationDoc

Family = Literal[
    "radiotherapy", "bone-modifying-agent", "interventional", "surgery", "radiopharmaceutical",
    "systemic-therapy", "supportive-care",
]
#: the treatment families, in the order a plan is shown (case-format.md)
FAMILIES: Final[tuple[Family, ...]] = (
    "radiotherapy", "bone-modifying-agent", "interventional", "surgery", "radiopharmaceutical",
    "systemic-therapy", "supportive-care",
)
RuleFamily = Family | Literal["alerts"]
Strength = Literal["recommended", "consider", "not-recommended"]
Urgency = Literal["emergency", "urgent", "routine"]
Severity = Literal["critical", "warning", "info"]
URGENCY_ORDER: Final = {"emergency": 0, "urgent": 1, "routine": 2}
SEVERITY_ORDER: Final = {"critical": 0, "warning": 1, "info": 2}
STRENGTH_ORDER: Final = {"recommended": 0, "consider": 1, "not-recommended": 2}

Facts = Mapping[str, object]


@dataclass(frozen=True, slots=True, kw_only=True)
class Recommendation:
    """One option for the tumour board, with the facts it rests on and its sources."""

    id: str
    modality: Family
    title: str
    strength: Strength
    urgency: Urgency
    rationale: str
    based_on: Facts
    references: tuple[str, ...]
    lesion: str | None = None
    details: Mapping[str, object] = field(default_factory=dict)

    def to_dict(self) -> RecommendationDoc:
        return {"id": self.id, "modality": self.modality, "lesion": self.lesion,
                "title": self.title, "strength": self.strength, "urgency": self.urgency,
                "rationale": self.rationale, "based_on": dict(self.based_on),
                "details": dict(self.details), "references": list(self.references)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """Something that cannot wait, or must not be missed."""

    id: str
    severity: Severity
    message: str
    references: tuple[str, ...]
    lesion: str | None = None
    based_on: Facts = field(default_factory=dict)

    def to_dict(self) -> AlertDoc:
        return {"id": self.id, "severity": self.severity, "message": self.message,
                "lesion": self.lesion, "based_on": dict(self.based_on),
                "references": list(self.references)}


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedsData:
    """The rule cannot decide without these case paths."""

    missing: tuple[str, ...]
    reason: str
    lesion: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NotApplicable:
    """The rule looked and does not apply; the facts say why (for the trace)."""

    reason: str
    based_on: Facts = field(default_factory=dict)
    lesion: str | None = None


Finding = Recommendation | Alert | NeedsData | NotApplicable
