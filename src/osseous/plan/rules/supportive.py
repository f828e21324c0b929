"""Supportive care: dexamethasone for cord compression, treatment of hypercalcaemia,
analgesia by recorded pain and oral morphine equivalents, and pain response at follow-up."""

from __future__ import annotations

from collections.abc import Iterator

from osseous.plan.context import Context, compression_term
from osseous.plan.engine import rule
from osseous.plan.model import Finding, NeedsData, NotApplicable, Recommendation
from osseous.plan.rules._common import where

DEFICIT_WORDS = {"myelopathy": "myelopathy", "cauda-equina": "a cauda equina syndrome",
                 "radiculopathy": "radicular symptoms"}
HCM_REFS = ("el-hajj-fuleihan-2023", "zometa-label", "pamidronate-label", "calcitonin-label",
            "xgeva-label")


@rule("supportive.dexamethasone", "supportive-care", "2",
      ("nice-ng234-2023", "astro-2024", "sorensen-1994"))
def dexamethasone(ctx: Context) -> Iterator[Finding]:
    """Cord compression with neurological symptoms or signs: dexamethasone 16 mg by mouth (or
    the parenteral equivalent) as soon as possible, then 16 mg daily until surgery or
    radiotherapy, stopped if compression is ruled out (NICE NG234); radiotherapy with
    dexamethasone is recommended over radiotherapy alone (ASTRO 2024)."""
    given = False
    for les in ctx.spinal:
        if not ctx.mescc(les):
            continue
        deficit = les.neurological_deficit not in (None, "none")
        if not deficit and les.neurological_deficit is None:
            yield NeedsData(missing=(ctx.path(les, "neurological_deficit"),),
                            reason="steroids are for compression with neurological symptoms",
                            lesion=les.id)
            continue
        if not deficit:
            severe = les.worst_pain is not None and les.worst_pain >= 7
            if not severe:
                yield NotApplicable(reason="compression on imaging without neurological symptoms "
                                    "or signs and without severe pain: steroids are not routine",
                                    based_on={"neurological_deficit": "none",
                                     "worst_pain": les.worst_pain}, lesion=les.id)
                continue
            yield Recommendation(
                id="supportive.dexamethasone", modality="supportive-care",
                title=f"Consider dexamethasone for pain from compression at {where(les)}",
                strength="consider", urgency="urgent",
                rationale="Compression on imaging without neurological symptoms or signs: "
                          "steroids are "
                f"not routine (NICE NG234); with severe pain ({les.worst_pain:g}/10) a short "
                "course may be considered for pain.",
                based_on={"escc": les.escc, "neurological_deficit": les.neurological_deficit,
                 "worst_pain": les.worst_pain},
                references=("nice-ng234-2023",), lesion=les.id, details={"drug": "dexamethasone",
                            "dose_mg": 16})
            continue
        if given:
            continue  # one dexamethasone for the patient, however many levels are compressed
        given = True
        compressed = [x for x in ctx.spinal if ctx.mescc(x)
                      and x.neurological_deficit not in (None, "none")]
        levels = [where(x) for x in compressed]
        terms = {compression_term(x) for x in compressed}
        term = terms.pop() if len(terms) == 1 else "cord or cauda equina compression"
        active = ctx.medications(("dexamethasone",), ("active",))
        title = ("Continue dexamethasone, 16 mg daily in total" if active else
                 "Dexamethasone 16 mg now, then 16 mg daily in total")
        yield Recommendation(
            id="supportive.dexamethasone", modality="supportive-care",
            title=title, strength="recommended", urgency="emergency",
            rationale=f"{term[0].upper() + term[1:]} at {', '.join(levels)} with "
                      f"{DEFICIT_WORDS.get(les.neurological_deficit or '', 'a deficit')}: "
                      "dexamethasone as soon as possible and until surgery or radiotherapy, one "
                      "course for the patient whatever the number of levels (NICE NG234); with "
                      "radiotherapy it preserved walking better than radiotherapy alone "
                      "(Sorensen 1994). Protect the stomach and monitor "
                      "glucose." + (" Already started: continue, do not add a second loading "
                                    "dose." if active else ""),
            based_on={"escc": les.escc, "neurological_deficit": les.neurological_deficit,
                      "dexamethasone_active": bool(active)},
            references=("nice-ng234-2023", "astro-2024", "sorensen-1994"), lesion=les.id,
            details={"drug": "dexamethasone", "dose_mg": 16, "daily_total_mg": 16,
                     "route": "oral or parenteral equivalent", "continue": bool(active)})


