"""The ``osseous`` command line: a thin adapter over the library.

Exit status: 0 on success, 2 on invalid input (the problems on stderr, one per line).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import orjson
import typer

from osseous import KNOWLEDGE_VERSION, __version__
from osseous.cli import cohort_cmds, registry_cmds, render
from osseous.cli.common import Format, emit, fail, load_case, read_json
from osseous.core.case import Case
from osseous.core.errors import InvalidInput, Problem
from osseous.knowledge.citations import CITATIONS
from osseous.plan.engine import assess as assess_case
from osseous.plan.engine import rules as all_rules
from osseous.scores import formulas as calculators
from osseous.scores.catalog import SCORES
from osseous.scores.omed import omed_of

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Osseous: scores, alerts and a plan for patients with bone metastases.")


def _version(show: bool) -> None:
    if show:
        typer.echo(f"osseous {__version__} (knowledge {KNOWLEDGE_VERSION})")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print the version of Osseous and of its knowledge tables, then exit.")] = False,
) -> None:
    """Osseous: scores, alerts and a plan for patients with bone metastases."""


class AssessFormat(StrEnum):
    text = "text"
    json = "json"
    fhir = "fhir"


class OpioidTable(StrEnum):
    cdc_2022 = "cdc-2022"
    cdc_2016 = "cdc-2016"


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


@app.command()
def assess(
    case_file: Annotated[
        str, typer.Argument(metavar="CASE.json", help="Case file, or - for stdin.")
    ],
    fmt: Annotated[AssessFormat, typer.Option(
        "--format", "-f", help="text, json (osseous.assessment/1) or fhir (an R4 Bundle).")
    ] = AssessFormat.text,
    trace: Annotated[bool, typer.Option("--trace", help="Include the rule trace.")] = False,
    patient: Annotated[str, typer.Option(help="Patient reference for --format fhir.")] = (
        "Patient/unknown"),
) -> None:
    """Assess one case: scores, alerts, the plan by treatment family, and missing data."""
    parsed = load_case(case_file)
    doc = assess_case(parsed.case, parsed.ignored_fields, trace=trace)
    if fmt is AssessFormat.fhir:
        from osseous.interop.fhir_out import assessment_to_fhir

        emit(assessment_to_fhir(doc, patient_reference=patient), Format.json, "")
        return
    emit(doc, Format(fmt.value), render.assessment_text(doc))


@app.command()
def workup(
    case_file: Annotated[
        str, typer.Argument(metavar="CASE.json", help="Case file, or - for stdin.")
    ],
    fmt: FormatOption = Format.text,
) -> None:
    """The investigations that would complete the picture, most urgent first."""
    parsed = load_case(case_file)
    doc = assess_case(parsed.case, parsed.ignored_fields)["workup"]
    emit(doc, fmt, render.workup_text(doc))


_ANSWERS = {"y": True, "yes": True, "n": False, "no": False, "?": None, "": None}


def _ask(questions: dict[str, str]) -> dict[str, bool | None]:
    answers: dict[str, bool | None] = {}
    typer.echo("Answer y (yes), n (no) or ? / Enter (not known).", err=True)
    for key, question in questions.items():
        while True:
            try:
                reply = typer.prompt(question, default="", show_default=False, err=True)
            except typer.Abort:  # input ended (Ctrl-D, a short file): not asked
                left = len(questions) - len(answers)
                typer.echo(f"\ninput ended: the {left} question{'s' if left != 1 else ''} "
                           "not answered count as not asked (unknown, not no)", err=True)
                return answers
            if reply.strip().lower() in _ANSWERS:
                answers[key] = _ANSWERS[reply.strip().lower()]
                break
            typer.echo("  please answer y, n or ?", err=True)
    return answers


@app.command("triage")
def triage_cmd(
    input_file: Annotated[str | None, typer.Option(
        "--input", "-i", metavar="ANSWERS.json",
        help="Answers as JSON (true, false or null per question), or - for stdin; without "
             "it the questions are asked one by one.")] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Symptom triage for a telephone call: which symptoms cannot wait, what to do now, why."""
    from osseous.plan.triage import QUESTIONS, parse_answers, triage

    data: Any = read_json(input_file) if input_file is not None else _ask(QUESTIONS)
    try:
        answers = parse_answers(data)
    except InvalidInput as exc:
        fail(*exc.problems)
    result = triage(answers)
    emit(result, fmt, render.triage_text(result))


