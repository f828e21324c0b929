"""Tokens and users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from osseous.api.deps import ADMIN, ANY_ROLE, MAX_INT, Caller, SessionDep, database, require
from osseous.api.schemas import TokenOut, TokenRequest, UserIn, UserOut
from osseous.core.errors import invalid
from osseous.registry import audit, security
from osseous.registry.audit import Actor
from osseous.registry.models import User

router = APIRouter(tags=["auth"])


@router.post("/auth/token", status_code=201)
def token(body: TokenRequest, request: Request) -> TokenOut:
    """Exchange a username and password for an API token (shown once)."""
    client = request.client.host if request.client else None
    db = database(request)
    with db.session() as s:
        user = security.authenticate(s, body.username, body.password)
        if user is not None:
            plain, row = security.create_token(s, user, body.name, body.days)
            audit.record(s, Actor(user.username, user.role, client), "login", "token",
                         str(row.id))
            return TokenOut(id=row.id, token=plain, expires_at=row.expires_at, role=user.role)
    with db.session() as s:
        audit.record(s, Actor(body.username, "none", client), "login", "token",
                     outcome="denied")
    raise HTTPException(401, "wrong username or password",
                        headers={"WWW-Authenticate": "Bearer"})


@router.get("/auth/me")
def me(caller: Annotated[Caller, Depends(require(ANY_ROLE))]) -> UserOut:
    u = caller.user
    return UserOut(id=u.id, username=u.username, role=u.role, active=u.active)


@router.delete("/auth/tokens/{token_id}", status_code=204)
def revoke(token_id: Annotated[int, Path(ge=1, le=MAX_INT)],
           caller: Annotated[Caller, Depends(require(ANY_ROLE))], s: SessionDep) -> None:
    """Revoke a token (one's own; an admin may revoke any)."""
    user = s.get(User, caller.user.id)
    assert user is not None
    security.revoke_token(s, token_id, user)
    audit.record(s, caller.actor, "revoke", "token", str(token_id))


@router.post("/users", status_code=201)
def create_user(body: UserIn, caller: Annotated[Caller, Depends(require(ADMIN))],
                s: SessionDep) -> UserOut:
    try:
        u = security.create_user(s, body.username, body.password, body.role)
    except ValueError as exc:
        field, _, message = str(exc).partition(": ")
        raise invalid(field, message) from None
    audit.record(s, caller.actor, "create", "user", str(u.id))
    return UserOut(id=u.id, username=u.username, role=u.role, active=u.active)


@router.get("/users")
def list_users(caller: Annotated[Caller, Depends(require(ADMIN))], s: SessionDep
               ) -> list[UserOut]:
    from sqlalchemy import select

    audit.record(s, caller.actor, "list", "user")
    return [UserOut(id=u.id, username=u.username, role=u.role, active=u.active)
            for u in s.scalars(select(User).order_by(User.username))]
