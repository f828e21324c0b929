"""Exhaustive tests over every combination of a score's inputs (small input spaces).

For each score: the totals span exactly the declared range, every band is reachable and only
inside its range, the total never falls when one input moves to a worse category, and with any
single input removed the incomplete range brackets every completion.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from osseous.core.results import ScoreResult
from osseous.scores.catalog import BY_ID
from tests.conftest import make_case

# name -> list of (field path, values ordered from best to worst prognosis / lowest to highest)
SINS_SPACE: dict[str, list[Any]] = {
    "levels": [["S3"], ["T6"], ["L3"], ["T12"]],
    "pain_character": ["none", "non-mechanical", "mechanical"],
    "appearance": ["blastic", "mixed", "lytic"],
    "alignment": ["normal", "de-novo-deformity", "subluxation"],
    "collapse": ["none", "none-over-50-involved", "under-50", "over-50"],
    "posterolateral": ["none", "unilateral", "bilateral"],
}
MIRELS_SPACE: dict[str, list[Any]] = {
    "site_region": [("humerus", None), ("femur", "shaft"), ("femur", "peritrochanteric")],
    "pain_severity": ["mild", "moderate", "functional"],
    "appearance": ["blastic", "mixed", "lytic"],
    "size_fraction": ["<1/3", "1/3-2/3", ">2/3"],
}


def _sins_case(values: dict[str, Any]) -> dict[str, Any]:
    lesion = {"id": "A", "site": "spine", **{k: v for k, v in values.items() if v is not None}}
    return {"lesions": [lesion]}


def _mirels_case(values: dict[str, Any]) -> dict[str, Any]:
    lesion: dict[str, Any] = {"id": "A"}
    for key, value in values.items():
        if value is None:
            continue
        if key == "site_region":
            lesion["site"] = value[0]
            if value[1]:
                lesion["region"] = value[1]
        else:
            lesion[key] = value
    lesion.setdefault("site", "tibia")
    return {"lesions": [lesion]}


def _tomita_case(values: dict[str, Any]) -> dict[str, Any]:
    cancer: dict[str, Any] = {}
    if values["primary"] is not None:
        cancer["primary"] = values["primary"]
    if values["visceral"] is not None:
        cancer["visceral_metastases"] = values["visceral"]
    if values["bones"] is not None:
        cancer["bone_metastases"] = {"spinal": 1, "extraspinal": values["bones"] - 1}
    return {"cancer": cancer}


TOMITA_SPACE: dict[str, list[Any]] = {
    "primary": ["breast", "kidney", "stomach"],
    "visceral": ["none", "treatable", "untreatable"],
    "bones": [1, 3],
}


def _tokuhashi_case(values: dict[str, Any]) -> dict[str, Any]:
    patient: dict[str, Any] = {}
    cancer: dict[str, Any] = {"bone_metastases": {}}
    if values["kps"] is not None:
        patient["karnofsky"] = values["kps"]
    if values["frankel"] is not None:
        patient["frankel"] = values["frankel"]
    if values["extra"] is not None:
        cancer["bone_metastases"]["extraspinal"] = values["extra"]
    cancer["bone_metastases"]["spinal"] = values["spinal"] if values["spinal"] is not None else 1
    if values["visceral"] is not None:
        cancer["visceral_metastases"] = values["visceral"]
    if values["primary"] is not None:
        cancer["primary"] = values["primary"]
    doc = {"patient": patient, "cancer": cancer}
    if values["spinal"] is None:  # unknown count: drop it (the lesion list gives a lower bound)
        del cancer["bone_metastases"]["spinal"]
        doc["lesions"] = [{"id": "s", "site": "spine", "levels": ["T5"]}]
    return doc


TOKUHASHI_SPACE: dict[str, list[Any]] = {
    "kps": [30, 60, 90],
    "extra": [5, 1, 0],
    "spinal": [4, 2, 1],
    "visceral": ["untreatable", "treatable", "none"],
    "primary": ["lung-nsclc", "liver", "colon", "kidney", "rectum", "breast"],
    "frankel": ["A", "C", "E"],
}


def _chow_case(values: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {"patient": {}, "cancer": {}}
    if values["primary"] is not None:
        doc["cancer"]["primary"] = values["primary"]
    if values["visceral"] is not None:
        doc["cancer"]["visceral_metastases"] = values["visceral"]
        doc["cancer"]["brain_metastases"] = False
    if values["kps"] is not None:
        doc["patient"]["karnofsky"] = values["kps"]
    return doc


CHOW_SPACE: dict[str, list[Any]] = {
    "primary": ["breast", "prostate"],
    "visceral": ["none", "treatable"],
    "kps": [70, 60],
}


def _teachh_case(values: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {"patient": {}, "cancer": {}}
    mapping = {"primary": ("cancer", "primary"), "ecog": ("patient", "ecog"),
               "age": ("patient", "age_years"), "chemo": ("cancer", "prior_chemotherapy_lines"),
               "admissions": ("patient", "hospitalizations_past_3_months"),
               "sites": ("cancer", "visceral_sites")}
    for key, (section, field) in mapping.items():
        if values[key] is not None:
            doc[section][field] = values[key]
    return doc


TEACHH_SPACE: dict[str, list[Any]] = {
    "primary": ["breast", "lung-nsclc"],
    "ecog": [1, 2],
    "age": [60, 61],
    "chemo": [2, 3],
    "admissions": [0, 1],
    "sites": [[], ["liver"]],
}


def _bauer_case(values: dict[str, Any]) -> dict[str, Any]:
    cancer: dict[str, Any] = {}
    lesions: list[dict[str, Any]] = []
    if values["primary"] is not None:
        cancer["primary"] = values["primary"]
    if values["visceral"] is not None:
        cancer["visceral_metastases"] = values["visceral"]
        cancer["brain_metastases"] = False
    if values["bones"] is not None:
        cancer["bone_metastases"] = {"spinal": 0, "extraspinal": values["bones"]}
    if values["fracture"] is not None:
        lesions.append({"id": "f", "site": "femur", "pathological_fracture": values["fracture"]})
    return {"cancer": cancer, "lesions": lesions}


BAUER_SPACE: dict[str, list[Any]] = {
    "primary": ["breast", "colon", "lung-nsclc"],
    "visceral": ["none", "untreatable"],
    "bones": [1, 2],
    "fracture": [False, True],
}


def _nesms_case(values: dict[str, Any]) -> dict[str, Any]:
    doc = _bauer_case({**values, "fracture": None})
    doc["patient"] = {} if values["ambulatory"] is None else {"ambulatory": values["ambulatory"]}
    if values["albumin"] is not None:
        doc["labs"] = [{"analyte": "albumin", "value": values["albumin"], "unit": "g/dL"}]
    return doc


NESMS_SPACE: dict[str, list[Any]] = {
    "primary": ["lung-nsclc", "colon", "breast"],
    "visceral": ["untreatable", "none"],
    "bones": [2, 1],
    "ambulatory": ["non-ambulatory", "independent"],
    "albumin": [3.0, 3.5],
}

SPACES: dict[str, tuple[dict[str, list[Any]], Callable[[dict[str, Any]], dict[str, Any]],
                        tuple[int, int], str | None, int]] = {
    # score: (space, builder, declared range, lesion id, direction: the sign of the change in
    # total when one input moves to its next listed value)
    "sins": (SINS_SPACE, _sins_case, (0, 18), "A", +1),
    "mirels": (MIRELS_SPACE, _mirels_case, (4, 12), "A", +1),
    "tomita": (TOMITA_SPACE, _tomita_case, (2, 10), None, +1),
    "tokuhashi-revised": (TOKUHASHI_SPACE, _tokuhashi_case, (0, 15), None, +1),
    "chow-nrf": (CHOW_SPACE, _chow_case, (0, 3), None, +1),
    "teachh": (TEACHH_SPACE, _teachh_case, (0, 6), None, +1),
    "bauer": (BAUER_SPACE, _bauer_case, (0, 5), None, -1),
    "nesms": (NESMS_SPACE, _nesms_case, (0, 3), None, +1),
}
EXPECTED_BANDS = {
    "sins": {"stable", "potentially-unstable", "unstable"},
    "mirels": {"low", "borderline", "high"},
    "tomita": {"long-term", "middle-term", "short-term", "terminal-care"},
    "tokuhashi-revised": {"lt-6-months", "gte-6-months", "gte-12-months"},
    "chow-nrf": {"group-1", "group-2", "group-3"},
    "teachh": {"A", "B", "C"},
    "bauer": {"poor", "intermediate", "good"},
    "nesms": {"0", "1", "2", "3"},
}


def _compute(score: str, doc: dict[str, Any], lesion: str | None) -> ScoreResult:
    results = BY_ID[score].compute(make_case(doc))
    if lesion is not None:
        results = [r for r in results if r.lesion == lesion]
    assert len(results) == 1
    return results[0]


def _grid(space: dict[str, list[Any]]) -> Iterator[dict[str, Any]]:
    keys = list(space)
    for combo in itertools.product(*(space[k] for k in keys)):
        yield dict(zip(keys, combo, strict=True))


@pytest.mark.parametrize("score", list(SPACES))
def test_range_bands_and_monotonicity(score: str) -> None:
    space, build, (low, high), lesion, direction = SPACES[score]
    totals: dict[tuple[Any, ...], int] = {}
    bands_seen: dict[str, list[int]] = {}
    for values in _grid(space):
        r = _compute(score, build(values), lesion)
        assert r.status == "complete", (values, r.missing)
        assert r.total is not None and r.band is not None
        total = int(r.total)
        totals[tuple(map(repr, values.values()))] = total
        bands_seen.setdefault(r.band, []).append(total)
    assert min(totals.values()) == low
    assert max(totals.values()) == high
    assert set(bands_seen) == EXPECTED_BANDS[score]
    # bands are contiguous, non-overlapping intervals of the total
    spans = sorted((min(v), max(v)) for v in bands_seen.values())
    for (_, hi), (lo, _) in itertools.pairwise(spans):
        assert hi < lo
    # monotone: moving one input to its next category never moves the total the wrong way
    keys = list(space)
    for values in _grid(space):
        base = totals[tuple(map(repr, values.values()))]
        for key in keys:
            i = space[key].index(values[key])
            if i + 1 < len(space[key]):
                worse = {**values, key: space[key][i + 1]}
                moved = totals[tuple(map(repr, worse.values()))]
                assert (moved - base) * direction >= 0, (key, values, base, moved)


@pytest.mark.parametrize("score", list(SPACES))
def test_missing_input_brackets_every_completion(score: str) -> None:
    space, build, _, lesion, _ = SPACES[score]
    keys = list(space)
    for values in itertools.islice(_grid(space), 0, None, 7):
        for key in keys:
            if key == "site_region":  # a lesion's site is required by the case format
                continue
            partial = {**values, key: None}
            r = _compute(score, build(partial), lesion)
            completions = {int(_compute(score, build({**values, key: v}), lesion).total or 0)
                           for v in space[key]}
            if r.status == "complete":  # the missing input cannot change the total
                assert completions == {r.total}, (key, values)
                continue
            assert r.missing, (key, values)
            assert r.total is None and r.band is None
            assert r.range is not None
            assert r.range[0] <= min(completions) and max(completions) <= r.range[1]
