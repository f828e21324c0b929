"""Errors as RFC 9457 problem details (``application/problem+json``), naming the fields."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from osseous.core.errors import InvalidInput
from osseous.core.validation import json_path
from osseous.registry.errors import RegistryError

PROBLEM = "application/problem+json"
log = logging.getLogger("osseous.api")

TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 412: "Precondition failed",
          413: "Request too large", 415: "Unsupported media type",
          422: "Invalid input", 428: "Precondition required", 429: "Too many requests",
          500: "Internal error",
          503: "Service unavailable"}


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["path", "message"],
            "properties": {"path": {"type": "string"}, "message": {"type": "string"},
                           "value": {}}}},
    },
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of problem-detail responses for ``codes``."""
    return {code: {"description": TITLES[code],
                   "content": {PROBLEM: {"schema": PROBLEM_SCHEMA}}} for code in codes}


#: every error an endpoint of this API may answer with
COMMON = responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429, 500)


def problem(status: int, detail: str, request: Request | None = None,
            errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None,
            extensions: dict[str, Any] | None = None) -> Response:
    """A problem-details response; pages under /app get their HTML error page instead."""
    if request is not None and request.url.path.startswith("/app"):
        html_error = getattr(request.app.state, "html_error", None)
        if html_error is not None:
            response: Response = html_error(request, status, detail)
            return response
    body: dict[str, Any] = {"type": "about:blank", "title": TITLES.get(status, "Error"),
                            "status": status, "detail": detail}
    if request is not None:
        body["instance"] = request.url.path
    if errors:
        body["errors"] = errors
    body.update(extensions or {})  # RFC 9457 3.2 extension members
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _safe(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or Infinity
    if isinstance(value, str | int | float | bool) or value is None:
        return value if not isinstance(value, str) or len(value) < 200 else value[:200] + "..."
    return None


async def _audit_not_found(request: Request, status: int) -> None:
    """A 404 leaves an audit row (who probed which path), written before the answer."""
    if status != 404 or request.url.path.startswith("/static"):
        return
    from osseous.registry import audit
    from osseous.registry.audit import Actor
    from osseous.web.session import client_address

    actor = getattr(request.state, "actor", None) or Actor(
        "anonymous", "none", client_address(request))
    await request.app.state.db.audit_writer.commit([audit.values(
        actor, request.method.lower()[:32], "endpoint", request.url.path[:128],
        outcome="not-found")])


def install(app: FastAPI) -> None:
    @app.exception_handler(InvalidInput)
    async def invalid(request: Request, exc: InvalidInput) -> Response:
        errors = [{"path": p.path, "message": p.message, "value": _safe(p.value)}
                  for p in exc.problems]
        return problem(422, f"{len(errors)} problem(s) in the input", request, errors)

    @app.exception_handler(RegistryError)
    async def registry(request: Request, exc: RegistryError) -> Response:
        await _audit_not_found(request, exc.status)
        return problem(exc.status, str(exc), request)

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            where = loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc
            errors.append({"path": (f"{loc[0]}:" if loc and loc[0] != "body" else "")
                           + json_path(tuple(where)),
                           "message": str(err.get("msg", "")), "value": _safe(err.get("input"))})
        return problem(422, f"{len(errors)} problem(s) in the request", request, errors)

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, exc: StarletteHTTPException) -> Response:
        await _audit_not_found(request, exc.status_code)
        headers = dict(exc.headers) if exc.headers else None
        return problem(exc.status_code, str(exc.detail), request, headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "an internal error occurred; it has been logged", request)
