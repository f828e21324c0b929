"""The analytics catalogue is defined once and iterated by the command line, the API and the
page: the same plots, names, titles and options everywhere."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from typer.testing import CliRunner

from osseous.analytics import catalogue
from osseous.api.app import create_app
from osseous.cli.cohort_cmds import PlotKind
from osseous.cli.main import app as cli
from osseous.registry import security
from osseous.registry.db import Database

runner = CliRunner()
PASSWORD = "correct horse battery"


@pytest.fixture
def api(db: Database) -> Iterator[TestClient]:
    with db.session() as s:
        security.create_user(s, "res", PASSWORD, "researcher")
    with TestClient(create_app(db)) as c:
        yield c


def test_the_cli_lists_and_draws_the_catalogue(tmp_path: Path) -> None:
    listed = runner.invoke(cli, ["cohort", "catalogue", "--format", "json"])
    assert listed.exit_code == 0
    assert json.loads(listed.stdout) == catalogue.describe()
    text = runner.invoke(cli, ["cohort", "catalogue"]).stdout
    for plot in catalogue.PLOTS.values():
        assert f"  {plot.name}: " in text
    assert [k.value for k in PlotKind] == list(catalogue.PLOTS)  # the choices of the command
    cohort = tmp_path / "synth.ndjson"
    assert runner.invoke(cli, ["cohort", "synth", "-n", "40", "-o", str(cohort)]).exit_code == 0
    out = tmp_path / "by-score.svg"
    bad = runner.invoke(cli, ["cohort", "plot", "survival-by-score", str(cohort), "-o",
                              str(out), "--score", "astrology"])
    assert bad.exit_code == 2 and "--score: must be one of" in bad.stderr
    bad_by = runner.invoke(cli, ["cohort", "plot", "survival-from-radiotherapy", str(cohort),
                                 "-o", str(out), "--by", "agent"])
    assert bad_by.exit_code == 2 and "--by:" in bad_by.stderr
    ok = runner.invoke(cli, ["cohort", "plot", "survival-by-score", str(cohort), "-o",
                             str(out), "--score", "tomita"])
    assert ok.exit_code == 0, ok.stderr
    svg = out.read_text()
    assert "Survival by tomita group" in svg and catalogue.SYNTHETIC_NOTE.strip() in svg


def test_the_api_serves_the_catalogue(api: TestClient) -> None:
    r = api.post("/auth/token", json={"username": "res", "password": PASSWORD})
    h = {"Authorization": f"Bearer {r.json()['token']}"}
    assert api.get("/analytics/catalogue", headers=h).json() == catalogue.describe()
    assert api.get("/analytics/catalogue").status_code == 401
    report = api.get("/analytics", params={"scores": "false"}, headers=h).json()
    assert set(catalogue.analyses(scores=False)) <= set(report)


def test_the_page_draws_every_plot_with_its_catalogue_title(api: TestClient) -> None:
    c = api
    login = c.get("/app/login")
    token = re.search(r'name="csrf" value="([^"]+)"', login.text)
    assert token
    c.post("/app/login", data={"csrf": token.group(1), "username": "res",
                               "password": PASSWORD})
    page = c.get("/app/analytics?source=synthetic").text
    for plot in catalogue.PLOTS.values():
        if not plot.per_score:
            assert f'alt="{escape(plot.title)}: {escape(plot.description)}' in page, plot.name
    for name in catalogue.PLOTS:
        score = "&score=tomita" if name == "survival-by-score" else ""
        r = c.get(f"/app/analytics/plots/{name}.svg?source=synthetic{score}")
        assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml", name
        title = catalogue.title(catalogue.PLOTS[name], "tomita", synthetic=True)
        assert title.split(" (")[0] in r.text, name
