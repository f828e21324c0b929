"""CDS Hooks and bulk throughput.

1. ``patient-view`` with a realistic prefetch (about 200 resources) against a real Uvicorn
   process, each request with a fresh Sandbox-style JWT, beside ``GET /health`` of the same app
   (the ceiling): p50 and p99 latency.
1b. ``patient-view`` with a real Synthea record as prefetch (Thanh Mosciski, 678 resources:
   the whole record less its Claim and ExplanationOfBenefit resources, which would exceed the
   API's 1 MB body limit; a bone metastasis without a site added so that the full plan is
   computed), 16 concurrent connections, p99 against ``GET /health`` of the same server at the
   same concurrency in the same run.
2. Bulk: patients per second over a generated export, and the ratio to plain NDJSON parsing of
   the same files with orjson, measured in the same run.

Run: ``.venv/bin/python benchmarks/bench_interop.py [--patients 10000] [--requests 300]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import httpx2 as httpx
import jwt
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_bulk import generate  # noqa: E402
from tests.servers import free_port, wait_until_ready  # noqa: E402

from osseous.interop.bulk import assess_export  # noqa: E402

SANDBOX = ROOT / "tests" / "fixtures" / "jwt" / "sandbox"
ISS = "https://sandbox.cds-hooks.org"


def _token(aud: str) -> str:
    now = time.time()
    return jwt.encode({"iss": ISS, "aud": aud, "exp": round(now + 300), "iat": round(now),
                       "jti": str(uuid.uuid4())}, (SANDBOX / "ecprivkey.pem").read_bytes(),
                      algorithm="ES384", headers={"kid": "44823f3d-0b01-4a6c-a80e-b9d3e8a7226f"})


def _prefetch(n_obs: int = 190) -> dict[str, object]:
    obs = [{"resourceType": "Observation", "id": f"o{i}", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org",
                                 "code": ("2160-0", "1751-7", "17861-6", "29463-7")[i % 4]}]},
            "subject": {"reference": "Patient/p1"},
            "effectiveDateTime": f"2026-{1 + i % 11:02d}-15",
            "valueQuantity": {"value": (1.0, 3.9, 9.8, 70)[i % 4],
                              "unit": ("mg/dL", "g/dL", "mg/dL", "kg")[i % 4]}}
           for i in range(n_obs)]
    conditions = [
        {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C50.911"}]}},
        *[{"resourceType": "Condition", "id": f"b{k}", "subject": {"reference": "Patient/p1"},
           "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94222008"}]},
           "bodySite": [{"text": site}]} for k, site in enumerate(
               ("T8 vertebra", "L1 vertebra", "left femur", "pelvis", "rib", "right humerus"))]]

    def bundle(items: list[dict[str, object]]) -> dict[str, object]:
        return {"resourceType": "Bundle", "type": "searchset",
                "entry": [{"resource": r} for r in items]}

    return {"patient": {"resourceType": "Patient", "id": "p1", "gender": "female",
                        "birthDate": "1958-04-02"},
            "conditions": bundle(conditions), "observations": bundle(obs),
            "medications": bundle([]), "statements": bundle([]), "administrations": bundle([]),
            "procedures": bundle([])}


def _synthea_prefetch() -> dict[str, object]:
    from tests.third_party import REAL_WORLD, load

    record = load(REAL_WORLD / "synthea" /
                  "Thanh_Mosciski_6b7b47bf-5bfb-475e-b5f6-955fde83a44f.json")
    resources = [e["resource"] for e in record["entry"]
                 if e["resource"]["resourceType"] not in ("Claim", "ExplanationOfBenefit")]
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    resources.append({"resourceType": "Condition", "id": "bone-met",
                      "subject": {"reference": f"Patient/{patient['id']}"},
                      "code": {"coding": [{"system": "http://snomed.info/sct",
                                           "code": "94222008"}]}})
    keys = {"Condition": "conditions", "Observation": "observations",
            "MedicationRequest": "medications", "MedicationStatement": "statements",
            "MedicationAdministration": "administrations", "Procedure": "procedures"}
    out: dict[str, object] = {"patient": patient}
    for kind, key in keys.items():
        out[key] = {"resourceType": "Bundle", "type": "searchset",
                    "entry": [{"resource": r} for r in resources if r["resourceType"] == kind]}
    # the rest of the record (encounters, immunisations, reports...) rides along unread
    out["record"] = {"resourceType": "Bundle", "type": "searchset", "entry": [
        {"resource": r} for r in resources if r["resourceType"] not in keys
        and r is not patient]}
    return out


def _concurrent(call: object, requests: int, connections: int) -> list[float]:
    from concurrent.futures import ThreadPoolExecutor

    def worker(n: int) -> list[float]:
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            r = call()  # type: ignore[operator]
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text[:200]
        return times

    per = max(1, requests // connections)
    with ThreadPoolExecutor(connections) as pool:
        found = [t for ts in pool.map(worker, [per] * connections) for t in ts]
    return sorted(found)


def bench_cds_concurrent(requests: int, connections: int = 16) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        issuers = Path(tmp) / "issuers.json"
        issuers.write_text(json.dumps([{"iss": ISS, "jwks_file": str(SANDBOX / "jwks.json")}]))
        # the issuers file under both names (the settings read OSSEOUS_CDS_ISSUERS_FILE, the
        # documentation says OSSEOUS_CDS_ISSUERS)
        env = {**os.environ, "OSSEOUS_DATABASE_URL": f"sqlite:///{tmp}/cds.db",
               "OSSEOUS_CDS_ISSUERS": str(issuers), "OSSEOUS_CDS_ISSUERS_FILE": str(issuers),
               "OSSEOUS_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        osseous = str(Path(sys.executable).with_name("osseous"))
        subprocess.run([osseous, "db", "upgrade"], env=env, check=True, capture_output=True)
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory",
                                   "osseous.api.app:create_app", "--port", str(port),
                                   "--log-level", "warning"], env=env)
        base = f"http://127.0.0.1:{port}"
        path = "/cds-services/osseous-patient-view"
        prefetch = _synthea_prefetch()
        n = sum(len(v["entry"]) for k, v in prefetch.items() if k != "patient")  # type: ignore[index, arg-type]
        try:
            wait_until_ready(base, "/health", seconds=60)
            limits = httpx.Limits(max_connections=connections)
            with httpx.Client(limits=limits, timeout=60) as client:
                def view() -> object:
                    body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                            "context": {"userId": "Practitioner/1",
                                        "patientId": prefetch["patient"]["id"]},  # type: ignore[index]
                            "prefetch": prefetch}
                    return client.post(base + path, json=body, headers={
                        "Authorization": f"Bearer {_token(base + path)}"})

                def health() -> object:
                    return client.get(base + "/health")

                for _ in range(5):
                    view()
                rows = []
                for label, call in (("GET /health", health), ("POST patient-view", view)):
                    times = _concurrent(call, requests, connections)
                    rows.append((label, times[len(times) // 2],
                                 times[min(len(times) - 1, int(len(times) * 0.99))]))
            print(f"patient-view, Synthea record of {n + 1} resources in prefetch, "
                  f"{connections} concurrent connections, {requests} requests in all")
            for label, p50, p99 in rows:
                print(f"  {label:20} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
            print(f"  patient-view p99 / health p99 = {rows[1][2] / rows[0][2]:.0f}")
        finally:
            server.terminate()
            server.wait()


def bench_cds(requests: int) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        issuers = Path(tmp) / "issuers.json"
        issuers.write_text(json.dumps([{"iss": ISS, "jwks_file": str(SANDBOX / "jwks.json")}]))
        env = {**os.environ, "OSSEOUS_DATABASE_URL": f"sqlite:///{tmp}/cds.db",
               "OSSEOUS_CDS_ISSUERS": str(issuers), "OSSEOUS_CDS_ISSUERS_FILE": str(issuers),
               "OSSEOUS_PUBLIC_URL": f"http://127.0.0.1:{port}"}  # the CDS aud
        osseous = str(Path(sys.executable).with_name("osseous"))
        subprocess.run([osseous, "db", "upgrade"], env=env, check=True, capture_output=True)
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory",
                                   "osseous.api.app:create_app", "--port", str(port),
                                   "--log-level", "warning"], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(base, "/health", seconds=60)
            body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                    "context": {"userId": "Practitioner/1", "patientId": "p1"},
                    "prefetch": _prefetch()}
            path = "/cds-services/osseous-patient-view"
            n_resources = 1 + sum(len(b["entry"]) for k, b in body["prefetch"].items()  # type: ignore[index, arg-type]
                                  if k != "patient")
            with httpx.Client() as client:
                rows = []
                for label, call in (
                        ("GET /health (ceiling)", lambda: client.get(base + "/health")),
                        ("POST patient-view", lambda: client.post(
                            base + path, json=body,
                            headers={"Authorization": f"Bearer {_token(base + path)}"}))):
                    for _ in range(20):  # warm-up: first imports and caches
                        call()
                    times, server_times = [], []
                    for _ in range(requests):
                        t0 = time.perf_counter()
                        r = call()
                        times.append((time.perf_counter() - t0) * 1000)
                        assert r.status_code == 200, r.text[:200]
                        server_times.append(float(
                            r.headers["server-timing"].split("dur=")[1]))
                    times.sort()
                    server_times.sort()
                    rows.append((label, times[len(times) // 2], times[int(len(times) * 0.99)],
                                 server_times[len(times) // 2],
                                 server_times[int(len(times) * 0.99)]))
            print(f"patient-view, {n_resources} resources in prefetch, {requests} sequential "
                  "requests")
            for label, p50, p99, s50, s99 in rows:
                print(f"  {label:26} round trip p50 {p50:6.1f} ms  p99 {p99:6.1f} ms;  "
                      f"server p50 {s50:6.1f} ms  p99 {s99:6.1f} ms")
        finally:
            server.terminate()
            server.wait()


def bench_bulk(patients: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "export"
        generate(source, patients)
        t0 = time.perf_counter()
        lines = 0
        for path in sorted(source.glob("*.ndjson")):
            with path.open("rb") as f:
                for line in f:
                    orjson.loads(line)
                    lines += 1
        parse = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = assess_export(source, Path(tmp) / "out", date(2026, 11, 20))
        full = time.perf_counter() - t0
        print(f"bulk: {patients} patients, {lines} resources; orjson parse {parse:.2f} s; "
              f"assess {full:.2f} s = {patients / full:,.0f} patients/s "
              f"({report.assessed} assessed, {report.skipped_no_bone_metastasis} without bone "
              f"metastasis); {full / parse:.0f} x the parse alone")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrent-requests", type=int, default=320)
    args = parser.parse_args()
    bench_cds(args.requests)
    bench_cds_concurrent(args.concurrent_requests)
    bench_bulk(args.patients)


if __name__ == "__main__":
    main()
