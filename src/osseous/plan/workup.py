"""The work-up planner: what to investigate next to complete the picture, with its urgency and
reason, and the scores and rules each investigation would unlock.

It reads the assessment's ``needs_data`` (the case paths each score and rule is missing) and
the case itself, and maps missing facts to the investigation that provides them. Facts the case
already has and that are recent enough are never asked for again; laboratory results older
than their maximum age (:data:`MAX_AGE_DAYS`, a documented project choice) are asked for again.
Clinical judgements (fitness for surgery, expected survival, radiosensitivity) are listed as
assessments for the team, not as tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from osseous.core.case import BoneLesion, Case, SpinalLesion
from osseous.knowledge import bma
from osseous.plan.document import Assessment, WorkupDoc, WorkupItemDoc
from osseous.plan.names import rule_words
from osseous.scores import facts
from osseous.scores.catalog import SURVIVAL_SCORE_IDS

Urgency = Literal["emergency", "urgent", "routine"]
#: rules of the families a goal of comfort leaves out (their tests are not ordered then)
OUTSIDE_COMFORT: Final = ("surgery.", "bma.", "systemic.", "rp.", "alert.dental-before-bma",
                          "alert.bisphosphonate-renal", "rt.oligometastatic", "rt.sbrt")
#: rules about a segment or bone at risk of failing: their missing judgements are urgent
STABILITY_RULES: Final = frozenset({"surgery.spinal-stabilization", "surgery.long-bone-fixation",
                                    "alert.spinal-instability", "alert.impending-fracture"})
ORDER: Final = {"emergency": 0, "urgent": 1, "routine": 2}
WORKUP_FORMAT: Final = "osseous.workup/1"

#: the oldest a result may be and still count (days before the reference date); project
#: defaults (docs/clinical/decisions.md): calcium and counts move fast in this illness
MAX_AGE_DAYS: Final = {"calcium": 14, "ionized-calcium": 14, "albumin": 30,
                       "creatinine": 30, "platelets": 14, "anc": 14, "hemoglobin": 14,
                       "wbc": 14, "bilirubin": 30, "crp": 30, "ldh": 30,
                       "alkaline-phosphatase": 30}
#: the oldest a weight or a performance status may be and still be used for dosing and gates
#: (days): weight moves slowly, performance status fast in this illness (project defaults,
#: docs/clinical/decisions.md)
BODY_MAX_AGE_DAYS: Final = {"weight_kg": 90, "ecog": 30, "karnofsky": 30}
DENTAL_MAX_AGE_DAYS: Final = 180
#: upper limit of the usual reference range (mg/dL); above it a stale calcium is urgent
HIGH_CALCIUM_MG_DL: Final = 10.5


@dataclass
class Item:
    id: str
    investigation: str
    kind: Literal["imaging", "laboratory", "examination", "assessment"]
    urgency: Urgency
    reason: str
    unlocks: set[str] = field(default_factory=set)
    lesions: list[str] = field(default_factory=list)
    references: tuple[str, ...] = ()

    def to_dict(self) -> WorkupItemDoc:
        out: WorkupItemDoc = {"id": self.id, "investigation": self.investigation,
                               "kind": self.kind, "urgency": self.urgency,
                               "reason": self.reason, "unlocks": sorted(self.unlocks)}
        if self.lesions:
            out["lesions"] = self.lesions
        if self.references:
            out["references"] = list(self.references)
        return out


class _Plan:
    def __init__(self) -> None:
        self.items: dict[str, Item] = {}

    def add(self, key: str, investigation: str, kind: Any, urgency: Urgency, reason: str,
            unlocks: Iterable[str] = (), lesion: str | None = None,
            references: tuple[str, ...] = ()) -> None:
        item = self.items.get(key)
        if item is None:
            item = self.items[key] = Item(key, investigation, kind, urgency, reason,
                                          references=references)
        elif ORDER[urgency] < ORDER[item.urgency]:
            item.urgency, item.reason = urgency, reason
        item.unlocks.update(unlocks)
        if lesion and lesion not in item.lesions:
            item.lesions.append(lesion)


#: the rule whose missing facts decide decompression of a compressed cord (emergency work-up)
DECOMPRESSION_RULE: Final = "surgery.spinal-decompression"
SINS_IMAGING: Final = ("appearance", "alignment", "collapse", "posterolateral")
LAB_TESTS: Final = {
    "calcium": "serum calcium", "albumin": "serum albumin", "creatinine": "serum creatinine",
    "platelets": "blood count", "anc": "blood count", "hemoglobin": "blood count",
    "wbc": "blood count", "ionized-calcium": "ionised calcium",
    "bilirubin": "liver tests (bilirubin)", "crp": "C-reactive protein",
    "ldh": "lactate dehydrogenase", "alkaline-phosphatase": "alkaline phosphatase"}


def _missing_paths(assessment: Assessment) -> dict[str, set[str]]:
    """case path -> the scores and rules that need it."""
    out: dict[str, set[str]] = {}
    for entry in assessment["needs_data"]:
        for path in entry["missing"]:
            out.setdefault(path, set()).add(entry["for"])
    return out


def _stale_labs(case: Case) -> dict[str, int]:
    """analyte -> age in days, for results older than their maximum age."""
    out: dict[str, int] = {}
    ref = case.assessed_on
    if ref is None:
        return out
    for analyte, limit in MAX_AGE_DAYS.items():
        lab = facts.latest_lab(case, analyte)
        if lab is not None and lab.date is not None and (ref - lab.date).days > limit:
            out[analyte] = (ref - lab.date).days
    return out


def plan_workup(case: Case, assessment: Assessment) -> WorkupDoc:
    """The ordered list of investigations that would complete the assessment."""
    plan = _Plan()
    if any(a["id"] == "deceased" for a in assessment["alerts"]):
        return {"format": WORKUP_FORMAT, "items": [], "max_age_days": dict(MAX_AGE_DAYS)}
    missing = _missing_paths(assessment)
    if any(a["id"] == "unlocalised-metastases" for a in assessment["alerts"]):
        plan.add("skeletal-imaging", "Imaging of the whole skeleton to localise the bone "
                 "metastases (bone scan, PET or whole-body MRI by primary; MRI of the spine "
                 "if there is back pain or any neurological symptom)", "imaging", "urgent",
                 "bone metastases are recorded without their sites: local treatment, fracture "
                 "and cord-compression risk need them", {"lesions"},
                 references=("coleman-2020-esmo",))
    _spine(case, missing, plan, assessment)
    _long_bones(case, missing, plan)
    _labs(case, missing, plan, assessment)
    _staging(case, missing, plan, assessment)
    _dental_and_clinical(case, missing, plan, assessment)
    values = list(plan.items.values())
    if _end_of_life(assessment):
        # at the end of life a test that only completes a survival score changes no care, and
        # with a goal of comfort neither does one for a treatment the goal leaves out
        comfort = assessment.get("patient_state", {}).get("goal") == "comfort"
        values = [i for i in values if not i.unlocks or not all(
            u in SURVIVAL_SCORE_IDS or (comfort and u.startswith(OUTSIDE_COMFORT))
            for u in i.unlocks)]
    items = sorted(values, key=lambda i: (ORDER[i.urgency], i.kind, i.id))
    return {"format": WORKUP_FORMAT, "items": [i.to_dict() for i in items],
            "max_age_days": dict(MAX_AGE_DAYS)}


def _lesion_missing(missing: dict[str, set[str]], index: int, fields: Iterable[str]
                    ) -> tuple[list[str], set[str]]:
    found, unlocks = [], set()
    for f in fields:
        needers = missing.get(f"lesions[{index}].{f}")
        if needers:
            found.append(f)
            unlocks |= needers
    return found, unlocks


def _spine(case: Case, missing: dict[str, set[str]], plan: _Plan,
           assessment: Assessment) -> None:
    for i, les in case.spinal_lesions:
        assert isinstance(les, SpinalLesion)
        # any neurological symptom or sign, radicular pain included, with spinal metastases:
        # MRI within 24 hours (NICE NG234 lists radicular pain among the neurological symptoms
        # suggestive of MSCC); the cord-compression alert says the same
        deficit = les.neurological_deficit in ("myelopathy", "cauda-equina", "radiculopathy")
        radicular = False
        need, unlocks = _lesion_missing(missing, i, ("escc", "neurological_deficit"))
        if les.escc is None and (need or deficit or radicular):
            plan.add("mri-spine", "MRI of the whole spine (axial T2 to grade ESCC)", "imaging",
                     "emergency" if deficit else "urgent",
                     "a neurological deficit with no MRI grade: cord compression must be "
                     "excluded today" if deficit else
                     "the epidural compression (ESCC) grade decides radiotherapy versus surgery",
                     unlocks | {"escc"}, les.id, ("nice-ng234-2023", "bilsky-2010"))
        if les.neurological_deficit is None:
            plan.add("neurological-examination", "Neurological examination (power, sensation, "
                     "sphincters, gait) and Frankel grade", "examination", "urgent",
                     "cord compression cannot be excluded without it",
                     missing.get(f"lesions[{i}].neurological_deficit", set()), les.id,
                     ("nice-ng234-2023",))
        hours = missing.get(f"lesions[{i}].paraplegia_hours", set())
        if hours:
            plan.add(f"paraplegia-onset-{les.id}", "When the patient last walked or moved the "
                     "legs (hours of paraplegia)", "examination",
                     "emergency" if DECOMPRESSION_RULE in hours else "urgent",
                     "paraplegia for more than 48 hours excludes decompression (Patchell 2005)",
                     hours, les.id, ("patchell-2005",))
        need, unlocks = _lesion_missing(missing, i, SINS_IMAGING)
        if need:
            sins = next((s for s in assessment["scores"]
                         if s["score"] == "sins" and s["lesion"] == les.id), None)
            span = sins["range"] if sins is not None else None
            high = span is not None and span[1] >= 13
            plan.add(f"ct-spine-{les.id}", f"CT of the spine at {'/'.join(les.levels or ())}"
                     " (bone quality, alignment, collapse, posterolateral elements)",
                     "imaging", "urgent" if high else "routine",
                     "SINS needs " + ", ".join(need)
                     + ("; it could reach the unstable range" if high else ""),
                     unlocks | {"sins"}, les.id, ("fisher-2010",))
        if missing.get(f"lesions[{i}].pain_character") or missing.get(
                f"lesions[{i}].worst_pain"):
            plan.add("pain-assessment", "Pain assessment (worst pain 0-10, mechanical or not)",
                     "examination", "routine", "pain decides radiotherapy and the SINS pain item",
                     missing.get(f"lesions[{i}].pain_character", set())
                     | missing.get(f"lesions[{i}].worst_pain", set()), les.id,
                     ("fisher-2010", "who-2018-cancer-pain"))


def _long_bones(case: Case, missing: dict[str, set[str]], plan: _Plan) -> None:
    for i, les in case.bone_lesions:
        assert isinstance(les, BoneLesion)
        # Mirels and axial cortical involvement predict a fracture: a broken bone needs
        # neither (only its region, which chooses the construct)
        fractured = bool(les.pathological_fracture)
        if fractured:
            region = missing.get(f"lesions[{i}].region", set()) - {"mirels"}
            if region:
                plan.add(f"radiograph-{les.id}", f"Plain radiographs (or CT) of the {les.site}",
                         "imaging", "urgent", "the region of the fracture (head and neck, "
                         "shaft) chooses the operation", region, les.id, ("aaos-2023",))
            need: list[str] = []
        else:
            need, unlocks = _lesion_missing(missing, i, ("appearance", "size_fraction",
                                                         "region",
                                                         "axial_cortical_involvement_mm"))
        if need:
            painful = les.worst_pain is not None and les.worst_pain >= 4
            plan.add(f"radiograph-{les.id}", f"Plain radiographs (or CT) of the {les.site}",
                     "imaging", "urgent" if painful or les.pain_severity == "functional"
                     else "routine",
                     "fracture risk (Mirels, axial cortical involvement) needs "
                     + ", ".join(need), unlocks | {"mirels"}, les.id,
                     ("mirels-1989", "van-der-linden-2004"))
        if (missing.get(f"lesions[{i}].pain_severity") and not fractured) or missing.get(
                f"lesions[{i}].worst_pain"):
            plan.add("pain-assessment", "Pain assessment (worst pain 0-10, pain with use)",
                     "examination", "routine", "pain decides radiotherapy" if fractured else
                     "pain enters Mirels and decides radiotherapy",
                     (set() if fractured else missing.get(f"lesions[{i}].pain_severity", set()))
                     | missing.get(f"lesions[{i}].worst_pain", set()), les.id,
                     ("mirels-1989",))


def _labs(case: Case, missing: dict[str, set[str]], plan: _Plan,
          assessment: Assessment) -> None:
    stale = _stale_labs(case)
    raised = facts.latest_lab(case, "calcium")
    hcm = {a["severity"] for a in assessment["alerts"]
           if a["id"] in ("hypercalcemia", "calcium-uncorrected", "calcium-may-be-low")}
    # the out-of-date raised calcium alert says "recheck today": the same urgency here
    recheck_today = any(a["id"] == "calcium-out-of-date"
                        for a in assessment["alerts"])
    for analyte, test in LAB_TESTS.items():
        needers = missing.get(f"labs.{analyte}", set())
        age = stale.get(analyte)
        if not needers and age is None:
            continue
        # a raised calcium is rechecked the same week whatever else is missing
        urgent = (analyte in ("calcium", "albumin") and raised is not None
                  and raised.canonical_value > HIGH_CALCIUM_MG_DL)
        # albumin grades a raised calcium: as urgent as the hypercalcaemia alert it would grade
        emergency = analyte in ("calcium", "albumin") and ("critical" in hcm or recheck_today)
        reason = "; ".join(part for part in (
            f"the last result is {age} days old (maximum {MAX_AGE_DAYS[analyte]})"
            if age is not None else "",
            f"needed by {_words(needers)}" if needers else "") if part)
        key = "lab-" + test.split(" (")[0].replace("serum ", "").replace(" ", "-").lower()
        plan.add(key, test[0].upper() + test[1:], "laboratory",
                 "emergency" if emergency else "urgent" if urgent else "routine",
                 reason, needers, references=("katagiri-2014",) if "katagiri-new" in needers
                 else ())


    low = next((r for r in assessment["recommendations"] if r["id"] == "supportive.hypocalcemia"),
               None)
    if low is not None:
        # the hypocalcaemia treatment repeats the calcium: the same urgency as the treatment
        plan.add("lab-calcium", "Serum calcium", "laboratory", low["urgency"],
                 "hypocalcaemia: repeat calcium with albumin, and magnesium, after correction "
                 "and before the next dose of a bone-modifying agent",
                 {"supportive.hypocalcemia"}, references=("turner-2016-hypocalcaemia",))


def _words(rule_ids: Iterable[str]) -> str:
    """The rules and scores that need a result, named for a person (the ids stay in
    ``unlocks``)."""
    return ", ".join(dict.fromkeys(sorted(rule_words(r) for r in rule_ids)))


def _end_of_life(assessment: Assessment) -> bool:
    """A goal of comfort, or the clinician's estimate of about a month (6 weeks or less)."""
    # the state module reads this module's maximum ages: imported here, not at the top
    from osseous.plan.state import PROPHYLACTIC_FIXATION_MIN_MONTHS
    state = assessment.get("patient_state", {})
    months = (state.get("expected_survival") or {}).get("months")
    return state.get("goal") == "comfort" or (
        isinstance(months, int | float) and months <= PROPHYLACTIC_FIXATION_MIN_MONTHS)


