"""Small-cell suppression: what a researcher reads never describes fewer than ``k`` patients.

Statistical disclosure control by primary suppression (Hundepool et al., *Statistical
Disclosure Control*, Wiley 2012, 4.2 "threshold rule"; the same rule as the "cell size
suppression" of CMS data-use agreements, there with k = 11). Applied to the finished analytics
documents, generically:

* a group (a dict with a base count - patients, cases, a denominator, the evaluable or treated
  lesions, the decisions) describing 1 to k-1 units is left out, or, where the page needs it,
  kept with every figure blanked;
* in the groups kept, a count of 1 to k-1 (deaths, events, a numerator, the number at risk,
  an exclusion reason's count) is shown as ``<k`` and every rate, interval and median beside
  it is blanked, so it cannot be computed back from them;
* survival curves end where fewer than k remain at risk, and a group that starts with fewer
  is not drawn.

Zero is shown (it reveals no one). Not done (documented in docs/reliability.md): secondary
suppression, so a suppressed cell can sometimes be recovered by subtracting the cells shown
from a total.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from osseous.analytics.estimators import Step

#: keys whose count is the size of the group they describe
BASES: Final = ("patients", "cases", "denominator", "evaluable", "treated_lesions", "decided")
#: keys whose count is a cell inside a group
COUNTS: Final = frozenset({"n", "deaths", "events", "numerator", "at_risk", "accepted",
                           "modified", "declined", "not_computable", "not_applicable",
                           "usable_pairs"})
#: the cells whose value could be computed back from the estimates beside them
REVEALING: Final = frozenset({"n", "deaths", "events", "numerator", "at_risk", "accepted",
                              "modified", "declined"})
#: groups the page always shows: blanked rather than left out
KEPT: Final = frozenset({"overall", "retreatment", "from_radiotherapy", "days_to_treatment",
                        "outcomes", "quality", "pain", "prognosis", "calibration",
                        "decisions"})


def _small(value: object, k: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < k


#: numbers that label a cell rather than count or estimate anything
LABELS: Final = frozenset({"year", "months", "df", "days_per_month"})


def _blank(value: Any) -> Any:
    """Every figure of ``value`` removed (counts and estimates), its labels kept."""
    if isinstance(value, dict):
        return {key: v if key in LABELS else _blank(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_blank(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None
    return value


def _marked(entry: dict[str, Any]) -> bool:
    """Whether a list entry holds a suppressed cell of its own (its nested lists are cleaned
    separately; a count of exclusions does not make the entry unusable)."""
    for key, value in entry.items():
        if key == "excluded":
            continue
        inner = value.values() if isinstance(value, dict) else (value,)
        if any(isinstance(v, str) and v.startswith("<") for v in inner):
            return True
    return any(entry.get(x, 0) is None for x in ("proportion", "rate"))


def strict(doc: Any) -> Any:
    """A suppressed document without the list entries that hold a suppressed cell (for the
    plots, which draw every entry they are given)."""
    if isinstance(doc, dict):
        return {key: strict(v) for key, v in doc.items()}
    if isinstance(doc, list):
        cleaned = [strict(v) for v in doc]
        return [v for v in cleaned if not (isinstance(v, dict) and _marked(v))]
    return doc


def _group_too_small(d: Mapping[str, Any], k: int) -> bool:
    return any(_small(d.get(base), k) for base in BASES)


def _cells(d: dict[str, Any], k: int) -> dict[str, Any]:
    """``d`` with its small counts shown as ``<k`` and the estimates beside them blanked."""
    out: dict[str, Any] = {}
    hidden = False
    for key, value in d.items():
        if key in COUNTS and _small(value, k):
            out[key] = f"<{k}"
            hidden = hidden or key in REVEALING
        else:
            out[key] = value
    if hidden:
        for key, value in out.items():
            if key not in COUNTS | LABELS and key not in BASES and not isinstance(
                    value, dict | str):
                out[key] = _blank(value)
    return out


def suppress(doc: Any, k: int, *,
             excluded_keys: Sequence[str] = ("excluded", "observed")) -> Any:
    """A copy of ``doc`` (a finished analytics document) safe for a researcher to read."""
    return _walk(copy.deepcopy(doc), k, None, tuple(excluded_keys))


def _walk(value: Any, k: int, key: str | None, excluded: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        if key in excluded:  # {reason: count}
            return {r: (f"<{k}" if _small(n, k) else n) for r, n in value.items()}
        if _group_too_small(value, k):
            return _blank(value) if key in KEPT or key is None else _DROP
        walked = {kk: _walk(v, k, kk, excluded) for kk, v in value.items()}
        return _cells({kk: v for kk, v in walked.items() if v is not _DROP}, k)
    if isinstance(value, list):
        return [w for w in (_walk(v, k, key, excluded) for v in value) if w is not _DROP]
    return value


_DROP: Final = object()


def curves(groups: Mapping[str, Sequence[Step]], k: int) -> dict[str, list[Step]]:
    """Survival curves cut where fewer than ``k`` remain at risk; a group that starts with
    fewer is left out. The counts of events and censorings shown under the curve are the
    steps' own, each from at least ``k`` at risk."""
    out: dict[str, list[Step]] = {}
    for name, steps in groups.items():
        kept = [replace(s) for s in steps if s.at_risk >= k]
        if kept and steps and steps[0].at_risk >= k:
            out[name] = kept
    return out
