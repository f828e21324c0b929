"""osseous cohort quality: output, folders, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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
    assert "breast: 2 patients, 1 deaths; median survival 2.0 months" in text
    assert "1 first SREs" in text
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


def _synthetic(tmp_path: Path, patients: int = 300) -> Path:
    path = tmp_path / "registry.ndjson"
    result = runner.invoke(app, ["synth", "--patients", str(patients), "--seed", "5",
                                 "-o", str(path)])
    assert result.exit_code == 0, result.stderr
    return path


def test_plots_are_written_as_png_and_svg(tmp_path: Path) -> None:
    cohort = _synthetic(tmp_path)
    for kind, name, extra in [("survival", "km.png", []), ("sre", "sre.svg", ["--by", "agent"]),
                              ("survival-from-radiotherapy", "rt.png", ["--by", "all"]),
                              ("pain", "pain.svg", []), ("quality", "quality.png", []),
                              ("survival-by-score", "chow.svg", ["--score", "chow-nrf"])]:
        out = tmp_path / name
        result = runner.invoke(app, ["cohort", "plot", kind, str(cohort), "-o", str(out),
                                     *extra])
        assert result.exit_code == 0, result.stderr
        data = out.read_bytes()
        assert data.startswith(b"\x89PNG") if name.endswith(".png") else b"<svg" in data[:600]
    svg = (tmp_path / "sre.svg").read_text()
    assert "Number at risk" in svg and "denosumab" in svg
    chow = (tmp_path / "chow.svg").read_text()
    assert "Survival by chow-nrf group" in chow and "group-1" in chow


def test_plot_refuses_bad_options(tmp_path: Path) -> None:
    cohort = _synthetic(tmp_path, 20)
    result = runner.invoke(app, ["cohort", "plot", "survival", str(cohort), "-o",
                                 str(tmp_path / "x.jpg")])
    assert result.exit_code == 2 and "--output: must end in .png or .svg" in result.stderr
    result = runner.invoke(app, ["cohort", "plot", "survival-from-radiotherapy", str(cohort),
                                 "-o", str(tmp_path / "x.png"), "--by", "agent"])
    assert result.exit_code == 2 and "by primary or all" in result.stderr
    result = runner.invoke(app, ["cohort", "plot", "histogram", str(cohort), "-o",
                                 str(tmp_path / "x.png")])
    assert result.exit_code == 2
    result = runner.invoke(app, ["cohort", "plot", "survival-by-score", str(cohort), "-o",
                                 str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "--score: must be one of" in result.stderr


def test_report_is_the_same_on_dask_workers(tmp_path: Path) -> None:
    cohort = _synthetic(tmp_path)
    local = runner.invoke(app, ["cohort", "report", str(cohort), "--no-scores"])
    assert local.exit_code == 0, local.stderr
    doc = json.loads(local.stdout)
    assert doc["format"] == "osseous.cohort-report/1"
    assert set(doc) == {"format", "outcomes", "quality", "pain"}
    dask = runner.invoke(app, ["cohort", "report", str(cohort), "--no-scores",
                               "--workers", "2"])
    assert dask.exit_code == 0, dask.stderr
    assert dask.stdout == local.stdout


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    cohort = _synthetic(tmp_path, 5)
    result = runner.invoke(app, ["cohort", "quality", str(cohort), "--scheduler",
                                 "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and "--scheduler tcp://127.0.0.1:9" in result.stderr



@pytest.mark.parametrize(("address", "why"), [
    ("notaurl", "missing port number"), ("http://x:1", "unknown address scheme")])
def test_a_malformed_scheduler_address_is_a_clear_error(tmp_path: Path, address: str,
                                                        why: str) -> None:
    cohort = _synthetic(tmp_path, 5)
    (tmp_path / "export").mkdir()
    for command in (["cohort", "report", str(cohort)],
                    ["cohort", "plot", "survival", str(cohort), "-o", str(tmp_path / "x.png")],
                    ["bulk", "assess", str(tmp_path / "export"), "--out",
                     str(tmp_path / "out")]):
        result = runner.invoke(app, [*command, "--scheduler", address])
        assert result.exit_code == 2, (command, result.stderr)
        assert f"--scheduler {address}: " in result.stderr and why in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_outcomes_and_quality_text_show_intervals_and_years(tmp_path: Path) -> None:
    cohort = _synthetic(tmp_path)
    text = runner.invoke(app, ["cohort", "outcomes", str(cohort)]).stdout
    assert "median survival" in text and "log-rank across primaries" in text
    assert "schedule: " in text and "from the first palliative radiotherapy" in text
    quality = runner.invoke(app, ["cohort", "quality", str(cohort)]).stdout
    assert "mescc-treated-within-1-day" in quality and "\n  2021: " in quality


def test_registry_export_and_board_decisions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    files = [str(p) for p in sorted((ROOT / "examples" / "cases").glob("*.json"))]
    imported = runner.invoke(app, ["import", *files, "--database", url])
    assert imported.exit_code == 0, imported.stderr
    out = tmp_path / "registry.ndjson"
    result = runner.invoke(app, ["cohort", "export", "-o", str(out), "--database", url])
    assert result.exit_code == 0, result.stderr
    assert "wrote 14 cases" in result.stdout and len(out.read_bytes().splitlines()) == 14
    quality = runner.invoke(app, ["cohort", "quality", str(out), "-f", "json"])
    assert json.loads(quality.stdout)["cases"] == 14
    none = runner.invoke(app, ["cohort", "decisions", "--database", url])
    assert none.exit_code == 0 and "No tumour-board decisions recorded." in none.stdout
    doc = json.loads(runner.invoke(app, ["cohort", "decisions", "--database", url,
                                         "-f", "json"]).stdout)
    assert doc["format"] == "osseous.board-decisions/1" and doc["overall"]["decided"] == 0
    bad = runner.invoke(app, ["cohort", "export", "-o", str(tmp_path / "no" / "x.ndjson"),
                              "--database", url])
    assert bad.exit_code == 2 and "cannot write" in bad.stderr


@pytest.mark.parametrize(("url", "message"), [
    ("bogus://x", "--database: not a database URL"),
    ("sqlite:////nonexistent-dir/x.db", "--database: cannot connect"),
])
def test_a_bad_database_url_is_a_clear_error(url: str, message: str) -> None:
    for command in (["cohort", "decisions"], ["cohort", "export", "-o", "/tmp/never.ndjson"]):
        result = runner.invoke(app, [*command, "--database", url])
        assert result.exit_code == 2 and message in result.stderr
