"""Aggregate analytics of the registry: the cohort report, for dashboards and registries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from osseous.analytics import catalogue, disclosure, engine
from osseous.analytics import decisions as board
from osseous.api.deps import READ_ANALYTICS, Caller, SessionDep, require
from osseous.registry import cohort, policy

router = APIRouter(tags=["analytics"])


@router.get("/analytics")
def analytics(
    request: Request,
    s: SessionDep,
    caller: Annotated[Caller, Depends(require(READ_ANALYTICS))],
    scores: Annotated[bool, Query(description="Include the survival scores (slower).")] = True,
) -> dict[str, Any]:
    """Outcomes, quality, pain response, board decisions and (optionally) the survival scores
    over the current document of every case: aggregates only, one audit event, never the
    free text of a decision; for researchers, cells of fewer than ``OSSEOUS_SMALL_CELL``
    patients (5 by default) are suppressed."""
    tallies, invalid = engine.tally_documents(cohort.documents(s, caller.actor),
                                              catalogue.analyses(scores))
    decided = board.tally_decisions(cohort.decisions(s, caller.actor))
    report = {**engine.finish(tallies), "decisions": board.finish(decided)}
    if policy.aggregates_only(caller.user.role):  # aggregates of at least k patients
        report = disclosure.suppress(report, request.app.state.settings.small_cell)
    return {"format": "osseous.cohort-report/1", "invalid_documents": invalid, **report}


@router.get("/analytics/catalogue")
def analytics_catalogue(
    caller: Annotated[Caller, Depends(require(READ_ANALYTICS))],
) -> dict[str, Any]:
    """The analyses and plots there are, with their titles and options: the catalogue the
    command line (``osseous cohort catalogue``) and the analytics page iterate."""
    return catalogue.describe()
