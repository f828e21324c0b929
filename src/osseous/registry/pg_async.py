"""A few psycopg asyncio connections for the hot reads on PostgreSQL (api/hot.py).

A worker thread per read cost more CPU than the read (waking the thread and handing the GIL
back and forth), and SQLAlchemy's asyncio layer cost as much again (docs/performance.md);
psycopg's own asyncio connections let the event loop wait for the server at no such cost, and
a stalled server holds no thread. Each statement runs in autocommit (one statement needs no
transaction); a connection the server dropped is replaced and the read repeated once (a read
is safe to repeat); at most :data:`MAX_CONNECTIONS` are open, further reads wait their turn.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

import psycopg
from sqlalchemy.engine import make_url

MAX_CONNECTIONS: Final = 8
#: a statement the server has not answered in this time is cancelled (a stalled server must
#: not hold requests forever)
STATEMENT_TIMEOUT_MS: Final = 5000


def conninfo(sqlalchemy_url: str) -> str:
    """The libpq connection string of a SQLAlchemy ``postgresql+psycopg://`` URL."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class AsyncReads:
    """Pooled psycopg asyncio connections, bound to the event loop that first uses them."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(
            self.dsn, autocommit=True, options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}")

    def _bind(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:  # a new loop (tests): start afresh
            self.close()
            self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
            self._loop = loop
        return self._slots

    def close(self) -> None:
        """Close the idle connections (from any thread: libpq's own close, no loop needed)."""
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.pgconn.finish()

    async def fetchone(self, sql: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row of ``sql``, or None."""
        async with self._bind():
            for attempt in (1, 2):
                conn = self._idle.pop() if self._idle else await self._connect()
                try:
                    cursor = await conn.execute(sql, params)
                    row = await cursor.fetchone()
                except psycopg.OperationalError:
                    await conn.close()
                    if attempt == 2 or not conn.broken:
                        raise
                    continue
                except BaseException:
                    await conn.close()
                    raise
                self._idle.append(conn)
                return row
        return None  # not reached: the second attempt returns or raises
