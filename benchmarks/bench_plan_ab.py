"""CPU time of the full assessment against the scoring stage, for A/B runs of two checkouts.

Run it once per checkout, alternating, so both see the same machine::

    PYTHONPATH=../old/src .venv/bin/python benchmarks/bench_plan_ab.py ../old
    .venv/bin/python benchmarks/bench_plan_ab.py .

It prints the per-case CPU time (best of 7 passes over 200 ten-lesion cases, ``process_time``,
so other processes on a shared machine disturb it less than wall time) of the scores alone and
of the full assessment, and their ratio. Each document is dropped once computed, as a server
does after answering; a second line keeps the 200 documents alive during the pass, which adds
the cycle collector's walks over them (the figure a bulk job that holds its results would see).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(sys.argv[1] if len(sys.argv) > 1 else ".") / "benchmarks"))

from bench_assess import ten_lesion_case

from osseous.core.case import Case
from osseous.core.validation import parse_case
from osseous.plan.engine import assess
from osseous.scores.catalog import score_case

CASES = [parse_case(ten_lesion_case(i)).case for i in range(200)]


def best(run: Callable[[], object], passes: int = 7) -> float:
    """Best CPU time per case in microseconds."""
    times = []
    for _ in range(passes):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times) / len(CASES) * 1e6


def each(fn: Callable[[Case], object]) -> Callable[[], None]:
    """Apply ``fn`` to every case, dropping each result as a server drops it after the
    response."""

    def run() -> None:
        for c in CASES:
            fn(c)

    return run


def main() -> None:
    scores = best(each(score_case))
    full = best(each(assess))
    print(f"scores {scores:7.1f} us  full assessment {full:7.1f} us  ratio {full / scores:5.2f}")
    # the same with the 200 documents kept until the pass ends: the collector then walks every
    # live document, so larger documents cost more than their own construction
    kept = best(lambda: [assess(c) for c in CASES])
    print(f"        (documents kept during the pass: full assessment {kept:7.1f} us)")


if __name__ == "__main__":
    main()
