"""The pages under attack (issue 14): each finding of the security review, reproduced and
refused. Sign-in throttling and the CSRF key are shared through the database, so two app
instances over one database stand for two worker processes."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.core.settings import from_environment
from osseous.registry import security
from osseous.registry.db import Database
from osseous.registry.models import Assessment, AuditEvent, CaseVersion
from tests.web.test_pages import csrf, sign_in

SETTINGS = from_environment({}, login_max_failures_per_account=5,
                            login_max_failures_per_client=20)


@pytest.fixture
def web(db: Database) -> Iterator[TestClient]:
    seed_demo(db)
    with db.session() as s:
        security.create_user(s, "coord", "correct horse battery", "coordinator")
    with TestClient(create_app(db, settings=SETTINGS)) as c:
        yield c


def _audit(db: Database, **where: Any) -> list[AuditEvent]:
    with db.read_session() as s:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, key) == value)
        return list(s.scalars(stmt))


# ---- sign-in: throttling, lockout, hashing off the event loop ------------------------------

def _attempt(c: TestClient, user: str, password: str) -> int:
    r = c.post("/app/login", data={"csrf": csrf(c), "username": user, "password": password})
    return r.status_code


def test_an_account_is_locked_after_five_failures_across_workers(db: Database) -> None:
    seed_demo(db)
    with TestClient(create_app(db, settings=SETTINGS)) as one, \
            TestClient(create_app(db, settings=SETTINGS)) as two:
        for i in range(5):  # alternating between two "workers"
            assert _attempt(one if i % 2 else two, "demo", f"guess-{i}") == 401
        # the correct password is refused while the account is locked, on either worker
        assert _attempt(one, "demo", "demo-osseous") == 429
        assert _attempt(two, "demo", "demo-osseous") == 429
        r = one.post("/auth/token", json={"username": "demo", "password": "demo-osseous"})
        assert r.status_code == 429 and r.headers["retry-after"] == "900"
    outcomes = [(a.username, a.outcome) for a in _audit(db, action="login")]
    assert outcomes.count(("demo", "denied")) == 5 and outcomes.count(("demo", "locked")) == 3


def test_the_lockout_is_temporary_and_a_success_resets_the_account(db: Database) -> None:
    seed_demo(db)
    quick = SETTINGS.with_(login_window_seconds=2)
    with TestClient(create_app(db, settings=quick)) as c:
        for i in range(4):
            assert _attempt(c, "demo", f"guess-{i}") == 401
        sign_in(c)  # the fifth attempt is right: the count starts again
        c.cookies.clear()
        for i in range(5):
            assert _attempt(c, "demo", f"again-{i}") == 401
        assert _attempt(c, "demo", "demo-osseous") == 429
        time.sleep(2.5)  # the window has passed
        assert _attempt(c, "demo", "demo-osseous") == 200


def test_an_address_is_locked_after_twenty_failures_on_any_accounts(web: TestClient,
                                                                    db: Database) -> None:
    for i in range(20):
        assert _attempt(web, f"nobody-{i}", "guess") == 401
    # a fresh account name from the same address: refused without checking the password
    assert _attempt(web, "coord", "correct horse battery") == 429
    locked = _audit(db, outcome="locked")
    assert locked and locked[-1].detail and "address" in locked[-1].detail


def test_password_hashing_runs_off_the_event_loop_a_few_at_a_time(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue: eight concurrent sign-ins hashed on the event loop pushed /health to 4-8 s."""
    seed_demo(db)
    running, peak, on_loop = 0, 0, []
    lock = threading.Lock()
    real = security.verify_password

    def slow_verify(user: Any, password: str) -> bool:
        nonlocal running, peak
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            pass
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.3)  # an expensive hash
        with lock:
            running -= 1
        return real(user, password)

    monkeypatch.setattr(security, "verify_password", slow_verify)
    app = create_app(db, settings=SETTINGS.with_(heavy_concurrency=2,
                                                 login_max_failures_per_client=100))

    async def scenario() -> tuple[float, list[int]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            logins = [c.post("/auth/token", json={"username": f"u{i}", "password": "x"})
                      for i in range(8)]
            tasks = [asyncio.ensure_future(x) for x in logins]
            await asyncio.sleep(0.1)
            t0 = time.perf_counter()
            health = await c.get("/health")
            took = time.perf_counter() - t0
            statuses = [r.status_code for r in await asyncio.gather(*tasks)]
            assert health.status_code == 200
            return took, statuses

    took, statuses = asyncio.run(scenario())
    assert statuses == [401] * 8
    assert not on_loop, "a password was hashed on the event loop"
    assert peak == 2  # bounded concurrency
    assert took < 0.25, f"/health waited {took:.2f} s behind the sign-ins"


# ---- CSRF ------------------------------------------------------------------------------------

def test_a_client_chosen_csrf_cookie_is_refused(web: TestClient) -> None:
    web.cookies.set("osseous_csrf", "chosen-by-the-attacker")
    r = web.post("/app/login", data={"csrf": "chosen-by-the-attacker", "username": "demo",
                                     "password": "demo-osseous"})
    assert r.status_code == 403
    # a well-formed token signed with another key is refused too
    forged = "nonce." + "0" * 64
    web.cookies.set("osseous_csrf", forged)
    assert web.post("/app/login", data={"csrf": forged, "username": "demo",
                                        "password": "demo-osseous"}).status_code == 403


def test_the_csrf_token_is_renewed_at_sign_in_and_bound_to_the_session(web: TestClient) -> None:
    before = csrf(web)
    r = web.post("/app/login", data={"csrf": before, "username": "demo",
                                     "password": "demo-osseous"}, follow_redirects=False)
    assert r.status_code == 303
    issued = re.search(r"osseous_csrf=([^;]+)", ",".join(r.headers.get_list("set-cookie")))
    assert issued and issued.group(1) != before
    after = csrf(web, "/app/cases")
    assert after != before
    # the pre-sign-in token no longer works for the signed-in session
    web.cookies.set("osseous_csrf", before)
    r = web.post("/app/cases/demo-breast-01/agenda", data={"csrf": before, "status": "backlog"})
    assert r.status_code == 403


# ---- the editor and other page inputs --------------------------------------------------------

def test_a_huge_row_index_is_refused_without_a_huge_page(web: TestClient) -> None:
    """Issue: ``labs[50000]`` in a 59-byte POST rendered 50,000 rows (5.7 s, 107 MB)."""
    sign_in(web)
    token = csrf(web, "/app/cases/new")
    t0 = time.perf_counter()
    r = web.post("/app/cases/new", data={"csrf": token, "labs[50000].value": "1",
                                         "medications[99999999].drug": "x",
                                         "lesions[70000].id": "L"})
    took = time.perf_counter() - t0
    assert r.status_code == 422 and "at most 1000 rows" in r.text
    assert len(r.content) < 300_000 and took < 5


def test_malformed_page_inputs_are_4xx(web: TestClient, db: Database) -> None:
    sign_in(web)
    assert web.get("/app/cases?board_date=notadate").status_code == 400
    token = csrf(web, "/app/cases/demo-breast-01/edit")
    r = web.post("/app/cases/demo-breast-01/agenda", data={"csrf": token,
                                                           "board_date": "notadate"})
    assert r.status_code == 400 and "board_date" in r.text
    r = web.post("/app/cases/demo-breast-01/edit", data={"csrf": token, "id": "demo-breast-01",
                                                         "_version": "abc"})
    assert r.status_code == 409  # a malformed version is a stale one, never a 500
    with db.read_session() as s:
        assert s.scalar(select(func.count()).select_from(CaseVersion).where(
            CaseVersion.case_id == "demo-breast-01")) == 1


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,                       # 100k-deep JSON
    '{"format": "osseous.case/1", "id": "s", "cancer": {"histology": "\\ud800"}}',
    '{"format": "osseous.case/1", "id": "n", "cancer": {"histology": "a\\u0000b"}}',
    '{"format": "osseous.case/1", "id": "x", "patient": {"age_years": NaN}}',
    '{"format": "osseous.case/1", "id": "y", "patient": {"weight_kg": 1e309}}',
])
def test_import_refuses_what_cannot_be_stored(web: TestClient, db: Database,
                                              text: str) -> None:
    sign_in(web)
    token = csrf(web)
    r = web.post("/app/import", data={"csrf": token, "json": text})
    assert r.status_code == 422
    with db.read_session() as s:
        assert s.scalar(select(func.count()).select_from(CaseVersion).where(
            CaseVersion.case_id.in_(("s", "n", "x", "y")))) == 0


