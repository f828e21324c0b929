"""Signing in to the pages: a session cookie holding a short-lived API token (HttpOnly,
SameSite=Lax, Secure over HTTPS), and a CSRF token checked on every form.

The CSRF token is issued by the server: a random nonce and its HMAC under the deployment's
secret, bound to the session it was issued for (OWASP CSRF Prevention Cheat Sheet, "signed
double-submit cookie"). A value the client made up, or one issued for another session, is
refused; signing in issues a new one. The client address recorded in the audit trail is the
TCP peer, or the ``X-Forwarded-For`` entry a configured trusted proxy added.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Final

from fastapi import HTTPException, Request, Response

from osseous.core.settings import Settings
from osseous.registry import audit, policy
from osseous.registry.audit import Actor
from osseous.registry.db import Database
from osseous.registry.policy import Action
from osseous.registry.security import hash_token
from osseous.registry.shared_state import service_secret
from osseous.registry.signin import identify, sign_out

SESSION_COOKIE: Final = "osseous_session"
CSRF_COOKIE: Final = "osseous_csrf"
SESSION_DAYS: Final = 1


class LoginRequired(Exception):
    """Raised by page handlers when nobody is signed in; answered with a redirect."""


@dataclass(frozen=True, slots=True)
class WebUser:
    """The signed-in user of a page; what the pages may show them is asked of the one role
    policy (:mod:`osseous.registry.policy`)."""

    username: str
    role: str
    actor: Actor
    csrf: str

    def may(self, action: Action) -> bool:
        return policy.allows(self.role, action)

    @property
    def can_write(self) -> bool:
        """May edit cases and record decisions."""
        return self.may(Action.WRITE_PATIENT_DATA)

    @property
    def can_read_cases(self) -> bool:
        return self.may(Action.READ_PATIENT_DATA)

    @property
    def can_manage_agenda(self) -> bool:
        return self.may(Action.MANAGE_AGENDA)

    @property
    def aggregates_only(self) -> bool:
        """Sees the analytics with small cells suppressed, and nothing else."""
        return policy.aggregates_only(self.role)

    @property
    def home(self) -> str:
        """Where signing in leads."""
        return "/app/cases" if self.can_read_cases else "/app/analytics"


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str | None:
    """The caller's address: the TCP peer, unless the peer is a configured trusted proxy, in
    which case the last ``X-Forwarded-For`` entry not added by a trusted proxy."""
    peer = request.client.host if request.client else None
    settings = settings_of(request)
    if not settings.trusted(peer):
        return peer
    forwarded = [a.strip() for h in request.headers.getlist("x-forwarded-for")
                 for a in h.split(",") if a.strip()]
    for address in reversed(forwarded):
        if not settings.trusted(address):
            return address[:64]
    return peer


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or settings_of(request).https


def _key(request: Request) -> bytes:
    state = request.app.state
    key: bytes | None = getattr(state, "csrf_key", None)
    if key is None:
        key = service_secret(database(request), "csrf").encode()
        state.csrf_key = key
    return key


def _binding(session: str | None) -> str:
    return hash_token(session)[:32] if session else "anonymous"


def _sign(request: Request, nonce: str, session: str | None) -> str:
    mac = hmac.new(_key(request), f"{nonce}|{_binding(session)}".encode(), hashlib.sha256)
    return f"{nonce}.{mac.hexdigest()}"


def same(a: str, b: str) -> bool:
    """Constant-time comparison of any two texts (``hmac.compare_digest`` refuses non-ASCII
    ``str``)."""
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"),
                               b.encode("utf-8", "surrogatepass"))


def _valid(request: Request, token: str | None, session: str | None) -> bool:
    if not token or len(token) > 128 or "." not in token:
        return False
    nonce = token.split(".", 1)[0]
    return same(_sign(request, nonce, session), token)


def issue_csrf(request: Request, session: str | None) -> str:
    """A new CSRF token for ``session`` (None: signed out)."""
    return _sign(request, secrets.token_urlsafe(16), session)


def csrf_token(request: Request) -> str:
    """The request's CSRF cookie if the server issued it for the current session, else a new
    token (the page sets it as the cookie)."""
    session = request.cookies.get(SESSION_COOKIE)
    cookie = request.cookies.get(CSRF_COOKIE)
    return cookie if cookie and _valid(request, cookie, session) else issue_csrf(request,
                                                                                  session)


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
    response.delete_cookie(CSRF_COOKIE, path="/")


def _refused(request: Request, reason: str) -> None:
    """An audit row for a page request refused for want of a valid session."""
    with database(request).session() as s:
        audit.record(s, Actor("anonymous", "none", client_address(request)), "page",
                     "session", request.url.path[:128], outcome="denied", detail=reason)


def current(request: Request, action: Action = Action.READ_PATIENT_DATA) -> WebUser:
    """The signed-in user of a page request, if their role may do ``action`` (by default:
    read the cases)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        _refused(request, "no session")
        raise LoginRequired
    who = identify(database(request), token)
    if who is None:
        _refused(request, "session unknown, ended or expired")
        raise LoginRequired
    actor = Actor(who.username, who.role, client_address(request))
    request.state.actor = actor
    for needed in (Action.SIGN_IN_TO_PAGES, action):
        if not policy.allows(who.role, needed):
            with database(request).session() as s:
                audit.record(s, actor, "page", "endpoint", request.url.path[:128],
                             outcome="denied")
            raise HTTPException(403, policy.refusal(who.role, needed))
    return WebUser(who.username, who.role, actor, csrf_token(request))


def end_session(request: Request) -> None:
    """Sign the session of this request out (its token revoked, audited)."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        sign_out(database(request), token, client_address(request), via="web")


def check_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    session = request.cookies.get(SESSION_COOKIE)
    if not cookie or not submitted or not same(cookie, submitted) \
            or not _valid(request, cookie, session):
        raise HTTPException(403, "the form has expired or did not come from this site; reload "
                                 "the page and try again")
