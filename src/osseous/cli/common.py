"""What every command of the ``osseous`` command line shares: failing with exit status 2 and
the problems on standard error, writing text or JSON, reading a JSON or case file, and opening
the registry. The command modules import this one and never each other."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import orjson
import typer

from osseous.core.case import Case
from osseous.core.errors import InvalidInput, Problem
from osseous.core.validation import ParsedCase, parse_case

if TYPE_CHECKING:
    from osseous.registry.db import Database


class Format(StrEnum):
    text = "text"
    json = "json"


DbOption = Annotated[str | None, typer.Option("--database", envvar="OSSEOUS_DATABASE_URL",
                                              help="Database URL (default ./osseous.db).")]


def fail(*problems: Problem | str) -> NoReturn:
    """Exit 2 with each problem on its own line of standard error."""
    for p in problems:
        typer.echo(f"error: {p}", err=True)
    raise typer.Exit(2)


def emit(data: object, fmt: Format, text: str | Callable[[], str]) -> None:
    """``data`` as indented JSON, or ``text`` (computed only when it is shown)."""
    if fmt is Format.json:
        sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        typer.echo(text() if callable(text) else text)


def read_json(source: str) -> Any:
    """A JSON file, or standard input for ``-``."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        fail(Problem("", f"cannot read {source}: {exc.strerror}"))
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        fail(Problem("", f"{source} is not valid JSON: {exc}"))


def load_case(source: str) -> ParsedCase:
    """A case file, validated; dated today unless it names its date (the command line, not
    the library, reads the clock)."""
    data = read_json(source)
    try:
        parsed = parse_case(data)
    except InvalidInput as exc:
        fail(*exc.problems)
    if parsed.case.assessed_on is None:
        case: Case = parsed.case.model_copy(update={"assessed_on": date.today()})
        return ParsedCase(case, parsed.ignored_fields)
    return parsed


def open_registry(url: str | None) -> Database:
    """The registry at ``url``, migrated; a URL that names no usable database exits 2."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    from osseous.core.settings import SettingsError
    from osseous.registry.db import Database
    from osseous.registry.migrate import upgrade

    try:
        db = Database(url)
        upgrade(db)
    except (ArgumentError, NoSuchModuleError) as exc:
        fail(f"--database: not a database URL this build can open ({exc}); use "
             "sqlite:///path.db or postgresql+psycopg://user@host/db")
    except OperationalError as exc:
        fail(f"--database: cannot connect ({exc.orig})")
    except SettingsError as exc:
        fail(str(exc))
    return db
