"""Case tables for the patient-level gates of the plan (docs/clinical/decisions.md, "The plan as
one whole"): vital status, goal of care, refusals, performance status, age, pregnancy, surgical
candidacy, marrow and renal reserve, laboratory age, calcium, and dental work before a
bone-modifying agent.

Each row carries its hand reasoning and the source the expected answer rests on. The reference
date of every case is 2026-11-20 (tests/conftest.py); the helper's labs are dated 2026-11-18.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.plan.helpers import alert_ids, case, needs, rec, recs, run, spine

Out = dict[str, Any]
Check = Callable[[Out], None]

LAB_DATE = "2026-11-18"


def lab(analyte: str, value: float, unit: str, date: str = LAB_DATE) -> dict[str, Any]:
    return {"analyte": analyte, "value": value, "unit": unit, "date": date}


COUNTS = [lab("platelets", 200, "10*9/L"), lab("anc", 3.0, "10*9/L"),
          lab("hemoglobin", 12, "g/dL"), lab("wbc", 6.0, "10*9/L")]
BASE_LABS = [lab("creatinine", 0.9, "mg/dL"), lab("albumin", 4.0, "g/dL"),
             lab("calcium", 9.5, "mg/dL")]

#: an impending fracture of the femoral shaft: Mirels 3 (lytic) + 3 (> 2/3) + 3 (functional)
#: + 2 (lower limb) = 11 (Mirels 1989), and axial cortical involvement 35 mm > 30 mm
#: (van der Linden 2004)
FEMUR: dict[str, Any] = {
    "id": "F", "site": "femur", "region": "shaft", "pain_severity": "functional",
    "worst_pain": 7, "appearance": "lytic", "size_fraction": ">2/3",
    "axial_cortical_involvement_mm": 35}


def prostate_crpc(**patient: Any) -> dict[str, Any]:
    """Castration-resistant, PSMA-positive prostate cancer after enzalutamide and a taxane, two
    painful blastic sites, bone-scan avid, counts and kidneys normal: radium-223 (ALSYMPCA),
    lutetium-177 PSMA (VISION) and samarium-153/strontium-89 (labels) are all in play."""
    return case(
        patient={"sex": "male", **patient},
        cancer={"primary": "prostate", "castration_resistant": True,
                "visceral_metastases": "none", "psma_pet_positive": True,
                "bone_scan_avid": True, "hormone_receptor_positive": None,
                "her2_positive": None, "prior_chemotherapy_lines": 1},
        labs=[*BASE_LABS, *COUNTS],
        lesions=[spine(appearance="blastic"),
                 {"id": "B", "site": "pelvis", "appearance": "blastic",
                  "pain_severity": "moderate", "worst_pain": 6}],
        medications=[{"drug": "enzalutamide", "status": "completed"},
                     {"drug": "docetaxel", "status": "completed"}])


def with_labs(doc: dict[str, Any], *replace: dict[str, Any]) -> dict[str, Any]:
    """The case with the named analytes replaced (or removed when the value is None)."""
    names = {x["analyte"] for x in replace}
    doc["labs"] = [x for x in doc["labs"] if x["analyte"] not in names]
    doc["labs"] += [x for x in replace if x["value"] is not None]
    return doc


def live(out: Out) -> list[dict[str, Any]]:
    return [r for r in out["recommendations"] if r["strength"] != "not-recommended"]


def live_ids(out: Out) -> set[str]:
    return {r["id"] for r in live(out)}


def removed(out: Out, rec_id: str) -> list[dict[str, Any]]:
    return [x for x in out["removed"] if x["id"] == rec_id]


def problem(out: Out, problem_id: str) -> dict[str, Any]:
    found = [p for p in out["problems"] if p["id"] == problem_id]
    assert len(found) == 1, (problem_id, [p["id"] for p in out["problems"]])
    return dict(found[0])


# ---- vital status -------------------------------------------------------------------------------

# A recorded death on or before the assessment date ends the plan: no recommendation of any
# family, only the `deceased` alert, no data request, an empty work-up; the scores stay for the
# record (decisions.md, "Vital status": project decision). The case would otherwise get an
# urgent prophylactic fixation, radiotherapy, bone agents and endocrine therapy (issue 12, 1).
DEATH_CASES = [
    pytest.param([{"type": "death", "date": "2026-11-01"}], id="death-dated-before"),
    # the same day counts ("on or before assessed_on")
    pytest.param([{"type": "death", "date": "2026-11-20"}], id="death-on-assessment-day"),
    # an undated death is still a death: it cannot be read as "alive"
    pytest.param([{"type": "death"}], id="death-undated"),
]


@pytest.mark.parametrize("events", DEATH_CASES)
def test_deceased_patient_gets_no_plan(events: list[dict[str, Any]]) -> None:
    doc = case(lesions=[spine(escc="2", neurological_deficit="myelopathy"), FEMUR],
               labs=[*BASE_LABS[:2], lab("calcium", 13.5, "mg/dL")], events=events)
    out = run(doc)
    assert out["recommendations"] == []
    assert alert_ids(out) == {"deceased"}
    assert out["needs_data"] == []
    assert out["workup"].get("items", []) == []
    assert out["problems"] == []
    assert out["patient_state"]["deceased"] is True
    scores = {s["score"] for s in out["scores"]}
    assert {"sins", "mirels", "corrected-calcium", "crcl"} <= scores
    # what the rules proposed is listed as removed, with the reason
    assert out["removed"] and all(x["reason"] == "the patient has died" for x in out["removed"])
    assert {"surgery.prophylactic-fixation", "rt.mescc-conventional"} <= {
        x["id"] for x in out["removed"]}


def test_a_death_after_the_assessment_date_is_not_applied() -> None:
    # the plan is made as of assessed_on (2026-11-20): a death recorded later is not yet a fact
    out = run(case(lesions=[spine()], events=[{"type": "death", "date": "2026-12-01"}]))
    assert "deceased" not in alert_ids(out)
    assert out["recommendations"]
    # ... but it is not silently ignored either: the board sees the later date
    alert = next(a for a in out["alerts"] if a["id"] == "death-after-assessment")
    assert "2026-12-01" in alert["message"] and "2026-11-20" in alert["message"]


# ---- goal of care -------------------------------------------------------------------------------

COMFORT_EXCLUDED = ("systemic-therapy", "radiopharmaceutical", "surgery", "bone-modifying-agent")

# Goal "comfort" (end of life, symptom control only) permits conventional radiotherapy for
# symptoms with 8 Gy x 1 preferred, analgesia, dexamethasone, treatment of symptomatic
# hypercalcaemia and percutaneous procedures for pain; it removes systemic therapy,
# radiopharmaceuticals, surgery, SBRT and bone-modifying agents for skeletal-event prevention
# (decisions.md, "Goal of care"; ASTRO 2017: 8 Gy x 1 "particularly convenient" with limited
# life expectancy).
COMFORT_CASES = [
    # breast, painful T8 without compression, impending femoral fracture: without the goal the
    # plan offers SBRT (SC.24-selected), fixation, bone agents and endocrine therapy
    pytest.param(case(patient={"goal": "comfort"}, lesions=[spine(), FEMUR]),
                 {"rt.spine-conventional", "rt.uncomplicated"}, id="breast-spine-femur"),
    # radioresistant kidney primary: NOMS would route the painful spine to SBRT
    pytest.param(case(patient={"goal": "comfort"}, cancer={"primary": "kidney"},
                      lesions=[spine()]), {"rt.spine-conventional"}, id="kidney-spine"),
    # prostate CRPC: radium, lutetium, samarium and strontium are disease-directed
    pytest.param(prostate_crpc(goal="comfort"), {"rt.spine-conventional", "rt.uncomplicated"},
                 id="prostate-crpc"),
]


@pytest.mark.parametrize(("doc", "conventional"), COMFORT_CASES)
def test_comfort_goal_keeps_symptom_control_only(doc: dict[str, Any],
                                                 conventional: set[str]) -> None:
    out = run(doc)
    for r in live(out):
        assert r["modality"] not in COMFORT_EXCLUDED, r["id"]
        assert r["details"].get("technique") != "sbrt", r["id"]
        assert "after" not in r["details"], r["id"]
    for rec_id in conventional:
        for r in recs(out, rec_id):
            assert r["strength"] == "recommended"
            assert r["details"]["preferred"] == {"dose_gy": 8, "fractions": 1}
    assert "supportive.analgesia" in live_ids(out)
    gone = [x for x in out["removed"] if x["modality"] in COMFORT_EXCLUDED]
    assert gone, "the options outside a comfort goal are listed as removed"
    for x in gone:
        assert "comfort" in x["reason"] and x["declined"] is False


def test_comfort_goal_still_treats_severe_hypercalcaemia() -> None:
    # corrected calcium 13.5 + 0.8 x (4 - 4.0) = 13.5 mg/dL, CTCAE grade 3 (> 12.5-13.5 is
    # grade 3; > 13.5 grade 4): symptomatic hypercalcaemia is treated under a comfort goal
    # (decisions.md, "Goal of care": treatment of symptomatic hypercalcaemia is permitted)
    doc = case(patient={"goal": "comfort"},
               labs=[*BASE_LABS[:2], lab("calcium", 13.5, "mg/dL")], lesions=[spine()])
    out = run(doc)
    # the record holds no symptoms: "if it causes distress", one dose, no saline load or urine
    # target, no repeat blood tests
    r = rec(out, "supportive.hypercalcemia")
    assert r["strength"] == "consider" and r["details"]["comfort_only_if_symptomatic"] is True
    assert not any("2 L of urine" in step for step in r["details"]["steps"])


OLIGO = {"total_metastases": 2, "primary_controlled": True}


@pytest.mark.parametrize(("goal", "offered"), [
    # SABR-COMET: controlled primary, 1-5 metastases, ECOG 0-1, life expectancy >= 6 months
    # (Palma 2020): met here (2 metastases, ECOG 1, 18 months), so the SABR is considered...
    pytest.param("life-prolonging", True, id="life-prolonging"),
    # ...but ablative treatment for survival is outside a palliative goal (decisions.md)
    pytest.param("palliative", False, id="palliative"),
    pytest.param("comfort", False, id="comfort"),
])
def test_oligometastatic_sabr_follows_the_goal(goal: str, offered: bool) -> None:
    out = run(case(patient={"goal": goal}, cancer=OLIGO, lesions=[spine()]))
    assert bool(recs(out, "rt.oligometastatic-sabr")) is offered


# ---- refusals -----------------------------------------------------------------------------------

# `declines` removes the family everywhere (chemotherapy: the chemotherapy category of systemic
# therapy; sbrt: stereotactic radiotherapy); what is removed is listed under `removed` with
# declined=true, a problem whose every option was declined has status `declined`, and
# alternatives are offered where they exist (decisions.md, "Refusals and surgical candidacy";
# issue 12, A).

#: prostate CRPC with an impending femoral fracture and an oligometastatic count: every family
#: has something to offer
def everything(*declines: str) -> dict[str, Any]:
    doc = prostate_crpc(declines=list(declines))
    doc["lesions"].append(FEMUR)
    return doc


def _is_chemo(r: dict[str, Any]) -> bool:
    return bool(r["details"].get("category") == "chemotherapy")


def _is_sbrt(r: dict[str, Any]) -> bool:
    return bool(r["details"].get("technique") == "sbrt")


DECLINE_CASES = [
    pytest.param("radiotherapy", lambda r: r["modality"] == "radiotherapy", id="radiotherapy"),
    pytest.param("surgery", lambda r: r["modality"] == "surgery", id="surgery"),
    pytest.param("bone-modifying-agent", lambda r: r["modality"] == "bone-modifying-agent",
                 id="bone-modifying-agent"),
    pytest.param("radiopharmaceutical", lambda r: r["modality"] == "radiopharmaceutical",
                 id="radiopharmaceutical"),
    pytest.param("systemic-therapy", lambda r: r["modality"] == "systemic-therapy",
                 id="systemic-therapy"),
    pytest.param("chemotherapy", _is_chemo, id="chemotherapy"),
    pytest.param("sbrt", _is_sbrt, id="sbrt"),
]


@pytest.mark.parametrize(("family", "covers"), DECLINE_CASES)
def test_a_declined_family_is_never_recommended(family: str,
                                                covers: Callable[[dict[str, Any]], bool]
                                                ) -> None:
    # the same case without the refusal offers something of the family (so the test can fail)
    before = run(everything())
    assert any(covers(r) for r in live(before)), family
    out = run(everything(family))
    assert not any(covers(r) for r in out["recommendations"]), family
    gone = [x for x in out["removed"] if x["declined"]]
    assert gone, family
    for x in gone:
        assert x["reason"] == "declined by the patient"
    assert family in out["patient_state"]["declines"]


def test_a_problem_whose_every_option_was_declined_says_so() -> None:
    # bone health: zoledronic acid, denosumab and pamidronate are its only options; all three
    # are declined, so the problem is "declined", not "no deliverable option"
    out = run(case(patient={"declines": ["bone-modifying-agent"]}, lesions=[spine()]))
    p = problem(out, "bone-health")
    assert p["status"] == "declined"
    assert p["options"] == []
    assert {x["id"] for x in p["removed"]} >= {"bma.zoledronic-acid", "bma.denosumab"}
    assert all(x["declined"] for x in p["removed"])
    assert p["note"] and "Declined by the patient" in p["note"]


def test_declining_radiotherapy_offers_ablation_instead() -> None:
    # painful T8 (6/10) and femur: the patient declines radiotherapy. Thermal ablation is
    # considered for a painful metastasis (worst pain >= 4) in a patient who declines
    # radiotherapy (Dupuy 2010; Callstrom 2013), and MR-guided focused ultrasound outside the
    # spine and skull (Hurwitz 2014: approved for patients who decline radiotherapy)
    out = run(case(patient={"declines": ["radiotherapy"]},
                   lesions=[spine(), {**FEMUR, "worst_pain": 6}]))
    assert not any(r["modality"] == "radiotherapy" for r in out["recommendations"])
    assert rec(out, "ir.ablation", "S")["strength"] == "consider"
    assert rec(out, "ir.ablation", "F")["strength"] == "consider"
    assert rec(out, "ir.mrgfus", "F")["strength"] == "consider"
    assert not recs(out, "ir.mrgfus", "S")
    # the spinal problem is not "declined": ablation is a live alternative
    p = problem(out, "pain:S")
    assert p["status"] == "active"
    assert [o["recommendation"] for o in p["options"]] == ["ir.ablation"]
    assert any(x["id"] == "rt.spine-conventional" and x["declined"] for x in p["removed"])


def test_declining_radiotherapy_and_surgery_for_cord_compression_says_declined() -> None:
    # cord compression at T8 (ESCC 3, myelopathy, breast): conventional radiotherapy is the
    # emergency option and decompression is considered (Patchell 2005; ASTRO 2024). Both are
    # declined: the compression problem must say "declined", never offer either, and keep
    # dexamethasone (NICE NG234) which the patient did not decline
    doc = case(patient={"declines": ["radiotherapy", "surgery"]},
               lesions=[spine(escc="3", neurological_deficit="myelopathy")])
    out = run(doc)
    assert not {r["modality"] for r in out["recommendations"]} & {"radiotherapy", "surgery"}
    assert rec(out, "supportive.dexamethasone", "S")["strength"] == "recommended"
    p = problem(out, "cord-compression:S")
    assert any(x["id"] == "rt.mescc-conventional" and x["declined"] for x in p["removed"])


# ---- performance status -------------------------------------------------------------------------

# ECOG 3-4: systemic therapy and radiopharmaceuticals not recommended, best supportive care
# named. ALSYMPCA and VISION enrolled ECOG 0-2; ASCO's top-five list (Schnipper 2012, item 1)
# advises against cancer-directed therapy for solid tumours at performance status 3-4
# (decisions.md, "Performance status"). Karnofsky 40 agrees with ECOG 3 (Oken 1982 conversion).
@pytest.mark.parametrize("ecog", [pytest.param(3, id="ecog-3"), pytest.param(4, id="ecog-4")])
def test_poor_performance_status_gates_systemic_and_radiopharmaceuticals(ecog: int) -> None:
    fit = run(prostate_crpc(ecog=1))
    assert {"rp.radium-223", "rp.lutetium-177-psma", "rp.samarium-153"} <= live_ids(fit)
    out = run(prostate_crpc(ecog=ecog, karnofsky=40 if ecog == 3 else 20))
    assert rec(out, "systemic.not-indicated")["strength"] == "not-recommended"
    # nothing new is started; castration is kept (ESMO 2020 prostate)
    assert {r["id"] for r in live(out) if r["modality"] in (
        "systemic-therapy", "radiopharmaceutical")} == {"systemic.continue-adt"}
    for rp_id in ("rp.radium-223", "rp.lutetium-177-psma", "rp.samarium-153",
                  "rp.strontium-89"):
        r = rec(out, rp_id)
        assert r["strength"] == "not-recommended"
        assert f"ECOG {ecog}" in r["rationale"]
    assert "supportive care" in rec(out, "systemic.not-indicated")["rationale"].lower()


# ---- age ----------------------------------------------------------------------------------------

DOSE_FIELDS = ("dose_mg", "activity_mbq", "activity_per_kg", "regimens", "preferred")


MINOR_CASES = [
    # sarcoma, painful T8 and an impending femoral fracture: SBRT (NOMS, radioresistant),
    # conventional radiotherapy after fixation and bone agents all carry adult doses
    pytest.param(case(patient={"age_years": 15, "weight_kg": 55, "pregnant": False},
                      cancer={"primary": "sarcoma", "hormone_receptor_positive": None,
                              "her2_positive": None},
                      lesions=[spine(), FEMUR]), id="sarcoma-spine-femur"),
    # cord compression with myelopathy and corrected calcium 13.5 mg/dL: dexamethasone 16 mg,
    # the emergency radiotherapy regimens and the hypercalcaemia agent dose are adult doses
    pytest.param(case(patient={"age_years": 15, "weight_kg": 55, "sex": "male"},
                      cancer={"primary": "lymphoma", "hormone_receptor_positive": None,
                              "her2_positive": None},
                      labs=[*BASE_LABS[:2], lab("calcium", 13.5, "mg/dL")],
                      lesions=[spine(escc="3", neurological_deficit="myelopathy")]),
                 id="lymphoma-compression-hypercalcaemia"),
]


@pytest.mark.parametrize("doc", MINOR_CASES)
def test_a_minor_gets_a_warning_and_no_adult_dose_as_a_recommendation(
        doc: dict[str, Any]) -> None:
    # aged 15 (< 18): the rules, regimens and doses come from adult trials and labels (Zometa,
    # Xgeva, SC.24); a warning says so and no option with an adult dose stays "recommended"
    # (decisions.md, "Age and pregnancy")
    out = run(doc)
    assert "minor" in alert_ids(out)
    assert next(a for a in out["alerts"] if a["id"] == "minor")["severity"] == "warning"
    assert out["patient_state"]["minor"] is True
    withheld = [r for r in out["recommendations"] if r["details"].get("adult_dose_withheld")]
    assert withheld, "an option that carried an adult dose is shown with the dose withheld"
    for r in out["recommendations"]:
        if r["strength"] == "recommended":
            assert not any(f in r["details"] for f in DOSE_FIELDS), r["id"]
    for r in withheld:
        assert not any(f in r["details"] for f in DOSE_FIELDS), r["id"]
        assert "under 18" in r["rationale"]


def test_an_adult_keeps_the_doses() -> None:
    out = run(case(patient={"age_years": 18}, lesions=[spine()]))
    assert "minor" not in alert_ids(out)
    assert rec(out, "bma.zoledronic-acid")["details"]["dose_mg"] == 4.0


# ---- pregnancy ----------------------------------------------------------------------------------

# Known pregnancy removes radiopharmaceuticals and bone-modifying agents (fetal harm in their
# labels: Xofigo, Quadramet, Metastron, Pluvicto, Xgeva, Zometa) with a warning; unknown status
# in a woman aged 12-55 is asked for (decisions.md, "Age and pregnancy").
def test_pregnancy_removes_radiopharmaceuticals_and_bone_agents() -> None:
    doc = case(patient={"age_years": 34, "pregnant": True}, lesions=[spine()])
    out = run(doc)
    assert "pregnancy" in alert_ids(out)
    assert not any(r["modality"] in ("radiopharmaceutical", "bone-modifying-agent")
                   for r in out["recommendations"])
    gone = removed(out, "bma.zoledronic-acid") + removed(out, "bma.denosumab")
    assert len(gone) == 2
    assert all("pregnancy" in x["reason"] and not x["declined"] for x in gone)
    assert out["patient_state"]["pregnant"] is True


@pytest.mark.parametrize(("patient", "asked"), [
    # a 40-year-old woman with unknown status: asked for
    pytest.param({"age_years": 40, "sex": "female"}, True, id="woman-40-unknown"),
    # known not pregnant: not asked, bone agents stay
    pytest.param({"age_years": 40, "sex": "female", "pregnant": False}, False,
                 id="woman-40-not-pregnant"),
    # a woman of 60 (outside 12-55): not asked
    pytest.param({"age_years": 60, "sex": "female"}, False, id="woman-60"),
    # a man: not asked
    pytest.param({"age_years": 40, "sex": "male"}, False, id="man-40"),
])
def test_unknown_pregnancy_is_asked_for_in_a_woman_of_childbearing_age(
        patient: dict[str, Any], asked: bool) -> None:
    out = run(case(patient=patient, lesions=[spine()]))
    asked_for = any("patient.pregnant" in n["missing"] for n in out["needs_data"])
    assert asked_for is asked
    assert "pregnancy" not in alert_ids(out)


def test_unknown_pregnancy_does_not_leave_a_bone_agent_recommended_unconditionally() -> None:
    # the same woman with pregnant=true gets no bone agent (Xgeva, Zometa labels: fetal harm);
    # while the status is unknown the start is at most conditional on excluding pregnancy
    known = run(case(patient={"age_years": 40, "pregnant": True}, lesions=[spine()]))
    assert not [r for r in known["recommendations"] if r["modality"] == "bone-modifying-agent"]
    out = run(case(patient={"age_years": 40}, lesions=[spine()]))
    for r in live(out):
        if r["modality"] in ("bone-modifying-agent", "radiopharmaceutical"):
            assert r["strength"] != "recommended" or "pregnan" in r["rationale"].lower(), r["id"]


# ---- surgical candidacy -------------------------------------------------------------------------

# Not a surgical candidate: no surgical consultation, no "after surgery" option anywhere; cord
# compression gets conventional radiotherapy as the emergency option (decisions.md, "Refusals
# and surgical candidacy"; Patchell 2005 required fitness for surgery; ASTRO 2024 regimens).
UNFIT_CASES = [
    # radioresistant kidney, ESCC 3 with myelopathy at T8: NOMS would separate then SBRT
    pytest.param(case(patient={"surgical_candidate": False}, cancer={"primary": "kidney"},
                      lesions=[spine(escc="3", neurological_deficit="myelopathy")]),
                 "S", id="kidney-cord-compression"),
    # breast, ESCC 2 with radiculopathy on an unstable segment: SINS 1 (T8, rigid) + 3
    # (mechanical pain) + 2 (lytic) + 4 (subluxation) + 3 (collapse > 50 %) + 3 (bilateral
    # posterolateral) = 16 (Fisher 2010), plus an impending femoral fracture
    pytest.param(case(patient={"surgical_candidate": False},
                      lesions=[spine(escc="2", neurological_deficit="radiculopathy",
                                     alignment="subluxation", collapse="over-50",
                                     posterolateral="bilateral"), FEMUR]),
                 "S", id="breast-compression-unstable-femur"),
]


@pytest.mark.parametrize(("doc", "lesion"), UNFIT_CASES)
def test_not_a_surgical_candidate(doc: dict[str, Any], lesion: str) -> None:
    out = run(doc)
    assert not any(r["modality"] == "surgery" for r in live(out))
    assert not recs(out, "surgery.spinal-consultation")
    for r in out["recommendations"]:
        assert "after" not in r["details"], r["id"]
    assert not recs(out, "rt.post-separation-sbrt")
    mescc = rec(out, "rt.mescc-conventional", lesion)
    assert (mescc["strength"], mescc["urgency"]) == ("recommended", "emergency")
    assert {"dose_gy": 8, "fractions": 1} in mescc["details"]["regimens"]
    assert out["patient_state"]["surgery_possible"] is False


# ---- marrow and renal reserve -------------------------------------------------------------------

def test_unknown_white_cells_are_needs_data_for_samarium_and_strontium() -> None:
    # the strontium label's caution limits (platelets < 60, white cells < 2.4 x 10^9/L), also
    # used for samarium (decisions.md, "Radiopharmaceutical eligibility"): an unmeasured count
    # is needs data, never normal
    out = run(with_labs(prostate_crpc(), {"analyte": "wbc", "value": None}))
    assert not recs(out, "rp.samarium-153") and not recs(out, "rp.strontium-89")
    assert "labs.wbc" in needs(out, "rp.samarium-strontium")


@pytest.mark.parametrize(("labs", "agent", "words"), [
    # radium-223 first dose needs platelets >= 100 x 10^9/L (Xofigo label): 80 fails
    pytest.param([lab("platelets", 80, "10*9/L")], "rp.radium-223", "platelets 80",
                 id="radium-platelets-80"),
    # lutetium-177 PSMA: CrCl < 30 mL/min not studied (Pluvicto label). Creatinine 2.6 mg/dL,
    # male 60 y, 70 kg: Cockcroft-Gault (140-60) x 70 / (72 x 2.6) = 29.9 mL/min
    pytest.param([lab("creatinine", 2.6, "mg/dL")], "rp.lutetium-177-psma",
                 "creatinine clearance", id="lutetium-crcl-30"),
    # Cockcroft-Gault (140-60) x 70 / (72 x 3.1) = 25.1 mL/min
    pytest.param([lab("creatinine", 3.1, "mg/dL")], "rp.lutetium-177-psma",
                 "creatinine clearance 25", id="lutetium-crcl-25"),
    # samarium/strontium with white cells 2.0 < 2.4 (strontium label caution)
    pytest.param([lab("wbc", 2.0, "10*9/L")], "rp.samarium-153", "white cells 2",
                 id="samarium-wbc-2"),
])
def test_marrow_and_renal_limits(labs: list[dict[str, Any]], agent: str, words: str) -> None:
    assert agent in live_ids(run(prostate_crpc()))
    out = run(with_labs(prostate_crpc(), *labs))
    r = rec(out, agent)
    assert r["strength"] == "not-recommended"
    assert words in r["rationale"]


def test_old_creatinine_gives_no_zoledronic_dose() -> None:
    # creatinine 200 days old (> 30 days, the work-up's maximum age): the zoledronic-acid dose
    # rests on the creatinine clearance (Zometa label dose table), so no dose is given and a
    # current creatinine is asked for (decisions.md, "Laboratory age")
    doc = with_labs(case(lesions=[spine()]), lab("creatinine", 0.9, "mg/dL", "2026-05-04"))
    out = run(doc)
    for r in recs(out, "bma.zoledronic-acid"):
        assert r["strength"] != "recommended" or "dose_mg" not in r["details"]
        assert r["details"].get("dose_mg") is None
    wanted = [m for n in out["needs_data"] for m in n["missing"]]
    assert "labs.creatinine" in wanted
    assert "creatinine" in out["patient_state"]["stale_labs"]
    assert any(i["id"] == "lab-creatinine" for i in out["workup"]["items"])


def test_old_creatinine_holds_every_bisphosphonate() -> None:
    # pamidronate label: not in severe renal impairment, creatinine before every dose; the
    # renal check needs a current creatinine exactly as zoledronic acid's does
    doc = with_labs(case(lesions=[spine()]), lab("creatinine", 0.9, "mg/dL", "2026-05-04"))
    out = run(doc)
    for r in live(out):
        if r["id"] in ("bma.zoledronic-acid", "bma.pamidronate"):
            raise AssertionError(f"{r['id']} offered on a creatinine 200 days old: {r['details']}")


# ---- calcium ------------------------------------------------------------------------------------

def _alert(out: Out, alert_id: str) -> dict[str, Any]:
    found = [a for a in out["alerts"] if a["id"] == alert_id]
    assert len(found) == 1, (alert_id, sorted(alert_ids(out)))
    return dict(found[0])


def test_total_calcium_without_albumin_is_at_least_grade_3() -> None:
    # 14.6 mg/dL without albumin: corrected = 14.6 + 0.8 x (4 - albumin); over the plausible
    # albumin range 1.0-5.5 g/dL it lies between 14.6 - 1.2 = 13.4 and 14.6 + 2.4 = 17.0 mg/dL,
    # so CTCAE v5.0 grade 3 at least (> 12.5) and possibly grade 4 (> 13.5); the alert gives
    # the span and is graded by the worst plausible grade, and the treatment is an emergency
    # (decisions.md, "Calcium and bone-modifying agents after the second board review")
    doc = with_labs(case(lesions=[spine()]), {"analyte": "albumin", "value": None},
                    lab("calcium", 14.6, "mg/dL"))
    out = run(doc)
    a = _alert(out, "hypercalcemia")
    assert a["severity"] == "critical"
    assert "grade 3-4" in a["message"] and "treated as grade 4" in a["message"]
    r = rec(out, "supportive.hypercalcemia")
    assert (r["strength"], r["urgency"]) == ("recommended", "emergency")
    albumin = [i for i in out["workup"]["items"] if i["id"] == "lab-albumin"]
    assert albumin and albumin[0]["urgency"] == "emergency"


def test_ionised_calcium_is_graded_directly() -> None:
    # ionised calcium 1.95 mmol/L > 1.8: CTCAE v5.0 grade 4 by the ionised limits; no albumin
    # is needed (decisions.md, "Calcium without albumin, and ionised calcium")
    doc = with_labs(case(lesions=[spine()]), {"analyte": "albumin", "value": None},
                    {"analyte": "calcium", "value": None},
                    lab("ionized-calcium", 1.95, "mmol/L"))
    out = run(doc)
    assert _alert(out, "hypercalcemia")["severity"] == "critical"
    r = rec(out, "supportive.hypercalcemia")
    assert (r["strength"], r["urgency"]) == ("recommended", "emergency")


def test_hypercalcaemia_in_renal_failure_uses_denosumab_and_no_calcium_supplements() -> None:
    # corrected calcium 13.0 mg/dL (albumin 4.0), grade 3. Creatinine 3.3 mg/dL, woman 60 y,
    # 70 kg: Cockcroft-Gault (140-60) x 70 x 0.85 / (72 x 3.3) = 20.0 mL/min < 30: the
    # bisphosphonate labels give no safe dose, so the structured agent is denosumab (Endocrine
    # Society 2023; Xgeva), and no calcium or vitamin D supplement is given during
    # hypercalcaemia (decisions.md, "Problems and their order")
    doc = with_labs(case(lesions=[spine()]), lab("creatinine", 3.3, "mg/dL"),
                    lab("calcium", 13.0, "mg/dL"))
    out = run(doc)
    assert out["patient_state"]["crcl_ml_min"] == pytest.approx(20.0, abs=0.1)
    r = rec(out, "supportive.hypercalcemia")
    assert r["details"]["agent"] == "denosumab"
    assert r["details"]["dose_mg"] == 120.0
    for b in out["recommendations"]:
        if b["modality"] == "bone-modifying-agent" and "supplements" in b["details"]:
            assert b["details"]["supplements"].startswith("none while calcium is raised"), \
                b["id"]
    assert not recs(out, "bma.zoledronic-acid") or \
        rec(out, "bma.zoledronic-acid")["strength"] == "not-recommended"


# ---- dental work before a bone-modifying agent --------------------------------------------------

def test_planned_dental_procedure_defers_a_bone_agent_start() -> None:
    # an invasive dental procedure is planned: a new zoledronic-acid or denosumab start waits
    # until it is done and the mouth has healed (ASCO 2011; Xgeva label: osteonecrosis of the
    # jaw); the bone-health problem puts the dental step first
    doc = case(patient={"dental": {"last_exam": "2026-10-01",
                                   "invasive_procedure_planned": True}},
               lesions=[spine()])
    out = run(doc)
    for rid in ("bma.zoledronic-acid", "bma.denosumab"):
        r = rec(out, rid)
        assert r["details"]["dental_examination_first"] is True
        assert "heal" in r["rationale"]
    seq = problem(out, "bone-health")["sequence"]
    firsts = [s for s in seq if s["first"] == "dental-examination"]
    assert {s["then"] for s in firsts} >= {"bma.zoledronic-acid", "bma.denosumab"}


def test_planned_dental_procedure_is_stated_for_every_bone_agent_start() -> None:
    # the same deferral applies to every bisphosphonate start (pamidronate label: osteonecrosis
    # of the jaw; ASCO 2011)
    doc = case(patient={"dental": {"last_exam": "2026-10-01",
                                   "invasive_procedure_planned": True}},
               lesions=[spine()])
    out = run(doc)
    starts = [r for r in live(out) if r["modality"] == "bone-modifying-agent"]
    assert {r["id"] for r in starts} >= {"bma.zoledronic-acid", "bma.pamidronate"}
    for r in starts:
        assert "heal" in r["rationale"], r["id"]


def test_dialysis_holds_bisphosphonate_starts() -> None:
    # on dialysis, a serum creatinine of 0.9 mg/dL (drawn after dialysis) gives a meaningless
    # clearance; the Zometa label does not recommend zoledronic acid in severe renal impairment
    # and the pamidronate label likewise (decisions.md, "Problems and their order": with
    # dialysis the agent is denosumab, "the bisphosphonate labels give no safe dose")
    out = run(case(patient={"dialysis": True}, lesions=[spine()]))
    offered = [r["id"] for r in live(out)
               if r["id"] in ("bma.zoledronic-acid", "bma.pamidronate")]
    assert offered == []


def test_pregnancy_is_named_by_any_systemic_option() -> None:
    # hormone-receptor-positive breast cancer in a pregnant woman of 34 (letrozole/anastrozole
    # labels: contraindicated in pregnancy; tamoxifen: fetal harm; palbociclib, ribociclib,
    # abemaciclib: embryo-fetal toxicity)
    out = run(case(patient={"age_years": 34, "pregnant": True}, lesions=[spine()]))
    for r in live(out):
        if r["modality"] == "systemic-therapy":
            assert "pregnan" in r["rationale"].lower(), r["id"]


# ---- expected survival and radiopharmaceutical eligibility ---------------------------------

#: NSCLC, 70 years, ECOG 3 / Karnofsky 40, untreatable liver metastases, two prior lines of
#: chemotherapy, two admissions in 3 months: TEACHH group C (median 1.7 months, Krishnan 2014)
#: and Chow group III (non-breast primary, metastases beyond bone, KPS <= 60: 2.3 months)
POOR_SCORES: dict[str, Any] = {
    "patient": {"age_years": 70, "ecog": 3, "karnofsky": 40, "sex": "male",
                "hospitalizations_past_3_months": 2},
    "cancer": {"primary": "lung-nsclc", "hormone_receptor_positive": None,
               "her2_positive": None, "visceral_metastases": "untreatable",
               "visceral_sites": ["liver"], "prior_chemotherapy_lines": 2,
               "targeted_therapy": False}}


def test_discordant_estimate_and_scores_are_stated() -> None:
    # the clinician's 18 months (long) against two complete scores in the short class: the
    # estimate is used and an alert names both scores (decisions.md, "Expected survival":
    # never a silent preference); a year or more against weeks is a warning, not a note
    out = run(case(patient={**POOR_SCORES["patient"], "estimated_survival_months": 18},
                   cancer=POOR_SCORES["cancer"], lesions=[spine()]))
    sv = out["patient_state"]["expected_survival"]
    assert (sv["class"], sv["source"]) == ("long", "clinician")
    alert = next(a for a in out["alerts"] if a["id"] == "survival-discordance")
    assert alert["severity"] == "warning"
    # 6 months (intermediate) against the same scores: one band apart, an information note
    near = run(case(patient={**POOR_SCORES["patient"], "estimated_survival_months": 6},
                    cancer=POOR_SCORES["cancer"], lesions=[spine()]))
    assert next(a for a in near["alerts"]
                if a["id"] == "survival-discordance")["severity"] == "info"
    assert "TEACHH group C" in alert["message"] and "Chow group III" in alert["message"]


def test_without_an_estimate_the_scores_set_a_short_class() -> None:
    # no estimate: TEACHH C and Chow III put the patient in the short class (< 3 months), so no
    # SBRT (SC.24, ASTRO 2017) and 8 Gy x 1 is preferred; no discordance between the scores
    out = run(case(patient={**POOR_SCORES["patient"], "estimated_survival_months": None},
                   cancer=POOR_SCORES["cancer"], lesions=[spine()]))
    sv = out["patient_state"]["expected_survival"]
    assert (sv["class"], sv["source"], sv["discordance"]) == ("short", "scores", None)
    assert "survival-discordance" not in alert_ids(out)
    assert not [r for r in out["recommendations"] if r["details"].get("technique") == "sbrt"]
    assert rec(out, "rt.spine-conventional")["details"]["preferred"] == {"dose_gy": 8,
                                                                         "fractions": 1}


@pytest.mark.parametrize(("change", "agent", "live_after"), [
    # ALSYMPCA and VISION required an expected survival of at least 6 months: 4 months fails
    pytest.param({"estimated_survival_months": 4}, "rp.radium-223", False,
                 id="radium-survival-4"),
    pytest.param({"estimated_survival_months": 4}, "rp.lutetium-177-psma", False,
                 id="lutetium-survival-4"),
    # samarium/strontium: survival >= 3 months (project: relief takes 1-3 weeks, the nadir
    # 3-16 weeks), so 4 months still allows them
    pytest.param({"estimated_survival_months": 4}, "rp.samarium-153", True,
                 id="samarium-survival-4"),
    # 2 months is under the 3-month limit for samarium and strontium
    pytest.param({"estimated_survival_months": 2}, "rp.samarium-153", False,
                 id="samarium-survival-2"),
])
def test_radiopharmaceutical_survival_limits(change: dict[str, Any], agent: str,
                                             live_after: bool) -> None:
    assert agent in live_ids(run(prostate_crpc()))
    out = run(prostate_crpc(**change))
    assert (agent in live_ids(out)) is live_after


def test_visceral_metastases_exclude_radium_only() -> None:
    # liver metastases: radium-223 not recommended (ALSYMPCA excluded visceral metastases;
    # Xofigo label), lutetium-177 PSMA still considered (VISION allowed them)
    doc = prostate_crpc()
    doc["cancer"].update(visceral_metastases="treatable", visceral_sites=["liver"])
    out = run(doc)
    assert rec(out, "rp.radium-223")["strength"] == "not-recommended"
    assert "visceral" in rec(out, "rp.radium-223")["rationale"]
    assert rec(out, "rp.lutetium-177-psma")["strength"] == "consider"


def test_lytic_painful_lesions_take_no_samarium_or_strontium() -> None:
    # samarium-153 and strontium-89 are taken up by osteoblastic lesions only (labels): two
    # painful lytic sites are not an indication (issue 12, 5)
    doc = prostate_crpc()
    for lesion in doc["lesions"]:
        lesion["appearance"] = "lytic"
    out = run(doc)
    assert not recs(out, "rp.samarium-153") and not recs(out, "rp.strontium-89")


# ---- exclusions that reach every family ---------------------------------------------------

HYPERCALCAEMIA_LABS = [lab("creatinine", 0.9, "mg/dL"), lab("albumin", 4.0, "g/dL"),
                       lab("calcium", 13.5, "mg/dL")]


def test_pregnancy_excludes_bone_agents_in_the_hypercalcaemia_treatment_too() -> None:
    # corrected calcium 13.5 mg/dL (albumin 4.0): grade 3, treated today; pregnant, 32 years.
    # Hydration and stopping calcium stay; a bisphosphonate or denosumab is not the structured
    # agent (decisions.md, "Age and pregnancy": fetal harm in their labels)
    out = run(case(patient={"age_years": 32, "pregnant": True}, labs=HYPERCALCAEMIA_LABS,
                   lesions=[spine()]))
    for r in live(out):
        if r["id"] == "supportive.hypercalcemia":
            assert r["details"].get("agent") not in ("zoledronic-acid", "pamidronate",
                                                     "denosumab"), r["details"]
            assert "pregnan" in r["rationale"].lower()


DOSE_WORDS = re.compile(r"\b\d+(?:\.\d+)?\s?(?:mg|Gy|MBq|GBq|kBq)\b(?!/dL)")


def test_a_withheld_adult_dose_is_not_stated_elsewhere_in_the_option() -> None:
    # aged 15, cord compression with myelopathy and corrected calcium 13.5 mg/dL: every option
    # whose dose is withheld (decisions.md, "Age and pregnancy") must not carry it in its title
    # or in other structured fields either
    out = run(case(patient={"age_years": 15, "weight_kg": 55, "sex": "male"},
                   labs=HYPERCALCAEMIA_LABS,
                   lesions=[spine(escc="3", neurological_deficit="myelopathy")]))
    withheld = [r for r in out["recommendations"] if r["details"].get("adult_dose_withheld")]
    assert withheld
    for r in withheld:
        assert not DOSE_WORDS.search(r["title"]), (r["id"], r["title"])
        assert not DOSE_WORDS.search(str(r["details"])), (r["id"], r["details"])


def test_a_declined_oligometastatic_sabr_is_recorded() -> None:
    # controlled primary, 2 metastases, ECOG 1, 18 months, goal life-prolonging: SABR-COMET
    # (Palma 2020) applies; the patient declines SBRT, and the refusal is shown (decisions.md,
    # "Refusals and surgical candidacy")
    doc = case(patient={"goal": "life-prolonging", "declines": ["sbrt"]}, cancer=OLIGO,
               lesions=[spine()])
    out = run(doc)
    assert not recs(out, "rt.oligometastatic-sabr")
    gone = removed(out, "rt.oligometastatic-sabr")
    assert gone and gone[0]["declined"] is True


def test_radium_later_doses_use_the_later_count_limits() -> None:
    # platelets 80 x 10^9/L: below the first-dose limit (100) but at or above the limit for
    # later doses (50; Xofigo label). Two doses already given: radium-223 stays considered
    doc = with_labs(prostate_crpc(), lab("platelets", 80, "10*9/L"))
    doc["medications"].append({"drug": "radium-223", "status": "active", "doses_given": 2})
    assert rec(run(doc), "rp.radium-223")["strength"] == "consider"


def test_a_stale_raised_calcium_is_rechecked_today_in_alert_and_work_up() -> None:
    # total calcium 13.5 mg/dL dated 2026-09-01 (80 days old, over the 14-day limit): not
    # graded, recheck today (decisions.md, "Laboratory age")
    out = run(with_labs(case(lesions=[spine()]), lab("calcium", 13.5, "mg/dL", "2026-09-01")))
    alert = _alert(out, "calcium-out-of-date")
    assert "today" in alert["message"]
    item = next(i for i in out["workup"]["items"] if i["id"] == "lab-calcium")
    assert item["urgency"] == "emergency", item


def test_withheld_adult_doses_leave_sentences_a_person_can_read() -> None:
    out = run(case(patient={"age_years": 15},
                   lesions=[spine(escc="2", neurological_deficit="myelopathy")]))
    dex = rec(out, "supportive.dexamethasone")
    assert dex["title"] == "Dexamethasone (dose for a child set by the paediatric specialist)"
    for r in out["recommendations"]:
        text = r["title"] + " " + r["rationale"]
        assert not re.search(r"\d+(?:\.\d+)? ?(?:mg|GBq|MBq)\b", text), text
        assert "()" not in text and "((" not in text, text


def test_a_comfort_goal_that_the_record_contradicts_is_put_to_the_board() -> None:
    out = run(case(patient={"goal": "comfort", "ecog": 0, "karnofsky": 90,
                            "estimated_survival_months": 30}, lesions=[spine()]))
    alert = next(a for a in out["alerts"] if a["id"] == "goal-discordance")
    assert "ECOG 0" in alert["message"] and "confirm the goal" in alert["message"]
    # the goal still governs the plan until it is changed
    assert not [r for r in out["recommendations"] if r["modality"] == "systemic-therapy"]
    frail = run(case(patient={"goal": "comfort", "ecog": 4, "karnofsky": 20,
                              "estimated_survival_months": 1}, lesions=[spine()]))
    assert "goal-discordance" not in alert_ids(frail)
