"""Condition: the primary cancer, bone metastases (lesions, or the fact that they exist when
they are not localised), brain and visceral metastases.

Codes are read from :mod:`osseous.interop.terminology`: SNOMED CT and ICD-10-CM (dotted or
not) primaries and secondaries, the mCODE pattern of a generic cancer code with the organ in
``bodySite``, and the codes Synthea writes. A condition that reads as a cancer but whose code
is not in the tables is reported as unmapped, never silently ignored.

A bone metastasis without a site that maps to a bone is a fact, not nothing: it sets
``cancer.bone_metastases.present`` and ``unlocalised``, so that the assessment gives the
patient-level plan and asks for imaging to localise the lesions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from osseous.interop.mapping.common import (
    Builder,
    Json,
    Res,
    as_dict,
    as_list,
    as_str,
    codings_of,
    extensions,
    fhir_date,
    has_profile,
    problem,
    shown,
    texts_of,
    words_in,
)
from osseous.interop.mapping.registry import maps
from osseous.interop.mapping.sites import PRIMARY_WORDS, bone_site, primary_site, visceral_site
from osseous.interop.references import reference_key
from osseous.interop.terminology import (
    CANCER_WORDS,
    ICD10,
    LUNG,
    SNOMED,
    SNOMED_GENERIC_PRIMARY,
    SNOMED_NOT_USED,
    SNOMED_PRIMARY,
    SNOMED_SECONDARY_PRIMARY,
    SYNTHEA_CONVENTION,
    icd_primary,
    secondary_site,
)

MCODE_PRIMARY = "primary-cancer-condition"
MCODE_SECONDARY = "secondary-cancer-condition"


@dataclass
class _Primary:
    label: str
    refs: tuple[str, ...]
    primary: str | None
    why: str | None
    diagnosed_on: str | None
    histology: str | None
    note: str | None = None  # how the primary was read, when the report should say so


def secondary_kind(concept: object) -> str | None:
    """The site of a secondary-cancer code: a site, "unspecified", or None if not secondary.
    A specific site wins over a generic code in another coding."""
    found: list[str] = []
    for system, code, _ in codings_of(concept):
        site = secondary_site(system, code)
        if site is not None:
            found.append(site)
    specific = [s for s in found if s != "unspecified"]
    return specific[0] if specific else (found[0] if found else None)


def _primary_from_codes(concept: object) -> tuple[str | None, str]:
    """(primary or LUNG or None, the code that was read)."""
    for system, code, _ in codings_of(concept):
        value = SNOMED_PRIMARY.get(code) if system == SNOMED else None
        if value is not None:
            return value, f"SNOMED CT {code}"
        if system == ICD10:
            value = icd_primary(code)
            if value is not None:
                return value, f"ICD-10-CM {code}"
    return None, ""


def _generic(concept: object) -> bool:
    return any(s == SNOMED and c in SNOMED_GENERIC_PRIMARY for s, c, _ in codings_of(concept))


def _not_used(concept: object) -> str | None:
    for system, code, _ in codings_of(concept):
        why = SNOMED_NOT_USED.get(code) if system == SNOMED else None
        if why is not None:
            return f"SNOMED CT {code}: {why}; not used as the primary cancer"
    return None


def _histology(r: Json) -> tuple[str | None, bool]:
    """(histology text from mCODE histologyMorphologyBehavior, whether it was coded at all)."""
    for ext in extensions(r, "histology-morphology-behavior"):
        texts = texts_of(ext.get("valueCodeableConcept"))
        if texts:
            return texts[0], True
        return None, True
    return None, False


def _resolve_lung(texts: list[str]) -> str | None:
    joined = " ".join(texts).lower()
    if re.search(r"non[- ]?small[- ]cell|\bnsclc\b", joined):
        return "lung-nsclc"
    if re.search(r"\bsmall[- ]cell|\bsclc\b", joined):
        return "lung-sclc"
    return None


def _from_body_site(r: Json) -> tuple[str | None, str | None]:
    """(primary, how it was read) from the bodySite of a generic cancer code."""
    sites = [s for s in (primary_site(b) for b in as_list(r.get("bodySite"))) if s]
    if len(set(sites)) == 1:
        return sites[0], f"generic cancer code with bodySite {shown(r['bodySite'][0])}"
    if sites:
        return None, f"bodySite names several organs ({', '.join(sorted(set(sites)))})"
    if r.get("bodySite"):
        return None, f"bodySite {shown(as_list(r['bodySite'])[0])} is not an organ Osseous maps"
    return None, "generic cancer code without a bodySite"


def _classify_primary(res: Res, profiled: bool) -> _Primary | None:
    """The primary a condition states, a reason it could not be read, or None when the
    condition is not a cancer at all."""
    r = res.resource
    code = r.get("code")
    value, read = _primary_from_codes(code)
    histology, histology_coded = _histology(r)
    why: str | None = None
    note: str | None = None
    generic = _generic(code)
    if value is None and generic:
        value, how = _from_body_site(r)
        read = how or ""
        why = None if value else f"cancer site unknown: {how}"
    elif value is None and (not_used := _not_used(code)):
        return _Primary(res.label, res.refs, None, not_used, None, None)
    if value is None and not generic:
        texts = texts_of(code)
        words = words_in(PRIMARY_WORDS, " ".join(texts)) if texts else []
        cancer_like = profiled or any(CANCER_WORDS.search(t) for t in texts)
        if not cancer_like:
            return None
        if len(words) == 1 and profiled:
            value, read = words[0], f"text {texts[0]!r}"
        elif len(words) > 1:
            why = f"cancer text {texts[0]!r} names several sites: {', '.join(words)}"
        elif not codings_of(code) and not texts:
            why = "primary cancer condition has no code"
        else:
            why = (f"cancer code {shown(code)} is not in Osseous's primary-site table; "
                   "not mapped")
    if any(s == SNOMED and c in SYNTHEA_CONVENTION for s, c, _ in codings_of(code)):
        note = f"{read}: read as a cancer by Synthea's convention"
    if value == LUNG:
        resolved = _resolve_lung([*texts_of(code), *([histology] if histology else [])])
        if resolved is None:
            why = (f"lung cancer ({read}) without a stated histology: NSCLC versus SCLC is "
                   "unknown, so the primary cancer is left unknown")
            value = None
        else:
            value = resolved
    onset = r.get("onsetDateTime")
    diagnosed_on = fhir_date(onset)
    prim = _Primary(res.label, res.refs, value, why, diagnosed_on, histology, note)
    if onset is not None and diagnosed_on is None:
        prim.why = (prim.why + "; " if prim.why else "") + (
            f"onsetDateTime {onset!r} is not a full date; diagnosis date left unknown")
    if histology is None and histology_coded:
        prim.why = (prim.why + "; " if prim.why else "") + (
            "histology is coded without a text or display; histology left unknown")
    return prim


def _add_visceral(site: str, res: Res, b: Builder) -> None:
    if site == "brain":
        b.cancer["brain_metastases"] = True
        b.use(res.label, "cancer.brain_metastases", True)
        return
    if site == "meninges":
        b.unmap(res.label, "secondary neoplasm of the meninges: dural versus leptomeningeal "
                           "disease is not stated, so neither brain metastases nor "
                           "dissemination is recorded")
        return
    sites = b.cancer.setdefault("visceral_sites", [])
    if site not in sites:
        sites.append(site)
    b.use(res.label, "cancer.visceral_sites", site)


def _lesion_id(res: Res, n: int, total: int) -> str:
    rid = as_str(res.resource.get("id"))
    if rid:
        base = f"fhir-{rid}"
    else:
        base = f"fhir-condition-{hashlib.sha256(res.label.encode()).hexdigest()[:10]}"
    base = re.sub(r"[\x00-\x1f]", "", base)
    suffix = f"-{n + 1}" if total > 1 else ""
    if len(base) + len(suffix) > 64:
        digest = hashlib.sha256(base.encode()).hexdigest()[:10]
        base = f"{base[:64 - len(suffix) - 11]}-{digest}"
    return base + suffix


def _bone_metastases(b: Builder) -> Json:
    bm: Json = b.cancer.setdefault("bone_metastases", {})
    return bm


def _unlocalised(res: Res, why: str, b: Builder) -> None:
    """A bone metastasis is known but not localised: the fact is kept, the lesion is not."""
    bm = _bone_metastases(b)
    if not bm.get("unlocalised"):
        bm["unlocalised"] = True
        b.use(res.label, "cancer.bone_metastases.unlocalised", True)
    b.unmap(res.label, f"{why}: bone metastases recorded as present but not localised "
                       "(imaging is needed to localise them)")


def _bone_sites(res: Res, b: Builder) -> list[tuple[str, tuple[str, ...]]] | None:
    """The bones (and spinal levels) a bone metastasis names; None, with the fact recorded as
    not localised, when it names none."""
    r = res.resource
    sites = as_list(r.get("bodySite"))
    mapped: list[tuple[str, tuple[str, ...]]] = []
    code_text = as_str(as_dict(r.get("code")).get("text"))
    if not sites and code_text:
        # no bodySite: a site stated in the condition's own text ("Metastasis to T10")
        found = bone_site({"text": code_text})
        if not isinstance(found, str) and (found[0] != "spine" or found[1]):
            sites = [{"text": code_text}]
    if not sites:
        _unlocalised(res, "bone metastasis without a body site", b)
        return None
    for site in sites:
        found = bone_site(site)
        if isinstance(found, str):
            b.unmap(res.label, found)
        elif found not in mapped:
            mapped.append(found)
    if not mapped:
        _unlocalised(res, "no body site of this bone metastasis names a bone", b)
        return None
    return mapped


def _map_bone_secondary(res: Res, b: Builder) -> None:
    r = res.resource
    onset = fhir_date(r.get("onsetDateTime"))
    if onset is not None:  # the earliest dated bone metastasis is the analyses' time origin
        b.bone_onsets.append((onset, res.label))
    bm = _bone_metastases(b)
    if not bm.get("present"):
        bm["present"] = True
        b.use(res.label, "cancer.bone_metastases.present", True)
    mapped = _bone_sites(res, b)
    if mapped is None:
        return
    for n, (site, levels) in enumerate(mapped):
        lesion: Json = {"id": _lesion_id(res, n, len(mapped)), "site": site}
        if levels:
            lesion["levels"] = list(levels)
        if any(les["id"] == lesion["id"] for les in b.lesions):
            b.ignore(res.label, f"lesion {lesion['id']} already created")
            continue
        trouble = problem({"lesions": [lesion]})
        if trouble:
            b.unmap(res.label, f"lesion {lesion} not valid: {trouble}")
            continue
        b.lesions.append(lesion)
        for ref in res.refs:
            b.lesion_sources.setdefault(ref, []).append(lesion["id"])
        b.use(res.label, "lesions", dict(lesion))


def _map_secondary(res: Res, kind: str | None, b: Builder) -> None:
    r = res.resource
    verification = {c for _, c, _ in codings_of(r.get("verificationStatus"))}
    if verification & {"refuted", "entered-in-error"}:
        b.ignore(res.label, f"verificationStatus {', '.join(sorted(verification))}")
        return
    clinical = {c for _, c, _ in codings_of(r.get("clinicalStatus"))}
    if clinical & {"inactive", "resolved", "remission"}:
        b.unmap(res.label, f"secondary cancer with clinicalStatus {', '.join(sorted(clinical))}"
                           ": not counted as a current metastasis")
        return
    if kind == "bone":
        _map_bone_secondary(res, b)
        return
    if kind not in (None, "unspecified"):
        _add_visceral(kind, res, b)
        return
    # generic secondary code: the site comes from bodySite
    sites = as_list(r.get("bodySite"))
    if not sites:
        b.unmap(res.label, "secondary cancer without a site (generic code, no bodySite)")
        return
    if any(not isinstance(bone_site(s), str) for s in sites):
        _map_bone_secondary(res, b)
        return
    for site in sites:
        visceral = visceral_site(site)
        if visceral is not None:
            _add_visceral(visceral, res, b)
        else:
            b.unmap(res.label, f"secondary cancer at body site {shown(site)}: not recognised "
                               "as bone or a visceral site Osseous records")


@maps("Condition")
def map_conditions(conditions: list[Res], b: Builder) -> None:
    primaries: list[_Primary] = []
    secondaries: list[tuple[Res, str | None]] = []
    for res in conditions:
        r = res.resource
        kind = secondary_kind(r.get("code"))
        if has_profile(r, MCODE_SECONDARY) or kind is not None:
            if kind is None:
                texts = " ".join(texts_of(r.get("code")))
                kind = "bone" if re.search(r"\bbone\b", texts.lower()) else visceral_site(
                    r.get("code"))
            secondaries.append((res, kind))
            named = _primary_named_by_secondary(res)
            if named is not None:
                primaries.append(named)
            continue
        prim = _classify_primary(res, has_profile(r, MCODE_PRIMARY))
        if prim is None:
            b.ignore(res.label, "condition is not a cancer")
        else:
            primaries.append(prim)
    _choose_primary(primaries, conditions, b)
    for res, kind in secondaries:
        _map_secondary(res, kind, b)
    _set_bone_origin(b)


def _primary_named_by_secondary(res: Res) -> _Primary | None:
    """"Metastasis from malignant tumor of prostate" names its primary."""
    for system, code, _ in codings_of(res.resource.get("code")):
        value = SNOMED_SECONDARY_PRIMARY.get(code) if system == SNOMED else None
        if value is not None:
            return _Primary(res.label, res.refs, value, None, None, None,
                            f"SNOMED CT {code} names the primary")
    return None


def _set_bone_origin(b: Builder) -> None:
    """The earliest onset among the bone-metastasis conditions, as the analyses' time origin."""
    if b.bone_onsets:
        first, label = min(b.bone_onsets)
        _bone_metastases(b)["diagnosed_on"] = first
        b.use(label, "cancer.bone_metastases.diagnosed_on", first)


