"""The score catalogue as the one list the edges derive theirs from (issue 12, shape of the
code): kinds, the direction of each survival score, band order and form fields."""

from __future__ import annotations

import pytest

from osseous.analytics import prognosis
from osseous.knowledge.published_survival import PUBLISHED_SURVIVAL
from osseous.scores.catalog import BY_ID, SCORES, SURVIVAL_SCORE_IDS, SURVIVAL_SCORES
from tests.conftest import make_case

# The eight prognostic scores of docs/clinical/scores.md; written out once here so that a
# score dropped from or added to the survival kind is a visible, reviewed change.
EXPECTED_SURVIVAL = ("tokuhashi-revised", "tomita", "bauer", "bauer-modified", "katagiri-new",
                     "nesms", "chow-nrf", "teachh")


def test_survival_scores_are_the_eight_prognostic_scores_bauer_included() -> None:
    assert SURVIVAL_SCORE_IDS == EXPECTED_SURVIVAL
    assert all(s.kind == "survival" for s in SURVIVAL_SCORES)
    assert all(s.kind != "survival" for s in SCORES if s.id not in EXPECTED_SURVIVAL)


@pytest.mark.parametrize(("score", "direction"), [
    # higher total = longer survival: Tokuhashi (12-15 >= 1 year), Bauer and modified Bauer
    # (counts of favourable factors), NESMS (3 the best); shorter: Tomita (8-10 terminal care),
    # Katagiri (7-10 poorest), Chow (number of risk factors), TEACHH (class A 0-1 longest)
    ("tokuhashi-revised", 1), ("tomita", -1), ("bauer", 1), ("bauer-modified", 1),
    ("katagiri-new", -1), ("nesms", 1), ("chow-nrf", -1), ("teachh", -1),
])
def test_direction_of_each_survival_total(score: str, direction: int) -> None:
    assert BY_ID[score].direction == direction
    assert prognosis.SCORE_DIRECTION[score] == direction


def test_only_survival_scores_have_a_direction() -> None:
    assert {s.id for s in SCORES if s.direction is not None} == set(EXPECTED_SURVIVAL)
    assert tuple(prognosis.SCORE_DIRECTION) == SURVIVAL_SCORE_IDS


def test_band_order_matches_the_published_survival_table() -> None:
    for info in SURVIVAL_SCORES:
        assert tuple(PUBLISHED_SURVIVAL[info.id]) == info.bands, info.id


def test_every_band_a_score_emits_is_in_its_catalogue_order() -> None:
    """A fully recorded patient gets a band from every survival score, and it is one of the
    catalogue's bands."""
    case = make_case({
        "assessed_on": "2026-11-20",
        "patient": {"ecog": 1, "karnofsky": 80, "frankel": "E", "age_years": 70,
                    "ambulatory": "independent", "hospitalizations_past_3_months": 0},
        "cancer": {"primary": "breast", "hormone_receptor_positive": True,
                   "visceral_metastases": "none", "visceral_sites": [],
                   "brain_metastases": False, "disseminated": False,
                   "prior_chemotherapy_lines": 0,
                   "bone_metastases": {"spinal": 1, "extraspinal": 0}},
        "labs": [{"analyte": a, "value": v, "unit": u, "date": "2026-11-18"} for a, v, u in (
            ("platelets", 250, "10*9/L"), ("calcium", 9.4, "mg/dL"), ("bilirubin", 0.6, "mg/dL"),
            ("crp", 0.1, "mg/dL"), ("ldh", 180, "U/L"), ("albumin", 4.2, "g/dL"))],
        "lesions": [{"id": "T5", "site": "spine", "levels": ["T5"], "collapse": "none"}],
    })
    for info in SURVIVAL_SCORES:
        (result,) = info.compute(case)
        assert result.band is not None, (info.id, result.missing)
        assert result.band in info.bands, (info.id, result.band)


def test_form_fields_are_what_the_calculator_pages_ask_for() -> None:
    """The calculator pages and the catalogue agree field for field (the pages name each input
    of a lesion or a laboratory result; the catalogue names the lesion or ``labs``)."""
    from osseous.web.calculators import SCORE_INPUTS, form_fields

    # the pain response is the one calculator that builds its own case (a baseline and a
    # follow-up of one treated site, web/calculators.py pain_form): the catalogue names no
    # form fields for it
    assert {s.id: set(s.form_fields) for s in SCORES if s.form_fields} == {
        name: form_fields(name) for name in SCORE_INPUTS if name != "pain-response"}


def test_title_is_the_name_a_person_reads() -> None:
    assert BY_ID["katagiri-new"].title == "New Katagiri score"
