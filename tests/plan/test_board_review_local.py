"""Local treatment after the second board review: the cases in tests/plan/review_cases/r2b-*.

Each test states what the board (and the source) expects; the synthetic cases are built so
that the defect the review found would make the test fail.
"""

from __future__ import annotations

from typing import Any

from tests.plan.test_board_review import problem, run


def recs(out: dict[str, Any], lesion: str | None = None) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in out["recommendations"]
            if lesion is None or r["lesion"] == lesion}


def workup(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in out["workup"]["items"]}


# ---- 1. a bone fixed before: not fixed again, the fracture risk stays visible ------------

def test_bone_fixed_long_ago_gets_review_and_palliative_rt_not_postoperative() -> None:
    # fixation on 2024-06-01, assessed 2026-03-10 (647 days): Mirels 3+3+3+2 = 11 is not
    # hidden; no second fixation; no "post-operative" course (usually 2-4 weeks after
    # surgery, 6 weeks at most: project default) but ordinary palliative RT for pain
    out = run("r2b-01-fixed-long-ago")
    r = recs(out, "Lfem")
    assert "surgery.prophylactic-fixation" not in r and "rt.postoperative" not in r
    review = r["surgery.orthopaedic-review"]
    assert "Mirels 11" in review["rationale"] and "2024-06-01" in review["rationale"]
    assert r["rt.uncomplicated"]["urgency"] == "routine"
    assert "fixed earlier" in r["rt.uncomplicated"]["rationale"]


def test_recent_fixation_gets_postoperative_rt() -> None:
    # fixation 2026-02-24, assessed 2026-03-10: 14 days, inside the 42-day window
    out = run("r2b-01-fixed-recently")
    r = recs(out, "Lfem")
    assert r["rt.postoperative"]["urgency"] == "urgent"
    assert "14 days ago" in r["rt.postoperative"]["rationale"]
    assert "rt.uncomplicated" not in r and "surgery.orthopaedic-review" not in r


def test_undated_fixation_keeps_postoperative_rt_and_asks_the_date() -> None:
    # unknown date: it may be recent, so the post-operative course is kept (knowing less
    # never removes it) and the date is asked for
    out = run("r2b-01-fixed-undated")
    assert "rt.postoperative" in recs(out, "Lfem")
    assert any(n["for"] == "rt.postoperative"
               and n["missing"] == ["lesions[0].prior_surgery[0].date"]
               for n in out["needs_data"])


# ---- 2. about a month to live: no prophylactic surgery ---------------------------------

def test_one_month_survival_gets_no_prophylactic_arthroplasty() -> None:
    # estimate 1 month < 6 weeks (42 / 30.4375 = 1.38 months; AAOS 2023 "about one month may
    # not be a candidate"): prophylactic surgery not recommended; radiotherapy alone, and the
    # fracture alert does not send the patient for prophylactic fixation either
    out = run("r2b-02-one-month")
    r = recs(out, "Lfem")
    assert r["surgery.prophylactic-fixation"]["strength"] == "not-recommended"
    assert "after" not in r["rt.uncomplicated"]["details"]
    assert "no fixation" in r["rt.uncomplicated"]["title"]
    alert = next(a for a in out["alerts"] if a["id"] == "impending-fracture")
    assert "prophylactic fixation before" not in alert["message"]
    p = problem(out, "impending-fracture")
    assert [o["recommendation"] for o in p["options"]] == ["rt.uncomplicated"]


# ---- 3. an established fracture declined for surgery and radiotherapy -------------------

def test_declined_fracture_gets_splinting_not_ablation_and_no_mirels_request() -> None:
    # ablation and focused ultrasound do not stabilise a fracture; Mirels predicts a fracture
    # and does not apply once the bone is broken (Mirels 1989)
    out = run("r2b-03-fracture-declines")
    r = recs(out, "Rfem")
    assert "ir.ablation" not in r and "ir.mrgfus" not in r
    care = r["supportive.fracture-care"]
    assert care["strength"] == "recommended" and "orthopaedic surgeons review" in \
        care["rationale"]
    assert [o["recommendation"] for o in problem(out, "fracture")["options"]] == [
        "supportive.fracture-care"]
    assert not [n for n in out["needs_data"] if n["for"] == "mirels"]
    assert not any("Mirels" in i["reason"] for i in out["workup"]["items"])


# ---- 4. cord compression with the surgical criteria unknown -----------------------------

