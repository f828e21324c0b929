"""The registry read behind the cohort analytics (the analytics page and ``GET /analytics``),
with the role policy and the audit record inside, as for the case services of
:mod:`osseous.registry.overview`: aggregates only, so the read is one audit event for the whole
cohort, never one per patient.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from osseous.registry import audit, policy
from osseous.registry import repository as repo
from osseous.registry.audit import Actor
from osseous.registry.policy import Action


def fingerprint(session: Session, actor: Actor) -> tuple[int, int, int]:
    """What changes whenever a case version or a decision is added: aggregates cached under
    it are never stale."""
    policy.check(actor, Action.READ_ANALYTICS)
    return repo.registry_fingerprint(session)


def documents(session: Session, actor: Actor) -> Iterator[dict[str, Any]]:
    """The current document of every case (audited once)."""
    policy.check(actor, Action.READ_ANALYTICS)
    return repo.cohort_documents(session, actor)


def decisions(session: Session, actor: Actor) -> list[tuple[str, str, str | None, date]]:
    """The latest decision on each option of every case (audited once)."""
    policy.check(actor, Action.READ_ANALYTICS)
    return repo.latest_decisions(session, actor)


def served_from_cache(session: Session, actor: Actor) -> None:
    """Record a read of the aggregates answered from the cache (every read is audited)."""
    policy.check(actor, Action.READ_ANALYTICS)
    audit.record(session, actor, "read", "cohort", None, None, detail="aggregate analytics")
