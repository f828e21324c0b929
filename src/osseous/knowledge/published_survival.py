"""Published survival of each band of the survival scores, as typed data with its provenance.

One :class:`BandSurvival` per band of each survival score - the scores and their band order are
those of the score catalogue (``osseous.scores.catalog.SURVIVAL_SCORES``, which checks this
table against itself when imported: a score or band missing here fails loudly) - holding the
published figure(s) for that group or, where no figure could be sourced, ``figures=None`` and
the reason. Each :class:`PublishedFigure` names its citation id, the
cohort it comes from and how far it was checked, with the tags of the project's reference notes:

* ``V-primary``: seen in the paper's own abstract or table, or in a reprint made with the
  author's permission;
* ``V-2nd``: two or more independent secondary sources agree;
* ``U``: a single secondary source or an unchecked recollection. Kept so that a local cohort can
  be compared with the figure, never to be shown as verified.

Unverified figures are listed only for bands that have no verified figure. Figures come from
``shared/reference/scores.md`` and ``verification.md`` and the score modules; the Chow NRF
quotation was re-read in the Mojica-Marquez 2020 abstract (PMC7433812) and the TEACHH group A and
B medians in the Krishnan 2014 abstract (PMC4447100). Published figures are rounded; each
carries the unit of its last digit (``resolution``), and the figure stands for every value that
rounds to it. The table with sources is in docs/clinical/published-survival.md.

References: tokuhashi-2005 (via nice-cg75-2008), bauer-1995, leithner-2008, katagiri-2014,
krishnan-2014, mojica-marquez-2020; tomita-2001, ghori-2015 and schoenfeld-2021 for the bands
without a figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from osseous.knowledge.citations import cite

Verification = Literal["V-primary", "V-2nd", "U"]
#: derivation: the paper that defined the score; validation: a later, independent cohort;
#: quoted: a later paper quotes the figure as the group's expected survival, with no cohort of
#: its own behind it (the figure's origin is then unverified)
Cohort = Literal["derivation", "validation", "quoted"]


def _fmt(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True, slots=True)
class MedianSurvival:
    """Median survival of the group, in months, with its published 95 % interval if any."""

    months: float
    resolution: float = 0.1
    ci95: tuple[float, float] | None = None

    @property
    def kind(self) -> str:
        return "median"

    def bounds(self) -> tuple[float, float]:
        """Every value that rounds to the published figure."""
        half = self.resolution / 2
        return max(0.0, self.months - half), self.months + half

    def describe(self) -> str:
        ci = (f" (95% CI {_fmt(self.ci95[0])}-{_fmt(self.ci95[1])})"
              if self.ci95 is not None else "")
        return f"median {self.months:.1f} months{ci}"


@dataclass(frozen=True, slots=True)
class SurvivalAt:
    """Proportion of the group alive ``months`` after the origin."""

    months: int
    proportion: float
    resolution: float = 0.01

    @property
    def kind(self) -> str:
        return "survival"

    def bounds(self) -> tuple[float, float]:
        half = self.resolution / 2
        return max(0.0, self.proportion - half), min(1.0, self.proportion + half)

    def describe(self) -> str:
        if self.resolution >= 0.1:  # published as a proportion to one decimal
            low, high = self.bounds()
            return (f"survival at {self.months} months {self.proportion:.1f} (one decimal: "
                    f"{low * 100:g}-{high * 100:g}%)")
        digits = len(f"{self.resolution * 100:g}".partition(".")[2])
        return f"survival at {self.months} months {self.proportion * 100:.{digits}f}%"


@dataclass(frozen=True, slots=True)
class SurvivalThreshold:
    """A predicted survival period: ``< months`` or ``>= months`` (revised Tokuhashi)."""

    months: int
    relation: Literal["<", ">="]

    @property
    def kind(self) -> str:
        return "threshold"

    def describe(self) -> str:
        return f"predicted survival {self.relation} {self.months} months"


Figure = MedianSurvival | SurvivalAt | SurvivalThreshold


@dataclass(frozen=True, slots=True)
class PublishedFigure:
    """One published figure with where it comes from and how far it was checked."""

    figure: Figure
    citation: str
    cohort: Cohort
    verification: Verification
    #: where the figure was actually read, when not in the cited paper itself
    seen_in: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        cite(self.citation, *((self.seen_in,) if self.seen_in else ()))


@dataclass(frozen=True, slots=True)
class BandSurvival:
    """The published survival of one band: figures, or None with the reason there are none."""

    score: str
    band: str
    totals: tuple[int, int]
    figures: tuple[PublishedFigure, ...] | None
    reason: str | None = None

    def __post_init__(self) -> None:
        if (self.figures is None) == (self.reason is None) or self.figures == ():
            raise ValueError(f"{self.score}/{self.band}: give figures or a reason, one only")


_P, _B = PublishedFigure, BandSurvival


def _tokuhashi(band: str, totals: tuple[int, int], months: int,
               relation: Literal["<", ">="]) -> BandSurvival:
    return _B("tokuhashi-revised", band, totals, (_P(
        SurvivalThreshold(months, relation), "tokuhashi-2005", "derivation", "V-primary",
        seen_in="nice-cg75-2008",
        note="the predicted prognosis of the band as printed in the NICE CG75 reprint, made "
             "with the author's corrections; a prediction, not an observed statistic"),))


_TOMITA_REASON = (
    "no verified survival: the mean survival per band is quoted in two different, unverified "
    "sets and the Tomita 2001 table was not reached (verification.md 4: do not display "
    "per-band survival); a mean is also not comparable with Kaplan-Meier estimates")
_NESMS_REASON = (
    "no survival per score was reached: the Ghori 2015 derivation was not reached, and the "
    "prospective validation (Schoenfeld 2021 abstract) gives only odds ratios of 1-year "
    "mortality against NESMS 3 (7.04 for NESMS 2, 31.30 for NESMS 1; NESMS 0 cut off), which "
    "are relative, not survival")
_KATAGIRI_ABSTRACT = "Katagiri 2014 abstract, for score {}; the band is exactly that range"
_KATAGIRI_U = ("unverified: the Katagiri 2014 survival table was not reached; verification.md 1c "
               "says to label intermediate-band figures unverified")
_LEITHNER_U = ("unverified (verification.md 7a): neither this figure nor whether Leithner 2008 "
               "reported medians or means was seen in the paper; commonly quoted")
_CHOW_QUOTED = (
    "unverified (verification.md 7b): the Mojica-Marquez 2020 abstract (re-read for this "
    "table, PMC7433812) says group {} patients were 'expected to live' this long; the reference "
    "notes read it as a median. Not an observation of that paper's cohort (all died within 90 "
    "days) and not found in the Chow 2008 abstract")
_TEACHH_NOTE = ("Krishnan 2014 abstract; which chemotherapy threshold (abstract >= 2, Table 2 "
                "> 2 courses) produced the medians is not known; Osseous groups by Table 2")

_BANDS: Final[tuple[BandSurvival, ...]] = (
    # --- revised Tokuhashi: predicted prognosis (tokuhashi-2005 via nice-cg75-2008) ---------
    _tokuhashi("lt-6-months", (0, 8), 6, "<"),
    _tokuhashi("gte-6-months", (9, 11), 6, ">="),
    _tokuhashi("gte-12-months", (12, 15), 12, ">="),
    # --- Tomita: strategy bands, no survival (tomita-2001) --------------------------------
    _B("tomita", "long-term", (2, 3), None, _TOMITA_REASON),
    _B("tomita", "middle-term", (4, 5), None, _TOMITA_REASON),
    _B("tomita", "short-term", (6, 7), None, _TOMITA_REASON),
    _B("tomita", "terminal-care", (8, 10), None, _TOMITA_REASON),
    # --- Bauer: "1-year survival ranging from 0.5 to 0.0" (bauer-1995 abstract) -----------
    _B("bauer", "poor", (0, 1), (_P(
        SurvivalAt(12, 0.0, 0.1), "bauer-1995", "derivation", "V-primary",
        note="the abstract's lowest of three groups (0.0, one decimal); that it is the 0-1 "
             "band rests on the secondary band cut-offs"),)),
    _B("bauer", "intermediate", (2, 3), (_P(
        SurvivalAt(12, 0.25, 0.01), "bauer-1995", "derivation", "U",
        note="unverified: 'about 25%' is commonly quoted; the abstract gives only the ends of "
             "the range"),)),
    _B("bauer", "good", (4, 5), (_P(
        SurvivalAt(12, 0.5, 0.1), "bauer-1995", "derivation", "V-primary",
        note="the abstract's highest of three groups (0.5, one decimal); that it is the 4-5 "
             "band rests on the secondary band cut-offs"),)),
    # --- modified Bauer (leithner-2008) ---------------------------------------------------
    _B("bauer-modified", "poor", (0, 1), (_P(
        MedianSurvival(4.8), "leithner-2008", "derivation", "U", note=_LEITHNER_U),)),
    _B("bauer-modified", "moderate", (2, 2), (_P(
        MedianSurvival(18.2), "leithner-2008", "derivation", "U", note=_LEITHNER_U),)),
    _B("bauer-modified", "good", (3, 4), (_P(
        MedianSurvival(28.4), "leithner-2008", "derivation", "U", note=_LEITHNER_U),)),
    # --- New Katagiri (katagiri-2014) -----------------------------------------------------
    _B("katagiri-new", "low", (0, 3), (
        _P(SurvivalAt(12, 0.91), "katagiri-2014", "derivation", "V-primary",
           note=_KATAGIRI_ABSTRACT.format("<= 3")),
        _P(SurvivalAt(24, 0.78), "katagiri-2014", "derivation", "V-primary",
           note=_KATAGIRI_ABSTRACT.format("<= 3")))),
    _B("katagiri-new", "intermediate", (4, 6), (
        _P(SurvivalAt(6, 0.74), "katagiri-2014", "derivation", "U",
           note=_KATAGIRI_U + "; 74.0% (reference table) and 73.9% (Ugur, as quoted) both "
                              "round to 74%"),
        _P(SurvivalAt(12, 0.49), "katagiri-2014", "derivation", "U",
           note=_KATAGIRI_U + "; 49% (one implementation) and 49.3% (reference table)"),
        _P(SurvivalAt(24, 0.276, 0.001), "katagiri-2014", "derivation", "U",
           note=_KATAGIRI_U + "; 27.6% from the reference table only"))),
    _B("katagiri-new", "high", (7, 10), (
        _P(SurvivalAt(6, 0.27), "katagiri-2014", "derivation", "V-primary",
           note=_KATAGIRI_ABSTRACT.format(">= 7")),
        _P(SurvivalAt(12, 0.06), "katagiri-2014", "derivation", "V-primary",
           note=_KATAGIRI_ABSTRACT.format(">= 7")))),
    # --- NESMS: the band is the total (ghori-2015, schoenfeld-2021) -----------------------
    *(_B("nesms", str(n), (n, n), None, _NESMS_REASON) for n in range(4)),
    # --- Chow NRF: expected survival quoted by mojica-marquez-2020 ------------------------
    _B("chow-nrf", "group-1", (0, 1), (_P(
        MedianSurvival(15.0), "mojica-marquez-2020", "quoted", "U",
        note=_CHOW_QUOTED.format("I")),)),
    _B("chow-nrf", "group-2", (2, 2), (_P(
        MedianSurvival(6.5), "mojica-marquez-2020", "quoted", "U",
        note=_CHOW_QUOTED.format("II")),)),
    _B("chow-nrf", "group-3", (3, 3), (_P(
        MedianSurvival(2.3), "mojica-marquez-2020", "quoted", "U",
        note=_CHOW_QUOTED.format("III")),)),
    # --- TEACHH (krishnan-2014; n = 862) --------------------------------------------------
    _B("teachh", "A", (0, 1), (_P(
        MedianSurvival(19.9, ci95=(13.9, 31.1)), "krishnan-2014", "derivation", "V-primary",
        note=_TEACHH_NOTE),)),
    _B("teachh", "B", (2, 4), (_P(
        MedianSurvival(5.0, ci95=(4.3, 5.6)), "krishnan-2014", "derivation", "V-primary",
        note=_TEACHH_NOTE),)),
    _B("teachh", "C", (5, 6), (_P(
        MedianSurvival(1.7, ci95=(1.2, 2.1)), "krishnan-2014", "derivation", "V-primary",
        note=_TEACHH_NOTE),)),
)


def _index() -> Mapping[str, Mapping[str, BandSurvival]]:
    out: dict[str, dict[str, BandSurvival]] = {}
    for b in _BANDS:
        out.setdefault(b.score, {})[b.band] = b
    return MappingProxyType({s: MappingProxyType(bands) for s, bands in out.items()})


#: score id -> band id -> its published survival, bands in ascending order of total (the set of
#: scores and the band order are checked against the score catalogue's survival scores)
PUBLISHED_SURVIVAL: Final = _index()


def band_survival(score: str, band: str) -> BandSurvival:
    """The published survival of ``band`` of ``score``; KeyError naming the unknown one."""
    bands = PUBLISHED_SURVIVAL.get(score)
    if bands is None:
        raise KeyError(f"score: unknown survival score {score!r} "
                       f"(known: {', '.join(sorted(PUBLISHED_SURVIVAL))})")
    if band not in bands:
        raise KeyError(f"band: {score} has no band {band!r} (known: {', '.join(bands)})")
    return bands[band]


def markdown_table() -> str:
    """The table of docs/clinical/published-survival.md (kept in step by a test)."""
    rows = ["| score | band | totals | published figure | source | cohort | verification |",
            "|---|---|---|---|---|---|---|"]
    for b in _BANDS:
        totals = f"{b.totals[0]}-{b.totals[1]}" if b.totals[0] != b.totals[1] else str(
            b.totals[0])
        if b.figures is None:
            rows.append(f"| `{b.score}` | `{b.band}` | {totals} | none | - | - | - |")
            continue
        for f in b.figures:
            source = f"`{f.citation}`" + (f" (seen in `{f.seen_in}`)" if f.seen_in else "")
            rows.append(f"| `{b.score}` | `{b.band}` | {totals} | {f.figure.describe()} | "
                        f"{source} | {f.cohort} | {f.verification} |")
    return "\n".join(rows)
