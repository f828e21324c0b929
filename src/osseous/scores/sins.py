"""Spinal Instability Neoplastic Score (SINS), per spinal lesion, 0-18.

Components (Fisher 2010, Table; bands from Fourney 2011):

=====================  ==========================================================  ======
location               junctional (O-C2, C7-T2, T11-L1, L5-S1) / mobile (C3-C6,     3/2/1/0
                       L2-L4) / semi-rigid (T3-T10) / rigid (S2-S5)
pain                   mechanical / occasional non-mechanical / pain-free          3/1/0
lesion                 lytic / mixed / blastic                                     2/1/0
alignment              subluxation-translation / de novo deformity / normal         4/2/0
collapse               >50% / <50% / none with >50% of body involved / none         3/2/1/0
posterolateral         bilateral / unilateral / none                                3/1/0
=====================  ==========================================================  ======

Bands: 0-6 stable, 7-12 potentially unstable, 13-18 unstable. The location is derived from the
levels, never entered as points; a lesion spanning two location classes takes the higher class
(project convention, docs/clinical/decisions.md) and the note names every class involved.

References: Fisher CG et al., Spine 2010;35(22):E1221-9 (fisher-2010); Fourney DR et al.,
J Clin Oncol 2011;29(22):3072-7 (fourney-2011).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Final

from osseous.core.case import SpinalLesion
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.scores._points import Bands, Part, assemble, known, unknown

REFERENCES: Final = cite("fisher-2010", "fourney-2011")
BANDS: Final[Bands] = ((0, 6, "stable"), (7, 12, "potentially-unstable"),
                       (13, 18, "unstable"))

_CLASS_POINTS: Final = MappingProxyType(
    {"junctional": 3, "mobile": 2, "semi-rigid": 1, "rigid": 0})


def _location_class(level: str) -> str:
    if level in ("O", "C1", "C2", "C7", "T1", "T2", "T11", "T12", "L1", "L5", "S1"):
        return "junctional"
    if level in ("C3", "C4", "C5", "C6", "L2", "L3", "L4"):
        return "mobile"
    if level.startswith("T"):
        return "semi-rigid"
    return "rigid"  # S2-S5


LOCATION_CLASS: Final = MappingProxyType({
    lvl: _location_class(lvl) for lvl in (
        "O", *(f"C{i}" for i in range(1, 8)), *(f"T{i}" for i in range(1, 13)),
        *(f"L{i}" for i in range(1, 6)), *(f"S{i}" for i in range(1, 6)))
})
PAIN: Final = MappingProxyType({"mechanical": 3, "non-mechanical": 1, "none": 0})
LESION: Final = MappingProxyType({"lytic": 2, "mixed": 1, "blastic": 0})
ALIGNMENT: Final = MappingProxyType({"subluxation": 4, "de-novo-deformity": 2, "normal": 0})
COLLAPSE: Final = MappingProxyType(
    {"over-50": 3, "under-50": 2, "none-over-50-involved": 1, "none": 0})
POSTEROLATERAL: Final = MappingProxyType({"bilateral": 3, "unilateral": 1, "none": 0})


def _part(name: str, table: MappingProxyType[str, int], value: str | None, path: str) -> Part:
    if value is None:
        return unknown(name, table.values(), path)
    return known(name, table[value])


def _location(levels: Sequence[str] | None, path: str) -> Part:
    if not levels:
        return unknown("location", _CLASS_POINTS.values(), path)
    classes = {lvl: LOCATION_CLASS[lvl] for lvl in levels}
    points = max(_CLASS_POINTS[c] for c in classes.values())
    note = None
    if len(set(classes.values())) > 1:
        listed = ", ".join(f"{lvl} ({c})" for lvl, c in classes.items())
        note = (f"location: lesion spans several classes - highest of {listed} used "
                "(project convention; SINS does not define multi-class lesions)")
    return known("location", points, note)


def sins(lesion: SpinalLesion, index: int) -> ScoreResult:
    """SINS for one spinal lesion; ``index`` locates it in ``lesions`` for missing paths."""
    at = f"lesions[{index}]"
    parts = [
        _location(lesion.levels, f"{at}.levels"),
        _part("pain", PAIN, lesion.pain_character, f"{at}.pain_character"),
        _part("lesion", LESION, lesion.appearance, f"{at}.appearance"),
        _part("alignment", ALIGNMENT, lesion.alignment, f"{at}.alignment"),
        _part("collapse", COLLAPSE, lesion.collapse, f"{at}.collapse"),
        _part("posterolateral", POSTEROLATERAL, lesion.posterolateral, f"{at}.posterolateral"),
    ]
    return assemble("sins", parts, BANDS, REFERENCES, lesion=lesion.id)
