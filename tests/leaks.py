"""What must not reach a person: ``None``/``True``/``False``, rule or recommendation ids and
case-format paths. Shared by the page, PDF and CLI-text tests."""

from __future__ import annotations

import re
from functools import cache

PATH = re.compile(r"\b(?:patient|cancer)\.(?!(?:gov|org|net|com)\b)[a-z_]+(?:\.[a-z_]+)*"
                  r"|\blesions\[\d+\]|\blabs\.[a-z_]+|\bmedications\[\d+\]|\bpain_assessments\b")
LITERAL = re.compile(r"\b(?:None|True|False)\b|docs/clinical/")


@cache
def rule_ids() -> frozenset[str]:
    """Every rule id and every recommendation id the examples produce."""
    from pathlib import Path

    import orjson

    from osseous.core.validation import parse_case
    from osseous.plan.engine import assess, rules

    ids = {r.id for r in rules()}
    examples = Path(__file__).resolve().parents[1] / "examples" / "cases"
    for f in sorted(examples.glob("*.json")):
        parsed = parse_case(orjson.loads(f.read_bytes()))
        doc = assess(parsed.case, parsed.ignored_fields)
        ids.update(r["id"] for r in doc["recommendations"])
        ids.update(t["rule"] for t in doc.get("trace") or ())
    return frozenset(i for i in ids if "." in i)


def leaks(text: str) -> list[str]:
    """The forbidden tokens found in ``text`` (empty when it is clean)."""
    found = LITERAL.findall(text) + PATH.findall(text)
    found += [i for i in rule_ids() if re.search(rf"(?<![\w.-]){re.escape(i)}(?![\w-])", text)]
    return found


def visible_text(html: str) -> str:
    """The text a person sees on a page: no markup, attributes, scripts or styles, and nothing
    inside an element marked ``data-detail`` (the trace and the facts used, kept for checking)."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"})

        def __init__(self) -> None:
            super().__init__()
            self.out: list[str] = []
            self.hidden: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in self.VOID:
                return
            if self.hidden or tag in ("script", "style", "title") or any(
                    k == "data-detail" for k, _ in attrs):
                self.hidden.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if self.hidden and self.hidden[-1] == tag:
                self.hidden.pop()

        def handle_data(self, data: str) -> None:
            if not self.hidden:
                self.out.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(parser.out)


def page_leaks(html: str) -> list[str]:
    return leaks(visible_text(html))
