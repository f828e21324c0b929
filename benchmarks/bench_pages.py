"""Server time of every page of the web application on the demo data.

Reads the ``Server-Timing`` header the app sets (time from receiving the request to starting
the response) over repeated requests, signed in as the demo clinician, and reports the median
and the slowest, next to ``/health`` measured in the same run.

Run: ``.venv/bin/python benchmarks/bench_pages.py [--repeats 20]``
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile

from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.registry.db import Database
from osseous.registry.migrate import upgrade

PAGES = ("/health", "/app/cases", "/app/cases/demo-breast-01", "/app/cases/demo-breast-01/edit",
         "/app/cases/new", "/app/cases/reirradiation-spine/follow-up",
         "/app/cases/demo-breast-01/patient-summary", "/app/calculators",
         "/app/calculators/sins", "/app/cases/demo-breast-01/board.pdf")


def server_ms(response: object) -> float:
    header = response.headers["server-timing"]  # type: ignore[attr-defined]
    found = re.search(r"dur=([\d.]+)", header)
    assert found
    return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/pages.db")
        upgrade(db)
        seed_demo(db)
        client = TestClient(create_app(db))
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/app/login").text)
        assert token
        client.post("/app/login", data={"csrf": token.group(1), "username": "demo",
                                        "password": "demo-osseous"})
        print(f"server time per page, {args.repeats} requests each (SQLite, demo data)")
        print(f"{'page':48} {'median ms':>10} {'max ms':>8}")
        for page in PAGES:
            client.get(page)  # first view stores the assessment; measure the steady state
            times = [server_ms(client.get(page)) for _ in range(args.repeats)]
            print(f"{page:48} {statistics.median(times):10.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()
