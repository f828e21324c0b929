"""Database connection: SQLite by default (WAL mode), PostgreSQL via psycopg 3 when the URL says
so. ``OSSEOUS_DATABASE_URL`` unset means ``sqlite:///./osseous.db``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from osseous.core.settings import DEFAULT_DATABASE_URL, database_url_from

if TYPE_CHECKING:
    from osseous.registry.group_commit import AuditWriter
    from osseous.registry.pg_async import AsyncReads

DEFAULT_URL: Final = DEFAULT_DATABASE_URL


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else the configured one (``OSSEOUS_DATABASE_URL``, the
    file ``OSSEOUS_DATABASE_URL_FILE`` names, or the SQLite default; see
    :mod:`osseous.core.settings`). A plain ``postgresql://`` URL is given the psycopg 3
    driver."""
    url = url or database_url_from(os.environ)
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_short_wait(dbapi_connection: Any, _record: Any) -> None:
    """The hot reads may run on the event loop (api/hot.py): in WAL mode a reader never waits
    for a writer, and the rare wait (a crash recovery under way) is cut short at 200 ms."""
    dbapi_connection.execute("PRAGMA busy_timeout=200")


def _sqlite_durable(dbapi_connection: Any, _record: Any) -> None:
    """Writers: every commit reaches the disk before it returns (in WAL mode ``NORMAL`` can
    lose the last commits on a power cut). Audit rows are committed in groups
    (:mod:`osseous.registry.group_commit`), so the flush is paid once per group."""
    dbapi_connection.execute("PRAGMA synchronous=FULL")


def make_engine(url: str | None = None, *, read_only: bool = False,
                autocommit: bool = False) -> Engine:
    """An engine; for SQLite, transactions take the write lock at BEGIN unless ``read_only``.
    ``autocommit``: every statement is its own transaction, for reads of one statement
    (:mod:`osseous.registry.hot_path`), without a ping before each use."""
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        if autocommit:
            event.listen(engine, "connect", _no_pysqlite_begin)
            event.listen(engine, "connect", _sqlite_short_wait)
            return engine
        # writers take the lock at BEGIN so concurrent writers queue instead of failing on a
        # lock upgrade; readers never block in WAL mode
        begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        if not read_only:
            event.listen(engine, "connect", _sqlite_durable)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        event.listen(engine, "connect", _no_pysqlite_begin)
        return engine
    if autocommit:
        return create_engine(url, isolation_level="AUTOCOMMIT")
    return create_engine(url, pool_pre_ping=True)


def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
    """Transactions are begun by the engine's own BEGIN (or not at all in autocommit)."""
    dbapi_connection.isolation_level = None


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str | None = None) -> None:
        self.url = database_url(url)
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        sqlite = self.url.startswith("sqlite")
        self.read_engine = make_engine(self.url, read_only=True) if sqlite else self.engine
        self.hot_engine = make_engine(self.url, autocommit=True)
        # no autoflush: an audit row added during a read is committed by the group committer,
        # never inside the read transaction
        self.read_sessions = sessionmaker(self.read_engine, expire_on_commit=False,
                                          autoflush=False)
        self._writer: AuditWriter | None = None
        self._async_reads: AsyncReads | None = None

    @property
    def async_reads(self) -> AsyncReads:
        """PostgreSQL's asyncio connections for the hot reads (opened on first use)."""
        from osseous.registry.pg_async import AsyncReads, conninfo

        if self._async_reads is None:
            self._async_reads = AsyncReads(conninfo(self.url))
        return self._async_reads

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session that only reads (on SQLite it takes no write lock). The audit rows
        recorded in it are committed by the group committer when it closes, before this
        returns (:mod:`osseous.registry.group_commit`)."""
        from osseous.registry.models import AuditEvent

        with self.read_sessions() as session, session.begin():
            yield session
            events = [o for o in session.new if isinstance(o, AuditEvent)]
            for event in events:
                session.expunge(event)
        self.audit_writer.write(events)

    @property
    def audit_writer(self) -> AuditWriter:
        from osseous.registry.group_commit import AuditWriter

        if self._writer is None:
            self._writer = AuditWriter(self)
        return self._writer

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()
        self.hot_engine.dispose()
        if self._async_reads is not None:
            self._async_reads.close()
