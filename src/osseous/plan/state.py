"""The patient as a person, computed once per assessment and read by every treatment family.

Each part keeps unknown apart from false and says what it rests on:

* vital status: a recorded ``death`` event (on or before the reference date) ends the plan;
* goal of care: ``life-prolonging``, ``palliative`` (symptom control with disease-directed
  treatment) or ``comfort`` (end of life, symptom control only), and what each permits;
* expected survival: the clinician's estimate when given, otherwise the survival scores' classes,
  with a discordance note when the estimate and two or more complete scores disagree;
* performance status, marrow reserve and renal function, shared by every agent that needs them;
* age (under 18: the adult rules and doses do not apply), pregnancy, refusals and surgical
  candidacy.

The thresholds are documented in docs/clinical/decisions.md with their sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal

from osseous.core.case import Case, Lab
from osseous.core.results import ScoreResult
from osseous.plan.model import Family
from osseous.plan.workup import BODY_MAX_AGE_DAYS, MAX_AGE_DAYS
from osseous.scores import facts

SurvivalClass = Literal["short", "intermediate", "long"]
Goal = Literal["life-prolonging", "palliative", "comfort"]

#: survival classes: short < 3 months (Patchell's and ESMO's 3-month thresholds), intermediate
#: 3-12 months, long >= 12 months. A clinician's estimate in months falls in one of them.
SHORT_MONTHS: Final = 3.0
LONG_MONTHS: Final = 12.0

#: (score, band) -> survival class, from the group's published median (knowledge/
#: published_survival.py): TEACHH A 19.9 / B 5.0 / C 1.7 months (Krishnan 2014); Chow NRF
#: groups 15.0 / 6.5 / 2.3 months (quoted by Mojica-Marquez 2020); New Katagiri low (0-3) 1-year
#: survival 91 %, intermediate (4-6) 49 %, high (7-10) 27 % at 6 months (Katagiri 2014). Scores
#: whose bands straddle the classes (Tokuhashi "< 6 months", Tomita strategies, Bauer, NESMS) are
#: shown beside the plan but do not set a class.
SCORE_CLASSES: Final[Mapping[tuple[str, str], tuple[SurvivalClass, str]]] = {
    ("teachh", "A"): ("long", "TEACHH group A (median 19.9 months)"),
    ("teachh", "B"): ("intermediate", "TEACHH group B (median 5.0 months)"),
    ("teachh", "C"): ("short", "TEACHH group C (median 1.7 months)"),
    ("chow-nrf", "group-1"): ("long", "Chow group I (expected 15.0 months)"),
    ("chow-nrf", "group-2"): ("intermediate", "Chow group II (expected 6.5 months)"),
    ("chow-nrf", "group-3"): ("short", "Chow group III (expected 2.3 months)"),
    ("katagiri-new", "low"): ("long", "New Katagiri 0-3 (91% alive at 1 year)"),
    ("katagiri-new", "intermediate"): ("intermediate", "New Katagiri 4-6 (49% alive at 1 year)"),
    ("katagiri-new", "high"): ("short", "New Katagiri 7 or more (27% alive at 6 months)"),
}
CLASS_WORDS: Final = {"short": "under 3 months", "intermediate": "3 to under 12 months",
                      "long": "12 months or more"}

#: families that treat the disease rather than only its symptoms: a comfort goal of care excludes
#: them (surgery and SBRT are handled per option, see permitted_by_goal)
DISEASE_DIRECTED: Final[frozenset[Family]] = frozenset({"systemic-therapy",
                                                        "radiopharmaceutical"})

#: the oldest a laboratory result may be and still be used for dosing and alerts (days before the
#: reference date): the limits the work-up uses to ask for a new result
LAB_MAX_AGE_DAYS: Final = {a: MAX_AGE_DAYS[a] for a in (
    "calcium", "ionized-calcium", "albumin", "creatinine", "platelets", "anc", "hemoglobin",
    "wbc")}

#: the expected survival prophylactic fixation must exceed: 6 weeks (42 days in months of
#: 30.4375 days). AAOS 2023: patients with about one month of expected survival may not be
#: candidates for prophylactic fixation [V-S]; the "expected survival > 6 weeks" threshold
#: commonly attributed to the BOA/BOOS femur guidance [U] is taken as the edge of "about one
#: month" (docs/clinical/decisions.md). An established fracture is not bound by it.
PROPHYLACTIC_FIXATION_MIN_MONTHS: Final = 42 / 30.4375

#: performance status at or above which systemic therapy and radiopharmaceuticals are not
#: recommended: ALSYMPCA and VISION enrolled ECOG 0-2 only; ASCO's Choosing Wisely advises
#: against cancer-directed therapy for solid tumours with ECOG 3-4 (docs/clinical/decisions.md)
ECOG_LIMIT_SYSTEMIC: Final = 3
ADULT_AGE: Final = 18


def survival_class(months: float) -> SurvivalClass:
    if months < SHORT_MONTHS:
        return "short"
    return "intermediate" if months < LONG_MONTHS else "long"


@dataclass(frozen=True, slots=True)
class Survival:
    """Expected survival: the class used by the plan, what it rests on, and any discordance."""

    klass: SurvivalClass | None
    months: float | None  # the clinician's estimate, when given
    source: Literal["clinician", "scores", "unknown"]
    reasons: tuple[str, ...]
    discordance: str | None = None
    #: the disagreement spans the whole range (12 months or more against under 3 months)
    discordance_wide: bool = False

    @property
    def short(self) -> bool | None:
        return None if self.klass is None else self.klass == "short"

    def under(self, months: float) -> bool | None:
        """Whether expected survival is under ``months``: known only from the clinician's
        estimate, or from a score class wholly below it (short is < 3 months)."""
        if self.months is not None:
            return self.months < months
        if self.klass == "short" and months >= SHORT_MONTHS:
            return True
        if self.klass == "long" and months <= LONG_MONTHS:
            return False
        if self.klass == "intermediate" and months <= SHORT_MONTHS:
            return False
        return None

    def to_dict(self) -> dict[str, object]:
        return {"class": self.klass, "words": CLASS_WORDS.get(self.klass or "", None),
                "months": self.months, "source": self.source, "reasons": list(self.reasons),
                "discordance": self.discordance}


def in_months(months: float) -> str:
    """A number of months for a sentence: "1 month", "2.5 months"."""
    return f"{months:g} month" + ("" if months == 1 else "s")


@dataclass(frozen=True, slots=True)
class LabValue:
    analyte: str
    value: float  # canonical unit
    unit: str
    date: date | None
    age_days: int | None
    stale: bool
    #: the value and unit as the laboratory reported them (text shows these first)
    given_value: float | None = None
    given_unit: str | None = None

    def amount(self) -> str:
        """The value in the unit the user gave, with the canonical one in brackets when they
        differ: "2.90 mmol/L [11.6 mg/dL]"."""
        return amount(self.value, self.unit, self.given_value, self.given_unit)

    def describe(self) -> str:
        when = f" on {self.date.isoformat()}" if self.date else " (undated)"
        return f"{self.amount()}{when}"


def number(value: float, unit: str) -> str:
    """A value rounded for reading: two decimals in mmol/L (2.90), none in g/L or umol/L,
    one in mg/dL and g/dL (11.6 mg/dL), as given otherwise."""
    if unit == "mmol/L":
        return f"{value:.2f}"
    if unit in ("g/L", "umol/L"):
        return f"{value:.0f}"
    if unit in ("mg/dL", "g/dL"):
        return f"{value:.1f}"
    return f"{value:g}"


def amount(value: float, unit: str, given_value: float | None = None,
           given_unit: str | None = None) -> str:
    if given_unit is None or given_value is None or given_unit == unit:
        return f"{number(value, unit)} {unit}"
    return f"{number(given_value, given_unit)} {given_unit} [{number(value, unit)} {unit}]"


@dataclass(frozen=True, slots=True)
class Threshold:
    """A minimum count for an agent, with its source."""

    analyte: str
    minimum: float
    source: str


@dataclass(frozen=True, slots=True)
class CountCheck:
    """Result of checking blood counts against an agent's thresholds."""

    below: tuple[str, ...]
    missing: tuple[str, ...]
    stale: tuple[str, ...]
    values: Mapping[str, float | None]

    @property
    def ok(self) -> bool | None:
        if self.below:
            return False
        return None if self.missing or self.stale else True


