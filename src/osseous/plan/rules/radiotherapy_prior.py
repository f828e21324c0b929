"""Radiotherapy to a site already treated: re-irradiation with the cumulative cord-dose checks,
post-operative radiotherapy while the operation is recent, and the flag on an earlier course of
more than 10 fractions."""

from __future__ import annotations

from collections.abc import Iterator

from osseous.core.case import SpinalLesion
from osseous.knowledge.radiotherapy import MAX_PALLIATIVE_FRACTIONS, REGIMENS
from osseous.plan.context import Context, compression_term
from osseous.plan.engine import rule
from osseous.plan.model import (
    Alert,
    Finding,
    NeedsData,
    NotApplicable,
    Recommendation,
    Strength,
)
from osseous.plan.rules._common import (
    POST_OPERATIVE,
    POST_OPERATIVE_WINDOW_DAYS,
    post_operative,
    postoperative_setting,
    regimens,
)
from osseous.scores import radiobiology as rb

#: a second course is not given within a month of the first (ASTRO 2017: retreatment is
#: considered for pain persisting or recurring more than 1 month after radiotherapy)
REIRRADIATION_MIN_DAYS = 30
SPECIALISTS = (" Whether decompression or separation surgery, or stereotactic re-irradiation "
               "with a planned cord dose, is possible is decided today by the spinal surgeons "
               "and the clinical oncologist; dexamethasone meanwhile.")


def _compressed_recent(ctx: Context, les: SpinalLesion, days: int | None,
                       based: dict[str, object]) -> Recommendation:
    """Compression at a level irradiated within the last month (or at an unknown time): no
    conventional course now, said plainly, and the decision goes to the specialists (knowing
    less never turns this into a plain course as if the level had never been irradiated)."""
    term = compression_term(les)
    when = (f"{days} days after radiotherapy to the same level" if days is not None else
            "at a level irradiated before, on a date not recorded")
    return Recommendation(
        id="rt.reirradiation", modality="radiotherapy", title=f"Re-irradiation of {les.id}",
        strength="not-recommended", urgency="emergency",
        rationale=f"{term[0].upper() + term[1:]} {when}: re-irradiation is not possible now. "
        "A second course is not given within a month of the first (ASTRO 2017), and any later "
        "course needs the cumulative cord dose of both courses (Nieder 2006)." + SPECIALISTS,
        based_on=based, references=("astro-2017", "nieder-2006"), lesion=les.id,
        details={"technique": "conventional", "regimens": []})


def _term(les: object) -> str:
    term = compression_term(les) if isinstance(les, SpinalLesion) else "compression"
    return term[0].upper() + term[1:]


def _compressed_unchecked(les: SpinalLesion, days: int,
                          based: dict[str, object]) -> Recommendation:
    """Compression more than a month after radiotherapy whose dose is not recorded: the cord
    check cannot be done, so no regimen is offered, and the gap is an emergency."""
    return Recommendation(
        id="rt.reirradiation", modality="radiotherapy", title=f"Re-irradiation of {les.id}",
        strength="consider", urgency="emergency",
        rationale=f"{_term(les)} {days} days after radiotherapy to the same level: "
        "re-irradiation may be possible, but only within the cumulative cord limits (Nieder "
        "2006), and the dose and fractions of the earlier course are not recorded: obtain them "
        "(and the cord dose from its plan) today; no regimen is offered until then."
        + SPECIALISTS,
        based_on=based, references=("astro-2017", "nieder-2006"), lesion=les.id,
        details={"technique": "conventional", "regimens": []})


@rule("rt.reirradiation", "radiotherapy", "2",
      ("astro-2017", "astro-2024", "chow-2014-sc20", "nieder-2006"))
