"""Reading a medication as EHRs write it: which drug (codes first, then names), and the dose
(R4 ``doseAndRate`` as a list or, as some clients send it, a single object; the STU3
``doseQuantity``; MedicationAdministration's ``dosage.dose``) with its unit read by UCUM.

Shared by the FHIR import (daily doses) and the CDS Hooks order checks (the dose of a draft
order), so that both read a dose the same way. A dose whose unit is missing or not a mass unit
known exactly (``{pill}``, ``{tbl}``, ``Mg``) is never assumed to be milligrams.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from osseous.interop.terminology import (
    RATE_UNITS,
    RXNORM,
    UCUM_SYSTEM,
    drug_from_code,
    drugs_named,
    mass_in_mg,
    system_kind,
)

Json = dict[str, Any]

#: Words of an RxNorm display that end the ingredient name ("X Oral Product", "X 100 MG ...").
_FORM_WORDS: Final = frozenset({
    "oral", "topical", "transdermal", "prefilled", "product", "solution", "pack", "extended",
    "delayed", "chewable", "patch", "powder", "suspension", "cartridge", "auto-injector", "pen",
})
_FORM_PREFIXES: Final = ("inject", "injet", "tablet", "capsule")
_SALTS: Final = frozenset({
    "hydrochloride", "hcl", "sulfate", "acetate", "citrate", "sodium", "potassium", "mesylate",
    "maleate", "tartrate", "phosphate", "besylate", "succinate", "fumarate", "bromide",
    "dihydrate", "monohydrate", "disodium", "calcium", "bitartrate",
})
_LETTERS: Final = re.compile(r"[a-z]+")


def _starts_form(word: str) -> bool:
    w = word.lower()
    return w[:1].isdigit() or w in _FORM_WORDS or w.startswith(_FORM_PREFIXES)


def ingredient_head(text: str) -> str:
    """The words of an RxNorm display before its strength or dose form, lower-cased.

    Linear in the length of the text: it splits on whitespace once and stops at the first word
    that starts a strength or a form (a regular expression with ``\\s+(?=...)`` backtracks over
    every run of spaces, which is quadratic on a long one).
    """
    words: list[str] = []
    for word in text.split():
        if _starts_form(word):
            break
        words.append(word.lower())
    return " ".join(words)


def _as_dict(value: object) -> Json:
    return value if isinstance(value, dict) else {}


def _codings(concept: object) -> list[tuple[str, str, str]]:
    out = []
    for coding in _as_dict(concept).get("coding") or []:
        c = _as_dict(coding)
        code, display = c.get("code"), c.get("display")
        if isinstance(code, str) and code.strip():
            out.append((system_kind(c.get("system")), code.strip(),
                        display.strip() if isinstance(display, str) else ""))
    return out


def _texts(concept: object) -> list[str]:
    c = _as_dict(concept)
    texts = [c["text"].strip()] if isinstance(c.get("text"), str) and c["text"].strip() else []
    texts += [d for _, _, d in _codings(concept) if d and d not in texts]
    return texts


@dataclass(frozen=True)
class Drug:
    """A medication concept read: the generic name (None if not recognised), its RxNorm code,
    the text read, and how it was recognised."""

    name: str | None
    rxnorm: str | None
    text: str
    how: str


def identify(concept: object) -> Drug:
    """Which drug a medication CodeableConcept names: an RxNorm or ATC code of the terminology
    tables first, then a recognised name in the text or displays, then the ingredient at the
    head of an RxNorm display ("abemaciclib Oral Product")."""
    codings = _codings(concept)
    rxnorm = next((c for s, c, _ in codings if s == RXNORM), None)
    texts = _texts(concept)
    shown = texts[0] if texts else ""
    by_code = {d for s, c, _ in codings if (d := drug_from_code(s, c))}
    named = {n for t in texts for n in drugs_named(t)}
    if len(by_code) == 1 and named <= by_code:
        name = by_code.pop()
        return Drug(name, rxnorm, shown or name, "code")
    if by_code and (len(by_code) > 1 or named - by_code):
        # a code and a name (or two codes) that disagree: neither is trusted
        return Drug(None, rxnorm, shown, "its codes and names disagree")
    for text in texts:
        found = drugs_named(text)
        if len(found) == 1:
            return Drug(found[0], rxnorm, text, "name")
        if len(found) > 1:
            return Drug(None, rxnorm, text, "several drugs named")
    rx_displays = [d for s, _, d in codings if s == RXNORM and d]
    for text in rx_displays + (texts if rxnorm else []):
        if re.search(r"\s/\s", text) or "[" in text.split(" ")[0]:
            continue
        words = [w for w in ingredient_head(text).split() if w not in _SALTS]
        if 1 <= len(words) <= 3 and all(_LETTERS.fullmatch(w) for w in words):
            return Drug("-".join(words), rxnorm, text, "RxNorm display")
    return Drug(None, rxnorm, shown, "not recognised")


Resolve = Callable[[object], Json | None]


def medication_concept(resource: Json, resolve: Resolve | None = None) -> object:
    """The medication CodeableConcept of a MedicationRequest/Statement/Administration:
    ``medicationCodeableConcept``, or the ``code`` of the Medication that
    ``medicationReference`` names (contained ``#id``, or resolved by ``resolve``)."""
    if "medicationCodeableConcept" in resource:
        return resource.get("medicationCodeableConcept")
    ref = _as_dict(resource.get("medicationReference")).get("reference")
    if not isinstance(ref, str) or not ref.strip():
        return None
    ref = ref.strip()
    if ref.startswith("#"):
        for contained in resource.get("contained") or []:
            if isinstance(contained, dict) and contained.get("id") == ref[1:]:
                return contained.get("code")
        return None
    target = resolve(ref) if resolve is not None else None
    return target.get("code") if isinstance(target, dict) else None


def dosages_of(resource: Json) -> list[Json]:
    """The dosage instructions: ``dosageInstruction`` (request), ``dosage`` (statement: a list;
    administration: one object)."""
    rtype = resource.get("resourceType")
    key = "dosageInstruction" if rtype == "MedicationRequest" else "dosage"
    value = resource.get(key)
    if isinstance(value, dict):
        return [value]
    return [d for d in value if isinstance(d, dict)] if isinstance(value, list) else []


def dose_entries(dosage: Json) -> list[Json]:
    """Each ``{doseQuantity, rateQuantity, ...}`` of a dosage, whatever its layout: R4
    ``doseAndRate`` as a list or a single object, STU3 ``doseQuantity``/``rateQuantity`` at the
    top, or MedicationAdministration's ``dose``/``rateQuantity``."""
    entries: list[Json] = []
    dar = dosage.get("doseAndRate")
    if isinstance(dar, dict):
        entries.append(dar)
    elif isinstance(dar, list):
        entries.extend(d for d in dar if isinstance(d, dict))
    top: Json = {k: dosage[k] for k in ("doseQuantity", "rateQuantity") if k in dosage}
    if "dose" in dosage:  # MedicationAdministration.dosage.dose
        top["doseQuantity"] = dosage["dose"]
    if top:
        entries.append(top)
    return entries


def quantity_unit(q: Json) -> str | None:
    """The unit of a Quantity: its UCUM ``code`` when the system is UCUM, else ``unit``, else
    ``code``; as written (UCUM is case-sensitive)."""
    code, unit = q.get("code"), q.get("unit")
    if q.get("system") == UCUM_SYSTEM and isinstance(code, str) and code.strip():
        return code.strip()
    for value in (unit, code):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


@dataclass(frozen=True)
class Dose:
    """A dose read from a Quantity: in mg when its unit is a mass, else why not."""

    mg: float | None
    value: float | None
    unit: str | None
    why: str | None


def read_mass(q: object) -> Dose:
    """A dose Quantity in mg, or the reason it cannot be read as a mass."""
    quantity = _as_dict(q)
    raw = quantity.get("value")
    value = float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None
    unit = quantity_unit(quantity)
    if value is None:
        return Dose(None, None, unit, "the dose has no numeric value")
    if unit is None:
        return Dose(None, value, None, f"the dose {value:g} has no unit")
    if quantity.get("comparator"):
        return Dose(None, value, unit, "the dose is not an exact value")
    mg = mass_in_mg(value, unit)
    if mg is None:
        return Dose(None, value, unit, f"the unit {unit!r} is not a mass unit (mg, g, ug, mcg)")
    return Dose(round(mg, 6), value, unit, None)


def rate_mcg_per_h(q: object) -> float | None:
    quantity = _as_dict(q)
    unit = quantity_unit(quantity)
    value = quantity.get("value")
    if unit in RATE_UNITS and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
