"""Registry and service commands: serve, import, export, user, token, audit, db."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from osseous.cli.common import DbOption, fail, load_case, open_registry
from osseous.cli.demo import seed_demo
from osseous.core.errors import InvalidInput
from osseous.registry import audit as audit_log
from osseous.registry import repository as repo
from osseous.registry import security
from osseous.registry.audit import SYSTEM, Actor
from osseous.registry.errors import RegistryError
from osseous.registry.models import User

app = typer.Typer()


def register(main: typer.Typer) -> None:
    """Add this module's commands and groups to the main command line."""
    main.registered_commands.extend(app.registered_commands)
    main.registered_groups.extend(app.registered_groups)


@app.command()
def serve(
    database: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    demo: Annotated[bool, typer.Option(
        "--demo", help="A demonstration: load the synthetic demo cases and a login with a "
                       "published password into an empty database. Never for patient "
                       "data.")] = False,
    workers: Annotated[int, typer.Option(
        min=1, max=64, help="Uvicorn worker processes (sign-in throttling and CDS replay "
                            "protection are shared through the database).")] = 1,
) -> None:
    """Start the service (migrating the database first). Its settings come from the
    environment (docs/reliability.md); an unsafe one stops it with the fix."""
    import os

    import uvicorn

    from osseous.api.app import create_app
    from osseous.cli.demo import DEMO_PASSWORD, DEMO_USER, has_demo_login
    from osseous.core.settings import SettingsError, from_environment

    try:
        settings = from_environment(demo=demo, workers=workers)
        settings.require_public_url_for_cds()
    except SettingsError as exc:
        fail(str(exc))
    db = open_registry(database)
    seeded = demo and seed_demo(db)
    if not demo and has_demo_login(db):
        fail(f"this database has the demonstration login {DEMO_USER!r} with its published "
             f"password: run `osseous user deactivate {DEMO_USER}`, or start with --demo "
             "for a demonstration")
    typer.echo(f"Osseous tumour-board application on http://{host}:{port}/app/  "
               "(the API is described at /openapi.json)")
    typer.echo(f"database: {db.url}")
    if demo:
        typer.echo(f"demo login: {DEMO_USER} / {DEMO_PASSWORD}"
                   + (" (demo cases loaded)" if seeded else "") + " - a demonstration, "
                   "never for patient data")
    # X-Forwarded-For is read by the application, from OSSEOUS_TRUSTED_PROXIES only
    options = {"host": host, "port": port, "log_level": "info", "proxy_headers": False}
    if workers == 1:
        uvicorn.run(create_app(db, settings=settings), **options)  # type: ignore[arg-type]
        return
    os.environ["OSSEOUS_DATABASE_URL"] = db.url  # each worker builds its app from these
    db.dispose()
    uvicorn.run("osseous.api.app:create_app", factory=True, workers=workers,
                **options)  # type: ignore[arg-type]


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="osseous.case/1 JSON files.")],
    database: DbOption = None,
    patient: Annotated[str | None, typer.Option(help="Patient pseudonym (default "
                                                     "P-<case id>).")] = None,
) -> None:
    """Import whole cases, idempotent by case id; each file in its own transaction."""
    db = open_registry(database)
    failed = False
    for path in files:
        try:
            document = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            typer.echo(f"error: {path}: cannot read JSON: {exc}", err=True)
            failed = True
            continue
        try:
            with db.session() as s:
                case, outcome = repo.import_case(s, SYSTEM, document, patient)
                typer.echo(f"{path}: case {case.id} {outcome}")
        except InvalidInput as exc:
            failed = True
            for p in exc.problems:
                typer.echo(f"error: {path}: {p}", err=True)
        except RegistryError as exc:
            failed = True
            typer.echo(f"error: {path}: {exc}", err=True)
    if failed:
        raise typer.Exit(2)

