"""Findings of a third board review (synthetic cases built inline), each with the expectation
and its source."""

from __future__ import annotations

from typing import Any

from tests.plan.helpers import NORMAL_LABS, case, rec, recs, run, spine


def _labs(**values: float) -> list[dict[str, Any]]:
    units = {"platelets": "10*9/L", "anc": "10*9/L", "hemoglobin": "g/dL"}
    return [*NORMAL_LABS, *({"analyte": a, "value": v, "unit": units[a], "date": "2026-11-18"}
                            for a, v in values.items())]


def test_procedures_with_low_platelets_say_to_correct_them_first() -> None:
    # SIR 2019: platelets under 50 x 10^9/L are corrected before a high-bleeding-risk procedure
    femur = {"id": "F", "site": "femur", "region": "shaft", "pain_severity": "moderate",
             "appearance": "lytic", "size_fraction": ">2/3",
             "axial_cortical_involvement_mm": 35, "worst_pain": 6}
    doc = case(labs=_labs(platelets=28), lesions=[femur])
    out = run(doc)
    procedures = [r for r in out["recommendations"]
                  if r["modality"] in ("surgery", "interventional")
                  and r["strength"] != "not-recommended" and "consultation" not in r["id"]]
    assert procedures
    for r in procedures:
        assert r["details"]["correct_platelets_first"] is True
        assert "Platelets 28" in r["rationale"] and "patel-2019-sir" in r["references"]
    fine = run(case(labs=_labs(platelets=180), lesions=doc["lesions"]))
    assert not any(r["details"].get("correct_platelets_first")
                   for r in fine["recommendations"])


def test_pregnancy_test_before_emergency_radiotherapy() -> None:
    # a 34-year-old, pregnancy not recorded, emergency radiotherapy for cord compression: the
    # test comes before it, and the radiotherapy option says so
    out = run(case(patient={"age_years": 34},
                   lesions=[spine(escc="3", neurological_deficit="myelopathy")]))
    test = next(i for i in out["workup"]["items"] if i["id"] == "pregnancy-test")
    assert test["urgency"] == "emergency"
    rt = [r for r in out["recommendations"] if r["modality"] == "radiotherapy"
          and r["strength"] != "not-recommended"]
    assert rt and all(r["details"].get("exclude_pregnancy_first") for r in rt)


def test_known_pregnancy_stages_without_ionising_imaging() -> None:
    out = run(case(patient={"age_years": 31, "pregnant": True},
                   cancer={"bone_metastases": None}, lesions=[spine()]))
    staging = next(i for i in out["workup"]["items"] if i["id"] == "staging")
    assert "MRI without contrast" in staging["investigation"]


def test_myeloma_with_low_neutrophils_still_gets_anti_myeloma_therapy() -> None:
    # low counts in myeloma are marrow disease, which the therapy treats (the docetaxel and
    # cabazitaxel thresholds are for solid tumours)
    out = run(case(cancer={"primary": "myeloma", "hormone_receptor_positive": None,
                           "her2_positive": None}, labs=_labs(anc=1.1, platelets=60)))
    assert rec(out, "systemic.chemotherapy")["strength"] == "consider"


def test_radium_under_way_with_a_new_exclusion_is_stopped() -> None:
    labs = _labs(anc=2.0, platelets=180, hemoglobin=11.5)
    out = run(case(patient={"sex": "male"},
                   cancer={"primary": "prostate", "castration_resistant": True,
                           "hormone_receptor_positive": None, "her2_positive": None,
                           "visceral_metastases": "untreatable", "visceral_sites": ["liver"]},
                   medications=[{"drug": "radium-223", "status": "active", "doses_given": 3},
                                {"drug": "abiraterone", "status": "active"}],
                   labs=labs, lesions=[spine(appearance="blastic")]))
    r = rec(out, "rp.radium-223")
    assert r["title"] == "Stop radium-223" and r["strength"] == "not-recommended"
    chemo = rec(out, "systemic.chemotherapy")
    assert "on abiraterone" in chemo["rationale"] and "after abiraterone" not in chemo["rationale"]
    assert not recs(out, "systemic.androgen-receptor-pathway")


