"""Patient: sex, birth date, and death (``deceasedDateTime`` / ``deceasedBoolean``).

A death is kept as an event: the assessment and the CDS service give no treatment to a
patient whose record says they died.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

from osseous.interop.mapping.common import Builder, Json, Res, as_str, fhir_date, problem
from osseous.interop.mapping.registry import maps

_SEX: Final = frozenset({"female", "male", "other", "unknown"})
_CASE_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def sanitise_id(raw: str) -> str | None:
    """A case id made from a FHIR id (``fhir-`` prefix; long ids shortened with a digest)."""
    cleaned = re.sub(r"[^A-Za-z0-9._:-]", "-", raw).strip("-._:")
    if not cleaned:
        return None
    cleaned = f"fhir-{cleaned}"
    if len(cleaned) > 128:
        digest = hashlib.sha256(raw.encode()).hexdigest()[:12]
        cleaned = f"{cleaned[:115]}-{digest}"
    return cleaned if _CASE_ID.match(cleaned) else None


@maps("Patient")
def map_patients(patients: list[Res], b: Builder) -> None:
    if not patients:
        return
    b.patient_id = _map_patient(patients[0], b)
    for extra in patients[1:]:
        b.unmap(extra.label, f"more than one Patient in the input; only {patients[0].label} "
                             "supplies demographics")


def _map_patient(res: Res, b: Builder) -> str | None:
    r = res.resource
    gender = r.get("gender")
    if gender is not None:
        if isinstance(gender, str) and gender in _SEX:
            b.patient["sex"] = gender
            b.use(res.label, "patient.sex", gender)
        else:
            b.unmap(res.label, f"gender {gender!r} is not female, male, other or unknown")
    if "birthDate" in r:
        birth = r.get("birthDate")
        full = fhir_date(birth) if isinstance(birth, str) and len(birth) == 10 else None
        if full is not None and problem({"patient": {"birth_date": full}}) is None:
            b.patient["birth_date"] = full
            b.use(res.label, "patient.birth_date", full)
        else:
            b.unmap(res.label, f"birthDate {birth!r} is not a full date (YYYY-MM-DD); "
                               "birth date and age left unknown")
    _map_death(res, b)
    rid = as_str(r.get("id"))
    return sanitise_id(rid) if rid else None


def _map_death(res: Res, b: Builder) -> None:
    r = res.resource
    event: Json = {"type": "death"}
    if "deceasedDateTime" in r:
        died = fhir_date(r.get("deceasedDateTime"))
        if died is None:
            b.unmap(res.label, f"deceasedDateTime {r.get('deceasedDateTime')!r} is not a full "
                               "date: the death is recorded without a date")
        else:
            event["date"] = died
    elif r.get("deceasedBoolean") is not True:
        return
    b.events.append(event)
    b.use(res.label, "events", dict(event))
