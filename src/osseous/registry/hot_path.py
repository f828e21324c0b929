"""The reads behind most patient-data traffic, one SQL statement each and no ORM objects.

``GET /cases/{id}`` and ``POST /assess`` are the requests a tumour board and its EHR make most
(docs/performance.md). Through the ORM each paid a session, a transaction (BEGIN and COMMIT:
two more round trips on PostgreSQL), a pool pre-ping, the token read, the case read, the
version read and a JSON decode of the stored document that was then encoded again.

Here the token check is one indexed read (``api_tokens.token_hash`` is unique), and the case
read is the *same* statement: the token, its user, the case and its current document come back
in one row, in one round trip, from one snapshot. Revocation stays immediate (every request
reads the token row) and the document is handed on as the JSON text it is stored as.

A single statement needs no explicit transaction, so these reads run in autocommit on their
own pool; a connection the server dropped (a restarted PostgreSQL) is detected by the failed
statement and the read is retried once on a fresh connection (a read is safe to repeat),
instead of pinging the server before every statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, TypeVar

from sqlalchemy import Text, and_, bindparam, cast, select
from sqlalchemy.exc import DBAPIError

from osseous.registry.db import Database
from osseous.registry.models import ApiToken, Case, CaseVersion, User
from osseous.registry.security import TOKEN_PREFIX, aware, hash_token, utcnow

#: the roles that may read patient data (the registry's role matrix, api/deps.py)
PATIENT_READERS: Final = ("clinician", "coordinator")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TokenUser:
    username: str
    role: str


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A case's row and its current document as stored JSON text."""

    id: str
    patient_id: str
    status: str
    board_date: date | None
    version: int
    current_version: int
    created_at: datetime
    updated_at: datetime
    document: str


_TOKEN = (select(User.username, User.role, ApiToken.expires_at)
          .join(ApiToken, ApiToken.user_id == User.id)
          .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
                 User.active.is_(True)))

# the case is joined only for a role that may read it: nothing of it is fetched otherwise
_TOKEN_AND_CASE = (
    select(User.username, User.role, ApiToken.expires_at, Case.id, Case.patient_id,
           Case.status, Case.board_date, Case.version, Case.current_version, Case.created_at,
           Case.updated_at, cast(CaseVersion.document, Text))
    .select_from(ApiToken)
    .join(User, ApiToken.user_id == User.id)
    .outerjoin(Case, and_(Case.id == bindparam("case_id"),
                          User.role.in_(PATIENT_READERS)))
    .outerjoin(CaseVersion, and_(CaseVersion.case_id == Case.id,
                                 CaseVersion.number == Case.current_version))
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
           User.active.is_(True)))


_PG_TOKEN_AND_CASE: Final = (
    "SELECT u.username, u.role, t.expires_at, c.id, c.patient_id, c.status, c.board_date, "
    "c.version, c.current_version, c.created_at, c.updated_at, v.document::text "
    "FROM api_tokens t JOIN users u ON t.user_id = u.id "
    "LEFT JOIN cases c ON c.id = %(case_id)s AND u.role = ANY(%(readers)s) "
    "LEFT JOIN case_versions v ON v.case_id = c.id AND v.number = c.current_version "
    "WHERE t.token_hash = %(token_hash)s AND t.revoked_at IS NULL AND u.active")


_PG_TOKEN: Final = (
    "SELECT u.username, u.role, t.expires_at FROM api_tokens t JOIN users u "
    "ON t.user_id = u.id "
    "WHERE t.token_hash = %(token_hash)s AND t.revoked_at IS NULL AND u.active")


def _valid_token(token: str) -> bool:
    return token.startswith(TOKEN_PREFIX) and len(token) <= 128


def _user(username: str, role: str, expires_at: datetime | None) -> TokenUser | None:
    if expires_at is not None and aware(expires_at) <= utcnow():
        return None
    return TokenUser(username, role)


def _once_more_on_disconnect(read: Callable[[], T]) -> T:
    """``read()``, repeated once if the pooled connection turned out to be dead."""
    try:
        return read()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    return read()


def token_user(db: Database, token: str) -> TokenUser | None:
    """The active user ``token`` belongs to, or None if unknown, revoked or expired."""
    if not _valid_token(token):
        return None

    def read() -> TokenUser | None:
        with db.hot_engine.connect() as conn:
            row = conn.execute(_TOKEN, {"token_hash": hash_token(token)}).first()
        return None if row is None else _user(row[0], row[1], row[2])

    return _once_more_on_disconnect(read)


def token_user_and_case(db: Database, token: str, case_id: str
                        ) -> tuple[TokenUser | None, CaseRow | None]:
    """The token's user (None if unknown, revoked or expired) and, if that user's role may
    read patient data and the case exists, the case with its current document."""
    if not _valid_token(token):
        return None, None

    def read() -> tuple[TokenUser | None, CaseRow | None]:
        with db.hot_engine.connect() as conn:
            row = conn.execute(_TOKEN_AND_CASE, {"token_hash": hash_token(token),
                                                 "case_id": case_id}).first()
        if row is None:
            return None, None
        user = _user(row[0], row[1], row[2])
        if user is None or row[3] is None:
            return user, None
        assert isinstance(row[11], str)
        return user, CaseRow(row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10],
                             row[11])

    return _once_more_on_disconnect(read)


async def token_user_and_case_async(db: Database, token: str, case_id: str
                                    ) -> tuple[TokenUser | None, CaseRow | None]:
    """:func:`token_user_and_case` on PostgreSQL through psycopg's asyncio connections: the
    event loop waits for the server without a worker thread (:mod:`osseous.registry.pg_async`;
    the same statement as ``_TOKEN_AND_CASE``)."""
    if not _valid_token(token):
        return None, None
    row = await db.async_reads.fetchone(_PG_TOKEN_AND_CASE, {
        "token_hash": hash_token(token), "case_id": case_id, "readers": list(PATIENT_READERS)})
    if row is None:
        return None, None
    user = _user(row[0], row[1], row[2])
    if user is None or row[3] is None:
        return user, None
    return user, CaseRow(*row[3:12])


async def token_user_async(db: Database, token: str) -> TokenUser | None:
    """:func:`token_user` on PostgreSQL through psycopg's asyncio connections."""
    if not _valid_token(token):
        return None
    row = await db.async_reads.fetchone(_PG_TOKEN, {"token_hash": hash_token(token)})
    return None if row is None else _user(row[0], row[1], row[2])
