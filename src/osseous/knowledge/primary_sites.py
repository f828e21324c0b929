"""The primary-site table: each value of the case format's ``primary`` vocabulary mapped to the
histology-dependent items of every score and to the NOMS radiosensitivity default.

Each cell carries its source. Where a source names the site explicitly the cell cites it; where
a site is only covered by a catch-all row ("others") or by the project's documented default, the
cell says so, and the score or rule that uses it shows a note (docs/clinical/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Final, Generic, Literal, TypeVar

T = TypeVar("T")


class Growth(Enum):
    """Growth class of a primary tumour (Tomita 2001; New Katagiri 2014)."""

    SLOW = "slow"
    MODERATE = "moderate"
    RAPID = "rapid"


@dataclass(frozen=True, slots=True)
class Cell(Generic[T]):
    """One table value and where it comes from; ``explicit`` is False for catch-all or default."""

    value: T
    source: str
    explicit: bool = True


KatagiriFlag = Literal["hormone_receptor_positive", "castration_resistant", "targeted_therapy"]


@dataclass(frozen=True, slots=True)
class KatagiriGroup:
    """New Katagiri primary-lesion group, possibly conditional on one ``cancer`` flag.

    ``flag`` names a boolean field of ``cancer``; ``if_true``/``if_false`` give the group for
    each value. With no flag the group is ``if_true``.
    """

    if_true: Growth
    if_false: Growth | None = None
    flag: KatagiriFlag | None = None
    source: str = "katagiri-2014"
    explicit: bool = True


Radiosensitivity = Literal["sensitive", "resistant"]


@dataclass(frozen=True, slots=True)
class PrimarySite:
    name: str
    tokuhashi: Cell[int]
    tomita: Cell[Growth]
    katagiri: KatagiriGroup
    bauer_lung: bool
    bauer_favourable: bool
    chow_breast: bool
    teachh_breast_or_prostate: bool
    noms: Cell[Radiosensitivity | None]


S, M, R = Growth.SLOW, Growth.MODERATE, Growth.RAPID

# Source notes used in the cells below.
TOK = "tokuhashi-2005"  # revised primary-site item, NICE CG75 reprint
TOK_OTHERS = "tokuhashi-2005: not listed, scored as 'others' (2)"
TOM = "tomita-2001"  # growth examples reproduced in secondary sources
TOM_DEFAULT = "project default: Tomita 2001 table not reached; class taken from Katagiri 2014"
KAT_OTHERS = "katagiri-2014: 'others' (moderate growth); tumour lists provisional"
NOMS = "laufer-2013; docs/clinical/decisions.md (radiosensitivity defaults)"
#: sources behind the radiosensitivity defaults (Maranzano: breast, prostate and myeloma respond
#: to radiotherapy even when compression is diagnosed late)
NOMS_SOURCES: Final = ("laufer-2013", "maranzano-1995", "patchell-2005")
NOMS_NONE = "not classified by the sources reached: the clinician sets cancer.radiosensitivity"


def _site(
    name: str,
    tokuhashi: int | tuple[int, str],
    tomita: Growth | tuple[Growth, str],
    katagiri: KatagiriGroup,
    noms: Radiosensitivity | None,
) -> PrimarySite:
    tok = Cell(tokuhashi, TOK) if isinstance(tokuhashi, int) else Cell(
        tokuhashi[0], tokuhashi[1], explicit=False)
    tom = Cell(tomita, TOM) if isinstance(tomita, Growth) else Cell(
        tomita[0], tomita[1], explicit=False)
    lung = name in ("lung-nsclc", "lung-sclc")
    return PrimarySite(
        name=name,
        tokuhashi=tok,
        tomita=tom,
        katagiri=katagiri,
        bauer_lung=lung,
        bauer_favourable=name in ("breast", "kidney", "lymphoma", "myeloma"),
        chow_breast=name == "breast",
        teachh_breast_or_prostate=name in ("breast", "prostate"),
        noms=Cell(noms, NOMS) if noms else Cell(None, NOMS_NONE, explicit=False),
    )


def _kat(group: Growth) -> KatagiriGroup:
    return KatagiriGroup(group)


_KAT_OTHERS = KatagiriGroup(M, source=KAT_OTHERS, explicit=False)
_LUNG = KatagiriGroup(M, R, "targeted_therapy")

_SITES: Final = (
    _site("breast", 5, S, KatagiriGroup(S, M, "hormone_receptor_positive"), "sensitive"),
    _site("prostate", 5, S, KatagiriGroup(M, S, "castration_resistant"), "sensitive"),
    _site("lung-nsclc", 0, R, _LUNG, "resistant"),
    _site("lung-sclc", 0, R, _LUNG, None),
    _site("kidney", 3, M, _kat(M), "resistant"),
    _site("thyroid", 5, S, _kat(S), "resistant"),
    _site("myeloma", (2, TOK_OTHERS), (S, TOM_DEFAULT), _kat(S), "sensitive"),
    _site("lymphoma", (2, TOK_OTHERS), (S, TOM_DEFAULT), _kat(S), "sensitive"),
    _site("colon", (2, TOK_OTHERS), R, _kat(R), "resistant"),
    _site("rectum", 4, (R, TOM_DEFAULT), _kat(R), "resistant"),
    _site("stomach", 0, R, _kat(R), "resistant"),
    _site("esophagus", 0, (R, TOM_DEFAULT), _kat(R), "resistant"),
    _site("pancreas", 0, (R, TOM_DEFAULT), _kat(R), "resistant"),
    _site("liver", 1, R, _kat(R), "resistant"),
    _site("gallbladder", 1, (R, TOM_DEFAULT), _kat(R), None),
    _site("bladder", 0, (R, TOM_DEFAULT), _kat(R), None),
    _site("uterus", 3, M, _kat(M), None),
    _site("cervix", (2, TOK_OTHERS), (R, TOM_DEFAULT), _kat(R), None),
    _site("ovary", (2, TOK_OTHERS), (M, TOM_DEFAULT), _kat(M), "sensitive"),
    _site("head-and-neck", (2, TOK_OTHERS), (R, TOM_DEFAULT), _kat(R), None),
    _site("melanoma", (2, TOK_OTHERS), (R, TOM_DEFAULT), _kat(R), "resistant"),
    _site("sarcoma", (2, TOK_OTHERS + "; osteosarcoma would score 0"), (M, TOM_DEFAULT),
          _kat(M), "resistant"),
    _site("carcinoid", 5, (M, TOM_DEFAULT), _KAT_OTHERS, "sensitive"),
    _site("germ-cell", (2, TOK_OTHERS), (M, TOM_DEFAULT), _KAT_OTHERS, "sensitive"),
    _site("unknown-primary", 1, R, _kat(R), None),
    _site("other", (2, TOK_OTHERS), (M, TOM_DEFAULT), _KAT_OTHERS, None),
)

#: the primaries of the case format as a clinician names them in a sentence
PRIMARY_NAMES: Final = MappingProxyType({
    "breast": "breast cancer", "prostate": "prostate cancer",
    "lung-nsclc": "non-small-cell lung cancer", "lung-sclc": "small-cell lung cancer",
    "kidney": "renal cell carcinoma", "thyroid": "thyroid cancer", "myeloma": "myeloma",
    "lymphoma": "lymphoma", "colon": "colon cancer", "rectum": "rectal cancer",
    "stomach": "gastric cancer", "esophagus": "oesophageal cancer",
    "pancreas": "pancreatic cancer", "liver": "hepatocellular carcinoma",
    "gallbladder": "gallbladder cancer", "bladder": "bladder cancer",
    "uterus": "uterine cancer", "cervix": "cervical cancer", "ovary": "ovarian cancer",
    "head-and-neck": "head and neck cancer", "melanoma": "melanoma", "sarcoma": "sarcoma",
    "carcinoid": "neuroendocrine tumour", "germ-cell": "germ-cell tumour",
    "unknown-primary": "cancer of unknown primary", "other": "cancer of another primary site",
})


def primary_name(code: str | None) -> str:
    """A primary of the case format in words (``lung-nsclc`` -> non-small-cell lung cancer)."""
    if code is None:
        return "cancer of unrecorded primary"
    return PRIMARY_NAMES.get(code, code.replace("-", " "))


PRIMARY_SITES: Final[MappingProxyType[str, PrimarySite]] = MappingProxyType(
    {s.name: s for s in _SITES}
)
