"""The engine: loud failures, contract checks on findings, ordering and the trace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from osseous.plan import engine
from osseous.plan.context import Context
from osseous.plan.model import FAMILIES, Finding, Recommendation
from tests.plan.helpers import case, run, spine


@pytest.fixture
def extra_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests register into a copy of the rule set; the real one is never changed."""
    engine.rules()  # load the real ones first
    monkeypatch.setattr(engine, "DEFAULT_RULES", engine.DEFAULT_RULES.copy())
    yield


def test_a_rule_that_raises_fails_the_assessment(extra_rule: None) -> None:
    @engine.rule("test.broken", "supportive-care", "1", ("chow-2012",))
    def broken(ctx: Context) -> Iterator[Finding]:
        raise KeyError("oops")
        yield  # pragma: no cover

    with pytest.raises(engine.RuleError, match=r"test\.broken"):
        run(case())


def test_a_recommendation_without_basis_is_a_bug(extra_rule: None) -> None:
    @engine.rule("test.no-basis", "supportive-care", "1", ("chow-2012",))
    def no_basis(ctx: Context) -> Iterator[Finding]:
        yield Recommendation(id="x", modality="supportive-care", title="t", strength="consider",
                             urgency="routine", rationale="r", based_on={},
                             references=("chow-2012",))

    with pytest.raises(engine.RuleError, match="no based_on"):
        run(case())


def test_a_recommendation_in_the_wrong_family_is_a_bug(extra_rule: None) -> None:
    @engine.rule("test.family", "surgery", "1", ("chow-2012",))
    def wrong(ctx: Context) -> Iterator[Finding]:
        yield Recommendation(id="x", modality="supportive-care", title="t", strength="consider",
                             urgency="routine", rationale="r", based_on={"a": 1},
                             references=("chow-2012",))

    with pytest.raises(engine.RuleError, match="rule is surgery"):
        run(case())


def test_unknown_citation_is_refused_at_registration(extra_rule: None) -> None:
    with pytest.raises(ValueError, match="unknown citation"):
        engine.rule("test.cite", "surgery", "1", ("no-such-paper",))(lambda ctx: [])


def test_rules_have_metadata() -> None:
    rules = engine.rules()
    assert len(rules) >= 25
    assert len({r.id for r in rules}) == len(rules)
    for r in rules:
        assert r.references and r.version and r.summary, r.id
        assert r.family in (*FAMILIES, "alerts")


def test_recommendations_by_family_then_urgency_and_problems_by_urgency() -> None:
    # the contract orders recommendations by family (the shared contract check enforces it);
    # within a family emergencies come first, and the problems list is urgency-first
    out = run(case(lesions=[spine(escc="2", neurological_deficit="myelopathy"),
                            {"id": "A", "site": "acetabulum", "worst_pain": 7}]))
    urgency = {"emergency": 0, "urgent": 1, "routine": 2}
    order = [(FAMILIES.index(r["modality"]), urgency[r["urgency"]])
             for r in out["recommendations"]]
    assert order == sorted(order)
    assert len({f for f, _ in order}) >= 5
    problems = [urgency[p["urgency"]] for p in out["problems"]]
    assert problems == sorted(problems)
    assert out["problems"][0]["kind"] == "cord-compression"
    assert out["problems"][0]["urgency"] == "emergency"


def test_rule_order_is_explicit_not_import_order() -> None:
    rules = engine.rules()
    families = [engine.RUN_ORDER.index(r.family) for r in rules]
    assert families == sorted(families)


def test_registering_a_rule_twice_is_refused(extra_rule: None) -> None:
    with pytest.raises(ValueError, match="registered twice"):
        engine.rule("rt.spine", "radiotherapy", "1", ("chow-2012",))(lambda ctx: [])


def test_trace_records_every_rule_and_its_status() -> None:
    out = run(case(lesions=[spine()]))
    assert [t["rule"] for t in out["trace"]] == [r.id for r in engine.rules()] + ["gates"]
    assert {t["status"] for t in out["trace"]} <= {"fired", "needs-data", "not-applicable"}
    fired = next(t for t in out["trace"] if t["rule"] == "rt.spine")
    assert fired["status"] == "fired" and fired["findings"][0]["facts"]["escc"] == "1a"


def test_trace_is_left_out_unless_asked() -> None:
    from osseous.plan.engine import assess
    from tests.conftest import make_case

    assert "trace" not in assess(make_case(case()))