@app.command("import-fhir")
def import_fhir(
    file: Annotated[Path, typer.Argument(help="A FHIR R4 Bundle (JSON).")],
    database: DbOption = None,
    store: Annotated[bool, typer.Option(help="Store the case in the registry.")] = True,
    report: Annotated[Path | None, typer.Option(help="Write the mapping report here.")] = None,
) -> None:
    """Map a FHIR R4 / mCODE bundle to an osseous.case/1 case (with a mapping report) and
    store it, idempotent by case id."""
    from osseous.interop.fhir_in import bundle_to_case

    try:
        bundle = json.loads(file.read_bytes())
    except (OSError, ValueError) as exc:
        fail(f"{file}: cannot read JSON: {exc}")
    if not isinstance(bundle, dict | list):
        fail(f"{file}: expected a FHIR Bundle")
    mapped = bundle_to_case(bundle)
    report_doc = mapped.report.to_dict()
    if report is not None:
        report.write_text(json.dumps(report_doc, indent=2) + "\n")
    counts = {k: len(v) for k, v in report_doc.items() if isinstance(v, list)}
    typer.echo(f"{file}: case {mapped.case.get('id')} - " + ", ".join(
        f"{n} {k}" for k, n in counts.items()), err=True)
    if store:
        db = open_registry(database)
        with db.session() as s:
            case, outcome = repo.import_case(s, SYSTEM, mapped.case)
        typer.echo(f"case {case.id} {outcome}", err=True)
    sys.stdout.write(json.dumps(mapped.case, indent=2) + "\n")


bulk_app = typer.Typer(help="FHIR Bulk Data exports.")
app.add_typer(bulk_app, name="bulk")


@bulk_app.command("assess")
def bulk_assess(
    source: Annotated[Path, typer.Argument(help="Folder of NDJSON files (one per type).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for results.ndjson, summary.tsv "
                                                   "and malformed.ndjson.")] = Path("bulk-out"),
    workers: Annotated[int, typer.Option(
        "--workers", "-w", min=0, help="Dask worker processes on this machine (0: in this "
                                       "process).")] = 0,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786.")
    ] = None,
) -> None:
    """Assess every patient with a bone metastasis in a FHIR Bulk Data export (resumable),
    in this process or on Dask workers."""
    from datetime import date

    from rich.progress import Progress

    from osseous.interop.bulk import assess_export

    if not source.is_dir():
        fail(f"{source} is not a folder of NDJSON files")
    from osseous.core.executor import SchedulerUnavailable, open_executor

    try:
        with open_executor(workers, scheduler) as executor, Progress(transient=True) as bar:
            task = bar.add_task("assessing", total=None)
            report = assess_export(
                source, out, date.today(),
                lambda n, total: bar.update(task, completed=n, total=total), executor)
    except SchedulerUnavailable as exc:
        fail(f"--scheduler {exc}")
    for key, value in report.to_dict().items():
        typer.echo(f"{key.replace('_', ' ')}: {value}")
    if report.malformed_lines:
        typer.echo(f"malformed lines listed in {out / 'malformed.ndjson'}")


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--as-of: must be a date YYYY-MM-DD (given: {text!r})")


@app.command()
def calendar(
    cases: Annotated[list[Path] | None, typer.Argument(
        metavar="[CASE.json]...", help="Case files; without them, the registry's cases.")] = None,
    clinician: Annotated[str | None, typer.Option(
        help="Only this clinician's cases in the registry (versions written or decisions "
             "recorded).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The date duties are judged on (default today).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the .ics here instead of standard output.")] = None,
    database: DbOption = None,
) -> None:
    """Monitoring duties (creatinine before zoledronic acid, counts before radium-223, pain
    after radiotherapy, ...) as an iCalendar feed; overdue ones are placed today."""
    from osseous.plan.monitoring import monitoring
    from osseous.report.icalendar import calendar as ics

    day = _as_of(as_of)
    if cases:
        if clinician:
            fail("--clinician selects registry cases; it cannot be combined with case files")
        feeds = []
        for path in cases:
            parsed = load_case(str(path))
            feed = monitoring(parsed.case, day)
            feed["case"] = parsed.case.id or path.stem
            feeds.append(feed)
    else:
        db = open_registry(database)
        with db.session() as s:
            feeds = repo.monitoring_of(s, SYSTEM, clinician=clinician, as_of=day)
    name = f"Osseous monitoring: {clinician}" if clinician else "Osseous monitoring"
    text = ics(feeds, name=name, as_of=day, now=datetime.now(UTC))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, newline="")
    overdue = sum(f["overdue"] for f in feeds)
    open_ = sum(d["status"] != "done" for f in feeds for d in f["duties"])
    typer.echo(f"{open_} open duties in {len(feeds)} cases, {overdue} overdue", err=True)


