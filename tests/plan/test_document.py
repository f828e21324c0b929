"""The typed assessment document (plan/document.py): documents read back from storage enter
through ``as_assessment``, and strict mypy rejects a misspelt field in code that reads one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from osseous.core.errors import InvalidInput
from osseous.plan.document import as_assessment
from osseous.plan.engine import assess
from tests.conftest import make_case
from tests.plan.helpers import case, run, spine


def test_a_fresh_assessment_passes_through_unchanged() -> None:
    out = run(case(lesions=[spine()]))
    assert as_assessment(out) == out


def test_a_document_stored_before_problems_existed_gets_empty_lists() -> None:
    old: dict[str, Any] = {"format": "osseous.assessment/1", "case": "c1",
                           "assessed_on": "2026-11-20",
                           "engine": {"version": "0.1.0", "knowledge": "2026.11"},
                           "scores": [], "alerts": [], "recommendations": [],
                           "needs_data": []}
    doc = as_assessment(old)
    assert doc["problems"] == [] and doc["removed"] == [] and doc["noms"] == []
    assert doc["patient_state"] == {}
    assert "problems" not in old  # the stored document is not changed


@pytest.mark.parametrize(("data", "field"), [
    ({"format": "osseous.case/1"}, "assessment.format"),
    ({}, "assessment.format"),
    ({"format": "osseous.assessment/1", "case": "c1"}, "assessment.assessed_on"),
])
def test_anything_else_is_refused_naming_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        as_assessment(data)
    assert field in [p.path for p in exc.value.problems]


def test_the_document_matches_its_declared_keys() -> None:
    out = assess(make_case(case(lesions=[spine()])))
    assert set(out) == {"format", "case", "assessed_on", "engine", "scores", "noms",
                        "patient_state", "alerts", "problems", "recommendations", "removed",
                        "needs_data", "workup"}
    assert set(out["recommendations"][0]) == {
        "id", "modality", "lesion", "title", "strength", "urgency", "rationale", "based_on",
        "details", "references"}
    assert set(out["problems"][0]) == {
        "id", "kind", "title", "lesion", "urgency", "status", "note", "alerts", "options",
        "not_recommended", "removed", "conflicts", "sequence"}


def test_strict_mypy_rejects_a_misspelt_field(tmp_path: Path) -> None:
    reader = tmp_path / "reader.py"
    reader.write_text(textwrap.dedent("""
        from osseous.plan.document import Assessment

        def titles(doc: Assessment) -> list[str]:
            return [r["title"] for r in doc["recomendations"]]
    """))
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                           "--follow-imports=silent", str(reader)],
                          check=False, capture_output=True, text=True, cwd=root, timeout=300)
    assert proc.returncode == 1, proc.stdout
    assert '"recomendations"' in proc.stdout
