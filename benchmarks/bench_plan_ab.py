"""CPU time of the full assessment against the scoring stage, for A/B runs of two checkouts.

Run it once per checkout, alternating, so both see the same machine::

    PYTHONPATH=../old/src .venv/bin/python benchmarks/bench_plan_ab.py ../old
    .venv/bin/python benchmarks/bench_plan_ab.py .

It prints the per-case CPU time (best of 7 passes over 200 ten-lesion cases, ``process_time``,
so other processes on a shared machine disturb it less than wall time) of the scores alone and
of the full assessment, and their ratio.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(sys.argv[1] if len(sys.argv) > 1 else ".") / "benchmarks"))

from bench_assess import ten_lesion_case

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


def main() -> None:
    scores = best(lambda: [score_case(c) for c in CASES])
    full = best(lambda: [assess(c) for c in CASES])
    print(f"scores {scores:7.1f} us  full assessment {full:7.1f} us  ratio {full / scores:5.2f}")


if __name__ == "__main__":
    main()
