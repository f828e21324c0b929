"""Typed, immutable results of scores and formulas."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, TypedDict, cast

Status = Literal["complete", "incomplete"]
Number = int | float

_EMPTY: Mapping[str, object] = MappingProxyType({})


class ScoreDoc(TypedDict):
    """One score or formula in the assessment document; a score may add its own fields (for
    example ``possible_bands`` of an incomplete score, documented per score)."""

    score: str
    lesion: str | None
    status: Status
    total: Number | None
    range: list[Number] | None
    band: str | None
    components: dict[str, Number | None]
    missing: list[str]
    notes: list[str]
    references: list[str]


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The result of one score or formula, as the assessment document shows it.

    ``range`` brackets every total still possible when inputs are missing; ``missing`` names each
    missing input by its case path. A complete result has ``range == (total, total)``.
    """

    score: str
    status: Status
    total: Number | None
    range: tuple[Number, Number] | None
    band: str | None
    components: Mapping[str, Number | None]
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    references: tuple[str, ...]
    lesion: str | None = None
    extra: Mapping[str, object] = field(default_factory=lambda: _EMPTY)

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    def to_dict(self) -> ScoreDoc:
        out: dict[str, object] = {
            "score": self.score,
            "lesion": self.lesion,
            "status": self.status,
            "total": self.total,
            "range": list(self.range) if self.range is not None else None,
            "band": self.band,
            "components": dict(self.components),
            "missing": list(self.missing),
            "notes": list(self.notes),
            "references": list(self.references),
        }
        out.update(self.extra)
        return cast(ScoreDoc, out)
