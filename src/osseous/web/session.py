"""Signing in to the pages: a session cookie holding a short-lived API token (HttpOnly,
SameSite=Lax, Secure over HTTPS), and a CSRF token checked on every form (double submit:
a cookie and a hidden field that must match)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Final

from fastapi import HTTPException, Request, Response

from osseous.registry.audit import Actor
from osseous.registry.db import Database
from osseous.registry.models import User
from osseous.registry.security import resolve_token

SESSION_COOKIE: Final = "osseous_session"
CSRF_COOKIE: Final = "osseous_csrf"
SESSION_DAYS: Final = 1
PAGE_ROLES: Final = frozenset({"clinician", "coordinator"})


class LoginRequired(Exception):
    """Raised by page handlers when nobody is signed in; answered with a redirect."""


@dataclass(frozen=True, slots=True)
class WebUser:
    user: User
    actor: Actor
    csrf: str

    @property
    def can_write(self) -> bool:
        return self.user.role == "clinician"


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def csrf_token(request: Request) -> str:
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def set_cookies(response: Response, request: Request, *, session: str | None = None,
                csrf: str | None = None) -> None:
    secure = _secure(request)
    if session is not None:
        response.set_cookie(SESSION_COOKIE, session, max_age=SESSION_DAYS * 86400,
                            httponly=True, samesite="lax", secure=secure, path="/")
    if csrf is not None:
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict",
                            secure=secure, path="/")


def clear_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def current(request: Request, roles: frozenset[str] = PAGE_ROLES) -> WebUser:
    """The signed-in user of a page request (by default a clinician or coordinator)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired
    with database(request).read_session() as s:
        user = resolve_token(s, token)
        if user is None:
            raise LoginRequired
        s.expunge(user)
    if user.role not in roles:
        raise HTTPException(403, f"the {user.role} role has no access to these pages")
    client = request.client.host if request.client else None
    return WebUser(user, Actor(user.username, user.role, client), csrf_token(request))


def check_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        raise HTTPException(403, "the form has expired or did not come from this site; reload "
                                 "the page and try again")
