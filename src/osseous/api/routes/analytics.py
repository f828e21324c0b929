"""Aggregate analytics of the registry: the cohort report, for dashboards and registries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from osseous.analytics import decisions as board
from osseous.analytics import engine
from osseous.api.deps import Caller, SessionDep, require
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
    tallies, invalid = engine.tally_documents(repo.cohort_documents(s, caller.actor), names)
    decided = board.tally_decisions(repo.latest_decisions(s, caller.actor))
    return {"format": "osseous.cohort-report/1", "invalid_documents": invalid,
            **engine.finish(tallies), "decisions": board.finish(decided)}
