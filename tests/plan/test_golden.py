"""Golden assessments of the example cases: any change of advice fails this test, so a change
of advice is always a deliberate, reviewed diff of tests/golden/.

To accept a reviewed change: ``OSSEOUS_UPDATE_GOLDEN=1 pytest tests/plan/test_golden.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from osseous.core.validation import parse_case
from osseous.plan.engine import assess

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "examples" / "cases").glob("*.json"))
GOLDEN = ROOT / "tests" / "golden"


def test_there_are_enough_examples() -> None:
    assert len(CASES) >= 12


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden_assessment(path: Path) -> None:
    parsed = parse_case(json.loads(path.read_text()))
    assert parsed.ignored_fields == ()
    got = assess(parsed.case)
    golden = GOLDEN / f"{path.stem}.assessment.json"
    text = json.dumps(got, indent=2, sort_keys=True) + "\n"
    if os.environ.get("OSSEOUS_UPDATE_GOLDEN") == "1":
        golden.write_text(text)
    assert golden.exists(), f"no golden file for {path.name}; review and create it"
    assert json.loads(golden.read_text()) == got, (
        f"the assessment of {path.name} changed; review the diff and update the golden file")


def test_every_golden_file_has_a_case() -> None:
    stems = {p.stem for p in CASES}
    for golden in GOLDEN.glob("*.assessment.json"):
        assert golden.name.removesuffix(".assessment.json") in stems, golden.name
