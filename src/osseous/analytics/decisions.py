"""Tumour-board recommendations implemented or deviated from, and why.

The board records for each recommendation of an assessment whether it was ``accepted``
(implemented as recommended), ``modified`` or ``declined`` (both deviations, each with its
reason). Only the latest decision on each recommendation of a case counts. Shares carry Wilson
95 % intervals; reasons are grouped after trimming and case-folding, so "Patient preference"
and "patient preference " count together.

The reasons are free text a clinician typed about one patient: they are listed only for the
registry's operator (``osseous cohort decisions``), never on the analytics page, which shows
how many deviations had a reason recorded instead (docs/analytics.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from osseous.analytics.estimators import wilson
from osseous.analytics.tally import Tally

DECISIONS: Final = ("accepted", "modified", "declined")
TOP_REASONS: Final = 20
NO_REASON: Final = "no reason recorded"


@dataclass(frozen=True, slots=True)
class Decision:
    recommendation_id: str
    decision: str
    reason: str | None
    decided_on: date


def observe(d: Decision, into: Tally) -> None:
    if d.decision not in DECISIONS:
        raise ValueError(f"decision: must be one of {DECISIONS} (given: {d.decision!r})")
    family = d.recommendation_id.split(".", 1)[0]
    for key in (("all",), ("family", family), ("year", d.decided_on.year)):
        into[("n", *key, d.decision)] += 1
    if d.decision != "accepted":
        reason = " ".join((d.reason or "").split()).casefold() or NO_REASON
        into[("reason", d.decision, reason)] += 1


def _row(t: Tally, key: tuple[Any, ...]) -> dict[str, Any]:
    counts = {d: t[("n", *key, d)] for d in DECISIONS}
    total = sum(counts.values())
    interval = wilson(counts["accepted"], total)
    return {"decided": total, **counts,
            "implemented": counts["accepted"] / total if total else None,
            "implemented_ci95": list(interval) if interval else None}


def finish(t: Tally, *, free_text: bool = False) -> dict[str, Any]:
    """The board-decisions document; ``free_text`` lists the reasons themselves (for the
    registry's operator only), else only how many deviations had one recorded."""
    families = sorted({k[2] for k in t if k[0] == "n" and k[1] == "family"})
    years = sorted({k[2] for k in t if k[0] == "n" and k[1] == "year"})
    reasons: dict[str, list[dict[str, Any]]] = {}
    for decision in ("modified", "declined"):
        ranked = sorted(((n, k[2]) for k, n in t.items()
                         if k[0] == "reason" and k[1] == decision), key=lambda x: (-x[0], x[1]))
        if free_text:
            reasons[decision] = [{"reason": r, "n": n} for n, r in ranked[:TOP_REASONS]]
        else:
            missing = sum(n for n, r in ranked if r == NO_REASON)
            reasons[decision] = [
                {"reason": "a reason recorded", "n": sum(n for n, _ in ranked) - missing},
                {"reason": NO_REASON, "n": missing}]
    return {"format": "osseous.board-decisions/1", "overall": _row(t, ("all",)),
            "by_family": {f: _row(t, ("family", f)) for f in families},
            "by_year": {str(y): _row(t, ("year", y)) for y in years},
            "deviation_reasons": reasons,
            "note": "accepted = implemented as recommended; modified and declined are "
                    "deviations. Only the latest decision on each recommendation counts."}


def tally_decisions(rows: Iterable[tuple[str, str, str | None, date]]) -> Tally:
    """The tally of (recommendation id, decision, reason, decided on) rows."""
    t = Tally()
    for row in rows:
        observe(Decision(*row), t)
    return t


def board_decisions(decisions: Iterable[Decision]) -> dict[str, Any]:
    t = Tally()
    for d in decisions:
        observe(d, t)
    return finish(t, free_text=True)
