"""The case editor: form fields named by their JSON path in the case document.

A field's name is its path (``patient.age_years``, ``lesions[1].escc``), so a validation
problem reported for a path lands next to the field of the same name. Empty fields stay
unknown: they are left out of the document, never read as "no" or 0. Fields the editor does
not show (prior radiotherapy, pain assessments, events...) are kept from the stored document.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Final, get_args

from starlette.datastructures import FormData

from osseous.core.case import BONE_SITES, FEMUR_REGIONS, MAX_ITEMS, SPINAL_LEVELS, Primary
from osseous.core.errors import Problem
from osseous.core.units import ANALYTES


@dataclass(frozen=True, slots=True)
class Field:
    key: str  # path below the section, e.g. "dental.last_exam"
    label: str
    kind: str  # int, float, text, date, choice, intchoice, bool, multi, list
    options: tuple[str, ...] = ()
    hint: str = ""
    #: the id of a <datalist> offering values as the user types (the page draws it)
    datalist: str = ""


def _choices(*values: str) -> tuple[str, ...]:
    return values


PATIENT: Final = (
    Field("age_years", "Age (years)", "int"),
    Field("sex", "Sex", "choice", _choices("female", "male", "other", "unknown")),
    Field("weight_kg", "Weight (kg)", "float"),
    Field("height_cm", "Height (cm)", "float"),
    Field("ecog", "ECOG performance status", "intchoice", _choices("0", "1", "2", "3", "4")),
    Field("karnofsky", "Karnofsky performance status (%)", "intchoice",
          tuple(str(v) for v in range(100, -1, -10))),
    Field("ambulatory", "Walking", "choice",
          _choices("independent", "with-assistance", "non-ambulatory")),
    Field("frankel", "Frankel grade", "choice", _choices("A", "B", "C", "D", "E")),
    Field("hospitalizations_past_3_months", "Hospital admissions in the last 3 months", "int"),
    Field("dialysis", "On dialysis", "bool"),
    Field("dental.last_exam", "Last dental examination", "date"),
    Field("dental.invasive_procedure_planned", "Invasive dental procedure planned", "bool"),
    Field("goal", "Goal of care", "choice", _choices("palliative", "life-prolonging",
                                                     "unknown")),
    Field("surgical_candidate", "Fit for surgery (clinician's judgement)", "bool"),
    Field("estimated_survival_months", "Clinician's estimate of survival (months)", "float"),
)
CANCER: Final = (
    Field("primary", "Primary tumour", "choice", get_args(Primary)),
    Field("histology", "Histology (free text)", "text"),
    Field("diagnosed_on", "Diagnosed on", "date"),
    Field("hormone_receptor_positive", "Hormone-receptor positive", "bool"),
    Field("her2_positive", "HER2 positive", "bool"),
    Field("castration_resistant", "Castration-resistant", "bool"),
    Field("targeted_therapy", "Driver-targeted therapy given or available", "bool"),
    Field("prior_chemotherapy_lines", "Prior chemotherapy lines", "int"),
    Field("visceral_metastases", "Visceral metastases", "choice",
          _choices("none", "treatable", "untreatable")),
    Field("visceral_sites", "Visceral sites", "multi",
          _choices("liver", "lung", "adrenal", "lymph-node", "pleura", "peritoneum", "other")),
    Field("brain_metastases", "Brain metastases", "bool"),
    Field("disseminated", "Pleural, peritoneal or leptomeningeal dissemination", "bool"),
    Field("biomarkers", "Biomarkers (comma-separated, e.g. EGFR, PD-L1>=50%)", "list"),
    Field("primary_controlled", "Primary treated and controlled", "bool"),
    Field("total_metastases", "All metastases (bone and elsewhere)", "int"),
    Field("bone_scan_avid", "Avid on bone scan", "bool"),
    Field("psma_pet_positive", "PSMA-PET positive", "bool"),
    Field("radiosensitivity", "Radiosensitivity (clinician's classification)", "choice",
          _choices("sensitive", "resistant")),
    Field("bone_metastases.spinal", "Number of spinal metastases", "int"),
    Field("bone_metastases.extraspinal", "Number of other bone metastases", "int"),
)
LAB: Final = (
    Field("analyte", "Analyte", "choice", tuple(sorted(ANALYTES))),
    Field("value", "Value", "float"),
    Field("unit", "Unit", "choice", tuple(dict.fromkeys(u for a in ANALYTES.values()
                                                         for u in a.factors))),
    Field("date", "Date", "date"),
)
MEDICATION: Final = (
    Field("drug", "Drug (generic name)", "text"),
    Field("status", "Status", "choice", _choices("active", "planned", "completed", "stopped")),
    Field("route", "Route", "choice", _choices("oral", "transdermal", "intravenous",
                                               "subcutaneous", "intramuscular", "sublingual",
                                               "buccal", "intranasal", "rectal")),
    Field("daily_dose_mg", "Daily dose (mg)", "float"),
    Field("rate_mcg_per_h", "Patch rate (mcg/h)", "float"),
)
#: a pain assessment of one site (its analgesics, when recorded elsewhere, are kept)
PAIN: Final = (
    Field("date", "Date", "date"),
    Field("lesion", "Lesion (its name)", "text", datalist="lesion-names"),
    Field("worst_pain", "Worst pain (0-10)", "float"),
    Field("omed_mg_per_day", "Oral morphine equivalent (mg a day)", "float"),
)
SPINAL: Final = (
    Field("id", "Lesion name", "text"),
    Field("levels", "Levels", "multi", SPINAL_LEVELS,
          "hold Ctrl or Shift to choose several contiguous levels"),
    Field("pain_character", "Pain", "choice", _choices("mechanical", "non-mechanical",
                                                       "none")),
    Field("worst_pain", "Worst pain (0-10)", "float"),
    Field("appearance", "Bone lesion", "choice", _choices("lytic", "mixed", "blastic")),
    Field("alignment", "Alignment", "choice", _choices("normal", "de-novo-deformity",
                                                       "subluxation")),
    Field("collapse", "Vertebral body collapse", "choice",
          _choices("none", "none-over-50-involved", "under-50", "over-50")),
    Field("posterolateral", "Posterolateral involvement", "choice",
          _choices("none", "unilateral", "bilateral")),
    Field("escc", "ESCC (Bilsky) grade", "choice", _choices("0", "1a", "1b", "1c", "2", "3")),
    Field("neurological_deficit", "Neurological deficit", "choice",
          _choices("none", "radiculopathy", "myelopathy", "cauda-equina")),
    Field("paraplegia_hours", "Hours since complete paraplegia", "float"),
    Field("retropulsion", "Retropulsion", "bool"),
    Field("posterior_wall_intact", "Posterior wall intact", "bool"),
    Field("soft_tissue_extension", "Paraspinal or epidural soft-tissue mass", "bool"),
)
BONE: Final = (
    Field("id", "Lesion name", "text"),
    Field("site", "Bone", "choice", BONE_SITES),
    Field("region", "Region (femur: " + ", ".join(FEMUR_REGIONS) + ")", "text"),
    Field("pain_severity", "Pain (Mirels)", "choice", _choices("mild", "moderate",
                                                               "functional")),
    Field("worst_pain", "Worst pain (0-10)", "float"),
    Field("appearance", "Bone lesion", "choice", _choices("lytic", "mixed", "blastic")),
    Field("size_fraction", "Size (fraction of the bone's diameter)", "choice",
          _choices("<1/3", "1/3-2/3", ">2/3")),
    Field("axial_cortical_involvement_mm", "Axial cortical involvement (mm)", "float"),
    Field("pathological_fracture", "Pathological fracture", "bool"),
)
#: a radiotherapy course to add to a lesion (the stored courses are kept and listed)
COURSE: Final = (
    Field("dose_gy", "Dose (Gy)", "float"),
    Field("fractions", "Fractions", "int"),
    Field("date", "Start date", "date"),
    Field("technique", "Technique", "choice", _choices("conventional", "sbrt")),
)
SECTIONS: Final = {"patient": PATIENT, "cancer": CANCER}
ROWS: Final = {"labs": LAB, "medications": MEDICATION, "pain_assessments": PAIN}
_INDEX = re.compile(r"^(labs|medications|pain_assessments|lesions)\[(\d{1,9})\]\.(.+)$")
#: the highest row index (exclusive) the editor accepts per list: the case format's limits
MAX_ROWS: Final = {key: MAX_ITEMS[key] for key in ("labs", "medications", "pain_assessments",
                                                   "lesions")}


def indices(values: Any, key: str) -> list[int]:
    """The row indices of list ``key`` among the names in ``values`` (a form or a mapping),
    those within the limit only."""
    found = set()
    for name in values:
        m = _INDEX.match(name)
        if m and m.group(1) == key and int(m.group(2)) < MAX_ROWS[key]:
            found.add(int(m.group(2)))
    return sorted(found)


def index_problems(form: FormData) -> list[Problem]:
    """A problem for each list whose submitted row index is beyond the list's limit."""
    out: dict[str, Problem] = {}
    for name in form:
        m = _INDEX.match(name)
        if m and int(m.group(2)) >= MAX_ROWS[m.group(1)]:
            out.setdefault(m.group(1), Problem(  # shown above the form: no such row exists
                "document", f"{m.group(1)}: at most {MAX_ROWS[m.group(1)]} rows", name[:60]))
    return list(out.values())


