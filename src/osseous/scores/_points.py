"""The shared machinery of point scores: components that may be unknown, totals, bands.

A component is either known (its points) or unknown with the points it could still take and the
case paths that would decide it. The total of an incomplete score is a range that brackets every
completion; its band is withheld (an incomplete score may raise a concern, never reassure).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from types import MappingProxyType
from typing import NamedTuple

from osseous.core.results import Number, ScoreResult


class Part(NamedTuple):
    """One component: ``possible`` holds a single value when known, else every value it may take.

    (A named tuple rather than a frozen dataclass: scoring builds dozens per case.)
    """

    name: str
    possible: tuple[int, ...]
    missing: tuple[str, ...] = ()
    note: str | None = None

    @property
    def points(self) -> int | None:
        return self.possible[0] if len(self.possible) == 1 else None


_KNOWN: dict[tuple[str, int], Part] = {}


def known(name: str, points: int, note: str | None = None) -> Part:
    if note is None:
        part = _KNOWN.get((name, points))
        if part is None:
            part = _KNOWN[(name, points)] = Part(name, (points,), (), None)
        return part
    return Part(name, (points,), (), note)


def unknown(name: str, possible: Iterable[int], *missing: str, note: str | None = None) -> Part:
    values = tuple(sorted(set(possible)))
    if len(values) == 1:
        return Part(name, values, (), note)
    return Part(name, values, tuple(missing), note)


Bands = Sequence[tuple[int, int, str]]


def band_of(total: int, bands: Bands) -> str:
    """The band whose inclusive range holds ``total``."""
    for low, high, name in bands:
        if low <= total <= high:
            return name
    raise ValueError(f"total {total} outside every band")


def assemble(
    score: str,
    parts: Sequence[Part],
    bands: Bands | Callable[[int], str],
    references: Sequence[str],
    *,
    lesion: str | None = None,
    notes: Iterable[str] = (),
    extra: dict[str, object] | None = None,
    ceiling: int | None = None,
    band_extra: Callable[[str], dict[str, object]] | None = None,
) -> ScoreResult:
    """Sum the parts into a :class:`ScoreResult`.

    ``ceiling`` caps the total (for scores that have one); ``band_extra`` adds band-specific
    fields (for example the published risk of the band) when the score is complete.
    """

    def band(total: int) -> str:
        return bands(total) if callable(bands) else band_of(total, bands)

    low = high = 0
    missing: list[str] = []
    all_notes: list[str] = []
    components: dict[str, Number | None] = {}
    for p in parts:  # a hot path: one loop, no generators
        possible = p.possible  # sorted ascending
        if len(possible) == 1:
            low += possible[0]
            high += possible[0]
            components[p.name] = possible[0]
        else:
            low += possible[0]
            high += possible[-1]
            components[p.name] = None
            missing.extend(p.missing)
        if p.note:
            all_notes.append(p.note)
    if ceiling is not None:
        low, high = min(low, ceiling), min(high, ceiling)
    # capping can make an unknown component irrelevant to the total
    complete = low == high and (not missing or ceiling is not None)
    all_notes.extend(notes)
    out_extra = dict(extra) if extra else {}
    if complete:
        missing = []
        band_name: str | None = band(low)
        if band_extra is not None:
            out_extra.update(band_extra(band(low)))
    else:
        band_name = None
        out_extra["possible_bands"] = list(dict.fromkeys(band(t) for t in range(low, high + 1)))
    return ScoreResult(
        score=score,
        status="complete" if complete else "incomplete",
        total=low if complete else None,
        range=(low, high),
        band=band_name,
        components=MappingProxyType(components),
        missing=tuple(dict.fromkeys(missing)),
        notes=tuple(dict.fromkeys(all_notes)),
        references=tuple(references),
        lesion=lesion,
        extra=MappingProxyType(out_extra),
    )


def scale_part(
    name: str,
    scale_values: tuple[int, ...],
    converted_from: str | None,
    alternatives: tuple[tuple[str, tuple[int, ...]], ...],
    points: Callable[[int], int],
    all_points: Iterable[int],
    path: str,
    scale_name: str,
) -> Part:
    """A component read from a performance scale that may have been converted from the other.

    A converted value is marked in the note; when the converted candidates straddle two point
    categories the component stays unknown (the clinician should record ``path``), and when an
    empirical mapping would score differently the note says so.
    """
    if not scale_values:
        return unknown(name, all_points, path)
    possible = {points(v) for v in scale_values}
    if converted_from is None:
        return known(name, possible.pop())
    shown = "/".join(str(v) for v in scale_values)
    # the note is read by people: the component's internal name stays out of it
    note = f"{scale_name} {shown} converted from {converted_from} (common table)"
    differing = [label for label, values in alternatives
                 if values and {points(v) for v in values} != possible]
    if differing:
        note += f"; the {' and '.join(differing)} mapping would score it differently"
    if len(possible) > 1:
        return unknown(name, possible, path,
                       note=note + f"; the points depend on the exact {scale_name}")
    return known(name, possible.pop(), note)
