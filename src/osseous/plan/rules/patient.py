"""Alerts about the patient as a person: death, age, pregnancy, goal of care, discordant
survival estimates, and bone metastases known but not yet localised."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from osseous.plan.context import Context
from osseous.plan.engine import rule
from osseous.plan.model import Alert, Finding, NeedsData, NotApplicable

PREGNANCY_REFS = ("xofigo-label", "quadramet-label", "metastron-label", "pluvicto-label",
                  "xgeva-label", "zometa-label")


@rule("alert.deceased", "alerts", "1", ("osseous-decisions",))
def deceased(ctx: Context) -> Iterator[Finding]:
    """A recorded death: no treatment is recommended; the scores are kept for the record."""
    st = ctx.state
    if not st.deceased:
        ref = ctx.case.assessed_on
        later = sorted(e.date for e in ctx.case.events or ()
                       if e.type == "death" and e.date is not None and ref is not None
                       and e.date > ref)
        if later:
            # a plan dated before a recorded death is a plan of that time (a registry's
            # retrospective assessment) - or the dates are wrong; either way, say so
            yield Alert(id="death-after-assessment", severity="warning",
                        message=f"The record says the patient died on {later[0].isoformat()}, "
                        f"after the date of this assessment ({ref}): the plan is as of that "
                        "date. Check the dates if this is not a retrospective review.",
                        references=("osseous-decisions",),
                        based_on={"death": later[0].isoformat(), "assessed_on": str(ref)})
            return
        yield NotApplicable(reason="no death recorded")
        return
    when = f" on {st.death_date.isoformat()}" if st.death_date else ""
    yield Alert(id="deceased", severity="critical",
                message=f"The record says the patient died{when}: no treatment is recommended. The "
                "scores are shown for the record only.", references=("osseous-decisions",),
                based_on={"death": st.death_date.isoformat() if st.death_date else True})


@rule("alert.minor", "alerts", "1", ("zometa-label", "xgeva-label", "sahgal-2021-sc24"))
def minor(ctx: Context) -> Iterator[Finding]:
    """Under 18: the rules, doses and trial evidence behind them are for adults; no adult dose
    is given as a recommendation."""
    st = ctx.state
    if st.minor is None:
        yield NeedsData(missing=("patient.age_years",), reason="the rules and doses are for adults")
        return
    if not st.minor:
        yield NotApplicable(reason="adult", based_on={"age_years": st.age})
        return
    yield Alert(id="minor", severity="warning",
                message=f"Patient aged {st.age}: the rules, regimens and doses here come from "
                "adult trials and labels and do not apply; paediatric oncology decides every dose.",
                references=("zometa-label", "xgeva-label", "sahgal-2021-sc24"),
                based_on={"age_years": st.age})


@rule("alert.pregnancy", "alerts", "1", PREGNANCY_REFS)
def pregnancy(ctx: Context) -> Iterator[Finding]:
    """Known pregnancy: radiopharmaceuticals and bone-modifying agents are excluded (fetal harm
    in their labels); radiotherapy needs specialist planning of the fetal dose. Unknown
    pregnancy status in a woman of child-bearing age is asked for."""
    st = ctx.state
    if st.pregnant:
        yield Alert(id="pregnancy", severity="warning",
                    message="Pregnant: radiopharmaceuticals and bone-modifying agents are not "
                            "given "
                    "(fetal harm in their labels); any radiotherapy needs specialist planning "
                    "with fetal dose estimates; obstetric input to the board.",
                        references=PREGNANCY_REFS,
                    based_on={"pregnant": True})
        return
    if st.pregnancy_possible:
        yield NeedsData(missing=("patient.pregnant",), reason="pregnancy excludes "
                        "radiopharmaceuticals and bone-modifying agents, and changes "
                        "radiotherapy, imaging and systemic therapy")
        return
    yield NotApplicable(reason="not pregnant or not applicable", based_on={"pregnant": st.pregnant})


@rule("alert.survival-discordance", "alerts", "1", ("krishnan-2014", "katagiri-2014"))
def survival_discordance(ctx: Context) -> Iterator[Finding]:
    """The clinician's estimate of survival and two or more complete survival scores fall in
    different classes (or the scores disagree among themselves): say so, never silently prefer
    one."""
    sv = ctx.state.survival
    if sv.discordance is None:
        yield NotApplicable(reason="no discordance", based_on={"survival": sv.to_dict()})
        return
    # an estimate of a year or more against scores that say weeks changes whole families of
    # treatment: a warning, not a note
    yield Alert(id="survival-discordance", severity="warning" if sv.discordance_wide else "info",
                message=sv.discordance,
                references=("krishnan-2014", "katagiri-2014"), based_on={"survival": sv.to_dict()})


@rule("alert.unlocalised-metastases", "alerts", "1", ("coleman-2020-esmo",))
def unlocalised(ctx: Context) -> Iterator[Finding]:
    """Bone metastases known but not localised: the patient-level plan stands, and imaging
    localises them (local treatment, fracture and cord-compression risk need sites)."""
    bm = ctx.case.cancer.bone_metastases
    if bm is None or not (bm.unlocalised or (bm.present and not ctx.case.lesions)):
        yield NotApplicable(reason="bone metastases localised or not recorded")
        return
    yield Alert(id="unlocalised-metastases", severity="warning",
                message="Bone metastases are recorded but not localised: the plan covers the whole "
                "patient (bone health, systemic treatment, pain); imaging of the skeleton is "
                "needed before any local treatment, and back pain or neurological symptoms "
                "need an urgent MRI of the spine.", references=("coleman-2020-esmo",),
                based_on={"present": bm.present, "unlocalised": bm.unlocalised,
                          "listed_lesions": len(ctx.case.lesions)})


@rule("alert.goal-discordance", "alerts", "1", ("osseous-decisions",))
def goal_discordance(ctx: Context) -> Iterator[Finding]:
    """A goal of comfort (end of life) recorded for a patient whose record says otherwise - ECOG
    0-1, or an expected survival of 12 months or more: the goal removes disease-directed
    treatment, so the board confirms it rather than the plan silently following a stale or
    mistaken entry."""
    st = ctx.state
    if st.goal != "comfort":
        yield NotApplicable(reason="goal is not comfort", based_on={"goal": st.goal})
        return
    why = []
    if st.ecog is not None and st.ecog <= 1:
        why.append(f"ECOG {st.ecog}")
    if st.survival.klass == "long":
        why.append("an expected survival of " + "; ".join(st.survival.reasons))
    if not why:
        yield NotApplicable(reason="the record fits an end-of-life goal",
                            based_on={"goal": st.goal, "ecog": st.ecog})
        return
    yield Alert(id="goal-discordance", severity="warning",
                message="The goal of care is recorded as comfort (end of life: symptom control "
                "only) although the record shows " + " and ".join(why) + ": confirm the goal "
                "with the patient before disease-directed treatment is left out.",
                references=("osseous-decisions",),
                based_on={"goal": st.goal, "ecog": st.ecog, "survival": st.survival.to_dict()})


#: the primaries whose care belongs with a specialist multidisciplinary team, not the general
#: bone-metastasis board alone (NICE NG sarcoma service guidance; TYA services to 24 years)
SPECIALIST_PRIMARIES: Final = {"sarcoma": "a sarcoma multidisciplinary team",
                               "germ-cell": "a germ-cell tumour team"}
#: teenagers and young adults: cancer services for 16-24-year-olds (NICE CSG on children and
#: young people with cancer)
YOUNG_ADULT_MAX_AGE: Final = 24


@rule("alert.specialist-team", "alerts", "1", ("osseous-decisions",))
def specialist_team(ctx: Context) -> Iterator[Finding]:
    """A sarcoma or germ-cell primary, or a patient aged 24 or under: the palliative rules of
    this plan are written for adults with common carcinomas; the disease-directed plan (often
    curative-intent chemotherapy and local therapy) belongs with the specialist team."""
    st = ctx.state
    teams = []
    if ctx.primary in SPECIALIST_PRIMARIES:
        teams.append(SPECIALIST_PRIMARIES[ctx.primary])
    if st.age is not None and st.age <= YOUNG_ADULT_MAX_AGE:
        teams.append("the teenage and young adult (or paediatric) cancer service")
    if not teams:
        yield NotApplicable(reason="no specialist team named",
                            based_on={"primary": ctx.primary, "age_years": st.age})
        return
    yield Alert(id="specialist-team", severity="warning",
                message=f"{ctx.primary_words[0].upper() + ctx.primary_words[1:]}"
                + (f" at {st.age} years" if st.age is not None else "")
                + ": the plan belongs with " + " and ".join(teams) + ". The palliative options "
                "below are written for adults with common carcinomas and do not replace "
                "disease-directed treatment with curative intent where it exists.",
                references=("osseous-decisions",),
                based_on={"primary": ctx.primary, "age_years": st.age})


@rule("alert.future-dates", "alerts", "1", ("osseous-decisions",))
def future_dates(ctx: Context) -> Iterator[Finding]:
    """Treatments and results dated after the assessment date: they are not used (the plan is
    made from the record as of its date, plan/as_of.py), so the board is told which dates to
    check."""
    ref = ctx.case.assessed_on
    if ref is None:
        yield NotApplicable(reason="no assessment date")
        return
    later: list[str] = []
    for les in ctx.recorded.lesions:
        later += [f"radiotherapy to {les.id} on {c.date}" for c in les.prior_radiotherapy or ()
                  if c.date is not None and c.date > ref]
        later += [f"{s.procedure} of {les.id} on {s.date}" for s in les.prior_surgery or ()
                  if s.date is not None and s.date > ref]
    later += [f"{lab.analyte} on {lab.date}" for lab in ctx.case.labs or ()
              if lab.date is not None and lab.date > ref]
    later += [f"{m.drug} started on {m.started}" for m in ctx.case.medications or ()
              if m.started is not None and m.started > ref]
    if not later:
        yield NotApplicable(reason="nothing dated after the assessment")
        return
    yield Alert(id="future-dates", severity="warning",
                message=f"Dated after this assessment ({ref}), so not used: "
                + "; ".join(later[:8]) + ("; ..." if len(later) > 8 else "")
                + ". Check the dates: a wrong date can make a treated site look untreated.",
                references=("osseous-decisions",), based_on={"assessed_on": str(ref),
                                                             "count": len(later)})
