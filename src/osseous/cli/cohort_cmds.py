"""Cohort commands: service-level metrics over many cases."""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import orjson
import typer

from osseous.cli.common import DbOption, Format, emit, open_registry

if TYPE_CHECKING:
    from osseous.analytics.tally import Tally

cohort_app = typer.Typer(help="Metrics over a cohort of cases.", no_args_is_help=True)


CasesArg = Annotated[list[Path], typer.Argument(
    metavar="CASES...", help="Case files (.json, or .ndjson with one case per line) or folders "
                             "of them.")]


Fmt = Format


WorkersOpt = Annotated[int, typer.Option(
    "--workers", "-w", min=0, help="Dask worker processes on this machine (0: in this process).")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786; its "
                        "workers must see the case files at the same paths.")]


def _tallies(paths: list[Path], names: list[str], workers: int,
             scheduler: str | None) -> dict[str, Tally]:
    """The named analyses' tallies over the cohort; unreadable or invalid documents and an
    unusable scheduler exit 2."""
    from osseous.analytics.engine import tallies
    from osseous.analytics.sources import CohortInputError
    from osseous.core.executor import SchedulerUnavailable, open_executor

    try:
        with open_executor(workers, scheduler) as executor:
            return tallies(paths, names, executor)
    except CohortInputError as exc:
        for line in str(exc).splitlines():
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(2) from None
    except SchedulerUnavailable as exc:
        typer.echo(f"error: --scheduler {exc}", err=True)
        raise typer.Exit(2) from None


#: the id prefix of every document the synthetic generator writes (``osseous cohort synth``)
SYNTHETIC_PREFIX = "synth-"


def _first_id(path: Path) -> str | None:
    """The id of the first case in a file (the first line of NDJSON), or None if unreadable."""
    try:
        with path.open("rb") as f:
            head = f.read(65536)
    except OSError:
        return None
    line = head.split(b"\n", 1)[0] if path.suffix == ".ndjson" else head
    try:
        doc = orjson.loads(line)
    except orjson.JSONDecodeError:
        match = re.search(rb'"id"\s*:\s*"([^"]{0,128})"', head)
        return match.group(1).decode("utf-8", "replace") if match else None
    return str(doc.get("id")) if isinstance(doc, dict) else None


def is_synthetic(paths: list[Path]) -> bool:
    """Whether the cohort is the synthetic one (its files start with a synthetic case), so
    that every plot of it says so."""
    files = [f for p in paths for f in (sorted(p.glob("*.*json")) if p.is_dir() else [p])]
    return bool(files) and all((_first_id(f) or "").startswith(SYNTHETIC_PREFIX)
                               for f in files[:20])


def _run(paths: list[Path], names: list[str], workers: int,
         scheduler: str | None) -> dict[str, dict[str, Any]]:
    """The documents of the named analyses over the cohort."""
    from osseous.analytics.engine import finish

    return finish(_tallies(paths, names, workers, scheduler))


def _pct(interval: list[float] | None) -> str:
    return f" (95% CI {interval[0]:.1%}-{interval[1]:.1%})" if interval else ""


def _text(doc: dict[str, Any]) -> str:
    lines = [f"Quality of care over {doc['cases']} cases"]
    for i in doc["indicators"]:
        share = (f"{i['numerator']}/{i['denominator']} = {i['proportion']:.1%}{_pct(i['ci95'])}"
                 if i["denominator"] else "no eligible cases")
        lines.append(f"\n{i['id']} ({i['better']} is better)\n  {i['description']}: {share}")
        for y in i["years"]:
            if y["denominator"]:
                lines.append(f"  {y['year'] or 'year unknown'}: {y['numerator']}/"
                             f"{y['denominator']} = {y['proportion']:.1%}{_pct(y['ci95'])}")
        if "days_to_treatment" in i and i["days_to_treatment"]["median"] is not None:
            d = i["days_to_treatment"]
            ci = (f"95% CI {d['median_ci95'][0]}-{d['median_ci95'][1]}, "
                  if d["median_ci95"] else "")
            lines.append(f"  days from compression to treatment: median {d['median']} "
                         f"({ci}quartiles {d['quartiles'][0]}-{d['quartiles'][1]}, "
                         f"n = {d['n']})")
        for reason, n in i["excluded"].items():
            lines.append(f"  excluded: {n} ({reason})")
    return "\n".join(lines)


