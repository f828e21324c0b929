"""Mirels score for impending pathological fracture of a long bone, 4-12.

Components (Mirels 1989; Jawad & Scully 2010): site upper limb 1 / lower limb 2 /
peritrochanteric 3; pain mild 1 / moderate 2 / functional 3; lesion blastic 1 / mixed 2 /
lytic 3; size (fraction of the bone's diameter on plain radiograph) <1/3 1 / 1/3-2/3 2 / >2/3 3.

Bands: <=7 low (published fracture risk 0-4%), 8 borderline (15%), >=9 high (>=33%). The 1989
abstract reads ">=8 requires fixation"; the body of the paper and every later summary use
>=9 fix / 8 clinical judgement, which Osseous follows (docs/clinical/decisions.md).

Site: humerus, radius, ulna are upper limb; femur, tibia, fibula lower limb; the femur's
peritrochanteric region scores 3. A femur whose region is not recorded is incomplete (2 or 3).
The femoral head and neck score 2 (lower limb): Mirels names only upper limb, lower limb and
peritrochanteric, and no source reached places the head and neck in the peritrochanteric
region; the result carries a note saying so and what the total would be with 3
(docs/clinical/decisions.md).

References: Mirels H, Clin Orthop Relat Res 1989;(249):256-64 (mirels-1989); Jawad MU,
Scully SP, Clin Orthop Relat Res 2010;468:2825-7 (jawad-2010).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from osseous.core.case import LONG_BONES, BoneLesion
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite
from osseous.scores._points import Bands, Part, assemble, band_of, known, unknown

REFERENCES: Final = cite("mirels-1989", "jawad-2010")
BANDS: Final[Bands] = ((4, 7, "low"), (8, 8, "borderline"), (9, 12, "high"))
FRACTURE_RISK: Final = MappingProxyType(
    {"low": "0-4% at 6 months", "borderline": "15% at 6 months", "high": "33% or more at 6 months"}
)
UPPER_LIMB: Final = frozenset({"humerus", "radius", "ulna"})
PAIN: Final = MappingProxyType({"mild": 1, "moderate": 2, "functional": 3})
LESION: Final = MappingProxyType({"blastic": 1, "mixed": 2, "lytic": 3})
SIZE: Final = MappingProxyType({"<1/3": 1, "1/3-2/3": 2, ">2/3": 3})


def applies(lesion: BoneLesion) -> bool:
    """Mirels is defined for the long bones of the limbs only."""
    return lesion.site in LONG_BONES


def _site(lesion: BoneLesion, path: str) -> Part:
    if lesion.site in UPPER_LIMB:
        return known("site", 1)
    if lesion.site != "femur":
        return known("site", 2)
    if lesion.region is None:
        return unknown("site", (2, 3), f"{path}.region")
    return known("site", 3 if lesion.region == "peritrochanteric" else 2)


def _part(name: str, table: MappingProxyType[str, int], value: str | None, path: str) -> Part:
    return unknown(name, table.values(), path) if value is None else known(name, table[value])


def mirels(lesion: BoneLesion, index: int) -> ScoreResult:
    """Mirels score for one long-bone lesion (``index`` locates it in ``lesions``)."""
    if not applies(lesion):
        raise ValueError(f"Mirels applies to long bones, not {lesion.site}")
    at = f"lesions[{index}]"
    parts = [
        _site(lesion, at),
        _part("pain", PAIN, lesion.pain_severity, f"{at}.pain_severity"),
        _part("lesion", LESION, lesion.appearance, f"{at}.appearance"),
        _part("size", SIZE, lesion.size_fraction, f"{at}.size_fraction"),
    ]
    notes = []
    if lesion.site == "femur" and lesion.region == "head-neck":
        notes.append(_head_neck_note(parts))
    return assemble("mirels", parts, BANDS, REFERENCES, lesion=lesion.id, notes=notes,
                    band_extra=lambda band: {"fracture_risk": FRACTURE_RISK[band]})


def _head_neck_note(parts: list[Part]) -> str:
    """Why the femoral head-neck scores as lower limb, and what the other reading would give."""
    known_points = [p.points for p in parts]
    if all(v is not None for v in known_points):
        alternative = sum(v for v in known_points if v is not None) + 1
        other = f"the total would be {alternative} ({band_of(alternative, BANDS)})"
    else:
        other = "the site would give 1 point more"
    return ("site: femoral head-neck scored as lower limb (2 points), not peritrochanteric (3) - "
            "Mirels' site item names only upper limb, lower limb and peritrochanteric, and no "
            "source places the head and neck in the peritrochanteric region (project reading); "
            f"read as peritrochanteric {other}")
