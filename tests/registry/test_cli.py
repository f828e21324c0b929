"""The registry commands: import, export, user, token, audit, serve."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
import pytest
from typer.testing import CliRunner

from osseous.cli.main import app
from osseous.registry.db import database_url
from tests.servers import free_port, wait_until_ready

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cases" / "demo-breast-01.json"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args), env={"OSSEOUS_NEW_PASSWORD": "correct horse battery"})
    return r.exit_code, r.stdout, r.stderr


def test_import_export_round_trip(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    code, out, _ = run("import", str(EXAMPLE), "--database", url)
    assert code == 0 and "created" in out
    code, out, _ = run("import", str(EXAMPLE), "--database", url)
    assert code == 0 and "unchanged" in out
    code, out, _ = run("export", "demo-breast-01", "--database", url)
    assert code == 0 and json.loads(out) == json.loads(EXAMPLE.read_text())


def test_import_rejects_a_bad_document_whole(tmp_path: Path) -> None:
    bad = json.loads(EXAMPLE.read_text())
    bad["patient"]["ecog"] = 7
    bad["lesions"][0]["escc"] = 2
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    url = f"sqlite:///{tmp_path / 'r.db'}"
    code, _, err = run("import", str(path), "--database", url)
    assert code == 2
    assert "patient.ecog" in err and "lesions[0].escc" in err
    code, _, err = run("export", "demo-breast-01", "--database", url)
    assert code == 2 and "not found" in err


def test_users_tokens_and_audit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    code, out, _ = run("user", "create", "alice", "--role", "clinician", "--database", url)
    assert code == 0 and "created" in out
    code, _, err = run("user", "create", "alice", "--role", "clinician", "--database", url)
    assert code == 2 and "exists" in err
    code, _, err = run("user", "create", "bob", "--role", "surgeon", "--database", url)
    assert code == 2 and "role" in err
    code, out, _ = run("token", "create", "alice", "--database", url)
    assert code == 0 and out.strip().startswith("oss_")
    code, out, _ = run("audit", "--database", url)
    assert code == 0 and "create token" in out and "create user" in out


def test_database_url_from_a_secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    secret = tmp_path / "db-url"
    secret.write_text("postgresql://osseous:s3cret@db.example/osseous\n")
    monkeypatch.delenv("OSSEOUS_DATABASE_URL", raising=False)
    monkeypatch.setenv("OSSEOUS_DATABASE_URL_FILE", str(secret))
    assert database_url() == "postgresql+psycopg://osseous:s3cret@db.example/osseous"


def test_serve_starts_with_demo_data(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "OSSEOUS_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("osseous")), "serve", "--port",
                             str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base)
        token = httpx.post(base + "/auth/token", json={"username": "demo",
                                                       "password": "demo-osseous"}).json()
        cases = httpx.get(base + "/cases", headers={
            "Authorization": f"Bearer {token['token']}"}).json()
        assert cases["total"] >= 12
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}" in out and "demo login: demo / demo-osseous" in out
