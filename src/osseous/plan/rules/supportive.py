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
HYPO_REFS = ("turner-2016-hypocalcaemia", "xgeva-label", "zometa-label", "ctcae-5")


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
        definitive_declined = (ctx.state.declined("surgery")
                               and ctx.state.declined("radiotherapy"))
        title = ("Continue dexamethasone, 16 mg daily in total" if active else
                 "Dexamethasone 16 mg now, then 16 mg daily in total")
        yield Recommendation(
            id="supportive.dexamethasone", modality="supportive-care",
            title=title, strength="recommended", urgency="emergency",
            rationale=f"{term[0].upper() + term[1:]} at {', '.join(levels)} with "
                      f"{DEFICIT_WORDS.get(les.neurological_deficit or '', 'a deficit')}: "
                      + ("dexamethasone as soon as possible and until surgery or radiotherapy, "
                         if not definitive_declined else
                         "dexamethasone as soon as possible; the patient declines both surgery "
                         "and radiotherapy, so it is the only treatment of the compression: "
                         "continue it, review the decision with the patient, and plan its "
                         "taper with the palliative care team; ")
                      + "one course for the patient whatever the number of levels (NICE NG234); "
                      "with "
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
    glucocorticoids first for lymphoma. A total calcium raised whatever the albumin is treated
    by the worst grade a plausible albumin gives, and the albumin is asked for today. A patient
    who declines bone-modifying agents is offered calcitonin as a bridge and the agent is
    discussed with them, never given as planned."""
    cs = ctx.calcium_status
    low, worst = cs.grade_low or 0, cs.worst
    if not low:
        if cs.source in ("corrected", "ionised"):
            yield NotApplicable(reason=f"calcium not raised ({cs.text})", based_on=dict(cs.based))
        return  # alert.hypercalcemia asks for the missing values
    value = cs.corrected_high_mg_dl  # the worst plausible corrected value
    creat = ctx.state.lab("creatinine")
    st = ctx.state
    renal = bool(st.dialysis) or (st.crcl is not None and st.crcl < 30) or (
        creat is not None and creat.value >= 4.5)
    based = {**dict(cs.based), "ctcae_grade_at_least": low, "ctcae_grade_worst": worst,
             "creatinine_mg_dl": round(creat.value, 2) if creat else None,
             "crcl_ml_min": st.crcl, "dialysis": st.dialysis}
    text = _cap(cs.text)
    albumin = ("" if cs.exact else " Albumin today: it grades the calcium exactly and may make "
               "part of this treatment unnecessary.")
    mild = worst == 1 or (value is not None and value < 12 and cs.source != "ionised")
    if mild:
        yield Recommendation(
            id="supportive.hypercalcemia-mild", modality="supportive-care",
            title="Mild hypercalcaemia: hydrate, stop calcium-raising medicines, recheck",
            strength="recommended", urgency="urgent",
            rationale=f"{text}. {_cap(cs.grade_words())}: below 12 mg/dL [3.0 mmol/L], the label "
            "threshold for bisphosphonate treatment of hypercalcaemia of malignancy. Stop "
            "calcium and vitamin D supplements." + albumin, based_on=based,
            references=("el-hajj-fuleihan-2023", "zometa-label"), lesion=None,
            details={"agent": None, "albumin_needed": not cs.exact})
        return
    declined = st.declined("bone-modifying-agent")
    agent: str | None = "denosumab" if renal else "zoledronic-acid"
    steps = ["intravenous 0.9% saline, aiming for about 2 L of urine a day" if not st.dialysis
             else "on dialysis: no saline load; dialysis against a low-calcium bath with the "
                  "nephrologists",
             "stop calcium and vitamin D supplements and other calcium-raising medicines"]
    calcitonin = "calcitonin 4 IU/kg every 12 hours"
    if st.pregnant:
        agent = None
        steps.append("pregnant: bisphosphonates and denosumab are not given (fetal harm in "
                     f"their labels); {calcitonin}, with obstetric and endocrine specialists")
    elif declined:
        named = "denosumab" if renal else "zoledronic acid"
        agent = "calcitonin"
        steps.append(f"the patient declines bone-modifying agents: {calcitonin} as a bridge "
                     f"(not a bone-modifying agent; its effect wanes within days); {named} "
                     "treats hypercalcaemia of malignancy best: discuss it with the patient, "
                     "it is given only with consent for this indication")
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
    may_exceed_14 = (value is not None and value > 14) or (
        cs.source == "ionised" and worst >= 4)
    if may_exceed_14 and not st.pregnant and agent != "calcitonin":
        steps.append(f"add {calcitonin} (fast but short-lived)")
    if ctx.primary == "lymphoma":
        steps.insert(1, "glucocorticoids first (calcitriol-mediated hypercalcaemia)")
    details: dict[str, object] = {"agent": agent, "steps": steps,
                                  "albumin_needed": not cs.exact}
    details["dose_mg"] = (None if agent in (None, "calcitonin") else 120.0 if renal else 4.0)
    if agent == "calcitonin":
        details["dose_iu_per_kg"] = 4
    if declined:
        details["bone_modifying_agent_declined"] = True
        details["discuss_with_patient"] = "denosumab" if renal else "zoledronic-acid"
    comfort = st.goal == "comfort"
    if comfort:
        # at the end of life only distress is treated: one dose of the agent, fluids as
        # comfort allows, no urine targets or repeated blood tests
        steps[0] = ("fluids only as comfort allows (no saline load, no urine target)"
                    if not st.dialysis else steps[0])
        steps.insert(0, "goal of comfort: treat only if the high calcium causes distress "
                        "(confusion, thirst, nausea, pain); otherwise no treatment and no "
                        "repeat blood tests")
        details["comfort_only_if_symptomatic"] = True
    yield Recommendation(
        id="supportive.hypercalcemia", modality="supportive-care",
        title="If it causes distress: treat the high calcium (goal of comfort)" if comfort
        else "Treat hypercalcaemia of malignancy today",
        strength="consider" if comfort else "recommended",
        urgency="emergency" if worst >= 3 else "urgent",
        rationale=f"{text}. {_cap(cs.grade_words())}: " + "; ".join(steps) + "." + albumin,
        based_on=based, references=HCM_REFS, lesion=None, details=details)


@rule("supportive.hypocalcemia", "supportive-care", "2", HYPO_REFS)
def hypocalcemia(ctx: Context) -> Iterator[Finding]:
    """Hypocalcaemia (low whatever the albumin), graded by CTCAE: severe (adjusted calcium
    < 1.9 mmol/L, CTCAE grade 3-4, or any symptom) intravenous calcium gluconate with ECG
    monitoring, otherwise oral calcium and vitamin D (Society for Endocrinology 2016); magnesium
    checked; any bone-modifying agent held until calcium is corrected (Xgeva label: correct
    pre-existing hypocalcaemia first; Zometa label: monitor calcium and supplement); calcium
    repeated."""
    cs = ctx.calcium_status
    if not cs.low:
        return  # the calcium checks before an agent ask for what is missing
    grade, severe = cs.worst_low, cs.severe_low
    on = sorted({m.drug for m in ctx.on_bma()})
    agents = [d.replace("-", " ") for d in on]
    steps = [("intravenous calcium gluconate now: 10-20 mL of 10% in 50-100 mL of 5% dextrose "
              "over 10 minutes with ECG monitoring, then an infusion titrated to a normal "
              "calcium" if severe else
              "oral calcium and vitamin D (intravenous calcium gluconate if there are symptoms: "
              "tingling, cramps or tetany, a long QT interval, seizures)"),
             "check magnesium and phosphate and correct a low magnesium"]
    held = (" and ".join(agents) if agents else "any bone-modifying agent")
    steps.append(f"hold {held} until the calcium is corrected")
    steps.append("repeat calcium with albumin " + ("today, while the infusion is titrated"
                                                   if severe else "within a week and before "
                                                   "the next dose"))
    text = _cap(cs.text)
    yield Recommendation(
        id="supportive.hypocalcemia", modality="supportive-care",
        title=("Severe hypocalcaemia: intravenous calcium gluconate now" if severe else
               "Hypocalcaemia: calcium and vitamin D, then recheck") + (
                   f"; hold {held}" if agents else ""),
        strength="recommended", urgency="emergency" if severe else "urgent",
        rationale=f"{text}. {_cap(cs.grade_words(low=True))}: " + "; ".join(steps) + ".",
        based_on={**dict(cs.based), "hypocalcaemia_grade": grade, "bone_modifying_agents": on},
        references=HYPO_REFS, lesion=None,
        details={"route": "intravenous" if severe else "oral", "ctcae_grade": grade,
                 "hold_bone_modifying_agent": True, "held_agents": on, "recheck_calcium": True,
                 "albumin_needed": not cs.exact})


def _cap(words: str) -> str:
    return words[0].upper() + words[1:]


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
