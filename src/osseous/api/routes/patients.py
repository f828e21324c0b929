"""Patients: a pseudonymous id and an optional MRN."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from osseous.api.deps import (
    MAX_INT,
    READ_PATIENT_DATA,
    WRITE_PATIENT_DATA,
    Caller,
    ReadSessionDep,
    SessionDep,
    etag,
    if_match,
    require,
)
from osseous.api.schemas import Page, PatientIn, PatientOut, PatientPatch
from osseous.registry import repository as repo

router = APIRouter(tags=["patients"])
Reader = Annotated[Caller, Depends(require(READ_PATIENT_DATA))]
Writer = Annotated[Caller, Depends(require(WRITE_PATIENT_DATA))]


def _out(p: object) -> PatientOut:
    return PatientOut.model_validate(p, from_attributes=True)


@router.post("/patients", status_code=201)
def create(body: PatientIn, caller: Writer, s: SessionDep, response: Response) -> PatientOut:
    p = repo.create_patient(s, caller.actor, body.pseudonym, body.mrn)
    response.headers["Location"] = f"/patients/{p.id}"
    response.headers["ETag"] = etag(p.version)
    return _out(p)


@router.get("/patients")
def list_(caller: Reader, s: ReadSessionDep, q: str | None = None,
          limit: Annotated[int, Query(ge=1, le=200)] = 50,
          offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0) -> Page:
    rows, total = repo.list_patients(s, caller.actor, q=q, limit=limit, offset=offset)
    return Page(items=[_out(p) for p in rows], total=total, limit=limit, offset=offset)


@router.get("/patients/{patient_id}")
def get(patient_id: str, caller: Reader, s: ReadSessionDep, response: Response) -> PatientOut:
    p = repo.get_patient(s, caller.actor, patient_id)
    response.headers["ETag"] = etag(p.version)
    return _out(p)


@router.patch("/patients/{patient_id}")
def patch(patient_id: str, body: PatientPatch, caller: Writer, s: SessionDep,
          version: Annotated[int, Depends(if_match)], response: Response) -> PatientOut:
    changes = body.model_dump(exclude_unset=True)
    p = repo.update_patient(s, caller.actor, patient_id, version, changes)
    response.headers["ETag"] = etag(p.version)
    return _out(p)