def _related_primaries(conditions: list[Res]) -> set[str]:
    """References to primaries that bone secondary conditions name as their primary."""
    refs: set[str] = set()
    for res in conditions:
        if secondary_kind(res.resource.get("code")) != "bone":
            continue
        for ext in [*extensions(res.resource, "related-primary-cancer-condition"),
                    *extensions(res.resource, "condition-related")]:
            ref = reference_key(as_dict(ext.get("valueReference")).get("reference"))
            if ref:
                refs.add(ref)
    return refs


def _choose_primary(primaries: list[_Primary], conditions: list[Res], b: Builder) -> None:
    for p in primaries:
        if p.why:
            b.unmap(p.label, p.why)
    mapped = [p for p in primaries if p.primary is not None]
    values = {p.primary for p in mapped}
    if len(values) > 1:
        linked = _related_primaries(conditions)
        chosen = [p for p in mapped if set(p.refs) & linked]
        if len({p.primary for p in chosen}) == 1:
            for p in mapped:
                if p not in chosen:
                    b.unmap(p.label, f"another primary cancer ({p.primary}); the bone "
                                     "metastases are linked to the primary used")
            mapped = chosen
        else:
            for p in mapped:
                b.unmap(p.label, f"several primary cancers ({', '.join(sorted(map(str, values)))})"
                                 " and no bone metastasis links to one of them: "
                                 "the primary cancer is left unknown")
            return
    if not mapped:
        return
    first = mapped[0]
    b.cancer["primary"] = first.primary
    b.use(first.label, "cancer.primary", first.primary)
    if first.note:
        b.ignore(first.label, f"primary cancer read from {first.note}")
    for p in mapped[1:]:
        b.ignore(p.label, f"another condition with the same primary ({p.primary})")
    dated = sorted((p.diagnosed_on, p.label) for p in mapped if p.diagnosed_on)
    if dated:
        b.cancer["diagnosed_on"] = dated[0][0]
        b.use(dated[0][1], "cancer.diagnosed_on", dated[0][0])
    for p in mapped:
        if p.histology:
            b.cancer["histology"] = p.histology
            b.use(p.label, "cancer.histology", p.histology)
            break
