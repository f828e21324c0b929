"""Building cases for rule tests and reading the assessment they produce."""

from __future__ import annotations

import copy
from typing import Any

from osseous.plan.engine import assess
from tests.conftest import make_case

FIT_PATIENT: dict[str, Any] = {
    "age_years": 60, "sex": "female", "weight_kg": 70, "ecog": 1, "karnofsky": 80,
    "ambulatory": "independent", "frankel": "E", "hospitalizations_past_3_months": 0,
    "dialysis": False, "dental": {"last_exam": "2026-10-01"}, "surgical_candidate": True,
    "estimated_survival_months": 18,
}
NORMAL_LABS: list[dict[str, Any]] = [
    {"analyte": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2026-11-18"},
    {"analyte": "albumin", "value": 4.0, "unit": "g/dL", "date": "2026-11-18"},
    {"analyte": "calcium", "value": 9.5, "unit": "mg/dL", "date": "2026-11-18"},
]
SPINE: dict[str, Any] = {
    "id": "S", "site": "spine", "levels": ["T8"], "pain_character": "mechanical",
    "worst_pain": 6, "appearance": "lytic", "alignment": "normal", "collapse": "none",
    "posterolateral": "none", "escc": "1a", "neurological_deficit": "none",
}


def case(**sections: Any) -> dict[str, Any]:
    """A fit breast-cancer patient with normal labs; ``sections`` replace or extend parts."""
    doc: dict[str, Any] = {
        "patient": copy.deepcopy(FIT_PATIENT),
        "cancer": {"primary": "breast", "hormone_receptor_positive": True,
                   "her2_positive": False, "visceral_metastases": "none",
                   "brain_metastases": False, "disseminated": False},
        "labs": copy.deepcopy(NORMAL_LABS),
        "lesions": [],
        "medications": [],
    }
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(doc.get(key), dict):
            doc[key] = {**doc[key], **value}
        else:
            doc[key] = value
    return doc


def spine(**fields: Any) -> dict[str, Any]:
    return {**SPINE, **fields}


def run(doc: dict[str, Any]) -> dict[str, Any]:
    return assess(make_case(doc), trace=True)


def recs(out: dict[str, Any], rec_id: str, lesion: str | None = None) -> list[dict[str, Any]]:
    return [r for r in out["recommendations"]
            if r["id"] == rec_id and (lesion is None or r["lesion"] == lesion)]


def rec(out: dict[str, Any], rec_id: str, lesion: str | None = None) -> dict[str, Any]:
    found = recs(out, rec_id, lesion)
    assert len(found) == 1, (rec_id, [r["id"] for r in out["recommendations"]])
    return found[0]


def alert_ids(out: dict[str, Any]) -> set[str]:
    return {a["id"] for a in out["alerts"]}


def needs(out: dict[str, Any], rule_id: str) -> list[str]:
    return [m for n in out["needs_data"] if n["for"] == rule_id for m in n["missing"]]


def status(out: dict[str, Any], rule_id: str) -> str:
    return str(next(t["status"] for t in out["trace"] if t["rule"] == rule_id))
