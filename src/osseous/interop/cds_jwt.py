"""Verifying the bearer JWT a CDS Hooks client sends (CDS Hooks 2.0, "Trusting CDS Clients").

Every call, discovery included, carries a JWT signed with ES384 or RS384 by a trusted issuer.
The key comes from the issuer's configured JWKS (a file, or a URL fetched by the caller); a
``jku`` header is honoured only if it is on the issuer's allow-list. ``aud`` must equal the URL
that was called; ``exp``, ``iat`` and ``jti`` are required; a ``jti`` seen before (within its
lifetime) is a replay. ``alg: none`` and HMAC algorithms are refused before anything else.

The replay store is in-process by default; the service passes one kept in its database so that
a replay is refused whichever worker process or host receives it.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

import jwt
from jwt import PyJWK

ALGORITHMS: Final = ("ES384", "RS384")
LEEWAY_SECONDS: Final = 5  # the Sandbox rounds iat to the nearest second (can be 0.5 s ahead)
MAX_LIFETIME_SECONDS: Final = 3600


class JwtRejected(Exception):
    """The token is not acceptable; the message says why (never the token itself)."""


@dataclass(frozen=True)
class TrustedIssuer:
    iss: str
    jwks: Mapping[str, Any]
    jku_allow: tuple[str, ...] = ()

    @staticmethod
    def from_file(iss: str, jwks_file: str | Path, jku_allow: tuple[str, ...] = ()
                  ) -> TrustedIssuer:
        return TrustedIssuer(iss, json.loads(Path(jwks_file).read_text()), jku_allow)


class ReplayStore(Protocol):
    def check_and_add(self, jti: str, expires: float) -> bool:
        """True the first time ``jti`` is seen (recording it until ``expires``), else False."""
        ...


@dataclass
class ReplayCache:
    """``jti`` values seen, kept until their token expires."""

    _seen: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check_and_add(self, jti: str, expires: float) -> bool:
        now = time.time()
        with self._lock:
            for key in [k for k, exp in self._seen.items() if exp < now]:
                del self._seen[key]
            if jti in self._seen:
                return False
            self._seen[jti] = expires + LEEWAY_SECONDS
            return True


def _storable(text: str) -> bool:
    """Whether the replay cache can store ``text``: no NUL (PostgreSQL refuses it) and no
    lone surrogate (no UTF-8 form)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class JwtVerifier:
    def __init__(self, issuers: Mapping[str, TrustedIssuer],
                 fetch_jwks: Callable[[str], Mapping[str, Any]] | None = None) -> None:
        self.issuers = dict(issuers)
        self.fetch_jwks = fetch_jwks
        self.replays: ReplayStore = ReplayCache()

    def _key(self, issuer: TrustedIssuer, header: Mapping[str, Any]) -> Any:
        jwks = issuer.jwks
        jku = header.get("jku")
        if jku is not None and jku not in issuer.jku_allow:
            raise JwtRejected("jku is not on the issuer's allow-list")
        if jku is not None and self.fetch_jwks is not None and jku not in (
                issuer.jwks.get("_source"),):
            jwks = self.fetch_jwks(str(jku))
        keys = [k for k in jwks.get("keys", []) if isinstance(k, dict)]
        kid = header.get("kid")
        candidates = [k for k in keys if kid is None or k.get("kid") == kid]
        if not candidates:
            raise JwtRejected("no key of the issuer matches the token's kid")
        try:
            return PyJWK.from_dict(candidates[0], algorithm=header["alg"]).key
        except jwt.PyJWTError:
            raise JwtRejected("the issuer's key does not fit the token's algorithm") from None

    def verify(self, token: str, audience: str) -> dict[str, Any]:
        """The verified claims, or :class:`JwtRejected` naming the reason."""
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise JwtRejected(f"malformed token: {exc}") from None
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise JwtRejected(f"algorithm {alg!r} refused; allowed: {', '.join(ALGORITHMS)}")
        issuer = self.issuers.get(str(unverified.get("iss")))
        if issuer is None:
            raise JwtRejected("the issuer is not trusted")
        key = self._key(issuer, header)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[alg], audience=audience, issuer=issuer.iss,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]})
        except jwt.ExpiredSignatureError:
            raise JwtRejected("the token has expired") from None
        except jwt.InvalidAudienceError:
            raise JwtRejected("aud is not the URL that was called") from None
        except jwt.ImmatureSignatureError:
            raise JwtRejected("the token is not valid yet (iat in the future)") from None
        except jwt.PyJWTError as exc:
            raise JwtRejected(f"invalid token: {exc}") from None
        for name in ("exp", "iat"):  # NumericDate (RFC 7519 2): a number, never a string
            value = claims[name]
            # NaN compares false with everything: a token with exp NaN would never expire
            if not isinstance(value, int | float) or isinstance(value, bool) or \
                    not math.isfinite(value):
                raise JwtRejected(f"{name} must be a number (seconds since the epoch)")
        jti = claims["jti"]
        if not isinstance(jti, str) or not 0 < len(jti) <= 256 or not _storable(jti):
            raise JwtRejected("jti must be a string of 1 to 256 characters")
        if claims["iat"] > time.time() + LEEWAY_SECONDS:
            raise JwtRejected("iat is in the future")
        if claims["exp"] - claims["iat"] > MAX_LIFETIME_SECONDS:
            raise JwtRejected("the token lives longer than allowed")
        if not self.replays.check_and_add(str(claims["jti"]), float(claims["exp"])):
            raise JwtRejected("jti was already used (replay)")
        return claims
