"""No page a person reads, no board PDF and no minutes of the example cases show ``None``,
``True``, ``False``, a rule id or a case-format path outside the detail views (elements marked
``data-detail``: the facts used, the sources and the engine)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from osseous.api.app import create_app
from osseous.cli.demo import seed_demo
from osseous.registry.db import Database
from tests.leaks import leaks, page_leaks
from tests.web.test_pages import csrf, sign_in

EXAMPLES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "examples" /
                                   "cases").glob("*.json"))


@pytest.fixture
def web(db: Database) -> Iterator[TestClient]:
    seed_demo(db)
    with TestClient(create_app(db)) as c:
        sign_in(c)
        yield c


def _pdf_text(content: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)


def test_pages_of_every_example_case_are_plain_words(web: TestClient) -> None:
    found = {}
    for page in ("/app/cases", "/app/board", "/app/calculators", "/app/triage",
                 "/app/information"):
        r = web.get(page)
        assert r.status_code == 200
        found[page] = page_leaks(r.text)
    for case in EXAMPLES:
        for tail in ("", "/follow-up", "/patient-summary"):
            r = web.get(f"/app/cases/{case}{tail}")
            assert r.status_code == 200, (case, tail)
            found[f"{case}{tail}"] = page_leaks(r.text)
    assert {k: v for k, v in found.items() if v} == {}


def test_the_detail_keeps_the_ids_for_checking(web: TestClient) -> None:
    text = web.get("/app/cases/renal-mescc").text
    assert "data-detail" in text and "rule rt." in text  # inside the detail, not outside


@pytest.mark.parametrize("case", EXAMPLES)
def test_the_board_pdf_of_every_example_is_plain_words(web: TestClient, case: str) -> None:
    r = web.get(f"/app/cases/{case}/board.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = _pdf_text(r.content)
    assert leaks(text) == []
    assert "Tumour board summary" in text and "Problems and decisions" in text
    assert f"printed {date.today().isoformat()}" in text and "page 1 of" in text


def test_the_minutes_are_plain_words(web: TestClient) -> None:
    day = "2030-01-15"
    for case in ("renal-mescc", "demo-breast-01", "incomplete-data"):
        r = web.post(f"/app/board/{day}/agenda", data={"csrf": csrf(web, "/app/board"),
                                                      "case_id": case})
        assert r.status_code == 200
    r = web.get(f"/app/board/{day}/minutes.pdf")
    assert r.status_code == 200
    text = _pdf_text(r.content)
    assert leaks(text) == [] and f"Tumour board minutes: {day}" in text
    assert "renal-mescc" in text and "incomplete-data" in text
