"""The calculators: one page per score and per formula, with only the inputs it needs.

A score calculator builds a small case from its inputs (named by their path in the case format,
as in the editor) and runs the same scoring function the assessment and ``osseous score`` run;
a formula calculator runs the same :data:`osseous.scores.formulas.FORMULAS` entry as the CLI.
The points each option gives are read from the score itself (the option chosen alone), never
typed again here. The pages work as plain forms (GET, a result on submit) and update the
result as the user chooses when HTMX is loaded.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any, Final

from starlette.datastructures import FormData

from osseous.core.case import FEMUR_REGIONS, LONG_BONES
from osseous.core.errors import InvalidInput, Problem
from osseous.core.units import ANALYTES
from osseous.core.validation import parse_case
from osseous.scores.catalog import BY_ID
from osseous.scores.formulas import FORMULAS
from osseous.web import forms
from osseous.web.forms import Field

SPINE, BONE = "lesions[0]", "lesions[1]"
_BY_PATH: Final = {
    **{f"patient.{f.key}": f for f in forms.PATIENT},
    **{f"cancer.{f.key}": f for f in forms.CANCER},
    **{f"{SPINE}.{f.key}": f for f in forms.SPINAL},
    **{f"{BONE}.{f.key}": f for f in forms.BONE},
}
_BY_PATH[f"{BONE}.site"] = Field("site", "Bone", "choice", tuple(sorted(LONG_BONES)))
_BY_PATH[f"{BONE}.region"] = Field("region", "Region of the femur", "choice", FEMUR_REGIONS)
_BY_PATH[f"{BONE}.pain_severity"] = Field("pain_severity", "Pain", "choice",
                                          ("mild", "moderate", "functional"))

#: the pain-response calculator's inputs: the baseline (``pain_assessments[0]``, on the day
#: radiotherapy began) and the follow-up (``pain_assessments[1]``) of one treated site
BASELINE, FOLLOW_UP = "pain_assessments[0]", "pain_assessments[1]"
_NRS: Final = tuple(str(i) for i in range(11))  # the 0-10 numerical rating scale
_BY_PATH[f"{BASELINE}.worst_pain"] = Field(
    "worst_pain", "Worst pain before radiotherapy (0 to 10)", "intchoice", _NRS)
_BY_PATH[f"{BASELINE}.omed_mg_per_day"] = Field(
    "omed_mg_per_day", "Opioids before radiotherapy: oral morphine equivalent (mg a day; 0 if "
    "none)", "float")
_BY_PATH[f"{FOLLOW_UP}.worst_pain"] = Field(
    "worst_pain", "Worst pain at follow-up (0 to 10)", "intchoice", _NRS)
_BY_PATH[f"{FOLLOW_UP}.omed_mg_per_day"] = Field(
    "omed_mg_per_day", "Opioids at follow-up: oral morphine equivalent (mg a day; 0 if none)",
    "float")
#: the sources of a calculator's next steps, cited beside the score's own references
NEXT_STEP_SOURCES: Final[dict[str, tuple[str, ...]]] = {"pain-response": ("chow-2014-sc20",)}

#: the inputs of each score calculator: case paths, ``lab:<analyte>`` or ``medications``
SCORE_INPUTS: Final[dict[str, tuple[str, ...]]] = {
    "sins": tuple(f"{SPINE}.{k}" for k in ("levels", "pain_character", "appearance",
                                           "alignment", "collapse", "posterolateral")),
    "escc": (f"{SPINE}.escc",),
    "mirels": tuple(f"{BONE}.{k}" for k in ("site", "region", "pain_severity", "appearance",
                                            "size_fraction")),
    "tokuhashi-revised": ("patient.karnofsky", "patient.ecog", "patient.frankel",
                          "cancer.primary", "cancer.visceral_metastases",
                          "cancer.bone_metastases.spinal", "cancer.bone_metastases.extraspinal"),
    "tomita": ("cancer.primary", "cancer.visceral_metastases", "cancer.bone_metastases.spinal",
               "cancer.bone_metastases.extraspinal"),
    "bauer": ("cancer.primary", "cancer.visceral_metastases", "cancer.brain_metastases",
              "cancer.bone_metastases.spinal", "cancer.bone_metastases.extraspinal",
              f"{BONE}.site", f"{BONE}.pathological_fracture"),
    "bauer-modified": ("cancer.primary", "cancer.visceral_metastases",
                       "cancer.brain_metastases", "cancer.bone_metastases.spinal",
                       "cancer.bone_metastases.extraspinal"),
    "katagiri-new": ("cancer.primary", "cancer.hormone_receptor_positive",
                     "cancer.castration_resistant", "cancer.targeted_therapy",
                     "cancer.visceral_metastases", "cancer.brain_metastases",
                     "cancer.disseminated", "patient.ecog", "patient.karnofsky",
                     "cancer.prior_chemotherapy_lines", "cancer.bone_metastases.spinal",
                     "cancer.bone_metastases.extraspinal", "lab:crp", "lab:ldh", "lab:albumin",
                     "lab:platelets", "lab:calcium", "lab:bilirubin"),
    "nesms": ("cancer.primary", "cancer.visceral_metastases", "cancer.brain_metastases",
              "cancer.bone_metastases.spinal", "cancer.bone_metastases.extraspinal",
              "patient.ambulatory", "lab:albumin"),
    "chow-nrf": ("cancer.primary", "cancer.visceral_metastases", "cancer.brain_metastases",
                 "patient.karnofsky", "patient.ecog"),
    "teachh": ("cancer.primary", "patient.ecog", "patient.karnofsky", "patient.age_years",
               "cancer.prior_chemotherapy_lines", "patient.hospitalizations_past_3_months",
               "cancer.visceral_sites"),
    "crcl": ("patient.age_years", "patient.sex", "patient.weight_kg", "lab:creatinine"),
    "corrected-calcium": ("lab:calcium", "lab:albumin"),
    "omed": ("medications",),
    "pain-response": tuple(f"{at}.{k}" for at in (BASELINE, FOLLOW_UP)
                           for k in ("worst_pain", "omed_mg_per_day")),
}
MEDICATION_ROWS: Final = 3

#: the inputs of each formula: the parameter's JSON path and its field
FORMULA_INPUTS: Final[dict[str, tuple[tuple[str, Field], ...]]] = {
    "bed-eqd2": (("dose_gy", Field("dose_gy", "Total dose (Gy)", "float")),
                 ("fractions", Field("fractions", "Fractions", "int")),
                 ("alpha_beta", Field("alpha_beta", "Alpha/beta (Gy): 10 tumour and acute, "
                                      "3 late effects, 2 spinal cord", "float"))),
    "cord-dose": (
        ("technique", Field("technique", "Technique of the planned course", "choice",
                            ("conventional", "sbrt"))),
        ("planned.dose_gy", Field("dose_gy", "Planned dose (Gy)", "float")),
        ("planned.fractions", Field("fractions", "Planned fractions", "int")),
        ("planned.date", Field("date", "Planned start", "date")),
        ("planned.cord_max_eqd2_gy", Field("cord_max_eqd2_gy", "Planned cord maximum, EQD2 "
                                           "(Gy, from the plan; optional)", "float")),
        *((f"prior[{i}].{k}", replace(f, label=f"Earlier course {i + 1}: {f.label}"))
          for i in range(2) for k, f in (
              ("dose_gy", Field("dose_gy", "dose (Gy)", "float")),
              ("fractions", Field("fractions", "fractions", "int")),
              ("date", Field("date", "date", "date")),
              ("cord_max_eqd2_gy", Field("cord_max_eqd2_gy", "cord maximum EQD2 (Gy, "
                                         "optional)", "float"))))),
    "zoledronic-acid-dose": (("crcl_ml_min", Field("crcl_ml_min", "Creatinine clearance "
                                                   "(mL/min, Cockcroft-Gault)", "float")),),
    "zoledronic-acid-withhold": (
        ("baseline_creatinine_mg_dl", Field("baseline_creatinine_mg_dl",
                                            "Creatinine before treatment (mg/dL)", "float")),
        ("current_creatinine_mg_dl", Field("current_creatinine_mg_dl",
                                           "Creatinine now, before this dose (mg/dL)",
                                           "float"))),
    "radium-223-dose": (("weight_kg", Field("weight_kg", "Weight (kg)", "float")),
                        ("days_from_reference", Field("days_from_reference",
                                                      "Days from the vial's reference date "
                                                      "(optional, -14 to 14)", "int"))),
}


@dataclass(frozen=True, slots=True)
class Input:
    """One input as the page shows it: its form name, field, and points per option."""

    name: str
    field: Field
    points: Mapping[str, int]
    lab: str | None = None  # the analyte of a laboratory input
    units: tuple[str, ...] = ()


def form_fields(calc: str) -> set[str]:
    """A score calculator's inputs in the catalogue's terms (``ScoreInfo.form_fields``): the
    spinal and the bone lesion, ``labs``, ``medications`` or a case path."""
    out = set()
    for name in SCORE_INPUTS[calc]:
        out.add("lesion:spine" if name.startswith(SPINE) else "lesion:bone"
                if name.startswith(BONE) else "labs" if name.startswith("lab:") else name)
    return out


def kind_of(calc: str) -> str:
    return "score" if calc in SCORE_INPUTS else "formula"


def calculators() -> list[tuple[str, str, str]]:
    """(id, name, what it is for) of every calculator, scores first."""
    out: list[tuple[str, str, str]] = [(s, BY_ID[s].name, BY_ID[s].per) for s in SCORE_INPUTS]
    out += [(f, FORMULAS[f].name, "formula") for f in FORMULA_INPUTS]
    return out


# ---- the case a score calculator builds ----------------------------------------------------

def lab_index(analyte: str) -> int:
    return sorted(ANALYTES).index(analyte)


def score_form(values: FormData) -> tuple[dict[str, Any], list[Problem]]:
    """The case document of a score calculator's inputs (unknown stays unknown)."""
    items = list(values.multi_items())
    names = {k for k, _ in items}
    if any(n.startswith(f"{SPINE}.") for n in names):
        items += [(f"{SPINE}.id", "spinal lesion"), (f"{SPINE}._kind", "spine")]
    if any(n.startswith(f"{BONE}.") for n in names):
        items += [(f"{BONE}.id", "bone lesion"), (f"{BONE}._kind", "bone")]
    doc, problems = forms.document_from_form(FormData(items), {})
    doc["labs"] = [lab for lab in doc.get("labs") or [] if lab.get("value") is not None
                   and lab.get("analyte") in ANALYTES]  # a value without its analyte: none
    for lab in doc["labs"]:  # a value typed without its unit takes the first unit offered
        lab.setdefault("unit", next(iter(ANALYTES[lab["analyte"]].factors)))
    if not doc["labs"]:
        doc.pop("labs")
    if not doc.get("medications"):
        doc.pop("medications", None)
    return doc, problems