def test_post_operative_radiotherapy_at_an_irradiated_level_is_a_reirradiation() -> None:
    # SBRT 24 Gy/2 to T10 80 days before, then fixation: a post-operative course there is a
    # re-irradiation, planned within the cumulative cord limits (Nieder 2006), not 30 Gy/10
    t10 = spine(id="T10", levels=["T10"], escc="1b",
                prior_radiotherapy=[{"dose_gy": 24, "fractions": 2, "date": "2026-09-01",
                                     "technique": "sbrt"}],
                prior_surgery=[{"procedure": "fixation", "date": "2026-11-01"}])
    r = rec(run(case(lesions=[t10])), "rt.postoperative")
    assert r["details"]["regimens"] == [] and r["details"]["reirradiation"] is True
    assert r["strength"] == "not-recommended" and "re-irradiation" in r["title"]
    assert "Over the cumulative cord limit" in r["rationale"]
    # 8 Gy x 1 a year before: a post-operative course within the limits is offered
    light = spine(id="T10", levels=["T10"], escc="1b",
                  prior_radiotherapy=[{"dose_gy": 8, "fractions": 1, "date": "2025-10-01"}],
                  prior_surgery=[{"procedure": "fixation", "date": "2026-11-01"}])
    r = rec(run(case(lesions=[light])), "rt.postoperative")
    assert r["strength"] == "consider" and r["details"]["regimens"]


def test_decompression_of_a_recently_irradiated_level_is_not_followed_by_routine_rt() -> None:
    # compression at T3 three weeks after 30 Gy/10 to T3: the operation is possible, but
    # "then radiotherapy" would be a re-irradiation its own rule says is not possible now
    t3 = spine(id="T3", levels=["T3"], escc="3", neurological_deficit="myelopathy",
               prior_radiotherapy=[{"dose_gy": 30, "fractions": 10, "date": "2026-10-30"}])
    out = run(case(cancer={"primary": "kidney", "hormone_receptor_positive": None,
                           "her2_positive": None}, lesions=[t3]))
    surgery = [r for r in out["recommendations"] if r["modality"] == "surgery"
               and r["details"].get("procedure") in ("decompression", "separation-surgery")]
    assert surgery
    for r in surgery:
        assert "then radiotherapy" not in r["title"] and r["details"]["then"] is None
        assert "re-irradiation" in r["rationale"]


def test_sarcoma_and_young_patients_are_sent_to_their_specialist_team() -> None:
    out = run(case(patient={"age_years": 19}, cancer={"primary": "sarcoma",
                                                      "histology": "osteosarcoma",
                                                      "hormone_receptor_positive": None,
                                                      "her2_positive": None},
                   lesions=[spine()]))
    alert = next(a for a in out["alerts"] if a["id"] == "specialist-team")
    assert "sarcoma multidisciplinary team" in alert["message"]
    assert "young adult" in alert["message"] and "19 years" in alert["message"]
    adult = run(case(lesions=[spine()]))  # breast cancer at 60
    assert not [a for a in adult["alerts"] if a["id"] == "specialist-team"]


def test_a_primary_without_a_category_table_still_has_a_systemic_problem() -> None:
    out = run(case(cancer={"primary": "colon", "hormone_receptor_positive": None,
                           "her2_positive": None}, lesions=[spine()]))
    r = rec(out, "systemic.oncologist")
    assert r["strength"] == "consider" and "colon cancer" in r["rationale"]
    assert any(p["kind"] == "systemic-disease" for p in out["problems"])


def test_receptor_status_disputed_by_the_results_holds_its_categories() -> None:
    # recorded HR-positive, laboratory ER 0% / PR negative, HER2 2+ amplified
    out = run(case(cancer={"hormone_receptor_positive": True, "her2_positive": None,
                           "biomarkers": ["ER negative (0%)", "PR negative",
                                          "HER2 2+, ISH amplified (ratio 3.1)"]}))
    assert not recs(out, "systemic.endocrine")
    assert rec(out, "systemic.her2-directed")
    assert any(a["id"] == "receptor-discordance" for a in out["alerts"])


def test_a_running_treatment_is_continued_not_started() -> None:
    out = run(case(medications=[{"drug": "letrozole", "status": "active"},
                                {"drug": "palbociclib", "status": "active"}]))
    assert rec(out, "systemic.endocrine")["title"] == (
        "Continue endocrine therapy (letrozole, palbociclib)")
    prostate = run(case(patient={"sex": "male"},
                        cancer={"primary": "prostate", "castration_resistant": False,
                                "hormone_receptor_positive": None, "her2_positive": None},
                        medications=[{"drug": "leuprorelin", "status": "active"},
                                     {"drug": "apalutamide", "status": "active"}]))
    assert rec(prostate, "systemic.androgen-deprivation")["title"] == (
        "Continue androgen deprivation (apalutamide, leuprorelin)")


