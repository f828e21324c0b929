"""Cohort commands: service-level metrics over many cases."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from osseous.core.case import Case
from osseous.core.errors import InvalidInput

cohort_app = typer.Typer(help="Metrics over a cohort of cases.", no_args_is_help=True)


CasesArg = Annotated[list[Path], typer.Argument(
    metavar="CASES...", help="Case files (.json, or .ndjson with one case per line) or folders "
                             "of them.")]


class Fmt(StrEnum):
    text = "text"
    json = "json"


def _files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted([*path.glob("*.json"), *path.glob("*.ndjson")])
        else:
            yield path


def _documents(path: Path) -> Iterator[Any]:
    if path.suffix == ".ndjson":  # one case per line, read as a stream
        with path.open("rb") as lines:
            for line in lines:
                if line.strip():
                    yield orjson.loads(line)
    else:
        yield orjson.loads(path.read_bytes())


def _cases(paths: list[Path]) -> Iterator[Case]:
    from osseous.core.validation import parse_case

    for path in _files(paths):
        try:
            for data in _documents(path):
                yield parse_case(data).case
        except OSError as exc:
            typer.echo(f"error: cannot read {path}: {exc.strerror}", err=True)
            raise typer.Exit(2) from None
        except orjson.JSONDecodeError as exc:
            typer.echo(f"error: {path} is not valid JSON: {exc}", err=True)
            raise typer.Exit(2) from None
        except InvalidInput as exc:
            for p in exc.problems:
                typer.echo(f"error: {path}: {p}", err=True)
            raise typer.Exit(2) from None


def _emit(doc: dict[str, Any], fmt: Fmt, text: Callable[[dict[str, Any]], str]) -> None:
    if fmt is Fmt.json:
        sys.stdout.buffer.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        typer.echo(text(doc))


def _text(doc: dict[str, Any]) -> str:
    lines = [f"Quality of care over {doc['cases']} cases"]
    for i in doc["indicators"]:
        if i["denominator"]:
            low, high = i["ci95"]
            share = (f"{i['numerator']}/{i['denominator']} = {i['proportion']:.1%} "
                     f"(95% CI {low:.1%}-{high:.1%})")
        else:
            share = "no eligible cases"
        lines.append(f"\n{i['id']} ({i['better']} is better)\n  {i['description']}: {share}")
        for reason, n in i["excluded"].items():
            lines.append(f"  excluded: {n} ({reason})")
    return "\n".join(lines)


@cohort_app.command("quality")
def quality_cmd(
    paths: CasesArg,
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text,
) -> None:
    """Quality-of-care indicators with denominators, Wilson 95% intervals and exclusions."""
    from osseous.analytics.quality import quality

    doc = quality(_cases(paths))
    _emit(doc, fmt, _text)


def _outcomes_text(doc: dict[str, Any]) -> str:
    lines = [f"Outcomes over {doc['cases']} cases"]
    for reason, n in doc["excluded"].items():
        lines.append(f"  excluded: {n} ({reason})")
    groups = ([("all", doc["overall"])] if doc["overall"] else []) + list(
        doc["by_primary"].items()) + [(f"agent: {a}", g) for a, g in doc["by_agent"].items()]
    for name, g in groups:
        median = g["median_survival_months"]
        lines.append(f"\n{name}: {g['patients']} patients, {g['first_sre']} first SREs, "
                     f"{g['deaths']} deaths; median survival "
                     + (f"{median:.1f} months" if median is not None else "not reached"))
        rate = g["sre_per_patient_year"]
        if rate["rate"] is not None:
            low, high = rate["ci95"]
            lines.append(f"  SREs per patient-year {rate['rate']:.2f} (95% CI {low:.2f}-"
                         f"{high:.2f}; {rate['events']} in {rate['patient_years']:.1f} years)")
        for lm in g["landmarks"]:
            ci = lm["survival_ci95"]
            ci_text = f" (95% CI {ci[0]:.0%}-{ci[1]:.0%})" if ci else ""
            lines.append(f"  {lm['months']:>2} months: survival {lm['survival']:.0%}{ci_text}, "
                         f"first SRE {lm['sre_cumulative_incidence']:.0%}, "
                         f"{lm['at_risk']} at risk")
    lines.append("\nHarrell's C of each survival score on this cohort")
    for c in doc.get("score_concordance", []):
        value = f"{c['harrell_c']:.2f}" if c["harrell_c"] is not None else "not computable"
        lines.append(f"  {c['score']}: {value} ({c['patients']} patients, "
                     f"{c['usable_pairs']} usable pairs; score incomplete for "
                     f"{c['not_computable']})")
    return "\n".join(lines)


@cohort_app.command("outcomes")
def outcomes_cmd(
    paths: CasesArg,
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text,
) -> None:
    """First skeletal-related event (death competing) and survival from the first bone
    metastasis, overall and by primary."""
    from osseous.analytics.outcomes import outcomes, score_concordance

    cases = list(_cases(paths))
    doc = outcomes(cases)
    doc["score_concordance"] = score_concordance(cases)["scores"]
    _emit(doc, fmt, _outcomes_text)


def _pain_text(doc: dict[str, Any]) -> str:
    lines = ["International Consensus pain response after radiotherapy"]
    for r in doc["rows"]:
        o = r["overall"]
        low, high = o["ci95"]
        lines.append(f"  {r['regimen']:>18}, month {r['months']}: overall {o['rate']:.0%} "
                     f"(95% CI {low:.0%}-{high:.0%}), complete {r['complete']['rate']:.0%}, "
                     f"{r['evaluable']} evaluable")
    for reason, n in doc["excluded"].items():
        lines.append(f"  not evaluable: {n} ({reason})")
    rt = doc["retreatment"]
    if rt["treated_lesions"]:
        lines.append(f"  retreated: {rt['n']}/{rt['treated_lesions']} treated lesions")
    return "\n".join(lines)


@cohort_app.command("pain")
def pain_cmd(
    paths: CasesArg,
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text,
) -> None:
    """Pain response rates at 1, 2 and 3 months by regimen, with retreatment."""
    from osseous.analytics.pain import pain_response_rates

    doc = pain_response_rates(_cases(paths))
    _emit(doc, fmt, _pain_text)


@cohort_app.command("synth")
def synth_cmd(
    patients: Annotated[int, typer.Option("--patients", "-n", min=0,
                                          help="How many patients.")] = 1000,
    seed: Annotated[int, typer.Option(help="The same seed gives the same cohort.")] = 1,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="NDJSON file (default: standard output).")] = None,
) -> None:
    """A synthetic registry of osseous.case/1 documents (never real data), as NDJSON."""
    from osseous.analytics.synth import synthetic_cohort

    out = output.open("wb") if output else sys.stdout.buffer
    try:
        for doc in synthetic_cohort(patients, seed):
            out.write(orjson.dumps(doc, option=orjson.OPT_OMIT_MICROSECONDS) + b"\n")
    finally:
        if output:
            out.close()


def register(main: typer.Typer) -> None:
    main.add_typer(cohort_app, name="cohort")
    main.command("synth")(synth_cmd)  # also at the top level: `osseous synth --patients N`
