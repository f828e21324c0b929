"""Transport hardening: body size limit, strict content types, security headers."""

from __future__ import annotations

import time
from typing import Final

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


async def _problem(send: Send, status: int, detail: str) -> None:
    import json

    body = json.dumps({"type": "about:blank", "status": status, "detail": detail,
                       "title": {413: "Request too large",
                                 415: "Unsupported media type"}[status]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS,
                            (b"content-security-policy", API_CSP)]})
    await send({"type": "http.response.body", "body": body})


class Hardening:
    """ASGI middleware: refuses bodies over the limit (413) and non-JSON bodies (415) and adds
    security headers to every response."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES,
                 https: bool = False) -> None:
        self.app = app
        self.max_body = max_body
        self.extra = ((b"strict-transport-security", b"max-age=31536000"),) if https else ()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        method = scope.get("method", "GET")
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await _problem(send, 413, f"bodies are limited to {self.max_body} bytes")
            return
        path = str(scope.get("path", ""))
        page = path.startswith(PAGE_PREFIXES)
        if method in ("POST", "PUT", "PATCH") and (length not in (None, b"0")
                                                  or b"transfer-encoding" in headers):
            ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            form = ctype in (b"application/x-www-form-urlencoded", b"multipart/form-data")
            if not (ctype == b"application/json" or ctype.endswith(b"+json")
                    or (page and form)):
                await _problem(send, 415, "request bodies must be application/json")
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

        try:
            await self.app(scope, limited_receive, secure_send)
        except _TooLarge:
            await _problem(send, 413, f"bodies are limited to {self.max_body} bytes")


class _TooLarge(Exception):
    pass
