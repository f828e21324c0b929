"""A seeded, reproducible synthetic registry of ``osseous.case/1`` documents.

No real patient is behind any record. Each patient has one to four listed bone metastases
(spinal, femoral or humeral) with the findings the scores read, palliative radiotherapy with
pain assessments before and 1, 2 and 3 months after, bone-modifying agents on a schedule,
skeletal-related events with their treatment, laboratory results, and death or the last date
known alive. Some facts are left out in a realistic share: unknown stays missing, never 0.

Published figures that shape it (``reference/`` is the project's shared reference folder):

* survival from the first bone metastasis is exponential with the median of the patient's Chow
  number-of-risk-factors group (non-breast primary; metastases beyond bone, visceral or brain;
  Karnofsky <= 60): 15.0, 6.5 and 2.3 months for 0-1, 2 and 3 factors, the groups' expected
  median survival as quoted by Mojica-Marquez 2020 (scores.md 9a; figures that paper cites,
  not survival it observed, see osseous.scores.chow);
* on a bone-modifying agent the first new skeletal event comes at 0.17 a year, the 29 % with an
  SRE within 2 years in both arms of CALGB 70604, zoledronic acid every 4 or every 12 weeks
  (29.5 % vs 28.6 %, guidelines.md 4.2); re-irradiation for pain (below) is drawn on its own
  and recorded as radiation to bone as well, so the recorded first-SRE incidence is higher;
* agents and schedules: zoledronic acid every 4 or every 12 weeks (ASCO 2017, CALGB 70604,
  guidelines.md 4.1-4.2), denosumab 120 mg every 4 weeks (4.5), pamidronate every 3-4 weeks
  (4.4); agents for breast cancer and castration-resistant prostate cancer, myeloma, and other
  solid tumours with a life expectancy of 3 months or more (ESMO 2020, 4.1), rarely for
  castration-sensitive prostate cancer (ASCO 2020: insufficient evidence, 4.1); a dental
  examination before the first dose (ASCO 2011, 4.1) for most patients;
* regimens: 8 Gy/1, 20 Gy/5, 24 Gy/6 and 30 Gy/10 for uncomplicated pain (ASTRO 2017 and 2024,
  guidelines.md 1.1-1.2), few courses over 10 fractions (Choosing Wisely, 1.3), a single
  fraction more often with a short life expectancy (ASTRO 2017, Choosing Wisely, 1.1 and 1.3);
  compression without surgery 8 Gy/1, 16 Gy/2, 20 Gy/5, 30 Gy/10 (ASTRO 2024, 1.2);
  re-irradiation 8 Gy/1, 20 Gy/5, 24 Gy/6, and 20 Gy/8 at the spine (ASTRO 2024, 1.2; SC.20,
  1.5), more than a month after the first course (ASTRO 2017, 1.1); SBRT 24 Gy/2 (SC.24) or
  16-18 Gy/1 (RTOG 0631) for spinal lesions of patients with Karnofsky >= 70, ESCC 0-1b, no
  neurological deficit, <= 3 levels and SINS < 12 (SC.24 eligibility, 1.8) outside the poorest
  Chow group ("selected patients with good performance status", ASTRO 2024, 1.2), more often
  for a radioresistant primary (SC.24 stratification, 1.8);
* retreatment of the same site after a single fraction about 20 %, after multiple fractions
  about 8 % (AAHPM and the Chow 2012 meta-analysis as quoted, guidelines.md 1.4, where the
  pooled figure is tagged unverified; RTOG 9714 18 % vs 9 %, Dutch study 24 % vs 7 %);
* International Consensus pain response (Chow 2012 categories, guidelines.md 7.1): overall
  (complete + partial) 60 % after a first conventional course, single or multiple fractions
  alike (RTOG 9714, 66 % in both arms, guidelines.md 1.4; the PRESENT cohort, 61 %,
  peers_and_style.md A.9); complete 35 % after SBRT (SC.24 at 3 months, guidelines.md 1.8);
  overall 28 % after a single-fraction and 32 % after a 20 Gy re-irradiation (SC.20 at
  2 months, intention to treat, guidelines.md 1.5); assessments at 1, 2 and 3 months
  (guidelines.md 7.1, tagged unverified there; docs/clinical/decisions.md);
* compression: surgery (decompression or separation surgery, then radiotherapy) for patients
  with expected survival >= 3 months and a tumour that is not radiosensitive, not paraplegic
  (Patchell 2005 eligibility, guidelines.md 3.2; ASTRO 2024, 1.2), separation surgery followed
  by SBRT (NOMS, scores.md 12); dexamethasone 16 mg (NICE NG234, guidelines.md 3.1);
* a hypercalcaemia event (not an SRE) when the calcium at diagnosis is 11.5 mg/dL or more, the
  CTCAE grade 2 threshold (guidelines.md 5.3).

**Project defaults** (no source in ``reference/``; chosen to look like a general oncology
service): the primary mix, Karnofsky, visceral and brain-metastasis shares, the lesion count and
findings (levels, SINS items, ESCC, Mirels items, appearance by primary), the number of unlisted
bone metastases, the fractionation mix within the sourced regimens, the SBRT share and its
27 Gy/3 regimen, the complete-response share of 23 % after a first conventional course (the
figure commonly quoted from the Chow 2012 meta-analysis, which ``reference/`` does not hold),
the progression shares, the response of SBRT other than complete and of re-irradiation by
category, the persistence of a lesion's response between months, missed follow-ups and missing
OMED, the SRE rate of 0.30 a year without an agent and the SRE types, the shares and delays of
compression treatment, the agent shares, the 12-weekly share, early stops, dental timing, the
laboratory distributions, hospitalisations, weight and ambulation (drawn to worsen with a
shorter survival draw, so the scores that read them carry prognostic information), the unit mix
(one unit system per laboratory), and every share of missing facts.

Conventions: the course given at the diagnosis of the first bone metastasis is its first
treatment and is not recorded as an SRE event (SREs are counted from then on, as trials count
from enrolment); every later course and operation is (``radiation-to-bone``,
``surgery-to-bone``). Lesion findings, the Frankel grade and ambulation are the worst recorded;
performance status and laboratory results are those at ``assessed_on``, the first bone
metastasis. Courses for compression and after surgery carry no pain assessments. A skeletal
event with no suitable listed lesion happens at an unlisted site (an event without a lesion).

Every document validates as ``osseous.case/1``.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections.abc import Iterator
from datetime import date
from itertools import accumulate
from operator import itemgetter
from statistics import NormalDist
from typing import Any, Final

from osseous.analytics.estimators import DAYS_PER_MONTH

Table = tuple[Any, ...]
Regimen = tuple[float, int, str]  # dose (Gy), fractions, technique
#: slots of a lookup table: a draw is one index, shares are kept to 1/1000
_SLOTS: Final = 1000


def _table(*pairs: tuple[Any, float]) -> Table:
    """A lookup table of ``_SLOTS`` values, each in proportion to its weight: a draw is
    ``table[int(r() * _SLOTS)]``."""
    total = sum(w for _, w in pairs)
    cumulative = [c / total for c in accumulate(w for _, w in pairs)]
    cumulative[-1] = 2.0
    return tuple(pairs[bisect(cumulative, (k + 0.5) / _SLOTS)][0] for k in range(_SLOTS))


#: standard normal quantiles at the midpoints of 1000 equal slices: a draw is one index
_NORMAL: Final = tuple(NormalDist().inv_cdf((k + 0.5) / _SLOTS) for k in range(_SLOTS))


# --- patients (project defaults unless a source is named) -----------------------------------
#: project defaults: (primary, share)
PRIMARY_MIX: Final = (("breast", 0.30), ("prostate", 0.25), ("lung-nsclc", 0.20),
                      ("kidney", 0.06), ("myeloma", 0.08), ("colon", 0.05), ("other", 0.06))
#: Chow NRF group -> median survival in months: the expected medians Mojica-Marquez 2020
#: quotes for Chow 2008's groups (scores.md 9a)
NRF_MEDIAN_MONTHS: Final = {1: 15.0, 2: 6.5, 3: 2.3}
#: project default: Karnofsky at the first bone metastasis
KARNOFSKY_MIX: Final = ((40, 0.04), (50, 0.10), (60, 0.16), (70, 0.24), (80, 0.26),
                        (90, 0.16), (100, 0.04))
#: project defaults: share with visceral metastases, and with brain metastases, by primary
VISCERAL_SHARE: Final = {"breast": 0.35, "prostate": 0.20, "lung-nsclc": 0.60, "kidney": 0.55,
                         "myeloma": 0.05, "colon": 0.60, "other": 0.45}
BRAIN_SHARE: Final = {"breast": 0.06, "prostate": 0.01, "lung-nsclc": 0.15, "kidney": 0.08,
                      "myeloma": 0.0, "colon": 0.03, "other": 0.04}
UNTREATABLE_SHARE: Final = 0.45
#: project defaults: share with bone metastases at the diagnosis of the primary, and the mean
#: years from the primary to the first bone metastasis otherwise
SYNCHRONOUS_SHARE: Final = {"breast": 0.10, "prostate": 0.35, "lung-nsclc": 0.50, "kidney": 0.30,
                            "myeloma": 0.90, "colon": 0.10, "other": 0.30}
YEARS_TO_BONE: Final = {"breast": 6.0, "prostate": 4.0, "lung-nsclc": 1.0, "kidney": 3.0,
                        "myeloma": 1.0, "colon": 2.5, "other": 2.0}
#: ECOG from Karnofsky, the common table (scores.md 11; osseous.knowledge.performance)
ECOG_OF_KPS: Final = {100: 0, 90: 0, 80: 1, 70: 1, 60: 2, 50: 2, 40: 3, 30: 3, 20: 4, 10: 4}
#: project default: which performance scales are recorded (Karnofsky, ECOG, both, neither)
PERFORMANCE_RECORDED: Final = _table(("kps", 0.55), ("both", 0.25), ("ecog", 0.12),
                                     ("none", 0.08))
VISCERAL_SITES: Final = _table(("liver", 0.35), ("lung", 0.30), ("lymph-node", 0.15),
                               ("pleura", 0.08), ("adrenal", 0.07), ("peritoneum", 0.05))
CHEMOTHERAPY_LINES: Final = _table((0, 0.45), (1, 0.25), (2, 0.15), (3, 0.10), (4, 0.05))

# --- lesions (project defaults) -------------------------------------------------------------
LESION_COUNT: Final = _table((1, 0.35), (2, 0.30), (3, 0.20), (4, 0.15))
SPINAL_SHARE: Final = 0.65
FEMUR_SHARE: Final = 0.70  # of long-bone lesions; the rest humeral
#: (first level, weight): thoracic most often, then lumbar, cervical, sacral
_LEVEL_WEIGHTS: Final = (
    *((f"C{i}", 0.6) for i in range(2, 8)), *((f"T{i}", 3.3) for i in range(1, 13)),
    *((f"L{i}", 3.0) for i in range(1, 6)), ("S1", 1.0), ("S2", 0.4),
)
LEVELS: Final = _table(*_LEVEL_WEIGHTS)
LEVEL_ORDER: Final = (*(f"C{i}" for i in range(1, 8)), *(f"T{i}" for i in range(1, 13)),
                      *(f"L{i}" for i in range(1, 6)), *(f"S{i}" for i in range(1, 6)))
_LEVEL_INDEX: Final = {level: i for i, level in enumerate(LEVEL_ORDER)}
LEVEL_SPAN: Final = _table((1, 0.6), (2, 0.3), (3, 0.1))
#: SINS location points per level (Fisher 2010, scores.md 1)
SINS_LOCATION: Final = {**dict.fromkeys(("C1", "C2", "C7", "T1", "T2", "T11", "T12", "L1", "L5",
                                         "S1"), 3),
                        **dict.fromkeys(("C3", "C4", "C5", "C6", "L2", "L3", "L4"), 2),
                        **dict.fromkeys([f"T{i}" for i in range(3, 11)], 1),
                        **dict.fromkeys(("S2", "S3", "S4", "S5"), 0)}
PAIN_CHARACTER: Final = _table(("mechanical", 0.30), ("non-mechanical", 0.55), ("none", 0.15))
ALIGNMENT: Final = _table(("normal", 0.80), ("de-novo-deformity", 0.14), ("subluxation", 0.06))
COLLAPSE: Final = _table(("none", 0.50), ("none-over-50-involved", 0.20), ("under-50", 0.20),
                         ("over-50", 0.10))
POSTEROLATERAL: Final = _table(("none", 0.55), ("unilateral", 0.30), ("bilateral", 0.15))
#: ESCC grade of a lesion that never causes a recorded compression
ESCC_BASELINE: Final = _table(("0", 0.45), ("1a", 0.25), ("1b", 0.17), ("1c", 0.10), ("2", 0.03))
APPEARANCE: Final = {
    "prostate": _table(("blastic", 0.75), ("mixed", 0.20), ("lytic", 0.05)),
    "breast": _table(("lytic", 0.45), ("mixed", 0.35), ("blastic", 0.20)),
    "lung-nsclc": _table(("lytic", 0.75), ("mixed", 0.20), ("blastic", 0.05)),
    "kidney": _table(("lytic", 0.95), ("mixed", 0.05)),
    "myeloma": _table(("lytic", 1.0),),
    "colon": _table(("lytic", 0.70), ("mixed", 0.25), ("blastic", 0.05)),
    "other": _table(("lytic", 0.60), ("mixed", 0.30), ("blastic", 0.10)),
}
SINS_APPEARANCE: Final = {"lytic": 2, "mixed": 1, "blastic": 0}
SINS_PAIN: Final = {"mechanical": 3, "non-mechanical": 1, "none": 0}
SINS_ALIGNMENT: Final = {"subluxation": 4, "de-novo-deformity": 2, "normal": 0}
SINS_COLLAPSE: Final = {"over-50": 3, "under-50": 2, "none-over-50-involved": 1, "none": 0}
SINS_POSTEROLATERAL: Final = {"bilateral": 3, "unilateral": 1, "none": 0}
FEMUR_REGION: Final = _table(("peritrochanteric", 0.35), ("head-neck", 0.15), ("shaft", 0.40),
                             ("distal", 0.10))
HUMERUS_REGION: Final = _table(("proximal", 0.50), ("shaft", 0.40), ("distal", 0.10))
PAIN_SEVERITY: Final = _table(("mild", 0.30), ("moderate", 0.45), ("functional", 0.25))
SIZE_FRACTION: Final = _table(("<1/3", 0.45), ("1/3-2/3", 0.35), (">2/3", 0.20))
#: share of lesions with one or two findings left unrecorded
INCOMPLETE_LESION: Final = 0.20
#: primaries radiosensitive to conventional radiotherapy (NOMS, scores.md 12; Patchell 2005
#: excluded them from surgery, guidelines.md 3.2) and radioresistant (SC.24 strata, 1.8)
RADIOSENSITIVE: Final = frozenset({"myeloma"})
RADIORESISTANT: Final = frozenset({"kidney", "colon", "lung-nsclc"})

# --- radiotherapy ---------------------------------------------------------------------------
#: project default: a painful listed lesion is treated at diagnosis
TREAT_PAINFUL: Final = 0.80
#: conventional first courses by Chow group: the sourced regimens (ASTRO 2017/2024), the mix a
#: project default, single fractions more often in the poorest group (ASTRO 2017, Choosing
#: Wisely), few over 10 fractions (Choosing Wisely 2013)
FRACTIONATION_BY_NRF: Final = {
    1: ((8.0, 1, 0.38), (20.0, 5, 0.30), (24.0, 6, 0.02), (30.0, 10, 0.25), (37.5, 15, 0.05)),
    2: ((8.0, 1, 0.48), (20.0, 5, 0.30), (24.0, 6, 0.02), (30.0, 10, 0.17), (37.5, 15, 0.03)),
    3: ((8.0, 1, 0.65), (20.0, 5, 0.24), (24.0, 6, 0.01), (30.0, 10, 0.09), (37.5, 15, 0.01)),
}
_FIRST: Final = {g: _table(*(((d, f, "conventional"), w) for d, f, w in rows))
                 for g, rows in FRACTIONATION_BY_NRF.items()}
#: SBRT: 24 Gy/2 (SC.24) and 16 or 18 Gy/1 (RTOG 0631), guidelines.md 1.8; 27 Gy/3 a project
#: default; the share of eligible lesions treated so is a project default
SBRT_REGIMENS: Final = _table(((24.0, 2, "sbrt"), 0.60), ((27.0, 3, "sbrt"), 0.30),
                              ((16.0, 1, "sbrt"), 0.05), ((18.0, 1, "sbrt"), 0.05))
SBRT_SHARE: Final = {"radioresistant": 0.35, "other": 0.15}
#: compression without surgery (ASTRO 2024, guidelines.md 1.2); the mix a project default
MESCC_REGIMENS: Final = _table(((8.0, 1, "conventional"), 0.35), ((16.0, 2, "conventional"), 0.05),
                               ((20.0, 5, "conventional"), 0.40),
                               ((30.0, 10, "conventional"), 0.20))
POSTOPERATIVE_REGIMENS: Final = _table(((20.0, 5, "conventional"), 0.45),
                                       ((30.0, 10, "conventional"), 0.35),
                                       ((8.0, 1, "conventional"), 0.20))
#: re-irradiation (ASTRO 2024, guidelines.md 1.2; SC.20, 1.5); the mix a project default
REIRRADIATION_SPINE: Final = _table(((8.0, 1, "conventional"), 0.50),
                                    ((20.0, 5, "conventional"), 0.30),
                                    ((24.0, 6, "conventional"), 0.08),
                                    ((20.0, 8, "conventional"), 0.12))
REIRRADIATION_OTHER: Final = _table(((8.0, 1, "conventional"), 0.55),
                                    ((20.0, 5, "conventional"), 0.35),
                                    ((24.0, 6, "conventional"), 0.10))
#: share of treated lesions retreated, by the first course: ~20 % vs ~8 % (guidelines.md 1.4);
#: SBRT as multiple fractions (project default)
RETREATMENT: Final = {"single-fraction": 0.20, "multiple-fractions": 0.08, "sbrt": 0.08}
#: the chance drawn at the first course: higher than RETREATMENT because death and the end of
#: follow-up prevent some retreatments, lower by the second courses that compressions and
#: fractures bring; calibrated on the cohort so that the recorded shares match RETREATMENT
RETREATMENT_DRAW: Final = {"single-fraction": 0.277, "multiple-fractions": 0.087, "sbrt": 0.088}
#: days after the first course: over a month (ASTRO 2017), then a mean of 3 months (default)
RETREATMENT_MIN_DAYS: Final = 35
RETREATMENT_MEAN_EXTRA_DAYS: Final = 90

# --- pain -----------------------------------------------------------------------------------
BASELINE_PAIN: Final = _table((0, 0.01), (1, 0.02), (2, 0.03), (3, 0.06), (4, 0.10), (5, 0.13),
                              (6, 0.15), (7, 0.17), (8, 0.16), (9, 0.10), (10, 0.07))
#: consensus category at each follow-up: (complete, partial, progression, indeterminate)
PAIN_RESPONSE: Final = {
    # overall 60 % (RTOG 9714, PRESENT), complete 23 % (project default, see above)
    "first": (0.23, 0.37, 0.10, 0.30),
    # complete 35 % (SC.24), the rest a project default
    "sbrt": (0.35, 0.30, 0.07, 0.28),
    # overall 28 % after 8 Gy/1 and 32 % after multiple fractions (SC.20, intention to treat)
    "retreatment-single": (0.08, 0.20, 0.15, 0.57),
    "retreatment-multiple": (0.09, 0.23, 0.15, 0.53),
}
_RESPONSE: Final = {k: _table(*zip(("complete", "partial", "progression", "indeterminate"), v,
                                    strict=True))
                    for k, v in PAIN_RESPONSE.items()}
#: project defaults: a lesion keeps its month-2 category at months 1 and 3 with this chance
#: (otherwise drawn afresh, so every month has the same shares); a follow-up is missed; OMED
#: or pain is not recorded; baseline on no opioid
RESPONSE_PERSISTENCE: Final = 0.75
MISSED_FOLLOW_UP: Final = 0.15
OMED_MISSING: Final = 0.07
PAIN_MISSING: Final = 0.02
NO_OPIOID: Final = 0.35
FOLLOW_UP_JITTER_DAYS: Final = 10  # within the 14-day window of the analytics
_JITTER: Final = 2 * FOLLOW_UP_JITTER_DAYS + 1
#: one draw decides a missed follow-up (below MISSED_FOLLOW_UP) and, above it, whether the
#: category persists (below this), so persistence is RESPONSE_PERSISTENCE among those seen
_PERSIST: Final = MISSED_FOLLOW_UP + (1 - MISSED_FOLLOW_UP) * RESPONSE_PERSISTENCE
_MONTH_DAYS: Final = tuple(round(m * DAYS_PER_MONTH) for m in (1, 2, 3))

# --- skeletal-related events ----------------------------------------------------------------
#: first-SRE rates per patient-year (CALGB 70604 on zoledronic acid; the other a default)
SRE_RATE_ON_BMA: Final = 0.17
SRE_RATE_NO_BMA: Final = 0.30
#: project default: the kind of each new skeletal event
SRE_TYPES: Final = (("radiation-to-bone", 0.55), ("pathological-fracture", 0.25),
                    ("spinal-cord-compression", 0.10), ("surgery-to-bone", 0.10))
_SRE: Final = _table(*SRE_TYPES)
#: project defaults: days from compression to treatment, the share operated among those fit
#: for surgery (Patchell eligibility), and radiotherapy after the operation
MESCC_DELAY_DAYS: Final = _table((0, 0.55), (1, 0.30), (2, 0.06), (3, 0.04), (5, 0.03), (7, 0.02))
MESCC_SURGERY_SHARE: Final = 0.45
POSTOPERATIVE_RT_SHARE: Final = 0.75
FRANKEL_WITH_DEFICIT: Final = _table(("A", 0.05), ("B", 0.07), ("C", 0.18), ("D", 0.70))
#: NICE NG234 (guidelines.md 3.1)
DEXAMETHASONE_MG: Final = 16.0

# --- bone-modifying agents ------------------------------------------------------------------
#: project defaults shaped by ESMO 2020 and ASCO 2020 (guidelines.md 4.1)
BMA_SHARE: Final = {"breast": 0.85, "prostate-crpc": 0.75, "prostate-cspc": 0.30,
                    "myeloma": 0.90, "other-fit": 0.55, "other-poor": 0.25}
AGENT_MIX: Final = {
    "myeloma": _table(("zoledronic-acid", 0.70), ("pamidronate", 0.15), ("denosumab", 0.15)),
    "breast": _table(("zoledronic-acid", 0.50), ("denosumab", 0.45), ("pamidronate", 0.05)),
    "other": _table(("zoledronic-acid", 0.55), ("denosumab", 0.45)),
}
#: days between doses: every 4 weeks, every 12 weeks (zoledronic acid), every 3-4 weeks
#: (pamidronate); the share of zoledronic acid given every 12 weeks is a project default
INTERVAL_DAYS: Final = {"four-weekly": 28, "twelve-weekly": 84, "pamidronate": 25}
ZOLEDRONIC_TWELVE_WEEKLY: Final = 0.35
#: project defaults: stopped early (toxicity, choice), schedule not recorded
BMA_STOPPED_EARLY: Final = 0.10
BMA_SCHEDULE_MISSING: Final = 0.06
#: project defaults: dental examination before the first dose, after it, or not recorded
DENTAL_BEFORE: Final = 0.78
DENTAL_AFTER: Final = 0.12
DENTAL_WITHOUT_BMA: Final = 0.30

_ROUTE: Final = {"zoledronic-acid": "intravenous", "pamidronate": "intravenous",
                 "denosumab": "subcutaneous"}


class _Dates(dict[int, str]):
    """Day ordinal -> ISO date, filled as days are asked for."""

    def __missing__(self, day: int) -> str:
        s = self[day] = date.fromordinal(day).isoformat()
        return s


_ISO: Final = _Dates()
_log: Final = math.log
_first: Final = itemgetter(0)


def nrf_group(primary: str, beyond_bone: bool, kps: int) -> int:
    """Chow 2008 group: 1 for 0-1 risk factors, 2 for 2, 3 for 3 (scores.md 9a)."""
    return max(1, (primary != "breast") + beyond_bone + (kps <= 60))


def classify_regimen(fractions: int, technique: str) -> str:
    """The regimen family the pain analytics report: single, multiple fractions or SBRT."""
    if technique == "sbrt":
        return "sbrt"
    return "single-fraction" if fractions == 1 else "multiple-fractions"


class _Patient:
    """The builder of one document; each step adds to the state the next one reads."""

    __slots__ = ("assessments", "brain", "compressed", "courses", "crpc", "dental", "died", "end",
                 "events", "frankel", "hepatic", "hypercalcaemia", "kps", "last", "lesions",
                 "limit", "medications", "nrf", "origin", "primary", "r", "severity", "start",
                 "visceral")

    def __init__(self, rng: random.Random, start: int, end: int) -> None:
        self.r = rng.random
        self.start, self.end = start, end
        self.lesions: list[dict[str, Any]] = []
        self.courses: list[list[tuple[int, float, int, str, bool]]] = []
        self.events: list[tuple[int, str, str | None]] = []
        self.assessments: list[dict[str, Any]] = []
        self.medications: list[dict[str, Any]] = []
        self.compressed: list[bool] = []
        self.frankel = "E"
        self.crpc = False

    # --- the patient ------------------------------------------------------------------------
    def baseline(self) -> None:
        r = self.r
        self.primary = primary = _PRIMARY[int(r() * _SLOTS)]
        self.kps = kps = _KPS[int(r() * _SLOTS)]
        self.brain = r() < BRAIN_SHARE[primary]
        visceral = r() < VISCERAL_SHARE[primary]
        self.visceral = ("untreatable" if r() < UNTREATABLE_SHARE else "treatable") \
            if visceral else "none"
        self.nrf = nrf_group(primary, visceral or self.brain, kps)
        self.origin = origin = self.start + int(r() * (self.end - self.start))
        median = NRF_MEDIAN_MONTHS[self.nrf] * DAYS_PER_MONTH
        survival = -median / math.log(2) * _log(1.0 - r())  # exponential
        # the last contact of a patient alive at the end comes a little before it (default)
        censor = max(origin, self.end - int(-30 * _log(1.0 - r())))
        self.died = origin + survival <= censor
        self.last = origin + int(survival) if self.died else censor
        self.limit = self.last - 1 if self.died else self.last  # the last day for care
        # 0 (long survival for the group) to 1 (short), then worse with the group: the
        # laboratory and frailty facts follow it (project default)
        self.severity = min(1.0, 0.6 * (1 - 2 ** (-survival / median)) + 0.15 * (self.nrf - 1)
                            + 0.1 * r())

    def cancer(self) -> dict[str, Any]:
        r, primary = self.r, self.primary
        if r() < SYNCHRONOUS_SHARE[primary]:
            diagnosed = self.origin - int(r() * 30)
        else:
            diagnosed = self.origin - 60 - int(
                -YEARS_TO_BONE[primary] * 365.25 * _log(1.0 - r()))
        out: dict[str, Any] = {"primary": primary, "diagnosed_on": _ISO[diagnosed]}
        if primary == "breast":
            out["hormone_receptor_positive"] = r() < 0.75
            out["her2_positive"] = r() < 0.20
        elif primary == "prostate":
            self.crpc = r() < 0.50
            out["castration_resistant"] = self.crpc
        elif primary == "lung-nsclc":
            out["targeted_therapy"] = r() < 0.30
        if r() < 0.90:
            lines = CHEMOTHERAPY_LINES[int(r() * _SLOTS)]
            out["prior_chemotherapy_lines"] = lines + (r() < self.severity * 0.5)
        if r() < 0.96:
            out["visceral_metastases"] = self.visceral
        self.hepatic = False
        if self.visceral != "none":
            sites = {VISCERAL_SITES[int(r() * _SLOTS)]}
            if r() < 0.30:
                sites.add(VISCERAL_SITES[int(r() * _SLOTS)])
            self.hepatic = "liver" in sites
            if r() < 0.90:
                out["visceral_sites"] = sorted(sites)
            if r() < 0.90:
                out["disseminated"] = "pleura" in sites or "peritoneum" in sites
        elif r() < 0.90:
            out["disseminated"] = False
        if r() < 0.92:
            out["brain_metastases"] = self.brain
        bone: dict[str, Any] = {"diagnosed_on": _ISO[self.origin]}
        if r() < 0.85:
            spinal = sum(les["site"] == "spine" for les in self.lesions)
            solitary = len(self.lesions) == 1 and r() < 0.35
            bone["spinal"] = spinal + (0 if solitary else int(-2.5 * _log(1.0 - r())))
            bone["extraspinal"] = (len(self.lesions) - spinal) + (
                0 if solitary else int(-2.0 * _log(1.0 - r())))
        out["bone_metastases"] = bone
        return out

    def patient(self) -> dict[str, Any]:
        r, primary, kps = self.r, self.primary, self.kps
        sex = ("female" if primary == "breast" else "male" if primary == "prostate"
               else "female" if r() < 0.5 else "male")
        age = min(95, max(30, int(67 + 11 * _NORMAL[int(r() * _SLOTS)])))
        out: dict[str, Any] = {"age_years": age, "sex": sex}
        if r() < 0.80:
            z = _NORMAL[int(r() * _SLOTS)]
            out["weight_kg"] = round(max(38.0, (80 if sex == "male" else 67) + 13 * z
                                         - 8 * self.severity), 1)
            out["height_cm"] = round((176 if sex == "male" else 163) + 7 * z
                                     + 4 * _NORMAL[int(r() * _SLOTS)])
        recorded = PERFORMANCE_RECORDED[int(r() * _SLOTS)]
        if recorded in ("kps", "both"):
            out["karnofsky"] = kps
        if recorded in ("ecog", "both"):
            out["ecog"] = ECOG_OF_KPS[kps]
        if r() < 0.90:
            out["ambulatory"] = self.ambulation()
        if r() < 0.85:
            out["frankel"] = self.frankel
        if r() < 0.85:
            x = r()
            p = 0.10 + 0.45 * self.severity
            out["hospitalizations_past_3_months"] = 0 if x >= p else 1 if x >= p / 4 else 2
        dental = self.dental
        if dental is not None:
            out["dental"] = {"last_exam": _ISO[dental]}
        out["last_known_alive"] = None if self.died else _ISO[self.last]
        return out

    def ambulation(self) -> str:
        r, frankel, kps = self.r, self.frankel, self.kps
        if frankel in ("A", "B"):
            return "non-ambulatory"
        if frankel == "C":
            return "non-ambulatory" if r() < 0.6 else "with-assistance"
        if frankel == "D":
            return "with-assistance" if r() < 0.6 else "independent"
        if kps >= 70:
            return "with-assistance" if r() < 0.3 * self.severity else "independent"
        if kps >= 50:
            return "independent" if r() < 0.5 else "with-assistance"
        return "with-assistance" if r() < 0.6 else "non-ambulatory"

    def labs(self) -> list[dict[str, Any]]:
        """Results at the first bone metastasis, in one unit system per laboratory; each is
        recorded with its share and worsens with the severity (project defaults)."""
        r, n, s, exp = self.r, _NORMAL, self.severity, math.exp
        si = r() < 0.4
        when = _ISO[self.origin - int(r() * 15)]
        out: list[dict[str, Any]] = []
        add = out.append
        calcium = 9.3 + 0.8 * s + 0.4 * n[int(r() * _SLOTS)]
        if r() < 0.03 + 0.06 * s:
            calcium += 1 + 3 * r()
        self.hypercalcaemia = calcium >= 11.5
        if r() < 0.85:
            v = min(5.2, max(1.8, 4.4 - 1.6 * s + 0.25 * n[int(r() * _SLOTS)]))
            add({"analyte": "albumin", "value": round(v * 10) if si else round(v, 1),
                 "unit": "g/L" if si else "g/dL", "date": when})
        if r() < 0.75:
            v = min(30.0, exp(-1.5 + 3.2 * s + 0.8 * n[int(r() * _SLOTS)]))
            add({"analyte": "crp", "value": round(v * 10, 1) if si else round(v, 2),
                 "unit": "mg/L" if si else "mg/dL", "date": when})
        if r() < 0.70:
            add({"analyte": "ldh", "value": round(165 * exp(s + 0.2 * n[int(r() * _SLOTS)])),
                 "unit": "U/L", "date": when})
        if r() < 0.92:
            add({"analyte": "platelets", "unit": "10*9/L", "date": when,
                 "value": round(max(8.0, 270 - 150 * s + 55 * n[int(r() * _SLOTS)]))})
        if r() < 0.88:
            add({"analyte": "calcium", "value": round(calcium / 4.008, 2) if si
                 else round(calcium, 1), "unit": "mmol/L" if si else "mg/dL", "date": when})
        if r() < 0.80:
            v = exp(-0.7 + 0.8 * s + 0.5 * self.hepatic + 0.35 * n[int(r() * _SLOTS)])
            add({"analyte": "bilirubin", "value": round(v * 17.1) if si else round(v, 2),
                 "unit": "umol/L" if si else "mg/dL", "date": when})
        if r() < 0.92:
            v = exp(-0.1 + 0.3 * (self.primary == "myeloma") + 0.25 * n[int(r() * _SLOTS)])
            add({"analyte": "creatinine", "value": round(v * 88.4) if si else round(v, 2),
                 "unit": "umol/L" if si else "mg/dL", "date": when})
        if r() < 0.92:
            v = min(17.0, max(6.0, 12.8 - 2.5 * s + 1.2 * n[int(r() * _SLOTS)]))
            add({"analyte": "hemoglobin", "value": round(v * 10) if si else round(v, 1),
                 "unit": "g/L" if si else "g/dL", "date": when})
        if r() < 0.75:
            add({"analyte": "alkaline-phosphatase", "unit": "U/L", "date": when,
                 "value": round(90 * exp(0.3 + s + 0.5 * n[int(r() * _SLOTS)]))})
        return out

    # --- lesions ----------------------------------------------------------------------------
    def make_lesions(self) -> None:
        r = self.r
        used: set[str] = set()
        for k in range(1, LESION_COUNT[int(r() * _SLOTS)] + 1):
            if r() < SPINAL_SHARE:
                self.lesions.append(self.spinal(f"S{k}", used))
            else:
                self.lesions.append(self.long_bone(k))
            self.courses.append([])
            self.compressed.append(False)

    def spinal(self, lesion_id: str, used: set[str]) -> dict[str, Any]:
        r = self.r
        for _ in range(4):  # distinct levels across lesions, as far as a few draws allow
            first = _LEVEL_INDEX[LEVELS[int(r() * _SLOTS)]]
            levels = list(LEVEL_ORDER[first:first + LEVEL_SPAN[int(r() * _SLOTS)]])
            if used.isdisjoint(levels):
                break
        used.update(levels)
        escc = ESCC_BASELINE[int(r() * _SLOTS)]
        les: dict[str, Any] = {
            "id": lesion_id, "site": "spine", "levels": levels,
            "pain_character": PAIN_CHARACTER[int(r() * _SLOTS)],
            "appearance": APPEARANCE[self.primary][int(r() * _SLOTS)],
            "alignment": ALIGNMENT[int(r() * _SLOTS)], "collapse": COLLAPSE[int(r() * _SLOTS)],
            "posterolateral": POSTEROLATERAL[int(r() * _SLOTS)], "escc": escc,
            "neurological_deficit": "radiculopathy" if r() < 0.08 else "none",
            "soft_tissue_extension": escc != "0",
        }
        if r() < INCOMPLETE_LESION:
            for _ in range(1 + (r() < 0.3)):
                les.pop(_SPINAL_OPTIONAL[int(r() * len(_SPINAL_OPTIONAL))], None)
        return les

    def long_bone(self, k: int) -> dict[str, Any]:
        r = self.r
        femur = r() < FEMUR_SHARE
        les: dict[str, Any] = {
            "id": f"{'F' if femur else 'H'}{k}", "site": "femur" if femur else "humerus",
            "region": (FEMUR_REGION if femur else HUMERUS_REGION)[int(r() * _SLOTS)],
            "pain_severity": PAIN_SEVERITY[int(r() * _SLOTS)],
            "appearance": APPEARANCE[self.primary][int(r() * _SLOTS)],
            "size_fraction": SIZE_FRACTION[int(r() * _SLOTS)], "pathological_fracture": False,
        }
        if r() < INCOMPLETE_LESION:
            les.pop(_BONE_OPTIONAL[int(r() * len(_BONE_OPTIONAL))], None)
        return les

    def painful(self, les: dict[str, Any]) -> bool:
        if les["site"] == "spine":
            return les.get("pain_character") != "none"
        return les.get("pain_severity") != "mild" or self.r() < 0.5

    def sbrt_eligible(self, les: dict[str, Any]) -> bool:
        """SC.24 eligibility (guidelines.md 1.8), Karnofsky >= 70 for ECOG 0-2 and 'good'."""
        if les["site"] != "spine" or self.kps < 70 or self.nrf == 3:
            return False
        if les.get("escc") not in ("0", "1a", "1b") or les.get("neurological_deficit") != "none":
            return False
        sins = (max(SINS_LOCATION[lvl] for lvl in les["levels"])
                + SINS_PAIN.get(les.get("pain_character", ""), 0)
                + SINS_APPEARANCE.get(les.get("appearance", ""), 0)
                + SINS_ALIGNMENT.get(les.get("alignment", ""), 0)
                + SINS_COLLAPSE.get(les.get("collapse", ""), 0)
                + SINS_POSTEROLATERAL.get(les.get("posterolateral", ""), 0))
        return sins < 12

    # --- radiotherapy -----------------------------------------------------------------------
    def add_course(self, i: int, day: int, regimen: Regimen, assessed: bool) -> bool:
        """Record a course unless another began at the lesion within a week."""
        courses = self.courses[i]
        if any(abs(c[0] - day) <= 7 for c in courses):
            return False
        courses.append((day, regimen[0], regimen[1], regimen[2], assessed))
        return True

    def pain_course(self, i: int, day: int) -> None:
        """A course for pain: SBRT or conventional at a lesion not irradiated before, then
        perhaps a retreatment; a re-irradiation otherwise."""
        r, les = self.r, self.lesions[i]
        reirradiation = REIRRADIATION_SPINE if les["site"] == "spine" else REIRRADIATION_OTHER
        if self.courses[i]:
            self.add_course(i, day, reirradiation[int(r() * _SLOTS)], True)
            return
        sbrt = SBRT_SHARE["radioresistant" if self.primary in RADIORESISTANT else "other"]
        if self.sbrt_eligible(les) and r() < sbrt:
            regimen = SBRT_REGIMENS[int(r() * _SLOTS)]
        else:
            regimen = _FIRST[self.nrf][int(r() * _SLOTS)]
        self.add_course(i, day, regimen, True)
        if r() < RETREATMENT_DRAW[classify_regimen(regimen[1], regimen[2])]:
            again = day + RETREATMENT_MIN_DAYS + int(
                -RETREATMENT_MEAN_EXTRA_DAYS * _log(1.0 - r()))
            if again <= self.limit and self.add_course(
                    i, again, reirradiation[int(r() * _SLOTS)], True):
                self.events.append((again, "radiation-to-bone", les["id"]))

    def initial_radiotherapy(self) -> None:
        day = self.origin + min(60, int(-10 * _log(1.0 - self.r())))
        if day > self.limit:
            return
        for i, les in enumerate(self.lesions):
            if self.painful(les) and self.r() < TREAT_PAINFUL:
                self.pain_course(i, day)

    # --- skeletal-related events ------------------------------------------------------------
    def skeletal_events(self, on_bma: bool) -> None:
        r = self.r
        rate = (SRE_RATE_ON_BMA if on_bma else SRE_RATE_NO_BMA) / 365.25
        t = self.origin - _log(1.0 - r()) / rate
        while t <= self.limit:
            day = int(t)
            kind = _SRE[int(r() * _SLOTS)]
            if kind == "spinal-cord-compression":
                self.compression(day)
            elif kind == "pathological-fracture":
                self.fracture(day)
            elif kind == "surgery-to-bone":
                self.prophylactic_surgery(day)
            else:
                self.new_site(day)
            t -= _log(1.0 - r()) / rate
        if self.hypercalcaemia:
            self.events.append((self.origin, "hypercalcemia", None))

    def choose(self, candidates: list[int]) -> int | None:
        return candidates[int(self.r() * len(candidates))] if candidates else None

    def treat_later(self, day: int, table: Table) -> int:
        """The day of a treatment ``table`` days after ``day``, or the same day near death."""
        later = day + table[int(self.r() * _SLOTS)]
        return later if later <= self.limit else day

    def operate(self, i: int, day: int, procedure: str) -> None:
        les = self.lesions[i]
        les.setdefault("prior_surgery", []).append({"procedure": procedure, "date": _ISO[day]})
        self.events.append((day, "surgery-to-bone", les["id"]))

    def radiate(self, i: int, day: int, regimen: Regimen | None) -> None:
        """A course for another reason than pain (``None``: for pain, by the usual rules)."""
        if regimen is None:
            self.pain_course(i, day)
        else:
            self.add_course(i, day, regimen, False)
        self.events.append((day, "radiation-to-bone", self.lesions[i]["id"]))

    def compression(self, day: int) -> None:
        r = self.r
        i = self.choose([i for i, les in enumerate(self.lesions)
                         if les["site"] == "spine" and not self.compressed[i]])
        if i is None:
            self.new_site(day)
            return
        les = self.lesions[i]
        self.compressed[i] = True
        les["escc"] = "3" if r() < 0.55 else "2"
        les["soft_tissue_extension"] = True  # epidural disease
        cauda = _LEVEL_INDEX[les["levels"][0]] > _LEVEL_INDEX["L1"]
        if r() < 0.8:
            les["neurological_deficit"] = "cauda-equina" if cauda else "myelopathy"
            grade = FRANKEL_WITH_DEFICIT[int(r() * _SLOTS)]
            self.frankel = min(self.frankel, grade)  # A is the worst grade, E the best
            if grade in ("A", "B"):
                les["paraplegia_hours"] = 6 + int(r() * 66)
        else:
            les["neurological_deficit"] = "radiculopathy"
        les["deficit_onset_days"] = 1 + int(r() * 14)
        self.events.append((day, "spinal-cord-compression", les["id"]))
        self.medications.append({"drug": "dexamethasone", "status": "completed", "route": "oral",
                                 "daily_dose_mg": DEXAMETHASONE_MG, "started": _ISO[day]})
        when = self.treat_later(day, MESCC_DELAY_DAYS)
        fit = (self.kps >= 70 and self.nrf < 3 and self.primary not in RADIOSENSITIVE
               and "paraplegia_hours" not in les)
        if fit and r() < MESCC_SURGERY_SHARE:
            separation = r() < 0.5
            self.operate(i, when, "separation-surgery" if separation else "decompression")
            after = when + 14 + int(r() * 22)
            if after <= self.limit and r() < POSTOPERATIVE_RT_SHARE:
                regimen = ((27.0, 3, "sbrt") if separation and r() < 0.5
                           else POSTOPERATIVE_REGIMENS[int(r() * _SLOTS)])
                self.radiate(i, after, regimen)
        else:
            self.radiate(i, when, MESCC_REGIMENS[int(r() * _SLOTS)])

    def fracture(self, day: int) -> None:
        r = self.r
        lesions = self.lesions
        i = self.choose([i for i, les in enumerate(lesions)
                         if les["site"] != "spine" and not les.get("pathological_fracture")])
        if i is None and r() < 0.5:
            i = self.choose([i for i, les in enumerate(lesions) if les["site"] == "spine"
                             and les.get("collapse") not in ("over-50", "under-50")])
        if i is None:
            self.events.append((day, "pathological-fracture", None))  # an unlisted site
            return
        les = lesions[i]
        self.events.append((day, "pathological-fracture", les["id"]))
        when = self.treat_later(day, MESCC_DELAY_DAYS)
        if les["site"] == "spine":
            les["collapse"] = "over-50" if r() < 0.4 else "under-50"
            x = r()
            if x < 0.3:
                self.operate(i, when, "kyphoplasty" if r() < 0.5 else "vertebroplasty")
            elif x < 0.9:
                self.radiate(i, when, None)
            return
        les["pathological_fracture"] = True
        if r() < (0.85 if les["site"] == "femur" else 0.5):
            proximal = les.get("region") in ("head-neck", "peritrochanteric")
            self.operate(i, when, "endoprosthesis" if proximal and r() < 0.4 else "fixation")
            after = when + 14 + int(r() * 22)
            if after <= self.limit and r() < 0.6:
                self.radiate(i, after, POSTOPERATIVE_REGIMENS[int(r() * _SLOTS)])
        else:
            self.radiate(i, when, None)

    def prophylactic_surgery(self, day: int) -> None:
        r = self.r
        i = self.choose([i for i, les in enumerate(self.lesions)
                         if "prior_surgery" not in les and (
                             les["site"] == "spine" or les.get("size_fraction") != "<1/3")])
        if i is None:
            self.events.append((day, "surgery-to-bone", None))
            return
        if self.lesions[i]["site"] == "spine":
            self.operate(i, day, "stabilization" if r() < 0.5 else "vertebroplasty")
        else:
            self.operate(i, day, "fixation")

    def new_site(self, day: int) -> None:
        i = self.choose([i for i, c in enumerate(self.courses) if not c])
        if i is None:
            self.events.append((day, "radiation-to-bone", None))  # an unlisted site
        else:
            self.radiate(i, day, None)

    # --- bone-modifying agents --------------------------------------------------------------
    def bma(self) -> bool:
        r, primary = self.r, self.primary
        key = (primary if primary in ("breast", "myeloma") else
               ("prostate-crpc" if self.crpc else "prostate-cspc") if primary == "prostate"
               else "other-fit" if self.nrf < 3 else "other-poor")
        started = self.origin + 14 + int(-21 * _log(1.0 - r()))
        if r() >= BMA_SHARE[key] or started > self.limit:
            self.dental = (self.origin - 30 + int(r() * 60)
                           if r() < DENTAL_WITHOUT_BMA else None)
            if self.dental is not None and self.dental > self.limit:
                self.dental = None
            return False
        agent = AGENT_MIX.get(primary, AGENT_MIX["other"])[int(r() * _SLOTS)]
        if agent == "zoledronic-acid" and r() < ZOLEDRONIC_TWELVE_WEEKLY:
            interval = INTERVAL_DAYS["twelve-weekly"] + 8 * r()
        elif agent == "pamidronate":
            interval = INTERVAL_DAYS["pamidronate"] + 4 * r()
        else:
            interval = INTERVAL_DAYS["four-weekly"] + 4 * r()
        stop, status = self.limit, "stopped" if self.died else "active"
        if r() < BMA_STOPPED_EARLY:
            early = started + 60 + int(r() * 660)
            if early < stop:
                stop, status = early, "stopped"
        doses = 1 + int((stop - started) / interval)
        med: dict[str, Any] = {"drug": agent, "status": status, "route": _ROUTE[agent],
                               "started": _ISO[started]}
        if r() >= BMA_SCHEDULE_MISSING:
            med["last_dose"] = _ISO[started + round((doses - 1) * interval)]
            med["doses_given"] = doses
        self.medications.insert(0, med)
        x = r()
        exam = (started - 7 - int(r() * 83) if x < DENTAL_BEFORE else
                started + 1 + int(r() * 60) if x < DENTAL_BEFORE + DENTAL_AFTER else None)
        self.dental = exam if exam is not None and exam <= self.limit else None
        return True

    # --- pain -------------------------------------------------------------------------------
    def radiotherapy_and_pain(self) -> None:
        """Write the courses into the lesions and the pain assessments of those for pain."""
        for i, courses in enumerate(self.courses):
            if not courses:
                continue
            courses.sort()
            les = self.lesions[i]
            les["prior_radiotherapy"] = [
                {"dose_gy": dose, "fractions": fx, "date": _ISO[day], "technique": technique}
                for day, dose, fx, technique, _ in courses]
            for k, (day, _, fx, technique, assessed) in enumerate(courses):
                if not assessed:
                    continue
                until = courses[k + 1][0] - 1 if k + 1 < len(courses) else self.limit
                kind = ("sbrt" if technique == "sbrt" else "first" if k == 0 else
                        "retreatment-single" if fx == 1 else "retreatment-multiple")
                self.trajectory(les, day, min(until, self.limit), _RESPONSE[kind])

    def trajectory(self, les: dict[str, Any], day: int, until: int, response: Table) -> None:
        """A baseline on the course date and follow-ups near 1, 2 and 3 months."""
        r, out, lesion = self.r, self.assessments, les["id"]
        pain = BASELINE_PAIN[int(r() * _SLOTS)]
        omed = 0 if r() < NO_OPIOID else 5 * max(1, round(
            math.exp(2.2 + 0.7 * _NORMAL[int(r() * _SLOTS)])))
        base: dict[str, Any] = {"date": _ISO[day], "lesion": lesion, "worst_pain": pain,
                                "omed_mg_per_day": omed}
        x = r()  # one draw decides what is missing: pain, OMED or neither
        if x < PAIN_MISSING:
            del base["worst_pain"]
        elif x < PAIN_MISSING + OMED_MISSING:
            del base["omed_mg_per_day"]
        les.setdefault("worst_pain", pain)
        out.append(base)
        month2 = response[int(r() * _SLOTS)]
        for m in (0, 1, 2):
            when = day + _MONTH_DAYS[m] + int(r() * _JITTER) - FOLLOW_UP_JITTER_DAYS
            if when > until:
                break
            x = r()
            if x < MISSED_FOLLOW_UP:
                continue
            category = (month2 if m == 1 or x < _PERSIST
                        else response[int(r() * _SLOTS)])
            p, o = _follow_up(r, category, pain, omed)
            x = r()
            if x < PAIN_MISSING:
                out.append({"date": _ISO[when], "lesion": lesion, "omed_mg_per_day": o})
            elif x < PAIN_MISSING + OMED_MISSING:
                out.append({"date": _ISO[when], "lesion": lesion, "worst_pain": p})
            else:
                out.append({"date": _ISO[when], "lesion": lesion, "worst_pain": p,
                            "omed_mg_per_day": o})

    # --- the document -----------------------------------------------------------------------
    def document(self, index: int) -> dict[str, Any]:
        self.baseline()
        self.make_lesions()
        cancer = self.cancer()
        on_bma = self.bma()
        labs = self.labs()
        self.initial_radiotherapy()
        self.skeletal_events(on_bma)
        self.radiotherapy_and_pain()
        self.events.sort(key=_first)
        events = [{"type": kind, "date": _ISO[day], "lesion": lesion} if lesion else
                  {"type": kind, "date": _ISO[day]} for day, kind, lesion in self.events]
        if self.died:
            events.append({"type": "death", "date": _ISO[self.last]})
        doc: dict[str, Any] = {
            "format": "osseous.case/1", "id": f"synth-{index:07d}",
            "assessed_on": _ISO[self.origin], "patient": self.patient(), "cancer": cancer,
            "labs": labs, "lesions": self.lesions,
        }
        if self.r() < 0.97:  # else the medication list is not recorded (unknown, not none)
            doc["medications"] = self.medications
        if self.assessments:
            self.assessments.sort(key=lambda a: a["date"])
            doc["pain_assessments"] = self.assessments
        doc["events"] = events
        return doc


_PRIMARY: Final = _table(*PRIMARY_MIX)
_KPS: Final = _table(*KARNOFSKY_MIX)
_SPINAL_OPTIONAL: Final = ("pain_character", "appearance", "alignment", "collapse",
                           "posterolateral", "escc", "neurological_deficit")
_BONE_OPTIONAL: Final = ("region", "pain_severity", "appearance", "size_fraction",
                         "pathological_fracture")


def _follow_up(r: Any, category: str, pain: int, omed: int) -> tuple[int, int]:
    """Pain and OMED at a follow-up that fall in ``category`` against the baseline
    (:func:`osseous.scores.pain.classify`)."""
    if category == "complete":
        return 0, (omed if r() < 0.7 else int(omed * (0.3 + 0.7 * r())))
    if category == "partial":
        if pain >= 3 and (omed == 0 or r() < 0.75):
            return 1 + int(r() * (pain - 2)), (omed if r() < 0.8 else int(omed * (0.5 + 0.5 * r())))
        if omed > 0:
            return 1 + int(r() * max(pain, 1)), int(omed * (0.3 + 0.45 * r()))
        return pain, omed  # no way to improve from pain 2 on no opioid: indeterminate
    if category == "progression":
        if pain <= 8 and (omed == 0 or r() < 0.7):
            # pain up by 2 or more counts only "with stable OMED": the OMED stays; the draws
            # that used to raise it are still made, so the rest of the cohort is unchanged
            rise = pain + 2 + int(r() * (9 - pain))
            if r() >= 0.7:
                r()
            return rise, omed
        return min(10, pain + int(r() * 2)), (math.ceil(omed * 1.25) + 5 * int(r() * 6) if omed
                                              else 10 + 5 * int(r() * 7))
    if pain >= 3 and r() < 0.3:  # indeterminate: less pain on more opioid
        return pain - 2 - int(r() * (pain - 2)), omed + 5 * (1 + int(r() * 4))
    return max(1 if pain else 0, min(10, pain + int(r() * 3) - 1)), omed


def synthetic_case(index: int, rng: random.Random, start: date, end: date) -> dict[str, Any]:
    """One synthetic patient, diagnosed between ``start`` and ``end`` and followed to ``end``."""
    return _Patient(rng, start.toordinal(), end.toordinal()).document(index)


def synthetic_cohort(patients: int, seed: int = 1, start: date = date(2020, 1, 1),
                     end: date = date(2025, 12, 31)) -> Iterator[dict[str, Any]]:
    """``patients`` documents, the same for the same seed, generated one at a time."""
    if patients < 0:
        raise ValueError(f"patients: must be >= 0 (given: {patients})")
    if end <= start:
        raise ValueError("end: must be after start")
    rng = random.Random(seed)
    for i in range(patients):
        yield synthetic_case(i + 1, rng, start, end)
