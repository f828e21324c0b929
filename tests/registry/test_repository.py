"""Registry behaviour on SQLite and PostgreSQL: versions, idempotent import, optimistic
concurrency, assessments and board decisions, and the audit trail."""

from __future__ import annotations

import copy
import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from osseous.core.errors import InvalidInput
from osseous.registry import audit
from osseous.registry import repository as repo
from osseous.registry.audit import Actor
from osseous.registry.db import Database
from osseous.registry.errors import NotFound, PreconditionFailed
from osseous.registry.models import AuditEvent, CaseVersion, Patient

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "examples" / "cases" / "demo-breast-01.json").read_text())
ALICE = Actor("alice", "clinician", "127.0.0.1")


def _import(db: Database, doc: dict[str, Any] | None = None) -> str:
    with db.session() as s:
        case, outcome = repo.import_case(s, ALICE, doc or DEMO)
        assert outcome in ("created", "updated", "unchanged")
        return case.id


def test_import_is_idempotent_by_case_id(db: Database) -> None:
    _import(db)
    with db.session() as s:
        _, outcome = repo.import_case(s, ALICE, copy.deepcopy(DEMO))
        assert outcome == "unchanged"
        changed = copy.deepcopy(DEMO)
        changed["patient"]["ecog"] = 2
        _, outcome = repo.import_case(s, ALICE, changed)
        assert outcome == "updated"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CaseVersion)) == 2
        assert s.scalar(select(func.count()).select_from(Patient)) == 1


def test_a_bad_document_is_rejected_whole(db: Database) -> None:
    bad = copy.deepcopy(DEMO)
    bad["patient"]["karnofsky"] = 75
    bad["lesions"][0]["escc"] = 2
    with pytest.raises(InvalidInput) as info, db.session() as s:
        repo.import_case(s, ALICE, bad)
    assert {p.path for p in info.value.problems} == {"patient.karnofsky", "lesions[0].escc"}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Patient)) == 0


def test_every_edit_is_a_new_version_and_nothing_is_overwritten(db: Database) -> None:
    case_id = _import(db)
    with db.session() as s:
        case, _ = repo.get_case(s, ALICE, case_id)
        v = case.version

        def edit(doc: dict[str, Any]) -> dict[str, Any]:
            doc["patient"]["ecog"] = 2
            return doc

        repo.edit_document(s, ALICE, case_id, v, edit)
    with db.session() as s:
        history = repo.versions(s, ALICE, case_id)
        assert [h.number for h in history] == [1, 2]
        assert history[0].document["patient"]["ecog"] == 1
        assert history[1].document["patient"]["ecog"] == 2


def test_stale_version_is_refused(db: Database) -> None:
    case_id = _import(db)
    with db.session() as s:
        case, doc = repo.get_case(s, ALICE, case_id)
        stale = case.version
        doc2 = copy.deepcopy(doc)
        doc2["patient"]["ecog"] = 2
        repo.update_document(s, ALICE, case_id, stale, doc2)
    doc3 = copy.deepcopy(doc)
    doc3["patient"]["ecog"] = 3
    with pytest.raises(PreconditionFailed), db.session() as s:
        repo.update_document(s, ALICE, case_id, stale, doc3)


def test_concurrent_writers_lose_no_update(db: Database) -> None:
    """16 writers update the same case from the same version: exactly one lands, the others
    get 412; then each retries from the version it reloads until it lands."""
    case_id = _import(db)
    with db.session() as s:
        start = repo.get_case(s, ALICE, case_id)[0].version
    landed: list[int] = []
    refused: list[int] = []
    barrier = threading.Barrier(16)

    def writer(n: int) -> None:
        doc = copy.deepcopy(DEMO)
        doc["patient"]["weight_kg"] = 100 + n
        barrier.wait()
        version = start
        while True:
            try:
                with db.session() as s:
                    repo.update_document(s, Actor(f"w{n}", "clinician"), case_id, version, doc)
                landed.append(n)
                return
            except PreconditionFailed:
                refused.append(n)
                with db.session() as s:
                    version = repo.get_case(s, ALICE, case_id)[0].version

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(landed) == list(range(16))
    assert len(refused) >= 15  # all but the first had to reload at least once
    with db.session() as s:
        history = repo.versions(s, ALICE, case_id)
    weights = {h.document["patient"]["weight_kg"] for h in history[1:]}
    assert len(history) == 17 and weights == {100 + n for n in range(16)}


