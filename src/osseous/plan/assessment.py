"""The ``osseous.assessment/1`` document: scores, alerts, recommendations and missing data."""

from __future__ import annotations

from typing import Any, Final

from osseous import KNOWLEDGE_VERSION, __version__
from osseous.core.case import Case
from osseous.core.results import ScoreResult

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


def document_head(case: Case) -> dict[str, Any]:
    """The fields every assessment document starts with."""
    return {
        "format": ASSESSMENT_FORMAT,
        "case": case.id,
        "assessed_on": case.assessed_on.isoformat() if case.assessed_on else None,
        "engine": engine_info(),
    }
