"""The CDS Hooks 2.0 endpoints: discovery, the services, and feedback.

Every call needs a bearer JWT from a trusted issuer (``OSSEOUS_CDS_ISSUERS`` names a JSON file
of ``{"iss", "jwks_file", "jku_allow"}`` entries); ``aud`` must be the URL called, built from
the configured ``OSSEOUS_PUBLIC_URL`` (never from the request's own ``Host`` or
``X-Forwarded-*`` headers, which the caller chooses: a token minted for another deployment
would pass). FHIR access tokens from the request are used only to fetch what prefetch did not
bring (:mod:`osseous.interop.fhir_client`, within its policy), and are never logged.

CORS (CDS Hooks 2.0, "Cross-Origin Resource Sharing"): browser clients such as the CDS Hooks
Sandbox call from another origin. Discovery answers any origin (``*``, allowed by the
specification); the services and feedback answer the origins in ``OSSEOUS_CDS_CORS_ORIGINS``
(comma-separated; none by default). Errors of the services are
FHIR OperationOutcome bodies (CDS Hooks 3.0 ballot, "Error handling").
"""

from __future__ import annotations

import json
import logging
import urllib.request
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import anyio
from anyio import to_thread
from fastapi import APIRouter, Body, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from osseous.api.deps import database
from osseous.core.settings import Settings
from osseous.interop import cds_hooks
from osseous.interop.cds_jwt import JwtRejected, JwtVerifier, TrustedIssuer
from osseous.interop.fhir_client import FetchPolicy, fetcher
from osseous.registry import audit
from osseous.registry.audit import Actor
from osseous.registry.models import CdsFeedback
from osseous.registry.security import utcnow
from osseous.web.session import client_address

router = APIRouter(tags=["cds-hooks"])
log = logging.getLogger("osseous.cds")
SERVICE_HOOKS = {s["id"]: s["hook"] for s in cds_hooks.SERVICES}
MAX_TIMESTAMP = 40  # the column's width; a FHIR instant is at most 35 characters
#: feedback items in one request (an EHR sends one per card acted on; a hook gives a few cards)
MAX_FEEDBACK_ITEMS = 100
#: hooks worked on at once per allowed FHIR request in flight (Settings.fhir_max_concurrency)
HOOKS_AT_ONCE_PER_FHIR_SLOT = 2


def _fetch_jwks(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:  # configured by the operator
        data = json.loads(response.read())
    if not isinstance(data, dict):
        raise ValueError(f"{url} is not a JWK Set")
    return data


def verifier_from_settings(settings: Settings) -> JwtVerifier:
    """Trusted issuers from ``OSSEOUS_CDS_ISSUERS``: a JSON list of ``{"iss", "jwks_file" or
    "jwks_url", "jku_allow"}``. None configured means every call is refused."""
    path = settings.cds_issuers_file
    issuers = {}
    if path:
        for entry in json.loads(Path(path).read_text()):
            allow = tuple(entry.get("jku_allow", ()))
            if "jwks_file" in entry:
                issuers[entry["iss"]] = TrustedIssuer.from_file(entry["iss"],
                                                                entry["jwks_file"], allow)
            else:
                issuers[entry["iss"]] = TrustedIssuer(entry["iss"],
                                                      _fetch_jwks(entry["jwks_url"]), allow)
    return JwtVerifier(issuers)


def _audience(request: Request) -> str | None:
    base = request.app.state.settings.public_url
    return base.rstrip("/") + request.url.path if base else None


def _check(request: Request) -> dict[str, Any]:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "a bearer JWT is required",
                            headers={"WWW-Authenticate": "Bearer"})
    verifier: JwtVerifier = request.app.state.cds_verifier
    try:
        audience = _audience(request)
        if audience is None:
            raise JwtRejected("this service has no public URL configured (OSSEOUS_PUBLIC_URL)")
        return verifier.verify(token.strip(), audience)
    except JwtRejected as exc:
        with database(request).session() as s:
            audit.record(s, Actor("cds-client", "none", client_address(request)), "call",
                         "cds-hooks", request.url.path, outcome="denied", detail=str(exc))
        raise HTTPException(401, f"JWT rejected: {exc}",
                            headers={"WWW-Authenticate": "Bearer"}) from None


def _policy(request: Request) -> FetchPolicy:
    return FetchPolicy.from_settings(request.app.state.settings)


def _cors(request: Request, any_origin: bool = False) -> dict[str, str]:
    """CORS response headers for the CDS endpoints (none when the origin is not allowed)."""
    origin = request.headers.get("origin")
    if origin is None:
        return {}
    allowed = request.app.state.settings.cds_cors_origins
    if any_origin:
        value = "*"
    elif origin.rstrip("/") in allowed:
        value = origin
    else:
        return {}
    return {"Access-Control-Allow-Origin": value, "Vary": "Origin",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Authorization, Content-Type",
            "Access-Control-Max-Age": "600"}


