"""The ``osseous.assessment/1`` document: scores, alerts, recommendations and missing data."""

from __future__ import annotations

from typing import Any, Final

from osseous import KNOWLEDGE_VERSION, __version__
from osseous.core.case import Case
from osseous.core.results import ScoreResult
from osseous.scores.catalog import score_case

ASSESSMENT_FORMAT: Final = "osseous.assessment/1"


def needs_data_from_scores(scores: list[ScoreResult]) -> list[dict[str, Any]]:
    """One entry per incomplete score, naming the case paths that would complete it."""
    out = []
    for s in scores:
        if s.status == "incomplete" and s.missing:
            entry: dict[str, Any] = {"for": s.score, "missing": list(s.missing)}
            if s.lesion is not None:
                entry["lesion"] = s.lesion
            out.append(entry)
    return out


def engine_info() -> dict[str, str]:
    return {"version": __version__, "knowledge": KNOWLEDGE_VERSION}


def scores_document(case: Case, ignored_fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """The assessment document with its ``scores`` section (no plan)."""
    scores = score_case(case)
    doc: dict[str, Any] = {
        "format": ASSESSMENT_FORMAT,
        "case": case.id,
        "assessed_on": case.assessed_on.isoformat() if case.assessed_on else None,
        "engine": engine_info(),
        "scores": [s.to_dict() for s in scores],
        "alerts": [],
        "recommendations": [],
        "needs_data": needs_data_from_scores(scores),
    }
    if ignored_fields:
        doc["ignored_fields"] = list(ignored_fields)
    return doc
