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


# ---- the real-world export (tests/fixtures/fhir/real-world/bulk-10-patients) ---------------

BONE_MET = {"resourceType": "Condition", "id": "bm-1",
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm",
                                 "code": "C7951"}]}}  # undotted, as some exports write it


def _real_export(tmp_path: Path, style: str) -> Path:
    """The 10-patient Synthea export, its references rewritten to ``style`` (relative,
    absolute, urn:uuid), with a bone metastasis (undotted ICD-10-CM, no bodySite) added to the
    first patient."""
    from tests.third_party import REAL_WORLD, published, read_bytes

    out = tmp_path / style
    out.mkdir()
    first = None
    for path in published(REAL_WORLD / "bulk-10-patients", ".ndjson"):
        lines = []
        for line in read_bytes(path).splitlines():
            r = orjson.loads(line)
            if r.get("resourceType") == "Patient" and first is None:
                first = r["id"]
            for key in ("subject", "patient"):
                ref = (r.get(key) or {}).get("reference", "")
                if isinstance(ref, str) and ref.startswith("Patient/"):
                    pid = ref.split("/", 1)[1]
                    r[key]["reference"] = {
                        "relative": ref, "absolute": f"https://ehr.example/fhir/R4/{ref}",
                        "urn": f"urn:uuid:{pid}"}[style]
            lines.append(orjson.dumps(r))
        (out / path.name).write_bytes(b"\n".join(lines) + b"\n")
    ref = {"relative": f"Patient/{first}", "absolute": f"https://ehr.example/fhir/Patient/{first}",
           "urn": f"urn:uuid:{first}"}[style]
    with (out / "Condition.000.ndjson").open("ab") as f:
        f.write(orjson.dumps({**BONE_MET, "subject": {"reference": ref}}) + b"\n")
    return out


def test_real_export_with_relative_absolute_and_urn_references(tmp_path: Path) -> None:
    counts = {}
    for style in ("relative", "absolute", "urn"):
        report = assess_export(_real_export(tmp_path, style), tmp_path / f"out-{style}", TODAY)
        counts[style] = (report.patients, report.unattributed_resources, report.assessed)
        rows = [orjson.loads(x) for x in (tmp_path / f"out-{style}" / RESULTS).read_bytes()
                .splitlines()]
        (assessed,) = [r for r in rows if "assessment" in r]
        assert assessed["lesions"] == 0  # not localised: no lesion invented
    # every style attributes the same resources: the 13 patients of the export (the branch is
    # named "10-patients"), one with a bone metastasis;
    # what stays unattributed (practitioners, organisations, locations) is not a patient's
    assert counts["relative"] == counts["absolute"] == counts["urn"]
    assert counts["relative"][0] == 13 and counts["relative"][2] == 1


def test_summary_cells_cannot_start_a_formula_or_a_new_row() -> None:
    from osseous.interop.bulk import tsv_cell

    assert tsv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert tsv_cell("+1+1") == "'+1+1" and tsv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert tsv_cell("a\tb\nc\rd") == "a b c d"  # no extra column or row
    assert tsv_cell(-3) == "-3" and tsv_cell(2.5) == "2.5" and tsv_cell("breast") == "breast"


def test_summary_of_a_hostile_patient_id(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    pid = "=cmd|' /C calc'!A0"
    (src / "Patient.ndjson").write_bytes(orjson.dumps(
        {"resourceType": "Patient", "id": pid}) + b"\n")
    (src / "Condition.ndjson").write_bytes(orjson.dumps(
        {**BONE_MET, "subject": {"reference": "Patient/x\tinjected\nrow"}}) + b"\n"
        + orjson.dumps({**BONE_MET, "id": "bm-2", "subject": {"reference": f"urn:uuid:{pid}"}})
        + b"\n")
    assess_export(src, tmp_path / "out", TODAY)
    lines = (tmp_path / "out" / "summary.tsv").read_text().splitlines()
    assert all(len(line.split("\t")) == 7 for line in lines)
    assert all(not cell.startswith(("=", "+", "@")) for line in lines[1:]
               for cell in line.split("\t"))
