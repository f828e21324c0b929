"""Documentation that is generated from the code stays in step with it."""

from __future__ import annotations

from pathlib import Path

from osseous.cli.render import rules_markdown
from osseous.knowledge.citations import CITATIONS
from osseous.plan.engine import rules

ROOT = Path(__file__).resolve().parents[1]


def test_rules_document_is_current() -> None:
    expected = rules_markdown([r.to_dict() for r in rules()]) + "\n"
    assert (ROOT / "docs" / "clinical" / "rules.md").read_text() == expected, (
        "regenerate with: osseous rules --format markdown > docs/clinical/rules.md")


def test_every_citation_is_used_somewhere() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "src").rglob("*.py")
                       if p.name != "citations.py")
    unused = [c for c in CITATIONS if f'"{c}"' not in source]
    assert not unused, unused
