"""Case tables for the local pathway of each lesion (docs/clinical/decisions.md, "Local
pathways"): cord compression with and without a deliverable operation, SBRT selection, fractures
and impending fractures with their constructs, prior fixation, re-irradiation and instability.

Each row carries its hand reasoning and the source the expected answer rests on. The reference
date of every case is 2026-11-20 (tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.plan.helpers import alert_ids, case, needs, rec, recs, run, spine
from tests.plan.test_patient_gates import prostate_crpc

Out = dict[str, Any]

#: radioresistant primaries in the NOMS defaults (Laufer 2013; knowledge/primary_sites.py)
KIDNEY = {"primary": "kidney", "hormone_receptor_positive": None, "her2_positive": None}
MELANOMA = {"primary": "melanoma", "hormone_receptor_positive": None, "her2_positive": None}

#: cord compression at T8: ESCC 3 with myelopathy, walking (Frankel D)
COMPRESSED = {"escc": "3", "neurological_deficit": "myelopathy"}


def live(out: Out) -> list[dict[str, Any]]:
    return [r for r in out["recommendations"] if r["strength"] != "not-recommended"]


def problem(out: Out, problem_id: str) -> dict[str, Any]:
    found = [p for p in out["problems"] if p["id"] == problem_id]
    assert len(found) == 1, (problem_id, [p["id"] for p in out["problems"]])
    return dict(found[0])


def option_ids(p: dict[str, Any]) -> list[str]:
    return [o["recommendation"] for o in p["options"]]


def _is_sbrt(r: dict[str, Any]) -> bool:
    return bool(r["details"].get("technique") == "sbrt")


# ---- cord compression: Patchell met -------------------------------------------------------------

# Patchell 2005: one area of compression on MRI, not paraplegic for more than 48 hours, expected
# survival >= 3 months, fit for surgery, not a radiosensitive tumour -> decompressive surgery
# followed by radiotherapy (84 % against 57 % walking). For a radioresistant tumour the NOMS
# operation is separation surgery and SBRT follows it (Laufer 2013). The operation comes before
# the radiotherapy that follows it in the problem's options (decisions.md, "Problems and their
# order").
PATCHELL_MET = [
    # kidney (radioresistant): separation surgery, then SBRT
    pytest.param(KIDNEY, "surgery.separation-surgery", "rt.post-separation-sbrt",
                 id="kidney-separation-then-sbrt"),
    # non-small-cell lung (radioresistant in the NOMS table): the same
    pytest.param({"primary": "lung-nsclc", "hormone_receptor_positive": None,
                  "her2_positive": None}, "surgery.separation-surgery",
                 "rt.post-separation-sbrt", id="nsclc-separation-then-sbrt"),
    # a primary set radioresistant by the clinician (cancer.radiosensitivity), colon
    pytest.param({"primary": "colon", "radiosensitivity": "resistant",
                  "hormone_receptor_positive": None, "her2_positive": None},
                 "surgery.separation-surgery", "rt.post-separation-sbrt",
                 id="colon-set-resistant"),
    # a primary the NOMS table does not classify (unknown primary): Patchell decompression is
    # recommended and conventional radiotherapy follows it
    pytest.param({"primary": "unknown-primary", "hormone_receptor_positive": None,
                  "her2_positive": None}, "surgery.decompression", "rt.mescc-conventional",
                 id="unknown-primary-decompression-then-rt"),
    # breast: Patchell included it (only lymphoma, myeloma, germ-cell were excluded); the plan
    # keeps decompression as "consider" (NOMS calls breast radiosensitive), but when it is
    # offered it still comes before the radiotherapy that follows it
    pytest.param({"primary": "breast"}, "surgery.decompression", "rt.mescc-conventional",
                 id="breast-decompression-then-rt"),
]


@pytest.mark.parametrize(("cancer", "surgery_id", "rt_id"), PATCHELL_MET)
def test_cord_compression_with_patchell_met_operates_first(cancer: dict[str, Any],
                                                           surgery_id: str,
                                                           rt_id: str) -> None:
    out = run(case(cancer=cancer, patient={"frankel": "D"}, lesions=[spine(**COMPRESSED)]))
    surgery = rec(out, surgery_id, "S")
    assert surgery["strength"] in ("recommended", "consider")
    assert surgery["urgency"] == "emergency"
    assert surgery["details"]["then"] == "radiotherapy"
    assert rec(out, rt_id, "S")["strength"] == "recommended"
    p = problem(out, "cord-compression:S")
    assert p["status"] == "active" and p["urgency"] == "emergency"
    ids = option_ids(p)
    if surgery["strength"] == "recommended":
        # recommended before considered (decisions.md, "Problems and their order"): the
        # operation leads only when it is recommended; breast stays radiotherapy-first
        assert ids.index(surgery_id) < ids.index(rt_id)
    assert {"first": surgery_id, "then": rt_id} in [
        {"first": s["first"], "then": s["then"]} for s in p["sequence"]]


# ---- cord compression: surgery excluded ---------------------------------------------------------

# Each row fails one Patchell criterion for a radioresistant kidney primary. Cord compression
# must then end with conventional radiotherapy as the emergency option (8 Gy x 1, 16 Gy/2,
# 20 Gy/5, 30 Gy/10, ASTRO 2024), never SBRT "after separation surgery" that the plan does not
# offer (issue 12, 2; decisions.md, "Local pathways").
PATCHELL_FAILS = [
    # paraplegic (Frankel A) for 72 hours > 48 hours
    pytest.param({"frankel": "A"}, [spine(escc="3", neurological_deficit="myelopathy",
                                          paraplegia_hours=72)], id="paraplegia-72h"),
    # expected survival 2 months < 3 months
    pytest.param({"estimated_survival_months": 2}, [spine(**COMPRESSED)],
                 id="survival-2-months"),
    # two areas of compression (T8 and L2)
    pytest.param({}, [spine(**COMPRESSED),
                      spine(id="L", levels=["L2"], escc="2", neurological_deficit="none")],
                 id="two-compressed-levels"),
    # not fit for surgery
    pytest.param({"surgical_candidate": False}, [spine(**COMPRESSED)],
                 id="radioresistant-unfit"),
    # the patient declines surgery
    pytest.param({"declines": ["surgery"]}, [spine(**COMPRESSED)], id="declines-surgery"),
]


@pytest.mark.parametrize(("patient", "lesions"), PATCHELL_FAILS)
def test_cord_compression_without_surgery_gets_emergency_conventional_rt(
        patient: dict[str, Any], lesions: list[dict[str, Any]]) -> None:
    out = run(case(cancer=KIDNEY, patient={"frankel": "D", **patient}, lesions=lesions))
    assert not recs(out, "rt.post-separation-sbrt")
    # no decompressive or separation operation (a surgical consultation for an unstable
    # segment elsewhere is an indication of its own, Fisher 2010)
    assert not [r for r in live(out) if r["details"].get("procedure") in (
        "decompression", "separation-surgery")]
    for r in out["recommendations"]:
        assert "after" not in r["details"], r["id"]
    r = rec(out, "rt.mescc-conventional", "S")
    assert (r["strength"], r["urgency"]) == ("recommended", "emergency")
    assert r["details"]["technique"] == "conventional"
    assert {(x["dose_gy"], x["fractions"]) for x in r["details"]["regimens"]} == {
        (8, 1), (16, 2), (20, 5), (30, 10)}
    p = problem(out, "cord-compression:S")
    assert p["status"] == "active" and p["urgency"] == "emergency"
    assert "rt.mescc-conventional" in option_ids(p)


def test_the_definitive_treatment_of_cord_compression_is_not_an_alternative_to_steroids(
        ) -> None:
    # not fit for surgery: conventional radiotherapy is THE treatment of the compression and
    # dexamethasone goes with it (ASTRO 2024: radiotherapy with dexamethasone over radiotherapy
    # alone). Listing the radiotherapy as an "alternative" to the steroid invites a reader to
    # choose one of the two
    out = run(case(cancer=KIDNEY, patient={"surgical_candidate": False},
                   lesions=[spine(**COMPRESSED)]))
    p = problem(out, "cord-compression:S")
    roles = {o["recommendation"]: o["role"] for o in p["options"]}
    assert roles["rt.mescc-conventional"] != "alternative" or \
        roles.get("supportive.dexamethasone") != "preferred"


@pytest.mark.parametrize("patient", [
    # radiotherapy failed: 30 Gy/10 then 20 Gy/5 to T8; the cumulative cord BED is over Nieder's
    # limit for every re-irradiation regimen, and the patient is not fit for surgery
    pytest.param({"surgical_candidate": False}, id="irradiated-unfit"),
    # the patient declines radiotherapy and surgery
    pytest.param({"declines": ["radiotherapy", "surgery"]}, id="declines-rt-and-surgery"),
])
def test_cord_compression_is_never_offered_ablation(patient: dict[str, Any]) -> None:
    prior = [{"dose_gy": 30, "fractions": 10, "date": "2025-01-01"},
             {"dose_gy": 20, "fractions": 5, "date": "2025-09-01"}]
    lesion = spine(**COMPRESSED, worst_pain=7,
                   prior_radiotherapy=prior if "declines" not in patient else [])
    out = run(case(cancer=KIDNEY, patient=patient, lesions=[lesion]))
    p = problem(out, "cord-compression:S")
    assert "ir.ablation" not in option_ids(p)
    assert not recs(out, "ir.ablation", "S")


# ---- SBRT selection -----------------------------------------------------------------------------

# SBRT never on an unstable (SINS >= 13) segment not yet stabilised, never for worst pain
# < 2/10 (SC.24 enrolled BPI >= 2), never with a short expected survival (< 3 months: 8 Gy x 1,
# ASTRO 2017 "particularly convenient ... for patients with limited life expectancy"; project
# threshold), never at ECOG > 2 (SC.24) (decisions.md, "Local pathways"; issue 12, 3).
SBRT_BARRIERS = [
    # kidney, T8 lytic with mechanical pain, subluxation, collapse > 50 %, bilateral
    # posterolateral involvement: SINS 1 (T8, rigid) + 3 + 2 + 4 + 3 + 3 = 16 (Fisher 2010),
    # unstable; not a surgical candidate, so it stays unstabilised
    pytest.param(KIDNEY, {"surgical_candidate": False},
                 spine(alignment="subluxation", collapse="over-50", posterolateral="bilateral"),
                 False, id="sins-16-unfit"),
    # kidney, pain 1/10 (non-mechanical): below SC.24's 2
    pytest.param(KIDNEY, {}, spine(worst_pain=1, pain_character="non-mechanical"), False,
                 id="pain-1"),
    # melanoma, clinician's estimate 1.5 months (< 3): 8 Gy x 1
    pytest.param(MELANOMA, {"estimated_survival_months": 1.5}, spine(), True,
                 id="melanoma-1.5-months"),
    # kidney, ECOG 3 (above SC.24's 0-2); Karnofsky 40 agrees
    pytest.param(KIDNEY, {"ecog": 3, "karnofsky": 40}, spine(), False, id="ecog-3"),
    # kidney, four contiguous levels (SC.24: at most 3)
    pytest.param(KIDNEY, {}, spine(levels=["T7", "T8", "T9", "T10"]), False,
                 id="four-levels"),
]


@pytest.mark.parametrize(("cancer", "patient", "lesion", "single"), SBRT_BARRIERS)
def test_sbrt_barriers(cancer: dict[str, Any], patient: dict[str, Any],
                       lesion: dict[str, Any], single: bool) -> None:
    # without the barrier the same radioresistant lesion gets NOMS SBRT (so the test can fail)
    control = run(case(cancer=cancer, lesions=[spine()]))
    assert any(_is_sbrt(r) for r in live(control))
    out = run(case(cancer=cancer, patient=patient, lesions=[lesion]))
    assert not [r for r in out["recommendations"] if _is_sbrt(r)]
    conventional = rec(out, "rt.spine-conventional", "S")
    assert conventional["strength"] in ("recommended", "consider")
    assert conventional["details"]["technique"] == "conventional"
    if single:
        assert conventional["details"]["preferred"] == {"dose_gy": 8, "fractions": 1}
        assert conventional["strength"] == "recommended"


# ---- fractures and impending fractures ----------------------------------------------------------

#: a lytic lesion of the femoral shaft: Mirels 3 (lytic) + 3 (> 2/3) + 3 (functional) + 2
#: (lower limb) = 11 >= 9 (Mirels 1989), axial cortical involvement 35 mm > 30 mm (van der
#: Linden 2004): impending fracture
FEMUR: dict[str, Any] = {
    "id": "F", "site": "femur", "region": "shaft", "pain_severity": "functional",
    "worst_pain": 7, "appearance": "lytic", "size_fraction": ">2/3",
    "axial_cortical_involvement_mm": 35}


def test_fractured_femur_in_a_patient_unfit_for_surgery_gets_radiotherapy() -> None:
    # a pathological fracture that cannot be fixed (not a surgical candidate): radiotherapy is
    # the treatment of the site (decisions.md: "a fractured or impending-fracture lesion
    # without surgery gets radiotherapy"; issue 12, 2); fixation is shown as not recommended
    out = run(case(patient={"surgical_candidate": False},
                   lesions=[{**FEMUR, "pathological_fracture": True}]))
    r = rec(out, "rt.uncomplicated", "F")
    assert r["strength"] == "recommended"
    assert "after" not in r["details"]
    assert "no fixation" in r["title"]
    assert rec(out, "surgery.fixation", "F")["strength"] == "not-recommended"
    p = problem(out, "fracture:F")
    assert p["status"] == "active"
    assert option_ids(p)[0] == "rt.uncomplicated"


@pytest.mark.parametrize(("lesion", "months", "procedure", "construct"), [
    # femoral head or neck fracture: arthroplasty whatever the survival (AAOS 2023; fixation of
    # a pathological neck fracture fails too often)
    pytest.param({**FEMUR, "region": "head-neck", "pathological_fracture": True}, 18,
                 "surgery.fixation", "arthroplasty", id="head-neck-fracture-18-months"),
    pytest.param({**FEMUR, "region": "head-neck", "pathological_fracture": True}, 3,
                 "surgery.fixation", "arthroplasty", id="head-neck-fracture-3-months"),
    # impending shaft fracture, 12 months (> 6): durable reconstruction (AAOS 2023)
    pytest.param(FEMUR, 12, "surgery.prophylactic-fixation", "durable reconstruction",
                 id="shaft-impending-12-months"),
    # impending shaft fracture, 3 months (1-6): less invasive fixation, intramedullary nail
    pytest.param(FEMUR, 3, "surgery.prophylactic-fixation", "intramedullary nail",
                 id="shaft-impending-3-months"),
    # peritrochanteric, 8 months (> 6): durable reconstruction
    pytest.param({**FEMUR, "region": "peritrochanteric"}, 8, "surgery.prophylactic-fixation",
                 "durable reconstruction", id="peritrochanteric-8-months"),
])
def test_the_construct_follows_the_site_then_survival(lesion: dict[str, Any], months: float,
                                                      procedure: str, construct: str) -> None:
    out = run(case(patient={"estimated_survival_months": months}, lesions=[lesion]))
    r = rec(out, procedure, "F")
    assert r["strength"] == "recommended"
    assert construct in r["details"]["construct"]
    if construct == "arthroplasty":
        assert "nail" not in r["details"]["construct"]


def test_a_femur_already_fixed_is_not_fixed_again() -> None:
    # a femur nailed last month (prior_surgery fixation 2026-10-20) with the same lytic lesion:
    # fixation is not offered again; post-operative radiotherapy is (ASTRO 2024; ESMO 2020)
    lesion = {**FEMUR, "prior_surgery": [{"procedure": "fixation", "date": "2026-10-20"}]}
    out = run(case(lesions=[lesion]))
    assert not [r for r in out["recommendations"] if r["modality"] == "surgery"]
    assert rec(out, "rt.postoperative", "F")["strength"] == "recommended"
    assert "impending-fracture" not in alert_ids(out)


# ---- re-irradiation -----------------------------------------------------------------------------

def test_reirradiation_with_only_the_interval_short_is_considered() -> None:
    # T8 had 8 Gy x 1 on 2026-08-01 (111 days ago, under Nieder's 6 months, a soft criterion);
    # pain 6/10 persists. Cumulative cord BED (alpha/beta 2): prior 8 x (1 + 8/2) = 40 Gy2;
    # 20 Gy/5 adds 20 x (1 + 4/2) = 60 -> 100 Gy2, within Nieder's 135.5 Gy2: offered, with the
    # interval stated, never refused "for the cumulative cord limits" (issue 12, 6)
    lesion = spine(prior_radiotherapy=[{"dose_gy": 8, "fractions": 1, "date": "2026-08-01"}])
    out = run(case(lesions=[lesion]))
    r = rec(out, "rt.reirradiation", "S")
    assert r["strength"] == "consider"
    assert {"dose_gy": 20, "fractions": 5} in r["details"]["regimens"]
    assert r["details"]["rejected_regimens"] == []
    assert "6 months" in r["rationale"] and "interval" in r["rationale"]
    assert "Over the cumulative cord limit" not in r["rationale"]


def test_reirradiation_regimens_over_the_cumulative_cord_limit_are_rejected() -> None:
    # T8 had 30 Gy/10 on 2025-01-01 (more than 6 months ago): BED 30 x (1 + 3/2) = 75 Gy2.
    # 8 Gy x 1 adds 40 -> 115 Gy2 (within 135.5); 20 Gy/5 adds 60 -> 135 (within, barely);
    # 24 Gy/6 adds 24 x (1 + 4/2) = 72 -> 147 Gy2, over Nieder's cumulative 135.5: rejected,
    # listed under rejected_regimens and never among the offered regimens
    lesion = spine(prior_radiotherapy=[{"dose_gy": 30, "fractions": 10, "date": "2025-01-01"}])
    out = run(case(lesions=[lesion]))
    r = rec(out, "rt.reirradiation", "S")
    offered = {(x["dose_gy"], x["fractions"]) for x in r["details"]["regimens"]}
    rejected = {(x["dose_gy"], x["fractions"]) for x in r["details"]["rejected_regimens"]}
    assert (24, 6) in rejected
    assert (8, 1) in offered
    assert not offered & rejected
    for c in r["details"]["cord_checks"]:
        pair = (c["dose_gy"], c["fractions"])
        assert (pair in rejected) == bool(c["failed_dose"]), c
    assert "Over the cumulative cord limit" in r["rationale"]


# ---- instability --------------------------------------------------------------------------------

def test_incomplete_sins_that_is_unstable_whatever_the_rest_raises_the_alert() -> None:
    # L1 (junctional, 3) + mechanical pain 3 + lytic 2 + subluxation 4 + collapse > 50 % 3 = 15
    # with posterolateral involvement unknown (0-3): SINS 15-18, every completion >= 13
    # (Fisher 2010): unstable; knowing less must not remove the warning (decisions.md)
    lesion = spine(levels=["L1"], alignment="subluxation", collapse="over-50")
    del lesion["posterolateral"]
    out = run(case(lesions=[lesion]))
    assert "spinal-instability" in alert_ids(out)
    assert not [r for r in out["recommendations"] if _is_sbrt(r)]


UNSTABLE_FITNESS_UNKNOWN = [
    # T8 (semi-rigid, 1) + mechanical pain 3 + lytic 2 + subluxation 4 + collapse > 50 % 3 +
    # bilateral posterolateral 3 = 16 (Fisher 2010): unstable
    pytest.param({"posterolateral": "bilateral"}, id="complete-sins-16"),
    # posterolateral unknown (0-3): 13-16, every completion unstable
    pytest.param({"posterolateral": None}, id="incomplete-sins-13-to-16"),
]


@pytest.mark.parametrize("change", UNSTABLE_FITNESS_UNKNOWN)
def test_unstable_segment_with_candidacy_unrecorded_calls_the_surgeons(
        change: dict[str, Any]) -> None:
    # SINS 13-18 indicates stabilisation when the patient is fit (NOMS, Laufer 2013); candidacy
    # unrecorded: the spinal surgeons are consulted now (they judge fitness) and candidacy is
    # asked for. A SINS of 7-12 already gets a consultation, so knowing the segment is unstable
    # must not give less (decisions.md, "Unknown is not false").
    lesion = spine(levels=["T8"], alignment="subluxation", collapse="over-50", **change)
    lesion = {k: v for k, v in lesion.items() if v is not None}
    doc = case(lesions=[lesion])
    del doc["patient"]["surgical_candidate"]
    out = run(doc)
    consult = rec(out, "surgery.spinal-consultation")
    assert consult["urgency"] == "urgent"
    assert "patient.surgical_candidate" in needs(out, "surgery.spinal-stabilization")
    assert not recs(out, "surgery.stabilization")


# ---- choose-one groups and conflicts -------------------------------------------------------------

def _prostate() -> dict[str, Any]:
    """test_patient_gates.prostate_crpc with 8 months expected: radium-223 (ALSYMPCA),
    lutetium-177 PSMA (VISION), samarium-153 and strontium-89 (labels) all qualify."""
    return prostate_crpc(estimated_survival_months=8)


def test_samarium_with_external_beam_radiotherapy_is_a_stated_conflict() -> None:
    # samarium-153 and strontium-89 are not given with concurrent external-beam radiotherapy
    # unless the benefit outweighs the marrow risk (Quadramet, Metastron labels); radiotherapy
    # to T8 and the pelvis is offered, so the conflict is stated
    out = run(_prostate())
    conflicts = [c for p in out["problems"] for c in p["conflicts"]]
    assert {"rp.samarium-153", "external-beam radiotherapy"} in [set(c["between"])
                                                                for c in conflicts]


def test_one_radiopharmaceutical_for_the_whole_plan() -> None:
    out = run(_prostate())
    holders = {p["id"] for p in out["problems"] for o in p["options"]
               if o["group"] == "radiopharmaceutical"}
    if len(holders) <= 1:
        return
    # otherwise the problems must say that the agents exclude each other
    linked = [c for p in out["problems"] for c in p["conflicts"]
              if sum(str(x).startswith("rp.") for x in c["between"]) == 2]
    assert linked, holders


# ---- dexamethasone and the urgency of imaging ------------------------------------------------

@pytest.mark.parametrize(("fields", "expected"), [
    # compression on MRI without a deficit and mild pain: steroids are not routine (NICE NG234)
    pytest.param({"escc": "2", "neurological_deficit": "none", "worst_pain": 3}, None,
                 id="escc2-no-deficit-pain-3"),
    # the same with severe pain (>= 7/10, project threshold): considered for pain, urgent
    pytest.param({"escc": "2", "neurological_deficit": "none", "worst_pain": 8},
                 ("consider", "urgent"), id="escc2-no-deficit-pain-8"),
    # with a neurological deficit: 16 mg now, an emergency (NICE NG234; Sorensen 1994)
    pytest.param({"escc": "2", "neurological_deficit": "myelopathy"},
                 ("recommended", "emergency"), id="escc2-myelopathy"),
])
def test_dexamethasone_follows_the_neurology(fields: dict[str, Any],
                                             expected: tuple[str, str] | None) -> None:
    out = run(case(lesions=[spine(**fields)]))
    found = recs(out, "supportive.dexamethasone", "S")
    if expected is None:
        assert not found
        alert = next(a for a in out["alerts"] if a["id"] == "mescc")
        assert "16 mg now" not in alert["message"]
    else:
        assert (found[0]["strength"], found[0]["urgency"]) == expected
        assert found[0]["details"]["dose_mg"] == 16


def test_radicular_pain_with_unknown_escc_gets_a_same_day_mri_in_alert_and_work_up() -> None:
    # radicular pain is a neurological symptom of MSCC (NICE NG234): MRI within 24 hours, and
    # the alert and the work-up say the same urgency (issue 12, 7)
    lesion = spine(neurological_deficit="radiculopathy")
    del lesion["escc"]
    out = run(case(lesions=[lesion]))
    alert = next(a for a in out["alerts"] if a["id"] == "mescc")
    assert alert["severity"] == "critical" and "24 hours" in alert["message"]
    mri = [i for i in out["workup"]["items"] if i["id"] == "mri-spine"]
    assert mri and mri[0]["urgency"] == "emergency"
