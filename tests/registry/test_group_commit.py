"""Group commit of audit rows (registry/group_commit.py): every row committed before its
request goes on, and a row that cannot be stored fails only its own request."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import func, select

from osseous.registry import audit
from osseous.registry.audit import Actor
from osseous.registry.db import Database
from osseous.registry.group_commit import AuditWriter, _Pending
from osseous.registry.models import AuditEvent

ACTOR = Actor("clinician-user", "clinician", "192.0.2.1")


def _count(db: Database) -> int:
    with db.read_session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_rows_of_concurrent_requests_are_all_committed(db: Database) -> None:
    writer = AuditWriter(db)

    async def requests() -> None:
        await asyncio.gather(*(writer.commit([audit.values(ACTOR, "read", "case", f"c{i}")])
                               for i in range(40)))

    asyncio.run(requests())
    threads = [threading.Thread(target=writer.write,
                                args=([audit.event(ACTOR, "read", "case", f"t{i}")],))
               for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _count(db) == 60


def test_a_bad_row_fails_only_its_own_request(db: Database) -> None:
    writer = AuditWriter(db)
    good = _Pending([audit.values(ACTOR, "read", "case", "good")])
    bad = _Pending([{**audit.values(ACTOR, "read", "case", "bad"), "at": None}])  # NOT NULL
    also_good = _Pending([audit.values(ACTOR, "read", "case", "also-good")])
    for p in (good, bad, also_good):  # queued before the writer starts: one batch
        writer._queue.put(p)
    writer._start()
    for p in (good, bad, also_good):
        assert p.done.wait(10)
    assert good.error is None and also_good.error is None and bad.error is not None
    with db.read_session() as s:
        assert sorted(s.scalars(select(AuditEvent.resource_id))) == ["also-good", "good"]


def test_a_failed_commit_reaches_the_waiting_request(db: Database) -> None:
    writer = AuditWriter(db)
    with pytest.raises(Exception):  # noqa: B017 (the driver's own integrity error)
        writer.write([AuditEvent(**{**audit.values(ACTOR, "read", "case"), "at": None})])

    async def one() -> None:
        await writer.commit([{**audit.values(ACTOR, "read", "case"), "at": None}])

    with pytest.raises(Exception):  # noqa: B017
        asyncio.run(one())
    assert _count(db) == 0


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b", "\udfff"])
def test_hostile_text_is_stored_readably(db: Database, text: str) -> None:
    """A probing request's path can hold a NUL or a lone surrogate; its row is still written
    (PostgreSQL refuses NUL; a surrogate has no UTF-8 form)."""
    AuditWriter(db).write([audit.event(ACTOR, "get", "endpoint", text, text, detail=text)])
    with db.read_session() as s:
        row = s.scalars(select(AuditEvent)).one()
    assert row.resource_id == row.patient_id == row.detail == text.replace(
        "\x00", "\ufffd").replace("\ud800", "\ufffd").replace("\udfff", "\ufffd")
