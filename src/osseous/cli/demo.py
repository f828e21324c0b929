"""The demonstration: a clinician login with a published password and the synthetic example
cases, loaded only when ``osseous serve --demo`` asks for them, and only into an empty
database. The cases ship inside the package (``osseous/demo_cases`` in the wheel, built from
``examples/cases``), so an installed wheel finds them without the source tree."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Final

from sqlalchemy import func, select

from osseous.registry import repository as repo
from osseous.registry import security
from osseous.registry.audit import SYSTEM
from osseous.registry.db import Database
from osseous.registry.models import Case, User

DEMO_USER: Final = "demo"
DEMO_PASSWORD: Final = "demo-osseous"  # published: never outside `osseous serve --demo`


def demo_cases() -> Path:
    """The folder of demo cases: the package's own copy in an installed wheel (see
    ``[tool.hatch.build.targets.wheel.force-include]``), else the source tree's
    ``examples/cases`` (an editable install of a checkout)."""
    packaged = Path(str(resources.files("osseous"))) / "demo_cases"
    if packaged.is_dir():
        return packaged
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "examples" / "cases"
        if (parent / "pyproject.toml").is_file() and candidate.is_dir():
            return candidate
    raise FileNotFoundError("the demo cases are not installed (osseous/demo_cases)")


def seed_demo(db: Database, examples: Path | None = None) -> bool:
    """On an empty database: the demo clinician and the synthetic example cases."""
    folder = examples or demo_cases()
    with db.session() as s:
        if s.scalar(select(func.count()).select_from(Case)):
            return False
        if s.scalar(select(User).where(User.username == DEMO_USER)) is None:
            security.create_user(s, DEMO_USER, DEMO_PASSWORD, "clinician")
        for path in sorted(folder.glob("*.json")):
            repo.import_case(s, SYSTEM, json.loads(path.read_text()))
    return True


def has_demo_login(db: Database) -> bool:
    """Whether an active user signs in with the published demo password."""
    with db.read_session() as s:
        user = s.scalar(select(User).where(User.username == DEMO_USER))
        return security.verify_password(user, DEMO_PASSWORD) if user is not None else False
