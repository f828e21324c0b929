"""What rules read: the case, its computed scores, and the derived facts several rules share.

Every helper keeps unknown apart from false: it returns ``None`` (or says what is missing)
rather than a default. Nothing here reads the clock; intervals are measured to
``case.assessed_on``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Final, Literal, TypeVar

from osseous.core.case import SPINAL_LEVELS, BoneLesion, Case, Medication, SpinalLesion
from osseous.core.results import ScoreResult
from osseous.knowledge import bma
from osseous.knowledge.primary_sites import NOMS, NOMS_NONE, PRIMARY_SITES, primary_name
from osseous.plan.calcium import CalciumStatus, calcium_status
from osseous.plan.noms import Noms, noms_for
from osseous.plan.state import PatientState, patient_state
from osseous.scores.catalog import SURVIVAL_SCORE_IDS

Lesion = SpinalLesion | BoneLesion
_L = TypeVar("_L", SpinalLesion, BoneLesion, Lesion)
_T = TypeVar("_T")

#: a histology naming Ewing sarcoma or its family (PNET, small round cell sarcoma)
_EWING: Final = re.compile(r"ewing|\bpnet\b|primitive neuroectodermal|small round cell",
                           re.IGNORECASE)


def per_lesion(fn: Callable[[Any, _L], _T]) -> Callable[[Any, _L], _T]:
    """Memoise a lesion fact on the context: every rule, the problems and the invariants read
    the same fact, computed once."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(self: Any, lesion: _L) -> _T:
        key = (name, lesion.id)
        memo = self._memo
        if key in memo:
            return memo[key]  # type: ignore[no-any-return]
        value = memo[key] = fn(self, lesion)
        return value

    return wrapper
BMA_DRUGS = bma.AGENTS


@dataclass(frozen=True, slots=True)
class Radiosensitivity:
    value: Literal["sensitive", "resistant"] | None
    source: str  # "clinician", the table's source, or why it is unknown

    @property
    def words(self) -> str:
        """Where the classification comes from, as a sentence can say it."""
        if self.source == NOMS:
            return "the project's NOMS table after Laufer 2013"
        if self.source == NOMS_NONE:
            return "not classified by the sources"
        return self.source


@dataclass(frozen=True, slots=True)
class LesionFact:
    """A shared fact about one lesion: value (None = unknown), what says so, what is missing."""

    value: bool | None
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


#: procedures that leave a spinal segment stabilised or a long bone fixed
STABILISING: Final = frozenset({"stabilization", "separation-surgery", "fixation",
                                "endoprosthesis"})
FIXING: Final = frozenset({"fixation", "endoprosthesis", "resection"})


#: the last level of the spinal cord: it ends at L1/L2 (the conus medullaris); below L1 the
#: canal holds the cauda equina. NICE NG234 covers both as metastatic spinal cord compression,
#: but what is compressed is named as it is.
LAST_CORD_LEVEL: Final = SPINAL_LEVELS.index("L1")


def compression_term(lesion: SpinalLesion) -> str:
    """"cauda equina compression" when every level of the lesion lies below L1 (or, with the
    levels unknown, the deficit is a cauda equina syndrome), otherwise "cord compression"."""
    if lesion.levels:
        below = all(SPINAL_LEVELS.index(lvl) > LAST_CORD_LEVEL for lvl in lesion.levels)
    else:
        below = lesion.neurological_deficit == "cauda-equina"
    return "cauda equina compression" if below else "cord compression"


@dataclass(frozen=True, slots=True)
class Prognosis:
    """Whether the expected survival is short (< 3 months), and what says so."""

    short: bool | None
    reasons: tuple[str, ...]


