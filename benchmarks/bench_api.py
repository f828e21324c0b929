"""Throughput and latency of the API, against a real Uvicorn process over loopback.

For each database (SQLite, and PostgreSQL when a server URL is given or can be started), it
measures requests per second and p50/p99 latency of ``POST /assess`` (a ten-lesion case) and
``GET /cases/{id}``, next to ``GET /health`` of the same app in the same run (the framework's
ceiling on this machine). The load generator is asyncio + httpx with a fixed concurrency.

On a shared machine the load of other processes changes from second to second, so the three
endpoints are measured in interleaved rounds (health, assess, case, health, ...): each round's
ratios are taken against that round's own ``/health``, and the table gives the median over
the rounds of each figure (req/s, p50, p99, ratio).

Run: ``.venv/bin/python benchmarks/bench_api.py [--seconds 3] [--rounds 5] [--concurrency 8]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_assess import ten_lesion_case  # noqa: E402
from tests.servers import free_port, wait_until_ready  # noqa: E402

from osseous.registry import repository as repo  # noqa: E402
from osseous.registry import security  # noqa: E402
from osseous.registry.audit import SYSTEM  # noqa: E402
from osseous.registry.db import Database  # noqa: E402
from osseous.registry.migrate import upgrade  # noqa: E402


def prepare(url: str) -> str:
    db = Database(url)
    upgrade(db)
    with db.session() as s:
        user = security.create_user(s, "bench", "correct horse battery", "clinician")
        token, _ = security.create_token(s, user, "bench", 1)
        repo.import_case(s, SYSTEM, ten_lesion_case(0))
    db.dispose()
    return token


async def load(url: str, method: str, body: bytes | None, headers: dict[str, str],
               seconds: float, concurrency: int) -> tuple[float, float, float, int]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            r = await client.request(method, url, content=body, headers=headers)
            latencies.append(time.perf_counter() - t0)
            if r.status_code >= 400:
                errors += 1

    async with httpx.AsyncClient(timeout=30) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return len(latencies) / elapsed, p(0.50), p(0.99), errors


def run(db_url: str, label: str, seconds: float, concurrency: int, rounds: int) -> None:
    token = prepare(db_url)
    port = free_port()
    env = {**os.environ, "OSSEOUS_DATABASE_URL": db_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "osseous.api.app:create_app",
         "--port", str(port), "--log-level", "warning"], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base, "/health")
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps(ten_lesion_case(1)).encode()
        rows = [
            ("GET /health (ceiling)", "GET", base + "/health", None, {}),
            ("POST /assess (10 lesions)", "POST", base + "/assess", body, auth),
            ("GET /cases/{id}", "GET", base + "/cases/bench-0", None, auth),
        ]
        for _, m, url, b, h in rows:  # warm up: first connections, statement caches
            asyncio.run(load(url, m, b, h, 0.5, concurrency))
        runs: dict[str, list[tuple[float, float, float, int, float]]] = {r[0]: [] for r in rows}
        for _ in range(rounds):
            results = [(name, asyncio.run(load(url, m, b, h, seconds, concurrency)))
                       for name, m, url, b, h in rows]
            ceiling = results[0][1][0]
            for name, (rps, p50, p99, errors) in results:
                runs[name].append((rps, p50, p99, errors, rps / ceiling))
        print(f"\n{label}: concurrency {concurrency}, {rounds} interleaved rounds of "
              f"{seconds:g} s per endpoint; medians over the rounds")
        print(f"{'endpoint':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x ceiling':>10} "
              f"{'errors':>7}   ratio per round")
        for name, figures in runs.items():
            rps, p50, p99, _, ratio = (statistics.median(f[i] for f in figures)
                                       for i in range(5))
            errors = sum(f[3] for f in figures)
            per_round = " ".join(f"{f[4]:.2f}" for f in figures)
            print(f"{name:28} {rps:8.0f} {p50:8.1f} {p99:8.1f} {ratio:10.2f} {errors:7d}   "
                  f"{per_round}")
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (else one is started)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"),
                        help="measure one database only")
    args = parser.parse_args()
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.db", "SQLite", args.seconds, args.concurrency,
                args.rounds)
    if args.only == "sqlite":
        return
    if args.postgres:
        run(args.postgres, "PostgreSQL", args.seconds, args.concurrency, args.rounds)
        return
    from tests.postgres import fresh_database, postgres_server

    with postgres_server() as server:
        if server is None:
            print("\nPostgreSQL: not installed, skipped")
            return
        run(fresh_database(server), "PostgreSQL", args.seconds, args.concurrency, args.rounds)


if __name__ == "__main__":
    main()
