"""The ``osseous.assessment/1`` document: scores, alerts, recommendations and missing data."""

from __future__ import annotations

from osseous import KNOWLEDGE_VERSION, __version__
from osseous.core.results import ScoreResult
from osseous.plan.document import ASSESSMENT_FORMAT, EngineDoc, NeedsDataDoc

__all__ = ["ASSESSMENT_FORMAT", "engine_info", "needs_data_from_scores"]


def needs_data_from_scores(scores: list[ScoreResult]) -> list[NeedsDataDoc]:
    """One entry per incomplete score, naming the case paths that would complete it."""
    out = []
    for s in scores:
        if s.status == "incomplete" and s.missing:
            entry: NeedsDataDoc = {"for": s.score, "missing": list(s.missing)}
            if s.lesion is not None:
                entry["lesion"] = s.lesion
            out.append(entry)
    return out


def engine_info() -> EngineDoc:
    return {"version": __version__, "knowledge": KNOWLEDGE_VERSION}
