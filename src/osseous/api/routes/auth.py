"""Tokens and users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from osseous.api import problems
from osseous.api.deps import ADMIN, ANY_ROLE, MAX_INT, Caller, SessionDep, database, require
from osseous.api.schemas import TokenOut, TokenRequest, UserIn, UserOut
from osseous.core.errors import invalid
from osseous.registry import audit, security
from osseous.registry.models import User
from osseous.registry.signin import LoginPolicy, sign_in
from osseous.web.offload import heavy
from osseous.web.session import client_address, settings_of

router = APIRouter(tags=["auth"])


@router.post("/auth/token", status_code=201, responses=problems.responses(429))
async def token(body: TokenRequest, request: Request) -> TokenOut:
    """Exchange a username and password for an API token (shown once). Too many failed
    attempts for an account or from an address lock it for a while (429)."""
    settings = settings_of(request)
    policy = LoginPolicy(settings.login_max_failures_per_account,
                         settings.login_max_failures_per_client, settings.login_window_seconds)
    result = await heavy(request, lambda: sign_in(
        database(request), policy, body.username, body.password, client_address(request),
        via="token", token_name=body.name, days=body.days))
    if result.outcome == "locked":
        raise HTTPException(429, "too many failed sign-ins for this account or from this "
                                 "address; try again later",
                            headers={"Retry-After": str(settings.login_window_seconds)})
    if result.user is None or result.token is None or result.token_row is None:
        raise HTTPException(401, "wrong username or password",
                            headers={"WWW-Authenticate": "Bearer"})
    row = result.token_row
    return TokenOut(id=row.id, token=result.token, expires_at=row.expires_at,
                    role=result.user.role)


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
