"""A seeded, reproducible synthetic registry of ``osseous.case/1`` documents.

No real patient is behind any record. The figures that shape it:

* survival from the first bone metastasis is exponential with the median of the patient's
  Chow number-of-risk-factors group: 15.0, 6.5 and 2.3 months for 0-1, 2 and 3 factors
  (the validation-cohort medians the Chow score reports, Mojica-Marquez 2020, scores.md);
* the first skeletal-related event on a bone-modifying agent has a rate of 0.17 a year, which
  gives the 29 % with an SRE within 2 years of CALGB 70604 (guidelines.md 4.2);
* without an agent the rate is 0.30 a year, a **project default** (no source in reference/);
* the primary mix, the Karnofsky and visceral-metastasis shares, radiotherapy fractionation
  and treatment shares are **project defaults** chosen to look like a general oncology
  service, documented in docs/clinical/decisions.md. They are not published figures.

Every document validates as ``osseous.case/1``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any, Final

from osseous.analytics.estimators import DAYS_PER_MONTH

#: project defaults: (primary, share)
PRIMARY_MIX: Final = (("breast", 0.30), ("prostate", 0.25), ("lung-nsclc", 0.20),
                      ("kidney", 0.06), ("myeloma", 0.08), ("colon", 0.05), ("other", 0.06))
#: Chow NRF group -> median survival in months (Mojica-Marquez 2020 validation of Chow 2008)
NRF_MEDIAN_MONTHS: Final = {1: 15.0, 2: 6.5, 3: 2.3}
#: first-SRE rates per patient-year (CALGB 70604 on zoledronic acid; the other a default)
SRE_RATE_ON_BMA: Final = 0.17
SRE_RATE_NO_BMA: Final = 0.30
BMA_SHARE: Final = 0.6
RT_FRACTIONS: Final = ((1, 0.45), (5, 0.30), (10, 0.20), (15, 0.05))
SRE_TYPES: Final = (("radiation-to-bone", 0.55), ("pathological-fracture", 0.25),
                    ("spinal-cord-compression", 0.10), ("surgery-to-bone", 0.10))
LEVELS: Final = ("C5", "T4", "T8", "T11", "T12", "L1", "L3", "L5")


def _pick(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _nrf(primary: str, visceral: bool, kps: int) -> int:
    # Chow 2008: non-breast primary, metastases beyond bone, KPS <= 60; groups 0-1, 2, 3
    factors = (primary != "breast") + visceral + (kps <= 60)
    return max(1, factors)


def synthetic_case(index: int, rng: random.Random, start: date, end: date) -> dict[str, Any]:
    """One synthetic patient, diagnosed between ``start`` and ``end`` and followed to ``end``."""
    primary = _pick(rng, PRIMARY_MIX)
    kps = rng.choice((50, 60, 70, 80, 90))
    visceral = rng.random() < 0.4
    origin = start + timedelta(days=rng.randrange((end - start).days))
    median = NRF_MEDIAN_MONTHS[_nrf(primary, visceral, kps)] * DAYS_PER_MONTH
    survival = rng.expovariate(math.log(2) / median)
    follow = (end - origin).days
    died = survival <= follow
    last = origin + timedelta(days=int(min(survival, follow)))
    on_bma = rng.random() < BMA_SHARE
    rate = (SRE_RATE_ON_BMA if on_bma else SRE_RATE_NO_BMA) / 365.25
    sre_day = rng.expovariate(rate)
    events: list[dict[str, Any]] = []
    lesion: dict[str, Any] = {"id": "S1", "site": "spine", "levels": [rng.choice(LEVELS)],
                              "escc": rng.choice(("0", "1a", "1b")),
                              "neurological_deficit": "none"}
    if sre_day < min(survival, follow):
        sre_type = _pick(rng, SRE_TYPES)
        when = origin + timedelta(days=int(sre_day))
        events.append({"type": sre_type, "date": when.isoformat(), "lesion": "S1"})
        if sre_type == "radiation-to-bone":
            lesion["prior_radiotherapy"] = [{
                "dose_gy": {1: 8, 5: 20, 10: 30, 15: 37.5}[(fx := _pick(rng, RT_FRACTIONS))],
                "fractions": fx, "date": when.isoformat(), "technique": "conventional"}]
    if died:
        events.append({"type": "death", "date": last.isoformat()})
    medications = []
    if on_bma:
        agent = rng.choice(("zoledronic-acid", "denosumab"))
        started = origin + timedelta(days=rng.randrange(0, 60))
        medications.append({"drug": agent, "status": "stopped" if died else "active",
                            "started": started.isoformat()})
    dental = ({"last_exam": (origin + timedelta(days=rng.randrange(-30, 30))).isoformat()}
              if rng.random() < 0.7 else None)
    return {
        "format": "osseous.case/1", "id": f"synth-{index:07d}",
        "assessed_on": origin.isoformat(),
        "patient": {"age_years": rng.randint(35, 90), "sex": (
            "female" if primary == "breast" else "male" if primary == "prostate"
            else rng.choice(("female", "male"))), "karnofsky": kps, "dental": dental,
            "last_known_alive": None if died else last.isoformat()},
        "cancer": {"primary": primary,
                   "visceral_metastases": "treatable" if visceral else "none",
                   "brain_metastases": False,
                   "bone_metastases": {"diagnosed_on": origin.isoformat()}},
        "lesions": [lesion], "medications": medications, "events": events,
    }


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
