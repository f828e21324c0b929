"""Users, passwords (argon2) and API tokens (random, stored as SHA-256 hashes, revocable,
with expiry)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from osseous.registry.errors import Conflict, NotFound
from osseous.registry.models import ApiToken, User

ROLES: Final = ("clinician", "coordinator", "researcher", "admin")
TOKEN_PREFIX: Final = "oss_"
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters


def use_hasher(hasher: PasswordHasher) -> None:
    """Replace the password hasher (the test suite uses argon2's cheapest profile)."""
    global _hasher  # noqa: PLW0603
    _hasher = hasher


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def validate_password(password: str) -> None:
    if len(password) < 10:
        raise ValueError("password: at least 10 characters")


def create_user(session: Session, username: str, password: str, role: str) -> User:
    if role not in ROLES:
        raise ValueError(f"role: must be one of {', '.join(ROLES)}")
    if not username or len(username) > 64:
        raise ValueError("username: 1 to 64 characters")
    validate_password(password)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} already exists")
    user = User(username=username, password_hash=_hasher.hash(password), role=role,
                active=True, created_at=utcnow(), version=1)
    session.add(user)
    session.flush()
    return user


def verify_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s (an active user). Costs one argon2 hash whether or
    not the user exists, so timing does not tell which usernames are real. Slow by design:
    call it off the event loop."""
    if user is None or not user.active:
        _hasher.hash(password)
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return True


def rehash_if_needed(user: User, password: str) -> None:
    """Re-hash a verified password whose hash uses older parameters."""
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    if not verify_password(user, password):
        return None
    assert user is not None
    rehash_if_needed(user, password)
    return user


def create_token(session: Session, user: User, name: str,
                 days: int | None = 90) -> tuple[str, ApiToken]:
    """A new token for ``user``; the plain token is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(user_id=user.id, name=name[:64], token_hash=hash_token(plain),
                     created_at=now, expires_at=now + timedelta(days=days) if days else None,
                     revoked_at=None)
    session.add(token)
    session.flush()
    return plain, token


def resolve_token(session: Session, plain: str) -> User | None:
    """The active user a token belongs to, or None if unknown, revoked or expired: one read
    by the token hash's unique index, joined to its user (every request makes it, so a
    revocation takes effect on the very next request)."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 128:
        return None
    row = session.execute(
        select(User, ApiToken.expires_at).join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(plain), ApiToken.revoked_at.is_(None),
               User.active.is_(True))).first()
    if row is None:
        return None
    user, expires_at = row
    if expires_at is not None and aware(expires_at) <= utcnow():
        return None
    return user


def revoke_token(session: Session, token_id: int, by: User) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != by.id and by.role != "admin"):
        raise NotFound(f"token {token_id} not found")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token