@dataclass(frozen=True)
class PatientState:
    """Patient-level facts every family reads (build with :func:`patient_state`)."""

    deceased: bool | None
    death_date: date | None
    goal: Goal | None
    survival: Survival
    ecog: int | None
    age: int | None
    pregnant: bool | None
    sex: str | None
    declines: frozenset[str]
    surgical_candidate: bool | None
    labs: Mapping[str, LabValue] = field(default_factory=dict)
    crcl: float | None = None
    crcl_stale: bool = False
    dialysis: bool | None = None
    weight: float | None = None  # a current weight only (None when unknown or out of date)
    out_of_date: tuple[str, ...] = ()  # weight or performance status too old to act on

    # ---- gates -----------------------------------------------------------------------
    @property
    def minor(self) -> bool | None:
        return None if self.age is None else self.age < ADULT_AGE

    def declined(self, family: str) -> bool:
        return family in self.declines

    @property
    def pregnancy_possible(self) -> bool:
        """Pregnancy unknown in a patient who may be a woman of child-bearing age (female or
        sex unrecorded - not a prostate primary -; 12-55 years or age unknown)."""
        return self.pregnant is None and self.sex in ("female", None) and (
            self.age is None or 12 <= self.age <= 55)

    @property
    def surgery_possible(self) -> bool | None:
        """Whether surgery can be offered at all: not when the patient is not a candidate,
        declines it, or the goal is comfort."""
        if self.surgical_candidate is False or "surgery" in self.declines \
                or self.goal == "comfort" or self.deceased:
            return False
        return self.surgical_candidate

    @property
    def too_short_for_prophylactic_fixation(self) -> bool | None:
        """Expected survival of 6 weeks or less (about a month): prophylactic fixation is not
        justified (AAOS 2023; :data:`PROPHYLACTIC_FIXATION_MIN_MONTHS`)."""
        return self.survival.under(PROPHYLACTIC_FIXATION_MIN_MONTHS)

    def surgery_barrier(self) -> str | None:
        if self.surgical_candidate is False:
            return "not a surgical candidate"
        if "surgery" in self.declines:
            return "the patient declines surgery"
        if self.goal == "comfort":
            return "the goal of care is comfort"
        return None

    @property
    def too_frail_for_systemic(self) -> bool | None:
        return None if self.ecog is None else self.ecog >= ECOG_LIMIT_SYSTEMIC

    def lab(self, analyte: str) -> LabValue | None:
        return self.labs.get(analyte)

    def current(self, analyte: str) -> float | None:
        """A lab value recent enough to act on (never a stale one)."""
        v = self.labs.get(analyte)
        return None if v is None or v.stale else v.value

    def check_counts(self, thresholds: Iterable[Threshold]) -> CountCheck:
        below, missing, stale, values = [], [], [], {}
        for t in thresholds:
            v = self.labs.get(t.analyte)
            values[t.analyte] = v.value if v else None
            if v is None:
                missing.append(f"labs.{t.analyte}")
            elif v.value < t.minimum:
                # a low count stays a warning even when old: it cannot be assumed recovered
                below.append(f"{_LAB_WORDS.get(t.analyte, t.analyte)} {v.value:g} below "
                             f"{t.minimum:g} ({t.source})")
            elif v.stale:
                stale.append(f"labs.{t.analyte}")
        return CountCheck(tuple(below), tuple(missing), tuple(stale), values)

    def to_dict(self) -> dict[str, object]:
        return {"deceased": self.deceased,
                "death_date": self.death_date.isoformat() if self.death_date else None,
                "goal": self.goal, "expected_survival": self.survival.to_dict(),
                "ecog": self.ecog, "age_years": self.age, "minor": self.minor,
                "pregnant": self.pregnant, "declines": sorted(self.declines),
                "surgical_candidate": self.surgical_candidate,
                "surgery_possible": self.surgery_possible,
                "crcl_ml_min": self.crcl, "crcl_from_stale_creatinine": self.crcl_stale,
                "stale_labs": sorted(k for k, v in self.labs.items() if v.stale),
                "out_of_date": list(self.out_of_date)}