def reirradiation(ctx: Context) -> Iterator[Finding]:
    """Persistent or recurrent pain more than 1 month after radiotherapy to the site:
    re-irradiation considered (8 Gy x 1, 20 Gy/5, 24 Gy/6; spine also 20 Gy/8), with the
    cumulative spinal-cord dose checked for each regimen (Nieder 2006)."""
    for les in ctx.case.lesions:
        if not les.prior_radiotherapy:
            continue
        last = ctx.last_radiotherapy(les)
        days = ctx.days_since(last) if last else None
        painful = ctx.painful(les)
        based: dict[str, object] = {"days_since_radiotherapy": days,
                                    "worst_pain": les.worst_pain,
                                    "prior_courses": [
                                        {"dose_gy": c.dose_gy, "fractions": c.fractions,
                                         "date": c.date.isoformat() if c.date else None}
                                        for c in les.prior_radiotherapy]}
        compressed = isinstance(les, SpinalLesion) and bool(ctx.mescc(les))
        if days is None:
            if compressed:
                assert isinstance(les, SpinalLesion)
                yield _compressed_recent(ctx, les, None, based)
            yield NeedsData(missing=(ctx.path(les, "prior_radiotherapy[].date"),),
                            reason="the interval since radiotherapy decides re-irradiation",
                            lesion=les.id)
            continue
        if days <= REIRRADIATION_MIN_DAYS:
            if compressed:
                assert isinstance(les, SpinalLesion)
                yield _compressed_recent(ctx, les, days, based)
            else:
                yield NotApplicable(reason="within 1 month of radiotherapy: assess the response "
                                    "first", based_on=based, lesion=les.id)
            continue
        if compressed:
            painful = True  # compression, not pain, is the indication
        if painful is None:
            yield NeedsData(missing=(ctx.path(les, "worst_pain"),), reason="is the site still "
                                                                           "painful?",
                            lesion=les.id)
            continue
        if not painful:
            yield NotApplicable(reason="no pain at the irradiated site", based_on=based,
                                lesion=les.id)
            continue
        spinal = isinstance(les, SpinalLesion)
        set_id = "reirradiation-spine" if spinal else "reirradiation-non-spine"
        details: dict[str, object] = {"technique": "conventional", "regimens": regimens(set_id)}
        strength: Strength = "consider"
        text = ""
        if isinstance(les, SpinalLesion):
            checks, missing = _cord_checks(ctx, les, set_id)
            details["cord_checks"] = checks
            if missing:
                if compressed:
                    yield _compressed_unchecked(les, days, based)
                yield NeedsData(missing=tuple(missing), reason="prior dose and fractions for the "
                                                               "cord check",
                                lesion=les.id)
                continue
            offered, verdict = _judge_cord_checks(checks)
            details["regimens"] = offered
            details["rejected_regimens"] = [
                {"dose_gy": c["dose_gy"], "fractions": c["fractions"],
                 "failed": c["failed_dose"]} for c in checks if c["failed_dose"]]
            if not offered:
                strength = "not-recommended"
            text = verdict
        yield Recommendation(
            id="rt.reirradiation", modality="radiotherapy", title="Consider re-irradiation of "
                                                                  f"{les.id}",
            strength=strength,
            urgency="emergency" if compressed and strength != "not-recommended" else "routine",
            rationale=(f"{_term(les)} {days} days after radiotherapy to the same level: "
             "re-irradiation within the cumulative cord limits is the radiation option."
             + SPECIALISTS if compressed else
             f"Pain persists or recurs {days} days after radiotherapy (more than 1 month): "
             "retreatment is considered (ASTRO 2017); in SC.20, 8 Gy x 1 and 20 Gy in multiple "
             "fractions gave similar relief.") + text,
            based_on=based, references=("astro-2017", "astro-2024", "chow-2014-sc20",
                                        "nieder-2006"), lesion=les.id,
            details=details)