def test_assessment_and_decisions(db: Database) -> None:
    case_id = _import(db)
    with db.session() as s:
        row = repo.store_assessment(s, ALICE, case_id, date(2026, 11, 20))
        assert row.engine_version and row.knowledge_version and row.case_version == 1
        rec = row.document["recommendations"][0]
    with db.session() as s:
        d = repo.record_decision(s, ALICE, case_id, {
            "recommendation_id": rec["id"], "lesion": rec["lesion"], "decision": "accepted",
            "specialty": "radiation oncology"})
        assert d.case_version == 1
    with pytest.raises(InvalidInput, match="reason"), db.session() as s:
        repo.record_decision(s, ALICE, case_id, {"recommendation_id": rec["id"],
                                                 "lesion": rec["lesion"],
                                                 "decision": "declined"})
    with pytest.raises(InvalidInput, match="not a recommendation"), db.session() as s:
        repo.record_decision(s, ALICE, case_id, {"recommendation_id": "rt.made-up",
                                                 "decision": "accepted"})


def test_every_stored_version_is_assessed_when_it_is_stored(db: Database) -> None:
    """Reads then show the stored assessment and never write (a GET of a case page used to
    store one); a decision refers to a recommendation of it."""
    case_id = _import(db)
    with db.session() as s:
        rows = repo.assessments(s, ALICE, case_id)
        assert [(a.case_version, a.created_by) for a in rows] == [(1, "alice")]
        repo.edit_document(s, ALICE, case_id, 1, lambda d: {**d, "assessed_on": "2026-11-21"})
    with db.session() as s:
        rows = repo.assessments(s, ALICE, case_id)
        assert [a.case_version for a in rows] == [1, 2]
        assert rows[1].document["assessed_on"] == "2026-11-21"
    with pytest.raises(InvalidInput), db.session() as s:
        repo.record_decision(s, ALICE, case_id, {"recommendation_id": "x",
                                                 "decision": "accepted"})


def test_reads_and_writes_are_audited(db: Database) -> None:
    case_id = _import(db)
    with db.session() as s:
        repo.get_case(s, ALICE, case_id)
    with db.session() as s:
        rows = audit.query(s, username="alice")
        actions = [(r.action, r.resource) for r in rows]
        assert ("read", "case") in actions and ("create", "case") in actions
        assert all(r.client == "127.0.0.1" and r.patient_id for r in rows
                   if r.resource == "case")
        # patient, case, its assessment, read
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 4


def test_missing_case_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound), db.session() as s:
        repo.get_case(s, ALICE, "nope")


def test_agenda(db: Database) -> None:
    case_id = _import(db)
    with db.session() as s:
        case, _ = repo.get_case(s, ALICE, case_id)
        repo.set_agenda(s, ALICE, case_id, case.version, status="scheduled",
                        board_date=date(2026, 12, 1))
    with db.session() as s:
        rows, total = repo.list_cases(s, ALICE, status="scheduled")
        assert total == 1 and rows[0].board_date == date(2026, 12, 1)
        with pytest.raises(InvalidInput):
            repo.set_agenda(s, ALICE, case_id, rows[0].version, status="done")


def test_cohort_reads_for_analytics(db: Database) -> None:
    case_id = _import(db)
    with db.session() as s:
        row = repo.store_assessment(s, ALICE, case_id, date(2026, 11, 20))
        first, second = row.document["recommendations"][:2]
    with db.session() as s:
        for rec, decision, reason in ((first, "declined", "patient preference"),
                                      (first, "accepted", None),   # replaces the first
                                      (second, "modified", "fewer fractions")):
            repo.record_decision(s, ALICE, case_id, {
                "recommendation_id": rec["id"], "lesion": rec["lesion"],
                "decision": decision, "reason": reason})
    with db.session() as s:
        docs = list(repo.cohort_documents(s, ALICE))
        latest = sorted(repo.latest_decisions(s, ALICE), key=lambda d: d[1])
    assert [d["id"] for d in docs] == [case_id]
    assert [(d[0], d[1], d[2]) for d in latest] == [
        (first["id"], "accepted", None), (second["id"], "modified", "fewer fractions")]
    with db.session() as s:
        reads = {e.resource for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action == "read", AuditEvent.patient_id.is_(None)))}
    assert {"cohort", "cohort-decisions"} <= reads
