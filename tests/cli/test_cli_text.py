"""The CLI's text output is for people: plain words, no internals above the detail section;
the version; the triage ending early."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from osseous import KNOWLEDGE_VERSION, __version__
from osseous.cli.main import app
from tests.leaks import leaks

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "cases").glob("*.json"))
runner = CliRunner()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_assessment_text_has_no_internals_outside_the_detail(example: Path) -> None:
    result = runner.invoke(app, ["assess", str(example), "--trace"])
    assert result.exit_code == 0
    person, _, _detail = result.stdout.partition("\nDETAIL (")
    assert leaks(person) == []
    assert "SCORES" in person


def test_the_detail_keeps_the_rule_ids() -> None:
    result = runner.invoke(app, ["assess", str(EXAMPLES[0]), "--trace"])
    assert "TRACE" in result.stdout.partition("\nDETAIL (")[2]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"osseous {__version__} (knowledge {KNOWLEDGE_VERSION})"


def test_triage_input_ending_early_is_a_clean_end_not_an_abort() -> None:
    result = runner.invoke(app, ["triage"], input="y\nn\n")
    assert result.exit_code == 0
    assert "Aborted" not in result.stdout + result.stderr
    assert "not answered count as not asked" in result.stderr
    assert "URGENCY: URGENT" in result.stdout  # new back pain answered yes
    assert "NOT YET ASKED" in result.stdout


def test_a_plot_of_the_synthetic_cohort_says_so(tmp_path: Path) -> None:
    cohort, image = tmp_path / "synth.ndjson", tmp_path / "survival.svg"
    assert runner.invoke(app, ["cohort", "synth", "-n", "60", "-o", str(cohort)]).exit_code == 0
    assert runner.invoke(app, ["cohort", "plot", "survival", str(cohort), "-o",
                               str(image)]).exit_code == 0
    assert "synthetic demonstration cohort" in image.read_text()
    real = tmp_path / "examples.svg"
    assert runner.invoke(app, ["cohort", "plot", "survival", str(EXAMPLES[0].parent), "-o",
                               str(real)]).exit_code == 0
    assert "synthetic" not in real.read_text()
