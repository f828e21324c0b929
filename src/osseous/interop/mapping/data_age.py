"""Data age: which values the import used are older than the documented maximum age.

Every laboratory result keeps its date in the case (``labs[].date``), and so do the weight and
the performance status (``patient.weight_measured_on``, ``ecog_assessed_on``,
``karnofsky_assessed_on``). The import does not drop old values (the assessment decides what it
uses, and asks for a new result when one is too old); it lists them in the mapping report's
``old`` section so that a person sees, for example, that a creatinine is from 2005.

Maximum ages: for laboratory results, the assessment's own (:data:`osseous.plan.workup
.MAX_AGE_DAYS`, project defaults documented in docs/clinical/decisions.md); for the weight 90
days and for a performance status 30 days (project defaults, docs/interop.md "Data age": the
weight enters creatinine clearance and changes over months in advanced cancer; performance status
can change within weeks).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from osseous.interop.mapping.common import Builder
from osseous.plan.workup import MAX_AGE_DAYS as LAB_MAX_AGE_DAYS

#: Maximum age in days of the non-laboratory values (project defaults, see module docstring).
BODY_MAX_AGE_DAYS: Final = {"weight_kg": 90, "ecog": 30, "karnofsky": 30}
_DATE_OF: Final = {"weight_kg": "weight_measured_on", "ecog": "ecog_assessed_on",
                   "karnofsky": "karnofsky_assessed_on"}


def max_age_days(kind: str) -> int | None:
    """The maximum age of a laboratory analyte or of ``weight_kg``/``ecog``/``karnofsky``."""
    limit = BODY_MAX_AGE_DAYS.get(kind)
    return limit if limit is not None else LAB_MAX_AGE_DAYS.get(kind)


def age_days(when: str | None, reference: date) -> int | None:
    return None if when is None else (reference - date.fromisoformat(when)).days


def report_old(b: Builder, reference: date) -> None:
    """Add to ``b.old`` each value used that is undated or older than its maximum age."""
    for entry in b.used:
        path, value = entry["as"], entry["value"]
        if path == "labs" and isinstance(value, dict):
            kind, when, shown = value["analyte"], value.get("date"), value["value"]
        elif path.startswith("patient.") and path[8:] in _DATE_OF:
            kind = path[8:]
            when, shown = b.patient.get(_DATE_OF[kind]), value
        else:
            continue
        limit = max_age_days(kind)
        age = age_days(when, reference)
        if limit is None or (age is not None and age <= limit):
            continue
        b.old.append({"resource": entry["resource"], "as": kind, "value": shown,
                      "date": when, "age_days": age, "max_age_days": limit})
