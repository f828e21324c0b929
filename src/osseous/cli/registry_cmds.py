"""Registry and service commands: serve, import, export, user, token, audit, db."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlalchemy import func, select

from osseous.core.errors import InvalidInput
from osseous.registry import audit as audit_log
from osseous.registry import repository as repo
from osseous.registry import security
from osseous.registry.audit import SYSTEM, Actor
from osseous.registry.db import Database
from osseous.registry.errors import RegistryError
from osseous.registry.migrate import upgrade
from osseous.registry.models import Case, User

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-osseous"  # synthetic demo database only; see `osseous serve --no-demo`
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "cases"

DbOption = Annotated[str | None, typer.Option("--database", envvar="OSSEOUS_DATABASE_URL",
                                              help="Database URL (default ./osseous.db).")]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _open(url: str | None) -> Database:
    """The registry at ``url``, migrated; a URL that names no usable database exits 2."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    try:
        db = Database(url)
        upgrade(db)
    except (ArgumentError, NoSuchModuleError) as exc:
        _fail(f"--database: not a database URL this build can open ({exc}); use "
              "sqlite:///path.db or postgresql+psycopg://user@host/db")
    except OperationalError as exc:
        _fail(f"--database: cannot connect ({exc.orig})")
    return db


def seed_demo(db: Database, examples: Path = EXAMPLES) -> bool:
    """On an empty database: the demo clinician and the synthetic example cases."""
    with db.session() as s:
        if s.scalar(select(func.count()).select_from(Case)):
            return False
        if s.scalar(select(User).where(User.username == DEMO_USER)) is None:
            security.create_user(s, DEMO_USER, DEMO_PASSWORD, "clinician")
        for path in sorted(examples.glob("*.json")):
            repo.import_case(s, SYSTEM, json.loads(path.read_text()))
    return True


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
    demo: Annotated[bool, typer.Option(help="Load the demo cases and login into an empty "
                                            "database.")] = True,
) -> None:
    """Start the API (migrating the database first)."""
    import uvicorn

    from osseous.api.app import create_app

    db = _open(database)
    seeded = demo and seed_demo(db)
    typer.echo(f"Osseous tumour-board application on http://{host}:{port}/app/  "
               "(the API is described at /openapi.json)")
    typer.echo(f"database: {db.url}")
    if demo:
        typer.echo(f"demo login: {DEMO_USER} / {DEMO_PASSWORD}"
                   + (" (demo cases loaded)" if seeded else ""))
    uvicorn.run(create_app(db), host=host, port=port, log_level="info")

@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="osseous.case/1 JSON files.")],
    database: DbOption = None,
    patient: Annotated[str | None, typer.Option(help="Patient pseudonym (default "
                                                     "P-<case id>).")] = None,
) -> None:
    """Import whole cases, idempotent by case id; each file in its own transaction."""
    db = _open(database)
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
        _fail(f"{file}: cannot read JSON: {exc}")
    if not isinstance(bundle, dict | list):
        _fail(f"{file}: expected a FHIR Bundle")
    mapped = bundle_to_case(bundle)
    report_doc = mapped.report.to_dict()
    if report is not None:
        report.write_text(json.dumps(report_doc, indent=2) + "\n")
    counts = {k: len(v) for k, v in report_doc.items() if isinstance(v, list)}
    typer.echo(f"{file}: case {mapped.case.get('id')} - " + ", ".join(
        f"{n} {k}" for k, n in counts.items()), err=True)
    if store:
        db = _open(database)
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
        _fail(f"{source} is not a folder of NDJSON files")
    from osseous.core.executor import SchedulerUnavailable, open_executor

    try:
        with open_executor(workers, scheduler) as executor, Progress(transient=True) as bar:
            task = bar.add_task("assessing", total=None)
            report = assess_export(
                source, out, date.today(),
                lambda n, total: bar.update(task, completed=n, total=total), executor)
    except SchedulerUnavailable as exc:
        _fail(f"--scheduler {exc}")
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
        _fail(f"--as-of: must be a date YYYY-MM-DD (given: {text!r})")


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
    from osseous.cli.main import _load_case
    from osseous.plan.monitoring import monitoring
    from osseous.report.icalendar import calendar as ics

    day = _as_of(as_of)
    if cases:
        if clinician:
            _fail("--clinician selects registry cases; it cannot be combined with case files")
        feeds = []
        for path in cases:
            parsed = _load_case(str(path))
            feed = monitoring(parsed.case, day)
            feed["case"] = parsed.case.id or path.stem
            feeds.append(feed)
    else:
        db = _open(database)
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
    db = _open(database)
    try:
        with db.session() as s:
            doc = repo.export_case(s, SYSTEM, case_id)
    except RegistryError as exc:
        _fail(str(exc))
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
    db = _open(database)
    secret = password or typer.prompt("password", hide_input=True,
                                      confirmation_prompt=True)
    try:
        with db.session() as s:
            u = security.create_user(s, username, secret, role)
            audit_log.record(s, SYSTEM, "create", "user", str(u.id))
    except (ValueError, RegistryError) as exc:
        _fail(str(exc))
    typer.echo(f"user {username} created ({role})")

token_app = typer.Typer(help="Manage API tokens.")
app.add_typer(token_app, name="token")

@token_app.command("create")
def token_create(
    username: str, database: DbOption = None,
    days: Annotated[int, typer.Option(min=1, max=365, help="Days until expiry.")] = 30,
    name: Annotated[str, typer.Option(help="A label for the token.")] = "cli",
) -> None:
    """Create an API token for a user (printed once; only its hash is stored)."""
    db = _open(database)
    with db.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            _fail(f"no user {username!r}")
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
    db = _open(database)
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
    db = _open(database)
    typer.echo(f"{db.url}: up to date")