@rule("supportive.hypercalcemia", "supportive-care", "2", HCM_REFS)
def hypercalcemia(ctx: Context) -> Iterator[Finding]:
    """Hypercalcaemia of malignancy: intravenous saline and no calcium or vitamin D; zoledronic
    acid 4 mg (no adjustment for creatinine < 4.5 mg/dL; retreat after >= 7 days) or
    pamidronate 60-90 mg when corrected calcium is >= 12 mg/dL, denosumab instead with
    creatinine clearance < 30 mL/min, dialysis or creatinine >= 4.5 mg/dL (and suggested over a
    bisphosphonate, Endocrine Society 2023); calcitonin added when calcium is > 14 mg/dL;
    glucocorticoids first for lymphoma. A total calcium whose every plausible correction is
    raised is treated by its lowest possible value."""
    cs = ctx.calcium_status
    low = cs.grade_low or 0
    if not low:
        if cs.source in ("corrected", "ionised"):
            yield NotApplicable(reason=f"calcium not raised ({cs.text})", based_on=dict(cs.based))
        return  # alert.hypercalcemia asks for the missing values
    value = cs.corrected_low_mg_dl
    creat = ctx.state.lab("creatinine")
    st = ctx.state
    renal = bool(st.dialysis) or (st.crcl is not None and st.crcl < 30) or (
        creat is not None and creat.value >= 4.5)
    based = {**dict(cs.based), "ctcae_grade_at_least": low,
             "creatinine_mg_dl": round(creat.value, 2) if creat else None,
             "crcl_ml_min": st.crcl, "dialysis": st.dialysis}
    mild = low == 1 or (value is not None and value < 12 and cs.source != "ionised")
    if mild and low < 3:
        yield Recommendation(
            id="supportive.hypercalcemia-mild", modality="supportive-care",
            title="Mild hypercalcaemia: hydrate, stop calcium-raising medicines, recheck",
            strength="recommended", urgency="urgent",
            rationale=f"{cs.text[0].upper() + cs.text[1:]}: below 12 mg/dL, the label threshold "
            "for bisphosphonate treatment of hypercalcaemia of malignancy. Stop calcium and "
            "vitamin D supplements.", based_on=based,
            references=("el-hajj-fuleihan-2023", "zometa-label"), lesion=None,
            details={"agent": None})
        return
    agent: str | None = "denosumab" if renal else "zoledronic-acid"
    steps = ["intravenous 0.9% saline, aiming for about 2 L of urine a day" if not st.dialysis
             else "on dialysis: no saline load; dialysis against a low-calcium bath with the "
                  "nephrologists",
             "stop calcium and vitamin D supplements and other calcium-raising medicines"]
    if st.pregnant:
        agent = None
        steps.append("pregnant: bisphosphonates and denosumab are not given (fetal harm in "
                     "their labels); calcitonin 4 IU/kg every 12 hours, with obstetric and "
                     "endocrine specialists")
    elif renal:
        steps.append("denosumab 120 mg subcutaneously (renal failure: creatinine clearance "
                     "under 30 mL/min, dialysis or creatinine 4.5 mg/dL or more, where the "
                     "bisphosphonate labels give no safe dose); watch for hypocalcaemia")
    else:
        steps.append("zoledronic acid 4 mg over at least 15 minutes (no adjustment for "
                     "creatinine < 4.5 mg/dL; retreat after 7 days) or pamidronate "
                     + ("90" if value is not None and value > 13.5 else "60-90")
                     + " mg over 2-24 hours; denosumab is suggested over a bisphosphonate and "
                     "for disease refractory to one")
    corrected_range = dict(cs.based).get("corrected_range_mg_dl")
    may_exceed_14 = (value is not None and value > 14) or (
        isinstance(corrected_range, tuple) and corrected_range[1] > 14) or (
        cs.source == "ionised" and low >= 4)
    if may_exceed_14 and not st.pregnant:
        # with albumin unknown the value that may be over 14 mg/dL is treated as such
        steps.append("add calcitonin 4 IU/kg every 12 hours (fast but short-lived)")
    if ctx.primary == "lymphoma":
        steps.insert(1, "glucocorticoids first (calcitriol-mediated hypercalcaemia)")
    details: dict[str, object] = {"agent": agent, "steps": steps}
    details["dose_mg"] = None if agent is None else 120.0 if renal else 4.0
    yield Recommendation(
        id="supportive.hypercalcemia", modality="supportive-care",
        title="Treat hypercalcaemia of malignancy today", strength="recommended",
        urgency="emergency" if low >= 3 else "urgent",
        rationale=f"{cs.text[0].upper() + cs.text[1:]} (CTCAE grade {low}"
        f"{'' if cs.exact else ' at least'}): " + "; ".join(steps) + ".",
        based_on=based, references=HCM_REFS, lesion=None, details=details)


@rule("supportive.analgesia", "supportive-care", "1",
      ("who-2018-cancer-pain", "fallon-2018-esmo-pain", "cdc-2022"))
