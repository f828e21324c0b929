"""The patient summary follows the board's decisions; the plain-words mapping."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from osseous.core.validation import parse_case
from osseous.plan.engine import assess
from osseous.report import board_view, labels
from osseous.report.patient_summary import summarise

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"


def _assessment(name: str) -> dict:  # type: ignore[type-arg]
    parsed = parse_case(json.loads((EXAMPLES / f"{name}.json").read_text()))
    return assess(parsed.case, parsed.ignored_fields)


@dataclass
class Decided:
    recommendation_id: str
    lesion: str | None
    decision: str
    reason: str | None = None
    decided_by: str = "demo"
    decided_on: date = date(2026, 12, 4)
    title: str = ""


def test_a_declined_option_never_reaches_the_patient() -> None:
    a = _assessment("demo-breast-01")
    bma = next(r for r in a["recommendations"] if r["id"] == "bma.zoledronic-acid")
    other = next(r for r in a["recommendations"] if r["modality"] == "radiotherapy")
    summary = summarise(a, [Decided(bma["id"], bma.get("lesion"), "declined", "renal"),
                            Decided(other["id"], other.get("lesion"), "accepted")])
    shown = [i.heading for i in [*summary["planned"], *summary["items"]]]
    assert bma["title"] not in shown
    assert [i.heading for i in summary["planned"]] == [other["title"]]
    assert "zoledronic" not in " ".join(f"{i.what} {i.why}" for i in summary["items"]).lower()
    # a later decision replaces an earlier one
    again = summarise(a, [Decided(bma["id"], None, "declined", "renal"),
                          Decided(bma["id"], None, "accepted")])
    assert bma["title"] in [i.heading for i in again["planned"]]


def test_a_consultation_is_not_described_as_an_operation() -> None:
    a = _assessment("demo-breast-01")
    consult = next(i for i in summarise(a)["items"] if "consultation" in i.heading.lower())
    assert "does not mean you will have an operation" in consult.what
    assert "within days" not in consult.when


def test_follow_up_of_pain_is_not_an_option() -> None:
    a = {"alerts": [], "recommendations": [
        {"id": "supportive.pain-follow-up", "modality": "supportive-care", "lesion": "L1",
         "title": "Pain response at L1", "strength": "recommended", "urgency": "routine"}]}
    assert summarise(a)["items"] == []


@pytest.mark.parametrize(("score", "band", "words"), [
    ("tokuhashi-revised", "gte-6-months", "6 months or more expected"),
    ("chow-nrf", "group-3", "group 3 (3 risk factors)"),
    ("sins", "potentially-unstable", "potentially unstable"),
    ("mirels", "low", "low fracture risk"), ("katagiri-new", "low", "low risk"),
])
def test_bands_in_words(score: str, band: str, words: str) -> None:
    assert labels.band(score, band) == words


def test_values_and_paths_in_words() -> None:
    assert labels.value(None) == "unknown" and labels.value(True) == "yes"
    assert labels.value(False) == "no" and labels.value(12.0) == "12"
    assert labels.value("none-over-50-involved") == "no collapse, over half of the body involved"
    assert labels.field("cancer.bone_metastases.extraspinal") == "number of other bone metastases"
    assert labels.field("lesions[2].collapse") == "vertebral collapse"
    assert labels.plain("decides bma.agents and tokuhashi-revised; see cancer.gov") == (
        "decides the choice of bone-modifying agent and Revised Tokuhashi; see cancer.gov")


def test_problems_in_urgency_order_with_their_decisions() -> None:
    a = _assessment("renal-mescc")
    first = a["problems"][0]["options"][0]
    problems = board_view.problems(a, [Decided(first["recommendation"], first.get("lesion"),
                                               "accepted")])
    order = {"emergency": 0, "urgent": 1, "routine": 2}
    assert [order[p["urgency"]] for p in problems] == sorted(order[p["urgency"]]
                                                             for p in problems)
    assert problems[0]["options"][0]["decision"].decision == "accepted"
    assert problems[0]["decided"] == 1


def _leaf_paths(model: type, prefix: str = "") -> list[str]:
    """Every leaf field of the case model, as a path with list indexes."""
    import typing

    from pydantic import BaseModel
    out: list[str] = []
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        path = f"{prefix}.{name}" if prefix else name
        nested: list[type] = []

        def collect(t: object, into: list[type] = nested) -> None:
            if isinstance(t, type) and issubclass(t, BaseModel):
                into.append(t)
            for arg in typing.get_args(t):
                collect(arg)
        collect(info.annotation)
        listed = "list[" in str(info.annotation)
        for sub in nested:
            out += _leaf_paths(sub, path + ("[0]" if listed else ""))
        if not nested:
            out.append(path)
    return out


def test_every_case_field_has_words() -> None:
    # a field a plan or a work-up names must never reach a person as its code
    from osseous.core.case import Case
    generic = {"format", "id", "analyte", "value", "unit", "date", "lesion", "drug", "status",
               "route", "rxnorm", "type"}
    unnamed = [p for p in _leaf_paths(Case)
               if p.rsplit(".", 1)[-1] not in generic
               and p.replace("[0]", "") not in labels.FIELD
               and p.rsplit(".", 1)[-1] not in labels.FIELD]
    assert not unnamed, unnamed
