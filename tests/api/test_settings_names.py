"""The settings' environment variables and the documentation agree: every variable the code
reads is in the deployment table of docs/reliability.md, and every ``OSSEOUS_`` name the
documentation mentions is one the code reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from osseous.core.settings import environment_variables, from_environment

ROOT = Path(__file__).resolve().parents[2]
#: read elsewhere than the settings: the CLI, and the test suite's own switches
OTHER_READERS = {"OSSEOUS_NEW_PASSWORD", "OSSEOUS_REQUIRE_POSTGRES", "OSSEOUS_REQUIRE_BROWSER",
                 "OSSEOUS_UPDATE_GOLDEN"}


def _mentioned(text: str) -> set[str]:
    return set(re.findall(r"OSSEOUS_[A-Z0-9_]*[A-Z0-9]", text))


def test_every_variable_read_is_documented() -> None:
    table = (ROOT / "docs" / "reliability.md").read_text()
    missing = [name for name in environment_variables() if f"`{name}`" not in table]
    assert not missing, missing


def test_every_variable_documented_is_read() -> None:
    docs = [*(ROOT / "docs").rglob("*.md"), ROOT / "README.md"]
    known = set(environment_variables()) | OTHER_READERS
    source = "\n".join(p.read_text() for p in (ROOT / "src").rglob("*.py"))
    for name in OTHER_READERS - {"OSSEOUS_REQUIRE_POSTGRES", "OSSEOUS_REQUIRE_BROWSER",
                                 "OSSEOUS_UPDATE_GOLDEN"}:
        assert name in source
    unknown = {(p.name, n) for p in docs for n in _mentioned(p.read_text()) if n not in known}
    assert not unknown, sorted(unknown)


@pytest.mark.parametrize("name", environment_variables())
def test_each_variable_reaches_the_settings(name: str) -> None:
    """Set alone to a valid value, each variable changes the settings (a misspelt name in
    the code would leave the default)."""
    value = {"OSSEOUS_DATABASE_URL": "sqlite:///elsewhere.db",
             "OSSEOUS_PUBLIC_URL": "https://osseous.hospital.example",
             "OSSEOUS_TRUSTED_PROXIES": "10.0.0.1", "OSSEOUS_CDS_ISSUERS": "issuers.json",
             "OSSEOUS_CDS_CORS_ORIGINS": "https://ehr.example",
             "OSSEOUS_FHIR_SERVER_ALLOWLIST": "https://fhir.example",
             "OSSEOUS_ALLOW_LOOPBACK_FHIR": "true", "OSSEOUS_FHIR_TIMEOUT_SECONDS": "7",
             "OSSEOUS_SMALL_CELL": "11"}.get(name, "13")
    if name == "OSSEOUS_DATABASE_URL_FILE":
        return  # read from a file: tests/api/test_api_attacks.py covers it
    assert from_environment({name: value}) != from_environment({})


def test_the_demonstration_login_is_never_from_the_environment() -> None:
    settings = from_environment({"OSSEOUS_DEMO": "true", "OSSEOUS_WORKERS": "8"})
    assert settings.demo is False and settings.workers == 1