def _outcome(status: int, message: str, headers: dict[str, str]) -> JSONResponse:
    """An error as a FHIR OperationOutcome."""
    code = {400: "invalid", 404: "not-found", 412: "incomplete"}.get(status, "exception")
    body = {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": message[:500]}]}
    return JSONResponse(body, status_code=status, headers=headers,
                        media_type="application/fhir+json")


def _authorised(request: Request, headers: dict[str, str]) -> dict[str, Any]:
    try:
        return _check(request)
    except HTTPException as exc:
        raise HTTPException(exc.status_code, exc.detail,
                            headers={**(exc.headers or {}), **headers}) from None


@router.options("/cds-services", include_in_schema=False)
def discovery_preflight(request: Request) -> Response:
    return Response(status_code=204, headers=_cors(request, any_origin=True))


@router.options("/cds-services/{service_id}", include_in_schema=False)
@router.options("/cds-services/{service_id}/feedback", include_in_schema=False)
def service_preflight(service_id: str, request: Request) -> Response:
    return Response(status_code=204, headers=_cors(request))


@router.get("/cds-services")
def discovery(request: Request, response: Response) -> dict[str, Any]:
    """The services this CDS Service offers, with their prefetch templates."""
    headers = _cors(request, any_origin=True)
    _authorised(request, headers)
    response.headers.update(headers)
    return cds_hooks.discovery()


def _hook_limiter(request: Request) -> anyio.CapacityLimiter:
    state = request.app.state
    limiter: anyio.CapacityLimiter | None = getattr(state, "hook_limiter", None)
    if limiter is None:  # created inside the running loop, on first use
        limiter = anyio.CapacityLimiter(HOOKS_AT_ONCE_PER_FHIR_SLOT
                                        * state.settings.fhir_max_concurrency)
        state.hook_limiter = limiter
    return limiter


@router.post("/cds-services/{service_id}")
async def call(service_id: str, request: Request, response: Response,
               body: Annotated[dict[str, Any], Body()]) -> Any:
    """Answer a hook with cards (412 when the data cannot be obtained). The work runs in a
    worker thread, a few hooks at a time: a hook waiting on a slow FHIR server holds one of
    these few, and the hooks queued behind it wait without a thread, so a slow EHR cannot
    take the threads every other request needs."""
    return await to_thread.run_sync(_call, service_id, request, response, body,
                                    limiter=_hook_limiter(request))


def _call(service_id: str, request: Request, response: Response, body: dict[str, Any]) -> Any:
    headers = _cors(request)
    claims = _authorised(request, headers)
    hook = SERVICE_HOOKS.get(service_id)
    if hook is None:
        return _outcome(404, f"no CDS service {service_id!r}", headers)
    handler = cds_hooks.patient_view if hook == "patient-view" else cds_hooks.order_sign
    policy = _policy(request)
    try:
        result = handler(body, fetcher(body, policy), date.today(), policy)
    except cds_hooks.BadRequest as exc:
        return _outcome(400, str(exc), headers)
    except cds_hooks.MissingData as exc:
        return _outcome(412, str(exc), headers)
    response.headers.update(headers)
    context = body.get("context")
    patient = context.get("patientId") if isinstance(context, dict) else None
    with database(request).session() as s:
        audit.record(s, Actor(str(claims["iss"])[:64], "cds-client", client_address(request)),
                     "hook", service_id, str(body.get("hookInstance"))[:128],
                     str(patient)[:64] if patient is not None else None,
                     detail=f"{len(result['cards'])} cards")
    return result


@router.post("/cds-services/{service_id}/feedback")
def feedback(service_id: str, request: Request, response: Response,
             body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Record what was done with each card; sending the same feedback again changes nothing."""
    headers = _cors(request)
    claims = _authorised(request, headers)
    response.headers.update(headers)
    if service_id not in SERVICE_HOOKS:
        raise HTTPException(404, f"no CDS service {service_id!r}")
    items = body.get("feedback")
    if not isinstance(items, list) or not items:
        raise HTTPException(400, "feedback must be a non-empty list")
    if len(items) > MAX_FEEDBACK_ITEMS:  # each is a read and a row: bound the request's work
        raise HTTPException(400, f"feedback: at most {MAX_FEEDBACK_ITEMS} items per request")
    stored = 0
    with database(request).session() as s:
        for item in items:
            if not isinstance(item, dict) or item.get("outcome") not in ("accepted",
                                                                         "overridden"):
                raise HTTPException(400, "each feedback item needs a card and an outcome of "
                                         "accepted or overridden")
            card, when = str(item.get("card", ""))[:64], str(item.get("outcomeTimestamp", ""))
            if not card or not when:
                raise HTTPException(400, "each feedback item needs card and outcomeTimestamp")
            if len(when) > MAX_TIMESTAMP:
                raise HTTPException(400, f"outcomeTimestamp: at most {MAX_TIMESTAMP} "
                                         "characters (a FHIR instant)")
            exists = s.scalar(select(CdsFeedback).where(
                CdsFeedback.service == service_id, CdsFeedback.card == card,
                CdsFeedback.outcome == item["outcome"], CdsFeedback.outcome_timestamp == when))
            if exists is not None:
                continue
            s.add(CdsFeedback(
                service=service_id, card=card, outcome=item["outcome"],
                outcome_timestamp=when[:40],
                override_reason=json.dumps(item["overrideReason"]) if item.get(
                    "overrideReason") else None,
                accepted_suggestions=json.dumps(item["acceptedSuggestions"]) if item.get(
                    "acceptedSuggestions") else None,
                client=str(claims["iss"])[:256], received_at=utcnow()))
            stored += 1
    return {"stored": stored}
