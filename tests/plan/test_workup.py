"""The work-up planner: what is ordered, how urgently, what it unlocks, and what is not ordered
because the case already has it (recent enough)."""

from __future__ import annotations

from typing import Any

import pytest

from osseous.core.errors import InvalidInput
from osseous.knowledge.citations import CITATIONS
from osseous.plan.workup import DENTAL_MAX_AGE_DAYS, MAX_AGE_DAYS, WORKUP_FORMAT
from tests.conftest import make_case
from tests.plan.helpers import NORMAL_LABS, case, run, spine


def items(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = run(doc)
    assert out["workup"]["format"] == WORKUP_FORMAT
    return {i["id"]: i for i in out["workup"]["items"]}


FULL_LABS = [*NORMAL_LABS, *({"analyte": a, "value": v, "unit": u, "date": "2026-11-18"}
                             for a, v, u in (("crp", 2.0, "mg/L"), ("ldh", 180, "U/L"),
                                             ("platelets", 250, "10*9/L"),
                                             ("hemoglobin", 13.0, "g/dL"),
                                             ("bilirubin", 0.6, "mg/dL")))]


def test_complete_case_orders_nothing() -> None:
    doc = case(labs=FULL_LABS, lesions=[spine()],
               cancer={"bone_metastases": {"spinal": 1, "extraspinal": 0}})
    assert items(doc) == {}


def test_deficit_without_mri_grade_is_an_emergency_mri() -> None:
    got = items(case(lesions=[spine(escc=None, neurological_deficit="myelopathy")]))
    mri = got["mri-spine"]
    assert mri["urgency"] == "emergency"
    assert mri["kind"] == "imaging"
    assert "escc" in mri["unlocks"]
    assert mri["lesions"] == ["S"]
    assert "nice-ng234-2023" in mri["references"]


def test_missing_escc_without_deficit_is_urgent_mri() -> None:
    got = items(case(lesions=[spine(escc=None)]))
    assert got["mri-spine"]["urgency"] == "urgent"
    assert "neurological-examination" not in got


def test_unknown_neurology_is_examined_not_assumed_normal() -> None:
    got = items(case(lesions=[spine(escc=None, neurological_deficit=None)]))
    assert got["neurological-examination"]["urgency"] == "urgent"
    assert "mri-spine" in got  # an unknown deficit with no ESCC grade


def test_sins_imaging_gaps_ask_for_ct_naming_the_fields() -> None:
    got = items(case(lesions=[spine(alignment=None, collapse=None)]))
    ct = got["ct-spine-S"]
    assert ct["kind"] == "imaging"
    assert "alignment" in ct["reason"] and "collapse" in ct["reason"]
    assert "sins" in ct["unlocks"]


def test_sins_that_could_be_unstable_makes_ct_urgent() -> None:
    # lytic, mechanical pain, junctional: 3 + 3 + 2 = 8 known, up to 6 + 3 + 3 more unknown
    low = items(case(lesions=[spine(levels=["T8"], alignment=None)]))
    high = items(case(lesions=[spine(levels=["T12"], alignment=None, collapse=None,
                                     posterolateral=None)]))
    assert low["ct-spine-S"]["urgency"] == "routine"
    assert high["ct-spine-S"]["urgency"] == "urgent"


def test_painful_long_bone_without_imaging_detail_gets_radiographs() -> None:
    femur = {"id": "F", "site": "femur", "region": None, "appearance": None,
             "size_fraction": None, "pain_severity": "functional", "worst_pain": 7}
    got = items(case(lesions=[femur]))
    xr = got["radiograph-F"]
    assert xr["urgency"] == "urgent"
    assert "mirels" in xr["unlocks"]


def test_missing_labs_are_ordered_with_the_scores_they_unlock() -> None:
    got = items(case(labs=[], lesions=[spine()]))
    assert "corrected-calcium" in got["lab-calcium"]["unlocks"]
    assert "lab-albumin" in got and "lab-creatinine" in got
    assert all(got[k]["kind"] == "laboratory" for k in ("lab-calcium", "lab-albumin"))


def test_recent_labs_are_not_reordered_but_old_ones_are() -> None:
    recent = [dict(lab, date="2026-11-10") for lab in FULL_LABS]
    old = [dict(lab, date="2026-09-01") for lab in FULL_LABS]
    assert not [k for k in items(case(labs=recent)) if k.startswith("lab-")]
    got = items(case(labs=old))
    for analyte in ("calcium", "albumin", "creatinine"):
        assert f"days old (maximum {MAX_AGE_DAYS[analyte]})" in got[f"lab-{analyte}"]["reason"]


def test_calcium_age_limit_is_inclusive() -> None:
    limit = MAX_AGE_DAYS["calcium"]  # reference date 2026-11-20
    from datetime import date, timedelta

    on_limit = (date(2026, 11, 20) - timedelta(days=limit)).isoformat()
    past = (date(2026, 11, 20) - timedelta(days=limit + 1)).isoformat()
    labs = [lab for lab in NORMAL_LABS if lab["analyte"] != "calcium"]
    ok = items(case(labs=[*labs, {"analyte": "calcium", "value": 9.5, "unit": "mg/dL",
                                  "date": on_limit}]))
    stale = items(case(labs=[*labs, {"analyte": "calcium", "value": 9.5, "unit": "mg/dL",
                                     "date": past}]))
    assert "lab-calcium" not in ok
    assert stale["lab-calcium"]["urgency"] == "routine"


def test_stale_raised_calcium_is_rechecked_today() -> None:
    # the out-of-date raised calcium alert says "recheck today": one urgency for one fact
    labs = [lab for lab in NORMAL_LABS if lab["analyte"] != "calcium"]
    got = items(case(labs=[*labs, {"analyte": "calcium", "value": 12.1, "unit": "mg/dL",
                                   "date": "2026-09-01"}]))
    assert got["lab-calcium"]["urgency"] == "emergency"


@pytest.mark.parametrize(("dental", "ordered"), [
    ({"last_exam": "2026-10-01"}, False),
    ({"last_exam": "2025-01-01"}, True),
    (None, True),
])
def test_dental_examination_before_a_bone_modifying_agent(dental: Any, ordered: bool) -> None:
    patient: dict[str, Any] = {"dental": dental}
    meds = [{"drug": "zoledronic-acid", "status": "planned"}]
    got = items(case(patient=patient, medications=meds, lesions=[spine()]))
    assert ("dental-examination" in got) is ordered
    if ordered:
        assert got["dental-examination"]["urgency"] == "urgent"
        if dental:
            assert str(DENTAL_MAX_AGE_DAYS) in got["dental-examination"]["reason"]


def test_missing_performance_status_is_asked() -> None:
    got = items(case(patient={"ecog": None, "karnofsky": None}, lesions=[spine()]))
    ps = got["performance-status"]
    assert ps["kind"] == "assessment"
    assert "tokuhashi-revised" in ps["unlocks"] or "katagiri-new" in ps["unlocks"]


def test_prostate_staging_is_psma_pet() -> None:
    got = items(case(cancer={"primary": "prostate", "bone_metastases": None},
                     lesions=[spine()]))
    assert "psma-pet" in got or "staging" in got
    if "psma-pet" in got:
        assert got["psma-pet"]["investigation"] == "PSMA-PET"


def test_items_are_ordered_by_urgency_and_cite_known_sources() -> None:
    doc = case(labs=[], patient={"ecog": None, "karnofsky": None, "dental": None},
               lesions=[spine(escc=None, neurological_deficit="myelopathy", alignment=None)],
               medications=[{"drug": "denosumab", "status": "active"}])
    out = run(doc)["workup"]["items"]
    order = {"emergency": 0, "urgent": 1, "routine": 2}
    ranks = [order[i["urgency"]] for i in out]
    assert ranks == sorted(ranks)
    assert out[0]["id"] == "mri-spine"
    for i in out:
        assert i["reason"]
        assert all(r in CITATIONS for r in i.get("references", []))


def test_every_unlock_is_something_the_assessment_needed() -> None:
    doc = case(labs=[], patient={"ecog": None}, lesions=[spine(escc=None, alignment=None)])
    out = run(doc)
    needed = {n["for"] for n in out["needs_data"]}
    extra = {"escc", "sins", "mirels", "alert.dental-before-bma", "bma.agents"}
    for i in out["workup"]["items"]:
        assert set(i["unlocks"]) <= needed | extra, i


def test_malformed_lab_date_is_an_error_naming_the_field() -> None:
    bad = [dict(NORMAL_LABS[0], date="2026-13-45")]
    with pytest.raises(InvalidInput) as exc:
        make_case(case(labs=bad))
    assert any("labs[0].date" in str(p) for p in exc.value.problems)


def test_an_agent_with_unknown_status_is_treated_as_running() -> None:
    got = items(case(patient={"dental": None}, lesions=[spine()],
                     medications=[{"drug": "zoledronic-acid"}]))
    assert got["dental-examination"]["urgency"] == "urgent"


def _prostate(**patient: Any) -> dict[str, Any]:
    labs = [*NORMAL_LABS, {"analyte": "anc", "value": 2.0, "unit": "10*9/L", "date": "2026-11-18"},
            {"analyte": "platelets", "value": 180, "unit": "10*9/L", "date": "2026-11-18"},
            {"analyte": "hemoglobin", "value": 11.5, "unit": "g/dL", "date": "2026-11-18"}]
    return case(patient={"sex": "male", **patient},
                cancer={"primary": "prostate", "castration_resistant": True,
                        "hormone_receptor_positive": None, "her2_positive": None},
                medications=[{"drug": "enzalutamide", "status": "completed"}],
                labs=labs, lesions=[spine(appearance="blastic")])


def test_psma_pet_for_lutetium_only_when_lutetium_is_possible() -> None:
    # fit, after an androgen receptor pathway inhibitor: the PSMA-PET decides lutetium-177
    fit = items(_prostate())
    assert "lutetium" in fit["psma-pet"]["reason"]
    # ECOG 3 excludes lutetium-177 (VISION enrolled ECOG 0-2): no scan is asked for it
    frail = run(_prostate(ecog=3, karnofsky=40))
    lu = next(r for r in frail["recommendations"] if r["id"] == "rp.lutetium-177-psma")
    assert lu["strength"] == "not-recommended"
    psma = {i["id"]: i for i in frail["workup"]["items"]}.get("psma-pet")
    assert psma is None or "lutetium" not in psma["reason"]


def test_no_staging_scans_with_about_a_month_to_live() -> None:
    doc = case(patient={"estimated_survival_months": 1}, cancer={"bone_metastases": None},
               lesions=[spine()])
    assert not {"staging", "lab-c-reactive-protein"} & set(items(doc))


def test_no_staging_scans_at_the_end_of_life() -> None:
    doc = case(patient={"goal": "comfort"}, cancer={"bone_metastases": None},
               lesions=[spine()])
    # nor a blood test that only completes a survival score (the new Katagiri score's labs)
    assert not {"staging", "psma-pet", "bone-scan", "lab-c-reactive-protein"} & set(items(doc))


@pytest.mark.parametrize(("sex", "age", "asked"), [
    ("female", 30, True), (None, 30, True), ("male", 30, False), ("female", 70, False),
    ("female", None, True)])
def test_pregnancy_test_when_pregnancy_is_not_excluded(sex: str | None, age: int | None,
                                                       asked: bool) -> None:
    # knowing less (sex or age unrecorded) must not remove the question
    doc = case(patient={"sex": sex, "age_years": age}, lesions=[spine()])
    got = items(doc)
    assert ("pregnancy-test" in got) == asked
    if asked:
        assert "bone-modifying" in got["pregnancy-test"]["reason"]


def test_work_up_reasons_name_rules_and_scores_in_words() -> None:
    import re

    from osseous.scores.catalog import SCORES
    ids = re.compile(r"\b(?:alert|bma|ir|rp|rt|supportive|surgery|systemic)\.[a-z]|\b(?:"
                     + "|".join(re.escape(s.id) for s in SCORES) + r")\b")
    docs = [case(cancer={"bone_metastases": None}, labs=[], lesions=[spine(escc=None)]),
            case(patient={"surgical_candidate": None, "estimated_survival_months": None},
                 lesions=[spine(escc="3", neurological_deficit="myelopathy")])]
    seen = 0
    for doc in docs:
        for item in items(doc).values():
            seen += 1
            assert not ids.search(item["reason"]), item["reason"]
    assert seen > 5
