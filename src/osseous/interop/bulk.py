"""Assessing a FHIR Bulk Data export (NDJSON, one file per resource type), patient by patient.

Lines are read with orjson; a malformed line is skipped, counted and reported with its file and
line number - never fatal, never silently lost. Resources are grouped by patient (``Patient.id``
and the ``subject``/``patient`` reference of the others, relative, absolute or ``urn:uuid:``,
resolved within the export: :mod:`osseous.interop.references`); every patient whose record codes
a bone metastasis (the same code table as the import, :mod:`osseous.interop.terminology`) is
mapped (:mod:`osseous.interop.fhir_in`) and assessed, and one result line is written per
patient. ``summary.tsv`` is safe to open in a spreadsheet: a cell that would start a formula or
holds a control character is written as text. The run is resumable: patients already in the
results file are skipped, and a last line cut short by an interruption is dropped before
appending.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

import orjson

from osseous.core.executor import Executor, InProcess
from osseous.core.validation import parse_case
from osseous.interop.fhir_in import bundle_to_case
from osseous.interop.references import reference_key, subject_reference
from osseous.interop.terminology import is_bone_metastasis_code
from osseous.plan.engine import assess

RESULTS: Final = "results.ndjson"
SUMMARY: Final = "summary.tsv"
MALFORMED: Final = "malformed.ndjson"


@dataclass
class BulkReport:
    patients: int = 0
    assessed: int = 0
    skipped_no_bone_metastasis: int = 0
    already_done: int = 0
    failed: int = 0
    malformed_lines: int = 0
    unattributed_resources: int = 0
    malformed: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "malformed"}


def read_ndjson(directory: Path, report: BulkReport) -> Iterator[dict[str, Any]]:
    """Every resource of every ``*.ndjson`` file, malformed lines reported and skipped."""
    for path in sorted(directory.glob("*.ndjson")):
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    resource = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    resource = None
                    why = f"not JSON: {exc}"
                else:
                    why = "not a FHIR resource (no resourceType)"
                if not isinstance(resource, dict) or "resourceType" not in resource:
                    report.malformed_lines += 1
                    report.malformed.append({"file": path.name, "line": number, "why": why})
                    continue
                yield resource


def _patient_of(resource: dict[str, Any], patients: dict[str, str]) -> str | None:
    """The id of the patient a resource belongs to; ``patients`` maps every key by which the
    export may name a patient (``Patient/id``, ``urn:uuid:id``) to its id."""
    if resource.get("resourceType") == "Patient":
        rid = resource.get("id")
        return rid if isinstance(rid, str) else None
    key = subject_reference(resource)
    if key is None:
        return None
    if key in patients:
        return patients[key]
    if key.startswith("Patient/"):
        return key.split("/", 1)[1]
    return None


def _patient_keys(resources: list[dict[str, Any]]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for r in resources:
        rid = r.get("id")
        if r.get("resourceType") == "Patient" and isinstance(rid, str) and rid:
            keys[f"Patient/{rid}"] = rid
            keys[f"urn:uuid:{rid}"] = rid
            for ident in r.get("identifier") or []:  # a fullUrl kept as an identifier
                value = ident.get("value") if isinstance(ident, dict) else None
                key = reference_key(value)
                if key is not None and key.startswith("urn:"):
                    keys[key] = rid
    return keys


def group_by_patient(resources: Iterable[dict[str, Any]],
                     report: BulkReport) -> dict[str, list[dict[str, Any]]]:
    every = list(resources)
    patients = _patient_keys(every)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for resource in every:
        patient = _patient_of(resource, patients)
        if patient is None:
            report.unattributed_resources += 1
            continue
        groups[patient].append(resource)
    return groups


def has_bone_metastasis(resources: list[dict[str, Any]]) -> bool:
    """Whether a Condition codes a bone metastasis (SNOMED CT or ICD-10-CM, dotted or not)."""
    for r in resources:
        if r.get("resourceType") != "Condition":
            continue
        for coding in (r.get("code") or {}).get("coding") or []:
            if isinstance(coding, dict) and is_bone_metastasis_code(coding.get("system"),
                                                                    coding.get("code")):
                return True
    return False


#: characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection")
_FORMULA_START: Final = ("=", "+", "-", "@", "|", "%")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def tsv_cell(value: object) -> str:
    """One summary cell: control characters (tabs and line breaks would add columns or rows)
    replaced by a space, and a cell that would start a formula prefixed with ``'`` so that a
    spreadsheet shows it as text (OWASP, CSV Injection)."""
    text = _CONTROL.sub(" ", str(value))
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


_NUMBER: Final = re.compile(r"-?\d+(?:\.\d+)?")


def _done(results: Path) -> set[str]:
    """Patients already written; a last line cut short by an interruption is dropped."""
    if not results.exists():
        return set()
    done, keep = set(), []
    for line in results.read_bytes().splitlines(keepends=True):
        try:
            row = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        done.add(row["patient"])
        keep.append(line if line.endswith(b"\n") else line + b"\n")
    results.write_bytes(b"".join(keep))
    return done


#: patients per task when the export is assessed on an executor
BATCH: Final = 64


def assess_export(source: Path, out: Path, assessed_on: date,
                  progress: Callable[[int, int], None] | None = None,
                  executor: Executor | None = None) -> BulkReport:
    """Assess every patient of the export in ``source``; write results to ``out``.

    Patients are assessed in batches on the executor (in this process by default, or on Dask,
    :mod:`osseous.core.executor`); results are written in patient order whatever the executor,
    so the output files are the same.
    """
    report = BulkReport()
    out.mkdir(parents=True, exist_ok=True)
    groups = group_by_patient(read_ndjson(source, report), report)
    report.patients = len(groups)
    results = out / RESULTS
    done = _done(results)
    pending = [p for p in sorted(groups) if p not in done]
    report.already_done = len(groups) - len(pending)
    batches = [[(p, groups[p]) for p in pending[i:i + BATCH]]
               for i in range(0, len(pending), BATCH)]
    jobs = [(batch, assessed_on) for batch in batches]
    finished = report.already_done
    with results.open("ab") as sink, (out / SUMMARY).open("a") as summary:
        if summary.tell() == 0:
            summary.write("patient\tcase\tprimary\tlesions\talerts\tcritical\trecommended\n")
        for rows in (executor or InProcess()).map(assess_batch, jobs):
            for row in rows:
                _count(row, report)
                sink.write(orjson.dumps(row) + b"\n")
                if "assessment" in row:
                    a = row["assessment"]
                    summary.write("\t".join(tsv_cell(v) for v in (
                        row["patient"], a["case"], row["primary"], row["lesions"],
                        len(a["alerts"]), sum(x["severity"] == "critical" for x in a["alerts"]),
                        sum(r["strength"] == "recommended" for r in a["recommendations"])))
                        + "\n")
            sink.flush()
            summary.flush()
            finished += len(rows)
            if progress is not None:
                progress(finished, len(groups))
    (out / MALFORMED).write_bytes(b"".join(orjson.dumps(m) + b"\n" for m in report.malformed))
    return report


def _count(row: dict[str, Any], report: BulkReport) -> None:
    if "assessment" in row:
        report.assessed += 1
    elif "failed" in row:
        report.failed += 1
    else:
        report.skipped_no_bone_metastasis += 1


def assess_batch(job: tuple[list[tuple[str, list[dict[str, Any]]]], date]
                 ) -> list[dict[str, Any]]:
    """The result rows of a batch of patients (runs on a worker)."""
    batch, assessed_on = job
    return [assess_patient(patient, resources, assessed_on) for patient, resources in batch]


def assess_patient(patient: str, resources: list[dict[str, Any]],
                   assessed_on: date) -> dict[str, Any]:
    if not has_bone_metastasis(resources):
        return {"patient": patient, "skipped": "no bone metastasis recorded"}
    try:
        mapped = bundle_to_case(resources, assessed_on=assessed_on.isoformat())
        parsed = parse_case(mapped.case)
        assessment = assess(parsed.case)
    except Exception as exc:  # one patient's failure is reported, never fatal to the export
        return {"patient": patient, "failed": f"{type(exc).__name__}: {exc}"[:500]}
    return {"patient": patient, "primary": parsed.case.cancer.primary,
            "lesions": len(parsed.case.lesions), "assessment": assessment,
            "mapping": {k: len(v) for k, v in mapped.report.to_dict().items()
                        if isinstance(v, list)}}
