"""The command line: output, exit codes and error messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osseous.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cases" / "demo-breast-01.json"
runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_assess_json_is_the_assessment_document() -> None:
    code, out, _ = run("assess", str(EXAMPLE), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["format"] == "osseous.assessment/1"
    assert doc["case"] == "demo-breast-01"
    sins = next(s for s in doc["scores"] if s["score"] == "sins")
    assert sins["total"] == 11 and sins["band"] == "potentially-unstable"


def test_assess_text() -> None:
    code, out, _ = run("assess", str(EXAMPLE))
    assert code == 0
    assert "[L1] SINS 11: potentially unstable" in out


def test_assess_reads_stdin_and_fills_today() -> None:
    code, out, _ = run("assess", "-", "-f", "json", stdin='{"patient": {"age_years": 70}}')
    assert code == 0
    assert json.loads(out)["assessed_on"] is not None


def test_invalid_case_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"patient": {"ecog": 7, "karnofsky": 75}}))
    code, out, err = run("assess", str(bad))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines == ["error: patient.ecog: must be less than or equal to 4 (given: 7)",
                     "error: patient.karnofsky: must be a multiple of 10 (given: 75)"]
    assert "Traceback" not in err


@pytest.mark.parametrize(("content", "message"), [("{oops", "not valid JSON"),
                                                  ("[1, 2]", "expected a JSON object")])
def test_not_a_case(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "x.json"
    f.write_text(content)
    code, _, err = run("assess", str(f))
    assert code == 2 and message in err


def test_missing_file() -> None:
    code, _, err = run("assess", "/nonexistent/case.json")
    assert code == 2 and "cannot read" in err


def test_score_from_case_for_one_lesion() -> None:
    code, out, _ = run("score", "mirels", "--input", str(EXAMPLE), "-f", "json")
    assert code == 0
    assert json.loads(out)["total"] == 12


def test_score_unknown_name() -> None:
    code, _, err = run("score", "sorg", "--input", str(EXAMPLE))
    assert code == 2 and "unknown score" in err and "sins" in err


def test_formula_from_stdin() -> None:
    code, out, _ = run("score", "bed-eqd2", "--input", "-", "-f", "json",
                       stdin='{"dose_gy": 20, "fractions": 5, "alpha_beta": 2}')
    assert code == 0
    assert json.loads(out)["eqd2_gy"] == 30.0


@pytest.mark.parametrize(
    ("name", "params", "fragment"),
    [("bed-eqd2", {"dose_gy": 8}, "fractions: required"),
     ("bed-eqd2", {"dose_gy": 8, "fractions": 0}, "fractions: must be greater than or equal"),
     ("radium-223-dose", {"weight_kg": 70, "days_from_reference": 20}, "days_from_reference"),
     ("zoledronic-acid-dose", {"crcl_ml_min": -5}, "crcl_ml_min"),
     ("cord-dose", {"technique": "proton", "planned": {"dose_gy": 8, "fractions": 1}},
      "technique")],
)
def test_formula_bad_input(name: str, params: dict[str, object], fragment: str) -> None:
    code, _, err = run("score", name, "--input", "-", stdin=json.dumps(params))
    assert code == 2 and fragment in err, err


def test_scores_lists_everything() -> None:
    code, out, _ = run("scores", "-f", "json")
    ids = {row["id"] for row in json.loads(out)}
    assert {"sins", "mirels", "escc", "tokuhashi-revised", "tomita", "bauer", "bauer-modified",
            "katagiri-new", "nesms", "chow-nrf", "teachh", "crcl", "corrected-calcium", "omed",
            "pain-response", "bed-eqd2", "cord-dose", "zoledronic-acid-dose",
            "radium-223-dose"} <= ids
    assert code == 0


def test_references_print_citations() -> None:
    code, out, _ = run("references", "-f", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 0
    assert rows["fisher-2010"]["doi"] == "10.1097/BRS.0b013e3181e16ae2"


def test_schema_case() -> None:
    code, out, _ = run("schema", "case")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "osseous.case/1"
    assert "patient" in schema["properties"]


def test_console_script_exit_code(tmp_path: Path) -> None:
    """The installed entry point, as a user runs it (exit status and stderr)."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"lesions": [{"id": "A", "site": "spine", "escc": 2}]}')
    exe = Path(sys.executable).with_name("osseous")
    proc = subprocess.run([str(exe), "assess", str(bad)], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 2
    assert "lesions[0].escc" in proc.stderr


def test_tokuhashi_with_no_vertebral_metastasis_is_refused() -> None:
    doc = {"cancer": {"bone_metastases": {"spinal": 0, "extraspinal": 2}}}
    code, _, err = run("score", "tokuhashi-revised", "--input", "-", stdin=json.dumps(doc))
    assert code == 2
    assert "cancer.bone_metastases.spinal: must be at least 1" in err


@pytest.mark.parametrize(
    ("lesion", "path"),
    [({"id": "A", "site": "spine", "alignment": "kyphosis"}, "lesions[0].alignment"),
     ({"id": "A", "site": "spine", "pain_character": 2}, "lesions[0].pain_character"),
     ({"id": "A", "site": "humerus", "size_fraction": "1/2"}, "lesions[0].size_fraction"),
     ({"id": "A", "site": "femur", "pain_severity": "severe"}, "lesions[0].pain_severity")],
)
def test_score_component_outside_its_table(lesion: dict[str, object], path: str) -> None:
    code, _, err = run("score", "sins", "--input", "-", stdin=json.dumps({"lesions": [lesion]}))
    assert code == 2 and path in err


def test_score_lesion_filter_that_matches_nothing() -> None:
    code, _, err = run("score", "sins", "--input", str(EXAMPLE), "--lesion", "nope")
    assert code == 2 and "no lesion 'nope'" in err


def test_omed_with_the_2016_table() -> None:
    doc = {"medications": [{"drug": "hydromorphone", "route": "oral", "daily_dose_mg": 8,
                            "status": "active"}]}
    code, out, _ = run("score", "omed", "--input", "-", "-f", "json", stdin=json.dumps(doc))
    assert code == 0 and json.loads(out)["total"] == 40
    code, out, _ = run("score", "omed", "--input", "-", "--opioid-table", "cdc-2016", "-f",
                       "json", stdin=json.dumps(doc))
    assert code == 0 and json.loads(out)["total"] == 32


def test_assess_with_trace_and_rules_listing() -> None:
    code, out, _ = run("assess", str(EXAMPLE), "-f", "json", "--trace")
    doc = json.loads(out)
    assert code == 0 and doc["trace"] and doc["recommendations"]
    code, out, _ = run("rules")
    assert code == 0 and "rt.spine" in out and "references:" in out
    code, out, _ = run("assess", str(EXAMPLE))
    assert "PROBLEMS" in out and "Radiotherapy" in out and "NOMS" in out


INCOMPLETE = ROOT / "examples" / "cases" / "incomplete-data.json"


def test_workup_lists_investigations_most_urgent_first() -> None:
    code, out, _ = run("workup", str(INCOMPLETE), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["format"] == "osseous.workup/1"
    urgencies = [i["urgency"] for i in doc["items"]]
    assert urgencies[0] == "urgent" and "routine" in urgencies
    code, text, _ = run("workup", str(INCOMPLETE))
    assert code == 0 and "MRI of the whole spine" in text


def test_assessment_carries_the_workup_section() -> None:
    code, out, _ = run("assess", str(INCOMPLETE), "--format", "json")
    assert code == 0 and json.loads(out)["workup"]["items"]
    code, text, _ = run("assess", str(INCOMPLETE))
    assert code == 0 and "WORK-UP" in text


def test_workup_bad_case_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"labs": [{"analyte": "calcium", "value": 9, "unit": "mg/dL",
                                         "date": "2026-02-30"}]}))
    code, _, err = run("workup", str(bad))
    assert code == 2 and "labs[0].date" in err


