"""The rule engine: every registered rule runs on every case, with a trace.

A rule is a small pure function registered with its metadata (``id``, ``family``, ``version``,
``references``). It reads the case and the computed scores through a :class:`Context` and
returns findings: recommendations, alerts, :class:`NeedsData` when it cannot decide, or
:class:`NotApplicable`. The engine runs all rules in registration order, records a trace per
rule (fired / needs-data / not-applicable, with the facts read), and assembles the assessment
in the order of the treatment families.

A rule that raises is a bug: the assessment fails loudly with :class:`RuleError`, never
degrading into "no advice". A finding that breaks the contract (no references, no basis, a
citation not in the registry) is also a :class:`RuleError`.

After the rules, the patient-level gates (:mod:`osseous.plan.gates`) remove what the patient
state forbids, the options are grouped into problems ordered by urgency
(:mod:`osseous.plan.problems`), and the plan's invariants
(:mod:`osseous.plan.invariants`) are checked: a violation is a :class:`RuleError` too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from osseous.core.case import Case
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import CITATIONS
from osseous.plan.as_of import as_of
from osseous.plan.assessment import ASSESSMENT_FORMAT, engine_info, needs_data_from_scores
from osseous.plan.context import Context
from osseous.plan.document import Assessment, NeedsDataDoc
from osseous.plan.gates import apply_gates
from osseous.plan.invariants import InvariantError
from osseous.plan.invariants import check as check_invariants
from osseous.plan.model import (
    FAMILIES,
    SEVERITY_ORDER,
    STRENGTH_ORDER,
    URGENCY_ORDER,
    Alert,
    Finding,
    NeedsData,
    Recommendation,
    RuleFamily,
)
from osseous.plan.problems import build_problems, waiting_as_urgent_as_their_workup
from osseous.plan.workup import plan_workup
from osseous.scores.catalog import score_case

RuleFn = Callable[[Context], Iterable[Finding]]


class RuleError(RuntimeError):
    """A rule raised or produced a malformed finding: a bug, reported with the rule's id."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    family: RuleFamily
    version: str
    references: tuple[str, ...]
    fn: RuleFn
    summary: str

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "family": self.family, "version": self.version,
                "references": list(self.references), "summary": self.summary}


#: the order families run in: patient-level alerts first, then the treatment families
RUN_ORDER: Final = ("alerts", *FAMILIES)


