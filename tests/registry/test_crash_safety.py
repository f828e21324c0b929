"""An import killed with SIGKILL leaves each case whole or absent; re-running completes it
without duplicates (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from osseous.registry.db import Database
from osseous.registry.models import Case, CaseVersion, Patient

ROOT = Path(__file__).resolve().parents[2]
OSSEOUS = str(Path(sys.executable).with_name("osseous"))


def _cases(tmp: Path, n: int) -> list[str]:
    base = json.loads((ROOT / "examples" / "cases" / "demo-breast-01.json").read_text())
    files = []
    for i in range(n):
        base["id"] = f"crash-{i:04d}"
        path = tmp / f"case-{i:04d}.json"
        path.write_text(json.dumps(base))
        files.append(str(path))
    return files


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.read_session() as s:  # no write lock: the import must not wait for the test
        cases = s.scalar(select(func.count()).select_from(Case)) or 0
        versions = s.scalar(select(func.count()).select_from(CaseVersion)) or 0
        patients = s.scalar(select(func.count()).select_from(Patient)) or 0
        orphans = s.scalar(select(func.count()).select_from(Case).where(
            ~Case.id.in_(select(CaseVersion.case_id)))) or 0
    return cases, versions, patients, orphans


def test_killed_import_leaves_whole_cases_or_nothing(db: Database, db_url: str,
                                                      tmp_path: Path) -> None:
    n = 800
    files = _cases(tmp_path, n)
    env = {**os.environ, "OSSEOUS_DATABASE_URL": db_url}
    proc = subprocess.Popen([OSSEOUS, "import", *files], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    # wait until some cases have landed, then kill without warning
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _counts(db)[0] < 5:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    cases, versions, patients, orphans = _counts(db)
    assert 0 < cases < n, "the import should have been interrupted mid-way"
    assert versions == cases == patients and orphans == 0  # each case whole
    rerun = subprocess.run([OSSEOUS, "import", *files], env=env, capture_output=True,
                           text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.count("unchanged") == cases
    assert _counts(db) == (n, n, n, 0)