def test_triage_from_json_input() -> None:
    code, out, _ = run("triage", "--input", "-", "--format", "json",
                       stdin='{"bladder_or_bowel_change": true}')
    assert code == 0
    result = json.loads(out)
    assert result["urgency"] == "emergency"
    assert result["concerns"][0]["condition"] == "suspected-spinal-cord-compression"
    assert len(result["unanswered"]) == 12


def test_triage_interactive_counts_blank_as_unknown() -> None:
    replies = "\n".join(["n"] * 12 + [""]) + "\n"
    code, out, _ = run("triage", stdin=replies)
    assert code == 0
    assert "URGENCY: UNKNOWN" in out and "Nausea or vomiting" in out


def test_triage_interactive_reasks_an_unclear_reply() -> None:
    replies = "\n".join(["maybe", "y"] + ["n"] * 12) + "\n"
    code, out, err = run("triage", stdin=replies)
    assert code == 0
    assert "please answer y, n or ?" in err
    assert "URGENCY: URGENT" in out


@pytest.mark.parametrize(("stdin", "message"), [
    ('{"limb_weakness": "yes"}', "limb_weakness: must be true or false"),
    ('{"leg_pain": true}', "leg_pain"),
    ('[true]', "expected a JSON object"),
    ("not json", "not valid JSON"),
])
def test_triage_bad_input_names_the_problem(stdin: str, message: str) -> None:
    code, _, err = run("triage", "--input", "-", stdin=stdin)
    assert code == 2
    assert message in err
