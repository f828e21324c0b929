"""Throughput of validation + scoring (and of the full assessment) on one core.

Prints cases per second for each stage and its ratio to a baseline measured in the same run
(bare ``orjson.loads`` of the same documents), because absolute timings on shared machines are
noisy. Run: ``.venv/bin/python benchmarks/bench_assess.py [--cases N]``.
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable
from typing import Any

import orjson

from osseous.core.validation import parse_case
from osseous.plan.engine import assess as full_assessment
from osseous.scores.catalog import score_case


def ten_lesion_case(i: int) -> dict[str, Any]:
    """A complete synthetic case with 6 spinal and 4 long-bone lesions."""
    spinal = [{"id": f"S{n}", "site": "spine", "levels": [lvl], "pain_character": "mechanical",
               "worst_pain": 6, "appearance": "lytic", "alignment": "normal",
               "collapse": "under-50", "posterolateral": "unilateral", "escc": esc,
               "neurological_deficit": "none", "soft_tissue_extension": False,
               "prior_radiotherapy": []}
              for n, (lvl, esc) in enumerate([("T4", "0"), ("T8", "1a"), ("T11", "1b"),
                                              ("L1", "1c"), ("L3", "2"), ("S1", "0")])]
    long_bones = [{"id": f"B{n}", "site": site, "region": region, "pain_severity": "moderate",
                   "worst_pain": 4, "appearance": "mixed", "size_fraction": "1/3-2/3",
                   "axial_cortical_involvement_mm": 20, "pathological_fracture": False}
                  for n, (site, region) in enumerate([("femur", "peritrochanteric"),
                                                      ("femur", "shaft"), ("humerus", None),
                                                      ("tibia", None)])]
    for lesion in long_bones:
        if lesion["region"] is None:
            del lesion["region"]
    return {
        "format": "osseous.case/1", "id": f"bench-{i}", "assessed_on": "2026-11-20",
        "patient": {"age_years": 50 + i % 30, "sex": "female", "weight_kg": 70, "height_cm": 168,
                    "ecog": 1, "karnofsky": 80, "ambulatory": "independent", "frankel": "E",
                    "hospitalizations_past_3_months": 0, "dialysis": False,
                    "dental": {"last_exam": "2026-10-01", "invasive_procedure_planned": False},
                    "goal": "life-prolonging", "surgical_candidate": True},
        "cancer": {"primary": "breast", "hormone_receptor_positive": True, "her2_positive": False,
                   "prior_chemotherapy_lines": 1, "visceral_metastases": "none",
                   "visceral_sites": [], "brain_metastases": False, "disseminated": False,
                   "bone_metastases": {"spinal": 6, "extraspinal": 4}},
        "labs": [{"analyte": a, "value": v, "unit": u, "date": "2026-11-18"} for a, v, u in (
            ("creatinine", 0.9, "mg/dL"), ("albumin", 38, "g/L"), ("calcium", 2.4, "mmol/L"),
            ("crp", 0.2, "mg/dL"), ("ldh", 200, "U/L"), ("platelets", 220, "10*9/L"),
            ("bilirubin", 0.6, "mg/dL"), ("hemoglobin", 12.5, "g/dL"), ("anc", 4.0, "10*9/L"))],
        "lesions": spinal + long_bones,
        "medications": [{"drug": "oxycodone", "route": "oral", "daily_dose_mg": 40,
                         "status": "active"}, {"drug": "letrozole", "status": "active"}],
        "pain_assessments": [], "events": [],
    }


def measure(fn: Callable[[bytes], object], docs: list[bytes], repeats: int) -> float:
    """Best-of-``repeats`` cases per second for ``fn`` over ``docs``."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for d in docs:
            fn(d)
        rates.append(len(docs) / (time.perf_counter() - start))
    return max(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    docs = [orjson.dumps(copy.deepcopy(ten_lesion_case(i))) for i in range(args.cases)]

    stages: list[tuple[str, Callable[[bytes], object]]] = [
        ("orjson.loads (baseline)", orjson.loads),
        ("validate", lambda d: parse_case(orjson.loads(d))),
        ("validate + all scores", lambda d: score_case(parse_case(orjson.loads(d)).case)),
        ("validate + full assessment",
         lambda d: full_assessment(parse_case(orjson.loads(d)).case)),
    ]
    results = [(name, measure(fn, docs, args.repeats)) for name, fn in stages]
    base = results[0][1]
    scoring = results[2][1]
    print(f"{args.cases} ten-lesion cases, best of {args.repeats}, one core")
    print(f"{'stage':32} {'cases/s':>12} {'us/case':>9} {'x baseline':>11} {'x scoring':>10}")
    for name, rate in results:
        print(f"{name:32} {rate:12,.0f} {1e6 / rate:9.1f} {base / rate:11.1f} "
              f"{scoring / rate:10.2f}")


if __name__ == "__main__":
    main()
