"""The hot paths of patient data: ``GET /cases/{id}`` and ``POST /assess``.

Each request makes one hop to a worker thread (the token check, the read or the assessment,
and the serialisation of the answer) and then waits, without holding a thread, for its audit
row to be committed with those of the other requests in flight (group commit,
:mod:`osseous.registry.group_commit`). Revocation is immediate (every request reads its token
row) and every audit row is durable before the answer is sent. The measurements that led here
are in docs/performance.md ("The API over HTTP").
"""

from __future__ import annotations

from datetime import date
from typing import Final

import orjson
from fastapi import HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from osseous.api.deps import READ_PATIENT_DATA, database, etag
from osseous.api.schemas import CaseOut
from osseous.core.errors import InvalidInput, Problem
from osseous.core.validation import parse_case
from osseous.plan.engine import assess as assess_case
from osseous.registry import audit, hot_path
from osseous.registry.audit import Actor
from osseous.registry.errors import NotFound
from osseous.web.session import client_address

_UNAUTHORISED: Final = {"WWW-Authenticate": "Bearer"}


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


async def read_case(request: Request, case_id: str) -> Response:
    """``GET /cases/{id}``: the token, the case and its document in one statement; the
    stored document text goes into the answer as it is (it was validated when stored)."""
    db = database(request)
    token = _bearer(request)

    def read() -> tuple[hot_path.TokenUser | None, hot_path.CaseRow | None, bytes]:
        if token is None:
            return None, None, b""
        user, row = hot_path.token_user_and_case(db, token, case_id)
        if row is None:
            return user, None, b""
        head = CaseOut(id=row.id, patient_id=row.patient_id, status=row.status,
                       board_date=row.board_date, version=row.version,
                       current_version=row.current_version, created_at=row.created_at,
                       updated_at=row.updated_at).model_dump_json(exclude={"document"})
        return user, row, b"".join((head[:-1].encode(), b',"document":',
                                    row.document.encode(), b"}"))

    user, row, body = await run_in_threadpool(read)
    if user is None:
        raise await _refuse(request, token)
    actor = Actor(user.username, user.role, client_address(request))
    request.state.actor = actor
    if user.role not in READ_PATIENT_DATA:
        raise await _forbid(request, actor)
    if row is None:
        raise NotFound(f"case {case_id} not found")
    await db.audit_writer.commit([audit.values(actor, "read", "case", case_id,
                                              row.patient_id)])
    return Response(body, media_type="application/json",
                    headers={"ETag": etag(row.version)})


def _body(raw: bytes) -> object:
    if not raw:
        raise InvalidInput([Problem("", "a case document (a JSON object) is required")])
    # the body was checked at the door (api/middleware.py), so this parse cannot fail
    return orjson.loads(raw)


async def assess(request: Request) -> Response:
    """``POST /assess``: any role may assess a case; nothing is stored but the audit row."""
    db = database(request)
    token = _bearer(request)
    raw = await request.body()

    def run() -> tuple[hot_path.TokenUser | None, str | None, bytes]:
        user = None if token is None else hot_path.token_user(db, token)
        if user is None:
            return None, None, b""
        parsed = parse_case(_body(raw))
        case = parsed.case
        if not case.assessed_on:
            case = case.model_copy(update={"assessed_on": date.today()})
        result = assess_case(case, parsed.ignored_fields)
        return user, case.id, orjson.dumps(result)

    user, case_id, body = await run_in_threadpool(run)
    if user is None:
        raise await _refuse(request, token)
    actor = Actor(user.username, user.role, client_address(request))
    request.state.actor = actor
    await db.audit_writer.commit([audit.values(actor, "assess", "stateless", case_id)])
    return Response(body, media_type="application/json")
