"""Health, readiness, the citation registry, the rules, and the stateless calculators."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request, Response
from sqlalchemy import text

from osseous import KNOWLEDGE_VERSION, __version__
from osseous.api import hot, problems
from osseous.api.deps import ANY_ROLE, Caller, database, require
from osseous.core.case import Case
from osseous.core.validation import parse_case
from osseous.knowledge.citations import CITATIONS
from osseous.plan.engine import rules as all_rules
from osseous.scores.catalog import BY_ID, SCORES
from osseous.scores.formulas import FORMULAS

router = APIRouter()
CaseBody = Annotated[dict[str, Any], Body(description="An osseous.case/1 document")]


@router.get("/health", tags=["system"])
def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok", "version": __version__, "knowledge": KNOWLEDGE_VERSION}


@router.get("/ready", tags=["system"], responses=problems.responses(503))
def ready(request: Request) -> dict[str, str]:
    """The database answers."""
    try:
        with database(request).session() as s:
            s.execute(text("SELECT 1"))
    except Exception as exc:
        raise HTTPException(503, "the database is not reachable") from exc
    return {"status": "ready"}


@router.get("/references", tags=["knowledge"])
def references() -> list[dict[str, str | None]]:
    """The citation registry: id, full citation, DOI, PMID, URL."""
    return [c.to_dict() for c in CITATIONS.values()]


@router.get("/rules", tags=["knowledge"])
def rules() -> list[dict[str, object]]:
    """Every rule of the plan: id, family, version, references, logic in words."""
    return [r.to_dict() for r in all_rules()]


def _with_date(case: Case) -> Case:
    return case if case.assessed_on else case.model_copy(update={"assessed_on": date.today()})


@router.post("/assess", tags=["assessment"],
             responses={200: {"description": "An osseous.assessment/1 document",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
             response_class=Response,
             openapi_extra={"requestBody": {
                 "required": True, "description": "An osseous.case/1 document",
                 "content": {"application/json": {"schema": {"type": "object"}}}}})
async def assess(request: Request) -> Response:
    """Assess a case without storing anything (any role)."""
    return await hot.assess(request)


@router.get("/scores", tags=["calculators"])
def scores() -> list[dict[str, object]]:
    """Every score and formula, with its inputs and references."""
    rows: list[dict[str, object]] = [
        {"id": s.id, "name": s.name, "per": s.per, "inputs": list(s.inputs),
         "references": list(s.references)} for s in SCORES]
    rows += [{"id": k, "name": f.name, "per": "formula", "inputs": list(f.inputs),
              "references": list(f.references)} for k, f in FORMULAS.items()]
    return rows


@router.post("/scores/{name}", tags=["calculators"])
def score(name: str, body: Annotated[dict[str, Any], Body()],
          caller: Annotated[Caller, Depends(require(ANY_ROLE))]) -> Any:
    """One score from a case document (lesion scores give one result per lesion), or a formula
    from its parameters."""
    if name in FORMULAS:
        return FORMULAS[name].run(body)
    info = BY_ID.get(name)
    if info is None:
        raise HTTPException(404, f"no score or formula {name!r}")
    parsed = parse_case(body)
    return [r.to_dict() for r in info.compute(_with_date(parsed.case))]


@router.post("/triage", tags=["assessment"])
def triage(answers: Annotated[dict[str, Any], Body(
               description="Answers to the triage questions: true, false or null (unknown)")],
           caller: Annotated[Caller, Depends(require(ANY_ROLE))]) -> dict[str, Any]:
    """Symptom triage: the urgency, what to do now and why; unanswered red flags are listed."""
    from osseous.plan.triage import parse_answers
    from osseous.plan.triage import triage as run_triage

    return run_triage(parse_answers(answers))
