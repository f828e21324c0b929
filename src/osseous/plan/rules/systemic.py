"""Systemic therapy: the categories to discuss by primary and biomarkers, as options for the
oncologist with their sources - never prescriptions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from osseous.core.biomarkers import FIRST_LINE_DRIVERS, Biomarkers, read_biomarkers
from osseous.knowledge.primary_sites import primary_name
from osseous.plan.context import Context
from osseous.plan.engine import rule
from osseous.plan.model import Alert, Finding, NeedsData, Recommendation
from osseous.plan.state import Threshold

SOURCES: Final = {
    "breast": ("gennari-2021-esmo-breast",),
    "prostate": ("parker-2020-esmo-prostate",),
    "lung-nsclc": ("hendriks-2023-esmo-nsclc-oncogene", "hendriks-2023-esmo-nsclc"),
    "kidney": ("escudier-2019-esmo-rcc",),
    "myeloma": ("dimopoulos-2021-myeloma",),
}
#: cancers that often respond to systemic therapy whatever the performance status, and that
#: may be curable when metastatic (Choosing Wisely's exception; the survival scores were built
#: on carcinomas and myeloma)
CHEMOSENSITIVE: Final = ("lymphoma", "germ-cell")
#: GnRH agonists and antagonists (androgen deprivation), as the case's drug names
ADT: Final = ("leuprorelin", "leuprolide", "goserelin", "triptorelin", "degarelix", "relugolix")
#: drivers whose first line is not a targeted agent alone (ESMO 2023; PAPILLON: amivantamab
#: with carboplatin-pemetrexed for EGFR exon 20 insertions)
DRIVER_WORDS: Final = {"EGFR-ex20ins": "EGFR exon 20 insertion: amivantamab with chemotherapy"}
#: the spellings the plan asks for when a recorded biomarker cannot be read
ASK_FOR: Final = ("EGFR, ALK, ROS1, BRAF-V600E, MET, RET, NTRK, KRAS-G12C, HER2, PD-L1 with its "
                  "percentage, BRCA1/BRCA2, ER/PR, each with 'positive' or 'negative'")


def _option(category: str, title: str, why: str, based: dict[str, object],
            refs: tuple[str, ...]) -> Recommendation:
    return Recommendation(id=f"systemic.{category}", modality="systemic-therapy", title=title,
                          strength="consider",
                          urgency="routine",
                          rationale=why + " An option for the treating oncologist, not a "
                          "prescription.", based_on=based, references=refs, lesion=None,
                              details={"category": category})


def _breast(ctx: Context, based: dict[str, object]) -> Iterator[Finding]:
    c, refs = ctx.case.cancer, SOURCES["breast"]
    markers = read_biomarkers(c.biomarkers)
    hr, her2 = _receptors(c.hormone_receptor_positive, c.her2_positive, markers)
    disagree = [path for path, field_value, names in (
        ("cancer.hormone_receptor_positive", c.hormone_receptor_positive, {"ER", "PR"}),
        ("cancer.her2_positive", c.her2_positive, {"HER2"}))
        if field_value is not None and (
            (field_value is False and markers.positive & names)
            or (field_value is True and names <= markers.negative))]
    if disagree:
        # a category resting on a disputed status is held: endocrine therapy for a cancer the
        # laboratory calls ER/PR-negative would be the wrong treatment
        hr = None if "cancer.hormone_receptor_positive" in disagree else hr
        her2 = None if "cancer.her2_positive" in disagree else her2
        yield Alert(id="receptor-discordance", severity="warning",
                    message="The recorded " + " and ".join(
                        "hormone-receptor status" if "hormone" in p else "HER2 status"
                        for p in disagree) + " disagrees with the biomarker results ("
                    + ", ".join(c.biomarkers or ()) + "): the systemic options that depend on "
                    "it are held until pathology confirms it.", references=refs,
                    based_on={"hormone_receptor_positive": c.hormone_receptor_positive,
                              "her2_positive": c.her2_positive,
                              "biomarkers": list(c.biomarkers or ())})
        yield NeedsData(missing=tuple(disagree),
                        reason="the receptor status recorded and the biomarker results "
                               "disagree")
    if hr is None or her2 is None:
        yield NeedsData(missing=tuple(p for p, v in (
            ("cancer.hormone_receptor_positive", hr),
            ("cancer.her2_positive", her2)) if v is None),
            reason="receptor status decides the systemic categories")
    if her2:
        # HER2-positive first: HER2-directed therapy leads even when hormone receptors are
        # positive (ESMO 2021 metastatic breast), endocrine therapy alongside or as maintenance
        yield _option("her2-directed", "HER2-directed therapy",
                      "HER2-positive metastatic breast cancer" + (
                          ": HER2-directed therapy leads; endocrine therapy alongside or as "
                          "maintenance." if hr else "."), based, refs)
    if hr:
        on = _current(ctx, ENDOCRINE)
        yield _option("endocrine", f"Continue endocrine therapy ({', '.join(on)})" if on else
                      "Endocrine therapy (with a CDK4/6 inhibitor where suitable)",
                      "Hormone-receptor-positive metastatic breast cancer"
                      + ("; the current treatment continues until progression." if on else "."),
                      based, refs)
    if hr is False and her2 is False:
        yield _option("chemotherapy", "Chemotherapy (immunotherapy if PD-L1 positive)",
                      "Triple-negative metastatic breast cancer.", based, refs)
    if {"BRCA1", "BRCA2", "BRCA"} & markers.positive:
        yield _option("parp-inhibitor", "PARP inhibitor", "Germline BRCA mutation.", based, refs)


#: endocrine agents and CDK4/6 inhibitors for breast cancer, as the case's drug names
ENDOCRINE: Final = ("letrozole", "anastrozole", "exemestane", "tamoxifen", "fulvestrant",
                    "elacestrant", "palbociclib", "ribociclib", "abemaciclib")


def _current(ctx: Context, drugs: tuple[str, ...]) -> list[str]:
    """The drugs of a category the patient is taking now."""
    return sorted({m.drug for m in ctx.medications(drugs, ("active",))})


def _receptors(hr: bool | None, her2: bool | None,
               markers: Biomarkers) -> tuple[bool | None, bool | None]:
    """Receptor status from the structured fields, completed from the biomarker results
    (ER or PR positive is hormone-receptor positive; both negative is negative)."""
    if hr is None:
        if markers.positive & {"ER", "PR"}:
            hr = True
        elif {"ER", "PR"} <= markers.negative:
            hr = False
    if her2 is None:
        her2 = True if markers.has("HER2") else False if "HER2" in markers.negative else None
    return hr, her2


def _prostate(ctx: Context, based: dict[str, object]) -> Iterator[Finding]:
    c, refs = ctx.case.cancer, SOURCES["prostate"]
    if c.castration_resistant is None:
        yield NeedsData(missing=("cancer.castration_resistant",),
                        reason="castration status decides the "
                                                          "systemic categories")
        return
    if not c.castration_resistant:
        on = _current(ctx, (*ADT, "abiraterone", "enzalutamide", "apalutamide", "darolutamide"))
        yield _option("androgen-deprivation",
                      f"Continue androgen deprivation ({', '.join(on)})" if on else
                      "Androgen deprivation with an androgen receptor pathway inhibitor (or "
                      "docetaxel)", "Metastatic castration-sensitive prostate cancer"
                      + ("; the current treatment continues until castration resistance."
                         if on else "."), based, refs)
        return
    given = {m.drug for m in ctx.case.medications or ()
             if m.status in ("active", "completed", "stopped")}
    arpi = sorted(given & {"abiraterone", "enzalutamide", "apalutamide", "darolutamide"})
    taxanes = sorted(given & {"docetaxel", "cabazitaxel"})
    based = {**based, "prior_arpi": arpi, "prior_taxane": taxanes}
    if not arpi:
        yield _option("androgen-receptor-pathway", "Androgen receptor pathway inhibitor",
                      "Castration-resistant prostate cancer without a prior receptor-pathway "
                      "inhibitor.", based, refs)
    if "cabazitaxel" not in taxanes:
        title = ("Cabazitaxel after docetaxel" if "docetaxel" in taxanes else
                 "Taxane chemotherapy (docetaxel)")
        current = {m.drug for m in ctx.case.medications or () if m.status == "active"}
        on = sorted(set(arpi) & current)
        before = sorted(set(arpi) - current)
        yield _option("chemotherapy", title, "Castration-resistant prostate cancer"
                      + (f" on {', '.join(on)}" if on else "")
                      + (f"{' and' if on else ''} after {', '.join(before)}" if before else "")
                      + ".", based, refs)
    if {"BRCA1", "BRCA2", "BRCA", "HRR"} & read_biomarkers(c.biomarkers).positive:
        yield _option("parp-inhibitor", "PARP inhibitor",
                      "Homologous-recombination-repair (BRCA) alteration.", based, refs)


def _nsclc(ctx: Context, based: dict[str, object]) -> Iterator[Finding]:
    c, refs = ctx.case.cancer, SOURCES["lung-nsclc"]
    markers = read_biomarkers(c.biomarkers)
    first_line = [d for d in markers.drivers if d in FIRST_LINE_DRIVERS]
    later = [d for d in markers.drivers if d not in FIRST_LINE_DRIVERS]
    treated = (c.prior_chemotherapy_lines or 0) >= 1
    if first_line or (c.targeted_therapy and not later) or (later and treated):
        named = ", ".join(DRIVER_WORDS.get(d, d) for d in first_line or later) \
            or "recorded as available"
        yield _option("targeted", f"Targeted therapy for the driver ({named})",
                      "Oncogene-addicted NSCLC" + (" after a first line of treatment." if
                                                   not first_line and later else "."),
                      based, refs[:1])
        return
    if c.biomarkers is None and c.targeted_therapy is None:
        yield NeedsData(missing=("cancer.biomarkers",),
                        reason="driver mutations and PD-L1 decide between "
                                                "targeted therapy and immunotherapy")
        return
    if markers.unread and c.targeted_therapy is None:
        # an unread result may be a driver: immunotherapy first would be the wrong first line
        yield NeedsData(missing=("cancer.biomarkers",),
                        reason="the biomarker results " + ", ".join(
                            f"'{u}'" for u in markers.unread) + " could not be read; record "
                        "them as " + ASK_FOR + " - a driver would call for targeted therapy "
                        "rather than immunotherapy")
        return
    high_pdl1 = markers.has("PD-L1>=50%")
    yield _option("immunotherapy", "Immunotherapy" + (" (PD-L1 >= 50%: alone or with "
                  "chemotherapy)" if high_pdl1 else " with chemotherapy"),
                  "NSCLC without a driver treated in the first line." if later else
                  "NSCLC without an actionable driver.", based, refs[1:])
    if later:
        # KRAS G12C, HER2 mutation, NRG1: an immunotherapy-based first line, the targeted
        # agent at progression (ESMO 2023 oncogene-addicted NSCLC)
        yield _option("targeted", f"Targeted therapy for {', '.join(later)} at progression "
                      "after the first line", "Its targeted agents are given after a first line "
                      "(ESMO 2023 oncogene-addicted NSCLC).", based, refs[:1])


def _kidney(ctx: Context, based: dict[str, object]) -> Iterator[Finding]:
    yield _option("targeted", "Immunotherapy-based combination or VEGF-targeted therapy",
                  "Metastatic renal cell carcinoma.", based, SOURCES["kidney"])


def _curable(ctx: Context, based: dict[str, object]) -> Iterator[Finding]:
    yield Recommendation(
        id="systemic.chemotherapy", modality="systemic-therapy",
        title=f"Chemotherapy for {primary_name(ctx.primary)} with the specialist team",
        strength="recommended", urgency="urgent",
        rationale=f"{primary_name(ctx.primary)[0].upper() + primary_name(ctx.primary)[1:]} "
        "often responds to chemotherapy and may be curable when it has spread: treatment "
        "starts without waiting for the performance status to recover, planned by the "
        "specialist team (fertility preservation discussed first where it applies).",
        based_on=based, references=("schnipper-2012-choosing-wisely",), lesion=None,
        details={"category": "chemotherapy"})


def _myeloma(ctx: Context, based: dict[str, object]) -> Iterator[Finding]:
    yield _option("chemotherapy", "Anti-myeloma therapy (by transplant eligibility and line)",
                  "Multiple myeloma.", based, SOURCES["myeloma"])


@rule("systemic.categories", "systemic-therapy", "2",
      (*(ref for refs in SOURCES.values() for ref in refs), "schnipper-2012-choosing-wisely",
       "docetaxel-label", "coleman-2020-esmo"))
def categories(ctx: Context) -> Iterator[Finding]:
    """Systemic categories by primary and biomarkers: breast (endocrine, HER2-directed,
    chemotherapy, PARP inhibitor), prostate (androgen deprivation and receptor-pathway
    inhibitors, taxanes, PARP inhibitor), NSCLC (targeted therapy for a driver, otherwise
    immunotherapy), renal cell (immunotherapy combinations, VEGF-targeted), myeloma. Other
    primaries are left to the oncologist."""
    c = ctx.case.cancer
    if c.primary is None:
        yield NeedsData(missing=("cancer.primary",),
                        reason="the primary decides the systemic categories")
        return
    based: dict[str, object] = {"primary": c.primary,
                                "hormone_receptor_positive": c.hormone_receptor_positive,
                                "her2_positive": c.her2_positive,
                                "castration_resistant": c.castration_resistant,
                                "targeted_therapy": c.targeted_therapy,
                                "biomarkers": list(c.biomarkers or ())}
    st = ctx.state
    frail = st.too_frail_for_systemic
    short = st.survival.short
    if c.primary in CHEMOSENSITIVE and (frail or short) and st.goal != "comfort":
        # the Choosing Wisely exception: a disease likely to respond (lymphoma, germ-cell
        # tumours) is treated even from a poor performance status, which the response may
        # restore; the survival scores were not built for these cancers
        frail = short = False
        based = {**based, "chemosensitive": True, "ecog": st.ecog}
    if frail or short:
        why = (f"ECOG {st.ecog} (3-4)" if frail else
               "expected survival under 3 months (" + "; ".join(st.survival.reasons) + ")")
        yield Recommendation(
            id="systemic.not-indicated", modality="systemic-therapy",
            title="Cancer-directed systemic therapy",
            strength="not-recommended", urgency="routine",
            rationale=f"{why}: the benefit of cancer-directed systemic therapy is not shown and "
                      "its "
            "harms are (ASCO Choosing Wisely: no cancer-directed therapy for solid tumours with "
            "poor performance status); best supportive care. A low-toxicity option with a high "
            "chance of response (endocrine therapy, targeted therapy for a driver) is the "
            "oncologist's judgement.", based_on={**based, "ecog": st.ecog,
                                        "survival_class": st.survival.klass},
            references=("schnipper-2012-choosing-wisely",), lesion=None, details={"category": None})
        if c.primary == "prostate" and ctx.state.goal != "comfort" and (
                c.castration_resistant is not None
                or ctx.medications(ADT, ("active",))):
            # stopping castration lets testosterone, and the cancer, recover: androgen
            # deprivation is kept through castration resistance (ESMO 2020 prostate)
            yield Recommendation(
                id="systemic.continue-adt", modality="systemic-therapy",
                title="Continue androgen deprivation therapy", strength="recommended",
                urgency="routine",
                rationale="Androgen deprivation keeps testosterone at castrate level and is "
                "continued whatever else is stopped; its burden is low (an injection every one "
                "to six months).", based_on={**based, "ecog": st.ecog},
                references=SOURCES["prostate"], lesion=None,
                details={"category": "androgen-deprivation"})
        return
    if frail is None:
        # a known ECOG 3-4 would turn these options into best supportive care: say so
        yield NeedsData(missing=("patient.ecog",),
                        reason="performance status decides whether cancer-directed systemic "
                               "therapy is offered")
    handlers = {"breast": _breast, "prostate": _prostate, "lung-nsclc": _nsclc,
                "kidney": _kidney, "myeloma": _myeloma, "lymphoma": _curable,
                "germ-cell": _curable}
    handler = handlers.get(c.primary)
    if handler is None:
        # the disease still needs controlling: the problem is shown, the choice is the
        # oncologist's (no category table here for this primary)
        yield _option("oncologist", "Systemic therapy chosen by the treating oncologist",
                      f"Osseous holds no category table for {primary_name(c.primary)}: the "
                      "disease-directed options (chemotherapy, targeted, hormonal, radionuclide "
                      "or immune therapy) are for the treating oncologist or the specialist "
                      "team.", based, ("coleman-2020-esmo",))
        return
    yield from _marrow_checked(ctx, handler(ctx, based))


#: chemotherapy is not given with neutrophils below 1.5 x 10^9/L (docetaxel and cabazitaxel
#: labels); the marrow check is the patient state's, shared with the radiopharmaceuticals
CHEMOTHERAPY_MIN_ANC: Final = 1.5


#: primaries of the marrow: low counts are the disease that the therapy treats, not a bar to it
MARROW_PRIMARIES: Final = ("myeloma", "lymphoma")


def _marrow_checked(ctx: Context, findings: Iterator[Finding]) -> Iterator[Finding]:
    if ctx.primary in MARROW_PRIMARIES:
        yield from findings
        return
    for f in findings:
        if not (isinstance(f, Recommendation) and f.details.get("category") == "chemotherapy"):
            yield f
            continue
        check = ctx.state.check_counts([Threshold("anc", CHEMOTHERAPY_MIN_ANC,
                                                  "docetaxel and cabazitaxel labels")])
        if check.below:
            yield Recommendation(
                id=f.id, modality=f.modality, title=f.title, strength="not-recommended",
                urgency="routine",
                rationale=f"Not now: {'; '.join(check.below)}. " + f.rationale,
                based_on={**f.based_on, **check.values},
                references=(*f.references, "docetaxel-label"), lesion=f.lesion,
                details=f.details)
            continue
        yield f
        if check.missing or check.stale:
            yield NeedsData(missing=(*check.missing, *check.stale),
                            reason="a current neutrophil count before chemotherapy")
