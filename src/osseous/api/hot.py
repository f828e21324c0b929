"""The hot paths of patient data: ``GET /cases/{id}`` and ``POST /assess``.

Revocation is immediate (every request reads its token row) and every audit row is durable
before the answer is sent: the request waits, without holding a thread, for its row to be
committed with those of the other requests in flight (group commit,
:mod:`osseous.registry.group_commit`).

Where the work runs was measured (docs/performance.md, "The API over HTTP"): waking a worker
thread and handing the GIL back and forth cost more than a short job itself (a third of the
CPU of ``GET /cases/{id}``), and a thread does not free the event loop from CPU-bound Python
anyway (it holds the GIL for up to the 5 ms switch interval). So:

- work shorter than that interval runs inline: an indexed SQLite read in WAL mode (readers
  never wait for writers; the hot engine's busy timeout is bounded) and the assessment of a
  small case (at most :data:`INLINE_MAX_LESIONS` lesions in :data:`INLINE_MAX_BYTES`: about
  2 ms of CPU);
- PostgreSQL reads are awaited on psycopg's asyncio connections (a slow server holds no
  thread and not the loop: :mod:`osseous.registry.pg_async`);
- larger assessments run in the bounded pool of heavy jobs (:mod:`osseous.web.offload`).
"""

from __future__ import annotations

from datetime import date
from typing import Final

import orjson
from fastapi import HTTPException, Request, Response

from osseous.api.deps import READ_PATIENT_DATA, database, etag
from osseous.api.schemas import CaseOut
from osseous.core.errors import InvalidInput, Problem
from osseous.core.validation import parse_case
from osseous.plan.engine import assess as assess_case
from osseous.registry import audit, hot_path
from osseous.registry.audit import Actor
from osseous.registry.db import Database
from osseous.registry.errors import NotFound
from osseous.web.offload import heavy
from osseous.web.session import client_address

_UNAUTHORISED: Final = {"WWW-Authenticate": "Bearer"}
#: the largest case assessed inline on the event loop (measured: 20 lesions in a 6 KiB body
#: take about 2 ms of CPU; 100 lesions 9 ms, which go to a worker thread)
INLINE_MAX_BYTES: Final = 8192
INLINE_MAX_LESIONS: Final = 20


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


async def _refuse(request: Request, token: str | None) -> HTTPException:
    """Audit a request refused for want of a valid token (durable before the 401)."""
    why = "no bearer token" if token is None else "token unknown, revoked or expired"
    await database(request).audit_writer.commit([audit.values(
        Actor("anonymous", "none", client_address(request)), "authenticate", "token",
        request.url.path[:128], outcome="denied", detail=why)])
    detail = ("a bearer token is required" if token is None
              else "the token is unknown, revoked or expired")
    return HTTPException(401, detail, headers=_UNAUTHORISED)


async def _forbid(request: Request, actor: Actor) -> HTTPException:
    await database(request).audit_writer.commit([audit.values(
        actor, request.method.lower(), "endpoint", request.url.path, outcome="denied")])
    return HTTPException(403, f"the {actor.role} role may not do this")


async def _user(db: Database, token: str | None) -> hot_path.TokenUser | None:
    if token is None:
        return None
    if _inline_reads(db):
        return hot_path.token_user(db, token)
    return await hot_path.token_user_async(db, token)


async def _user_and_case(db: Database, token: str | None, case_id: str
                         ) -> tuple[hot_path.TokenUser | None, hot_path.CaseRow | None]:
    if token is None:
        return None, None
    if _inline_reads(db):
        return hot_path.token_user_and_case(db, token, case_id)
    return await hot_path.token_user_and_case_async(db, token, case_id)


async def read_case(request: Request, case_id: str) -> Response:
    """``GET /cases/{id}``: the token, the case and its document in one statement; the
    stored document text goes into the answer as it is (it was validated when stored)."""
    db = database(request)
    token = _bearer(request)
    user, row = await _user_and_case(db, token, case_id)
    if user is None:
        raise await _refuse(request, token)
    actor = Actor(user.username, user.role, client_address(request))
    request.state.actor = actor
    if user.role not in READ_PATIENT_DATA:
        raise await _forbid(request, actor)
    if row is None:
        raise NotFound(f"case {case_id} not found")
    body = _case_json(row)
    await db.audit_writer.commit([audit.values(actor, "read", "case", case_id,
                                              row.patient_id)])
    return Response(body, media_type="application/json",
                    headers={"ETag": etag(row.version)})


def _case_json(row: hot_path.CaseRow) -> bytes:
    head = CaseOut(id=row.id, patient_id=row.patient_id, status=row.status,
                   board_date=row.board_date, version=row.version,
                   current_version=row.current_version, created_at=row.created_at,
                   updated_at=row.updated_at).model_dump_json(exclude={"document"})
    return b"".join((head[:-1].encode(), b',"document":', row.document.encode(), b"}"))


def _inline_reads(db: Database) -> bool:
    """Whether the hot reads are SQLite's, on the event loop (else PostgreSQL's asyncio
    connections)."""
    return db.url.startswith("sqlite")


def _body(raw: bytes) -> object:
    if not raw:
        raise InvalidInput([Problem("", "a case document (a JSON object) is required")])
    # the body was checked at the door (api/middleware.py), so this parse cannot fail
    return orjson.loads(raw)


def _small(raw: bytes, data: object) -> bool:
    lesions = data.get("lesions") if isinstance(data, dict) else None
    return len(raw) <= INLINE_MAX_BYTES and (
        not isinstance(lesions, list) or len(lesions) <= INLINE_MAX_LESIONS)


def _assessed(data: object) -> tuple[str | None, bytes]:
    """The case's id and its assessment as JSON (an invalid case raises InvalidInput)."""
    parsed = parse_case(data)
    case = parsed.case
    if not case.assessed_on:
        case = case.model_copy(update={"assessed_on": date.today()})
    return case.id, orjson.dumps(assess_case(case, parsed.ignored_fields))


async def assess(request: Request) -> Response:
    """``POST /assess``: any role may assess a case; nothing is stored but the audit row."""
    db = database(request)
    token = _bearer(request)
    raw = await request.body()
    user = await _user(db, token)
    if user is None:
        raise await _refuse(request, token)
    actor = Actor(user.username, user.role, client_address(request))
    request.state.actor = actor
    data = _body(raw)
    if _small(raw, data):
        case_id, body = _assessed(data)
    else:  # a large case: in the bounded pool of heavy jobs
        case_id, body = await heavy(request, _assessed, data)
    await db.audit_writer.commit([audit.values(actor, "assess", "stateless", case_id)])
    return Response(body, media_type="application/json")