#: the site the pain-response calculator's case is about, and the days between its baseline
#: and its follow-up (the consensus category does not depend on them; Chow 2012 assesses at
#: 1, 2 and 3 months)
PAIN_SITE: Final = "treated site"
PAIN_FOLLOW_UP_DAYS: Final = 30


def pain_form(values: FormData, today: date | None = None) -> tuple[dict[str, Any],
                                                                      list[Problem]]:
    """The case of the pain-response calculator: one treated site, radiotherapy begun on the
    day of the baseline assessment, the follow-up ``PAIN_FOLLOW_UP_DAYS`` later."""
    follow = today or date.today()
    start = follow - timedelta(days=PAIN_FOLLOW_UP_DAYS)
    problems: list[Problem] = []
    assessments = []
    for at, when in ((BASELINE, start), (FOLLOW_UP, follow)):
        entry: dict[str, Any] = {"date": when.isoformat(), "lesion": PAIN_SITE}
        for key, kind in (("worst_pain", "int"), ("omed_mg_per_day", "float")):
            raw = str(values.get(f"{at}.{key}", "") or "").strip()
            if not raw:
                continue
            try:
                entry[key] = int(raw) if kind == "int" else float(raw)
            except ValueError:
                problems.append(Problem(f"{at}.{key}", "must be a whole number from 0 to 10"
                                        if kind == "int" else "must be a number"))
        assessments.append(entry)
    doc = {"format": "osseous.case/1", "id": "pain-response-calculator",
           "lesions": [{"id": PAIN_SITE, "site": "femur",
                        "prior_radiotherapy": [{"date": start.isoformat()}]}],
           "pain_assessments": assessments}
    return doc, problems


