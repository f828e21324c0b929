"""Cohort metrics over a synthetic registry: wall time and peak memory.

Generates N synthetic patients as NDJSON. It then times, in the same run, the bare JSON
decoding of the file (the baseline), the validation of every document, and the outcome and
quality metrics. The cases are streamed, so peak memory grows with the number of follow-up
records kept, not with the documents. Run:
``.venv/bin/python benchmarks/bench_cohort.py [--patients 100000]``.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import orjson

from osseous.analytics.outcomes import outcomes
from osseous.analytics.quality import quality
from osseous.analytics.synth import synthetic_cohort
from osseous.core.case import Case
from osseous.core.validation import parse_case


def lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        yield from f


def cases(path: Path) -> Iterator[Case]:
    for line in lines(path):
        yield parse_case(orjson.loads(line)).case


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=100_000)
    n = parser.parse_args().patients
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cohort.ndjson"
        start = time.perf_counter()
        with path.open("wb") as out:
            for doc in synthetic_cohort(n, seed=1):
                out.write(orjson.dumps(doc) + b"\n")
        made = time.perf_counter() - start
        timings = {}
        start = time.perf_counter()
        for line in lines(path):
            orjson.loads(line)
        timings["decode JSON (baseline)"] = time.perf_counter() - start
        start = time.perf_counter()
        for _ in cases(path):
            pass
        timings["decode + validate"] = time.perf_counter() - start
        start = time.perf_counter()
        outcomes(cases(path))
        timings["outcomes (validate + SRE + survival)"] = time.perf_counter() - start
        start = time.perf_counter()
        quality(cases(path))
        timings["quality indicators (validate + 4)"] = time.perf_counter() - start
    base = timings["decode JSON (baseline)"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n} synthetic patients (generated and written in {made:.1f} s)")
    for name, t in timings.items():
        print(f"{name:40} {t:7.2f} s  {t / base:6.1f} x baseline")
    print(f"peak resident memory of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