def _staging(case: Case, missing: dict[str, set[str]], plan: _Plan,
             assessment: Assessment) -> None:
    if _end_of_life(assessment):
        # at the end of life no staging scan changes the care: the counts only refine
        # prognostic scores and radiopharmaceutical eligibility, neither of which is in play
        return
    counts = {p for p in missing if p.startswith("cancer.bone_metastases")}
    primary = case.cancer.primary
    for_lutetium = missing.get("cancer.psma_pet_positive", set())
    if primary == "prostate" and case.cancer.psma_pet_positive is None and (
            counts or for_lutetium):
        why = ("counts every bone metastasis" if counts else "") + (
            " and " if counts and for_lutetium else "") + (
            "decides lutetium-177 PSMA eligibility" if for_lutetium else "")
        plan.add("psma-pet", "PSMA-PET", "imaging", "routine", why,
                 set().union(*(missing[p] for p in counts)) | for_lutetium,
                 references=("pluvicto-label",) if for_lutetium else ())
    elif counts:
        test = ("Whole-body MRI without contrast (pregnancy: no ionising imaging)"
                if case.patient.pregnant else
                "Whole-body low-dose CT or MRI" if primary == "myeloma" else
                "Bone scan or FDG-PET (by primary)")
        plan.add("staging", test, "imaging", "routine",
                 "the number of spinal and other bone metastases enters the prognostic scores",
                 set().union(*(missing[p] for p in counts)), references=("tokuhashi-2005",))
    if missing.get("cancer.bone_scan_avid"):
        plan.add("bone-scan", "Bone scan", "imaging", "routine",
                 "bone-seeking radionuclides need scan-avid osteoblastic disease",
                 missing["cancer.bone_scan_avid"], references=("quadramet-label",))


