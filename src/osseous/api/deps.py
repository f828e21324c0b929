"""Request dependencies: the database session, the authenticated user and role checks,
and the If-Match precondition."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Final

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy.orm import Session

from osseous.registry import audit, policy
from osseous.registry.audit import Actor
from osseous.registry.db import Database
from osseous.registry.errors import PreconditionRequired
from osseous.registry.models import User
from osseous.registry.policy import Action
from osseous.registry.security import resolve_token
from osseous.web.session import client_address

#: the largest integer a path or query parameter may carry (fits every database's integer)
MAX_INT: Final = 2**31 - 1
#: who may do what: the roles :mod:`osseous.registry.policy` permits each action
READ_PATIENT_DATA: Final = policy.roles(Action.READ_PATIENT_DATA)
WRITE_PATIENT_DATA: Final = policy.roles(Action.WRITE_PATIENT_DATA)
MANAGE_AGENDA: Final = policy.roles(Action.MANAGE_AGENDA)
READ_ANALYTICS: Final = policy.roles(Action.READ_ANALYTICS)
ADMIN: Final = policy.roles(Action.ADMINISTER)
ANY_ROLE: Final = policy.roles(Action.USE_SERVICE)


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns (before the response
    is sent: ``scope="function"``), rolled back on error."""
    with database(request).session() as s:
        yield s


def read_session(request: Request) -> Iterator[Session]:
    """A transaction that only reads; the audit rows the handler records are committed by
    the group committer (:mod:`osseous.registry.group_commit`) before the response is sent.
    On SQLite it takes no write lock, so reads never queue behind writers."""
    with database(request).read_session() as s:
        yield s


# the exit code (the commit) runs before the response is sent, so a failed commit is the
# response and every audit row is durable when the caller reads the answer
SessionDep = Annotated[Session, Depends(session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(read_session, scope="function")]


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    actor: Actor


def _client(request: Request) -> str | None:
    return client_address(request)


def _refuse_token(request: Request, why: str) -> None:
    """Audit a request refused for want of a valid token (durable before the 401)."""
    with database(request).session() as s:
        audit.record(s, Actor("anonymous", "none", _client(request)), "authenticate",
                     "token", request.url.path[:128], outcome="denied", detail=why)


def _authenticate(request: Request) -> User:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        _refuse_token(request, "no bearer token")
        raise HTTPException(401, "a bearer token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    db = database(request)
    with db.read_session() as s:
        user = resolve_token(s, token.strip())
        if user is not None:
            s.expunge(user)
            return user
    _refuse_token(request, "token unknown, revoked or expired")
    raise HTTPException(401, "the token is unknown, revoked or expired",
                        headers={"WWW-Authenticate": "Bearer"})


def require(roles: frozenset[str]) -> Callable[[Request], Caller]:
    """A dependency allowing only ``roles``; a refusal is audited."""

    def check(request: Request) -> Caller:
        user = _authenticate(request)
        actor = Actor(user.username, user.role, _client(request))
        request.state.actor = actor
        if user.role not in roles:
            with database(request).session() as s:
                audit.record(s, actor, request.method.lower(), "endpoint", request.url.path,
                             outcome="denied")
            raise HTTPException(403, f"the {user.role} role may not do this")
        return Caller(user, actor)

    return check


#: a version is a database integer: at most ten digits (a longer one cannot be a version, and
#: converting thousands of digits is itself slow: Python refuses past 4,300)
_ETAG: Final = re.compile(r'^(?:W/)?"?(\d{1,10})"?$')


def if_match(if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> int:
    """The resource version the caller's change is based on (RFC 9110 If-Match)."""
    if if_match is None:
        raise PreconditionRequired("send If-Match with the version you are changing (its ETag)")
    m = _ETAG.match(if_match.strip())
    if m is None or int(m.group(1)) > MAX_INT:
        raise HTTPException(412, "If-Match must be the resource's ETag, e.g. \"3\"")
    return int(m.group(1))


def etag(version: int) -> str:
    return f'"{version}"'
