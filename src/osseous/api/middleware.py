"""Transport hardening: body size limit, strict content types, JSON checked at the door,
security headers on every response (errors included)."""

from __future__ import annotations

import logging
import time
from typing import Final

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES: Final = 1_048_576
SECURITY_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
API_CSP: Final = b"default-src 'none'; frame-ancestors 'none'"
#: pages: this server's own styles, scripts and images only; forms post back to it
PAGE_CSP: Final = (b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
                   b"script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                   b"base-uri 'none'")
PAGE_PREFIXES: Final = ("/app", "/static")
log = logging.getLogger("osseous.api")


async def _problem(send: Send, status: int, detail: str) -> None:
    import json

    body = json.dumps({"type": "about:blank", "status": status, "detail": detail,
                       "title": {400: "Bad request", 413: "Request too large",
                                 422: "Invalid input",
                                 415: "Unsupported media type",
                                 500: "Internal error"}[status]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS,
                            (b"content-security-policy", API_CSP),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


def json_refusal(body: bytes) -> str | None:
    """Why a JSON body is refused before any handler sees it, or None. orjson parses in
    linear time and refuses NaN, Infinity, numbers beyond a double (1e309), lone surrogates
    and nesting deeper than 1024; a NUL character (which PostgreSQL cannot store) is refused
    here too, so every endpoint answers these with a 422 rather than a 500."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return f"the body is not valid JSON: {exc}"
    if b"\\u0000" in body.lower() and _has_nul(data):
        return "the body may not contain the NUL character"
    return None


def _has_nul(data: object) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


class Hardening:
    """ASGI middleware: refuses bodies over the limit (413), non-JSON bodies (415) and JSON
    that cannot be processed safely (422), and adds security headers to every response."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES,
                 https: bool = False) -> None:
        self.app = app
        self.max_body = max_body
        self.extra = ((b"strict-transport-security", b"max-age=31536000"),) if https else ()

    async def _check_body(self, scope: Scope, receive: Receive, page: bool
                          ) -> tuple[tuple[int, str] | None, Receive]:
        """(status, detail) when the body is refused, and the receive to read it from."""
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        too_large = (413, f"bodies are limited to {self.max_body} bytes")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            return too_large, receive
        if scope.get("method") not in ("POST", "PUT", "PATCH") or (
                length in (None, b"0") and b"transfer-encoding" not in headers):
            return None, receive
        ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        form = ctype in (b"application/x-www-form-urlencoded", b"multipart/form-data")
        if not (ctype == b"application/json" or ctype.endswith(b"+json") or (page and form)):
            return (415, "request bodies must be application/json"), receive
        if form:
            return None, receive
        body = await _read_all(receive, self.max_body)
        if body is None:
            return too_large, receive
        why = json_refusal(body) if body else None
        return ((422, why) if why else None), _replay(body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        page = path.startswith(PAGE_PREFIXES)
        method = scope.get("method", "GET")
        if _has_nul_in_address(path, scope.get("query_string", b"")):
            # no resource id or query value holds one, and PostgreSQL cannot even compare it
            await _problem(send, 400, "the address may not contain the NUL character")
            return
        refusal, receive = await self._check_body(scope, receive, page)
        if refusal is not None:
            await _problem(send, *refusal)
            return
        per_path = ((b"content-security-policy", PAGE_CSP if page else API_CSP),
                    (b"cache-control", b"max-age=3600" if path.startswith("/static")
                     else b"no-store"))
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return message

        started = time.perf_counter()

        async def secure_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS,
                                      *per_path, *self.extra, (b"server-timing", took)]
            await send(message)

        started_response = False

        async def tracked_send(message: Message) -> None:
            nonlocal started_response
            started_response = True
            await secure_send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except _TooLarge:
            await _problem(send, 413, f"bodies are limited to {self.max_body} bytes")
        except Exception:
            # answered here, with the security headers, rather than by the server's bare 500
            log.exception("unhandled error on %s %s", method, path)
            if not started_response:
                await _problem(send, 500, "an internal error occurred; it has been logged")


def _has_nul_in_address(path: str, query: bytes) -> bool:
    return "\x00" in path or b"\x00" in query or b"%00" in query


class _TooLarge(Exception):
    pass


async def _read_all(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it exceeds ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