def test_unknown_surgical_criteria_keep_the_surgeons_in_the_compression_plan() -> None:
    # Frankel, fitness and expected survival unknown: each either enables Patchell surgery or
    # is the surgeons' judgement, so the opinion is asked today and the facts are emergencies
    out = run("r2b-04-mscc-unknowns")
    opinion = recs(out, "T8")["surgery.decompression-opinion"]
    assert (opinion["strength"], opinion["urgency"]) == ("recommended", "emergency")
    assert "patient." not in opinion["rationale"] and "None" not in opinion["rationale"]
    w = workup(out)
    for item in ("frankel", "surgical_candidate", "estimated_survival_months"):
        assert w[item]["urgency"] == "emergency", item
    p = problem(out, "cord-compression")
    assert "surgery.decompression-opinion" in [o["recommendation"] for o in p["options"]]


# ---- 5. below L1 it is the cauda equina -------------------------------------------------

def test_sacral_compression_is_called_cauda_equina_compression() -> None:
    # the cord ends at L1/L2; an S1 lesion compresses the cauda equina (NICE NG234 covers both
    # as MSCC); Patchell 2005 excluded cauda equina compression alone
    out = run("r2b-05-sacral")
    p = problem(out, "cord-compression")
    assert p["title"] == "Cauda equina compression at S1"
    texts = [r["title"] + r["rationale"] for r in out["recommendations"] if r["lesion"] == "S1"]
    texts += [a["message"] for a in out["alerts"] if a["lesion"] == "S1"]
    assert texts and not any("ord compression" in t for t in texts)
    assert any("cauda equina" in t for t in texts)
    assert "did not include compression of the cauda equina" in \
        recs(out, "S1")["surgery.decompression-opinion"]["rationale"]


# ---- 6. compression three weeks after radiotherapy to the level -------------------------

def test_compression_three_weeks_after_rt_is_not_a_plain_course() -> None:
    # 8 Gy x 1 on 2026-02-17, assessed 2026-03-10: 21 days (< 1 month, ASTRO 2017); any later
    # course needs the cumulative cord dose (Nieder 2006); surgery and SBRT to the specialists
    out = run("r2b-06-reirradiation-3w")
    r = recs(out, "T10")
    assert "rt.mescc-conventional" not in r
    re = r["rt.reirradiation"]
    assert re["strength"] == "not-recommended" and re["details"]["regimens"] == []
    assert "not possible now" in re["rationale"] and "cumulative cord dose" in re["rationale"]
    assert "spinal surgeons and the clinical oncologist" in re["rationale"]
    assert re["urgency"] == "emergency"


# ---- 7. SINS 7-12 -------------------------------------------------------------------------

def test_sins_7_to_12_consultation_is_recommended() -> None:
    # SINS L3 mobile 2 + mechanical 3 + lytic 2 + normal 0 + no collapse 0 + none 0 = 7;
    # Fourney 2011: "surgical consultation is recommended" for SINS 7 or more
    out = run("r2b-07-sins-potentially-unstable")
    c = recs(out, "L3")["surgery.spinal-consultation"]
    assert c["strength"] == "recommended" and "recommended" in c["rationale"]


# ---- 8. one course of radiotherapy per site -----------------------------------------------

def test_ablative_and_palliative_rt_for_one_lesion_are_alternatives() -> None:
    # SABR to every metastasis (SABR-COMET) includes the humerus: with the palliative course
    # for that lesion, choose one
    out = run("r2b-08-oligometastatic")
    local = next(p for p in out["problems"] if p["lesion"] == "Lhum")
    assert any(set(c["between"]) == {"rt.uncomplicated", "rt.oligometastatic-sabr"}
               for c in local["conflicts"])
    systemic = problem(out, "systemic-disease")
    assert any("rt.uncomplicated" in c["between"] for c in systemic["conflicts"])


def test_two_courses_for_one_spinal_lesion_are_choose_one() -> None:
    # conventional RT and SC.24-selected SBRT for L3 cannot both be given: one group
    out = run("r2b-07-sins-potentially-unstable")
    local = next(p for p in out["problems"] if p["lesion"] == "L3")
    rt = [o for o in local["options"] if o["recommendation"].startswith("rt.")]
    assert len(rt) == 2
    assert {(o["role"], o["group"]) for o in rt} == {("choose-one", "radiotherapy-course")}
