"""Observation: ECOG and Karnofsky performance status, weight and height (the latest, with its
date), and laboratory results (every one, with its date) by the LOINC codes of
:mod:`osseous.interop.terminology`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from osseous.core.units import ANALYTES
from osseous.interop.mapping.common import (
    Builder,
    Json,
    Res,
    as_dict,
    as_list,
    as_number,
    as_str,
    codings_of,
    effective,
    has_profile,
    problem,
    texts_of,
)
from osseous.interop.mapping.registry import maps
from osseous.interop.terminology import (
    ECOG_ANSWERS,
    HEIGHT_UNITS,
    KARNOFSKY_ANSWERS,
    LAB_LOINC,
    LOINC,
    LOINC_ECOG,
    LOINC_HEIGHT,
    LOINC_KARNOFSKY,
    LOINC_WEIGHT,
    UNIT_SPELLINGS,
    WEIGHT_UNITS,
)

_LOINC_SHAPE: Final = re.compile(r"\d+-\d")
MCODE_ECOG: Final = "ecog-performance-status"
#: every LOINC code this mapper reads
_KNOWN: Final = frozenset({LOINC_ECOG, LOINC_KARNOFSKY, *LOINC_WEIGHT, *LOINC_HEIGHT,
                           *LAB_LOINC.codes})
MCODE_KARNOFSKY: Final = "karnofsky-performance-status"
#: the case field that carries the date of each latest-wins value
DATE_FIELDS: Final = {"weight_kg": "weight_measured_on", "ecog": "ecog_assessed_on",
                      "karnofsky": "karnofsky_assessed_on"}


@dataclass(frozen=True)
class _Candidate:
    label: str
    when: str | None
    value: float


def _observation_values(r: Json, answers: dict[str, int]) -> tuple[list[float], list[str]]:
    """Numbers given by the value[x] elements, and descriptions of values that are not numbers."""
    values: list[float] = []
    odd: list[str] = []
    for key in ("valueInteger", "valueDecimal"):
        if key in r:
            v = as_number(r[key])
            if v is None:
                odd.append(f"{key} {r[key]!r}")
            else:
                values.append(v)
    if "valueQuantity" in r:
        v = as_number(as_dict(r["valueQuantity"]).get("value"))
        if v is None:
            odd.append("valueQuantity without a number")
        else:
            values.append(v)
    for key in ("valueCodeableConcept", "valueString"):
        if key not in r:
            continue
        raw = r[key]
        concept = raw if isinstance(raw, dict) else {"text": raw}
        v = _answer(concept, answers)
        if v is None:
            odd.append(f"{key} {(texts_of(concept) or [repr(raw)])[0]!r}")
        else:
            values.append(v)
    return values, odd


def _answer(concept: object, answers: dict[str, int]) -> float | None:
    for _, code, _ in codings_of(concept):
        if code in answers:
            return float(answers[code])
    for text in [as_str(as_dict(concept).get("text"))]:
        if text:
            m = re.fullmatch(r"(?:ecog|kps|karnofsky)?\s*(?:grade|score)?\s*:?\s*(\d{1,3})\s*%?",
                             text.strip().lower())
            if m:
                return float(m.group(1))
    return None


def _performance(res: Res, scale: str, b: Builder) -> _Candidate | None:
    r = res.resource
    answers = ECOG_ANSWERS if scale == "ecog" else KARNOFSKY_ANSWERS
    name = "ECOG" if scale == "ecog" else "Karnofsky"
    values, odd = _observation_values(r, answers)
    interpretation = [v for v in (_answer(i, answers) for i in as_list(r.get("interpretation")))
                      if v is not None]
    if odd:
        b.unmap(res.label, f"{name} value not readable: {', '.join(odd)}")
        return None
    if not values:
        if not interpretation:
            b.unmap(res.label, f"{name} observation without a value")
            return None
        values = interpretation[:1]
    if len(set(values)) > 1:
        b.unmap(res.label, f"{name} observation gives conflicting values {sorted(set(values))}")
        return None
    value = values[0]
    if value != int(value):
        b.unmap(res.label, f"{name} {value} is not a whole number; not used")
        return None
    score = int(value)
    if scale == "ecog" and score == 5:
        b.unmap(res.label, "ECOG 5 (dead) is not a performance status Osseous records")
        return None
    trouble = problem({"patient": {scale: score}})
    if trouble:
        extra = (f" (its interpretation code says {int(interpretation[0])}, which is not used "
                 "either)" if interpretation else "")
        if scale == "karnofsky" and 0 <= score <= 100:
            why = f"Karnofsky {score} is not a multiple of 10; invalid, not rounded"
        else:
            allowed = "0-4" if scale == "ecog" else "0-100 in steps of 10"
            why = f"{name} {score} is invalid (allowed {allowed}); not used"
        b.unmap(res.label, why + extra)
        return None
    if interpretation and int(interpretation[0]) != score:
        b.unmap(res.label, f"{name} value {score} disagrees with its interpretation code "
                           f"({int(interpretation[0])}); not used")
        return None
    return _Candidate(res.label, effective(r), float(score))


def _pick_latest(cands: list[_Candidate], path: str, b: Builder, as_int: bool) -> None:
    """The latest candidate by date wins; the others are reported as superseded."""
    if not cands:
        return
    ordered = sorted(cands, key=lambda c: c.when or "")
    latest_when = ordered[-1].when
    latest = [c for c in ordered if c.when == latest_when]
    if len({c.value for c in latest}) > 1:
        for c in latest:
            b.unmap(c.label, f"{path}: conflicting values on the same date "
                             f"({latest_when or 'undated'}); not used")
        for c in ordered[:-len(latest)]:
            b.ignore(c.label, f"{path}: older than the conflicting latest values")
        return
    winner = latest[-1]
    section, key = path.split(".")
    value: float | int = int(winner.value) if as_int else winner.value
    (b.patient if section == "patient" else b.cancer)[key] = value
    b.use(winner.label, path, value)
    if winner.when and key in DATE_FIELDS:
        b.patient[DATE_FIELDS[key]] = winner.when
        b.use(winner.label, f"patient.{DATE_FIELDS[key]}", winner.when)
    for c in ordered:
        if c is not winner:
            b.ignore(c.label, f"{path}: superseded by {winner.label} "
                              f"({winner.when or 'undated'})")


def _quantity(r: Json) -> tuple[float, str, str | None] | str:
    """(value, unit as given, comparator) of valueQuantity, or why it is unusable."""
    q = r.get("valueQuantity")
    if not isinstance(q, dict):
        if any(k.startswith("value") for k in r):
            return "value is not a Quantity"
        return "no value"
    value = as_number(q.get("value"))
    if value is None:
        return f"valueQuantity.value {q.get('value')!r} is not a number"
    unit = as_str(q.get("code")) if "unitsofmeasure" in str(q.get("system", "")) else None
    unit = unit or as_str(q.get("unit")) or as_str(q.get("code"))
    if unit is None:
        return "valueQuantity has no unit"
    return value, unit, as_str(q.get("comparator"))


def _lab_unit(analyte: str, unit: str) -> str | None:
    accepted = list(ANALYTES[analyte].factors)
    spelled = UNIT_SPELLINGS.get(unit.lower(), unit)
    if spelled in accepted:
        return spelled
    matches = [a for a in accepted if a.lower() == spelled.lower()]
    return matches[0] if len(matches) == 1 else None


def _map_lab(res: Res, analyte: str, loinc: str, b: Builder) -> None:
    q = _quantity(res.resource)
    if isinstance(q, str):
        b.unmap(res.label, f"{analyte} (LOINC {loinc}): {q}")
        return
    value, unit, comparator = q
    if comparator:
        b.unmap(res.label, f"{analyte} {comparator}{value} {unit}: not an exact value")
        return
    case_unit = _lab_unit(analyte, unit)
    if case_unit is None:
        allowed = ", ".join(ANALYTES[analyte].factors)
        b.unmap(res.label, f"{analyte} unit {unit!r} is not one the case format accepts "
                           f"({allowed}); not converted")
        return
    lab: Json = {"analyte": analyte, "value": value, "unit": case_unit}
    when = effective(res.resource)
    if when:
        lab["date"] = when
    trouble = problem({"labs": [lab]})
    if trouble:
        b.unmap(res.label, f"{analyte} {value} {case_unit}: {trouble}")
        return
    b.labs.append(lab)
    b.use(res.label, "labs", dict(lab))


def _body_measure(res: Res, path: str, units: dict[str, float], b: Builder
                  ) -> _Candidate | None:
    q = _quantity(res.resource)
    if isinstance(q, str):
        b.unmap(res.label, f"{path}: {q}")
        return None
    value, unit, comparator = q
    factor = units.get(unit) if unit in units else units.get(unit.lower())
    if comparator or factor is None:
        why = "not an exact value" if comparator else f"unit {unit!r} not recognised"
        b.unmap(res.label, f"{path} {value} {unit}: {why}")
        return None
    converted = round(value * factor, 1) if factor != 1.0 else value
    section, key = path.split(".")
    trouble = problem({section: {key: converted}})
    if trouble:
        b.unmap(res.label, f"{path} {converted}: {trouble}")
        return None
    return _Candidate(res.label, effective(res.resource), converted)


@maps("Observation")
def map_observations(observations: list[Res], b: Builder) -> None:
    perf: dict[str, list[_Candidate]] = {"ecog": [], "karnofsky": []}
    body: dict[str, list[_Candidate]] = {"patient.weight_kg": [], "patient.height_cm": []}
    for res in observations:
        r = res.resource
        status = r.get("status")
        if status in ("entered-in-error", "cancelled"):
            b.ignore(res.label, f"observation status {status}")
            continue
        code = r.get("code")
        loincs = [c for s, c, _ in codings_of(code) if s == LOINC or _LOINC_SHAPE.fullmatch(c)]
        # a profile is looked at only when no code says what the observation is (cheaper)
        profiled = "meta" in r and not any(c in _KNOWN for c in loincs)
        if LOINC_ECOG in loincs or (profiled and has_profile(r, MCODE_ECOG)):
            cand = _performance(res, "ecog", b)
            if cand:
                perf["ecog"].append(cand)
        elif LOINC_KARNOFSKY in loincs or (profiled and has_profile(r, MCODE_KARNOFSKY)):
            cand = _performance(res, "karnofsky", b)
            if cand:
                perf["karnofsky"].append(cand)
        elif LOINC_WEIGHT & set(loincs):
            cand = _body_measure(res, "patient.weight_kg", WEIGHT_UNITS, b)
            if cand:
                body["patient.weight_kg"].append(cand)
        elif LOINC_HEIGHT & set(loincs):
            cand = _body_measure(res, "patient.height_cm", HEIGHT_UNITS, b)
            if cand:
                body["patient.height_cm"].append(cand)
        elif lab_codes := [c for c in loincs if LAB_LOINC.get(c)]:
            _map_lab(res, LAB_LOINC.codes[lab_codes[0]], lab_codes[0], b)
        else:
            shown = ", ".join(loincs) or ", ".join(f"{s} {c}" for s, c, _ in codings_of(code))
            b.ignore(res.label, f"observation {shown or '(no code)'} not used by Osseous")
    for scale, cands in perf.items():
        _pick_latest(cands, f"patient.{scale}", b, as_int=True)
    for path, cands in body.items():
        _pick_latest(cands, path, b, as_int=False)
