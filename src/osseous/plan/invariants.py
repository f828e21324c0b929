"""Invariants of a plan, checked on every assessment. A violation is a bug in a rule and fails
the assessment loudly (:class:`InvariantError`), never a plan that contradicts itself.

1. Nothing is recommended or considered for a patient who has died.
2. Every refusal is respected.
3. No option depends on an operation the plan does not offer (``details.after``).
4. Cord compression always has a deliverable option unless the patient declined it.
5. SBRT is never offered on an unstable segment that is not stabilised, for pain below 2/10 or
   with a short expected survival.
6. No re-irradiation regimen is offered that its own cumulative cord check rejects.
7. No recommendation is forbidden by an alert of the same plan.
8. Structured details agree with the facts behind the text (the hypercalcaemia agent with renal
   function).
9. One urgency per fact: a same-day MRI alert has an emergency MRI in the work-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from osseous.core.case import SpinalLesion
from osseous.plan.context import Context
from osseous.plan.gates import declined_by
from osseous.plan.model import Alert, Recommendation
from osseous.plan.problems import Problem

SURGICAL: Final = frozenset({"fixation", "prophylactic-fixation", "separation-surgery",
                             "decompression", "stabilization"})
#: alert id -> recommendation ids it forbids (unless shown as not recommended)
FORBIDS: Final[Mapping[str, tuple[str, ...]]] = {
    "bisphosphonate-renal": ("bma.zoledronic-acid", "bma.pamidronate"),
    "hypocalcemia-denosumab": ("bma.denosumab",),
    "hypocalcemia-bisphosphonate": ("bma.zoledronic-acid", "bma.pamidronate"),
    "radium-abiraterone": ("rp.radium-223",),
}


class InvariantError(RuntimeError):
    """The plan contradicts itself: a bug in a rule, named with the invariant."""


def _live(recs: Sequence[Recommendation]) -> list[Recommendation]:
    return [r for r in recs if r.strength != "not-recommended"]


def check(ctx: Context, recs: Sequence[Recommendation], alerts: Sequence[Alert],
          problems: Sequence[Problem], workup: Mapping[str, Any]) -> None:
    live = _live(recs)
    fail = [*_people(ctx, recs), *_dependencies(live), *_problems(problems),
            *_sbrt(ctx, live), *_reirradiation(live), *_alerts(live, alerts),
            *_details(ctx, live), *_urgency(alerts, workup)]
    if fail:
        raise InvariantError("the plan breaks its invariants: " + "; ".join(fail))


def _people(ctx: Context, recs: Sequence[Recommendation]) -> list[str]:
    st = ctx.state
    out = ["1: recommendations for a deceased patient"] if st.deceased and recs else []
    out += [f"2: {r.id} was declined by the patient" for r in recs
            if declined_by(r, st.declines)]
    return out


def _dependencies(live: Sequence[Recommendation]) -> list[str]:
    out = []
    for r in live:
        after = r.details.get("after")
        if after in SURGICAL and not any(
                o.lesion == r.lesion and o.modality == "surgery"
                and o.details.get("procedure") in (after, "fixation", "prophylactic-fixation")
                for o in live):
            out.append(f"3: {r.id} at {r.lesion} follows {after}, which is not offered")
    return out


def _problems(problems: Sequence[Problem]) -> list[str]:
    # with no deliverable option, the options shown as not recommended must say why
    return [f"4: cord compression at {p.lesion} has no deliverable option and no reason"
            for p in problems if p.kind == "cord-compression"
            and p.status == "no-deliverable-option" and not p.recs and not p.removed]


def _reirradiation(live: Sequence[Recommendation]) -> list[str]:
    out = []
    for r in live:
        if r.id != "rt.reirradiation":
            continue
        offered = {(x["dose_gy"], x["fractions"])
                   for x in r.details.get("regimens", []) or []}  # type: ignore[attr-defined]
        for c in r.details.get("cord_checks", []) or []:  # type: ignore[attr-defined]
            if c["failed_dose"] and (c["dose_gy"], c["fractions"]) in offered:
                out.append(f"6: {r.id} offers {c['dose_gy']}/{c['fractions']} over the cord "
                           "limit")
    return out


def _alerts(live: Sequence[Recommendation], alerts: Sequence[Alert]) -> list[str]:
    ids = {a.id for a in alerts}
    return [f"7: {r.id} is offered despite the {alert_id} alert"
            for alert_id, forbidden in FORBIDS.items() if alert_id in ids
            for r in live if r.id in forbidden]


def _details(ctx: Context, live: Sequence[Recommendation]) -> list[str]:
    st = ctx.state
    severe = bool(st.dialysis) or (st.crcl is not None and st.crcl < 30)
    return ["8: zoledronic acid for hypercalcaemia in severe renal impairment" for r in live
            if r.id == "supportive.hypercalcemia" and severe
            and r.details.get("agent") == "zoledronic-acid"]


def _urgency(alerts: Sequence[Alert], workup: Mapping[str, Any]) -> list[str]:
    if not any(a.id == "mescc" and "within 24 hours" in a.message for a in alerts):
        return []
    mri = [i for i in workup.get("items", []) if i.get("id") == "mri-spine"]
    if mri and mri[0].get("urgency") != "emergency":
        return ["9: the MRI alert is same-day but the work-up is not an emergency"]
    return []


def _sbrt(ctx: Context, live: Sequence[Recommendation]) -> list[str]:
    out = []
    for r in live:
        if r.details.get("technique") != "sbrt" or r.details.get("after") or r.lesion is None \
                or r.id == "rt.postoperative":
            continue
        les = ctx.lesion(r.lesion)
        if isinstance(les, SpinalLesion) and ctx.unstable(les).value \
                and not ctx.stabilised(les):
            out.append(f"5: SBRT on an unstable segment at {r.lesion}")
        if les is not None and les.worst_pain is not None and les.worst_pain < 2:
            out.append(f"5: SBRT for pain below 2/10 at {r.lesion}")
        if ctx.state.survival.short:
            out.append(f"5: SBRT with a short expected survival at {r.lesion}")
    return out
