"""The calculator pages, ``/app/calculators`` and ``/app/calculators/{id}``.

GET with the inputs in the query is the whole protocol (nothing is stored, a result can be
linked); HTMX swaps the result in as the user chooses, and without script the "Calculate"
button submits the same form.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData, UploadFile

from osseous.core.case import LONG_BONES, BoneLesion, SpinalLesion
from osseous.core.units import ANALYTES
from osseous.core.validation import parse_case
from osseous.knowledge.citations import CITATIONS
from osseous.registry import repository as repo
from osseous.report import interpretation, labels
from osseous.scores.catalog import BY_ID
from osseous.scores.formulas import FORMULAS
from osseous.web import calculators as calc
from osseous.web import forms
from osseous.web.rendering import form_of, render
from osseous.web.session import current, database

router = APIRouter(prefix="/app", include_in_schema=False)


def _citations(ids: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    return [CITATIONS[i].to_dict() if i in CITATIONS else {"id": i, "citation": i}
            for i in ids]


@router.get("/calculators")
def index(request: Request) -> HTMLResponse:
    return render(request, "calculators.html", {"calculators": calc.calculators()},
                  user=current(request))


def _from_case(request: Request, case_id: str, user: Any) -> tuple[FormData, dict[str, Any]]:
    """The calculator's inputs filled from a stored case: its first spinal lesion and its
    first long-bone lesion take the lesion inputs."""
    with database(request).session() as s:
        _, doc = repo.get_case(s, user.actor, case_id)
    values = forms.form_values({k: v for k, v in doc.items() if k != "lesions"})
    parsed = parse_case(doc).case
    spine = next((i for i, les in enumerate(parsed.lesions) if isinstance(les, SpinalLesion)),
                 None)
    bone = next((i for i, les in enumerate(parsed.lesions) if isinstance(les, BoneLesion)
                 and les.site in LONG_BONES), None)
    lesions = doc.get("lesions") or []
    for index, target in ((spine, calc.SPINE), (bone, calc.BONE)):
        if index is not None:
            shown = forms.form_values({"lesions": [lesions[index]]})
            values.update({k.replace("lesions[0]", target): v for k, v in shown.items()
                           if k.startswith("lesions[0].")})
    items: list[tuple[str, str | UploadFile]] = []
    for k, v in values.items():
        if k.startswith("labs["):  # labs go to the row of their analyte
            continue
        for x in v if isinstance(v, list) else [v]:
            if x not in ("", None):
                items.append((k, str(x)))
    for lab in doc.get("labs") or []:
        if lab.get("analyte") in ANALYTES and lab.get("value") is not None:
            at = f"labs[{calc.lab_index(lab['analyte'])}]"
            items += [(f"{at}.analyte", lab["analyte"]), (f"{at}.value", str(lab["value"])),
                      (f"{at}.unit", str(lab.get("unit") or "")),
                      (f"{at}.date", str(lab.get("date") or ""))]
    return FormData(items), doc


@router.api_route("/calculators/{name}", methods=["GET", "POST"])
async def calculator(request: Request, name: str, case: str = "") -> HTMLResponse:
    user = current(request)
    kind = calc.kind_of(name) if name in calc.SCORE_INPUTS or name in calc.FORMULA_INPUTS \
        else None
    if kind is None:
        raise HTTPException(404, f"no calculator {name[:60]!r}")
    if request.method == "POST":
        values = await form_of(request)
    else:
        values = FormData([(k, v) for k, v in request.query_params.multi_items()
                           if k != "case"])
    whole_case: dict[str, Any] | None = None
    if case and not list(values.keys()):
        values, whole_case = _from_case(request, case, user)
    shown = forms.raw_values(values)
    context: dict[str, Any] = {"name": name, "kind": kind, "values": shown, "from_case": case,
                               "labels": labels, "interpretation": interpretation}
    if kind == "score":
        info = BY_ID[name]
        results, _, errors = calc.run_score(name, values)
        if whole_case is not None:  # every lesion of the case, as the assessment scores it
            results = [dict(r.to_dict()) for r in info.compute(parse_case(whole_case).case)]
        context.update(title=labels.score(name), full_name=info.name, per=info.per,
                       inputs=calc.score_inputs(name), results=results, errors=errors,
                       citations=_citations((*info.references,
                                             *calc.NEXT_STEP_SOURCES.get(name, ()))),
                       touched=bool(list(values.keys())))
    else:
        formula = FORMULAS[name]
        result, _, errors = calc.run_formula(name, values)
        context.update(title=labels.score(name), full_name=formula.name, per="formula",
                       formula_inputs=calc.FORMULA_INPUTS[name], result=result,
                       rows=interpretation.formula_rows(result) if result else [],
                       errors=errors, citations=_citations(formula.references),
                       touched=bool(list(values.keys())))
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "calculator_result.html" if partial else "calculator.html",
                  context, status=400 if context["errors"] and not partial else 200, user=user)
