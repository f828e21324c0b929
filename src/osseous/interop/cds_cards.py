"""CDS Hooks cards: the specification's shape, distinct uuids, a Da Vinci CRD ``source.topic``,
and the date of every value a card rests on.

Cards follow CDS Hooks 2.0 ("CDS Service Response"): ``summary`` under 140 characters, an
``indicator``, a ``source`` naming the citation, ``selectionBehavior`` whenever there are
suggestions, no null values or empty arrays. A card's uuid and each suggestion's uuid are
derived from the hook instance and distinct namespaces, so they never coincide and feedback
on the same card is idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Final

from osseous.core.case import Case
from osseous.knowledge.citations import CITATIONS
from osseous.scores.facts import latest_lab

SOURCE_LABEL: Final = "Osseous"
NAMESPACE: Final = uuid.UUID("6f1f3c2e-8a44-4a0e-9e0c-0a55e0c5e001")
#: Da Vinci CRD card types (http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp, CRD STU2).
CRD_TOPICS: Final = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp"
TOPIC_DISPLAY: Final = {"guideline": "Guideline", "contraindication": "Contraindication",
                        "clinical-reminder": "Clinical reminder"}


def card_uuid(hook_instance: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"card/{hook_instance}/{key}"))


def suggestion_uuid(hook_instance: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"suggestion/{hook_instance}/{key}"))


def _citation(ref_ids: Iterable[str]) -> tuple[str, str | None]:
    for ref in ref_ids:
        c = CITATIONS.get(ref)
        if c is not None:
            url = f"https://doi.org/{c.doi}" if c.doi else c.url
            return c.text.split(".")[0][:80], url
    return "Osseous knowledge base", None


def summary_of(text: str) -> str:
    """One sentence under 140 characters: the text, else its first clause (up to a ";" or a
    sentence end), else shortened at a word."""
    text = " ".join(text.split())
    if len(text) < 140:
        return text
    for mark in ("; ", ". "):
        first = text.split(mark, 1)[0]
        if len(first) < 140:
            return first
    return text[:136].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def card(key: str, hook_instance: str, summary: str, indicator: str, detail: str,
         references: Iterable[str], *, topic: str = "guideline",
         suggestions: list[dict[str, Any]] | None = None,
         selection: str = "at-most-one") -> dict[str, Any]:
    """One card, with no null values and no empty arrays."""
    refs = list(references)
    label, url = _citation(refs)
    source: dict[str, Any] = {"label": f"{SOURCE_LABEL} · {label}",
                              "topic": {"system": CRD_TOPICS, "code": topic,
                                        "display": TOPIC_DISPLAY[topic]}}
    if url:
        source["url"] = url
    sources = "; ".join(CITATIONS[r].text for r in refs if r in CITATIONS)
    out: dict[str, Any] = {
        "uuid": card_uuid(hook_instance, key),
        "summary": summary_of(summary),
        "indicator": indicator,
        "detail": detail + (f"\n\nSources: {sources}" if sources else ""),
        "source": source,
    }
    if suggestions:
        out["suggestions"] = suggestions
        out["selectionBehavior"] = selection
    return out


#: ``based_on`` keys of the assessment -> the case values they rest on
_RESTS_ON: Final = {
    "crcl_ml_min": ("creatinine", "weight"),
    "corrected_calcium_mg_dl": ("calcium", "albumin"),
    "calcium_mg_dl": ("calcium",), "anc": ("anc",), "platelets": ("platelets",),
    "hemoglobin": ("hemoglobin",), "baseline_creatinine_mg_dl": ("creatinine",),
    "current_creatinine_mg_dl": ("creatinine",), "ecog": ("ecog",), "karnofsky": ("karnofsky",),
}


def _value_date(case: Case, fact: str) -> str | None:
    p = case.patient
    if fact == "weight":
        if p.weight_kg is None:
            return None
        when = p.weight_measured_on.isoformat() if p.weight_measured_on else "undated"
        return f"weight {p.weight_kg:g} kg ({when})"
    if fact in ("ecog", "karnofsky"):
        value = getattr(p, fact)
        if value is None:
            return None
        on = getattr(p, f"{fact}_assessed_on")
        return f"{fact.upper() if fact == 'ecog' else 'Karnofsky'} {value} " \
               f"({on.isoformat() if on else 'undated'})"
    latest = latest_lab(case, fact)
    if latest is None:
        return None
    when = latest.date.isoformat() if latest.date else "undated"
    return f"{fact} {latest.value:g} {latest.unit} ({when})"


def rests_on(case: Case, based_on: dict[str, Any] | None) -> str:
    """"Rests on: creatinine 1.5 mg/dL (2026-11-18), weight 70 kg (2026-11-01)", or ""."""
    facts: list[str] = []
    for key in based_on or {}:
        for fact in _RESTS_ON.get(key, ()):
            shown = _value_date(case, fact)
            if shown and shown not in facts:
                facts.append(shown)
    return ("\n\nRests on: " + ", ".join(facts) + ".") if facts else ""


def last_known(case: Case, paths: Iterable[str]) -> str:
    """For missing or out-of-date case paths ("labs.creatinine", "patient.weight_kg"): the
    last value the record holds, with its date ("Last known: creatinine 0.9 mg/dL
    (2005-05-05)."), or ""."""
    facts: list[str] = []
    for path in paths:
        section, _, name = path.partition(".")
        fact = name if section == "labs" else {"weight_kg": "weight"}.get(name, name)
        shown = _value_date(case, fact) if fact else None
        if shown and shown not in facts:
            facts.append(shown)
    return (" Last known: " + ", ".join(facts) + ".") if facts else ""
