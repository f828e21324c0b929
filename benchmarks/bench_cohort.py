"""Cohort metrics over a synthetic registry: wall time, peak memory and the Dask speed-up.

For each size, generates N synthetic patients as NDJSON (or reuses ``--data DIR``), then
measures in the same run, each in a fresh subprocess so that peak memory is its own:

* the baseline: bare JSON decoding of every line (orjson), nothing else;
* the metrics (outcomes, quality and pain: validation, first SRE, survival, indicators, pain
  response) in this process, one part after the other;
* the same on a local Dask cluster of 1, 2 and 4 worker processes (``--workers``).

It prints times as ratios to the baseline and the speed-up of each cluster against one
worker, checks that every run gives byte-identical results, and reports the peak resident
memory of the driver and of the largest worker. Run:
``.venv/bin/python benchmarks/bench_cohort.py --patients 100000 1000000``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import orjson

NAMES = ["outcomes", "quality", "pain"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(path: Path, mode: str, workers: int) -> dict[str, object]:
    """One measurement, in this (fresh) process."""
    from osseous.analytics.engine import run
    from osseous.core.executor import OnDask, open_executor

    start = time.perf_counter()
    if mode == "baseline":
        with path.open("rb") as f:
            for line in f:
                orjson.loads(line)
        return {"seconds": time.perf_counter() - start, "driver_mb": _peak_mb()}
    with open_executor(workers) as executor:
        started = time.perf_counter()
        docs = run([path], NAMES, executor)
        seconds = time.perf_counter() - started
        worker_mb = 0.0
        if isinstance(executor, OnDask):
            peaks = executor.client.run(_peak_mb)
            worker_mb = max(peaks.values())
    digest = hashlib.sha256(orjson.dumps(docs)).hexdigest()[:16]
    return {"seconds": seconds, "driver_mb": _peak_mb(), "worker_mb": worker_mb,
            "digest": digest, "with_startup": time.perf_counter() - start}


def measure(path: Path, mode: str, workers: int = 0) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--one", str(path), mode, str(workers)],
                         check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def generate(path: Path, n: int) -> float:
    from osseous.analytics.synth import synthetic_cohort

    start = time.perf_counter()
    with path.open("wb") as out:
        for doc in synthetic_cohort(n, seed=1):
            out.write(orjson.dumps(doc) + b"\n")
    return time.perf_counter() - start


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(one(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, nargs="+", default=[100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--data", type=Path, default=Path("/tmp/osseous-bench"))
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    for n in args.patients:
        path = args.data / f"cohort-{n}.ndjson"
        if not path.exists():
            made = generate(path, n)
            print(f"\n{n:,} patients: generated in {made:.1f} s", end="")
        else:
            print(f"\n{n:,} patients: reusing {path}", end="")
        print(f" ({path.stat().st_size / 1e6:.0f} MB)")
        base = measure(path, "baseline")
        rows = [("decode JSON (baseline)", base)]
        rows.append(("metrics in process", measure(path, "local")))
        rows += [(f"metrics, Dask {w} worker{'s' * (w > 1)}", measure(path, "dask", w))
                 for w in args.workers]
        one_worker = next((r for name, r in rows if name.endswith(" 1 worker")), None)
        for name, r in rows:
            seconds = float(r["seconds"])  # type: ignore[arg-type]
            line = (f"  {name:<30} {seconds:8.1f} s  {seconds / float(base['seconds']):6.1f}x"  # type: ignore[arg-type]
                    f" baseline  driver {float(r['driver_mb']):6.0f} MB")  # type: ignore[arg-type]
            if r.get("worker_mb"):
                line += f"  worker {float(r['worker_mb']):5.0f} MB"  # type: ignore[arg-type]
            if one_worker and "Dask" in name:
                line += f"  speed-up {float(one_worker['seconds']) / seconds:4.2f}x vs 1 worker"  # type: ignore[arg-type]
            print(line, flush=True)
        digests = {r["digest"] for name, r in rows if "digest" in r}
        print(f"  identical results across runs: {'yes' if len(digests) == 1 else 'NO'}"
              f" ({', '.join(sorted(str(d) for d in digests))})")


if __name__ == "__main__":
    main()