class Context:
    """The case and its scores, with shared derived facts for the rules."""

    def __init__(self, case: Case, scores: Iterable[ScoreResult], *,
                 recorded: Case | None = None) -> None:
        self.case = case
        #: the whole record, treatments dated after the assessment included (plan/as_of.py)
        self.recorded = recorded if recorded is not None else case
        self.scores = list(scores)
        self._by_key = {(s.score, s.lesion): s for s in self.scores}
        self._index = {les.id: i for i, les in enumerate(case.lesions)}
        self._memo: dict[tuple[str, str], Any] = {}

    def memo(self, key: tuple[str, str], compute: Callable[[], _T]) -> _T:
        """A fact computed once per assessment under ``key``."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    @cached_property
    def state(self) -> PatientState:
        """The patient-level facts every family reads (computed once)."""
        return patient_state(self.case, self.scores)

    # ---- scores --------------------------------------------------------------------------
    def score(self, score_id: str, lesion: str | None = None) -> ScoreResult | None:
        return self._by_key.get((score_id, lesion))

    def scores_of(self, score_id: str) -> list[ScoreResult]:
        return [s for s in self.scores if s.score == score_id]

    # ---- lesions -------------------------------------------------------------------------
    def index(self, lesion: Lesion) -> int:
        return self._index[lesion.id]

    def lesion(self, lesion_id: str) -> Lesion | None:
        i = self._index.get(lesion_id)
        return None if i is None else self.case.lesions[i]

    def path(self, lesion: Lesion, field: str) -> str:
        return f"lesions[{self.index(lesion)}].{field}"

    @cached_property
    def spinal(self) -> tuple[SpinalLesion, ...]:
        return tuple(les for _, les in self.case.spinal_lesions)

    @cached_property
    def bones(self) -> tuple[BoneLesion, ...]:
        return tuple(les for _, les in self.case.bone_lesions)

    def mescc(self, lesion: SpinalLesion) -> bool | None:
        """Cord compression (ESCC 2-3) or a neurological deficit from the lesion."""
        if lesion.escc in ("2", "3"):
            return True
        if lesion.neurological_deficit not in (None, "none"):
            return True
        if lesion.escc is None or lesion.neurological_deficit is None:
            return None
        return False

    def painful(self, lesion: Lesion) -> bool | None:
        """Pain at the site: worst pain >= 1, or a painful category recorded."""
        if lesion.worst_pain is not None:
            return lesion.worst_pain > 0
        if isinstance(lesion, SpinalLesion) and lesion.pain_character is not None:
            return lesion.pain_character != "none"
        if isinstance(lesion, BoneLesion) and lesion.pain_severity is not None:
            return True
        return None

    def high_grade_escc(self, lesion: SpinalLesion) -> bool | None:
        """ESCC 2-3 (the cord is compressed on MRI)."""
        return None if lesion.escc is None else lesion.escc in ("2", "3")

    @per_lesion
    def unstable(self, lesion: SpinalLesion) -> LesionFact:
        """SINS 13-18, including an incomplete SINS whose every completion is 13 or more
        (knowing less never removes the warning)."""
        s = self.score("sins", lesion.id)
        if s is None or s.range is None:
            return LesionFact(None, (), ())
        low, high = s.range
        if low >= 13:
            words = f"SINS {s.total}" if s.complete else f"SINS at least {low}"
            return LesionFact(True, (words,), ())
        if high < 13:
            return LesionFact(False, (f"SINS {s.total}" if s.complete
                                      else f"SINS at most {high}",), ())
        return LesionFact(None, (f"SINS {low}-{high}",), tuple(s.missing))

    def stabilised(self, lesion: Lesion) -> bool:
        """Whether a stabilising or fixing operation is recorded for this lesion."""
        return any(op.procedure in STABILISING for op in lesion.prior_surgery or ())

    def fixed(self, lesion: Lesion) -> bool:
        return any(op.procedure in FIXING for op in lesion.prior_surgery or ())

    @per_lesion
    def impending_fracture(self, lesion: BoneLesion) -> LesionFact:
        """Impending fracture of a long bone: Mirels 9 or more, or axial cortical involvement
        over 30 mm of the femur (van der Linden 2004). Unknown inputs stay unknown; Mirels 8
        (borderline) is not impending here and is handled as a judgement call. A bone already
        broken has no impending fracture: both predict a fracture, so neither applies (nor asks
        for data) once it has happened."""
        if lesion.pathological_fracture:
            return LesionFact(False, (), ())
        reasons: list[str] = []
        missing: list[str] = []
        unknown = False
        m = self.score("mirels", lesion.id)
        if m is not None:
            if m.band == "high":
                reasons.append(f"Mirels {m.total} (9 or more)")
            elif not m.complete and m.range and m.range[1] >= 9:
                unknown = True
                missing.extend(m.missing)
        if lesion.site == "femur":
            acm = lesion.axial_cortical_involvement_mm
            if acm is not None and acm > 30:
                reasons.append(f"axial cortical involvement {acm:g} mm (over 30 mm)")
            elif acm is None:
                unknown = True
                missing.append(self.path(lesion, "axial_cortical_involvement_mm"))
        if reasons:
            return LesionFact(True, tuple(reasons), ())
        return LesionFact(None if unknown else False, (), tuple(missing))

    def last_radiotherapy(self, lesion: Lesion) -> date | None:
        dates = [c.date for c in lesion.prior_radiotherapy or () if c.date is not None]
        return max(dates) if dates else None

    def days_since(self, when: date) -> int | None:
        ref = self.case.assessed_on
        return None if ref is None else (ref - when).days

    # ---- patient -------------------------------------------------------------------------
    @cached_property
    def crcl(self) -> float | None:
        s = self.score("crcl")
        return float(s.total) if s is not None and s.total is not None else None

    @cached_property
    def crcl_range(self) -> tuple[float, float] | None:
        """The creatinine clearance as known: (value, value), or the female and male values
        when only the sex is missing (Cockcroft-Gault differs by the factor 0.85); None when
        it cannot be bounded or rests on an out-of-date creatinine or weight."""
        if self.state.crcl_stale:
            return None
        if self.crcl is not None:
            return self.crcl, self.crcl
        s = self.score("crcl")
        if s is not None and s.range is not None and tuple(s.missing) == ("patient.sex",):
            lo, hi = (float(x) for x in s.range)
            return min(lo, hi), max(lo, hi)
        return None

    @cached_property
    def calcium_status(self) -> CalciumStatus:
        """Hypercalcaemia grade as known (exact, bounded by plausible albumin, or unknown)."""
        return calcium_status(self.state)

    @cached_property
    def calcium(self) -> ScoreResult | None:
        return self.score("corrected-calcium")

    @property
    def primary(self) -> str | None:
        return self.case.cancer.primary

    @property
    def primary_words(self) -> str:
        """The primary in words, for clinical text (the code stays in ``based_on``)."""
        return primary_name(self.case.cancer.primary)

    @cached_property
    def ecog(self) -> int | None:
        """ECOG as recorded, or converted from Karnofsky when that is unambiguous; an
        out-of-date good performance status is unknown (see plan.state)."""
        return self.state.ecog

    def medications(self, drugs: Iterable[str],
                    statuses: Iterable[str | None] = ("active", "planned")) -> list[Medication]:
        wanted, states = set(drugs), set(statuses)
        return [m for m in self.case.medications or ()
                if m.drug in wanted and m.status in states]

    def on_bma(self) -> list[Medication]:
        return self.medications(BMA_DRUGS)

    @cached_property
    def radiosensitivity(self) -> Radiosensitivity:
        c = self.case.cancer
        if c.radiosensitivity is not None:
            return Radiosensitivity(c.radiosensitivity, "set by clinician")
        if c.primary is None:
            return Radiosensitivity(None, "primary not recorded")
        if c.primary == "sarcoma" and c.histology and _EWING.search(c.histology):
            # the sarcoma row (radioresistant) is about soft-tissue and bone sarcomas in general;
            # Ewing sarcoma is treated with radiotherapy as a definitive local therapy, so the
            # default would mislead: the clinician classifies it
            return Radiosensitivity(None, "Ewing sarcoma: the sarcoma default (radioresistant) "
                                    "does not apply; the clinician classifies it")
        cell = PRIMARY_SITES[c.primary].noms
        return Radiosensitivity(cell.value, cell.source)

    @cached_property
    def prognosis(self) -> Prognosis:
        """Short expected survival (< 3 months), from the patient state's expected survival
        (the clinician's estimate, otherwise the survival scores' classes)."""
        sv = self.state.survival
        return Prognosis(sv.short, sv.reasons)

    def survival_scores(self) -> dict[str, object]:
        """The survival estimates side by side, never collapsed into one number."""
        return dict(self._survival_scores)

    @cached_property
    def _survival_scores(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for score_id in SURVIVAL_SCORE_IDS:
            s = self.score(score_id)
            if s is not None:
                out[score_id] = s.band if s.complete else f"incomplete {s.range}"
        est = self.case.patient.estimated_survival_months
        out["estimated_survival_months"] = est
        return out

    # ---- NOMS ----------------------------------------------------------------------------
    @per_lesion
    def noms(self, lesion: SpinalLesion) -> Noms:
        return noms_for(self, lesion)

    def noms_all(self) -> list[Noms]:
        return [self.noms(les) for les in self.spinal]