def _judge_cord_checks(checks: list[dict[str, object]]) -> tuple[list[dict[str, object]], str]:
    """The regimens whose cumulative cord doses are within the Nieder limits (hard limits)
    and the sentence that says which check failed. The 6-month interval is a soft criterion
    (Nieder's series): a short interval is stated, not a reason to refuse."""
    offered = [{"dose_gy": c["dose_gy"], "fractions": c["fractions"]} for c in checks
               if not c["failed_dose"] and c["dose_unknown"] is False]
    short_interval = any(c["failed_interval"] for c in checks)
    parts = []
    if offered:
        parts.append(" Cord check (Nieder 2006, prescription dose as cord dose until the plan "
                     "gives it): cumulative doses within limits for "
                     + ", ".join(f"{r['dose_gy']:g} Gy/{r['fractions']:g}" for r in offered)
                     + ".")
    rejected = [c for c in checks if c["failed_dose"]]
    if rejected:
        parts.append(" Over the cumulative cord limit (not offered): "
                     + ", ".join(f"{c['dose_gy']:g} Gy/{c['fractions']:g} "
                                 f"({', '.join(c['failed_dose'])})"  # type: ignore[arg-type]
                                 for c in rejected) + ".")
    if not offered and rejected:
        parts.append(" Only a planned technique with a measured cord dose can be considered.")
    if short_interval:
        parts.append(" The interval since the last course is under Nieder's 6 months: a soft "
                     "criterion, stated for the team's judgement.")
    return offered, "".join(parts)


def _cord_checks(ctx: Context, les: SpinalLesion,
                 set_id: str) -> tuple[list[dict[str, object]], list[str]]:
    prior, missing = [], []
    for i, c in enumerate(les.prior_radiotherapy or ()):
        if c.dose_gy is None or c.fractions is None:
            missing.append(ctx.path(les, f"prior_radiotherapy[{i}]"))
            continue
        prior.append(rb.Course(c.dose_gy, c.fractions, c.date, c.cord_max_eqd2_gy))
    out = []
    for reg in REGIMENS[set_id].regimens:
        checks = rb.nieder_conventional(prior, rb.Course(reg.dose_gy, reg.fractions),
                                        ctx.case.assessed_on)
        within = [ch.within for ch in checks]
        dose = [ch for ch in checks if ch.kind != "min"]
        out.append({"dose_gy": reg.dose_gy, "fractions": reg.fractions,
                    "checks": [ch.to_dict() for ch in checks],
                    "all_within": None if None in within else all(within),
                    "failed_dose": [ch.name for ch in dose if ch.within is False],
                    "dose_unknown": any(ch.within is None for ch in dose),
                    "failed_interval": [ch.name for ch in checks
                                        if ch.kind == "min" and ch.within is False]})
    return out, missing