def test_nul_or_a_lone_surrogate_in_any_form_field_is_refused(web: TestClient,
                                                               db: Database) -> None:
    sign_in(web)
    token = csrf(web)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    r = web.post("/app/cases/demo-breast-01/decisions", content=(
        f"csrf={token}&recommendation_id=x&decision=declined&reason=a%00b").encode(),
        headers=form)
    assert r.status_code == 400 and "NUL" in r.text
    # a surrogate's bytes (ED A0 80) are not UTF-8: never stored as a lone surrogate
    r = web.post("/app/cases/new", content=(
        f"csrf={token}&id=surrogate&pseudonym=P-%ED%A0%80&cancer.histology=%ED%A0%80").encode(),
        headers=form, follow_redirects=False)
    assert r.status_code < 500
    with db.read_session() as s:
        stored = s.scalar(select(CaseVersion.document).where(CaseVersion.case_id == "surrogate"))
    if stored is not None:
        assert orjson.dumps(stored)  # encodable: every later read works


# ---- a page view never writes ----------------------------------------------------------------

def test_viewing_a_case_stores_nothing(web: TestClient, db: Database) -> None:
    """Issue: viewing a case page as a coordinator stored an assessment as that user."""
    web.post("/app/login", data={"csrf": csrf(web), "username": "coord",
                                 "password": "correct horse battery"})
    with db.read_session() as s:
        before = s.scalar(select(func.count()).select_from(Assessment))
    for path in ("/app/cases", "/app/cases/demo-breast-01",
                 "/app/cases/demo-breast-01/follow-up",
                 "/app/cases/demo-breast-01/patient-summary"):
        assert web.get(path).status_code == 200
    with db.read_session() as s:
        assert s.scalar(select(func.count()).select_from(Assessment)) == before
        assert s.scalar(select(func.count()).select_from(Assessment).where(
            Assessment.created_by == "coord")) == 0


