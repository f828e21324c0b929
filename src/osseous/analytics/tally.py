"""Tallies: the mergeable intermediate form of every cohort metric.

An analysis observes one case at a time and adds integer counts to a :class:`collections.Counter`
keyed by tuples (for example ``("os", "primary", "breast", 212, 1)``: one breast-cancer patient
who died on day 212). Counters add, so the tallies of any partition of a registry, computed in
any order on any number of processes, sum to the tally of the whole registry; every estimate is
then computed once from the merged counts. That is what makes the results of one process and of
a Dask cluster identical, not merely close.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, TypeAlias

from osseous.core.case import Case

Tally: TypeAlias = Counter[tuple[Any, ...]]
Observe: TypeAlias = Callable[[Case, Tally], None]


def tally(cases: Iterable[Case], observe: Observe) -> Tally:
    """The tally of one analysis over the cases."""
    out: Tally = Counter()
    for case in cases:
        observe(case, out)
    return out


def merge(tallies: Iterable[Tally]) -> Tally:
    out: Tally = Counter()
    for t in tallies:
        out.update(t)
    return out
