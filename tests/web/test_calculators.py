"""The calculator pages: only the inputs each needs, the points of every option read from the
score, the same result as ``osseous score`` for the same inputs, bad input refused."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from typer.testing import CliRunner

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.cli.main import app as cli
from osseous.registry.db import Database
from osseous.report import interpretation
from osseous.web import calculators as calc
from tests.leaks import page_leaks as leaks
from tests.web.test_pages import sign_in

#: per calculator: the inputs typed on the page, and the same inputs as the CLI reads them
CASES: dict[str, tuple[dict[str, str], dict[str, Any]]] = {
    "sins": ({"lesions[0].levels": "T12", "lesions[0].pain_character": "mechanical",
              "lesions[0].appearance": "lytic", "lesions[0].alignment": "normal",
              "lesions[0].collapse": "under-50", "lesions[0].posterolateral": "unilateral"},
             {"lesions": [{"id": "spinal lesion", "site": "spine", "levels": ["T12"],
                           "pain_character": "mechanical", "appearance": "lytic",
                           "alignment": "normal", "collapse": "under-50",
                           "posterolateral": "unilateral"}]}),
    "escc": ({"lesions[0].escc": "2"},
             {"lesions": [{"id": "spinal lesion", "site": "spine", "escc": "2"}]}),
    "mirels": ({"lesions[1].site": "femur", "lesions[1].region": "peritrochanteric",
                "lesions[1].pain_severity": "functional", "lesions[1].appearance": "lytic",
                "lesions[1].size_fraction": ">2/3"},
               {"lesions": [{"id": "bone lesion", "site": "femur", "region": "peritrochanteric",
                             "pain_severity": "functional", "appearance": "lytic",
                             "size_fraction": ">2/3"}]}),
    "tokuhashi-revised": ({"patient.karnofsky": "70", "patient.frankel": "E",
                           "cancer.primary": "breast", "cancer.visceral_metastases": "none",
                           "cancer.bone_metastases.spinal": "1",
                           "cancer.bone_metastases.extraspinal": "0"},
                          {"patient": {"karnofsky": 70, "frankel": "E"},
                           "cancer": {"primary": "breast", "visceral_metastases": "none",
                                      "bone_metastases": {"spinal": 1, "extraspinal": 0}}}),
    "chow-nrf": ({"cancer.primary": "lung-nsclc", "cancer.visceral_metastases": "treatable",
                  "cancer.brain_metastases": "no", "patient.karnofsky": "60"},
                 {"cancer": {"primary": "lung-nsclc", "visceral_metastases": "treatable",
                             "brain_metastases": False}, "patient": {"karnofsky": 60}}),
    "crcl": ({"patient.age_years": "70", "patient.sex": "female", "patient.weight_kg": "60",
              f"labs[{calc.lab_index('creatinine')}].analyte": "creatinine",
              f"labs[{calc.lab_index('creatinine')}].value": "1.1",
              f"labs[{calc.lab_index('creatinine')}].unit": "mg/dL"},
             {"patient": {"age_years": 70, "sex": "female", "weight_kg": 60},
              "labs": [{"analyte": "creatinine", "value": 1.1, "unit": "mg/dL"}]}),
    "corrected-calcium": ({f"labs[{calc.lab_index('calcium')}].analyte": "calcium",
                           f"labs[{calc.lab_index('calcium')}].value": "11.8",
                           f"labs[{calc.lab_index('albumin')}].analyte": "albumin",
                           f"labs[{calc.lab_index('albumin')}].value": "3.0"},
                          {"labs": [{"analyte": "calcium", "value": 11.8, "unit": "mg/dL"},
                                    {"analyte": "albumin", "value": 3.0, "unit": "g/dL"}]}),
}
FORMULA_CASES: dict[str, dict[str, str]] = {
    "bed-eqd2": {"dose_gy": "20", "fractions": "5", "alpha_beta": "10"},
    "zoledronic-acid-dose": {"crcl_ml_min": "45"},
    "zoledronic-acid-withhold": {"baseline_creatinine_mg_dl": "1.0",
                                 "current_creatinine_mg_dl": "1.6"},
    "radium-223-dose": {"weight_kg": "72", "days_from_reference": "3"},
    "cord-dose": {"technique": "conventional", "planned.dose_gy": "20", "planned.fractions": "5",
                  "planned.date": "2026-11-20", "prior[0].dose_gy": "30",
                  "prior[0].fractions": "10", "prior[0].date": "2025-10-01"},
}


@pytest.fixture
def web(db: Database) -> Iterator[TestClient]:
    seed_demo(db)
    with TestClient(create_app(db)) as c:
        sign_in(c)
        yield c


def _cli(name: str, data: dict[str, Any], tmp: Path) -> Any:
    source = tmp / f"{name}.json"
    source.write_text(json.dumps(data))
    result = CliRunner().invoke(cli, ["score", name, "--input", str(source), "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_score_and_formula_has_a_page(web: TestClient) -> None:
    index = web.get("/app/calculators").text
    for name in [*calc.SCORE_INPUTS, *calc.FORMULA_INPUTS]:
        assert f'href="/app/calculators/{name}"' in index
        page = web.get(f"/app/calculators/{name}")
        assert page.status_code == 200
        assert "Evidence" in page.text and leaks(page.text) == []


@pytest.mark.parametrize("name", list(CASES))
def test_a_score_page_gives_what_the_cli_gives(web: TestClient, tmp_path: Path,
                                               name: str) -> None:
    typed, doc = CASES[name]
    page = web.get(f"/app/calculators/{name}", params=typed)
    assert page.status_code == 200
    expected = _cli(name, doc, tmp_path)
    shown = re.search(r'class="calc-total">(.*?)</p>', page.text, re.S)
    assert shown is not None
    if name == "escc":
        assert f"Grade <strong>{expected['grade']}</strong>" in shown.group(1)
    else:
        assert expected["status"] == "complete"
        total = f"{expected['total']:g}" if isinstance(expected["total"], float) else str(
            expected["total"])
        assert f"<strong>{total}</strong>" in shown.group(1)
    assert leaks(page.text) == []
    assert "What it means" in page.text and "Next step" in page.text


@pytest.mark.parametrize("name", list(FORMULA_CASES))
def test_a_formula_page_gives_what_the_cli_gives(web: TestClient, tmp_path: Path,
                                                 name: str) -> None:
    typed = FORMULA_CASES[name]
    page = web.get(f"/app/calculators/{name}", params=typed)
    assert page.status_code == 200, page.text[-2000:]
    params = calc.run_formula(name, _form(typed))[1]
    expected = _cli(name, params, tmp_path)
    for key in ("bed_gy", "eqd2_gy", "dose_mg", "activity_mbq", "volume_ml", "rise_mg_dl"):
        if expected.get(key) is not None:
            assert f">{expected[key]:g} " in page.text, key
    for check in expected.get("checks", []):
        assert f"{check['value']:g} {check['unit']}" in page.text
    assert leaks(page.text) == []


def _form(values: dict[str, str]) -> Any:
    from starlette.datastructures import FormData

    return FormData(list(values.items()))


def test_points_are_shown_on_every_option_from_the_score_itself(web: TestClient) -> None:
    inputs = {i.name: i for i in calc.score_inputs("sins")}
    assert dict(inputs["lesions[0].pain_character"].points) == {
        "mechanical": 3, "non-mechanical": 1, "none": 0}
    assert dict(inputs["lesions[0].collapse"].points) == {
        "none": 0, "none-over-50-involved": 1, "under-50": 2, "over-50": 3}
    mirels = {i.name: i for i in calc.score_inputs("mirels")}
    assert mirels["lesions[1].size_fraction"].points[">2/3"] == 3
    page = web.get("/app/calculators/sins").text
    assert '<b class="pts">4</b>' in page  # subluxation


def test_only_the_inputs_a_score_needs(web: TestClient) -> None:
    page = web.get("/app/calculators/escc").text
    assert 'name="lesions[0].escc"' in page
    assert 'name="lesions[0].collapse"' not in page and 'name="patient.' not in page


def test_the_result_alone_for_htmx(web: TestClient) -> None:
    r = web.get("/app/calculators/escc", params={"lesions[0].escc": "3"},
                headers={"HX-Request": "true"})
    assert r.status_code == 200 and r.text.lstrip().startswith('<section id="result"')
    assert "<html" not in r.text


def test_bad_input_is_a_400_naming_the_field(web: TestClient) -> None:
    r = web.get("/app/calculators/bed-eqd2", params={"dose_gy": "lots", "fractions": "5"})
    assert r.status_code == 400 and "must be a number" in r.text
    r = web.get("/app/calculators/bed-eqd2", params={"dose_gy": "-2", "fractions": "5"})
    assert r.status_code == 400
    r = web.get("/app/calculators/tokuhashi-revised", params={"patient.ecog": "9"})
    assert r.status_code == 400
    assert web.get("/app/calculators/nope").status_code == 404


def test_filled_from_a_case(web: TestClient) -> None:
    r = web.get("/app/calculators/mirels", params={"case": "demo-breast-01"})
    assert r.status_code == 200 and "<strong>12</strong>" in r.text
    assert 'value="femur" checked' in r.text


def _pain_case(base: tuple[int, float], follow: tuple[int, float]) -> dict[str, Any]:
    """A case the CLI reads: a femur treated on 1 March, assessed then and 6 weeks later."""
    return {"lesions": [{"id": "F1", "site": "femur",
                         "prior_radiotherapy": [{"date": "2026-03-01", "dose_gy": 8,
                                                 "fractions": 1}]}],
            "pain_assessments": [
                {"date": "2026-03-01", "lesion": "F1", "worst_pain": base[0],
                 "omed_mg_per_day": base[1]},
                {"date": "2026-04-12", "lesion": "F1", "worst_pain": follow[0],
                 "omed_mg_per_day": follow[1]}]}


#: baseline and follow-up (worst pain, OMED) and the category by hand from the consensus
#: definitions (Chow 2012)
PAIN_CASES: Final = (
    ((7, 60), (0, 60), "complete"),       # pain 0, opioids not up
    ((7, 60), (5, 60), "partial"),        # pain down 2, opioids the same
    ((5, 80), (5, 60), "partial"),        # opioids down 25%, pain not up
    ((4, 60), (6, 60), "progression"),    # pain up 2, opioids the same
    ((4, 40), (5, 50), "progression"),    # opioids up 25%, pain up 1
    ((4, 40), (6, 50), "indeterminate"),  # pain up 2 and opioids up: neither
    ((6, 30), (5, 30), "indeterminate"),  # pain down 1 only
)


@pytest.mark.parametrize(("base", "follow", "band"), PAIN_CASES)
def test_the_pain_response_page_gives_what_the_cli_gives(
        web: TestClient, tmp_path: Path, base: tuple[int, float], follow: tuple[int, float],
        band: str) -> None:
    typed = {"pain_assessments[0].worst_pain": str(base[0]),
             "pain_assessments[0].omed_mg_per_day": f"{base[1]:g}",
             "pain_assessments[1].worst_pain": str(follow[0]),
             "pain_assessments[1].omed_mg_per_day": f"{follow[1]:g}"}
    expected = _cli("pain-response", _pain_case(base, follow), tmp_path)
    assert expected["band"] == band  # the CLI agrees with the hand classification
    page = web.get("/app/calculators/pain-response", params=typed)
    assert page.status_code == 200
    shown = re.search(r'class="calc-total">(.*?)</p>', page.text, re.S)
    assert shown is not None
    words = {"complete": "Complete response", "partial": "Partial response",
             "progression": "Pain progression", "indeterminate": "Indeterminate response"}
    assert f"<strong>{words[band]}</strong>" in shown.group(1)
    meaning, step = interpretation.meaning("pain-response", band)
    assert str(escape(meaning)) in page.text and str(escape(step)) in page.text
    assert "International Consensus" in page.text and "doi.org/10.1016/j.ijrobp.2011.02.008" \
        in page.text  # Chow 2012, cited in full with its link
    assert "2026-" not in page.text.split('id="result"')[1].split("</section>")[0]
    assert leaks(page.text) == []


def test_the_pain_response_page_asks_for_what_is_missing_and_refuses_bad_input(
        web: TestClient) -> None:
    empty = web.get("/app/calculators/pain-response")
    assert empty.status_code == 200
    assert 'name="pain_assessments[1].omed_mg_per_day"' in empty.text
    assert 'name="lesions[' not in empty.text and 'name="patient.' not in empty.text
    half = web.get("/app/calculators/pain-response",
                   params={"pain_assessments[0].worst_pain": "7"})
    assert "Still needed: opioids before radiotherapy, opioids at follow-up, worst pain at " \
           "follow-up" in half.text
    bad = web.get("/app/calculators/pain-response",
                  params={"pain_assessments[0].omed_mg_per_day": "lots"})
    assert bad.status_code == 400 and "must be a number" in bad.text
    partial = web.get("/app/calculators/pain-response", headers={"HX-Request": "true"},
                      params={"pain_assessments[0].worst_pain": "7",
                              "pain_assessments[0].omed_mg_per_day": "0",
                              "pain_assessments[1].worst_pain": "0",
                              "pain_assessments[1].omed_mg_per_day": "0"})
    assert partial.text.lstrip().startswith('<section id="result"')
    assert "Complete response" in partial.text