@app.command()
def export(case_id: str, database: DbOption = None) -> None:
    """Print a stored case's current version as osseous.case/1 JSON."""
    db = open_registry(database)
    try:
        with db.session() as s:
            doc = repo.export_case(s, SYSTEM, case_id)
    except RegistryError as exc:
        fail(str(exc))
    sys.stdout.write(json.dumps(doc, indent=2) + "\n")

user_app = typer.Typer(help="Manage users.")
app.add_typer(user_app, name="user")

@user_app.command("create")
def user_create(
    username: str,
    role: Annotated[str, typer.Option(help="clinician, coordinator, researcher or admin")],
    database: DbOption = None,
    password: Annotated[str | None, typer.Option(
        envvar="OSSEOUS_NEW_PASSWORD", help="Password (prompted when absent).")] = None,
) -> None:
    """Create a user (argon2-hashed password)."""
    db = open_registry(database)
    secret = password or typer.prompt("password", hide_input=True,
                                      confirmation_prompt=True)
    try:
        with db.session() as s:
            u = security.create_user(s, username, secret, role)
            audit_log.record(s, SYSTEM, "create", "user", str(u.id))
    except (ValueError, RegistryError) as exc:
        fail(str(exc))
    typer.echo(f"user {username} created ({role})")

@user_app.command("deactivate")
def user_deactivate(username: str, database: DbOption = None) -> None:
    """Deactivate a user: their tokens and sessions stop working at once (the audit trail
    keeps their name)."""
    db = open_registry(database)
    with db.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            fail(f"no user {username!r}")
        user.active = False
        audit_log.record(s, SYSTEM, "deactivate", "user", str(user.id))
    typer.echo(f"user {username} deactivated")

token_app = typer.Typer(help="Manage API tokens.")
app.add_typer(token_app, name="token")

@token_app.command("create")
def token_create(
    username: str, database: DbOption = None,
    days: Annotated[int, typer.Option(min=1, max=365, help="Days until expiry.")] = 30,
    name: Annotated[str, typer.Option(help="A label for the token.")] = "cli",
) -> None:
    """Create an API token for a user (printed once; only its hash is stored)."""
    db = open_registry(database)
    with db.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            fail(f"no user {username!r}")
        plain, row = security.create_token(s, user, name, days)
        audit_log.record(s, Actor("system", "admin", "cli"), "create", "token", str(row.id))
    typer.echo(plain)

@app.command()
def audit(
    database: DbOption = None,
    username: Annotated[str | None, typer.Option(help="Only this user.")] = None,
    patient: Annotated[str | None, typer.Option(help="Only this patient id.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
) -> None:
    """Query the audit trail (newest first)."""
    db = open_registry(database)
    with db.session() as s:
        rows = audit_log.query(s, username=username, patient_id=patient, limit=limit)
        for r in rows:
            typer.echo(f"{r.at:%Y-%m-%dT%H:%M:%S} {r.username or '-'} ({r.role or '-'}) "
                       f"{r.action} {r.resource} {r.resource_id or '-'} patient="
                       f"{r.patient_id or '-'} from={r.client or '-'} {r.outcome}")

db_app = typer.Typer(help="Database administration.")
app.add_typer(db_app, name="db")

@db_app.command("upgrade")
def db_upgrade(database: DbOption = None) -> None:
    """Apply the migrations."""
    db = open_registry(database)
    typer.echo(f"{db.url}: up to date")