@app.command("rules")
def list_rules(
    fmt: Annotated[RulesFormat, typer.Option("--format", "-f")] = RulesFormat.text,
) -> None:
    """List every rule with its id, family, version and references."""
    rows = [r.to_dict() for r in all_rules()]
    if fmt is RulesFormat.markdown:
        typer.echo(render.rules_markdown(rows))
        return
    emit(rows, Format(fmt.value), render.rules_text(rows))


@app.command()
def score(
    name: Annotated[str, typer.Argument(help="Score or formula id (see `osseous scores`).")],
    input_file: Annotated[str, typer.Option("--input", "-i", help="JSON file, or - for stdin.")],
    lesion: Annotated[str | None, typer.Option(help="Only this lesion (lesion scores).")] = None,
    opioid_table: Annotated[OpioidTable, typer.Option(
        help="Conversion table for omed (CDC 2022 by default).")] = OpioidTable.cdc_2022,
    fmt: FormatOption = Format.text,
) -> None:
    """Compute one score from a case (or a formula from its parameters)."""
    if name in calculators.FORMULAS:
        data = read_json(input_file)
        try:
            result = calculators.FORMULAS[name].run(data)
        except InvalidInput as exc:
            fail(*exc.problems)
        emit(result, fmt, render.formula_text(name, result))
        return
    info = next((s for s in SCORES if s.id == name), None)
    if info is None:
        allowed = ", ".join([s.id for s in SCORES] + list(calculators.FORMULAS))
        fail(Problem("NAME", f"unknown score; allowed: {allowed}", name))
    parsed = load_case(input_file) if input_file else None
    assert parsed is not None
    try:
        computed = (info.compute(parsed.case) if name != "omed" else
                    [omed_of(parsed.case.medications, "medications", opioid_table.value)])
    except InvalidInput as exc:
        fail(*exc.problems)
    results = [r for r in computed if lesion is None or r.lesion == lesion]
    if not results:
        why = (f"no lesion {lesion!r} this score applies to" if lesion else
               f"{name} does not apply to this case ({info.per} score)")
        fail(Problem("", why))
    docs = [r.to_dict() for r in results]
    emit(docs[0] if len(docs) == 1 else docs, fmt,
          "\n\n".join(render.score_text(d) for d in docs))


@app.command("scores")
def list_scores(fmt: FormatOption = Format.text) -> None:
    """List every score and formula with its inputs and references."""
    rows = [{"id": s.id, "name": s.name, "per": s.per, "inputs": list(s.inputs),
             "references": list(s.references)} for s in SCORES]
    rows += [{"id": k, "name": f.name, "per": "formula", "inputs": list(f.inputs),
              "references": list(f.references)} for k, f in calculators.FORMULAS.items()]
    emit(rows, fmt, render.table_text(rows))


@app.command()
def references(fmt: FormatOption = Format.text) -> None:
    """Print the citation registry: id, full citation, DOI/PMID."""
    rows = [c.to_dict() for c in CITATIONS.values()]
    emit(rows, fmt, render.references_text(rows))


@app.command()
def schema(
    document: Annotated[str, typer.Argument(help="'case' (the input format).")] = "case",
) -> None:
    """Print the JSON Schema of the case document."""
    if document != "case":
        fail(Problem("DOCUMENT", "allowed: case", document))
    out = Case.model_json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "osseous.case/1"
    sys.stdout.buffer.write(orjson.dumps(out, option=orjson.OPT_INDENT_2) + b"\n")


registry_cmds.register(app)
cohort_cmds.register(app)


def main() -> None:
    app()
