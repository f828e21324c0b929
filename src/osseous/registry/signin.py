"""Signing in with a password, throttled: after too many failures within a window, an
account (or a client address) is locked for the rest of the window, correct password or not.

The failures are counted from the audit trail, so every worker process and host of a
deployment sees the same count, and every attempt - accepted, refused or locked out - leaves
an audit row (OWASP Authentication Cheat Sheet, "Protect against automated attacks"; NIST SP
800-63B 5.2.2, rate limiting). An account's count starts again after its last successful
sign-in; an address's does not (one account an attacker owns cannot reset it). Locking an
account out lets anyone who knows its name deny it sign-in for the window: that is the
trade-off the window's length bounds (docs/reliability.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from osseous.registry import audit, security
from osseous.registry.audit import Actor
from osseous.registry.db import Database
from osseous.registry.models import ApiToken, AuditEvent, User


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures_per_account: int = 5
    max_failures_per_client: int = 20
    window_seconds: int = 900


@dataclass(frozen=True, slots=True)
class SignIn:
    outcome: Literal["ok", "denied", "locked"]
    user: User | None = None
    token: str | None = None
    token_row: ApiToken | None = None


def _failures(s: Session, since_id: int, window_start: object, **where: str | None) -> int:
    stmt = select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "login", AuditEvent.outcome == "denied",
        AuditEvent.at >= window_start, AuditEvent.id > since_id)
    for column, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, column) == value)
    return s.scalar(stmt) or 0


def locked_out(s: Session, policy: LoginPolicy, username: str,
               client: str | None) -> str | None:
    """"account" or "address" when sign-in is locked for it now, else None."""
    start = security.utcnow() - timedelta(seconds=policy.window_seconds)
    last_ok = s.scalar(select(func.max(AuditEvent.id)).where(
        AuditEvent.action == "login", AuditEvent.outcome == "ok",
        AuditEvent.username == username)) or 0
    if _failures(s, last_ok, start, username=username) >= policy.max_failures_per_account:
        return "account"
    if client and _failures(s, 0, start, client=client) >= policy.max_failures_per_client:
        return "address"
    return None


def sign_in(db: Database, policy: LoginPolicy, username: str, password: str,
            client: str | None, *, via: str, token_name: str, days: int,
            roles: frozenset[str] = frozenset(security.ROLES)) -> SignIn:
    """Check the password (unless locked out) and, when it is right and the user's role is
    in ``roles``, create a token. The password hash runs outside any transaction; call this
    off the event loop."""
    name = username[:64]
    with db.read_session() as s:
        locked = locked_out(s, policy, name, client)
        user = None if locked else s.scalar(select(User).where(User.username == username))
        if user is not None:
            s.expunge(user)
    if locked:
        with db.session() as s:
            audit.record(s, Actor(name, "none", client), "login", via, outcome="locked",
                         detail=f"too many failed sign-ins from this {locked}")
        return SignIn("locked")
    ok = security.verify_password(user, password) and user is not None and user.role in roles
    with db.session() as s:
        if not ok or user is None:
            audit.record(s, Actor(name, "none", client), "login", via, outcome="denied")
            return SignIn("denied")
        fresh = s.get(User, user.id)
        assert fresh is not None
        security.rehash_if_needed(fresh, password)
        plain, row = security.create_token(s, fresh, token_name, days)
        audit.record(s, Actor(fresh.username, fresh.role, client), "login", via, str(row.id))
        s.flush()
        s.expunge(fresh)
        s.expunge(row)
    return SignIn("ok", fresh, plain, row)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a session token belongs to."""

    username: str
    role: str


def identify(db: Database, token: str) -> Identity | None:
    """The user of a session token, or None if it is unknown, revoked or expired (one read)."""
    with db.read_session() as s:
        user = security.resolve_token(s, token)
        return Identity(user.username, user.role) if user is not None else None


def sign_out(db: Database, token: str, client: str | None, *, via: str) -> bool:
    """Revoke a session token (signing out); audited. False when it was not an active
    token (already ended, expired or unknown): nothing to do."""
    with db.session() as s:
        row = s.scalar(select(ApiToken).where(
            ApiToken.token_hash == security.hash_token(token), ApiToken.revoked_at.is_(None)))
        if row is None:
            return False
        user = s.get(User, row.user_id)
        row.revoked_at = security.utcnow()
        audit.record(s, Actor(user.username if user else "unknown",
                              user.role if user else "none", client), "logout", via,
                     str(row.id))
    return True