_LAB_WORDS: Final = {"anc": "neutrophils", "platelets": "platelets", "hemoglobin": "haemoglobin",
                     "wbc": "white cells"}


def _death(case: Case) -> tuple[bool | None, date | None]:
    ref = case.assessed_on
    for e in case.events or ():
        if e.type == "death" and (e.date is None or ref is None or e.date <= ref):
            return True, e.date
    return None, None


def _lab(case: Case, analyte: str) -> LabValue | None:
    lab: Lab | None = facts.latest_lab(case, analyte)
    if lab is None:
        return None
    ref = case.assessed_on
    age = (ref - lab.date).days if ref is not None and lab.date is not None else None
    limit = LAB_MAX_AGE_DAYS.get(analyte)
    stale = limit is not None and age is not None and age > limit
    return LabValue(analyte, lab.canonical_value, lab.canonical_unit, lab.date, age, stale,
                    lab.value, lab.unit)


def expected_survival(case: Case, scores: Mapping[tuple[str, str | None], ScoreResult]
                      ) -> Survival:
    """The clinician's estimate when given, otherwise the classes of the complete scores.

    Without an estimate, any complete score in the short class makes the class short (a plan
    must not offer what a short prognosis forbids while one validated score says so); the
    disagreement is stated. With an estimate, two or more complete scores in another class
    give a discordance note (never a silent preference).
    """
    est = case.patient.estimated_survival_months
    found: list[tuple[SurvivalClass, str]] = []
    for (score_id, band), (klass, text) in SCORE_CLASSES.items():
        s = scores.get((score_id, None))
        if s is not None and s.complete and s.band == band:
            found.append((klass, text))
    if est is not None:
        klass = survival_class(est)
        other = [text for k, text in found if k != klass]
        note = None
        if len(other) >= 2:
            note = (f"The clinician's estimate of {in_months(est)} (in the band "
                    f"{CLASS_WORDS[klass]}) differs "
                    "from " + "; ".join(other) + ": the estimate is used; discuss.")
        wide = sum(1 for k, _ in found if {k, klass} == {"short", "long"}) >= 2
        return Survival(klass, est, "clinician", (f"clinician's estimate {in_months(est)}",),
                        note, wide)
    if not found:
        return Survival(None, None, "unknown", ())
    classes = {k for k, _ in found}
    reasons = tuple(text for _, text in found)
    if len(classes) == 1:
        return Survival(found[0][0], None, "scores", reasons)
    klass = "short" if "short" in classes else "intermediate"
    return Survival(klass, None, "scores", reasons,
                    "The survival scores disagree (" + "; ".join(reasons) + "): the shorter "
                    "class is used until the clinician records an estimate.")


