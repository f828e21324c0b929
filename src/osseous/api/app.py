"""The FastAPI application."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from osseous import __version__
from osseous.api import problems
from osseous.api.middleware import Hardening
from osseous.api.routes import analytics, audit, auth, cases, cds, fhir, patients, system
from osseous.core.settings import Settings, from_environment
from osseous.interop.cds_jwt import JwtVerifier
from osseous.registry.db import Database
from osseous.registry.shared_state import DatabaseReplayCache
from osseous.web import pages


def create_app(db: Database | None = None, *, https: bool = False,
               cds_verifier: JwtVerifier | None = None,
               settings: Settings | None = None) -> FastAPI:
    """The API over ``db`` (by default the configured database), with ``settings`` (by
    default read from the environment and validated: an unsafe value stops start-up with a
    message saying how to fix it)."""
    settings = settings or from_environment()
    settings.require_public_url_for_cds()
    app = FastAPI(
        docs_url=None,  # the interactive pages load scripts from a CDN; /openapi.json is served
        redoc_url=None,
        title="Osseous",
        version=__version__,
        summary="Decision support for bone metastases: scores, alerts, a plan, and a registry.",
        description="Errors are RFC 9457 problem details. Patient data needs a bearer token "
                    "(POST /auth/token); changes need If-Match with the resource's ETag.",
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    verifier = cds_verifier or cds.verifier_from_settings(settings)
    verifier.replays = DatabaseReplayCache(app.state.db)  # shared by every worker and host
    app.state.cds_verifier = verifier
    problems.install(app)
    for module in (system, auth, patients, cases, audit, cds, fhir, analytics):
        app.include_router(module.router, responses=problems.COMMON)
    pages.install(app)
    app.add_middleware(Hardening, https=https or settings.https)
    _freeze_startup_objects()
    return app


def _freeze_startup_objects() -> None:
    """Keep the long-lived startup objects (models, tables, templates, FHIR classes) out of
    the collector's reach: full collections over them paused requests for ~90 ms at the p99
    (measured with benchmarks/bench_interop.py)."""
    from osseous.interop import fhir_in, fhir_out  # noqa: F401 (import their tables now)
    from osseous.plan.engine import rules

    rules()
    gc.collect()
    gc.freeze()
