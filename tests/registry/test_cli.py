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


def _serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    env = {**os.environ, "OSSEOUS_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("osseous")), "serve", "--port",
                             str(port), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return proc, f"http://127.0.0.1:{port}"


def test_serve_starts_with_demo_data_only_when_asked(tmp_path: Path) -> None:
    proc, base = _serve(tmp_path, "--demo")
    try:
        wait_until_ready(base, seconds=60)
        token = httpx.post(base + "/auth/token", json={"username": "demo",
                                                       "password": "demo-osseous"}).json()
        cases = httpx.get(base + "/cases", headers={
            "Authorization": f"Bearer {token['token']}"}).json()
        assert cases["total"] >= 12
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert base in out and "demo login: demo / demo-osseous" in out
    # without --demo, a database holding the published demo login does not start
    proc, base = _serve(tmp_path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "osseous user deactivate demo" in err
    runner.invoke(app, ["user", "deactivate", "demo", "--database",
                        f"sqlite:///{tmp_path / 'serve.db'}"])
    proc, base = _serve(tmp_path)
    try:
        wait_until_ready(base, seconds=60)
        assert httpx.post(base + "/auth/token", json={"username": "demo", "password":
                                                      "demo-osseous"}).status_code == 401
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "demo login" not in out


def test_serve_creates_no_demo_login_by_default(tmp_path: Path) -> None:
    proc, base = _serve(tmp_path)
    try:
        wait_until_ready(base, seconds=60)
        assert httpx.post(base + "/auth/token", json={"username": "demo", "password":
                                                      "demo-osseous"}).status_code == 401
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "demo login" not in out


def test_serve_refuses_unsafe_settings(tmp_path: Path) -> None:
    issuers = tmp_path / "issuers.json"
    issuers.write_text("[]")
    env = {**os.environ, "OSSEOUS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "OSSEOUS_CDS_ISSUERS": str(issuers)}
    env.pop("OSSEOUS_PUBLIC_URL", None)
    r = runner.invoke(app, ["serve"], env=env)
    assert r.exit_code == 2 and "OSSEOUS_PUBLIC_URL" in r.output
    r = runner.invoke(app, ["serve"], env={**env, "OSSEOUS_PUBLIC_URL": "ftp://x",
                                           "OSSEOUS_CDS_ISSUERS": ""})
    assert r.exit_code == 2 and "OSSEOUS_PUBLIC_URL" in r.output
    r = runner.invoke(app, ["serve"], env={**env, "OSSEOUS_SMALL_CELL": "1",
                                           "OSSEOUS_CDS_ISSUERS": ""})
    assert r.exit_code == 2 and "OSSEOUS_SMALL_CELL" in r.output


def test_demo_cases_ship_in_the_wheel() -> None:
    """The wheel carries the demo cases as package data (an installed wheel has no
    examples/ folder); a checkout finds them in examples/cases."""
    import tomllib

    from osseous.cli.demo import demo_cases

    config = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml")
                           .read_text())
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"]["examples/cases"] == "osseous/demo_cases"
    assert len(list(demo_cases().glob("*.json"))) >= 12


