"""Server time of every page of the web application on the demo data, then of the case list
with a registry of 5,000 cases.

Reads the ``Server-Timing`` header the app sets (time from receiving the request to starting the
response) over repeated requests, signed in as the demo clinician, and reports the median and
the slowest, with each page's ratio to ``/health`` measured in the same run (the baseline).

The large registry copies the demo cases (patients, versions and their case-list overview
rows) to 5,000 cases, as if imported: the list must not grow with the registry (one query,
filtered, sorted and paged in SQL; no assessment per row).

Run: ``.venv/bin/python benchmarks/bench_pages.py [--repeats 20] [--cases 5000]``
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.registry.db import Database
from osseous.registry.migrate import upgrade
from osseous.registry.models import Case, CaseOverview, CaseVersion, Patient
from osseous.registry.security import utcnow

BOARD = (date.today() + timedelta(days=7)).isoformat()
PAGES = ("/health", "/app/cases", "/app/cases?sort=board&status=backlog",
         "/app/cases/demo-breast-01", "/app/cases/renal-mescc",
         "/app/cases/demo-breast-01/edit", "/app/cases/new",
         "/app/cases/reirradiation-spine/follow-up",
         "/app/cases/demo-breast-01/patient-summary", "/app/calculators",
         "/app/calculators/sins", "/app/calculators/sins?lesions%5B0%5D.levels=T12"
         "&lesions%5B0%5D.pain_character=mechanical&lesions%5B0%5D.appearance=lytic",
         "/app/calculators/bed-eqd2?dose_gy=20&fractions=5", "/app/board",
         f"/app/board/{BOARD}", f"/app/board/{BOARD}/case/1")
DOWNLOADS = ("/app/cases/demo-breast-01/board.pdf", f"/app/board/{BOARD}/minutes.pdf")


def server_ms(response: object) -> float:
    header = response.headers["server-timing"]  # type: ignore[attr-defined]
    found = re.search(r"dur=([\d.]+)", header)
    assert found
    return float(found.group(1))


def signed_in(db: Database) -> TestClient:
    client = TestClient(create_app(db))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/app/login").text)
    assert token
    client.post("/app/login", data={"csrf": token.group(1), "username": "demo",
                                    "password": "demo-osseous"})
    return client


def measure(client: TestClient, pages: tuple[str, ...], repeats: int) -> None:
    base = None
    print(f"{'page':60} {'median ms':>10} {'max ms':>8} {'x /health':>9}")
    for page in pages:
        r = client.get(page)
        assert r.status_code == 200, (page, r.status_code)
        times = [server_ms(client.get(page)) for _ in range(repeats)]
        median = statistics.median(times)
        base = base or median
        print(f"{page[:60]:60} {median:10.1f} {max(times):8.1f} {median / base:9.1f}")


def grow(db: Database, cases: int) -> float:
    """Copy the demo cases until the registry holds ``cases``; returns the seconds taken."""
    start = time.perf_counter()
    with db.session() as s:
        templates = [(c, s.scalar(select(CaseVersion.document).where(
            CaseVersion.case_id == c.id, CaseVersion.number == c.current_version)),
            s.get(CaseOverview, c.id)) for c in s.scalars(select(Case))]
        now = utcnow()
        todo = list(range(cases - len(templates)))
        for chunk in (todo[i:i + 500] for i in range(0, len(todo), 500)):
            rows: list[tuple[list[object], list[object], list[object]]] = []
            for n in chunk:  # patients, then cases, then their versions: the foreign keys
                case, doc, ov = templates[n % len(templates)]
                pid, cid = str(uuid.uuid4()), f"{case.id}-{n:05d}"
                later: list[object] = [CaseVersion(case_id=cid, number=1,
                                                   document={**doc, "id": cid},
                                                   created_at=now, created_by="bench")]
                if ov is not None:
                    later.append(CaseOverview(
                        case_id=cid, assessment_id=ov.assessment_id, case_version=1,
                        rank=ov.rank, top_severity=ov.top_severity, top_alert=ov.top_alert,
                        primary=ov.primary, open_problems=ov.open_problems,
                        undecided=ov.undecided, options=ov.options, duties=ov.duties))
                rows.append(([Patient(id=pid, pseudonym=f"P-{cid}", mrn=None, created_at=now,
                                      updated_at=now, version=1)],
                             [Case(id=cid, patient_id=pid, status="backlog", board_date=None,
                                   current_version=1, created_at=now, updated_at=now,
                                   version=1)], later))
            for stage in range(3):
                s.add_all([o for r in rows for o in r[stage]])
                s.flush()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--cases", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/pages.db")
        upgrade(db)
        seed_demo(db)
        client = signed_in(db)
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/app/board").text)
        assert token
        for case in ("renal-mescc", "demo-breast-01", "myeloma-hypercalcemia"):
            client.post(f"/app/board/{BOARD}/agenda", data={"csrf": token.group(1),
                                                             "case_id": case})
        print(f"server time per page, {args.repeats} requests each (SQLite, demo data)")
        measure(client, PAGES, args.repeats)
        print("\ndownloads (PDF), 3 requests each")
        for page in DOWNLOADS:
            times = [server_ms(client.get(page)) for _ in range(3)]
            print(f"{page:60} {statistics.median(times):10.1f} {max(times):8.1f}")
        seconds = grow(db, args.cases)
        print(f"\nthe registry grown to {args.cases} cases ({seconds:.1f} s)")
        measure(client, ("/health", "/app/cases", "/app/cases?severity=critical",
                         "/app/cases?q=renal&sort=case", "/app/cases?page=40",
                         "/app/cases?primary=prostate&sort=updated"), args.repeats)


if __name__ == "__main__":
    main()
