"""The audit trail: who read or changed which patient data, when, from where, with what outcome.

Rows are only ever inserted; the database refuses updates and deletes (migration 0001)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from osseous.registry.models import AuditEvent
from osseous.registry.security import utcnow


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: the user (or a system process), their role, and the client address."""

    username: str
    role: str
    client: str | None = None


SYSTEM = Actor("system", "admin", "local")


def event(actor: Actor, action: str, resource: str, resource_id: str | None = None,
          patient_id: str | None = None, outcome: str = "ok",
          detail: str | None = None) -> AuditEvent:
    """An audit row, not yet stored."""
    return AuditEvent(**values(actor, action, resource, resource_id, patient_id, outcome,
                             detail))


def values(actor: Actor, action: str, resource: str, resource_id: str | None = None,
           patient_id: str | None = None, outcome: str = "ok",
           detail: str | None = None) -> dict[str, Any]:
    """The columns of an audit row, for the group committer
    (:meth:`osseous.registry.group_commit.AuditWriter.commit`)."""
    return {"at": utcnow(), "username": actor.username, "role": actor.role, "action": action,
            "resource": resource, "resource_id": _storable(resource_id),
            "patient_id": _storable(patient_id), "client": actor.client, "outcome": outcome,
            "detail": _storable(detail)}


def _storable(text: str | None) -> str | None:
    """``text`` as the database can store it: a NUL (which PostgreSQL refuses) or a lone
    surrogate (no UTF-8 form) from a probing request is written as U+FFFD, so the row of a
    hostile request is still written."""
    if text is None:
        return None
    text = text.replace("\x00", "\ufffd")
    if any("\ud800" <= c <= "\udfff" for c in text):
        text = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


def record(session: Session, actor: Actor, action: str, resource: str,
           resource_id: str | None = None, patient_id: str | None = None,
           outcome: str = "ok", detail: str | None = None) -> None:
    session.add(event(actor, action, resource, resource_id, patient_id, outcome, detail))


def query(session: Session, *, username: str | None = None, patient_id: str | None = None,
          resource: str | None = None, since: datetime | None = None, limit: int = 100,
          offset: int = 0) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if username:
        stmt = stmt.where(AuditEvent.username == username)
    if patient_id:
        stmt = stmt.where(AuditEvent.patient_id == patient_id)
    if resource:
        stmt = stmt.where(AuditEvent.resource == resource)
    if since:
        stmt = stmt.where(AuditEvent.at >= since)
    return list(session.scalars(stmt.limit(limit).offset(offset)))
