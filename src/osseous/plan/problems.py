"""The plan as problems: each problem of the patient (cord compression at T9, impending fracture
of the left femur, hypercalcaemia, bone health, pain, systemic disease) with its urgency and its
options in order, "choose one" groups, conflicts and sequencing.

Every lesion has one local problem whose kind is its most serious finding (cord compression,
fracture, impending fracture, instability, post-operative care, pain); the lesion's
recommendations are that problem's options. Patient-level recommendations are grouped by what
they treat. Options are ordered by strength, then urgency (emergency first), then a fixed order
of families in which an operation precedes the radiotherapy that follows it. Options removed by
the patient-level gates are listed with the reason, so a declined problem says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final, TypeVar

from osseous.core.case import BoneLesion, SpinalLesion
from osseous.plan.context import Context, compression_term
from osseous.plan.document import (
    NeedsDataDoc,
    OptionDoc,
    ProblemDoc,
    ProblemStatus,
    Role,
    UrgencyName,
    WorkupDoc,
)
from osseous.plan.gates import Removed
from osseous.plan.model import URGENCY_ORDER, Alert, Recommendation

STRENGTH_RANK: Final = {"recommended": 0, "consider": 1, "not-recommended": 2}
#: within a local problem an operation comes before the radiotherapy that follows it
OPTION_FAMILY_ORDER: Final = ("supportive-care", "surgery", "radiotherapy", "interventional",
                              "bone-modifying-agent", "radiopharmaceutical", "systemic-therapy")
SEVERITY_URGENCY: Final[dict[str, UrgencyName]] = {"critical": "emergency", "warning": "urgent",
                                                   "info": "routine"}
KIND_ORDER: Final = ("cord-compression", "hypercalcaemia", "fracture", "impending-fracture",
                     "instability", "post-operative", "unlocalised-metastases", "pain",
                     "local", "bone-health", "systemic-disease")
#: patient-level alert ids -> problem kind
#: patient-level rules whose data requests keep their problem on the list
WAITING_KIND: Final = {"bma.agents": "bone-health", "systemic.categories": "systemic-disease",
                       "supportive.hypercalcemia": "hypercalcaemia"}
PATIENT_ALERT_KIND: Final = {
    "hypercalcemia": "hypercalcaemia", "calcium-uncorrected": "hypercalcaemia",
    "calcium-out-of-date": "hypercalcaemia",
    "hypocalcemia-denosumab": "bone-health", "hypocalcemia-bisphosphonate": "bone-health",
    "calcium-may-be-low": "bone-health", "hypocalcaemia": "bone-health",
    "denosumab-renal": "bone-health",
    "bisphosphonate-renal": "bone-health", "zoledronic-dose": "bone-health",
    "bisphosphonate-withhold": "bone-health", "no-dental-exam": "bone-health",
    "invasive-dental-procedure": "bone-health",
    "radium-abiraterone": "systemic-disease",
    "unlocalised-metastases": "unlocalised-metastases",
}
#: patient-level recommendation ids (or prefixes) -> problem kind
PATIENT_REC_KIND: Final = (
    ("supportive.hypercalcemia", "hypercalcaemia"),
    ("supportive.hypocalcemia", "bone-health"),
    ("bma.", "bone-health"),
    ("supportive.analgesia", "pain"),
    ("rp.samarium-153", "pain"), ("rp.strontium-89", "pain"),
    ("rp.", "systemic-disease"), ("systemic.", "systemic-disease"),
    ("rt.oligometastatic", "systemic-disease"),
)
PATIENT_TITLES: Final = {
    "hypercalcaemia": "Hypercalcaemia", "bone-health": "Bone health (bone-modifying agent)",
    "pain": "Pain (whole patient)", "systemic-disease": "Control of the systemic disease",
    "unlocalised-metastases": "Bone metastases not yet localised",
}
CHOOSE_ONE: Final = {"bone-modifying-agent": ("bma.zoledronic-acid", "bma.denosumab",
                                              "bma.pamidronate"),
                     "radiopharmaceutical": ("rp.samarium-153", "rp.strontium-89",
                                             "rp.radium-223", "rp.lutetium-177-psma")}
GROUP_OF: Final = {rid: g for g, ids in CHOOSE_ONE.items() for rid in ids}
#: two courses of external-beam radiotherapy for one lesion (conventional, SBRT, re-irradiation)
#: are alternatives: one course is given. A course that follows an operation keeps its place.
RADIOTHERAPY_COURSE: Final = "radiotherapy-course"
#: the patient-level ablative option that treats every metastasis, the lesions' courses included
ABLATIVE_ALL_SITES: Final = "rt.oligometastatic-sabr"


def _group(r: Recommendation, lesion: str | None) -> str | None:
    if r.id in GROUP_OF:
        return GROUP_OF[r.id]
    if lesion is not None and r.modality == "radiotherapy" and not r.details.get("after"):
        return RADIOTHERAPY_COURSE
    return None


@dataclass(slots=True)
class Problem:
    """One problem with its options. Filled by :func:`build_problems`, then closed once: the
    order of the options, their roles, the urgency and the status are computed in one pass."""

    id: str
    kind: str
    title: str
    lesion: str | None
    alerts: list[Alert] = field(default_factory=list)
    recs: list[Recommendation] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    conflicts: list[dict[str, object]] = field(default_factory=list)
    sequence: list[dict[str, object]] = field(default_factory=list)
    note: str | None = None
    #: what the rules could not decide for this problem for want of data (their reasons)
    waiting: list[str] = field(default_factory=list)
    #: live options in order, each with its role and choose-one group (set by ``close``)
    options: list[Recommendation] = field(default_factory=list)
    roles: list[tuple[Role, str | None]] = field(default_factory=list)
    urgency: UrgencyName = "routine"
    status: ProblemStatus = "no-deliverable-option"

    def close(self) -> None:
        """Order the live options and give each its role.

        Recommended before considered; among equals an operation comes before the radiotherapy
        that follows it (Patchell 2005), and an option that follows an operation offered in the
        same problem comes right after it. Supportive care in a local problem that has a
        definitive treatment is an adjunct (steroids with radiotherapy or surgery), not an
        alternative to it."""
        live = [r for r in self.recs if r.strength != "not-recommended"]
        operations = {o.details.get("procedure") for o in live if o.modality == "surgery"}
        definitive = self.lesion is not None and any(o.modality != "supportive-care"
                                                     for o in live)
        keyed = []
        for r in live:
            after = r.details.get("after")
            follows = bool(after) and (after in operations or (
                after == "prophylactic-fixation" and "fixation" in operations))
            adjunct = definitive and r.modality == "supportive-care"
            keyed.append(((adjunct, STRENGTH_RANK[r.strength], follows,
                           URGENCY_ORDER[r.urgency], OPTION_FAMILY_ORDER.index(r.modality)),
                          r, adjunct, follows))
        keyed.sort(key=lambda k: k[0])
        self.options = [k[1] for k in keyed]
        counts: dict[str, int] = {}
        for r in self.options:
            g = _group(r, self.lesion)
            if g:
                counts[g] = counts.get(g, 0) + 1
        first = next((r for _, r, adjunct, follows in keyed if not adjunct and not follows),
                     None)
        self.roles = []
        for _, r, adjunct, follows in keyed:
            group = _group(r, self.lesion)
            group = group if group and counts[group] > 1 else None
            role: Role
            if group:
                role = "choose-one"
            elif adjunct:
                role = "adjunct"
            elif follows:
                role = "after"
            elif r is first:
                role = "preferred"
            else:
                role = "alternative"
            self.roles.append((role, group))
        levels: list[UrgencyName] = [SEVERITY_URGENCY[a.severity] for a in self.alerts]
        levels += [r.urgency for r in self.options]
        self.urgency = min(levels, key=URGENCY_ORDER.__getitem__, default="routine")
        self.status = self._status()

    def _status(self) -> ProblemStatus:
        if self.options:
            return "active"
        if self.removed and all(x.declined for x in self.removed):
            return "declined"
        if self._workup_note() is not None:
            return "work-up"
        return "no-deliverable-option"

    def _workup_note(self) -> str | None:
        """What this problem waits for, in words specific to it (None: it waits for nothing)."""
        ids = {a.id for a in self.alerts}
        if self.kind == "unlocalised-metastases":
            return "imaging of the whole skeleton to localise the metastases"
        if self.kind == "hypercalcaemia" and "calcium-out-of-date" in ids:
            return "a repeat calcium and albumin today (the last result is out of date)"
        if self.kind == "hypercalcaemia" and "calcium-uncorrected" in ids:
            return "an albumin today to correct and grade the calcium"
        if self.kind == "bone-health" and "calcium-may-be-low" in ids:
            return "an albumin (or ionised calcium) today: the calcium may be low"
        if self.kind == "cord-compression" and self.title.startswith("Suspected"):
            return "an MRI of the whole spine within 24 hours"
        if self.waiting and not self.removed and not self.recs:
            # nothing proposed yet because the record is incomplete: what it waits for
            return "the work-up (" + "; ".join(dict.fromkeys(self.waiting)) + ")"
        return None

    def to_dict(self) -> ProblemDoc:
        options: list[OptionDoc] = [{"recommendation": r.id, "lesion": r.lesion, "title": r.title,
                    "strength": r.strength, "urgency": r.urgency, "role": role,
                    "group": group}
                   for r, (role, group) in zip(self.options, self.roles, strict=True)]
        note = self.note
        declined = [x.title for x in self.removed if x.declined]
        if declined and self.status == "active":
            note = "Declined by the patient: " + "; ".join(declined) + "."
        if self.status == "declined":
            note = "Declined by the patient: " + "; ".join(x.title for x in self.removed) + "."
        elif self.status == "work-up":
            note = f"Investigations first: {self._workup_note()}."
        elif self.status == "no-deliverable-option":
            why = [f"{x.title}: {x.reason}" for x in self.removed]
            why += [r.title for r in self.recs if r.strength == "not-recommended"]
            specialists = any("specialists" in x.reason for x in self.removed)
            pregnancy = bool(self.removed) and all("pregnancy" in x.reason for x in self.removed)
            note = ("No deliverable option" + (": " + "; ".join(why) if why else "")
                    + (". The specialists named decide the treatment." if specialists else
                       ". Reconsidered after the pregnancy." if pregnancy else
                       ". Best supportive care: analgesia and symptom control."))
        return {"id": self.id, "kind": self.kind, "title": self.title, "lesion": self.lesion,
                "urgency": self.urgency, "status": self.status, "note": note,
                "alerts": [a.id for a in self.alerts], "options": options,
                "not_recommended": [{"recommendation": r.id, "title": r.title}
                                    for r in self.recs if r.strength == "not-recommended"],
                "removed": [x.to_dict() for x in self.removed],
                "conflicts": self.conflicts, "sequence": self.sequence}


def _where(les: SpinalLesion | BoneLesion) -> str:
    if isinstance(les, SpinalLesion):
        return "at " + ("/".join(les.levels or ()) or les.id)
    region = f" ({les.region})" if les.region else ""
    return f"of the {les.site}{region}"


def _lesion_kind(ctx: Context, les: SpinalLesion | BoneLesion,
                 recs: Iterable[Recommendation]) -> tuple[str, str]:
    where = _where(les)
    if isinstance(les, SpinalLesion):
        if ctx.mescc(les):
            term = compression_term(les)
            if les.escc is None:
                return "cord-compression", f"Suspected {term} {where} (MRI first)"
            return "cord-compression", f"{term[0].upper() + term[1:]} {where}"
        if ctx.unstable(les).value and not ctx.stabilised(les):
            return "instability", f"Unstable spine {where}"
    else:
        if les.pathological_fracture and not ctx.fixed(les):
            return "fracture", f"Pathological fracture {where}"
        if ctx.impending_fracture(les).value and not ctx.fixed(les):
            return "impending-fracture", f"Impending fracture {where}"
    if any(r.id == "rt.postoperative" for r in recs):
        return "post-operative", f"Operated metastasis {where}"
    if ctx.painful(les):
        return "pain", f"Painful metastasis {where}"
    return "local", f"Metastasis {where}"


def _patient_kind(rec_id: str) -> str:
    for prefix, kind in PATIENT_REC_KIND:
        if rec_id.startswith(prefix):
            return kind
    return "systemic-disease"


_Item = TypeVar("_Item", Recommendation, Alert, Removed)


def _by_lesion(items: Iterable[_Item]) -> dict[str, list[_Item]]:
    out: dict[str, list[_Item]] = {}
    for x in items:
        if x.lesion is not None:
            out.setdefault(x.lesion, []).append(x)
    return out


def build_problems(ctx: Context, recs: list[Recommendation], alerts: list[Alert],
                   removed: list[Removed], needs: Iterable[NeedsDataDoc] = ()
                   ) -> list[Problem]:
    if ctx.state.deceased:
        return []
    problems: dict[str, Problem] = {}

    def get(kind: str, title: str, lesion: str | None) -> Problem:
        key = f"{kind}:{lesion}" if lesion else kind
        if key not in problems:
            problems[key] = Problem(key, kind, title, lesion)
        return problems[key]

    by_lesion, alerts_of, removed_of = _by_lesion(recs), _by_lesion(alerts), _by_lesion(removed)
    waiting_of: dict[str, list[str]] = {}
    patient_waiting: dict[str, list[str]] = {}
    for n in needs:
        if n.get("lesion"):
            waiting_of.setdefault(str(n["lesion"]), []).append(n["reason"])
        elif (kind := WAITING_KIND.get(n["for"])) is not None:
            patient_waiting.setdefault(kind, []).append(n["reason"])
    for les in ctx.case.lesions:
        own = by_lesion.get(les.id, [])
        own_alerts = alerts_of.get(les.id, [])
        own_removed = removed_of.get(les.id, [])
        waiting = waiting_of.get(les.id, [])
        # a lesion the rules could not yet decide on is still a problem the board sees
        if not (own or own_alerts or own_removed or waiting):
            continue
        kind, title = _lesion_kind(ctx, les, own)
        p = get(kind, title, les.id)
        p.recs.extend(own)
        p.alerts.extend(own_alerts)
        p.removed.extend(own_removed)
        p.waiting.extend(waiting)
    _patient_problems(get, recs, alerts, removed)
    for kind, reasons in patient_waiting.items():
        # a patient-level decision the record cannot yet support (a bone agent waiting for a
        # current calcium) is still on the board's list
        get(kind, PATIENT_TITLES[kind], None).waiting.extend(reasons)
    for p in problems.values():
        p.close()
    _relations(ctx, problems, recs)
    return sorted(problems.values(),
                  key=lambda p: (URGENCY_ORDER[p.urgency], KIND_ORDER.index(p.kind),
                                 p.lesion or ""))


def _patient_problems(get: Callable[[str, str, str | None], Problem],
                      recs: list[Recommendation], alerts: list[Alert],
                      removed: list[Removed]) -> None:
    """The problems of the whole patient (hypercalcaemia, bone health, pain, systemic disease)."""
    for a in alerts:
        if a.lesion is None and a.id in PATIENT_ALERT_KIND:
            kind = PATIENT_ALERT_KIND[a.id]
            get(kind, PATIENT_TITLES[kind], None).alerts.append(a)
    for r in recs:
        if r.lesion is None:
            kind = _patient_kind(r.id)
            get(kind, PATIENT_TITLES[kind], None).recs.append(r)
    for x in removed:
        if x.lesion is None:
            kind = _patient_kind(x.id)
            get(kind, PATIENT_TITLES[kind], None).removed.append(x)


def _relations(ctx: Context, problems: dict[str, Problem],
               recs: list[Recommendation]) -> None:
    """Conflicts and sequencing between options."""
    external_beam = [r for r in recs if r.modality == "radiotherapy"
                     and r.strength != "not-recommended"]
    for p in problems.values():
        ids = {r.id for r in p.options}
        for r in p.options:
            after = r.details.get("after")
            if after:
                first = next((o for o in p.options if o.details.get("procedure") in (
                    after, "fixation" if after == "prophylactic-fixation" else after)), None)
                p.sequence.append({"first": first.id if first else after, "then": r.id,
                                   "reason": "radiotherapy follows the operation"})
            if r.modality == "surgery" and r.details.get("then") == "radiotherapy":
                for o in p.options:
                    if o.modality == "radiotherapy" and not o.details.get("after"):
                        p.sequence.append({"first": r.id, "then": o.id,
                                           "reason": "if the operation is done, radiotherapy "
                                                     "follows it (Patchell 2005)"})
            if r.id == "supportive.dexamethasone" and any(
                    o.modality in ("radiotherapy", "surgery") for o in p.options):
                p.sequence.append({"first": r.id, "then": "radiotherapy or surgery",
                                   "reason": "dexamethasone starts at once, before definitive "
                                             "treatment"})
        if p.kind == "bone-health":
            starts = [r for r in p.options if r.details.get("dental_examination_first")]
            for r in starts:
                p.sequence.append({"first": "dental-examination", "then": r.id,
                                   "reason": "dental examination (and any extraction healed) "
                                             "before the first dose: osteonecrosis of the jaw"})
            hcm = problems.get("hypercalcaemia")
            if hcm is not None and hcm.options:
                for r in p.options:
                    p.sequence.append({"first": hcm.options[0].id, "then": r.id,
                                       "reason": "hypercalcaemia is treated first; maintenance "
                                                 "follows"})
        _conflicts(ctx, p, ids, external_beam)
    _one_radiopharmaceutical(problems)
    _ablative_or_palliative(problems)


def _ablative_or_palliative(problems: dict[str, Problem]) -> None:
    """Ablative radiotherapy to every metastasis (SABR-COMET) includes each lesion a palliative
    course is offered for: the two cannot both be given to one site, so both problems say to
    choose one (the ablative dose treats the pain too)."""
    sabr = [(p, r) for p in problems.values() for r in p.options if r.id == ABLATIVE_ALL_SITES]
    if not sabr:
        return
    for q in problems.values():
        if q.lesion is None:
            continue
        for o in q.options:
            if o.modality != "radiotherapy" or o.details.get("after") or o.id == ABLATIVE_ALL_SITES:
                continue
            for p, r in sabr:
                reason = ("one course of radiotherapy per site: ablative radiotherapy to every "
                          f"metastasis includes {q.lesion}, so choose it or the course for that "
                          "lesion, not both")
                q.conflicts.append({"between": [o.id, r.id], "reason": reason})
                p.conflicts.append({"between": [r.id, o.id], "reason": reason})


def _one_radiopharmaceutical(problems: dict[str, Problem]) -> None:
    """Only one radiopharmaceutical is given: when the options sit in two problems (pain and
    systemic disease), each says that they exclude each other."""
    rp = [(p, r) for p in problems.values() for r in p.options if r.modality ==
          "radiopharmaceutical"]
    if len({p.id for p, _ in rp}) < 2:
        return
    for p, r in rp:
        for q, o in rp:
            if q is not p:
                p.conflicts.append({"between": [r.id, o.id],
                                    "reason": "only one radiopharmaceutical is given: choose "
                                              "one across pain and systemic treatment"})


def _conflicts(ctx: Context, p: Problem, ids: set[str],
               external_beam: list[Recommendation]) -> None:
    """Options that cannot be given together."""
    for rid in sorted(ids & {"rp.samarium-153", "rp.strontium-89"}):
        if external_beam:
            p.conflicts.append({
                "between": [rid, "external-beam radiotherapy"],
                "reason": "not given with concurrent external-beam radiotherapy or "
                          "chemotherapy unless the benefit outweighs the marrow risk "
                          "(labels): sequence them"})
    if "rp.radium-223" in ids and ctx.medications(("abiraterone",), ("active", "planned")):
        p.conflicts.append({"between": ["rp.radium-223", "abiraterone"],
                            "reason": "not with abiraterone plus prednisone (ERA 223)"})


#: the work-up items a patient-level problem waits for
KIND_TESTS: Final = {"hypercalcaemia": ("lab-calcium", "lab-albumin", "lab-ionised-calcium"),
                     "bone-health": ("lab-calcium", "lab-albumin", "lab-ionised-calcium",
                                     "lab-creatinine", "dental-examination"),
                     "unlocalised-metastases": ("skeletal-imaging",)}


def waiting_as_urgent_as_their_workup(problems: list[ProblemDoc],
                                      workup: WorkupDoc) -> list[ProblemDoc]:
    """A problem that waits for investigations is as urgent as the most urgent of them (an MRI
    for possible compression is urgent even before anything can be offered; a calcium to
    recheck today makes its problem an emergency)."""
    by_key: dict[str, UrgencyName] = {}
    for item in workup["items"]:
        for key in (*item.get("lesions", ()), item["id"]):
            known = by_key.get(key, "routine")
            by_key[key] = min(known, item["urgency"], key=URGENCY_ORDER.__getitem__)
    changed = False
    for p in problems:
        keys = [p["lesion"]] if p["lesion"] else list(KIND_TESTS.get(p["kind"], ()))
        found = [by_key[k] for k in keys if k in by_key]
        if p["status"] == "work-up" and found:
            sooner = min(p["urgency"], *found, key=URGENCY_ORDER.__getitem__)
            changed |= sooner != p["urgency"]
            p["urgency"] = sooner
    if not changed:
        return problems
    return sorted(problems, key=lambda p: (URGENCY_ORDER[p["urgency"]], KIND_ORDER.index(p["kind"]),
                                           p["lesion"] or ""))