def test_the_case_list_shows_the_stored_alerts(web: TestClient) -> None:
    sign_in(web)
    page = web.get("/app/cases?severity=critical").text
    assert "renal-mescc" in page  # cord compression, from the assessment stored with it


def test_a_page_request_without_a_session_is_audited(web: TestClient, db: Database) -> None:
    web.get("/app/cases/demo-breast-01", follow_redirects=False)
    web.cookies.set("osseous_session", "oss_not-a-session")
    web.get("/app/cases", follow_redirects=False)
    rows = _audit(db, action="page", outcome="denied")
    assert [r.resource_id for r in rows] == ["/app/cases/demo-breast-01", "/app/cases"]
    assert rows[0].detail == "no session" and rows[1].detail.startswith("session unknown")


# ---- fuzzing the forms -----------------------------------------------------------------------

FIELDS = ["id", "assessed_on", "pseudonym", "_version", "patient.age_years", "patient.ecog",
          "patient.weight_kg", "cancer.primary", "cancer.histology", "labs[0].analyte",
          "labs[0].value", "labs[0].unit", "labs[7].date", "labs[0]._from", "medications[0].drug",
          "medications[3].daily_dose_mg", "lesions[0].id", "lesions[0]._kind", "lesions[0].levels",
          "lesions[1].site", "lesions[0].new_course.dose_gy", "lesions[999999].id", "labs[x].value",
          "board_date", "status", "decision", "reason", "recommendation_id", "due_date", "date",
          "lesion", "worst_pain", "kind", "fractions", "username", "password", "next"]
VALUES = st.one_of(st.text(max_size=40), st.sampled_from(
    ["", "1", "-1", "1e309", "nan", "2026-02-30", "notadate", "breast", "spine", "yes", "L1",
     "9" * 30, "x" * 3000]))
FORMS = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=12)
TARGETS = ["/app/cases/new", "/app/cases/demo-breast-01/edit",
           "/app/cases/demo-breast-01/decisions", "/app/cases/demo-breast-01/agenda",
           "/app/cases/demo-breast-01/follow-up", "/app/triage", "/app/calculators/sins",
           "/app/import", "/app/login"]


def test_no_form_input_causes_a_server_error(db: Database) -> None:
    """Hypothesis over the page forms: whatever is typed, the answer is never a 5xx."""
    seed_demo(db)
    with TestClient(create_app(db, settings=SETTINGS.with_(
            login_max_failures_per_account=10_000, login_max_failures_per_client=10_000))
            ) as c:
        sign_in(c)
        nonlocal_token = [csrf(c, "/app/cases/new")]

        @given(target=st.sampled_from(TARGETS), form=FORMS)
        @settings(max_examples=120, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def post(target: str, form: dict[str, str]) -> None:
            r = c.post(target, data={**form, "csrf": nonlocal_token[0]},
                       follow_redirects=False)
            assert r.status_code < 500, (target, form, r.text[:500])
            if target == "/app/login":
                c.cookies.clear()
                sign_in(c)  # stay signed in as the clinician, with its token
                nonlocal_token[0] = csrf(c, "/app/cases/new")

        post()


def test_the_json_door_check_is_linear() -> None:
    """orjson's limits, not the handler's recursion, refuse deep nesting: the time to refuse
    grows linearly with the size."""
    from osseous.api.middleware import json_refusal

    def timed(n: int) -> float:
        body = b"[" * n + b"]" * n
        t0 = time.perf_counter()
        for _ in range(5):
            assert json_refusal(body)
        return time.perf_counter() - t0

    small, big = timed(50_000), timed(500_000)
    assert big < 40 * small + 0.05  # 10x the input: far from 100x
    assert json_refusal(orjson.dumps({"a": "b"})) is None


@pytest.mark.parametrize("path", ["/app/cases/new", "/app/import"])
def test_the_editor_and_the_import_work_off_the_event_loop(
        web: TestClient, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """A form of thousands of fields held /health for about half a second while it was read,
    validated and redrawn on the event loop; the work now runs in a worker thread."""
    from osseous.web import pages
    on_loop: list[bool] = []

    def spy(real: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                asyncio.get_running_loop()
                on_loop.append(True)
            except RuntimeError:
                on_loop.append(False)
            return real(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(pages.forms, "document_from_form", spy(pages.forms.document_from_form))
    monkeypatch.setattr(pages.orjson, "loads", spy(orjson.loads))
    sign_in(web)
    token = csrf(web, "/app/cases/new")
    data = ({"csrf": token, "id": "x", "labs[0].analyte": "calcium", "labs[0].value": "abc"}
            if path.endswith("new") else {"csrf": token, "json": "{\"format\": 1}"})
    r = web.post(path, data=data)
    assert r.status_code == 422
    assert on_loop == [False], on_loop