class RuleSet:
    """An ordered, checked set of rules. Order is explicit (family, then id), not the order in
    which modules happen to be imported."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules: dict[str, Rule] = {}
        for r in rules:
            self.add(r)

    def add(self, r: Rule) -> None:
        if r.id in self._rules:
            raise ValueError(f"rule id {r.id!r} registered twice")
        for ref in r.references:
            if ref not in CITATIONS:
                raise ValueError(f"rule {r.id}: unknown citation {ref!r}")
        self._rules[r.id] = r

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(),
                           key=lambda r: (RUN_ORDER.index(r.family), r.id)))

    def __len__(self) -> int:
        return len(self._rules)

    def copy(self) -> RuleSet:
        return RuleSet(self._rules.values())


#: the rules every assessment runs (filled by importing osseous.plan.rules)
DEFAULT_RULES: Final = RuleSet()


def rule(id: str, family: RuleFamily, version: str, references: tuple[str, ...], *,
         into: RuleSet | None = None) -> Callable[[RuleFn], RuleFn]:
    """Register a rule. The first paragraph of its docstring is its summary in `osseous rules`."""

    def register(fn: RuleFn) -> RuleFn:
        doc = (fn.__doc__ or "").strip().split("\n\n")[0]
        (DEFAULT_RULES if into is None else into).add(
            Rule(id, family, version, references, fn, " ".join(doc.split())))
        return fn

    return register


_LOADED: list[bool] = []


def _load_rules() -> None:
    if _LOADED:
        return  # the import statement below is not free when repeated per assessment
    _LOADED.append(True)
    # importing the rule modules registers their rules, in this order
    from osseous.plan.rules import (  # noqa: F401
        alerts,
        bone_agents,
        interventional,
        patient,
        radiopharmaceuticals,
        radiotherapy,
        radiotherapy_prior,
        supportive,
        surgery,
        systemic,
    )


#: reference lists already checked against the citation table (rules cite a few fixed tuples,
#: so the check is a set lookup after the first assessment)
_CITED: Final[set[tuple[str, ...]]] = set()


def _check(r: Rule, finding: Finding) -> None:
    if isinstance(finding, Recommendation | Alert) and finding.references not in _CITED:
        if not finding.references:
            raise RuleError(f"{r.id}: {finding.id} has no references")
        unknown = [ref for ref in finding.references if ref not in CITATIONS]
        if unknown:
            raise RuleError(f"{r.id}: {finding.id} cites unknown {unknown}")
        _CITED.add(finding.references)
    if isinstance(finding, Recommendation):
        if not finding.based_on:
            raise RuleError(f"{r.id}: {finding.id} has no based_on facts")
        if not finding.title or not finding.rationale:
            raise RuleError(f"{r.id}: {finding.id} has no title or rationale")
        if r.family not in ("alerts", finding.modality):
            raise RuleError(f"{r.id}: {finding.id} is {finding.modality}, rule is {r.family}")
    if isinstance(finding, NeedsData) and not finding.missing:
        raise RuleError(f"{r.id}: needs-data without missing fields")


def _trace_item(f: Finding) -> dict[str, Any]:
    if isinstance(f, Recommendation):
        return {"fired": f.id, "lesion": f.lesion, "strength": f.strength,
                "facts": dict(f.based_on)}
    if isinstance(f, Alert):
        return {"alert": f.id, "lesion": f.lesion, "severity": f.severity,
                "facts": dict(f.based_on)}
    if isinstance(f, NeedsData):
        return {"needs_data": list(f.missing), "lesion": f.lesion, "reason": f.reason}
    return {"not_applicable": f.reason, "lesion": f.lesion, "facts": dict(f.based_on)}


def run_rules(ctx: Context, ruleset: RuleSet | None = None, *, with_trace: bool = True
              ) -> tuple[list[Recommendation], list[Alert], list[NeedsDataDoc],
                         list[dict[str, Any]]]:
    """Run every rule; return recommendations, alerts, needs-data entries and the trace (built
    only when asked for: copying every finding's facts is a fifth of the engine's time)."""
    _load_rules()
    recs: list[Recommendation] = []
    alerts: list[Alert] = []
    needs: list[NeedsDataDoc] = []
    trace: list[dict[str, Any]] = []
    for r in (DEFAULT_RULES if ruleset is None else ruleset):
        try:
            findings = list(r.fn(ctx))
        except Exception as exc:
            raise RuleError(f"rule {r.id} failed: {exc!r}") from exc
        for f in findings:
            _check(r, f)
            if isinstance(f, Recommendation):
                recs.append(f)
            elif isinstance(f, Alert):
                alerts.append(f)
            elif isinstance(f, NeedsData):
                item: NeedsDataDoc = {"for": r.id, "missing": list(f.missing),
                                        "reason": f.reason}
                if f.lesion is not None:
                    item["lesion"] = f.lesion
                needs.append(item)
        if with_trace:
            items = [_trace_item(f) for f in findings]
            kinds = {next(iter(x)) for x in items}
            trace.append({"rule": r.id, "version": r.version, "findings": items,
                          "status": ("fired" if kinds & {"fired", "alert"} else
                                     "needs-data" if "needs_data" in kinds
                                     else "not-applicable")})
    alerts.sort(key=lambda a: SEVERITY_ORDER[a.severity])
    return recs, alerts, needs, trace


def order_recommendations(recs: list[Recommendation]) -> list[Recommendation]:
    """Family first (the public contract, osseous.assessment/1, shows the plan in the order of
    the treatment families, and the shared contract check enforces it), then urgency
    (emergency, urgent, routine), then strength. The urgency-first view of the plan is the
    ``problems`` list."""
    return sorted(recs, key=lambda x: (FAMILIES.index(x.modality), URGENCY_ORDER[x.urgency],
                                       STRENGTH_ORDER[x.strength]))


def assess(case: Case, ignored_fields: tuple[str, ...] = (), *,
           trace: bool = False, ruleset: RuleSet | None = None) -> Assessment:
    """The full ``osseous.assessment/1`` document for one case (typed: plan/document.py)."""
    recorded, case = case, as_of(case)
    scores = score_case(case)
    ctx = Context(case, scores, recorded=recorded)
    recs, alerts, needs, rule_trace = run_rules(ctx, ruleset, with_trace=trace)
    recs, alerts, needs, removed = apply_gates(ctx.state, recs, alerts, needs)
    recs = order_recommendations(recs)
    problems = build_problems(ctx, recs, alerts, removed, needs)
    doc: Assessment = {
        "format": ASSESSMENT_FORMAT,
        "case": case.id,
        "assessed_on": case.assessed_on.isoformat() if case.assessed_on else None,
        "engine": engine_info(),
        "scores": [s.to_dict() for s in scores],
        "noms": [n.to_dict() for n in ctx.noms_all()],
        "patient_state": ctx.state.to_dict(),
        "alerts": [a.to_dict() for a in alerts],
        "problems": [p.to_dict() for p in problems],
        "recommendations": [r.to_dict() for r in recs],
        "removed": [x.to_dict() for x in removed],
        "needs_data": [] if ctx.state.deceased else needs_data_from_scores(
            [s for s in scores if not _moot(ctx, s)]) + needs,
    }
    # a versioned extension of osseous.assessment/1 (docs/case-format.md)
    doc["workup"] = plan_workup(case, doc)
    doc["problems"] = waiting_as_urgent_as_their_workup(doc["problems"], doc["workup"])
    try:
        check_invariants(ctx, recs, alerts, problems, doc["workup"])
    except InvariantError as exc:
        raise RuleError(str(exc)) from exc
    if ignored_fields:
        doc["ignored_fields"] = list(ignored_fields)
    if trace:
        rule_trace.append({"rule": "gates", "version": "1", "status": "fired",
                           "findings": [{"removed": x.id, "lesion": x.lesion,
                                         "reason": x.reason} for x in removed]})
        doc["trace"] = rule_trace
    return doc


def _moot(ctx: Context, score: ScoreResult) -> bool:
    """A score whose question has already been answered: Mirels predicts a fracture, so a
    bone already broken is not asked for its inputs (the score is still shown)."""
    les = ctx.lesion(score.lesion) if score.lesion else None
    return score.score == "mirels" and bool(getattr(les, "pathological_fracture", False))


def rules() -> list[Rule]:
    """Every registered rule, in the order the engine runs them."""
    _load_rules()
    return list(DEFAULT_RULES)
