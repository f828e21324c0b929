"""``osseous calendar``: monitoring duties as an iCalendar feed, from case files or from the
registry (all cases, or one clinician's)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import icalendar
import pytest
from typer.testing import CliRunner

from osseous.cli.main import app
from osseous.registry import repository as repo
from osseous.registry.audit import Actor
from osseous.registry.db import Database

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "examples" / "cases"
COLON = CASES / "colon-pelvis-cementoplasty.json"
PROSTATE = CASES / "prostate-crpc-radium.json"
AS_OF = "2026-11-20"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    # stdout as written: Result.stdout would turn the feed's CRLF into LF
    return result.exit_code, result.stdout_bytes.decode(), result.stderr


def _events(text: str) -> list[icalendar.Component]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def _summaries(text: str) -> list[str]:
    return [str(e["SUMMARY"]) for e in _events(text)]


def _write(tmp_path: Path, doc: dict[str, Any], name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


# ---- case files ----------------------------------------------------------------------------


def test_a_case_file_gives_a_calendar_with_the_overdue_dental_review() -> None:
    code, out, err = run("calendar", str(COLON), "--as-of", AS_OF)
    assert code == 0, err
    assert out.startswith("BEGIN:VCALENDAR\r\n") and out.endswith("END:VCALENDAR\r\n")
    events = _events(out)
    dental = [e for e in events
              if str(e["SUMMARY"]) == "OVERDUE: Dental review (colon-pelvis-cementoplasty)"]
    assert len(dental) == 1
    assert dental[0].decoded("DTSTART") == date(2026, 11, 20)
    # last examination 2026-03-12, reviewed every 180 days
    assert "Was due 2026-09-08." in str(dental[0]["DESCRIPTION"])
    assert str(dental[0]["UID"]) == "colon-pelvis-cementoplasty.dental-review.2026-09-08@osseous"
    # the creatinine of 2026-11-17 covers the next zoledronic acid dose: no event for it
    assert not any("zoledronic" in s for s in _summaries(out))
    assert "1 overdue" in err


def test_output_file_and_the_summary_line(tmp_path: Path) -> None:
    target = tmp_path / "duties.ics"
    code, out, err = run("calendar", str(COLON), str(PROSTATE), "--as-of", AS_OF,
                         "-o", str(target))
    assert code == 0, err
    assert out == ""
    raw = target.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n")  # CRLF kept as written, not translated
    summaries = _summaries(raw.decode())
    assert any(s.endswith("(colon-pelvis-cementoplasty)") for s in summaries)
    assert any(s.endswith("(prostate-crpc-radium)") for s in summaries)
    # every duty is counted, done ones included
    assert err.strip().splitlines()[-1] == "3 open duties in 2 cases, 1 overdue"


def test_the_output_is_the_same_on_stdout_and_in_the_file(tmp_path: Path) -> None:
    target = tmp_path / "duties.ics"
    _, out, _ = run("calendar", str(COLON), "--as-of", AS_OF)
    code, _, _ = run("calendar", str(COLON), "--as-of", AS_OF, "--output", str(target))
    assert code == 0

    def uids(text: str) -> list[str]:
        return [str(e["UID"]) for e in _events(text)]

    assert uids(out) == uids(target.read_bytes().decode())
    assert out.encode().count(b"\n") == out.encode().count(b"\r\n")


@pytest.mark.parametrize("bad", ["2026-13-01", "20-11-2026", "tomorrow"])
def test_a_bad_as_of_exits_2(bad: str) -> None:
    code, out, err = run("calendar", str(COLON), "--as-of", bad)
    assert code == 2 and out == ""
    assert "--as-of" in err and bad in err
    assert "Traceback" not in err


def test_a_malformed_date_in_a_case_exits_2_naming_the_field(tmp_path: Path) -> None:
    doc = json.loads(COLON.read_text())
    doc["medications"] = [{"drug": "zoledronic-acid", "status": "active",
                           "last_dose": "2026-02-30"}]
    code, out, err = run("calendar", str(_write(tmp_path, doc)), "--as-of", AS_OF)
    assert code == 2 and out == ""
    assert "medications[0].last_dose" in err
    assert "Traceback" not in err


def test_clinician_cannot_be_combined_with_case_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    code, out, err = run("calendar", str(COLON), "--clinician", "alice", "--as-of", AS_OF,
                         "--database", url)
    assert code == 2 and out == ""
    assert "--clinician" in err


def test_a_case_without_an_id_is_named_after_its_file(tmp_path: Path) -> None:
    doc = json.loads(COLON.read_text())
    del doc["id"]
    path = _write(tmp_path, doc, "no-id-here.json")
    code, out, _ = run("calendar", str(path), "--as-of", AS_OF)
    assert code == 0
    assert "OVERDUE: Dental review (no-id-here)" in _summaries(out)


# ---- the registry --------------------------------------------------------------------------


@pytest.fixture
def registry(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    code, out, err = run("import", str(COLON), str(PROSTATE), "--database", url)
    assert code == 0, err
    assert out.count("created") == 2
    return url


def test_the_registry_calendar_has_every_cases_duties(registry: str) -> None:
    code, out, err = run("calendar", "--database", registry, "--as-of", AS_OF)
    assert code == 0, err
    summaries = _summaries(out)
    # the label is "<patient id> / <case id>"
    assert any(s.startswith("OVERDUE: Dental review (")
               and s.endswith(" / colon-pelvis-cementoplasty)") for s in summaries)
    assert any(s.endswith(" / prostate-crpc-radium)") for s in summaries)
    assert len(summaries) == 3
    assert err.strip().splitlines()[-1] == "3 open duties in 2 cases, 1 overdue"
    assert str(icalendar.Calendar.from_ical(out)["X-WR-CALNAME"]) == "Osseous monitoring"


def test_a_clinician_with_no_cases_gets_an_empty_calendar(registry: str) -> None:
    code, out, err = run("calendar", "--database", registry, "--as-of", AS_OF,
                         "--clinician", "someone")
    assert code == 0, err
    cal = icalendar.Calendar.from_ical(out)
    assert list(cal.walk("VEVENT")) == []
    assert str(cal["X-WR-CALNAME"]) == "Osseous monitoring: someone"
    assert err.strip().splitlines()[-1] == "0 open duties in 0 cases, 0 overdue"


def test_the_importing_user_is_the_clinician_of_imported_cases(registry: str) -> None:
    # `osseous import` writes as the local system user
    code, out, _ = run("calendar", "--database", registry, "--as-of", AS_OF,
                       "--clinician", "system")
    assert code == 0
    assert len(_events(out)) == 3


ALICE = Actor("alice", "clinician", "127.0.0.1")
BOB = Actor("bob", "clinician", "127.0.0.1")
CAROL = Actor("carol", "clinician", "127.0.0.1")
READER = Actor("coordinator", "coordinator", "127.0.0.1")


def test_monitoring_of_filters_by_clinician(db: Database) -> None:
    """Over SQLite and PostgreSQL: a clinician's cases are those with a version they wrote or a
    board decision they recorded."""
    colon, prostate = json.loads(COLON.read_text()), json.loads(PROSTATE.read_text())
    with db.session() as s:
        repo.import_case(s, ALICE, colon)
        repo.import_case(s, BOB, prostate)
    day = date(2026, 11, 20)

    def cases_of(clinician: str | None) -> list[str]:
        with db.session() as s:
            return [f["case"] for f in repo.monitoring_of(s, READER, clinician=clinician,
                                                          as_of=day)]

    assert cases_of(None) == ["colon-pelvis-cementoplasty", "prostate-crpc-radium"]
    assert cases_of("alice") == ["colon-pelvis-cementoplasty"]
    assert cases_of("bob") == ["prostate-crpc-radium"]
    assert cases_of("nobody") == []

    # bob writes a second version of alice's case: it is now his too
    with db.session() as s:
        case, _ = repo.get_case(s, BOB, "colon-pelvis-cementoplasty")

        def edit(doc: dict[str, Any]) -> dict[str, Any]:
            doc["patient"]["ecog"] = 3
            return doc

        repo.edit_document(s, BOB, case.id, case.version, edit)
    assert cases_of("bob") == ["colon-pelvis-cementoplasty", "prostate-crpc-radium"]
    assert cases_of("alice") == ["colon-pelvis-cementoplasty"]

    # carol wrote nothing but recorded a board decision on the prostate case
    with db.session() as s:
        rec = repo.store_assessment(s, ALICE, "prostate-crpc-radium", day).document[
            "recommendations"][0]
        repo.record_decision(s, CAROL, "prostate-crpc-radium", {
            "recommendation_id": rec["id"], "lesion": rec.get("lesion"),
            "decision": "accepted"})
    assert cases_of("carol") == ["prostate-crpc-radium"]

    with db.session() as s:
        feeds = repo.monitoring_of(s, READER, clinician="alice", as_of=day)
    assert feeds[0]["label"].endswith(" / colon-pelvis-cementoplasty")
    assert feeds[0]["overdue"] == 1
    assert [d["id"] for d in feeds[0]["duties"] if d["status"] == "overdue"] == ["dental-review"]