def run_score(calc: str, values: FormData) -> tuple[list[dict[str, Any]], dict[str, Any],
                                                    dict[str, str]]:
    """The results of a score calculator, the case it built and a message per refused input."""
    doc, problems = pain_form(values) if calc == "pain-response" else score_form(values)
    results: list[dict[str, Any]] = []
    try:
        results = [dict(r.to_dict()) for r in BY_ID[calc].compute(parse_case(doc).case)]
    except InvalidInput as exc:
        problems.extend(exc.problems)
    except ValueError as exc:  # e.g. Mirels of a bone that is not a long bone
        problems.append(Problem(f"{BONE}.site", str(exc)))
    if calc == "pain-response":
        for r in results:
            # the dates are the calculator's own (the category does not depend on them), so
            # the line restating them is left out; what is missing is named as asked
            r["notes"] = [n for n in r["notes"] if not n.startswith("baseline ")]
            r["missing_words"] = ", ".join(
                _BY_PATH[m].label.split(" (")[0].split(":")[0].lower()
                for m in r["missing"] if m in _BY_PATH)
    return results, doc, {p.path or "document": p.message for p in problems}


@cache
def _components(calc: str, items: tuple[tuple[str, str], ...]) -> Mapping[str, Any]:
    """The components of a score given only ``items`` (cached: the base every option of an
    input is compared with is scored once, not once per option)."""
    results, _, errors = run_score(calc, FormData(list(items)))
    if errors or not results:
        return {}
    return dict(results[0].get("components") or {})


