"""Time-to-event estimators the bone-metastasis literature reports, in plain Python.

* Kaplan-Meier survival with Greenwood's variance and the log-log ("exponential Greenwood")
  95 % interval (Kalbfleisch and Prentice 2002, 4.3), which stays inside [0, 1];
* the Aalen-Johansen cumulative incidence of one event type with death as a competing risk
  (Aalen and Johansen 1978). Skeletal-related events are reported this way because 1 - KM
  overstates the incidence when death removes patients before they can have an event;
* Harrell's concordance index of a prognostic score against observed survival (Harrell et al.
  1982; 1996).

Times are days (any unit works), the event codes are integers: 0 censored, 1 the event of
interest, 2 a competing event. Ties are handled in the usual way: at a time with both events
and censorings, the events come first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True, slots=True)
class Step:
    """The estimate just after ``time``."""

    time: float
    at_risk: int
    events: int
    censored: int
    estimate: float
    lower: float | None
    upper: float | None


def _check(times: Sequence[float], codes: Sequence[int], allowed: tuple[int, ...]) -> None:
    if len(times) != len(codes):
        raise ValueError(f"times and events differ in length ({len(times)} vs {len(codes)})")
    for i, (t, c) in enumerate(zip(times, codes, strict=True)):
        if not isinstance(t, int | float) or math.isnan(t) or t < 0:
            raise ValueError(f"times[{i}]: must be a number >= 0 (given: {t!r})")
        if c not in allowed:
            raise ValueError(f"events[{i}]: must be one of {allowed} (given: {c!r})")


def _grouped(times: Sequence[float], codes: Sequence[int]) -> list[tuple[float, dict[int, int]]]:
    counts: dict[float, dict[int, int]] = {}
    for t, c in zip(times, codes, strict=True):
        counts.setdefault(float(t), {}).setdefault(c, 0)
        counts[float(t)][c] += 1
    return sorted(counts.items())


def kaplan_meier(times: Sequence[float], events: Sequence[int]) -> list[Step]:
    """Kaplan-Meier survival at each distinct time, with the log-log 95 % interval."""
    _check(times, events, (0, 1))
    at_risk, survival, greenwood = len(times), 1.0, 0.0
    out: list[Step] = []
    for t, c in _grouped(times, events):
        d, censored = c.get(1, 0), c.get(0, 0)
        if d:
            survival *= 1 - d / at_risk
            greenwood = greenwood + d / (at_risk * (at_risk - d)) if at_risk > d else math.inf
        lower, upper = _loglog_interval(survival, greenwood)
        out.append(Step(t, at_risk, d, censored, survival, lower, upper))
        at_risk -= d + censored
    return out


def _loglog_interval(s: float, greenwood: float) -> tuple[float | None, float | None]:
    if s <= 0 or s >= 1 or math.isinf(greenwood):
        return (None, None) if s < 1 else (1.0, 1.0)
    log_s = math.log(s)
    se = math.sqrt(greenwood) / abs(log_s)
    centre = math.log(-log_s)
    return (math.exp(-math.exp(centre + Z95 * se)), math.exp(-math.exp(centre - Z95 * se)))


def median(steps: Sequence[Step]) -> float | None:
    """The first time the estimate falls to 0.5 or below; None if it never does."""
    return next((s.time for s in steps if s.estimate <= 0.5), None)


def aalen_johansen(times: Sequence[float], causes: Sequence[int]) -> list[Step]:
    """Cumulative incidence of cause 1 with cause 2 competing, at each distinct time.

    CIF(t) = sum over event times t_j <= t of S(t_j-) * d1_j / n_j, where S is the all-cause
    Kaplan-Meier survival just before t_j. No interval is given yet (the estimate only).
    """
    _check(times, causes, (0, 1, 2))
    at_risk, survival, incidence = len(times), 1.0, 0.0
    out: list[Step] = []
    for t, c in _grouped(times, causes):
        d1, d2, censored = c.get(1, 0), c.get(2, 0), c.get(0, 0)
        if at_risk:
            incidence += survival * d1 / at_risk
            survival *= 1 - (d1 + d2) / at_risk
        out.append(Step(t, at_risk, d1, censored, incidence, None, None))
        at_risk -= d1 + d2 + censored
    return out


def harrell_c(times: Sequence[float], events: Sequence[int],
              predicted: Sequence[float]) -> tuple[float, int]:
    """Harrell's C for a score where a higher value predicts longer survival.

    A pair is usable when the shorter time ends in an event (and the times differ, or the
    shorter one is an event and the other censored at the same time). It is concordant when the
    patient who died first has the lower score; tied scores count one half. Returns
    (C, usable pairs); C is NaN when no pair is usable.
    """
    _check(times, events, (0, 1))
    if len(predicted) != len(times):
        raise ValueError("predicted: must have one value per patient")
    # Sweep from the longest time down, keeping how many patients with each predicted value
    # lie strictly later: O(n * distinct values), so integer scores stay fast on big cohorts.
    later: dict[float, int] = {}
    concordant, usable = 0.0, 0
    by_time: dict[float, list[int]] = {}
    for i, t in enumerate(times):
        by_time.setdefault(float(t), []).append(i)
    for t in sorted(by_time, reverse=True):
        group = by_time[t]
        censored_here: dict[float, int] = {}
        for j in group:
            if events[j] == 0:
                censored_here[predicted[j]] = censored_here.get(predicted[j], 0) + 1
        for i in group:
            if events[i] != 1:
                continue
            for counts in (later, censored_here):
                for value, k in counts.items():
                    usable += k
                    if predicted[i] < value:
                        concordant += k
                    elif predicted[i] == value:
                        concordant += 0.5 * k
        for j in group:
            later[predicted[j]] = later.get(predicted[j], 0) + 1
    return (concordant / usable if usable else math.nan), usable


def wilson(numerator: int, denominator: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; None without a denominator."""
    if denominator == 0:
        return None
    p = numerator / denominator
    centre = (p + z * z / (2 * denominator)) / (1 + z * z / denominator)
    half = (z / (1 + z * z / denominator)) * math.sqrt(
        p * (1 - p) / denominator + z * z / (4 * denominator * denominator))
    return max(0.0, centre - half), min(1.0, centre + half)
