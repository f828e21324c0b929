"""Generate a synthetic FHIR Bulk Data export (NDJSON per resource type) for tests and
benchmarks: every patient invented, seeded and reproducible. Never real data.

Run: ``.venv/bin/python benchmarks/gen_bulk.py OUT_DIR --patients 10000``
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import orjson

PRIMARIES = (("C50.911", "breast"), ("C61", "prostate"), ("C34.90", "lung"),
             ("C64.9", "kidney"), ("C90.00", "myeloma"), ("C18.9", "colon"))
SITES = ("T8 vertebra", "L1 vertebra", "T11 vertebra", "left femur", "right humerus", "pelvis",
         "L3 vertebra", "rib")


def _obs(pid: str, n: int, loinc: str, value: float, unit: str) -> dict[str, object]:
    return {"resourceType": "Observation", "id": f"{pid}-o{n}", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
            "subject": {"reference": f"Patient/{pid}"}, "effectiveDateTime": "2026-11-01",
            "valueQuantity": {"value": value, "unit": unit,
                              "system": "http://unitsofmeasure.org", "code": unit}}


def generate(out: Path, patients: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = {k: (out / f"{k}.ndjson").open("wb") for k in ("Patient", "Condition",
                                                             "Observation")}
    try:
        for i in range(patients):
            pid = f"syn{i:07d}"
            files["Patient"].write(orjson.dumps({
                "resourceType": "Patient", "id": pid, "gender": rng.choice(("female", "male")),
                "birthDate": f"{rng.randint(1935, 1985)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            }) + b"\n")
            code, _ = rng.choice(PRIMARIES)
            files["Condition"].write(orjson.dumps({
                "resourceType": "Condition", "id": f"{pid}-c1",
                "subject": {"reference": f"Patient/{pid}"},
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm",
                                     "code": code}]}}) + b"\n")
            if rng.random() < 0.8:  # four in five have bone metastases
                for k in range(rng.randint(1, 3)):
                    files["Condition"].write(orjson.dumps({
                        "resourceType": "Condition", "id": f"{pid}-b{k}",
                        "subject": {"reference": f"Patient/{pid}"},
                        "code": {"coding": [{"system": "http://snomed.info/sct",
                                             "code": "94222008"}]},
                        "bodySite": [{"text": rng.choice(SITES)}]}) + b"\n")
            for n, (loinc, lo, hi, unit) in enumerate((
                    ("2160-0", 0.6, 2.5, "mg/dL"), ("1751-7", 2.8, 4.6, "g/dL"),
                    ("17861-6", 8.4, 13.5, "mg/dL"), ("29463-7", 45, 110, "kg"))):
                files["Observation"].write(orjson.dumps(
                    _obs(pid, n, loinc, round(rng.uniform(lo, hi), 1), unit)) + b"\n")
    finally:
        for handle in files.values():
            handle.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--patients", type=int, default=10_000)
    args = parser.parse_args()
    generate(args.out, args.patients)


if __name__ == "__main__":
    main()