@cache
def _points(calc: str, name: str, option: str) -> int | None:
    """The points an option gives, read from the score with that option alone."""
    base: tuple[tuple[str, str], ...] = ()
    if name.startswith(BONE) and not name.endswith(".site"):
        base = ((f"{BONE}.site", "humerus"),)
    if calc == "mirels" and name.endswith(".region"):
        base = ((f"{BONE}.site", "femur"),)
    before = _components(calc, base)
    after = _components(calc, (*base, (name, option)))
    changed = [v for k, v in after.items() if v is not None and before.get(k) is None]
    return sum(changed) if changed and all(isinstance(v, int) for v in changed) else None


def score_inputs(calc: str) -> list[Input]:
    out = []
    for name in SCORE_INPUTS[calc]:
        if name.startswith("lab:"):
            analyte = name[4:]
            out.append(Input(f"labs[{lab_index(analyte)}]", Field(
                "value", f"{analyte.upper() if len(analyte) <= 3 else analyte.capitalize()}",
                "float"), {}, analyte, tuple(ANALYTES[analyte].factors)))
            continue
        if name == "medications":
            out.append(Input(name, Field("medications", "Opioids taken", "list"), {}))
            continue
        field = _BY_PATH[name]
        points: dict[str, int] = {}
        if field.kind in ("choice", "intchoice", "bool") and calc != "pain-response":
            options = ("yes", "no") if field.kind == "bool" else field.options
            for o in options:
                p = _points(calc, name, o)
                if p is not None:
                    points[o] = p
        out.append(Input(name, field, points))
    return out


# ---- formulas ------------------------------------------------------------------------------

def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    cur: Any = doc
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part, nxt in itertools.pairwise(parts):
        key: Any = int(part) if part.isdigit() else part
        if isinstance(cur, list):
            while len(cur) <= key:
                cur.append({})
            cur = cur[key]
        else:
            cur = cur.setdefault(key, [] if nxt.isdigit() else {})
    last = parts[-1]
    cur[int(last) if last.isdigit() else last] = value


def run_formula(calc: str, values: FormData) -> tuple[dict[str, Any] | None, dict[str, Any],
                                                      dict[str, str]]:
    """The result of a formula calculator (None until its required inputs are given), the
    parameters it was given and a message per refused input."""
    params: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for path, field in FORMULA_INPUTS[calc]:
        raw = str(values.get(path, "")).strip()
        if not raw:
            continue
        try:
            value: Any = (int(raw) if field.kind == "int" else float(raw)
                          if field.kind == "float" else raw)
        except ValueError:
            errors[path] = "must be a whole number" if field.kind == "int" else "must be a number"
            continue
        _set(params, path, value)
    if "prior" in params:
        params["prior"] = [c for c in params["prior"] if c]
    if errors or not params:
        return None, params, errors
    try:
        return FORMULAS[calc].run(params), params, {}
    except InvalidInput as exc:
        missing = [p for p in exc.problems if p.message.startswith("required")]
        if len(missing) == len(exc.problems):  # not finished yet: no message
            return None, params, {}
        return None, params, {p.path or "document": p.message for p in exc.problems}
