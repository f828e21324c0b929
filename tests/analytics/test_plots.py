"""Registry figures: valid PNG/SVG, the labels and numbers at risk as text, reproducible bytes."""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from matplotlib.image import imread

from osseous.analytics import plots
from osseous.analytics.estimators import DAYS_PER_MONTH, aalen_johansen, kaplan_meier, wilson

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_TEXT = "{http://www.w3.org/2000/svg}text"

# days; arm A: events at 30, 200, 250, 500; censored at 90, 400, 800
ARM_A = kaplan_meier([30, 90, 200, 250, 400, 500, 800], [1, 0, 1, 1, 0, 1, 0])
ARM_B = kaplan_meier([100, 150, 600], [1, 1, 0])
GROUPS = {"Arm A": ARM_A, "Arm B": ARM_B}
# at 0, 6 (182.6 d), 12 (365.25 d), 18 (547.9 d), 24 (730.5 d), 36 months, counted by hand:
# A: 7 at 0; 200, 250, 400, 500, 800 remain at 6; 400, 500, 800 at 12; 800 at 18 and 24
# B: 3 at 0; only 600 remains at 6, 12 and 18; none at 24
AT_RISK = {"Arm A": [7, 5, 3, 1, 1, 0], "Arm B": [3, 1, 1, 1, 0, 0]}


def texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return [t.text or "" for t in root.iter(SVG_TEXT)]


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def rate(k: int, n: int) -> dict[str, Any]:
    ci = wilson(k, n)
    return {"n": k, "rate": k / n if n else None, "ci95": list(ci) if ci else None}


def pain_row(regimen: str, months: int, n: int, complete: int, partial: int) -> dict[str, Any]:
    return {"regimen": regimen, "months": months, "evaluable": n,
            "complete": rate(complete, n), "partial": rate(partial, n),
            "overall": rate(complete + partial, n), "progression": rate(0, n)}


PAIN = {"format": "osseous.pain-response/1", "rows": [
    pain_row("single-fraction", 1, 40, 10, 14), pain_row("multiple-fractions", 1, 23, 6, 8),
    pain_row("single-fraction", 2, 31, 9, 10), pain_row("sbrt", 3, 7, 3, 2)]}


def indicator(id_: str, better: str, counts: list[tuple[int, int, int]]) -> dict[str, Any]:
    years = []
    for year, k, n in counts:
        ci = wilson(k, n)
        years.append({"year": year, "numerator": k, "denominator": n,
                      "proportion": k / n if n else None, "ci95": list(ci) if ci else None})
    return {"id": id_, "description": f"Description of {id_}", "better": better,
            "years": years}


QUALITY = [indicator("rt-single-fraction-uncomplicated", "higher",
                     [(2022, 20, 61), (2023, 31, 70), (2024, 40, 77), (2025, 44, 73)]),
           indicator("rt-over-10-fractions", "lower",
                     [(2022, 0, 39), (2023, 3, 41), (2024, 0, 0), (2025, 2, 52)])]


def test_numbers_at_risk_by_hand() -> None:
    assert plots.at_risk_table(GROUPS, [0, 6, 12, 18, 24, 36]) == AT_RISK
    assert plots.number_at_risk([], 0) == 0
    assert plots.number_at_risk(ARM_A, 200 / DAYS_PER_MONTH) == 5  # time >= tick counts


def test_km_png_decodes_at_the_expected_size() -> None:
    png = plots.survival_plot(GROUPS, title="Overall survival")
    width, height = png_size(png)
    image = imread(io.BytesIO(png), format="png")
    assert image.shape[:2] == (height, width)
    assert width == 7.5 * plots.DPI and 600 < height < 1200
    assert image.std() > 0.05  # something was drawn, not a blank canvas


def test_km_svg_has_labels_legend_and_at_risk_table() -> None:
    found = texts(plots.survival_plot(GROUPS, title="Overall survival by arm", fmt="svg"))
    for label in ("Overall survival by arm", "Survival", "Months", "Number at risk",
                  "Arm A", "Arm B", "Arm A (n=7)", "Arm B (n=3)"):
        assert label in found
    # the table is drawn row by row: the counts appear as one run of text elements
    expected = [str(k) for row in AT_RISK.values() for k in row]
    runs = [found[i:i + len(expected)] for i in range(len(found) - len(expected) + 1)]
    assert expected in runs


