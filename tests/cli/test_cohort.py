"""osseous cohort quality: output, folders, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from osseous.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_quality_over_the_example_folder() -> None:
    result = runner.invoke(app, ["cohort", "quality", str(ROOT / "examples" / "cases"),
                                 "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["format"] == "osseous.quality/1" and doc["cases"] == 14
    ids = {i["id"] for i in doc["indicators"]}
    assert ids == {"rt-single-fraction-uncomplicated", "rt-over-10-fractions",
                   "rt-last-30-days-of-life", "bma-with-dental-exam",
                   "mescc-treated-within-1-day"}
    text = runner.invoke(app, ["cohort", "quality", str(ROOT / "examples" / "cases")]).stdout
    assert "95% CI" in text and "lower is better" in text


def test_quality_bad_case_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"patient": {"ecog": 9}}))
    result = runner.invoke(app, ["cohort", "quality", str(bad)])
    assert result.exit_code == 2
    assert "bad.json" in result.stderr and "patient.ecog" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    result = runner.invoke(app, ["cohort", "quality", str(broken)])
    assert result.exit_code == 2 and "not valid JSON" in result.stderr
    result = runner.invoke(app, ["cohort", "quality", str(tmp_path / "missing.json")])
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_outcomes_from_case_files(tmp_path: Path) -> None:
    docs = [
        {"id": "a", "patient": {"last_known_alive": "2026-12-01"},
         "cancer": {"primary": "breast", "bone_metastases": {"diagnosed_on": "2026-01-01"}},
         "events": [{"type": "pathological-fracture", "date": "2026-04-01"}]},
        {"id": "b", "cancer": {"primary": "breast",
                               "bone_metastases": {"diagnosed_on": "2026-01-01"}},
         "events": [{"type": "death", "date": "2026-03-02"}]},
    ]
    for d in docs:
        (tmp_path / f"{d['id']}.json").write_text(json.dumps(d))
    result = runner.invoke(app, ["cohort", "outcomes", str(tmp_path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["overall"]["first_sre"] == 1 and doc["overall"]["deaths"] == 1
    text = runner.invoke(app, ["cohort", "outcomes", str(tmp_path)]).stdout
    assert "breast: 2 patients, 1 first SREs, 1 deaths" in text
    examples = runner.invoke(app, ["cohort", "outcomes", str(ROOT / "examples" / "cases")])
    assert examples.exit_code == 0 and "excluded: 14" in examples.stdout


def test_prognosis_lists_the_concordance_of_every_survival_score(tmp_path: Path) -> None:
    doc = {"patient": {"last_known_alive": "2026-06-01"},
           "cancer": {"primary": "breast", "bone_metastases": {"diagnosed_on": "2026-01-01"}}}
    (tmp_path / "a.json").write_text(json.dumps(doc))
    result = runner.invoke(app, ["cohort", "prognosis", str(tmp_path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    scores = {c["score"] for c in json.loads(result.stdout)["scores"]}
    assert {"tokuhashi-revised", "tomita", "katagiri-new", "chow-nrf"} <= scores
    text = runner.invoke(app, ["cohort", "prognosis", str(tmp_path)]).stdout
    assert "Harrell's C" in text and "not computable" in text


def test_pain_command_on_the_examples() -> None:
    result = runner.invoke(app, ["cohort", "pain", str(ROOT / "examples" / "cases"),
                                 "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["format"] == "osseous.pain-response/1"
    assert doc["retreatment"]["treated_lesions"] >= 1
    text = runner.invoke(app, ["cohort", "pain", str(ROOT / "examples" / "cases")]).stdout
    assert "pain response" in text
