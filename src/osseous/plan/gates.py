"""Patient-level gates applied to everything the rules propose, in one place.

The rules already read the patient state (:mod:`osseous.plan.state`) so that what they propose
is deliverable; the gates are the last word and leave a record of every option they remove:

* a recorded death removes every recommendation, every other alert and every data request;
* a refusal removes the declined family (``chemotherapy`` the chemotherapy category of
  systemic therapy, ``sbrt`` stereotactic radiotherapy) everywhere: "declined by the patient";
* a goal of comfort removes disease-directed treatment (systemic therapy, radiopharmaceuticals,
  surgery, stereotactic radiotherapy, bone-modifying agents given to prevent skeletal events);
* a known pregnancy removes radiopharmaceuticals and bone-modifying agents (fetal harm in their
  labels);
* under 18, no adult dose stands as a recommendation: such options become "consider" and their
  dose fields are withheld.

References: osseous-decisions (docs/clinical/decisions.md), the product labels named by the
pregnancy alert.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Final

from osseous.plan.document import NeedsDataDoc, RemovedDoc
from osseous.plan.model import Alert, Recommendation
from osseous.plan.state import PatientState

#: alerts about keeping a bone-modifying agent going, moot when a goal of comfort stops it
BONE_AGENT_UPKEEP: Final = frozenset({"denosumab-renal", "no-dental-exam", "bisphosphonate-renal",
                                      "zoledronic-dose", "bisphosphonate-withhold",
                                      "invasive-dental-procedure"})
#: detail fields that carry an adult dose or activity
DOSE_FIELDS: Final = ("dose_mg", "activity_mbq", "activity_per_kg", "regimens", "preferred")
PREGNANCY_EXCLUDED: Final = frozenset({"radiopharmaceutical", "bone-modifying-agent"})
#: removed in a known pregnancy as well: the endocrine agents, CDK4/6 inhibitors, cytotoxics,
#: targeted and immune therapies of the systemic categories carry contraindications or
#: embryo-fetal toxicity warnings in their labels; the specialists decide case by case
PREGNANCY_SPECIALIST: Final = frozenset({"systemic-therapy"})


@dataclass(frozen=True, slots=True)
class Removed:
    """An option the gates took out of the plan, and why (shown in the plan and the trace)."""

    id: str
    lesion: str | None
    modality: str
    title: str
    reason: str
    declined: bool = False

    def to_dict(self) -> RemovedDoc:
        return {"id": self.id, "lesion": self.lesion, "modality": self.modality,
                "title": self.title, "reason": self.reason, "declined": self.declined}


def declined_by(rec: Recommendation, declines: frozenset[str]) -> str | None:
    """The refusal that covers this option, if any."""
    if rec.modality in declines:
        return rec.modality
    if "chemotherapy" in declines and rec.details.get("category") == "chemotherapy":
        return "chemotherapy"
    if "sbrt" in declines and rec.details.get("technique") == "sbrt":
        return "sbrt"
    return None


def _outside_comfort(rec: Recommendation) -> bool:
    if rec.modality in ("systemic-therapy", "radiopharmaceutical", "surgery"):
        return True
    if rec.modality == "bone-modifying-agent":
        return True
    return rec.modality == "radiotherapy" and rec.details.get("technique") == "sbrt"


#: an adult dose written in a title: "4 mg", "120 mg", "16 mg", "7.4 GBq", "55 kBq/kg"
_DOSE_TEXT: Final = re.compile(
    r"(?:(?<=\()| )\d+(?:\.\d+)? ?(?:mg|GBq|MBq|kBq/kg|MBq/kg|IU/kg|IU)\b")


def _withheld(match: re.Match[str]) -> str:
    # "(4 mg)" reads "(adult dose withheld)", "16 mg daily" reads "(adult dose withheld) daily"
    return " (adult dose withheld)" if match.group(0).startswith(" ") else "adult dose withheld"


def _paediatric(rec: Recommendation) -> Recommendation:
    if rec.details.get("paediatric_decision"):
        return rec  # already written for a patient under 18 (bma.paediatric)
    if not any(f in rec.details for f in (*DOSE_FIELDS, "steps")) and rec.modality not in (
            "bone-modifying-agent", "radiopharmaceutical", "systemic-therapy"):
        return rec
    details = {k: v for k, v in rec.details.items()
               if k not in (*DOSE_FIELDS, "steps", "supplements", "daily_total_mg")}
    details["adult_dose_withheld"] = True
    # a title is cut before its first adult dose (removing only the numbers would leave
    # "Dexamethasone now, then daily in total"); the rationale keeps its sentences
    first = _DOSE_TEXT.search(rec.title)
    title = (rec.title[:first.start()].rstrip(" ,:") + " (dose for a child set by the "
             "paediatric specialist)") if first else rec.title
    return dataclasses.replace(
        rec, strength="consider" if rec.strength == "recommended" else rec.strength,
        title=title, details=details,
        rationale=_DOSE_TEXT.sub(_withheld, rec.rationale) + " The patient is "
        "under 18: the adult evidence, doses and trial criteria do not apply; a paediatric "
        "specialist decides.")


def _pregnancy_unknown(rec: Recommendation) -> Recommendation:
    """Pregnancy not excluded: an option a known pregnancy would remove is not left as an
    unconditional recommendation (knowing less must not remove the warning)."""
    if rec.modality not in PREGNANCY_EXCLUDED or rec.strength == "not-recommended":
        return rec
    return dataclasses.replace(
        rec, strength="consider", details={**rec.details, "exclude_pregnancy_first": True},
        rationale=rec.rationale + " Pregnancy is not recorded: exclude it first (fetal harm in "
        "the label).")


#: platelets below which a procedure with a high bleeding risk waits for correction (SIR 2019
#: consensus: consider platelet transfusion below 50 x 10^9/L for high-risk procedures; vertebral
#: augmentation, ablation and open surgery are in that class)
PROCEDURE_MIN_PLATELETS: Final = 50.0


def _bleeding_risk(rec: Recommendation, state: PatientState) -> Recommendation:
    """A procedure with low platelets: the option stands, with the correction it needs first."""
    platelets = state.labs.get("platelets")
    if (rec.modality not in ("surgery", "interventional") or rec.strength == "not-recommended"
            or platelets is None or platelets.value >= PROCEDURE_MIN_PLATELETS
            or "consultation" in rec.id or "opinion" in rec.id):
        return rec
    return dataclasses.replace(
        rec, references=(*rec.references, "patel-2019-sir"),
        details={**rec.details, "correct_platelets_first": True},
        rationale=rec.rationale + f" Platelets {platelets.value:g} x 10^9/L: below "
        f"{PROCEDURE_MIN_PLATELETS:g}, the level set for procedures with a high bleeding risk "
        "(SIR 2019); they are corrected before the procedure ("
        + ("the patient declines transfusion: treating the cause, or the procedure is "
           "reconsidered" if "transfusion" in state.declines else
           "transfusion, or treating the cause") + ").")


def _pregnancy_before_radiotherapy(rec: Recommendation) -> Recommendation:
    """Pregnancy not excluded: radiotherapy is planned once it is (fetal dose, shielding), and
    the treatment of hypercalcaemia names the agent only once it is (fetal harm in the bone
    agents' labels)."""
    if rec.id == "supportive.hypercalcemia" and rec.details.get("agent") in (
            "zoledronic-acid", "denosumab"):
        return dataclasses.replace(
            rec, details={**rec.details, "exclude_pregnancy_first": True},
            rationale=rec.rationale + " Pregnancy is not recorded: a pregnancy test before the "
            "bisphosphonate or denosumab (fetal harm in their labels); fluids and calcitonin "
            "do not wait for it.")
    if rec.modality != "radiotherapy" or rec.strength == "not-recommended":
        return rec
    return dataclasses.replace(
        rec, details={**rec.details, "exclude_pregnancy_first": True},
        rationale=rec.rationale + " Pregnancy is not recorded: a pregnancy test before "
        "planning (the fetal dose changes the plan).")


def _radiotherapy_in_pregnancy(rec: Recommendation) -> Recommendation:
    """Known pregnancy: radiotherapy stays an option, planned by specialists with the fetal
    dose estimated (the pregnancy alert says so; the option must say it too)."""
    return dataclasses.replace(
        rec, details={**rec.details, "specialist_planning_in_pregnancy": True},
        rationale=rec.rationale + " Pregnant: planned with the physicists and the obstetric "
        "team, with the fetal dose estimated and shielding; fields near the abdomen or pelvis "
        "are a specialist decision.")


def apply_gates(state: PatientState, recs: list[Recommendation], alerts: list[Alert],
                needs: list[NeedsDataDoc]
                ) -> tuple[list[Recommendation], list[Alert], list[NeedsDataDoc],
                           list[Removed]]:
    removed: list[Removed] = []

    def drop(rec: Recommendation, reason: str, declined: bool = False) -> None:
        removed.append(Removed(rec.id, rec.lesion, rec.modality, rec.title, reason, declined))

    if state.deceased:
        for rec in recs:
            drop(rec, "the patient has died")
        return [], [a for a in alerts if a.id == "deceased"], [], removed
    if state.goal == "comfort":
        # the maintenance checks of a bone agent the goal stops would contradict the plan
        alerts = [a for a in alerts if a.id not in BONE_AGENT_UPKEEP]
    kept: list[Recommendation] = []
    for rec in recs:
        refusal = declined_by(rec, state.declines)
        if refusal is not None:
            drop(rec, "declined by the patient", declined=True)
        elif state.goal == "comfort" and _outside_comfort(rec):
            drop(rec, "outside the goal of care (comfort: symptom control only)")
        elif state.pregnant and rec.modality in PREGNANCY_EXCLUDED:
            drop(rec, "not given in pregnancy (fetal harm in the label)")
        elif state.pregnant and rec.modality == "radiotherapy" \
                and rec.strength != "not-recommended":
            option = _radiotherapy_in_pregnancy(rec)
            kept.append(_paediatric(option) if state.minor else option)
        elif state.pregnant and rec.modality in PREGNANCY_SPECIALIST \
                and rec.strength != "not-recommended":
            drop(rec, "not given in pregnancy without obstetric and oncology specialists "
                      "(contraindication or embryo-fetal toxicity in the labels)")
        else:
            option = _bleeding_risk(rec, state)
            if state.pregnancy_possible:
                option = _pregnancy_before_radiotherapy(_pregnancy_unknown(option))
            kept.append(_paediatric(option) if state.minor else option)
    return kept, alerts, needs, removed