@cohort_app.command("quality")
def quality_cmd(
    paths: CasesArg,
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
) -> None:
    """Quality-of-care indicators with denominators, Wilson 95% intervals, exclusions and
    the same by calendar year."""
    doc = _run(paths, ["quality"], workers, scheduler)["quality"]
    emit(doc, fmt, lambda: _text(doc))


def _months(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "not reached"


def _survival_line(name: str, g: dict[str, Any]) -> str:
    low, high = g["median_survival_ci95_months"]
    return (f"{name}: {g['patients']} patients, {g['deaths']} deaths; median survival "
            f"{_months(g['median_survival_months'])} months (95% CI {_months(low)}-"
            f"{_months(high)})")


def _logrank_line(test: dict[str, Any] | None) -> list[str]:
    if not test:
        return []
    return [f"  log-rank across primaries: chi-square {test['statistic']:.2f} on {test['df']} "
            f"df, p = {test['p_value']:.3g}"]


def _outcomes_text(doc: dict[str, Any]) -> str:
    lines = [f"Outcomes over {doc['cases']} cases, from the first bone metastasis"]
    for reason, n in doc["excluded"].items():
        lines.append(f"  excluded: {n} ({reason})")
    groups = ([("all", doc["overall"])] if doc["overall"] else []) + list(
        doc["by_primary"].items()) + [(f"agent: {a}", g) for a, g in doc["by_agent"].items()] \
        + [(f"schedule: {a}", g) for a, g in doc["by_schedule"].items()]
    for name, g in groups:
        lines.append("\n" + _survival_line(name, g) + f"; {g['first_sre']} first SREs")
        quarter = g["time_to_first_sre_months"]["25%"]
        if quarter["estimate"] is not None:
            low, high = quarter["ci95"]
            lines.append(f"  25% had a first SRE by {quarter['estimate']:.1f} months (95% CI "
                         f"{_months(low)}-{_months(high)})")
        rate = g["sre_per_patient_year"]
        if rate["rate"] is not None:
            low, high = rate["ci95"]
            lines.append(f"  SREs per patient-year {rate['rate']:.2f} (95% CI {low:.2f}-"
                         f"{high:.2f}; {rate['events']} in {rate['patient_years']:.1f} years)")
        for lm in g["landmarks"]:
            ci = lm["survival_ci95"]
            ci_text = f" (95% CI {ci[0]:.0%}-{ci[1]:.0%})" if ci else ""
            cif = lm["sre_cumulative_incidence_ci95"]
            cif_text = f" (95% CI {cif[0]:.0%}-{cif[1]:.0%})" if cif else ""
            lines.append(f"  {lm['months']:>2} months: survival {lm['survival']:.0%}{ci_text}, "
                         f"first SRE {lm['sre_cumulative_incidence']:.0%}{cif_text}, "
                         f"{lm['at_risk']} at risk")
    lines += _logrank_line(doc["logrank_by_primary"])
    rt = doc["from_radiotherapy"]
    lines.append("\nSurvival from the first palliative radiotherapy to bone")
    for reason, n in rt["excluded"].items():
        lines.append(f"  excluded: {n} ({reason})")
    if rt["overall"]:
        lines.append("  " + _survival_line("all", rt["overall"]))
    for name, g in rt["by_primary"].items():
        lines.append("  " + _survival_line(name, g))
    lines += _logrank_line(rt["logrank_by_primary"])
    return "\n".join(lines)


@cohort_app.command("outcomes")
def outcomes_cmd(
    paths: CasesArg,
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
) -> None:
    """First skeletal-related event (death competing) and survival from the first bone
    metastasis and from the first radiotherapy, overall, by primary, agent and schedule."""
    doc = _run(paths, ["outcomes"], workers, scheduler)["outcomes"]
    emit(doc, fmt, lambda: _outcomes_text(doc))


def _prognosis_text(doc: dict[str, Any]) -> str:
    lines = [f"Survival scores on this cohort ({doc['cases']} cases)"]
    for reason, n in doc["excluded"].items():
        lines.append(f"  excluded: {n} ({reason})")
    lines.append("\nHarrell's C of each survival score")
    for c in doc["scores"]:
        value = f"{c['harrell_c']:.2f}" if c["harrell_c"] is not None else "not computable"
        if c["harrell_c_ci95"]:
            value += f" (95% CI {c['harrell_c_ci95'][0]:.2f}-{c['harrell_c_ci95'][1]:.2f})"
        lines.append(f"  {c['score']}: {value} ({c['patients']} patients, "
                     f"{c['usable_pairs']} usable pairs; score incomplete for "
                     f"{c['not_computable']}, not applicable for {c['not_applicable']})")
    lines.append("\nObserved against published survival by group")
    for score in doc["calibration"]["scores"]:
        lines.append(f"  {score['score']}")
        for band in score["bands"]:
            if not band["patients"]:
                lines.append(f"    {band['band']}: no patients")
                continue
            figures = band["published"] or []
            lines.append(f"    {band['band']}: {band['patients']} patients; " + (
                "; ".join(f"{f['statement']} ({f['citation']}): {f['verdict']}"
                          + (f" - {f['reason']}" if f["reason"] else "") for f in figures)
                or f"no published figure ({band['published_unavailable']})"))
    return "\n".join(lines)


@cohort_app.command("prognosis")
def prognosis_cmd(
    paths: CasesArg,
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
) -> None:
    """Harrell's C of every survival score on the local cohort, and observed against published
    survival by each score's groups."""
    doc = _run(paths, ["prognosis"], workers, scheduler)["prognosis"]
    emit(doc, fmt, lambda: _prognosis_text(doc))


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
        lines.append(f"  retreated: {rt['n']}/{rt['treated_lesions']} treated lesions"
                     f"{_pct(rt['ci95'])}")
        for kind, r in rt["by_first_regimen"].items():
            lines.append(f"    after a first {kind} course: {r['n']}/{r['treated_lesions']}"
                         f"{_pct(r['ci95'])}")
    return "\n".join(lines)


@cohort_app.command("pain")
def pain_cmd(
    paths: CasesArg,
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
) -> None:
    """Pain response rates at 1, 2 and 3 months by regimen, with retreatment."""
    doc = _run(paths, ["pain"], workers, scheduler)["pain"]
    emit(doc, fmt, lambda: _pain_text(doc))


@cohort_app.command("report")
def report_cmd(
    paths: CasesArg,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
    scores: Annotated[bool, typer.Option(
        "--scores/--no-scores", help="Include the survival scores (slower: every case is "
                                     "scored).")] = True,
) -> None:
    """Every cohort metric in one JSON document, from one pass over the cases."""
    from osseous.analytics.catalogue import analyses

    doc = {"format": "osseous.cohort-report/1",
           **_run(paths, analyses(scores), workers, scheduler)}
    emit(doc, Fmt.json, "")


def _plot_names() -> list[str]:
    from osseous.analytics.catalogue import PLOTS

    return list(PLOTS)


PlotKind = StrEnum("PlotKind", {n.replace("-", "_"): n for n in _plot_names()})  # type: ignore[misc]


class By(StrEnum):
    primary = "primary"
    agent = "agent"
    schedule = "schedule"
    all = "all"


@cohort_app.command("plot")
def plot_cmd(
    kind: Annotated[PlotKind, typer.Argument(help="Which plot (osseous cohort catalogue "
                                                  "lists them).")],
    paths: CasesArg,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The image: .png or .svg (by its suffix).")],
    by: Annotated[By, typer.Option(help="Grouping of the curves.")] = By.primary,
    score: Annotated[str | None, typer.Option(
        help="For survival-by-score: the score whose groups are compared, e.g. "
             "tokuhashi-revised.")] = None,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
) -> None:
    """Kaplan-Meier and cumulative-incidence curves with numbers at risk (by primary, agent,
    schedule or a survival score's groups), pain response bars, or quality indicators by year,
    as PNG or SVG: the plots of the analytics catalogue, as the page draws them."""
    from osseous.analytics import catalogue

    suffix = output.suffix.lstrip(".").lower()
    if suffix not in ("png", "svg"):
        typer.echo(f"error: --output: must end in .png or .svg (given: {output.name})", err=True)
        raise typer.Exit(2)
    fmt: Literal["png", "svg"] = "png" if suffix == "png" else "svg"
    name = str(kind.value)
    try:
        plot = catalogue.check(name, by.value, score)
    except catalogue.PlotRequestError as exc:
        typer.echo(f"error: --{exc.field}: {exc.message} (given: "
                   f"{score if exc.field == 'score' else by.value})", err=True)
        raise typer.Exit(2) from None
    tallies = _tallies(paths, [plot.analysis], workers, scheduler)
    image = catalogue.render(name, tallies, fmt=fmt, by=by.value, score=score,
                             synthetic=is_synthetic(paths))
    try:
        output.write_bytes(image)
    except OSError as exc:
        typer.echo(f"error: cannot write {output}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {output}")


@cohort_app.command("catalogue")
def catalogue_cmd(fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text) -> None:
    """The analyses and plots there are (the same catalogue as the API and the page)."""
    from osseous.analytics import catalogue

    doc = catalogue.describe()

    def text() -> str:
        lines = ["Analyses (osseous cohort report, GET /analytics):"]
        lines += [f"  {a['name']}: {a['description']}" for a in doc["analyses"]]
        lines.append("Plots (osseous cohort plot NAME; on the page "
                     "/app/analytics/plots/NAME.svg or .png, with ?by= and ?score=):")
        for p in doc["plots"]:
            options = (f"; by {', '.join(p['groupings'])}" if p["groupings"] else "") + (
                f"; --score one of {', '.join(p['scores'])}" if p["scores"] else "")
            lines.append(f"  {p['name']}: {p['title']}{options}")
        return "\n".join(lines)

    emit(doc, fmt, text)


def _decisions_text(doc: dict[str, Any]) -> str:
    o = doc["overall"]
    if not o["decided"]:
        return "No tumour-board decisions recorded."
    lines = [f"Tumour-board recommendations implemented as recommended: {o['accepted']}/"
             f"{o['decided']} = {o['implemented']:.1%}{_pct(o['implemented_ci95'])}; "
             f"modified {o['modified']}, declined {o['declined']}"]
    for family, r in doc["by_family"].items():
        lines.append(f"  {family}: {r['accepted']}/{r['decided']} implemented"
                     f"{_pct(r['implemented_ci95'])}")
    for kind, reasons in doc["deviation_reasons"].items():
        for r in reasons:
            lines.append(f"  {kind}: {r['n']} ({r['reason']})")
    return "\n".join(lines)


@cohort_app.command("decisions")
def decisions_cmd(
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.text,
    database: DbOption = None,
) -> None:
    """Tumour-board recommendations of the registry implemented or deviated from, by treatment
    family and year, with the reasons for deviating."""
    from osseous.analytics import decisions as board
    from osseous.analytics.tally import Tally
    from osseous.registry import repository as repo
    from osseous.registry.audit import SYSTEM

    decided = Tally()
    with open_registry(database).session() as s:
        for rec, decision, reason, on in repo.latest_decisions(s, SYSTEM):
            board.observe(board.Decision(rec, decision, reason, on), decided)
    doc = board.finish(decided, free_text=True)  # the operator, not a researcher
    emit(doc, fmt, lambda: _decisions_text(doc))


@cohort_app.command("export")
def export_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="The NDJSON file to write.")],
    database: DbOption = None,
) -> None:
    """The current document of every case in the registry, one per line, for the cohort
    commands (and for a Dask cluster, which reads files, not the database)."""
    from osseous.registry import repository as repo
    from osseous.registry.audit import SYSTEM

    n = 0
    try:
        with open_registry(database).session() as s, output.open("wb") as out:
            for doc in repo.cohort_documents(s, SYSTEM):
                out.write(orjson.dumps(doc) + b"\n")
                n += 1
    except OSError as exc:
        typer.echo(f"error: cannot write {output}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {n} cases to {output}")


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
