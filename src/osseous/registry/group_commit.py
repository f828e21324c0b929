"""Group commit of audit rows: the rows of concurrent requests are inserted in one transaction
by one writer thread, and each request waits until its rows are committed before it answers.

Every read of patient data leaves an audit row that must be durable before the response
(issue 14). Committing each row in its own transaction queued every read behind SQLite's
single writer (``GET /cases/{id}`` p99 636 ms at eight connections); one commit for all the
rows waiting at that moment keeps the guarantee and pays the commit once per batch (the
technique of database write-ahead logs: Gray and Reuter, *Transaction Processing*, 1993,
9.4.7 "group commit"). When a batch fails, each request's rows are committed on their
own, so a request fails only for its own rows.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert

from osseous.registry.db import Database
from osseous.registry.models import AuditEvent

#: the most rows one transaction inserts (a larger backlog is committed in several)
MAX_BATCH = 500
_COLUMNS = ("at", "username", "role", "action", "resource", "resource_id", "patient_id",
            "client", "outcome", "detail")


@dataclass
class _Pending:
    rows: list[dict[str, Any]]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None
    #: set when an event loop awaits the commit (:meth:`AuditWriter.commit`)
    future: asyncio.Future[None] | None = None

    def finish(self) -> None:
        self.done.set()
        future = self.future
        if future is not None:
            future.get_loop().call_soon_threadsafe(_resolve, future, self.error)


def _resolve(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():  # the awaiting request was cancelled (its client went away)
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


class AuditWriter:
    """One writer thread per database; :meth:`write` blocks until the rows are committed."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def write(self, events: list[AuditEvent]) -> None:
        """Commit ``events`` (new, unattached rows); returns once they are durable."""
        if not events:
            return
        pending = _Pending(_rows(events))
        self._start()
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    async def commit(self, rows: list[dict[str, Any]]) -> None:
        """Commit audit ``rows`` (:func:`osseous.registry.audit.values`) from a coroutine:
        the request waits without holding a thread."""
        if not rows:
            return
        pending = _Pending(rows, future=asyncio.get_running_loop().create_future())
        self._start()
        self._queue.put(pending)
        assert pending.future is not None
        await pending.future

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="audit-group-commit",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            size = len(batch[0].rows)
            while size < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
                size += len(batch[-1].rows)
            try:
                self._insert([r for p in batch for r in p.rows])
            except Exception as exc:
                if len(batch) == 1:
                    batch[0].error = exc
                else:  # one request's rows must not fail the others': commit each alone
                    for p in batch:
                        try:
                            self._insert(p.rows)
                        except Exception as alone:
                            p.error = alone
            for p in batch:
                p.finish()

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(_INSERT, rows)


_INSERT = insert(AuditEvent.__table__)  # type: ignore[arg-type]


def _rows(events: list[AuditEvent]) -> list[dict[str, Any]]:
    return [{c: getattr(e, c) for c in _COLUMNS} for e in events]