def test_lytic_acetabulum_painful_on_weight_bearing_gets_an_orthopaedic_opinion() -> None:
    # Mirels does not apply to the pelvis; Harrington's classes are the surgeons' call
    lesion = {"id": "A", "site": "acetabulum", "appearance": "lytic",
              "pain_severity": "functional", "worst_pain": 7}
    r = rec(run(case(lesions=[lesion])), "surgery.periacetabular-opinion")
    assert r["strength"] == "recommended" and r["urgency"] == "urgent"
    assert r["details"]["weight_bearing"] == "protected"
    mild = run(case(lesions=[{**lesion, "pain_severity": "mild"}]))
    assert not recs(mild, "surgery.periacetabular-opinion")
    unfit = run(case(patient={"surgical_candidate": False}, lesions=[lesion]))
    assert not recs(unfit, "surgery.periacetabular-opinion")


def test_a_lesion_the_rules_cannot_decide_on_is_still_a_problem() -> None:
    # T4, worst pain 8, nothing else known: the most dangerous lesion must be visible, waiting
    # for its work-up, as urgent as the work-up is
    t4 = {"id": "T4", "site": "spine", "levels": ["T4"], "worst_pain": 8}
    out = run(case(lesions=[t4]))
    p = next(p for p in out["problems"] if p["lesion"] == "T4")
    assert p["status"] == "work-up" and p["note"].startswith("Investigations first")
    mri = [i for i in out["workup"]["items"] if "T4" in i.get("lesions", [])]
    assert mri
    order = {"emergency": 0, "urgent": 1, "routine": 2}
    assert order[p["urgency"]] == min(order[i["urgency"]] for i in mri)


def test_systemic_options_removed_in_pregnancy_leave_it_to_the_specialists() -> None:
    out = run(case(patient={"age_years": 31, "pregnant": True}))
    p = next(p for p in out["problems"] if p["kind"] == "systemic-disease")
    assert "specialists" in p["note"] and "Best supportive care" not in p["note"]


