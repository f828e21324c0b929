"""FHIR in and out: import a Bundle as a case (with its mapping report); a stored case's latest
assessment as a FHIR R4 Bundle."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from sqlalchemy import select

from osseous.api.deps import READ_PATIENT_DATA, WRITE_PATIENT_DATA, Caller, SessionDep, require
from osseous.interop.fhir_in import bundle_to_case
from osseous.interop.fhir_out import assessment_to_fhir
from osseous.plan.document import as_assessment
from osseous.registry import repository as repo
from osseous.registry.errors import NotFound
from osseous.registry.models import Assessment

router = APIRouter(tags=["fhir"])


@router.post("/fhir/import", status_code=201)
def fhir_import(bundle: Annotated[dict[str, Any], Body()],
                caller: Annotated[Caller, Depends(require(WRITE_PATIENT_DATA))],
                s: SessionDep) -> dict[str, Any]:
    """Map a FHIR R4 / mCODE Bundle to an osseous.case/1 case and store it (idempotent by
    case id). The mapping report says what was used, ignored and could not be mapped."""
    mapped = bundle_to_case(bundle)
    case, outcome = repo.import_case(s, caller.actor, mapped.case)
    return {"case": case.id, "outcome": outcome, "document": mapped.case,
            "report": mapped.report.to_dict()}


@router.get("/cases/{case_id}/assessment.fhir")
def assessment_fhir(case_id: str, caller: Annotated[Caller, Depends(require(READ_PATIENT_DATA))],
                    s: SessionDep) -> dict[str, Any]:
    """The latest stored assessment as a FHIR R4 Bundle (GuidanceResponse, RequestGroup,
    Observations, DetectedIssues)."""
    case, _ = repo.get_case(s, caller.actor, case_id)
    row = s.scalar(select(Assessment).where(Assessment.case_id == case_id)
                   .order_by(Assessment.id.desc()).limit(1))
    if row is None:
        raise NotFound(f"case {case_id} has no stored assessment (POST its assessment first)")
    return assessment_to_fhir(as_assessment(row.document),
                              patient_reference=f"Patient/{case.patient_id}",
                              case_version=row.case_version)
