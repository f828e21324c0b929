"""Case tables with provenance (tests/scores/cases/<score>.yaml): inputs, expected results,
the hand calculation and the source of each case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from osseous.core.results import ScoreResult
from osseous.scores.catalog import BY_ID
from tests.conftest import make_case

CASES_DIR = Path(__file__).parent / "cases"


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        table = yaml.safe_load(path.read_text())
        assert table["score"] in BY_ID, f"{path.name}: unknown score {table['score']}"
        assert table.get("source"), f"{path.name}: no source"
        params.extend(pytest.param(table["score"], case, id=f"{table['score']}:{case['name']}")
                      for case in table["cases"])
    return params


CASES = _load()


def _select(results: list[ScoreResult], case: dict[str, Any]) -> ScoreResult:
    if "lesion" in case:
        results = [r for r in results if r.lesion == case["lesion"]]
    if "follow_up" in case:
        results = [r for r in results if r.extra.get("follow_up") == case["follow_up"]]
    assert len(results) == 1, f"expected one result, got {len(results)}"
    return results[0]


@pytest.mark.parametrize(("score_id", "case"), CASES)
def test_case_table(score_id: str, case: dict[str, Any]) -> None:
    assert case.get("calculation") and case.get("source"), "every case needs provenance"
    result = _select(BY_ID[score_id].compute(make_case(case["input"])), case)
    got = result.to_dict()
    expected = case["expected"]
    tolerance = expected.get("tolerance", 0)
    for key, want in expected.items():
        if key in ("tolerance", "notes_contain"):
            continue
        if key == "total" and want is not None and tolerance:
            assert got["total"] == pytest.approx(want, abs=tolerance), case["calculation"]
        elif key == "range" and want is not None:
            assert list(got["range"]) == pytest.approx(want, abs=tolerance or 1e-9)
        elif key == "missing":
            assert sorted(got["missing"]) == sorted(want), case["calculation"]
        elif key == "converted":
            assert bool(got.get("converted")) is want
        else:
            assert got.get(key) == want, f"{key}: {case['calculation']}"
    for fragment in expected.get("notes_contain", ()):
        assert any(fragment.lower() in n.lower() for n in got["notes"]), (fragment, got["notes"])


def test_every_score_has_a_case_table() -> None:
    tables = {p.stem for p in CASES_DIR.glob("*.yaml")}
    assert set(BY_ID) <= tables, f"missing case tables: {sorted(set(BY_ID) - tables)}"