def version_of(form: FormData) -> int:
    """The case version the edit started from (the hidden ``_version`` field); a missing or
    malformed value is 0, which never matches, so the edit is refused as stale (409)."""
    text = str(form.get("_version", "")).strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0


def get_path(doc: dict[str, Any], dotted: str) -> Any:
    cur: Any = doc
    for part in dotted.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _set(doc: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    cur = doc
    for part in parts[:-1]:
        cur = cur.setdefault(part, {})
    cur[parts[-1]] = value


def _drop(doc: dict[str, Any], dotted: str) -> None:
    parts = dotted.split(".")
    cur: Any = doc
    for part in parts[:-1]:
        cur = cur.get(part) if isinstance(cur, dict) else None
        if cur is None:
            return
    if isinstance(cur, dict):
        cur.pop(parts[-1], None)


def _convert(field: Field, raw: list[str], path: str) -> tuple[Any, Problem | None]:
    """The typed value of a field (None = unknown), or a problem naming it."""
    values = [v.strip() for v in raw if v.strip()]
    if not values:
        return None, None
    if field.kind == "multi":
        return values, None
    value = values[0]
    try:
        if field.kind in ("int", "intchoice"):
            return int(value), None
        if field.kind == "float":
            return float(value), None
    except ValueError:
        what = "a whole number" if field.kind in ("int", "intchoice") else "a number"
        return None, Problem(path, f"must be {what}", value)
    if field.kind == "bool":
        if value not in ("yes", "no"):
            return None, Problem(path, "must be yes, no or left unknown", value)
        return value == "yes", None
    if field.kind == "list":
        return [v.strip() for v in value.split(",") if v.strip()], None
    return value, None


def _section(form: FormData, prefix: str, fields: tuple[Field, ...],
             target: dict[str, Any], problems: list[Problem]) -> None:
    for field in fields:
        path = f"{prefix}.{field.key}"
        value, problem = _convert(field, [str(v) for v in form.getlist(path)], path)
        if problem:
            problems.append(problem)
        _drop(target, field.key)
        if value is not None:
            _set(target, field.key, value)


def _rows(form: FormData, key: str) -> list[int]:
    """The rows of list ``key`` kept: those not marked for removal (``key[i]._remove``)."""
    return [i for i in indices(form, key) if not form.get(f"{key}[{i}]._remove")]


#: the results a "laboratory panel" adds as rows, in one save (calcium needs albumin to be
#: corrected; creatinine decides the bone-agent doses)
LAB_PANEL: Final = ("calcium", "albumin", "creatinine")


def future_dates(form: FormData, today: Any) -> list[Problem]:
    """A problem for each laboratory result or pain assessment dated after ``today`` (neither
    can have happened yet)."""
    out = []
    for key in ("labs", "pain_assessments"):
        for i in _rows(form, key):
            text = str(form.get(f"{key}[{i}].date", "")).strip()
            if text and text > today.isoformat() and len(text) == 10:
                out.append(Problem(f"{key}[{i}].date",
                                   f"cannot be after today ({today.isoformat()})", text))
    return out


def document_from_form(form: FormData, base: dict[str, Any]) -> tuple[dict[str, Any],
                                                                       list[Problem]]:
    """The case document the form describes, merged into ``base`` (the stored document)."""
    doc = copy.deepcopy(base)
    doc.setdefault("format", "osseous.case/1")
    problems: list[Problem] = index_problems(form)
    for name in ("id", "assessed_on"):
        value = str(form.get(name, "")).strip()
        if value:
            doc[name] = value
        elif name == "assessed_on":
            doc.pop(name, None)
    for section, fields in SECTIONS.items():
        target = dict(doc.get(section) or {})
        _section(form, section, fields, target, problems)
        doc[section] = target
    for key, fields in ROWS.items():
        old = list(doc.get(key) or [])
        rows = []
        for i in _rows(form, key):
            text = str(form.get(f"{key}[{i}]._from", "")).strip()
            original = int(text) if text.isdigit() and len(text) < 10 else -1
            row = dict(old[original]) if 0 <= original < len(old) else {}
            _section(form, f"{key}[{i}]", fields, row, problems)
            if any(row.get(f.key) is not None for f in fields):
                rows.append(row)
        doc[key] = rows
    old_lesions = {les.get("id"): les for les in doc.get("lesions") or [] if isinstance(les, dict)}
    lesions = []
    for i in _rows(form, "lesions"):
        kind = str(form.get(f"lesions[{i}]._kind", "spine"))
        fields = SPINAL if kind == "spine" else BONE
        lesion_id = str(form.get(f"lesions[{i}].id", "")).strip()
        if not lesion_id:
            continue  # a blank row
        row = dict(old_lesions.get(lesion_id) or {})
        if kind == "spine":
            row["site"] = "spine"
        _section(form, f"lesions[{i}]", fields, row, problems)
        course: dict[str, Any] = {}
        _section(form, f"lesions[{i}].new_course", COURSE, course, problems)
        if course:
            row["prior_radiotherapy"] = [*(row.get("prior_radiotherapy") or []), course]
        lesions.append(row)
    doc["lesions"] = lesions
    return doc, problems


def form_values(doc: dict[str, Any]) -> dict[str, Any]:
    """Field name -> value to show, from a document (the inverse of ``document_from_form``)."""
    values: dict[str, Any] = {"id": doc.get("id") or "", "assessed_on": doc.get("assessed_on")
                              or ""}
    for section, fields in SECTIONS.items():
        for field in fields:
            values[f"{section}.{field.key}"] = _shown(get_path(doc.get(section) or {},
                                                               field.key))
    for key, fields in ROWS.items():
        for i, row in enumerate(doc.get(key) or []):
            values[f"{key}[{i}]._from"] = str(i)
            for field in fields:
                values[f"{key}[{i}].{field.key}"] = _shown(row.get(field.key))
    for i, lesion in enumerate(doc.get("lesions") or []):
        kind = "spine" if lesion.get("site") == "spine" else "bone"
        values[f"lesions[{i}]._kind"] = kind
        for field in SPINAL if kind == "spine" else BONE:
            values[f"lesions[{i}].{field.key}"] = _shown(lesion.get(field.key))
    return values


def _shown(value: Any) -> Any:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return ""
    if isinstance(value, list):
        return [str(v) for v in value] if value and not isinstance(value[0], dict) else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def raw_values(form: FormData) -> dict[str, Any]:
    """What the user typed, to show again next to the messages (nothing is lost)."""
    out: dict[str, Any] = {}
    for name in form:
        m = _INDEX.match(name)
        if (m and int(m.group(2)) >= MAX_ROWS[m.group(1)]):
            continue  # never shown again: a refused index must not make the page huge
        items = form.getlist(name)
        out[name] = items if len(items) > 1 or name.endswith(".levels") or name.endswith(
            ".visceral_sites") else (items[0] if items else "")
    return out