def _dental_and_clinical(case: Case, missing: dict[str, set[str]], plan: _Plan,
                         assessment: Assessment) -> None:
    dental = case.patient.dental
    # offered, or waiting only for data to be offered
    offered = any(r["modality"] == "bone-modifying-agent"
                  and r["strength"] != "not-recommended"
                  for r in assessment["recommendations"]) or (any(
        n["for"] == "bma.agents" for n in assessment["needs_data"])
        and not case.patient.pregnant and case.patient.goal != "comfort")
    # an agent with an unknown status may be running: treated as on treatment
    on_bma = any(m.drug in bma.AGENTS and m.status in ("active", "planned", None)
                 for m in case.medications or ())
    ref = case.assessed_on
    old = (dental is not None and dental.last_exam is not None and ref is not None
           and (ref - dental.last_exam).days > DENTAL_MAX_AGE_DAYS)
    if (offered or on_bma) and (dental is None or dental.last_exam is None or old):
        plan.add("dental-examination", "Dental examination and preventive dentistry",
                 "examination", "urgent" if on_bma else "routine",
                 "before a bone-modifying agent (osteonecrosis of the jaw)"
                 + (f"; the last one is more than {DENTAL_MAX_AGE_DAYS} days old" if old else ""),
                 {"alert.dental-before-bma", "bma.agents"},
                 references=("van-poznak-2011", "xgeva-label"))
    for kind, when, test in (("weight_kg", case.patient.weight_measured_on, "Weigh the patient"),
                             ("ecog", case.patient.ecog_assessed_on,
                              "Record ECOG and Karnofsky performance status")):
        age = (ref - when).days if ref is not None and when is not None else None
        if age is not None and age > BODY_MAX_AGE_DAYS[kind]:
            plan.add("weight" if kind == "weight_kg" else "performance-status", test,
                     "examination" if kind == "weight_kg" else "assessment", "routine",
                     f"the last value is {age} days old (maximum {BODY_MAX_AGE_DAYS[kind]}): "
                     + ("doses per kilogram and creatinine clearance need a current weight"
                        if kind == "weight_kg" else "performance status gates treatment"),
                     {"patient.weight_kg" if kind == "weight_kg" else "patient.ecog"})
    # a patient fact that a dose or a gate needs: an option waiting on it is never dropped
    # silently (weight, age and sex give the creatinine clearance; pregnancy gates agents)
    facts_ = {"patient.weight_kg": ("weight", "Weigh the patient", "examination",
                                    "doses per kilogram and creatinine clearance need a weight"),
              "patient.age_years": ("age", "Record the age (date of birth)", "assessment",
                                    "creatinine clearance and the age limits need it"),
              "patient.sex": ("sex", "Record the sex", "assessment",
                              "creatinine clearance (Cockcroft-Gault) differs by sex")}
    # pregnancy is the pregnancy test below, with the urgency of the treatment it precedes
    for path, (key, test, kind, why) in facts_.items():
        if missing.get(path):
            plan.add(key, test, kind, "routine", why, missing[path])
    if missing.get("patient.karnofsky") or missing.get("patient.ecog"):
        plan.add("performance-status", "Record ECOG and Karnofsky performance status",
                 "assessment", "routine", "performance status enters most survival scores",
                 missing.get("patient.karnofsky", set()) | missing.get("patient.ecog", set()),
                 references=("oken-1982",))
    if missing.get("patient.pregnant"):
        # before treatment starts; sooner when an emergency treatment is already planned
        planned = {r["urgency"] for r in assessment["recommendations"]
                   if r["strength"] != "not-recommended"}
        test_by: Urgency = ("emergency" if "emergency" in planned else
                            "urgent" if "urgent" in planned else "routine")
        plan.add("pregnancy-test", "Pregnancy test (or the patient's statement that she cannot "
                 "be pregnant)", "laboratory", test_by,
                 "pregnancy excludes radiopharmaceuticals and bone-modifying agents and changes "
                 "radiotherapy, imaging and systemic therapy", missing["patient.pregnant"],
                 references=("xgeva-label", "xofigo-label"))
    judgements = {"patient.surgical_candidate": "Fitness for surgery (the team's judgement)",
                  "patient.estimated_survival_months":
                      "The team's estimate of expected survival (shown beside the scores)",
                  "cancer.radiosensitivity": "Radiosensitivity of the tumour (NOMS oncologic "
                                             "assessment)",
                  "patient.frankel": "Frankel grade"}
    surgery_out = "surgery" in (case.patient.declines or ()) or case.patient.goal == "comfort"
    for path, text in judgements.items():
        if path == "patient.surgical_candidate" and surgery_out:
            continue  # fitness for an operation the patient declines or the goal excludes
        if missing.get(path):
            # a fact that could open decompression for a compressed cord is needed the same
            # day, as the compression alert's same-day surgical opinion is
            today = DECOMPRESSION_RULE in missing[path]
            # an unstable spine or a bone about to break waits days, not weeks, for it
            soon = bool(missing[path] & STABILITY_RULES)
            plan.add(path.split(".")[-1], text, "assessment",
                     "emergency" if today else "urgent" if soon else "routine",
                     ("needed today: it decides decompressive surgery for the compression; "
                      if today else "") + "decides " + _words(missing[path]),
                     missing[path])
