"""Properties of the whole plan over generated cases (hypothesis)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osseous.plan.engine import assess
from tests.conftest import make_case

PRIMARIES = ["breast", "prostate", "lung-nsclc", "kidney", "thyroid", "myeloma", "colon",
             "bladder", "melanoma", "lymphoma"]
maybe = lambda s: st.none() | s  # noqa: E731


@st.composite
def spinal_lesions(draw: Any, i: int) -> dict[str, Any]:
    return {k: v for k, v in {
        "id": f"S{i}", "site": "spine",
        "levels": draw(maybe(st.sampled_from([["T4"], ["L1"], ["T11", "T12"], ["C5"]]))),
        "pain_character": draw(maybe(st.sampled_from(["mechanical", "non-mechanical", "none"]))),
        "worst_pain": draw(maybe(st.integers(0, 10))),
        "appearance": draw(maybe(st.sampled_from(["lytic", "mixed", "blastic"]))),
        "alignment": draw(maybe(st.sampled_from(["normal", "de-novo-deformity",
                                                  "subluxation"]))),
        "collapse": draw(maybe(st.sampled_from(["none", "under-50", "over-50"]))),
        "posterolateral": draw(maybe(st.sampled_from(["none", "unilateral", "bilateral"]))),
        "escc": draw(maybe(st.sampled_from(["0", "1a", "1b", "1c", "2", "3"]))),
        "neurological_deficit": draw(maybe(st.sampled_from(["none", "radiculopathy",
                                                             "myelopathy"]))),
        "retropulsion": draw(maybe(st.booleans())),
        "prior_radiotherapy": draw(maybe(st.sampled_from([
            [], [{"dose_gy": 8, "fractions": 1, "date": "2026-03-01"}],
            [{"dose_gy": 30, "fractions": 10, "date": "2025-01-01"}]]))),
    }.items() if v is not None}


@st.composite
def bone_lesions(draw: Any, i: int) -> dict[str, Any]:
    site = draw(st.sampled_from(["femur", "humerus", "acetabulum", "rib", "pelvis"]))
    lesion = {
        "id": f"B{i}", "site": site,
        "pain_severity": draw(maybe(st.sampled_from(["mild", "moderate", "functional"]))),
        "worst_pain": draw(maybe(st.integers(0, 10))),
        "appearance": draw(maybe(st.sampled_from(["lytic", "mixed", "blastic"]))),
        "size_fraction": draw(maybe(st.sampled_from(["<1/3", "1/3-2/3", ">2/3"]))),
        "pathological_fracture": draw(maybe(st.booleans())),
        "axial_cortical_involvement_mm": draw(maybe(st.integers(0, 60))),
    }
    if site == "femur":
        lesion["region"] = draw(maybe(st.sampled_from(["shaft", "peritrochanteric"])))
    return {k: v for k, v in lesion.items() if v is not None}


@st.composite
def cases(draw: Any) -> dict[str, Any]:
    labs = []
    for analyte, unit, values in (("creatinine", "mg/dL", st.floats(0.5, 4.0)),
                                  ("albumin", "g/dL", st.floats(2.0, 5.0)),
                                  ("calcium", "mg/dL", st.floats(7.0, 15.0)),
                                  ("platelets", "10*9/L", st.floats(40, 300)),
                                  ("anc", "10*9/L", st.floats(0.5, 6)),
                                  ("hemoglobin", "g/dL", st.floats(7, 15))):
        value = draw(maybe(values))
        if value is not None:
            labs.append({"analyte": analyte, "value": round(value, 2), "unit": unit})
    patient = {k: v for k, v in {
        "age_years": draw(maybe(st.integers(30, 90))),
        "sex": draw(maybe(st.sampled_from(["female", "male"]))),
        "weight_kg": draw(maybe(st.integers(40, 110))),
        "ecog": draw(maybe(st.integers(0, 4))),
        "karnofsky": draw(maybe(st.sampled_from([40, 60, 80, 100]))),
        "ambulatory": draw(maybe(st.sampled_from(["independent", "non-ambulatory"]))),
        "frankel": draw(maybe(st.sampled_from(["A", "C", "E"]))),
        "surgical_candidate": draw(maybe(st.booleans())),
        "estimated_survival_months": draw(maybe(st.sampled_from([0.5, 2, 6, 24]))),
        "dialysis": draw(maybe(st.booleans())),
    }.items() if v is not None}
    cancer = {k: v for k, v in {
        "primary": draw(maybe(st.sampled_from(PRIMARIES))),
        "hormone_receptor_positive": draw(maybe(st.booleans())),
        "castration_resistant": draw(maybe(st.booleans())),
        "visceral_metastases": draw(maybe(st.sampled_from(["none", "treatable",
                                                           "untreatable"]))),
        "visceral_sites": draw(maybe(st.sampled_from([[], ["liver"], ["lymph-node"]]))),
        "brain_metastases": draw(maybe(st.booleans())),
        "prior_chemotherapy_lines": draw(maybe(st.integers(0, 4))),
        "psma_pet_positive": draw(maybe(st.booleans())),
    }.items() if v is not None}
    n_spine = draw(st.integers(0, 2))
    n_bone = draw(st.integers(0, 2))
    lesions = [draw(spinal_lesions(i)) for i in range(n_spine)]
    lesions += [draw(bone_lesions(i)) for i in range(n_bone)]
    meds = draw(st.sampled_from([[], [{"drug": "zoledronic-acid", "status": "planned"}],
                                 [{"drug": "denosumab", "status": "active"}],
                                 [{"drug": "abiraterone", "status": "active"}]]))
    return {"patient": patient, "cancer": cancer, "labs": labs, "lesions": lesions,
            "medications": meds}


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _assess(doc: dict[str, Any]) -> dict[str, Any]:
    return assess(make_case(doc))


def _advice(out: dict[str, Any]) -> dict[str, Any]:
    return {k: out[k] for k in ("scores", "alerts", "recommendations", "needs_data")}


@SETTINGS
@given(cases())
def test_every_recommendation_has_basis_and_sources(doc: dict[str, Any]) -> None:
    out = _assess(doc)
    for r in out["recommendations"]:
        assert r["references"] and r["based_on"] and r["rationale"] and r["title"]
    for a in out["alerts"]:
        assert a["references"] and a["message"]


@SETTINGS
@given(cases())
def test_nothing_forbidden_is_recommended(doc: dict[str, Any]) -> None:
    out = _assess(doc)
    # the lowest clearance still possible: with only the sex missing, the female value
    # (decisions.md, "Calcium and bone-modifying agents after the second board review")
    crcl = next((s["range"][0] if s["total"] is None and s["range"] else s["total"]
                 for s in out["scores"] if s["score"] == "crcl"), None)
    c = doc["cancer"]
    for r in out["recommendations"]:
        if r["strength"] != "recommended" and r["strength"] != "consider":
            continue
        if r["id"] in ("bma.zoledronic-acid", "bma.pamidronate"):
            assert crcl is not None and crcl >= 30
        if r["id"] == "rp.radium-223":
            assert c.get("visceral_metastases") == "none" or set(
                c.get("visceral_sites") or ()) <= {"lymph-node"}
            assert not any(m["drug"] == "abiraterone" for m in doc["medications"])
        if r["id"] == "bma.denosumab":
            calcium = next(s for s in out["scores"] if s["score"] == "corrected-calcium")
            assert calcium["band"] != "low"


@SETTINGS
@given(cases(), st.text(min_size=1, max_size=8).filter(str.isidentifier))
def test_unknown_fields_never_change_the_assessment(doc: dict[str, Any], name: str) -> None:
    before = _advice(_assess(doc))
    noisy = copy.deepcopy(doc)
    noisy[f"x_{name}"] = 1
    noisy["patient"][f"x_{name}"] = "anything"
    for lesion in noisy["lesions"]:
        lesion[f"x_{name}"] = [1, 2]
    assert _advice(_assess(noisy)) == before


def _removals(doc: dict[str, Any]) -> list[tuple[str, ...]]:
    out = [("patient", k) for k in doc["patient"]] + [("cancer", k) for k in doc["cancer"]]
    out += [("lesions", str(i), k) for i, les in enumerate(doc["lesions"]) for k in les
            if k not in ("id", "site")]
    return out


def _remove(doc: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    copy_ = copy.deepcopy(doc)
    target = copy_[path[0]]
    if path[0] == "lesions":
        target = target[int(path[1])]
    del target[path[-1]]
    return copy_


def _fired(out: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(t["rule"], f.get("lesion")) for t in out["trace"] for f in t["findings"]
            if "fired" in f or "alert" in f}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_removing_a_fact_never_turns_needs_data_into_advice(doc: dict[str, Any],
                                                            data: Any) -> None:
    """A rule that could not decide (needs data, no advice) with more facts must not give
    advice with fewer."""
    full = assess(make_case(doc), trace=True)
    undecided = {(n["for"], n.get("lesion")) for n in full["needs_data"]} - _fired(full)
    removals = _removals(doc)
    if not removals:
        return
    path = data.draw(st.sampled_from(removals))
    reduced = assess(make_case(_remove(doc, path)), trace=True)
    assert not undecided & _fired(reduced), (undecided & _fired(reduced), path)