def test_cumulative_incidence_and_custom_ticks() -> None:
    cif = {"Agent": aalen_johansen([40, 100, 300, 500, 700], [1, 2, 1, 0, 0])}
    found = texts(plots.survival_plot(cif, title="Skeletal-related events", fmt="svg",
                                      ylabel="Cumulative incidence", cumulative=True,
                                      at_risk_months=(0, 12, 24)))
    assert "Cumulative incidence" in found and "Agent (n=5)" in found
    assert ["5", "2", "0"] in [found[i:i + 3] for i in range(len(found) - 2)]
    # no ticks asked for: no table, and the plot still renders
    assert "Number at risk" not in texts(
        plots.survival_plot(cif, title="t", fmt="svg", at_risk_months=()))


def test_pain_response_bars() -> None:
    found = texts(plots.pain_response_plot(PAIN, fmt="svg"))
    for label in ("Month 1", "Month 2", "Month 3", "n=40", "n=23", "n=31", "n=7",
                  "Single fraction", "Multiple fractions", "SBRT", "complete", "partial",
                  "Pain response after palliative radiotherapy"):
        assert label in found
    assert png_size(plots.pain_response_plot(PAIN))[0] == 7.5 * plots.DPI


def test_quality_trend_panels() -> None:
    found = texts(plots.quality_trend_plot(QUALITY, fmt="svg"))
    joined = "\n".join(found)
    for label in ("Quality indicators by year", "Description of rt-over-10-fractions",
                  "higher is better", "lower is better", "2022", "n=61", "n=0", "n=52"):
        assert label in joined
    width, height = png_size(plots.quality_trend_plot(QUALITY))
    assert width > height > 0


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_same_input_same_bytes(fmt: plots.Format) -> None:
    def render() -> list[bytes]:
        return [plots.survival_plot(GROUPS, title="t", fmt=fmt),
                plots.pain_response_plot(PAIN, fmt=fmt),
                plots.quality_trend_plot(QUALITY, fmt=fmt)]
    assert render() == render()


def test_no_dates_in_output() -> None:
    svg = plots.survival_plot(GROUPS, title="t", fmt="svg")
    assert b"<dc:date>" not in svg
    png = plots.survival_plot(GROUPS, title="t")
    assert b"tIME" not in png and b"Software" not in png


def test_threads_get_the_same_bytes() -> None:
    serial = plots.survival_plot(GROUPS, title="t", fmt="svg")
    with ThreadPoolExecutor(4) as pool:
        outputs = list(pool.map(
            lambda _: plots.survival_plot(GROUPS, title="t", fmt="svg"), range(4)))
    assert all(out == serial for out in outputs)


def test_empty_input_says_no_data() -> None:
    for svg in (plots.survival_plot({}, title="Nothing yet", fmt="svg"),
                plots.survival_plot({"Arm": []}, title="Nothing yet", fmt="svg"),
                plots.pain_response_plot({"rows": []}, fmt="svg"),
                plots.pain_response_plot({}, fmt="svg"),
                plots.quality_trend_plot([], fmt="svg"),
                plots.quality_trend_plot([indicator("x", "higher", [])], fmt="svg")):
        assert "no data" in texts(svg)
    assert png_size(plots.survival_plot({}, title="Nothing yet"))[0] > 0


@pytest.mark.parametrize("call", [
    lambda fmt: plots.survival_plot(GROUPS, title="t", fmt=fmt),
    lambda fmt: plots.pain_response_plot(PAIN, fmt=fmt),
    lambda fmt: plots.quality_trend_plot(QUALITY, fmt=fmt),
])
def test_bad_format_is_refused(call: Any) -> None:
    with pytest.raises(ValueError, match=r"fmt: must be one of png, svg \(given: 'jpeg'\)"):
        call("jpeg")
