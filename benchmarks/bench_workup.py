"""Cost of the work-up planner and the monitoring duties relative to the full assessment.

Both run on the example cases. The baseline is the full assessment, which includes the work-up
since issue 8, measured in the same run. The ratios show what the extra sections cost. Run:
``.venv/bin/python benchmarks/bench_workup.py``.
"""

from __future__ import annotations

import glob
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import orjson

from osseous.core.validation import parse_case
from osseous.plan.engine import assess
from osseous.plan.monitoring import monitoring
from osseous.plan.triage import TriageAnswers, triage
from osseous.plan.workup import plan_workup

TODAY = date(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[1]


def best_of(fn: Callable[[], object], repeat: int = 7, number: int = 50) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def main() -> None:
    files = sorted(glob.glob(str(ROOT / "examples" / "cases" / "*.json")))
    cases = [parse_case(orjson.loads(Path(f).read_bytes())).case for f in files]
    cases = [c if c.assessed_on else c.model_copy(update={"assessed_on": TODAY}) for c in cases]
    docs = [assess(c) for c in cases]
    answers = TriageAnswers(limb_weakness=True, thirst=False)
    base = best_of(lambda: [assess(c) for c in cases])
    rows = {
        "work-up planner": best_of(lambda: [plan_workup(c, d) for c, d in zip(cases, docs,
                                                                             strict=True)]),
        "monitoring duties": best_of(lambda: [monitoring(c, TODAY) for c in cases]),
        "triage (x cases)": best_of(lambda: [triage(answers) for _ in cases]),
    }
    n = len(cases)
    print(f"baseline: full assessment {base / n * 1e3:.3f} ms per case ({n} example cases)")
    for name, t in rows.items():
        print(f"{name:20} {t / n * 1e3:.4f} ms per case  {t / base:6.1%} of the assessment")


if __name__ == "__main__":
    main()
