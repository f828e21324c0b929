"""Running cohort analyses over parts of a registry, in one process or on Dask.

Every analysis is an ``observe`` (one case into a tally) and a ``finish`` (merged tally into the
document). A part is read and validated once and observed by all the requested analyses; the
parts' tallies are summed and finished once. Because tallies are integer counts, the result is
the same whatever the number of parts and workers (:mod:`osseous.analytics.tally`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from osseous.analytics import outcomes, pain, prognosis, quality
from osseous.analytics.sources import PART_BYTES, Part, cases, partitions
from osseous.analytics.tally import Observe, Tally
from osseous.core.case import Case
from osseous.core.executor import Executor, InProcess


@dataclass(frozen=True, slots=True)
class Analysis:
    observe: Observe
    finish: Callable[[Tally], dict[str, Any]]
    description: str


ANALYSES: Final = {
    "outcomes": Analysis(outcomes.observe, outcomes.finish,
                         "first skeletal-related event and survival"),
    "quality": Analysis(quality.observe, quality.finish, "quality-of-care indicators"),
    "pain": Analysis(pain.observe, pain.finish, "pain response after radiotherapy"),
    "prognosis": Analysis(prognosis.observe, prognosis.finish,
                          "concordance and calibration of the survival scores"),
}


def _check(names: Sequence[str]) -> None:
    unknown = [n for n in names if n not in ANALYSES]
    if unknown or not names:
        raise ValueError(f"analyses: must be among {sorted(ANALYSES)} (given: {list(names)})")


def tally_part(job: tuple[Part, tuple[str, ...]]) -> dict[str, Tally]:
    """The tallies of one part for the named analyses (runs on a worker)."""
    part, names = job
    return tally_cases(cases(part), names)


def tallies(paths: Iterable[Path], names: Sequence[str], executor: Executor | None = None,
            part_bytes: int = PART_BYTES) -> dict[str, Tally]:
    """The merged tallies of the named analyses over the cohort files."""
    _check(names)
    jobs = [(part, tuple(names)) for part in partitions(paths, part_bytes)]
    merged = {name: Tally() for name in names}
    for result in (executor or InProcess()).map(tally_part, jobs):  # merged as they arrive
        for name in names:
            merged[name].update(result[name])
    return merged


def run(paths: Iterable[Path], names: Sequence[str], executor: Executor | None = None,
        part_bytes: int = PART_BYTES) -> dict[str, dict[str, Any]]:
    """The documents of the named analyses over the cohort files."""
    merged = tallies(paths, names, executor, part_bytes)
    return {name: ANALYSES[name].finish(merged[name]) for name in names}


def tally_cases(cases: Iterable[Case], names: Sequence[str]) -> dict[str, Tally]:
    """The tallies of the named analyses over cases already in memory (one pass)."""
    _check(names)
    out = {name: Tally() for name in names}
    observers = [(ANALYSES[name].observe, out[name]) for name in names]
    for case in cases:
        for observe, into in observers:
            observe(case, into)
    return out


def tally_documents(documents: Iterable[Any], names: Sequence[str]
                    ) -> tuple[dict[str, Tally], int]:
    """The tallies over stored documents, and how many no longer validate (left out: a
    registry may hold documents written before a stricter version of the format)."""
    from osseous.core.errors import InvalidInput
    from osseous.core.validation import parse_case

    invalid = 0

    def valid() -> Iterable[Case]:
        nonlocal invalid
        for doc in documents:
            try:
                yield parse_case(doc, list_ignored=False).case
            except InvalidInput:
                invalid += 1

    tallies = tally_cases(valid(), names)
    return tallies, invalid


def finish(tallies: Mapping[str, Tally]) -> dict[str, dict[str, Any]]:
    return {name: ANALYSES[name].finish(t) for name, t in tallies.items()}
