"""The audit trail, read-only, for administrators."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from osseous.api.deps import ADMIN, MAX_INT, Caller, SessionDep, require
from osseous.api.schemas import AuditOut
from osseous.registry import audit

router = APIRouter(tags=["audit"])


@router.get("/audit")
def audit_events(caller: Annotated[Caller, Depends(require(ADMIN))], s: SessionDep,
                 username: str | None = None, patient_id: str | None = None,
                 resource: str | None = None, since: datetime | None = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                 offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0) -> list[AuditOut]:
    """Audit events, newest first. There is no endpoint to change or delete them."""
    rows = audit.query(s, username=username, patient_id=patient_id, resource=resource,
                       since=since, limit=limit, offset=offset)
    audit.record(s, caller.actor, "read", "audit")
    return [AuditOut.model_validate(r, from_attributes=True) for r in rows]
