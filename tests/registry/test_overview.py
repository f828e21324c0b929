"""The case list's overview rows: kept when an assessment or a decision is stored, written for
a registry upgraded from before they existed, and read in one query however many cases."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from osseous.cli.registry_cmds import seed_demo
from osseous.registry import overview
from osseous.registry.audit import Actor
from osseous.registry.db import Database
from osseous.registry.errors import Forbidden
from osseous.registry.migrate import upgrade
from osseous.registry.models import CaseOverview

CLINICIAN = Actor("demo", "clinician", None)


def test_rows_kept_and_backfilled(db: Database) -> None:
    seed_demo(db)
    with db.session() as s:
        rows, total = overview.case_list(s, CLINICIAN)
        assert total == len(rows) >= 12 and all(r.assessed for r in rows)
        assert [r.rank for r in rows] == sorted(r.rank for r in rows)  # most urgent first
        assert rows[0].top_severity == "critical"
        before = {r.case_id: (r.rank, r.undecided) for r in rows}
        s.execute(delete(CaseOverview))
    upgrade(db)  # an upgrade writes the rows a registry from before them lacks
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CaseOverview)) == len(before)
        rows, _ = overview.case_list(s, CLINICIAN)
        assert {r.case_id: (r.rank, r.undecided) for r in rows} == before


def test_a_decision_lowers_the_undecided_count_and_filters_work(db: Database) -> None:
    seed_demo(db)
    with db.session() as s:
        view = overview.case_view(s, CLINICIAN, "renal-mescc")
        problem = view.assessment["problems"][0]
        option = problem["options"][0]
        before = overview.case_list(s, CLINICIAN, q="renal-mescc")[0][0].undecided
        overview.decide(s, CLINICIAN, "renal-mescc", {
            "recommendation_id": option["recommendation"], "lesion": option.get("lesion"),
            "decision": "accepted", "problem": problem["id"], "owner": "Dr A"})
        after = overview.case_list(s, CLINICIAN, q="renal-mescc")[0][0].undecided
        assert after == before - 1
        critical, _ = overview.case_list(s, CLINICIAN, severity="critical")
        assert critical and all(r.top_severity == "critical" for r in critical)
        myeloma, n = overview.case_list(s, CLINICIAN, primary="myeloma")
        assert n == 1 and myeloma[0].case_id == "myeloma-hypercalcemia"
        page2, total = overview.case_list(s, CLINICIAN, per_page=5, page=2)
        assert len(page2) == 5 and total >= 12


def test_a_reversal_needs_confirming(db: Database) -> None:
    import pytest

    seed_demo(db)
    with db.session() as s:
        view = overview.case_view(s, CLINICIAN, "demo-breast-01")
        rec = view.assessment["recommendations"][0]
        payload = {"recommendation_id": rec["id"], "lesion": rec.get("lesion"),
                   "decision": "accepted"}
        overview.decide(s, CLINICIAN, "demo-breast-01", payload)
        with pytest.raises(overview.Contradiction):
            overview.decide(s, CLINICIAN, "demo-breast-01",
                            {**payload, "decision": "declined", "reason": "no"})
        overview.decide(s, CLINICIAN, "demo-breast-01",
                        {**payload, "decision": "declined", "reason": "no"}, confirmed=True)
        with pytest.raises(Forbidden):
            overview.decide(s, Actor("r", "researcher", None), "demo-breast-01", payload)


def test_cases_not_yet_assessed_come_last_and_pages_cross_over(db: Database) -> None:
    """Most urgent first reads the assessed cases by the rank index, then the cases without
    an overview row: the pages must join up exactly (no case twice, none left out) and
    agree with the order by rank (not assessed last), board date and id."""
    seed_demo(db)
    with db.session() as s:
        waiting = {"incomplete-data", "thyroid-oligometastatic", "nsclc-egfr"}
        s.execute(delete(CaseOverview).where(CaseOverview.case_id.in_(waiting)))
        everything, total = overview.case_list(s, CLINICIAN, per_page=500)
        assert total == len(everything) >= 12
        assert {r.case_id for r in everything[-3:]} == waiting
        assert not any(r.assessed for r in everything[-3:])
        assert [r.rank for r in everything] == sorted(r.rank for r in everything)
        for size in (1, 4, 5):
            paged = []
            for start in range(0, total + size, size):
                rows, n = overview.case_list(s, CLINICIAN, per_page=size, offset=start)
                assert n == total
                paged += [r.case_id for r in rows]
            assert paged == [r.case_id for r in everything], size
        only_waiting, n = overview.case_list(s, CLINICIAN, q="thyroid")
        assert n == 1 and not only_waiting[0].assessed
        assert overview.case_list(s, CLINICIAN, severity="critical")[1] == len(
            [r for r in everything if r.top_severity == "critical"])