@rule("rt.postoperative", "radiotherapy", "2", ("astro-2024", "coleman-2020-esmo"))
def postoperative(ctx: Context) -> Iterator[Finding]:
    """After fixation, decompression, stabilisation or separation surgery without radiotherapy
    since: post-operative radiotherapy (ASTRO 2024 for non-spinal sites and spine without cord
    compression; conditional after surgery for cord compression; ESMO 2020), once the wound has
    healed and while the operation is recent (within 6 weeks, project default). After an older
    operation the site is treated as any other metastasis (for pain); an undated operation is
    treated as possibly recent and its date asked for."""
    for les in ctx.case.lesions:
        ops = [s for s in les.prior_surgery or () if s.procedure in POST_OPERATIVE]
        if not ops:
            continue
        last_op = max((s.date for s in ops if s.date), default=None)
        last_rt = ctx.last_radiotherapy(les)
        if last_op is not None and last_rt is not None and last_rt >= last_op:
            yield NotApplicable(reason="irradiated after the operation", lesion=les.id)
            continue
        setting = postoperative_setting(ctx, les)
        based = {"procedures": [s.procedure for s in ops],
                 "surgery_date": last_op.isoformat() if last_op else None}
        if setting.value is False:
            yield NotApplicable(reason=f"{setting.reasons[0]}: no longer the post-operative "
                                "setting; radiotherapy for pain as for any metastasis",
                                based_on=based, lesion=les.id)
            continue
        sbrt = (ctx.radiosensitivity.value == "resistant"
                and any(s.procedure == "separation-surgery" for s in ops))
        when = (f"The operation was {setting.reasons[0].removeprefix('operated ')}. "
                if setting.value else
                "The date of the operation is not recorded: this applies if it was within the "
                f"last {POST_OPERATIVE_WINDOW_DAYS // 7} weeks, otherwise radiotherapy is given "
                "for pain as for any metastasis. ")
        if last_rt is not None or les.prior_radiotherapy:
            # irradiated before the operation: a post-operative course is re-irradiation, and at
            # the spine the cumulative cord dose decides it (Nieder 2006; Sahgal 2012 after SBRT)
            spinal = isinstance(les, SpinalLesion)
            strength: Strength = "consider"
            offered: list[dict[str, object]] = []
            verdict = ""
            if isinstance(les, SpinalLesion):
                # the same cumulative cord check as any re-irradiation (Nieder 2006)
                checks, unknown = _cord_checks(ctx, les, "reirradiation-spine")
                if not unknown:
                    offered, verdict = _judge_cord_checks(checks)
                    if not offered:
                        strength = "not-recommended"
            yield Recommendation(
                id="rt.postoperative", modality="radiotherapy",
                title=f"Post-operative radiotherapy to {les.id}: a re-irradiation",
                strength=strength,
                urgency="urgent" if strength != "not-recommended" else "routine",
                rationale=when + "The site has already been irradiated"
                + (f" (last course on {last_rt.isoformat()})" if last_rt else "")
                + ": a post-operative course is a re-irradiation"
                + (", planned by the clinical oncologist within the cumulative spinal-cord dose "
                   "limits (Nieder 2006)." + verdict if spinal else
                   "; the regimen is the clinical oncologist's, with the previous dose."),
                based_on={**based, "previously_irradiated": True},
                references=("astro-2024", "coleman-2020-esmo", "nieder-2006"), lesion=les.id,
                details={"technique": "conventional", "regimens": offered,
                         "reirradiation": True})
            continue
        yield Recommendation(
            id="rt.postoperative", modality="radiotherapy", title="Post-operative radiotherapy to "
                                                                  f"{les.id}",
            strength="recommended", urgency="urgent",
            rationale=when + "Radiotherapy after surgery for a bone metastasis reduces local "
            "recurrence and hardware failure (ASTRO 2024; ESMO 2020), given once the wound has "
            "healed, usually 2 to 4 weeks after the operation. The guideline fixes no regimen; "
            "the conventional palliative regimens are shown"
            + (", and SBRT follows separation surgery for a radioresistant tumour." if sbrt
               else "."),
            based_on=based, references=("astro-2024", "coleman-2020-esmo"), lesion=les.id,
            details={"technique": "sbrt" if sbrt else "conventional",
                     "regimens": [] if sbrt else regimens("uncomplicated")})
        if setting.value is None:
            yield NeedsData(missing=setting.missing, reason="the date of the operation decides "
                            "post-operative radiotherapy", lesion=les.id)


@rule("rt.extended-fractionation", "radiotherapy", "1", ("choosing-wisely-astro-2013",))
def extended_fractionation(ctx: Context) -> Iterator[Finding]:
    """A conventional palliative course of more than 10 fractions recorded for a lesion without
    cord compression or surgery is flagged (Choosing Wisely)."""
    for les in ctx.case.lesions:
        if post_operative(les) or (isinstance(les, SpinalLesion) and ctx.mescc(les)):
            continue
        for c in les.prior_radiotherapy or ():
            if c.technique != "sbrt" and c.fractions is not None \
                    and c.fractions > MAX_PALLIATIVE_FRACTIONS:
                yield Alert(id="extended-fractionation", severity="info",
                            message=f"{les.id}: {c.dose_gy:g} Gy in {c.fractions} fractions - more "
                            "than 10 fractions is not used for uncomplicated palliation of "
                            "bone metastases.", references=("choosing-wisely-astro-2013",),
                                                            lesion=les.id,
                            based_on={"dose_gy": c.dose_gy, "fractions": c.fractions})