def test_a_calcium_that_may_be_low_is_an_alert_before_denosumab() -> None:
    # total calcium 1.78 mmol/L, no albumin, on denosumab: albumin 40 g/L would make it a
    # critical hypocalcaemia; knowing less must not silence the warning
    labs = [{"analyte": "calcium", "value": 1.78, "unit": "mmol/L", "date": "2026-11-18"},
            {"analyte": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2026-11-18"}]
    out = run(case(labs=labs, medications=[{"drug": "denosumab", "status": "active"}]))
    alert = next(a for a in out["alerts"] if a["id"] == "calcium-may-be-low")
    assert alert["severity"] == "critical" and "hold denosumab" in alert["message"]
    albumin = next(i for i in out["workup"]["items"] if i["id"] == "lab-albumin")
    assert albumin["urgency"] == "emergency"
    bone = next(p for p in out["problems"] if p["kind"] == "bone-health")
    assert bone["status"] == "work-up" and "Best supportive care" not in (bone["note"] or "")


def test_hypocalcaemia_without_an_agent_is_an_alert() -> None:
    labs = [{"analyte": "calcium", "value": 7.6, "unit": "mg/dL", "date": "2026-11-18"},
            {"analyte": "albumin", "value": 4.0, "unit": "g/dL", "date": "2026-11-18"},
            {"analyte": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2026-11-18"}]
    out = run(case(labs=labs))
    alert = next(a for a in out["alerts"] if a["id"] == "hypocalcaemia")
    assert alert["severity"] == "critical"  # 7.6 mg/dL = 1.896 mmol/L < 1.9 (SfE 2016)
    assert rec(out, "supportive.hypocalcemia")


def test_severe_low_counts_are_an_alert() -> None:
    out = run(case(labs=_labs(platelets=18, anc=0.4, hemoglobin=6.8)))
    alert = next(a for a in out["alerts"] if a["id"] == "cytopenia")
    assert alert["severity"] == "critical"
    assert "platelets 18" in alert["message"] and "neutrophils 0.4" in alert["message"]
    assert "haemoglobin 6.8 g/dL (CTCAE grade 3)" in alert["message"]
    fine = run(case(labs=_labs(platelets=180, anc=3.0, hemoglobin=12.0)))
    assert not [a for a in fine["alerts"] if a["id"] == "cytopenia"]


def test_lymphoma_is_treated_whatever_the_performance_status() -> None:
    # Choosing Wisely's exception: a disease likely to respond; the adult survival scores do
    # not close the gate for a potentially curable lymphoma
    out = run(case(patient={"age_years": 17, "ecog": 3, "karnofsky": 40,
                            "estimated_survival_months": None},
                   cancer={"primary": "lymphoma", "hormone_receptor_positive": None,
                           "her2_positive": None},
                   lesions=[spine(escc="2", neurological_deficit="myelopathy")]))
    assert not recs(out, "systemic.not-indicated")
    r = rec(out, "systemic.chemotherapy")
    assert r["urgency"] == "urgent" and "specialist team" in r["title"]


def test_pregnancy_shapes_the_options_that_stay() -> None:
    # known pregnancy: radiotherapy stays, planned with the fetal dose; bone health waits
    out = run(case(patient={"age_years": 31, "pregnant": True}, lesions=[spine()]))
    rt = [r for r in out["recommendations"] if r["modality"] == "radiotherapy"
          and r["strength"] != "not-recommended"]
    assert rt and all(r["details"]["specialist_planning_in_pregnancy"] for r in rt)
    bone = next(p for p in out["problems"] if p["kind"] == "bone-health")
    assert "after the pregnancy" in bone["note"]
    # pregnancy not recorded, hypercalcaemia: the agent waits for the test, fluids do not
    labs = [{"analyte": "calcium", "value": 14.0, "unit": "mg/dL", "date": "2026-11-18"},
            {"analyte": "albumin", "value": 4.0, "unit": "g/dL", "date": "2026-11-18"},
            {"analyte": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2026-11-18"}]
    hcm = rec(run(case(patient={"age_years": 29}, labs=labs)), "supportive.hypercalcemia")
    assert hcm["details"]["exclude_pregnancy_first"] is True


def test_her2_positive_leads_when_hormone_receptors_are_positive_too() -> None:
    out = run(case(cancer={"hormone_receptor_positive": True, "her2_positive": True}))
    systemic = next(p for p in out["problems"] if p["kind"] == "systemic-disease")
    assert systemic["options"][0]["recommendation"] == "systemic.her2-directed"


def test_treatments_dated_after_the_assessment_are_flagged() -> None:
    t6 = spine(id="T6", levels=["T6"],
               prior_radiotherapy=[{"dose_gy": 8, "fractions": 1, "date": "2027-01-05"}])
    out = run(case(lesions=[t6]))
    alert = next(a for a in out["alerts"] if a["id"] == "future-dates")
    assert "radiotherapy to T6 on 2027-01-05" in alert["message"]
    # the plan is made as of its date: the painful T6 is planned as never irradiated
    assert any(r["lesion"] == "T6" and r["modality"] == "radiotherapy"
               and r["strength"] != "not-recommended" for r in out["recommendations"])
    assert any(p["lesion"] == "T6" for p in out["problems"])
    assert not [a for a in run(case(lesions=[spine()]))["alerts"] if a["id"] == "future-dates"]


def test_comfort_goal_hypercalcaemia_and_work_up() -> None:
    labs = [{"analyte": "calcium", "value": 14.5, "unit": "mg/dL", "date": "2026-11-18"},
            {"analyte": "albumin", "value": 3.0, "unit": "g/dL", "date": "2026-11-18"},
            {"analyte": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2026-11-18"}]
    out = run(case(patient={"goal": "comfort", "ecog": 4, "karnofsky": 20,
                            "estimated_survival_months": 0.5, "dental": None},
                   labs=labs, medications=[{"drug": "denosumab", "status": "active"}],
                   lesions=[spine()]))
    alert = next(a for a in out["alerts"] if a["id"] == "hypercalcemia")
    assert "only if it causes distress" in alert["message"]
    assert "saline" not in alert["message"]
    assert "dental-examination" not in {i["id"] for i in out["workup"]["items"]}


def test_refusals_are_respected_in_the_words_of_the_remaining_options() -> None:
    # surgery and radiotherapy declined: dexamethasone is not "until surgery or radiotherapy"
    out = run(case(patient={"declines": ["surgery", "radiotherapy"]},
                   lesions=[spine(escc="2", neurological_deficit="radiculopathy")]))
    dex = rec(out, "supportive.dexamethasone")
    assert "until surgery or radiotherapy" not in dex["rationale"]
    assert "review the decision" in dex["rationale"]
    # radiotherapy and transfusion declined: fixation does not promise either
    femur = {"id": "F", "site": "femur", "region": "shaft", "pain_severity": "functional",
             "appearance": "lytic", "size_fraction": ">2/3", "worst_pain": 6}
    out = run(case(patient={"declines": ["radiotherapy", "transfusion"]},
                   labs=_labs(platelets=30), lesions=[femur]))
    fixation = next(r for r in out["recommendations"] if r["modality"] == "surgery"
                    and r["lesion"] == "F" and r["strength"] != "not-recommended")
    assert "Radiotherapy follows fixation" not in fixation["rationale"]
    assert "declines transfusion" in fixation["rationale"]


def test_a_bone_agent_waiting_for_current_results_keeps_its_problem() -> None:
    # calcium and creatinine 176 days old: the agent waits, but bone health stays on the list,
    # as urgent as its work-up (a raised calcium out of date is rechecked today)
    old = [{"analyte": "calcium", "value": 11.9, "unit": "mg/dL", "date": "2026-05-28"},
           {"analyte": "albumin", "value": 4.0, "unit": "g/dL", "date": "2026-05-28"},
           {"analyte": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2026-05-28"}]
    out = run(case(labs=old, lesions=[spine()]))
    kinds = {p["kind"]: p for p in out["problems"]}
    assert kinds["bone-health"]["status"] == "work-up"
    assert kinds["hypercalcaemia"]["urgency"] == "emergency"


def test_no_bone_agent_with_a_month_to_live_or_in_osteosarcoma() -> None:
    month = run(case(patient={"estimated_survival_months": 1}))
    assert rec(month, "bma.not-indicated")["strength"] == "not-recommended"
    osteo = run(case(patient={"age_years": 19}, cancer={
        "primary": "sarcoma", "histology": "osteosarcoma", "hormone_receptor_positive": None,
        "her2_positive": None}))
    r = rec(osteo, "bma.not-indicated")
    assert "OS2006" in r["rationale"] and "piperno-neumann-2016" in r["references"]


def test_an_arm_at_risk_is_not_told_about_weight_bearing() -> None:
    humerus = {"id": "H", "site": "humerus", "pain_severity": "functional",
               "appearance": "lytic", "size_fraction": ">2/3", "worst_pain": 7}
    out = run(case(lesions=[humerus]))
    alert = next(a for a in out["alerts"] if a["id"] == "impending-fracture")
    assert "sling" in alert["message"] and "weight-bearing" not in alert["message"]
    fixation = [r for r in out["recommendations"] if r["modality"] == "surgery"
                and r["strength"] != "not-recommended"]
    assert fixation and all("femoral" not in r["rationale"] for r in fixation)


def test_final_review_fixes() -> None:
    # germ-cell tumour: curative chemotherapy, no bone-modifying agent
    germ = run(case(patient={"age_years": 21, "sex": "male"},
                    cancer={"primary": "germ-cell", "hormone_receptor_positive": None,
                            "her2_positive": None}))
    assert rec(germ, "bma.not-indicated")["strength"] == "not-recommended"
    # known pregnancy: no dental examination for an agent that will not be given
    preg = run(case(patient={"age_years": 31, "pregnant": True}, labs=[]))
    assert "dental-examination" not in {i["id"] for i in preg["workup"]["items"]}
    # hypocalcaemia: an agent never given is "not started", not "held"
    labs = [{"analyte": "calcium", "value": 7.6, "unit": "mg/dL", "date": "2026-11-18"},
            {"analyte": "albumin", "value": 4.0, "unit": "g/dL", "date": "2026-11-18"},
            {"analyte": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2026-11-18"}]
    titles = [r["title"] for r in run(case(labs=labs))["recommendations"]
              if r["modality"] == "bone-modifying-agent"]
    assert titles and not any(t.startswith("Hold") for t in titles), titles


def test_comfort_and_refusals_trim_the_checks_that_no_longer_apply() -> None:
    declined = run(case(patient={"declines": ["surgery"], "surgical_candidate": None},
                        lesions=[spine(collapse="over-50", alignment="subluxation")]))
    assert "surgical_candidate" not in {i["id"] for i in declined["workup"]["items"]}
    crcl_low = [{"analyte": "creatinine", "value": 3.5, "unit": "mg/dL", "date": "2026-11-18"},
                {"analyte": "calcium", "value": 9.5, "unit": "mg/dL", "date": "2026-11-18"},
                {"analyte": "albumin", "value": 4.0, "unit": "g/dL", "date": "2026-11-18"}]
    on = [{"drug": "denosumab", "status": "active"}]
    comfort = run(case(patient={"goal": "comfort"}, labs=crcl_low, medications=on))
    assert "denosumab-renal" not in {a["id"] for a in comfort["alerts"]}
    active = run(case(labs=crcl_low, medications=on))
    assert "denosumab-renal" in {a["id"] for a in active["alerts"]}
