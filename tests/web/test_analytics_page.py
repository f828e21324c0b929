"""The analytics page and its plots: sources, roles, audit, bad parameters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.registry import security
from osseous.registry.db import Database
from osseous.registry.models import AuditEvent
from tests.web.test_pages import sign_in


@pytest.fixture
def web(db: Database) -> Iterator[TestClient]:
    seed_demo(db)
    with db.session() as s:
        security.create_user(s, "res", "correct horse battery", "researcher")
    with TestClient(create_app(db)) as c:
        yield c


def test_registry_analytics_is_audited_and_states_exclusions(web: TestClient,
                                                             db: Database) -> None:
    sign_in(web)
    page = web.get("/app/analytics")
    assert page.status_code == 200
    text = page.text
    for heading in ("Survival and skeletal-related events", "Pain response after radiotherapy",
                    "Quality of care", "How the survival scores work here",
                    "Tumour-board decisions"):
        assert heading in text
    # the demo cases carry no follow-up: they are excluded, and the page says why
    assert "Excluded: 14 (first bone metastasis date not recorded)" in text
    assert "mescc-treated-within-1-day" in text
    with db.session() as s:
        actions = {(e.action, e.resource) for e in s.scalars(select(AuditEvent))}
    assert ("read", "cohort") in actions and ("read", "cohort-decisions") in actions


def test_synthetic_cohort_plots(web: TestClient) -> None:
    sign_in(web, "res", "correct horse battery", lands="/app/analytics")
    page = web.get("/app/analytics?source=synthetic")
    assert page.status_code == 200 and "synthetic demonstration cohort" in page.text
    assert "Tumour-board decisions" not in page.text  # no board behind synthetic patients
    assert 'src="/app/analytics/plots/survival.svg?source=synthetic&amp;by=primary"' in page.text
    for path, kind in [("survival.svg?by=agent", "image/svg+xml"), ("sre.png", "image/png"),
                       ("survival-from-radiotherapy.svg?by=all", "image/svg+xml"),
                       ("pain.png", "image/png"), ("quality.svg", "image/svg+xml"),
                       ("score-chow-nrf.svg", "image/svg+xml")]:
        sep = "&" if "?" in path else "?"
        r = web.get(f"/app/analytics/plots/{path}{sep}source=synthetic")
        assert r.status_code == 200, (path, r.text[:200])
        assert r.headers["content-type"] == kind
    svg = web.get("/app/analytics/plots/survival.svg?source=synthetic&by=all").text
    assert "Number at risk" in svg and "synthetic demonstration cohort" in svg


@pytest.mark.parametrize(("path", "status"), [
    ("/app/analytics?source=elsewhere", 400),
    ("/app/analytics/plots/survival.svg?by=height", 400),
    ("/app/analytics/plots/survival-from-radiotherapy.png?by=agent", 400),
    ("/app/analytics/plots/histogram.png", 404),
    ("/app/analytics/plots/score-astrology.png", 404),
    ("/app/analytics/plots/survival.gif", 404),
])
def test_bad_parameters(web: TestClient, path: str, status: int) -> None:
    sign_in(web)
    r = web.get(path)
    assert r.status_code == status


def test_analytics_need_sign_in(web: TestClient) -> None:
    r = web.get("/app/analytics", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/app/login")


def test_registry_aggregates_are_recomputed_only_after_a_change(web: TestClient,
                                                                 db: Database) -> None:
    sign_in(web)
    assert web.get("/app/analytics").status_code == 200
    first = web.app.state.analytics_cache  # type: ignore[attr-defined]
    assert web.get("/app/analytics/plots/quality.svg").status_code == 200
    assert web.app.state.analytics_cache is first  # type: ignore[attr-defined]
    with db.session() as s:  # a new case version changes the registry
        from osseous.registry import repository as repo
        from osseous.registry.audit import SYSTEM

        case = next(iter(repo.cohort_documents(s, SYSTEM)))
        repo.import_case(s, SYSTEM, {**case, "id": "another-case"})
    assert web.get("/app/analytics").status_code == 200
    assert web.app.state.analytics_cache is not first  # type: ignore[attr-defined]
    with db.session() as s:
        reads = [e for e in s.scalars(select(AuditEvent).where(
            AuditEvent.resource == "cohort", AuditEvent.username == "demo"))]
    assert len(reads) == 3  # every read audited, cached or not
