"""The CDS Hooks 2.0 endpoints: discovery, the services, and feedback.

Every call needs a bearer JWT from a trusted issuer (``OSSEOUS_CDS_ISSUERS`` names a JSON file
of ``{"iss", "jwks_file", "jku_allow"}`` entries); ``aud`` must be the URL called (its base can
be set with ``OSSEOUS_PUBLIC_URL`` behind a proxy). FHIR access tokens from the request are used
only to fetch what prefetch did not bring, and are never logged.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request
from sqlalchemy import select

from osseous.api.deps import database
from osseous.interop import cds_hooks
from osseous.interop.cds_jwt import JwtRejected, JwtVerifier, TrustedIssuer
from osseous.registry import audit
from osseous.registry.audit import Actor
from osseous.registry.models import CdsFeedback
from osseous.registry.security import utcnow

router = APIRouter(tags=["cds-hooks"])
log = logging.getLogger("osseous.cds")
SERVICE_HOOKS = {s["id"]: s["hook"] for s in cds_hooks.SERVICES}


def _fetch_jwks(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:  # configured by the operator
        data = json.loads(response.read())
    if not isinstance(data, dict):
        raise ValueError(f"{url} is not a JWK Set")
    return data


def verifier_from_environment() -> JwtVerifier:
    """Trusted issuers from ``OSSEOUS_CDS_ISSUERS``: a JSON list of ``{"iss", "jwks_file" or
    "jwks_url", "jku_allow"}``. None configured means every call is refused."""
    path = os.environ.get("OSSEOUS_CDS_ISSUERS")
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


def _audience(request: Request) -> str:
    base = os.environ.get("OSSEOUS_PUBLIC_URL")
    if base:
        return base.rstrip("/") + request.url.path
    return str(request.url.replace(query=None))


def _check(request: Request) -> dict[str, Any]:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "a bearer JWT is required",
                            headers={"WWW-Authenticate": "Bearer"})
    verifier: JwtVerifier = request.app.state.cds_verifier
    try:
        return verifier.verify(token.strip(), _audience(request))
    except JwtRejected as exc:
        with database(request).session() as s:
            audit.record(s, Actor("cds-client", "none", request.client.host if request.client
                                  else None), "call", "cds-hooks", request.url.path,
                         outcome="denied", detail=str(exc))
        raise HTTPException(401, f"JWT rejected: {exc}",
                            headers={"WWW-Authenticate": "Bearer"}) from None


def _fetcher(body: dict[str, Any]) -> cds_hooks.Fetch | None:
    server = body.get("fhirServer")
    if not isinstance(server, str) or not server.startswith(("http://", "https://")):
        return None
    auth = body.get("fhirAuthorization")
    token = auth.get("access_token") if isinstance(auth, dict) else None

    def fetch(query: str) -> dict[str, Any] | None:
        req = urllib.request.Request(server.rstrip("/") + "/" + query,
                                     headers={"Accept": "application/fhir+json"})
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=5) as response:
                data = json.loads(response.read())
                return data if isinstance(data, dict) else None
        except (urllib.error.URLError, TimeoutError, ValueError, OSError):
            log.warning("could not fetch %s from the FHIR server", query.split("?", maxsplit=1)[0])
            return None

    return fetch


@router.get("/cds-services")
def discovery(request: Request) -> dict[str, Any]:
    """The services this CDS Service offers, with their prefetch templates."""
    _check(request)
    return cds_hooks.discovery()


@router.post("/cds-services/{service_id}")
def call(service_id: str, request: Request,
         body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Answer a hook with cards (412 when the data cannot be obtained)."""
    claims = _check(request)
    hook = SERVICE_HOOKS.get(service_id)
    if hook is None:
        raise HTTPException(404, f"no CDS service {service_id!r}")
    handler = cds_hooks.patient_view if hook == "patient-view" else cds_hooks.order_sign
    try:
        result = handler(body, _fetcher(body), date.today())
    except cds_hooks.BadRequest as exc:
        raise HTTPException(400, str(exc)) from None
    except cds_hooks.MissingData as exc:
        raise HTTPException(412, str(exc)) from None
    patient = ((body.get("context") or {}).get("patientId"))
    with database(request).session() as s:
        audit.record(s, Actor(str(claims["iss"])[:64], "cds-client",
                              request.client.host if request.client else None),
                     "hook", service_id, str(body.get("hookInstance"))[:128], None,
                     detail=f"patient {str(patient)[:60]}: {len(result['cards'])} cards")
    return result


@router.post("/cds-services/{service_id}/feedback")
def feedback(service_id: str, request: Request,
             body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Record what was done with each card; sending the same feedback again changes nothing."""
    claims = _check(request)
    if service_id not in SERVICE_HOOKS:
        raise HTTPException(404, f"no CDS service {service_id!r}")
    items = body.get("feedback")
    if not isinstance(items, list) or not items:
        raise HTTPException(400, "feedback must be a non-empty list")
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
