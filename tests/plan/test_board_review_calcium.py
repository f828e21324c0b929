"""Calcium and bone-modifying agents: the defects the second board review found, as cases.

The synthetic cases live in tests/plan/review_cases/ (prefix ``r2a-``); each test states the
expectation and its source (decisions.md, "Calcium and bone-modifying agents after the second
board review").
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.plan.helpers import case, rec, spine
from tests.plan.helpers import run as run_doc
from tests.plan.test_board_review import problem, run


def _alert(out: dict[str, Any], alert_id: str) -> dict[str, Any]:
    return next(a for a in out["alerts"] if a["id"] == alert_id)


def _item(out: dict[str, Any], item_id: str) -> dict[str, Any] | None:
    return next((i for i in out["workup"]["items"] if i["id"] == item_id), None)


def _text(out: dict[str, Any]) -> str:
    return " ".join([a["message"] for a in out["alerts"]]
                    + [r["title"] + " " + r["rationale"] for r in out["recommendations"]]
                    + [p["note"] or "" for p in out["problems"]])


# ---- 1. hypocalcaemia on a bone-modifying agent is treated, not left without an option --------

def test_hypocalcaemia_on_denosumab_is_treated_and_the_dose_held() -> None:
    # corrected calcium 7.4 mg/dL (albumin 4.0): CTCAE grade 2 (< 8.0-7.0); 7.4 / 4.008 =
    # 1.85 mmol/L < 1.9, severe by the Society for Endocrinology guidance (Turner 2016):
    # intravenous calcium gluconate. Xgeva label 5.3: correct pre-existing hypocalcaemia before
    # the dose; give calcium and vitamin D; monitor calcium.
    out = run("r2a-hypocalcaemia-denosumab")
    assert _alert(out, "hypocalcemia-denosumab")["severity"] == "critical"
    treat = rec(out, "supportive.hypocalcemia")
    assert treat["strength"] == "recommended" and treat["urgency"] == "emergency"
    assert treat["details"]["route"] == "intravenous" and treat["details"]["ctcae_grade"] == 2
    assert treat["details"]["held_agents"] == ["denosumab"]
    assert "calcium gluconate" in treat["rationale"] and "hold denosumab" in treat["rationale"]
    held = rec(out, "bma.denosumab")
    assert held["strength"] == "not-recommended"
    assert held["details"]["hold_until_calcium_corrected"] is True
    p = problem(out, "bone-health")
    assert p["status"] == "active" and "No deliverable option" not in (p["note"] or "")
    assert p["options"][0]["recommendation"] == "supportive.hypocalcemia"
    recheck = _item(out, "lab-calcium")
    assert recheck is not None and recheck["urgency"] == "emergency"
    assert "MRI" not in recheck["reason"]


def test_hypocalcaemia_holds_zoledronic_acid_too() -> None:
    # corrected calcium 6.6 mg/dL: CTCAE grade 3 (< 7.0-6.0); zoledronic acid planned. Zometa
    # label 5.2: monitor calcium and supplement a low calcium; the dose waits (project choice,
    # as the Xgeva label for denosumab)
    out = run("r2a-hypocalcaemia-zoledronic")
    assert _alert(out, "hypocalcemia-bisphosphonate")["severity"] == "critical"
    assert not [r for r in out["recommendations"] if r["modality"] == "bone-modifying-agent"
                and r["strength"] != "not-recommended"]
    treat = rec(out, "supportive.hypocalcemia")
    assert treat["details"]["ctcae_grade"] == 3 and treat["details"]["route"] == "intravenous"
    assert treat["details"]["held_agents"] == ["zoledronic-acid"]


@pytest.mark.parametrize(("calcium", "albumin", "grade", "route"), [
    # corrected = Ca + 0.8 x (4.0 - albumin) (Zometa label); CTCAE v5.0 hypocalcaemia grades;
    # intravenous below 1.9 mmol/L = 7.6 mg/dL or grade 3-4 (Turner 2016)
    (8.2, 4.0, 1, "oral"),         # 8.2: grade 1 (< 8.5-8.0); 8.2 / 4.008 = 2.05 mmol/L
    (7.0, 3.0, 2, "oral"),         # 7.0 + 0.8 = 7.8: grade 2 (< 8.0-7.0); 1.95 mmol/L
    (7.5, 4.0, 2, "intravenous"),  # 7.5: grade 2; 7.5 / 4.008 = 1.87 mmol/L < 1.9
    (7.2, 4.5, 3, "intravenous"),  # 7.2 - 0.4 = 6.8: grade 3 (< 7.0-6.0)
])
def test_hypocalcaemia_route_by_grade(calcium: float, albumin: float, grade: int,
                                      route: str) -> None:
    labs = [{"analyte": "calcium", "value": calcium, "unit": "mg/dL"},
            {"analyte": "albumin", "value": albumin, "unit": "g/dL"},
            {"analyte": "creatinine", "value": 0.9, "unit": "mg/dL"}]
    out = run_doc(case(labs=labs, medications=[{"drug": "denosumab", "status": "active"}],
                       lesions=[spine()]))
    treat = rec(out, "supportive.hypocalcemia")
    assert (treat["details"]["ctcae_grade"], treat["details"]["route"]) == (grade, route)
    assert rec(out, "bma.denosumab")["strength"] == "not-recommended"


# ---- 2. a refusal of bone-modifying agents and hypercalcaemia ---------------------------------

def test_declined_agents_are_not_planned_for_hypercalcaemia() -> None:
    # corrected 13.4 + 0.8 x 0.5 = 13.8 mg/dL: grade 4. The patient declines bone-modifying
    # agents: calcitonin bridges (not a bone-modifying agent); zoledronic acid is discussed,
    # never planned; the details say the same as the text
    out = run("r2a-declines-bma-hcm")
    r = rec(out, "supportive.hypercalcemia")
    assert r["details"]["agent"] == "calcitonin" and r["details"]["dose_mg"] is None
    assert r["details"]["bone_modifying_agent_declined"] is True
    assert r["details"]["discuss_with_patient"] == "zoledronic-acid"
    assert "declines bone-modifying agents" in r["rationale"]
    assert "zoledronic acid 4 mg" not in r["rationale"]
    assert "bisphosphonate or denosumab" not in _alert(out, "hypercalcemia")["message"]


# ---- 3 and 4. one grade, the worst plausible one, in the unit given --------------------------

CALCIUM_TABLE = [
    # (labs, alert id, severity, words in the alert, words never printed)
    # 13.0 mg/dL, no albumin: 13.0 - 1.2 = 11.8 (grade 2) to 13.0 + 2.4 = 15.4 (grade 4)
    ([("calcium", 13.0, "mg/dL")], "hypercalcemia", "critical",
     ("grade 2-4", "treated as grade 4", "11.8 mg/dL", "15.4 mg/dL"), ("mild",)),
    # 3.25 mmol/L, no albumin: SI formula 3.25 + 0.02 x (40 - 55) = 2.95 (grade 2, > 2.9) to
    # 3.25 + 0.02 x (40 - 10) = 3.85 (grade 4, > 3.4); 3.25 x 4.008 = 13.0 mg/dL
    ([("calcium", 3.25, "mmol/L")], "hypercalcemia", "critical",
     ("grade 2-4", "3.25 mmol/L [13.0 mg/dL]", "2.95 mmol/L [11.8 mg/dL]"), ()),
    # 2.90 mmol/L with albumin 40 g/L: corrected 2.90 mmol/L, not above 2.9: grade 1 in SI, as
    # the corrected-calcium score grades it; 2.90 x 4.008 = 11.6232 printed as 11.6 mg/dL
    ([("calcium", 2.90, "mmol/L"), ("albumin", 40, "g/L")], "hypercalcemia", "info",
     ("CTCAE grade 1", "2.90 mmol/L [11.6 mg/dL]"), ("11.6232", "grade 2")),
    # 11.62 mg/dL with albumin 4.0 g/dL: > 11.5 mg/dL, grade 2 by the mg/dL limits
    ([("calcium", 11.62, "mg/dL"), ("albumin", 4.0, "g/dL")], "hypercalcemia", "warning",
     ("CTCAE grade 2", "11.6 mg/dL"), ("11.62 ", "mmol/L [")),
    # ionised 6.6 mg/dL = 6.6 / 4.008 = 1.65 mmol/L: > 1.6, grade 3 by the ionised limits
    ([("ionized-calcium", 6.6, "mg/dL")], "hypercalcemia", "critical",
     ("CTCAE grade 3", "6.6 mg/dL [1.65 mmol/L]"), ()),
    # 10.0 mg/dL, no albumin: 8.8 (normal) to 12.4 (grade 2): may be raised, warning at worst
    ([("calcium", 10.0, "mg/dL")], "calcium-uncorrected", "warning",
     ("up to CTCAE grade 2", "Albumin today"), ()),
]


@pytest.mark.parametrize(("labs", "alert_id", "severity", "words", "never"), CALCIUM_TABLE)
def test_one_calcium_grade_in_the_unit_given(labs: list[tuple[str, float, str]], alert_id: str,
                                             severity: str, words: tuple[str, ...],
                                             never: tuple[str, ...]) -> None:
    doc = case(labs=[{"analyte": a, "value": v, "unit": u, "date": "2026-11-18"}
                     for a, v, u in labs]
               + [{"analyte": "creatinine", "value": 0.9, "unit": "mg/dL",
                   "date": "2026-11-18"}], lesions=[spine()])
    doc["assessed_on"] = "2026-11-20"
    out = run_doc(doc)
    a = _alert(out, alert_id)
    assert a["severity"] == severity
    for w in words:
        assert w in a["message"], (w, a["message"])
    for w in never:
        assert w not in _text(out), w
    score = next(s for s in out["scores"] if s["score"] == "corrected-calcium")
    if score["status"] == "complete" and alert_id == "hypercalcemia":
        grade = int(a["message"].split("CTCAE grade ")[1][0])
        assert score["ctcae_grade"] == grade  # one grade for score and alert


def test_unknown_albumin_with_13_mg_dl_is_treated_as_the_worst_grade() -> None:
    # 13.0 mg/dL is raised whatever the albumin (11.8-15.4 mg/dL): treated as grade 4 (> 13.5
    # possible): saline, zoledronic acid, calcitonin (> 14 possible); albumin today
    out = run("r2a-no-albumin-13")
    assert not [r for r in out["recommendations"] if r["id"] == "supportive.hypercalcemia-mild"]
    r = rec(out, "supportive.hypercalcemia")
    assert r["urgency"] == "emergency" and r["details"]["albumin_needed"] is True
    assert any("calcitonin" in step for step in r["details"]["steps"])
    albumin = _item(out, "lab-albumin")
    assert albumin is not None and albumin["urgency"] == "emergency"


def test_si_calcium_has_one_grade_and_rounded_numbers() -> None:
    out = run("r2a-si-2-90")
    assert _alert(out, "hypercalcemia")["severity"] == "info"
    assert "11.6232" not in _text(out)
    assert rec(out, "supportive.hypercalcemia-mild")


# ---- 5. a missing input that removes an option is asked for ----------------------------------

def test_missing_sex_keeps_zoledronic_acid_when_both_sexes_give_one_dose() -> None:
    # Cockcroft-Gault, age 70, 70 kg, creatinine 0.9: male (140-70) x 70 / (72 x 0.9) = 75.6,
    # female x 0.85 = 64.3 mL/min: both > 60, zoledronic acid 4 mg either way (Zometa label)
    out = run("r2a-no-sex")
    z = rec(out, "bma.zoledronic-acid")
    assert z["details"]["dose_mg"] == 4.0
    assert z["details"]["crcl_range_ml_min"] == [64.3, 75.6]


def test_missing_sex_asks_for_it_when_the_dose_depends_on_it() -> None:
    # creatinine 1.1: male 70 x 70 / 79.2 = 61.9 (> 60: 4 mg), female 52.6 (50-60: 3.5 mg)
    out = run("r2a-no-sex-dose-differs")
    assert not [r for r in out["recommendations"] if r["id"] == "bma.zoledronic-acid"]
    need = next(n for n in out["needs_data"] if n["for"] == "bma.agents"
                and "patient.sex" in n["missing"])
    assert "3.5 mg or 4 mg" in need["reason"]
    assert _item(out, "sex") is not None


def test_missing_weight_is_in_the_work_up() -> None:
    # no weight: no creatinine clearance, no zoledronic acid dose; the work-up weighs the patient
    out = run("r2a-no-weight")
    assert not [r for r in out["recommendations"] if r["id"] == "bma.zoledronic-acid"]
    weigh = _item(out, "weight")
    assert weigh is not None and "bma.agents" in weigh["unlocks"]


# ---- 6. under 18 ------------------------------------------------------------------------------

def test_no_adult_bone_modifying_agent_for_a_teenager() -> None:
    # aged 15: zoledronic acid is not indicated in paediatric patients (Zometa label 8.4);
    # denosumab for bone metastases is labelled for adults (Xgeva label 1.1): one option,
    # paediatric oncology decides, no adult agent offered
    out = run("r2a-teen-bma")
    bma = [r for r in out["recommendations"] if r["modality"] == "bone-modifying-agent"]
    assert [r["id"] for r in bma] == ["bma.paediatric"]
    assert bma[0]["details"]["agent"] is None
    assert "paediatric oncology" in bma[0]["rationale"]


# ---- 7. work-up texts are specific to the item ---------------------------------------------

def test_a_calcium_recheck_says_nothing_about_an_mri() -> None:
    # an out-of-date raised calcium (12.0 mg/dL, 37 days old > 14): the hypercalcaemia problem
    # waits for a repeat calcium, and says so
    out = run("r2a-stale-raised-calcium")
    p = problem(out, "hypercalcaemia")
    assert p["status"] == "work-up"
    assert "MRI" not in p["note"] and "calcium" in p["note"]
    # the bisphosphonate offered meanwhile says that the calcium must be checked first
    z = rec(out, "bma.zoledronic-acid")
    assert z["details"]["calcium_check_first"] is True
    # denosumab waits for a current calcium (never read as normal from an old one)
    assert not [r for r in out["recommendations"] if r["id"] == "bma.denosumab"]