def analgesia(ctx: Context) -> Iterator[Finding]:
    """Worst recorded pain of 4/10 or more: analgesia reviewed (regular opioid for moderate to
    severe cancer pain, non-opioid and adjuvant as needed, breakthrough doses), with the oral
    morphine equivalent daily dose recorded for follow-up."""
    pains = [les.worst_pain for les in ctx.case.lesions if les.worst_pain is not None]
    omed = ctx.score("omed")
    if not pains:
        if ctx.case.lesions:
            yield NeedsData(missing=tuple(ctx.path(les, "worst_pain") for les in ctx.case.lesions),
                            reason="pain scores decide the analgesia advice")
        return
    worst = max(pains)
    based = {"worst_pain": worst, "omed_mg_per_day": omed.total if omed else None}
    if worst < 4:
        yield NotApplicable(reason="worst pain below 4/10", based_on=based)
        return
    on_opioid = omed is not None and omed.total not in (None, 0)
    yield Recommendation(
        id="supportive.analgesia", modality="supportive-care", title="Review analgesia",
        strength="recommended",
        urgency="urgent" if worst >= 7 else "routine",
        rationale=f"Worst pain {worst:g}/10" + (f" on {omed.total:g} mg/day oral morphine "
                                                "equivalent"
                                      if on_opioid and omed else "")
        + ": regular opioid for moderate to severe cancer pain, with non-opioids and "
        "breakthrough doses (WHO 2018; ESMO 2018). Oral morphine equivalents are recorded to "
        "follow exposure, not to convert between opioids.",
        based_on=based, references=("who-2018-cancer-pain", "fallon-2018-esmo-pain", "cdc-2022"),
        lesion=None,
        details={"omed_mg_per_day": omed.total if omed else None})


@rule("supportive.pain-follow-up", "supportive-care", "1", ("chow-2012", "astro-2017"))
def pain_follow_up(ctx: Context) -> Iterator[Finding]:
    """Pain response of each treated lesion at its latest follow-up (International Consensus):
    complete or partial -> continue follow-up; progression or indeterminate -> re-evaluate
    (re-irradiation after more than 1 month, ablation, analgesia)."""
    latest: dict[str, dict[str, object]] = {}
    for s in ctx.scores_of("pain-response"):
        if s.lesion is None or s.band is None:
            continue
        latest[s.lesion] = {"response": s.band, "follow_up": s.extra.get("follow_up"),
                            "days_after_radiotherapy": s.extra.get("days_after_radiotherapy")}
    for lesion, info in latest.items():
        good = info["response"] in ("complete", "partial")
        yield Recommendation(
            id="supportive.pain-follow-up", modality="supportive-care",
            title=f"Pain response at {lesion}: {info['response']}",
            strength="recommended" if good else "consider", urgency="routine",
            rationale=f"At {info['days_after_radiotherapy']} days after radiotherapy the "
            f"International Consensus response is {info['response']}: "
            + ("continue follow-up." if good else
               "re-evaluate - re-irradiation after more than 1 month, ablation, analgesia."),
            based_on=info, references=("chow-2012", "astro-2017"), lesion=lesion,
            details={"response": info["response"]})


@rule("supportive.fracture-care", "supportive-care", "1", ("aaos-2023", "coleman-2020-esmo"))
def fracture_care(ctx: Context) -> Iterator[Finding]:
    """A pathological fracture of a long bone that will not be fixed (the patient declines
    surgery, is not a candidate, or the goal is comfort): splint or brace, protected
    weight-bearing and regular analgesia, with radiotherapy for pain where accepted, and the
    orthopaedic surgeons review the non-operative decision. Ablation and focused ultrasound do
    not stabilise a fracture and are not offered for it (ir.ablation)."""
    st = ctx.state
    barrier = st.surgery_barrier()
    for les in ctx.bones:
        if not les.pathological_fracture or ctx.fixed(les):
            continue
        if barrier is None:
            continue  # fixation is offered: immobilisation is in the fracture alert
        rt = ("radiotherapy is declined by the patient" if st.declined("radiotherapy") else
              "radiotherapy to the fracture treats the pain")
        yield Recommendation(
            id="supportive.fracture-care", modality="supportive-care",
            title=f"Splint or brace, protected weight-bearing and analgesia for the fracture of "
                  f"the {les.site}",
            strength="recommended", urgency="urgent",
            rationale=f"Pathological fracture of the {les.site} that will not be fixed "
            f"({barrier}): a splint, brace or sling and protected (or no) weight-bearing, regular "
            f"analgesia and nursing care; {rt}. Ablation and focused ultrasound do not "
            "stabilise a fracture. The orthopaedic surgeons review the non-operative decision "
            "with the patient (board practice; fixation is the treatment of a pathological "
            "fracture when possible, AAOS 2023, ESMO 2020).",
            based_on={"pathological_fracture": True, "surgery_barrier": barrier,
                      "radiotherapy_declined": st.declined("radiotherapy")},
            references=("aaos-2023", "coleman-2020-esmo"), lesion=les.id,
            details={"procedure": "immobilisation", "orthopaedic_review": True})
