"""Oral morphine equivalent daily dose (OMED, mg/day) of the active opioids.

    OMED = sum over active opioids of (daily dose x conversion factor)
           (fentanyl patch: mcg/h x 2.4)

The factors are versioned (:mod:`osseous.knowledge.opioids`, CDC 2022 by default, CDC 2016
selectable). The result records exposure; it must never be used to convert one opioid into
another. A medication whose dose or status is unknown leaves the total incomplete; an opioid a
table does not cover (for example dihydrocodeine, pentazocine, butorphanol, buprenorphine,
levorphanol or pethidine, a combination product, or a parenteral route) is named and leaves the
total incomplete - it is never counted as 0. Medicines that are not opioids
(:func:`osseous.knowledge.opioids.is_opioid`) are ignored. Without a recorded route, a daily
dose in mg is read as oral and a fentanyl rate in mcg/h as a patch - the only routes the
factors exist for - and the note says so (docs/clinical/decisions.md).

References: Dowell 2022 (cdc-2022); Dowell 2016 (cdc-2016).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

from osseous.core.case import Medication
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.knowledge.opioids import DEFAULT_TABLE, TABLES, OpioidTable, is_opioid


@dataclass(frozen=True, slots=True)
class Conversion:
    """Oral morphine mg/day, or None with the missing paths; ``note`` records any reading."""

    mg_per_day: float | None
    missing: tuple[str, ...] = ()
    note: str | None = None


def _factor(table: OpioidTable, drug: str, daily_mg: float) -> float | None:
    if drug == "methadone" and table.methadone_tiers:
        for upper, factor in table.methadone_tiers:
            if daily_mg <= upper:
                return factor
        return None
    return table.factors.get(drug)


def _not_covered(path: str, drug: str, table: OpioidTable, what: str = "") -> Conversion:
    return Conversion(None, note=f"{path}: {drug}{what} is an opioid the {table.id} conversion "
                                 "table does not cover - the OMED is unknown, not 0; "
                                 "record the OMED directly")


def convert(med: Medication, path: str, table: OpioidTable) -> Conversion:
    """Oral morphine mg/day for one opioid medication (``path`` locates it for messages)."""
    if med.drug not in table.factors and not (med.drug == "methadone" and table.methadone_tiers):
        # an opioid without a factor: asking for its route or dose would not make it convertible
        return _not_covered(path, med.drug, table)
    if med.drug == "fentanyl":
        if med.route is None and med.rate_mcg_per_h is None:
            return Conversion(None, (f"{path}.route", f"{path}.rate_mcg_per_h"))
        if med.route not in (None, "transdermal"):
            return Conversion(None, note=f"{path}: fentanyl by {med.route} route is not in the "
                                         f"{table.id} table (transdermal only)")
        if med.rate_mcg_per_h is None:
            return Conversion(None, (f"{path}.rate_mcg_per_h",))
        note = (f"{path}: route not recorded - a rate in mcg/h is read as a transdermal patch"
                if med.route is None else None)
        return Conversion(med.rate_mcg_per_h * table.factors["fentanyl"], note=note)
    if med.daily_dose_mg is None:
        return Conversion(None, (f"{path}.daily_dose_mg",))
    factor = _factor(table, med.drug, med.daily_dose_mg)
    if factor is None:
        return _not_covered(path, med.drug, table, f" {med.daily_dose_mg:g} mg/day")
    if med.route is None:
        return Conversion(med.daily_dose_mg * factor,
                          note=f"{path}: route not recorded - a daily dose in mg is read as "
                               f"oral, the route the {table.id} factors are for")
    if med.route != "oral":
        return Conversion(None, note=f"{path}: {med.drug} by {med.route} route - the {table.id} "
                                     "factors are for oral doses; record the OMED directly")
    return Conversion(med.daily_dose_mg * factor)


def omed_of(medications: Sequence[Medication] | None, path: str,
            table_id: str = DEFAULT_TABLE) -> ScoreResult:
    """OMED of the active opioids in a medication list (``path`` is the list's case path)."""
    table = TABLES[table_id]
    refs = cite(table.source)
    if medications is None:
        return ScoreResult("omed", "incomplete", None, None, None, MappingProxyType({}),
                           (path,), ("no medication list recorded",), refs,
                           extra=MappingProxyType({"unit": "mg/day", "table": table.id}))
    components: dict[str, float | None] = {}
    missing: list[str] = []
    notes: list[str] = []
    total = 0.0
    for i, med in enumerate(medications):
        if not is_opioid(med.drug):
            continue
        at = f"{path}[{i}]"
        if med.status is None:
            missing.append(f"{at}.status")
            components[f"{med.drug}[{i}]"] = None
            continue
        if med.status != "active":
            continue
        conv = convert(med, at, table)
        components[f"{med.drug}[{i}]"] = (round(conv.mg_per_day, 2)
                                          if conv.mg_per_day is not None else None)
        missing.extend(conv.missing)
        if conv.note:
            notes.append(conv.note)
        if conv.note and conv.mg_per_day is None:  # not convertible: record the OMED instead
            missing.append(at)
        if conv.mg_per_day is not None:
            total += conv.mg_per_day
    if not components:
        notes.append("no active opioid in the medication list")
    notes.append(f"conversion table {table.id}: records exposure, never for opioid rotation")
    complete = not missing
    value = round(total, 2)
    return ScoreResult(
        "omed", "complete" if complete else "incomplete", value if complete else None,
        (value, value) if complete else None, None, MappingProxyType(components),
        tuple(missing),
        tuple(notes), refs,
        extra=MappingProxyType({"unit": "mg/day", "table": table.id,
                                "known_part_mg_per_day": value}),
    )
