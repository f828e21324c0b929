"""Bulk assessment of a FHIR NDJSON export: counts, malformed lines, resumption."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import orjson
from typer.testing import CliRunner

from osseous.cli.main import app
from osseous.interop.bulk import RESULTS, assess_export

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from gen_bulk import generate

TODAY = date(2026, 11, 20)


def test_every_patient_is_accounted_for(tmp_path: Path) -> None:
    generate(tmp_path / "in", 60)
    with (tmp_path / "in" / "Observation.ndjson").open("ab") as f:
        f.write(b'{"resourceType": "Observation", "id": "x"\n[1, 2]\n\n{"no": "type"}\n')
    report = assess_export(tmp_path / "in", tmp_path / "out", TODAY)
    assert report.patients == 60
    assert report.assessed + report.skipped_no_bone_metastasis == 60 and report.failed == 0
    assert report.malformed_lines == 3
    lines = (tmp_path / "out" / RESULTS).read_bytes().splitlines()
    assert len(lines) == 60 and len({orjson.loads(x)["patient"] for x in lines}) == 60
    malformed = [json.loads(x) for x in (tmp_path / "out" / "malformed.ndjson").read_text()
                 .splitlines()]
    assert {m["file"] for m in malformed} == {"Observation.ndjson"}
    assessed = [orjson.loads(x) for x in lines if b'"assessment"' in x]
    assert all(a["assessment"]["format"] == "osseous.assessment/1" for a in assessed)


def test_resumes_after_an_interruption(tmp_path: Path) -> None:
    generate(tmp_path / "in", 40)
    first = assess_export(tmp_path / "in", tmp_path / "out", TODAY)
    results = tmp_path / "out" / RESULTS
    lines = results.read_bytes().splitlines(keepends=True)
    # as if killed: only 15 complete lines and half of the 16th were written
    results.write_bytes(b"".join(lines[:15]) + lines[15][: len(lines[15]) // 2])
    second = assess_export(tmp_path / "in", tmp_path / "out", TODAY)
    assert second.already_done == 15
    assert second.assessed + second.skipped_no_bone_metastasis == 25
    final = results.read_bytes().splitlines()
    assert len(final) == 40 and len({orjson.loads(x)["patient"] for x in final}) == 40
    assert first.assessed == sum(b'"assessment"' in x for x in final)


def test_bulk_command(tmp_path: Path) -> None:
    generate(tmp_path / "in", 10)
    r = CliRunner().invoke(app, ["bulk", "assess", str(tmp_path / "in"), "--out",
                                 str(tmp_path / "out")])
    assert r.exit_code == 0, r.stderr
    assert "patients: 10" in r.stdout
    assert (tmp_path / "out" / "summary.tsv").read_text().startswith("patient\tcase")
    r = CliRunner().invoke(app, ["bulk", "assess", str(tmp_path / "nope")])
    assert r.exit_code == 2