def _too_old(case: Case, when: date | None, kind: str) -> bool:
    ref = case.assessed_on
    return when is not None and ref is not None and (ref - when).days > BODY_MAX_AGE_DAYS[kind]


def patient_state(case: Case, scores: Iterable[ScoreResult]) -> PatientState:
    by_key = {(s.score, s.lesion): s for s in scores}
    p = case.patient
    deceased, death_date = _death(case)
    out_of_date = tuple(kind for kind, when in (("weight_kg", p.weight_measured_on),
                                                 ("ecog", p.ecog_assessed_on),
                                                 ("karnofsky", p.karnofsky_assessed_on))
                        if _too_old(case, when, kind))
    goal: Goal | None = p.goal if p.goal in ("life-prolonging", "palliative", "comfort") \
        else None
    scale = facts.ecog(case)
    ecog = scale.values[0] if len(scale.values) == 1 else None
    if ecog is None and scale.values and min(scale.values) >= ECOG_LIMIT_SYSTEMIC:
        ecog = min(scale.values)  # every conversion is at or above the limit
    if ecog is not None and ecog < ECOG_LIMIT_SYSTEMIC and (
            "ecog" in out_of_date or (p.ecog is None and "karnofsky" in out_of_date)):
        # an old good performance status cannot open a gate; an old poor one still closes it
        ecog = None
    labs = {a: v for a in LAB_MAX_AGE_DAYS if (v := _lab(case, a)) is not None}
    crcl_score = by_key.get(("crcl", None))
    crcl = float(crcl_score.total) if crcl_score is not None and crcl_score.total is not None \
        else None
    creat = labs.get("creatinine")
    return PatientState(
        deceased=deceased, death_date=death_date, goal=goal,
        survival=expected_survival(case, by_key), ecog=ecog, age=facts.age_years(case),
        pregnant=p.pregnant,
        sex=p.sex if p.sex is not None or case.cancer.primary != "prostate" else "male",
        declines=frozenset(p.declines or ()),
        surgical_candidate=p.surgical_candidate, labs=labs, crcl=crcl,
        crcl_stale=bool(creat and creat.stale) or "weight_kg" in out_of_date,
        dialysis=p.dialysis, weight=None if "weight_kg" in out_of_date else p.weight_kg,
        out_of_date=out_of_date)
