"""Aggregate analytics of the registry: the cohort report, for dashboards and registries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from osseous.analytics import decisions as board
from osseous.analytics import engine
from osseous.analytics.tally import Tally
from osseous.api.deps import Caller, SessionDep, require
from osseous.core.errors import InvalidInput
from osseous.core.validation import parse_case
from osseous.registry import repository as repo

router = APIRouter(tags=["analytics"])
ANALYTICS_ROLES = frozenset({"clinician", "coordinator", "researcher"})


@router.get("/analytics")
def analytics(
    s: SessionDep,
    caller: Annotated[Caller, Depends(require(ANALYTICS_ROLES))],
    scores: Annotated[bool, Query(description="Include the survival scores (slower).")] = True,
) -> dict[str, Any]:
    """Outcomes, quality, pain response, board decisions and (optionally) the survival scores
    over the current document of every case: aggregates only, one audit event."""
    names = ["outcomes", "quality", "pain"] + (["prognosis"] if scores else [])
    cases, invalid = [], 0
    for doc in repo.cohort_documents(s, caller.actor):
        try:
            cases.append(parse_case(doc).case)
        except InvalidInput:
            invalid += 1
    decided = Tally()
    for rec, decision, reason, on in repo.latest_decisions(s, caller.actor):
        board.observe(board.Decision(rec, decision, reason, on), decided)
    return {"format": "osseous.cohort-report/1", "invalid_documents": invalid,
            **engine.finish(engine.tally_cases(cases, names)),
            "decisions": board.finish(decided)}
